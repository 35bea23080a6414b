//! Findings as GitHub Actions workflow commands, so that a CI job annotates the files it
//! checked. Data in, bytes out; nothing here prints.

use crate::check::Severity;

use super::findings::Report;
use super::FindingsSpec;

/// `--format github`.
pub const FORMAT: FindingsSpec = FindingsSpec {
    name: "github",
    describe: "::error file=...,line=...:: annotations for GitHub Actions",
    render: |report, _| to_github(report),
    lists_every_pair: false,
};

/// GitHub Actions workflow commands, one per finding:
/// `::error file=PATH,line=L,col=C,endColumn=E,title=passerelle RULE::MESSAGE` (`warning`
/// and `notice` for the other severities).
pub fn to_github(report: &Report<'_>) -> Vec<u8> {
    let mut out = String::new();
    for f in report.findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        let location = report.primary_location(f);
        if let Some(l) = &location {
            props.push(format!("file={}", escape_property(&l.path)));
            props.push(format!("line={}", l.line));
            if let Some(c) = l.column {
                props.push(format!("col={c}"));
            }
            if let (Some(el), Some(ec)) = (l.end_line, l.end_column) {
                if el != l.line {
                    props.push(format!("endLine={el}"));
                }
                props.push(format!("endColumn={ec}"));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("passerelle {}", f.rule.id()))
        ));
        let mut message = f.message.clone();
        if location.is_none() {
            message = format!("segment {}: {message}", f.segment);
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out.into_bytes()
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_commands_are_escaped() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
