//! Findings as JUnit XML, for CI dashboards that understand test reports.
//!
//! One `<testsuite>` for the bitext (named after the translation file) and one `<testcase>`
//! per segment pair: a pair with findings at or above the failure threshold has one
//! `<failure>` listing them all (JUnit allows one per test case), findings below it go to
//! `<system-out>`, and a blank pair (nothing to translate) is `<skipped/>`. Times are 0, so
//! that the report is the same from one run to the next. Data in, bytes out.

use std::fmt::Write;

use super::findings::Report;
use super::xml::{attr, text};
use crate::check::Finding;

use super::{FindingsSpec};

/// `--format junit`.
pub const FORMAT: FindingsSpec = FindingsSpec {
    name: "junit",
    describe: "JUnit XML, one test case per segment pair",
    render: |report, _| to_junit(report),
    lists_every_pair: true,
};

/// The JUnit XML report, with a final newline.
pub fn to_junit(report: &Report<'_>) -> Vec<u8> {
    let bitext = report.bitext;
    let suite_name = bitext
        .pairs
        .iter()
        .find_map(|p| p.tgt_origin.as_ref())
        .map_or_else(
            || format!("{}-{}", bitext.src_lang, bitext.tgt_lang),
            |o| o.path.to_string_lossy().replace('\\', "/"),
        );
    let mut by_segment: Vec<Vec<&Finding>> = vec![Vec::new(); bitext.pairs.len()];
    for f in report.findings {
        if let Some(v) = by_segment.get_mut(f.segment) {
            v.push(f);
        }
    }
    let tests = bitext.pairs.len();
    let mut failures = 0;
    let mut skipped = 0;
    let mut cases = String::new();
    for (i, (pair, findings)) in bitext.pairs.iter().zip(&by_segment).enumerate() {
        let mut name = format!("segment {i}");
        let mut file_attrs = String::new();
        if let Some(o) = &pair.tgt_origin {
            let path = o.path.to_string_lossy().replace('\\', "/");
            let _ = write!(name, " ({path}:{})", o.line);
            let _ = write!(file_attrs, " file=\"{}\" line=\"{}\"", attr(&path), o.line);
        }
        let _ = write!(
            cases,
            "    <testcase classname=\"passerelle.check\" name=\"{}\"{file_attrs} time=\"0\"",
            attr(&name)
        );
        if pair.src.trim().is_empty() {
            skipped += 1;
            cases.push_str(
                ">\n      <skipped message=\"nothing to translate\"/>\n    </testcase>\n",
            );
            continue;
        }
        if findings.is_empty() {
            cases.push_str("/>\n");
            continue;
        }
        cases.push_str(">\n");
        let (failing, other): (Vec<&Finding>, Vec<&Finding>) =
            findings.iter().partition(|f| report.fails(f));
        if !failing.is_empty() {
            failures += 1;
            let mut rules: Vec<&str> = failing.iter().map(|f| f.rule.id()).collect();
            rules.dedup();
            let message = format!(
                "{} finding{}: {}",
                failing.len(),
                if failing.len() == 1 { "" } else { "s" },
                rules.join(", ")
            );
            let _ = writeln!(
                cases,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                attr(&message),
                failing[0].rule.id(),
                text(&describe(report, &failing))
            );
        }
        if !other.is_empty() {
            let _ = writeln!(
                cases,
                "      <system-out>{}</system-out>",
                text(&describe(report, &other))
            );
        }
        cases.push_str("    </testcase>\n");
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\""
    );
    let _ = writeln!(out, "<testsuites name=\"passerelle check\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"{}\" {counts}>", attr(&suite_name));
    out.push_str(&cases);
    out.push_str("  </testsuite>\n</testsuites>\n");
    out.into_bytes()
}

fn describe(report: &Report<'_>, findings: &[&Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        let _ = write!(s, "{}[{}]: {}", f.severity, f.rule.id(), f.message);
        if let Some(l) = report.primary_location(f) {
            let _ = write!(s, " ({}:{}", l.path, l.line);
            if let Some(c) = l.column {
                let _ = write!(s, ":{c}");
            }
            s.push(')');
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(text("a < b & \u{1}"), "a &lt; b &amp; \u{fffd}");
        assert_eq!(attr("say \"hi\"\n"), "say &quot;hi&quot;&#10;");
    }
}
