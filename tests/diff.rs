//! `passerelle diff`: hand-made alignments with every kind of change (see
//! `fixtures/diff/README.md`) in every format, exit codes like `diff`, inputs that cannot be
//! compared, and a real before/after re-translation of the bundled article.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{passerelle, stdout_of};
use crate::run::Project;

const OLD: &str = "tests/fixtures/diff/old.jsonl";
const NEW: &str = "tests/fixtures/diff/new.jsonl";

#[test]
fn every_kind_of_change_as_text() {
    let out = passerelle().args(["diff", OLD, NEW]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    assert!(!text.contains('\u{1b}'), "no colour when piped");
    insta::assert_snapshot!("diff_text", text);
    assert!(text.ends_with(
        "diff: OLD 11 beads, NEW 11: 1 changed, 1 split, 1 merged, 1 regrouped, 2 added, 1 removed, 3 unchanged\n"
    ));
}

#[test]
fn every_kind_of_change_as_json() {
    let out = passerelle()
        .args(["diff", OLD, NEW, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let s = &json["summary"];
    for (kind, n) in [
        ("changed", 1),
        ("split", 1),
        ("merged", 1),
        ("regrouped", 1),
        ("added", 2),
        ("removed", 1),
        ("unchanged", 3),
    ] {
        assert_eq!(s[kind], n, "{kind}: {s}");
    }
    assert_eq!(s["equal"], false);
    let kinds: Vec<&str> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "changed",
            "split",
            "merged",
            "added",
            "removed",
            "added",
            "regrouped"
        ]
    );
    let changed = &json["changes"][0];
    assert_eq!(changed["source"], serde_json::json!([1, 2]));
    assert_eq!(changed["old"][0]["target"], "He spoke to Satya Nadella.");
    assert_eq!(
        changed["words"],
        serde_json::json!([
            {"op": "equal", "text": "He "},
            {"op": "delete", "text": "spoke"},
            {"op": "insert", "text": "talked"},
            {"op": "equal", "text": " to Satya Nadella."}
        ])
    );
    insta::assert_snapshot!("diff_json", stdout_of(&out));
}

#[test]
fn every_kind_of_change_as_html() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diff.html");
    passerelle()
        .args(["diff", OLD, NEW, "--format", "html", "-o"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1 regrouped"));
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("He <del>spoke</del> to Satya Nadella."),
        "{html}"
    );
    assert!(
        html.contains("He <ins>talked</ins> to Satya Nadella."),
        "{html}"
    );
    assert_eq!(html.matches("<tr id=\"change-").count(), 7);
    assert!(!html.contains("http://") && !html.contains("https://"));
}

#[test]
fn equal_alignments_exit_0() {
    passerelle()
        .args(["diff", OLD, OLD])
        .assert()
        .code(0)
        .stdout("diff: no differences (11 beads, 11 blocks unchanged)\n");
    // TSV with its type column carries the indices: the same alignment as the JSON lines.
    passerelle()
        .args(["diff", "tests/fixtures/diff/old.tsv", OLD])
        .assert()
        .code(0);
    passerelle()
        .args([
            "diff",
            "tests/fixtures/diff/old.tsv",
            NEW,
            "--format",
            "json",
        ])
        .assert()
        .code(1);
}

#[test]
fn alignments_of_different_sources_are_refused() {
    passerelle()
        .args(["diff", OLD, "tests/fixtures/diff/other-source.jsonl"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "are alignments of different source texts",
        ))
        .stderr(predicate::str::contains("«Le nuage est prêt."));
}

#[test]
fn inputs_without_indices_are_refused() {
    passerelle()
        .args(["diff", "tests/fixtures/diff/plain.tsv", OLD])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not record sentence indices"));
    let dir = tempfile::tempdir().unwrap();
    let tmx = dir.path().join("a.tmx");
    std::fs::write(
        &tmx,
        "<tmx version=\"1.4\"><header srclang=\"fr\"/><body><tu><tuv xml:lang=\"fr\"><seg>Un.</seg></tuv>\
         <tuv xml:lang=\"en\"><seg>One.</seg></tuv></tu></body></tmx>",
    )
    .unwrap();
    passerelle()
        .arg("diff")
        .arg(&tmx)
        .arg(OLD)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "TMX files leave out beads with an empty side",
        ));
    passerelle()
        .args(["diff", "tests/fixtures/diff/nope.jsonl", OLD])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "nope.jsonl: no such file or directory",
        ));
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"src\":[0],\"tgt\":[0],\"source\":\"a\",\"target\":\"b\"}\nnot json\n",
    )
    .unwrap();
    passerelle()
        .arg("diff")
        .arg(&bad)
        .arg(OLD)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.jsonl:2: not an alignment record",
        ));
}

#[test]
fn a_retranslation_before_and_after() {
    let p = Project::new();
    assert!(p.run(&["run", "-q"]).status.success());
    std::fs::copy(p.path("out/microsoft-build.jsonl"), p.path("before.jsonl")).unwrap();
    std::fs::copy(p.path("out/microsoft-build.xlf"), p.path("before.xlf")).unwrap();
    // XLIFF and JSON lines of one run are the same alignment.
    let same = p.run(&["diff", "before.xlf", "before.jsonl"]);
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stderr)
    );
    let en = p.read("corpora/microsoft-build/article.en.txt");
    p.write(
        "corpora/microsoft-build/article.en.txt",
        &en.replace("I kept myself informed", "I stayed informed"),
    );
    assert!(p.run(&["run", "-q"]).status.success());
    let out = p.run(&["diff", "before.jsonl", "out/microsoft-build.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    assert!(
        text.contains("~ en: I [-kept myself-]{+stayed+} informed"),
        "{text}"
    );
    assert!(text.contains(" 1 changed,"), "{text}");
}
