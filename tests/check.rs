//! `passerelle check`: the bundled article against its glossary (clean, then with planted
//! mistakes), every output format as a snapshot, SARIF against the official schema, exit
//! codes for each --fail-on and for bad input, and the baseline round trip.

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{passerelle, repo_root, stdout_of};

const GLOSSARY: &str = "glossary/microsoft-build.tsv";
const ARTICLE_FR: &str = "corpora/microsoft-build/article.fr.txt";
const ARTICLE_EN: &str = "corpora/microsoft-build/article.en.txt";
const FIXTURE: &str = "tests/fixtures/check";

fn fixture_args(format: &str) -> Vec<String> {
    [
        "check",
        "--glossary",
        &format!("{FIXTURE}/glossary.tsv"),
        "--src",
        &format!("{FIXTURE}/src.fr.txt"),
        "--tgt",
        &format!("{FIXTURE}/tgt.en.txt"),
        "--format",
        format,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_str(&stdout_of(output)).expect("the report is JSON")
}

#[test]
fn the_bundled_english_reference_has_no_errors() {
    let out = passerelle()
        .args([
            "check",
            "--glossary",
            GLOSSARY,
            "--src",
            ARTICLE_FR,
            "--tgt",
            ARTICLE_EN,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report = json_of(&out);
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
    assert_eq!(out.status.code(), Some(0));
    passerelle()
        .args([
            "check", "-g", GLOSSARY, "--src", ARTICLE_FR, "--tgt", ARTICLE_EN,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("check: 0 errors"));
}

#[test]
fn planted_mistakes_are_caught_with_rule_and_location() {
    let english = std::fs::read_to_string(repo_root().join(ARTICLE_EN)).unwrap();
    let planted = [
        ("disrupts Satya Nadella's", "disrupts Satya Nadela's"),
        ("Israel's ethnic cleansing", "Israel's ethnic cleaning"),
        ("on April 4,", "on April 14,"),
        ("our code of conduct", "our rules of behaviour"),
    ];
    let mut changed = english.clone();
    for (from, to) in planted {
        assert_eq!(changed.matches(from).count(), 1, "{from}");
        changed = changed.replace(from, to);
    }
    let dir = tempfile::tempdir().unwrap();
    let tgt = dir.path().join("article.en.txt");
    std::fs::write(&tgt, &changed).unwrap();
    let out = passerelle()
        .args(["check", "-g", GLOSSARY, "--src", ARTICLE_FR, "--tgt"])
        .arg(&tgt)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    let french = std::fs::read_to_string(repo_root().join(ARTICLE_FR)).unwrap();
    let src_lines: Vec<&str> = french.split('\n').collect();
    let tgt_lines: Vec<&str> = changed.split('\n').collect();
    let mut seen = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        let segment = f["segment"].as_u64().unwrap() as usize;
        let slice = |span: &Value, text: &str| -> String {
            if span.is_null() {
                return String::new();
            }
            let (s, e) = (
                span["start"].as_u64().unwrap() as usize,
                span["end"].as_u64().unwrap() as usize,
            );
            text[s..e].to_string()
        };
        seen.push((
            f["rule"].as_str().unwrap().to_string(),
            f["term"].as_str().unwrap().to_string(),
            segment,
            f["target_location"]["line"].as_u64().unwrap(),
            slice(&f["source_span"], src_lines[segment]),
            slice(&f["target_span"], tgt_lines[segment]),
        ));
    }
    seen.sort();
    let want = [
        (
            "forbidden-term",
            "ethnic cleaning",
            12,
            13,
            "nettoyage ethnique",
            "ethnic cleaning",
        ),
        (
            "missing-term",
            "code de conduite",
            12,
            13,
            "code de conduite",
            "",
        ),
        (
            "missing-term",
            "nettoyage ethnique",
            12,
            13,
            "nettoyage ethnique",
            "",
        ),
        ("name-mismatch", "Satya Nadella", 0, 1, "Satya Nadella", ""),
        ("number-mismatch", "4", 12, 13, "4", ""),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(r, t, s, l, a, b)| {
            (
                r.to_string(),
                t.to_string(),
                *s,
                *l,
                a.to_string(),
                b.to_string(),
            )
        })
        .collect();
    assert_eq!(seen, want);
    // The number is the one of "4 avril", not the one of "4 ans".
    let number = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "number-mismatch")
        .unwrap();
    let start = number["source_span"]["start"].as_u64().unwrap() as usize;
    assert!(src_lines[12][start..].starts_with("4 avril"));
}

/// Runs the fixture in one format, with the tool version and paths made stable.
fn fixture_report(format: &str) -> (String, Option<i32>) {
    let out = passerelle().args(fixture_args(format)).output().unwrap();
    let text = stdout_of(&out).replace(env!("CARGO_PKG_VERSION"), "[version]");
    (text, out.status.code())
}

#[test]
fn human_report_snapshot() {
    let (text, code) = fixture_report("human");
    assert_eq!(code, Some(1));
    assert!(
        !text.contains('\u{1b}'),
        "no colour when standard output is not a terminal"
    );
    insta::assert_snapshot!("check_human", text);
}

#[test]
fn json_report_snapshot() {
    let (text, _) = fixture_report("json");
    insta::assert_snapshot!("check_json", text);
}

#[test]
fn sarif_report_snapshot() {
    let (text, _) = fixture_report("sarif");
    insta::assert_snapshot!("check_sarif", text);
}

#[test]
fn junit_report_snapshot() {
    let (text, _) = fixture_report("junit");
    insta::assert_snapshot!("check_junit", text);
}

#[test]
fn github_annotations_snapshot() {
    let (text, _) = fixture_report("github");
    insta::assert_snapshot!("check_github", text);
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/fixtures/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(validator: &jsonschema::Validator, text: &str) {
    let log: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let validator = sarif_validator();
    let (fixture, _) = fixture_report("sarif");
    assert_valid_sarif(&validator, &fixture);
    let out = passerelle()
        .args([
            "check", "-g", GLOSSARY, "--src", ARTICLE_FR, "--tgt", ARTICLE_EN, "--format", "sarif",
        ])
        .output()
        .unwrap();
    assert_valid_sarif(&validator, &stdout_of(&out));
    // From an alignment file, and with no results at all.
    let out = passerelle()
        .args([
            "check",
            "-g",
            &format!("{FIXTURE}/glossary.tsv"),
            &format!("{FIXTURE}/aligned.tsv"),
            "--format",
            "sarif",
        ])
        .output()
        .unwrap();
    assert_valid_sarif(&validator, &stdout_of(&out));
    // The validator is not a rubber stamp.
    assert!(!validator.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"tool": {}}]})));
}

#[test]
fn sarif_results_point_at_the_translation_with_stable_fingerprints() {
    let (text, _) = fixture_report("sarif");
    let log: Value = serde_json::from_str(&text).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let name = results
        .iter()
        .find(|r| r["ruleId"] == "name-mismatch")
        .unwrap();
    let loc = &name["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "tests/fixtures/check/tgt.en.txt"
    );
    assert_eq!(loc["region"]["startLine"], 1);
    assert_eq!(loc["region"]["startColumn"], 1);
    assert_eq!(loc["region"]["endColumn"], 14);
    assert_eq!(
        name["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/check/src.fr.txt"
    );
    // Adding a line above moves the findings but keeps their fingerprints.
    let dir = tempfile::tempdir().unwrap();
    for (file, extra) in [
        ("src.fr.txt", "Une ligne de plus.\n"),
        ("tgt.en.txt", "One more line.\n"),
    ] {
        let text = std::fs::read_to_string(repo_root().join(FIXTURE).join(file)).unwrap();
        std::fs::write(dir.path().join(file), format!("{extra}{text}")).unwrap();
    }
    let out = passerelle()
        .args([
            "check",
            "-g",
            &format!("{FIXTURE}/glossary.tsv"),
            "--format",
            "sarif",
            "--src",
        ])
        .arg(dir.path().join("src.fr.txt"))
        .arg("--tgt")
        .arg(dir.path().join("tgt.en.txt"))
        .output()
        .unwrap();
    let moved: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let fingerprints = |log: &Value| -> Vec<String> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["passerelle/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(fingerprints(&log), fingerprints(&moved));
    assert_eq!(
        moved["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
}

#[test]
fn alignment_files_are_checked_too() {
    let out = passerelle()
        .args([
            "check",
            "-g",
            &format!("{FIXTURE}/glossary.tsv"),
            &format!("{FIXTURE}/aligned.tsv"),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    let name = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "name-mismatch")
        .unwrap();
    assert_eq!(
        name["target_location"]["path"],
        "tests/fixtures/check/aligned.tsv"
    );
    assert_eq!(name["target_location"]["line"], 1);
    // The target column starts after the source and a tab.
    let column = "Satya Nadella parle d'informatique en nuage.\t"
        .chars()
        .count()
        + 1;
    assert_eq!(name["target_location"]["column"], column);
}

fn warnings_only(dir: &Path) -> Vec<String> {
    std::fs::write(dir.join("s.txt"), "Le nuage est là.\nLe nuage est beau.\n").unwrap();
    std::fs::write(dir.join("t.txt"), "The cloud is there.\nCloud is nice.\n").unwrap();
    vec![
        "check".into(),
        "-g".into(),
        format!("{}/{FIXTURE}/glossary.tsv", repo_root().display()),
        "--src".into(),
        dir.join("s.txt").display().to_string(),
        "--tgt".into(),
        dir.join("t.txt").display().to_string(),
    ]
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let warn = warnings_only(dir.path());
    passerelle()
        .args(&warn)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "warning[inconsistent-translation]",
        ));
    passerelle()
        .args(&warn)
        .args(["--fail-on", "warning"])
        .assert()
        .code(1);
    passerelle()
        .args(&warn)
        .args(["--fail-on", "never"])
        .assert()
        .code(0);
    passerelle()
        .args(fixture_args("json"))
        .args(["--fail-on", "error"])
        .assert()
        .code(1);
    passerelle()
        .args(fixture_args("json"))
        .args(["--fail-on", "never"])
        .assert()
        .code(0);
    // A severity turned down below the threshold no longer fails the run.
    passerelle()
        .args(&warn)
        .args([
            "--fail-on",
            "warning",
            "--severity",
            "inconsistent-translation=info",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("note[inconsistent-translation]"));
    passerelle()
        .args(&warn)
        .args(["--severity", "inconsistent-translation=off"])
        .assert()
        .code(0)
        .stdout("check: 0 errors, 0 warnings, 0 notes in 2 segment pairs\n");
}

#[test]
fn a_source_on_standard_input_is_checked_like_a_file() {
    let mut args = fixture_args("json");
    let from_file = json_of(&passerelle().args(&args).output().unwrap());
    let src = std::fs::read(repo_root().join(FIXTURE).join("src.fr.txt")).unwrap();
    let at = args.iter().position(|a| a == "--src").unwrap() + 1;
    args[at] = "-".to_string();
    let from_stdin = json_of(&passerelle().args(&args).write_stdin(src).output().unwrap());
    let rules = |report: &Value| -> Vec<(Value, Value, Value)> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["rule"].clone(), f["segment"].clone(), f["term"].clone()))
            .collect()
    };
    assert!(!rules(&from_file).is_empty());
    assert_eq!(rules(&from_stdin), rules(&from_file));
}

#[test]
fn locations_count_a_bom_on_the_first_line_only() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.txt");
    let tgt = dir.path().join("tgt.txt");
    std::fs::write(
        &src,
        "\u{feff}L'informatique en nuage.\nL'informatique en nuage.\n",
    )
    .unwrap();
    std::fs::write(&tgt, "\u{feff}The sky.\nThe sky.\n").unwrap();
    let out = passerelle()
        .args(["check", "-g", GLOSSARY, "--format", "json", "--src"])
        .arg(&src)
        .arg("--tgt")
        .arg(&tgt)
        .output()
        .unwrap();
    let report = json_of(&out);
    let places: Vec<(Value, Value, Value)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "missing-term")
        .map(|f| {
            let at = &f["source_location"];
            (
                f["segment"].clone(),
                at["line"].clone(),
                at["column"].clone(),
            )
        })
        .collect();
    // The BOM's three bytes, then "L'": the term starts in column 6 of line 1, 3 of line 2.
    assert_eq!(
        places,
        [
            (Value::from(0), Value::from(1), Value::from(6)),
            (Value::from(1), Value::from(2), Value::from(3)),
        ]
    );
}

#[test]
fn bad_input_is_exit_2_with_a_precise_message() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.tsv");
    std::fs::write(
        &bad,
        "fr\ten\tkind\nnuage\tcloud\tterm\nAzure\tAzure\tproduct\n",
    )
    .unwrap();
    let src = format!("{FIXTURE}/src.fr.txt");
    let tgt = format!("{FIXTURE}/tgt.en.txt");
    passerelle()
        .args(["check", "--src", &src, "--tgt", &tgt, "-g"])
        .arg(&bad)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "bad.tsv:3: unknown kind 'product' (expected term, name or forbidden)",
        ));
    std::fs::write(&bad, "fr\ten\nnuage\tcloud\tx\n").unwrap();
    passerelle()
        .args(["check", "--src", &src, "--tgt", &tgt, "-g"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.tsv:2: expected 2 columns (fr, en), found 3",
        ));
    std::fs::write(&bad, b"fr\ten\nnuage\tcloud\ncaf\xe9\tcoffee\n").unwrap();
    passerelle()
        .args(["check", "--src", &src, "--tgt", &tgt, "-g"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.tsv:3: invalid UTF-8"));
    let short = dir.path().join("short.txt");
    std::fs::write(&short, "One line.\n").unwrap();
    passerelle()
        .args(["check", "-g", GLOSSARY, "--src", &src, "--tgt"])
        .arg(&short)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("has 8 lines but")
                .and(predicate::str::contains("short.txt has 1")),
        );
    // Line files are checked as they are read: a bad byte is still reported where it is,
    // before anything is checked against it.
    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"Un caf\xe9.\nDeux.\n").unwrap();
    passerelle()
        .args(["check", "-g", GLOSSARY, "--src"])
        .arg(&latin1)
        .args(["--tgt", &tgt])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "latin1.txt: invalid UTF-8 at byte 6",
        ));
    passerelle()
        .args(["check", "-g", GLOSSARY, "--src", "-", "--tgt", "-"])
        .write_stdin("Un.\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot both be standard input"));
    passerelle()
        .args(["check", "-g", GLOSSARY, "--src", &src, "--tgt", "nope.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "nope.txt: no such file or directory",
        ));
    passerelle()
        .args(["check", "-g", GLOSSARY, "--src", &src])
        .assert()
        .code(2);
    passerelle()
        .args(["check", "-g", GLOSSARY])
        .assert()
        .code(2);
    passerelle()
        .args([
            "check",
            "-g",
            GLOSSARY,
            "--src",
            &src,
            "--tgt",
            &tgt,
            "--severity",
            "typo=off",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule 'typo'"));
    passerelle()
        .args([
            "check",
            "-g",
            GLOSSARY,
            "--src",
            &src,
            "--tgt",
            &tgt,
            "--tgt-lang",
            "de",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no 'de' column (the glossary has: fr, en)",
        ));
    let baseline = dir.path().join("baseline.json");
    std::fs::write(&baseline, "[]").unwrap();
    passerelle()
        .args([
            "check",
            "-g",
            GLOSSARY,
            "--src",
            &src,
            "--tgt",
            &tgt,
            "--baseline",
        ])
        .arg(&baseline)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a passerelle baseline"));
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    passerelle()
        .args(fixture_args("human"))
        .arg("--write-baseline")
        .arg(&baseline)
        .assert()
        .code(0);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(written["version"], 1);
    assert_eq!(written["findings"].as_array().unwrap().len(), 7);
    passerelle()
        .args(fixture_args("human"))
        .arg("--baseline")
        .arg(&baseline)
        .assert()
        .code(0)
        .stdout(predicate::str::ends_with("check: 0 errors, 0 warnings, 0 notes in 8 segment pairs (7 accepted by the baseline)\n"));
    // A new mistake fails the run, and only it is reported.
    let tgt = std::fs::read_to_string(repo_root().join(FIXTURE).join("tgt.en.txt")).unwrap();
    let tgt_path = dir.path().join("tgt.en.txt");
    std::fs::write(
        dir.path().join("src.fr.txt"),
        std::fs::read(repo_root().join(FIXTURE).join("src.fr.txt")).unwrap(),
    )
    .unwrap();
    std::fs::write(
        &tgt_path,
        tgt.replace(
            "Ethnic cleaning is a crime.",
            "Ethnic cleaning is, alas, a crime.",
        ),
    )
    .unwrap();
    let out = passerelle()
        .args([
            "check",
            "-g",
            &format!("{FIXTURE}/glossary.tsv"),
            "--format",
            "json",
            "--src",
        ])
        .arg(dir.path().join("src.fr.txt"))
        .arg("--tgt")
        .arg(&tgt_path)
        .arg("--baseline")
        .arg(&baseline)
        .output()
        .unwrap();
    let report = json_of(&out);
    assert_eq!(report["summary"]["baselined"], 7, "{report:#}");
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [] as [&str; 0],
        "editing a target keeps its accepted findings accepted"
    );
    let mut changed_src =
        std::fs::read_to_string(repo_root().join(FIXTURE).join("src.fr.txt")).unwrap();
    changed_src = changed_src.replace("Le nuage est beau.", "Le nuage est beau en 2025.");
    std::fs::write(dir.path().join("src.fr.txt"), changed_src).unwrap();
    let out = passerelle()
        .args([
            "check",
            "-g",
            &format!("{FIXTURE}/glossary.tsv"),
            "--format",
            "json",
            "--src",
        ])
        .arg(dir.path().join("src.fr.txt"))
        .arg("--tgt")
        .arg(&tgt_path)
        .arg("--baseline")
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["number-mismatch", "inconsistent-translation"]);
}

#[test]
fn help_explains_rules_formats_and_baselines() {
    passerelle()
        .args(["check", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("missing-term"))
        .stdout(predicate::str::contains("sarif"))
        .stdout(predicate::str::contains("--fail-on"))
        .stdout(predicate::str::contains("--write-baseline"));
}

/// The placeholder, markup and URL fixture, checked without a glossary, in one format.
fn protected_report(format: &str) -> (String, Option<i32>) {
    let out = passerelle()
        .args([
            "check",
            "--src",
            &format!("{FIXTURE}/protected.fr.txt"),
            "--tgt",
            &format!("{FIXTURE}/protected.en.txt"),
            "--format",
            format,
        ])
        .output()
        .unwrap();
    let text = stdout_of(&out).replace(env!("CARGO_PKG_VERSION"), "[version]");
    (text, out.status.code())
}

/// Issue 12: `check` runs without --glossary (the rules that need none), and placeholder,
/// markup and URL findings come out in every format; the French percentages, the escapes
/// and the unchanged URLs of the fixture's clean lines give none.
#[test]
fn placeholders_tags_and_urls_without_a_glossary_in_every_format() {
    let (json, code) = protected_report("json");
    assert_eq!(code, Some(1));
    let report: Value = serde_json::from_str(&json).unwrap();
    let found: Vec<(u64, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["segment"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
                f["term"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let rules: std::collections::BTreeSet<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        ["markup-mismatch", "placeholder-mismatch", "url-mismatch"]
    );
    let segments: std::collections::BTreeSet<u64> = found.iter().map(|f| f.0).collect();
    assert_eq!(segments.into_iter().collect::<Vec<_>>(), [0, 1, 2, 3, 4, 6]);
    for format in ["human", "json", "sarif", "junit", "github"] {
        let (text, _) = protected_report(format);
        insta::assert_snapshot!(format!("check_protected_{format}"), text);
    }
    let (sarif, _) = protected_report("sarif");
    assert_valid_sarif(&sarif_validator(), &sarif);
}
