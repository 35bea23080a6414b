//! `passerelle run`: the whole pipeline on the bundled corpus in a temporary copy of the
//! project (outputs as reviewed snapshots), exit codes (a planted glossary error fails the
//! run), bad project files named by file, line and key, an output folder that cannot be
//! written, atomic outputs, a translation memory and paragraph translation instead of a
//! reference, TMX and XLIFF read back identically, and the example project files.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{passerelle, repo_root};
use passerelle::formats::{aligned, xliff};
use passerelle::pipeline::config::Config;
use passerelle::text::Lang;

/// A temporary copy of what `passerelle run` needs from the repository.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "passerelle.toml",
            "corpora/microsoft-build/article.fr.txt",
            "corpora/microsoft-build/article.en.txt",
            "glossary/microsoft-build.tsv",
        ] {
            let to = dir.path().join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(repo_root().join(file), &to).unwrap();
        }
        Project { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `passerelle ARGS` in the project's folder.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = passerelle();
        cmd.current_dir(self.dir.path()).args(args);
        cmd.output().unwrap()
    }
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const OUTPUTS: [&str; 9] = [
    "microsoft-build.fr.txt",
    "microsoft-build.en.txt",
    "microsoft-build.tsv",
    "microsoft-build.jsonl",
    "microsoft-build.tmx",
    "microsoft-build.xlf",
    "findings.json",
    "findings.sarif",
    "report.html",
];

/// The summary without its timing.
fn summary(o: &std::process::Output) -> String {
    stderr(o)
        .lines()
        .map(|l| match l.find("; ") {
            Some(i) if l.ends_with(" s in all") => format!("{}; [time] s in all", &l[..i]),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_bundled_project_runs_offline_and_passes() {
    let p = Project::new();
    let out = p.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for file in OUTPUTS {
        assert!(p.path("out").join(file).is_file(), "{file} missing");
    }
    // Line i of one text file is the translation of line i of the other, and of bead i.
    let fr = p.read("out/microsoft-build.fr.txt");
    let en = p.read("out/microsoft-build.en.txt");
    let tsv = p.read("out/microsoft-build.tsv");
    assert_eq!(fr.lines().count(), en.lines().count());
    assert_eq!(fr.lines().count(), tsv.lines().count());
    for ((f, e), t) in fr.lines().zip(en.lines()).zip(tsv.lines()) {
        assert!(t.starts_with(&format!("{f}\t{e}\t")), "{t}");
    }
    let findings: Value = serde_json::from_str(&p.read("out/findings.json")).unwrap();
    assert_eq!(findings["summary"]["errors"], 0, "{findings:#}");
    let report = p.read("out/report.html");
    assert_eq!(report.matches("<tr id=\"d0-b").count(), tsv.lines().count());
    assert!(!report.contains("src=\"http") && !report.contains("href=\"http"));

    insta::assert_snapshot!("run_summary", summary(&out));
    insta::assert_snapshot!("run_tsv", tsv);
    insta::assert_snapshot!("run_findings_json", p.read("out/findings.json"));
    let xlf = p.read("out/microsoft-build.xlf");
    let head: String = xlf
        .split("</unit>")
        .take(3)
        .collect::<Vec<_>>()
        .join("</unit>");
    insta::assert_snapshot!("run_xliff_head", head);
    let tmx = p.read("out/microsoft-build.tmx");
    let head: String = tmx.split("</tu>").take(2).collect::<Vec<_>>().join("</tu>");
    insta::assert_snapshot!("run_tmx_head", head);

    // The outputs are what `check` accepts, XLIFF included.
    for file in [
        "out/microsoft-build.xlf",
        "out/microsoft-build.tmx",
        "out/microsoft-build.jsonl",
    ] {
        let o = p.run(&["check", "-g", "glossary/microsoft-build.tsv", file]);
        assert_eq!(o.status.code(), Some(0), "{file}: {}", stderr(&o));
    }
}

#[test]
fn tmx_and_xliff_read_back_identically() {
    let p = Project::new();
    assert!(p.run(&["run", "-q"]).status.success());
    let (fr, en) = (Lang::Fr, Lang::En);
    let read = |rel: &str| {
        let path = p.path(rel);
        aligned::parse(&path, &p.read(rel), &fr, &en).unwrap()
    };
    let jsonl = read("out/microsoft-build.jsonl");
    let xlf = read("out/microsoft-build.xlf");
    let tmx_file = read("out/microsoft-build.tmx");
    assert!(jsonl.indexed() && jsonl.complete);
    // XLIFF keeps every bead: texts, indices, types, scores and flags.
    assert_eq!(xlf.records.len(), jsonl.records.len());
    for (x, j) in xlf.records.iter().zip(&jsonl.records) {
        assert_eq!(
            (&x.source, &x.target, &x.src, &x.tgt, x.kind, x.review),
            (&j.source, &j.target, &j.src, &j.tgt, j.kind, j.review)
        );
        assert!((x.score.unwrap() - j.score.unwrap()).abs() < 1e-6);
    }
    // TMX keeps the beads with text on both sides, with their indices and scores.
    let both: Vec<_> = jsonl
        .records
        .iter()
        .filter(|r| !r.source.is_empty() && !r.target.is_empty())
        .collect();
    assert_eq!(tmx_file.records.len(), both.len());
    for (t, j) in tmx_file.records.iter().zip(both) {
        assert_eq!(
            (&t.source, &t.target, &t.src, &t.tgt),
            (&j.source, &j.target, &j.src, &j.tgt)
        );
        assert!((t.score.unwrap() - j.score.unwrap()).abs() < 1e-6);
        assert_eq!(t.review, j.review);
    }
    // And the bitext reader gives the same pairs.
    let xlf_path = p.path("out/microsoft-build.xlf");
    let bitext = passerelle::formats::read_bitext(&xlf_path, &fr, &en).unwrap();
    assert_eq!(bitext.pairs.len(), jsonl.records.len());
    let tmx_path = p.path("out/microsoft-build.tmx");
    let bitext = passerelle::formats::read_bitext(&tmx_path, &fr, &en).unwrap();
    assert_eq!(bitext.pairs.len(), tmx_file.records.len());
    // XLIFF is well-formed for CAT tools: the required attributes are there.
    let doc = xliff::read_document(&xlf_path, &p.read("out/microsoft-build.xlf")).unwrap();
    assert_eq!(
        (doc.src_lang.as_str(), doc.tgt_lang.as_deref()),
        ("fr", Some("en"))
    );
    assert!(doc.units.iter().all(|u| !u.id.is_empty()));
}

#[test]
fn a_planted_glossary_error_fails_the_run() {
    let p = Project::new();
    let en = p.read("corpora/microsoft-build/article.en.txt");
    assert_eq!(en.matches("ethnic cleansing").count(), 1);
    p.write(
        "corpora/microsoft-build/article.en.txt",
        &en.replace("ethnic cleansing", "ethnic cleaning"),
    );
    let out = p.run(&["run"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings: Value = serde_json::from_str(&p.read("out/findings.json")).unwrap();
    let rules: Vec<&str> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"forbidden-term"), "{rules:?}");
    assert!(rules.contains(&"missing-term"), "{rules:?}");
    // SARIF points at the reference file, repository-relative.
    let sarif: Value = serde_json::from_str(&p.read("out/findings.sarif")).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"];
    assert_eq!(uri, "corpora/microsoft-build/article.en.txt");
    assert!(
        stderr(&out).contains("at or above error"),
        "{}",
        stderr(&out)
    );
    // The report shows it.
    let report = p.read("out/report.html");
    assert!(report.contains("forbidden-term"));
    // --fail-on never lets it pass.
    assert_eq!(p.run(&["run", "--fail-on", "never"]).status.code(), Some(0));
}

#[test]
fn bad_project_files_name_file_line_and_key() {
    let p = Project::new();
    let good = p.read("passerelle.toml");
    p.write(
        "passerelle.toml",
        &format!("{good}\n[translate]\nbackendd = \"tm\"\n"),
    );
    let out = p.run(&["run"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let line = good.lines().count() + 3;
    assert!(
        err.contains(&format!(
            "passerelle.toml:{line}: translate.backendd: unknown field `backendd`"
        )),
        "{err}"
    );

    p.write(
        "passerelle.toml",
        &good.replace("fail_on = \"error\"", "fail_on = 1"),
    );
    let out = p.run(&["run"]);
    assert_eq!(out.status.code(), Some(2));
    let line = good.lines().position(|l| l.starts_with("fail_on")).unwrap() + 1;
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "passerelle.toml:{line}: check.fail_on: invalid type: integer `1`"
        )),
        "{err}"
    );

    p.write(
        "passerelle.toml",
        &good.replace("[[document]]", "[[documents]]"),
    );
    let err = stderr(&p.run(&["run"]));
    assert!(
        err.contains("documents: unknown field `documents`"),
        "{err}"
    );
    assert!(
        !p.path("out").exists(),
        "nothing is written for a bad project file"
    );
}

#[test]
fn missing_inputs_and_project_files_are_errors() {
    let p = Project::new();
    std::fs::remove_file(p.path("passerelle.toml")).unwrap();
    let out = p.run(&["run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("passerelle.toml: no such file in this folder"),
        "{}",
        stderr(&out)
    );
    let out = p.run(&["run", "--config", "nope.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nope.toml: no such file or directory"),
        "{}",
        stderr(&out)
    );

    let p = Project::new();
    std::fs::remove_file(p.path("corpora/microsoft-build/article.en.txt")).unwrap();
    let out = p.run(&["run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("corpora/microsoft-build/article.en.txt: no such file or directory"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_output_folder_that_cannot_be_written_is_an_error() {
    let p = Project::new();
    p.write("blocker", "a file where the output folder should be\n");
    let out = p.run(&["run", "--out-dir", "blocker/out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("blocker/out: cannot write"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_failed_run_leaves_the_previous_outputs_whole() {
    let p = Project::new();
    assert!(p.run(&["run", "-q"]).status.success());
    let before: Vec<Vec<u8>> = OUTPUTS
        .iter()
        .map(|f| std::fs::read(p.path("out").join(f)).unwrap())
        .collect();
    // A second document whose source is missing: the run fails after aligning the first.
    let good = p.read("passerelle.toml");
    p.write(
        "passerelle.toml",
        &format!("{good}\n[[document]]\nname = \"second\"\nsource = \"missing.fr.txt\"\nreference = \"missing.en.txt\"\n"),
    );
    // And a changed reference, so that the first document's outputs would change.
    let en = p.read("corpora/microsoft-build/article.en.txt");
    p.write(
        "corpora/microsoft-build/article.en.txt",
        &en.replace("war crimes", "war crime"),
    );
    let out = p.run(&["run"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    for (f, bytes) in OUTPUTS.iter().zip(&before) {
        assert_eq!(
            &std::fs::read(p.path("out").join(f)).unwrap(),
            bytes,
            "{f} changed"
        );
    }
    let names: Vec<String> = std::fs::read_dir(p.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), OUTPUTS.len(), "{names:?}");
}

#[test]
fn a_project_elsewhere_resolves_paths_against_its_folder() {
    let p = Project::new();
    let moved = p
        .read("passerelle.toml")
        .replace("\"corpora/", "\"../corpora/")
        .replace("\"glossary/", "\"../glossary/")
        .replace("dir = \"out\"", "dir = \"../elsewhere-out\"");
    p.write("conf/project.toml", &moved);
    let out = p.run(&["run", "--config", "conf/project.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(p.path("elsewhere-out/report.html").is_file());
    let sarif: Value = serde_json::from_str(&p.read("elsewhere-out/findings.sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(0)
    );
}

#[test]
fn a_translation_memory_translates_sentence_by_sentence() {
    let p = Project::new();
    assert!(p.run(&["run", "-q"]).status.success());
    // Last run's TMX becomes the memory of a project without a reference.
    p.write(
        "tm.toml",
        "glossary = \"glossary/microsoft-build.tsv\"\n\n[[document]]\nname = \"article\"\n\
         source = \"corpora/microsoft-build/article.fr.txt\"\n\n[translate]\nbackend = \"tm\"\n\n\
         [translate.tm]\nmemories = [\"out/microsoft-build.tmx\"]\n\n[output]\ndir = \"tm-out\"\n",
    );
    let out = p.run(&["run", "--config", "tm.toml"]);
    let err = stderr(&out);
    assert!(err.contains("translated by tm"), "{err}");
    let file = aligned::parse(
        &p.path("tm-out/article.jsonl"),
        &p.read("tm-out/article.jsonl"),
        &Lang::Fr,
        &Lang::En,
    )
    .unwrap();
    // One bead per source sentence: 1-1, or 1-0 for a sentence the memory has no match for.
    for r in &file.records {
        let kind = r.kind.unwrap();
        assert!(kind.0 == 1 && kind.1 <= 1, "{kind}");
        if kind.1 == 0 {
            assert!(r.review && r.target.is_empty());
        }
    }
    let exact = file.records.iter().filter(|r| r.score == Some(1.0)).count();
    assert!(
        exact * 10 >= file.records.len() * 8,
        "{exact} of {}",
        file.records.len()
    );
    // Misses are untranslated findings, which fail the run.
    let misses = file.records.iter().filter(|r| r.target.is_empty()).count();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
    if misses > 0 {
        assert_eq!(out.status.code(), Some(1), "{err}");
    }
}

#[test]
fn paragraphs_are_translated_then_segmented_and_aligned() {
    let p = Project::new();
    // A memory of whole paragraphs: the article's French and English, line by line.
    let fr = p.read("corpora/microsoft-build/article.fr.txt");
    let en = p.read("corpora/microsoft-build/article.en.txt");
    let memory: String = fr
        .lines()
        .zip(en.lines())
        .filter(|(f, e)| !f.trim().is_empty() && !e.trim().is_empty())
        .map(|(f, e)| format!("{}\t{}\n", f.trim(), e.trim()))
        .collect();
    p.write("paragraphs.tsv", &format!("fr\ten\n{memory}"));
    p.write(
        "para.toml",
        "glossary = \"glossary/microsoft-build.tsv\"\n\n[[document]]\nname = \"article\"\n\
         source = \"corpora/microsoft-build/article.fr.txt\"\n\n[translate]\nbackend = \"tm\"\n\
         unit = \"paragraph\"\n\n[translate.tm]\nmemories = [\"paragraphs.tsv\"]\n\n[output]\n\
         dir = \"para-out\"\nformats = [\"tsv\", \"jsonl\", \"html\"]\n",
    );
    let out = p.run(&["run", "--config", "para.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tsv = p.read("para-out/article.tsv");
    assert!(tsv.lines().count() > 60, "{tsv}");
    assert!(tsv.lines().filter(|l| l.contains("\t1-1\t")).count() > 50);
    // Only the formats asked for are written.
    let mut names: Vec<String> = std::fs::read_dir(p.path("para-out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["article.jsonl", "article.tsv", "report.html"]);
}

#[test]
fn every_example_project_file_is_valid() {
    let examples = repo_root().join("examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&examples).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let config = Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(config.needs_backend(), "{}", path.display());
        config
            .translate
            .backend_config()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for doc in &config.documents {
            assert!(
                doc.source.is_file(),
                "{}: {}",
                path.display(),
                doc.source.display()
            );
        }
        if let Some(g) = &config.glossary {
            assert!(g.is_file(), "{}", g.display());
        }
        seen += 1;
    }
    assert_eq!(seen, 3);
    let tm = Config::load(&examples.join("passerelle.tm.toml")).unwrap();
    for memory in &tm.translate.settings.tm.as_ref().unwrap().memories {
        assert!(memory.is_file(), "{}", memory.display());
    }
    let workflow = std::fs::read_to_string(examples.join("github-workflow.yml")).unwrap();
    assert!(workflow.contains("--format sarif"));
    assert!(workflow.contains("github/codeql-action/upload-sarif"));
    // The repository's own project file, too.
    let root = Config::load(&repo_root().join("passerelle.toml")).unwrap();
    assert!(!root.needs_backend(), "the bundled project runs offline");
}

#[test]
fn the_example_memory_project_runs_offline() {
    let p = Project::new();
    for file in [
        "examples/passerelle.tm.toml",
        "examples/microsoft-build.tmx",
    ] {
        p.write(
            file,
            &std::fs::read_to_string(repo_root().join(file)).unwrap(),
        );
    }
    let out = p.run(&["run", "--config", "examples/passerelle.tm.toml"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    assert!(p.path("out/tm/report.html").is_file());
    assert!(Path::new(&p.path("out/tm/microsoft-build.xlf")).is_file());
}

#[test]
fn run_help_has_examples() {
    passerelle()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("passerelle run --config"))
        .stdout(predicate::str::contains("report.html"));
}

#[test]
fn every_alignment_format_can_be_asked_for_and_unknown_ones_are_named() {
    let p = Project::new();
    let good = p.read("passerelle.toml");
    p.write(
        "passerelle.toml",
        &good.replace(
            "dir = \"out\"",
            "dir = \"out\"\nformats = [\"beads\", \"moses\", \"text\", \"findings\"]",
        ),
    );
    let out = p.run(&["run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut written: Vec<String> = std::fs::read_dir(p.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "findings.json",
            "microsoft-build.beads",
            "microsoft-build.en",
            "microsoft-build.en.txt",
            "microsoft-build.fr",
            "microsoft-build.fr.txt"
        ]
    );
    let beads = p.read("out/microsoft-build.beads");
    assert_eq!(beads.lines().count(), 66);
    assert!(beads.starts_with("[0]:[0]:"), "{beads}");
    // Every bead of the article has two sides, so Moses and the parallel text agree.
    assert_eq!(
        p.read("out/microsoft-build.en"),
        p.read("out/microsoft-build.en.txt")
    );

    p.write(
        "passerelle.toml",
        &good.replace(
            "dir = \"out\"",
            "dir = \"out\"\nformats = [\"tsv\", \"docx\"]",
        ),
    );
    let out = p.run(&["run"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("unknown format 'docx' (expected one of: text, tsv, jsonl, beads, moses, tmx, xliff, findings, sarif, html)"),
        "{err}"
    );
}
