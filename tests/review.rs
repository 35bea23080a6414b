//! `passerelle review`: the terminal side-by-side view of hand-made and real alignments
//! (widths, flags, findings with a glossary), the HTML report for any alignment file, and bad
//! input.

use predicates::prelude::*;

use crate::common::{passerelle, stdout_of};
use crate::run::Project;

const OLD: &str = "tests/fixtures/diff/old.jsonl";
const GLOSSARY: &str = "tests/fixtures/review/glossary.tsv";

#[test]
fn the_terminal_view_is_wrapped_and_flags_beads() {
    let out = passerelle()
        .args(["review", OLD, "--width", "80", "-g", GLOSSARY])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    for line in text.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 80,
            "{line:?}"
        );
    }
    insta::assert_snapshot!("review_terminal", text);
    assert!(text.contains("└ error missing-term:"), "{text}");
}

#[test]
fn only_flagged_beads_and_other_widths() {
    let out = passerelle()
        .args(["review", OLD, "--only-flagged", "--width", "120"])
        .output()
        .unwrap();
    let text = stdout_of(&out);
    // Without --glossary, the rules that need none still run, as in `check`: "Sept." left
    // empty gets its finding ("Six." copied is a translation: a number word).
    assert!(
        text.ends_with("review: 11 beads, 3 flagged (showing 3)\n"),
        "{text}"
    );
    assert!(
        text.contains("error untranslated: the translation is empty"),
        "{text}"
    );
    assert!(!text.contains("Douze."), "{text}");
    // Without --width and without a terminal: 100 columns.
    let out = passerelle().args(["review", OLD]).output().unwrap();
    let widest = stdout_of(&out)
        .lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap();
    assert!(widest <= 100 && widest > 90, "{widest}");
    passerelle()
        .args(["review", OLD, "--width", "20"])
        .assert()
        .code(2);
}

#[test]
fn html_report_for_any_alignment_file() {
    let dir = tempfile::tempdir().unwrap();
    for input in [
        OLD,
        "tests/fixtures/diff/old.tsv",
        "tests/fixtures/diff/plain.tsv",
    ] {
        let path = dir.path().join("review.html");
        passerelle()
            .args(["review", input, "-g", GLOSSARY, "--html"])
            .arg(&path)
            .assert()
            .success()
            .stderr(predicate::str::contains("review.html (11 beads"));
        let html = std::fs::read_to_string(&path).unwrap();
        assert_eq!(html.matches("<tr id=\"d0-b").count(), 11, "{input}");
        assert!(html.contains("missing-term"), "{input}");
        assert!(
            html.contains(
                "<mark class=\"term\" title=\"glossary term: nuage → cloud\">nuage</mark>"
            ),
            "{input}"
        );
        assert!(html.contains("expected: prepared"), "{input}");
    }
}

#[test]
fn real_outputs_of_a_run() {
    let p = Project::new();
    assert!(p.run(&["run", "-q"]).status.success());
    for file in [
        "out/microsoft-build.xlf",
        "out/microsoft-build.tmx",
        "out/microsoft-build.tsv",
    ] {
        let out = p.run(&[
            "review",
            file,
            "-g",
            "glossary/microsoft-build.tsv",
            "--width",
            "100",
        ]);
        assert_eq!(out.status.code(), Some(0), "{file}");
        let text = stdout_of(&out);
        assert!(text.contains("Satya Nadella"), "{file}");
        assert!(text.ends_with(" flagged\n"), "{file}: {text}");
    }
}

#[test]
fn bad_input_is_reported() {
    passerelle()
        .args(["review", "tests/fixtures/diff/nope.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "nope.jsonl: no such file or directory",
        ));
    passerelle()
        .args(["review", OLD, "-g", "tests/fixtures/diff/old.jsonl"])
        .assert()
        .code(2);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xlf");
    std::fs::write(
        &bad,
        "<xliff version=\"2.0\" srcLang=\"fr\" trgLang=\"en\">\n<file id=\"f\">\n</unit>\n",
    )
    .unwrap();
    passerelle()
        .arg("review")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.xlf:3: not well-formed XML"));
    let html = dir.path().join("missing-dir/r.html");
    passerelle()
        .args(["review", OLD, "--html"])
        .arg(&html)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write"));
}
