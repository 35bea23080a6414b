//! Findings as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! One run, with every [`Rule`] described in `tool.driver.rules` (id, name, short and full
//! description, help, default level), and one result per finding: `ruleId` and `ruleIndex`,
//! `level` (`error`, `warning`, `note`), the message, a physical location in the translation
//! (the file URI as the user named it, relative paths kept relative so that they stay
//! relative to the repository; line and character columns), the source as a related location,
//! and `partialFingerprints` from the finding's fingerprint, which does not move when other
//! segments do. The output is valid against the OASIS schema (a test checks it). Data in,
//! bytes out.

use serde_json::{json, Map, Value};

use super::findings::{Location, Report};
use crate::check::{Rule, Severity};

use super::{FindingsSpec};

/// `--format sarif`.
pub const FORMAT: FindingsSpec = FindingsSpec {
    name: "sarif",
    describe: "SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif)",
    render: |report, _| to_sarif(report, env!("CARGO_PKG_VERSION")),
    lists_every_pair: false,
};

/// The schema URI written in `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The fingerprint key in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "passerelle/v1";

/// The SARIF log, pretty-printed, with a final newline. `tool_version` goes into
/// `tool.driver.version`.
pub fn to_sarif(report: &Report<'_>, tool_version: &str) -> Vec<u8> {
    let rules: Vec<Value> = Rule::ALL.iter().map(rule_descriptor).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut result = Map::new();
            result.insert("ruleId".into(), json!(f.rule.id()));
            result.insert("ruleIndex".into(), json!(rule_index(f.rule)));
            result.insert("level".into(), json!(level(f.severity)));
            result.insert("message".into(), json!({ "text": f.message }));
            if let Some(l) = report.primary_location(f) {
                result.insert(
                    "locations".into(),
                    json!([{ "physicalLocation": physical(&l) }]),
                );
            }
            let source = report.source_location(f);
            let has_target = report.target_location(f).is_some();
            if let (Some(s), true) = (source, has_target) {
                result.insert(
                    "relatedLocations".into(),
                    json!([{
                        "id": 1,
                        "physicalLocation": physical(&s),
                        "message": { "text": "source text" }
                    }]),
                );
            }
            result.insert(
                "partialFingerprints".into(),
                json!({ FINGERPRINT_KEY: f.fingerprint }),
            );
            let mut properties = Map::new();
            properties.insert("segment".into(), json!(f.segment));
            properties.insert("term".into(), json!(f.term));
            if !f.expected.is_empty() {
                properties.insert("expected".into(), json!(f.expected));
            }
            result.insert("properties".into(), Value::Object(properties));
            Value::Object(result)
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "passerelle",
                    "version": tool_version,
                    "informationUri": "https://crates.io/crates/passerelle",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_vec_pretty(&log).unwrap_or_default();
    out.push(b'\n');
    out
}

fn rule_index(rule: Rule) -> usize {
    Rule::ALL.iter().position(|r| *r == rule).unwrap_or(0)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(rule: &Rule) -> Value {
    let name: String = rule
        .id()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    json!({
        "id": rule.id(),
        "name": name,
        "shortDescription": { "text": rule.summary() },
        "fullDescription": { "text": rule.description() },
        "help": {
            "text": format!("{} Configure with --severity {}=error|warning|info|off.", rule.description(), rule.id()),
        },
        "defaultConfiguration": { "level": level(rule.default_severity()) },
        "properties": { "tags": ["translation", "terminology"] },
    })
}

fn physical(l: &Location) -> Value {
    let mut region = Map::new();
    region.insert("startLine".into(), json!(l.line));
    if let Some(c) = l.column {
        region.insert("startColumn".into(), json!(c));
    }
    if let Some(el) = l.end_line {
        region.insert("endLine".into(), json!(el));
    }
    if let Some(ec) = l.end_column {
        region.insert("endColumn".into(), json!(ec));
    }
    json!({
        "artifactLocation": { "uri": uri(&l.path) },
        "region": Value::Object(region),
    })
}

/// A URI reference for a path: relative paths stay relative (to the repository, where CI
/// runs), absolute ones become `file://` URIs; characters outside the unreserved set are
/// percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let path = path.strip_prefix("./").unwrap_or(path);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_stay_relative_and_are_encoded() {
        assert_eq!(
            uri("corpora/a b/article.en.txt"),
            "corpora/a%20b/article.en.txt"
        );
        assert_eq!(uri("./x.txt"), "x.txt");
        assert_eq!(uri("/tmp/é.txt"), "file:///tmp/%C3%A9.txt");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(rule_descriptor(&Rule::MissingTerm)["name"], "MissingTerm");
        assert_eq!(
            rule_descriptor(&Rule::LengthRatio)["defaultConfiguration"]["level"],
            "note"
        );
    }
}
