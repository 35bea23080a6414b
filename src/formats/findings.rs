//! Findings as JSON, and what the findings formats share: a [`Report`] (the bitext, its
//! findings and counts) and [`Location`]s in files.
//!
//! Locations come from each pair's [`Origin`]: the line where its text starts in the file and
//! the byte offset of the text in that line, so that a span inside the pair's text becomes a
//! 1-based line and column in the file (columns count characters; for a text that does not
//! start its line, the part of the line before it is counted in bytes, which is exact for
//! ASCII). A pair read from JSON or XML has no column: only the line is given. Data in, bytes
//! out; nothing here prints.

use serde::Serialize;

use crate::check::{Counts, Finding, Severity};

use super::FindingsSpec;
use crate::text::{Bitext, Origin, Span};

/// `--format json`.
pub const FORMAT: FindingsSpec = FindingsSpec {
    name: "json",
    describe: "one JSON document: {\"findings\": [{rule, severity, segment, spans, ...}], \
               \"summary\"}",
    render: |report, _| to_json(report),
    lists_every_pair: false,
};

/// Everything a findings format needs.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub bitext: &'a Bitext,
    pub findings: &'a [Finding],
    /// How many findings a baseline removed.
    pub baselined: usize,
    /// Findings at or above this severity fail the run (`None`: nothing fails).
    pub fail_on: Option<Severity>,
}

impl Report<'_> {
    pub fn counts(&self) -> Counts {
        Counts::of(self.findings)
    }

    /// Whether `finding` is at or above the failure threshold.
    pub fn fails(&self, finding: &Finding) -> bool {
        self.fail_on.is_some_and(|t| finding.severity >= t)
    }

    /// Where the finding is in the target file: at its target span, else at the start of the
    /// target text.
    pub fn target_location(&self, finding: &Finding) -> Option<Location> {
        let pair = self.bitext.pairs.get(finding.segment)?;
        Location::of(pair.tgt_origin.as_ref()?, &pair.tgt, finding.target_span)
    }

    /// Where the finding is in the source file: at its source span, else at the start of the
    /// source text.
    pub fn source_location(&self, finding: &Finding) -> Option<Location> {
        let pair = self.bitext.pairs.get(finding.segment)?;
        Location::of(pair.src_origin.as_ref()?, &pair.src, finding.source_span)
    }

    /// The target location, or the source one when the target has no file.
    pub fn primary_location(&self, finding: &Finding) -> Option<Location> {
        self.target_location(finding)
            .or_else(|| self.source_location(finding))
    }
}

/// A region of a file, 1-based; the end column is one past the last character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file as the user named it, with `/` separators.
    pub path: String,
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<usize>,
}

impl Location {
    /// The location of `span` (in `text`, which starts at `origin`), or of the start of `text`
    /// when there is no span.
    pub fn of(origin: &Origin, text: &str, span: Option<Span>) -> Option<Location> {
        let path = origin.path.to_string_lossy().replace('\\', "/");
        let line = origin.line as usize;
        let Some(span) = span.filter(|s| s.end <= text.len()) else {
            return Some(Location {
                path,
                line,
                column: origin.column_offset.map(|c| c + 1),
                end_line: None,
                end_column: None,
            });
        };
        let point = |offset: usize| -> (usize, Option<usize>) {
            let before = text.get(..offset).unwrap_or("");
            let newlines = before.matches('\n').count();
            let column = match before.rfind('\n') {
                Some(nl) => Some(before[nl + 1..].chars().count() + 1),
                None => origin.column_offset.map(|c| c + before.chars().count() + 1),
            };
            (line + newlines, column)
        };
        let (start_line, column) = point(span.start);
        let (end_line, end_column) = point(span.end);
        Some(Location {
            path,
            line: start_line,
            column,
            end_line: column.map(|_| end_line),
            end_column,
        })
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

/// One finding as `check --format json` writes it (and `batch` in each record's `findings`).
#[derive(Serialize)]
pub struct JsonFinding<'a> {
    rule: &'static str,
    severity: Severity,
    segment: usize,
    term: &'a str,
    message: &'a str,
    source_span: Option<Span>,
    target_span: Option<Span>,
    expected: &'a [String],
    fingerprint: &'a str,
    source_location: Option<Location>,
    target_location: Option<Location>,
}

/// The `summary` object of the JSON report.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub segments: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub baselined: usize,
    pub failed: bool,
}

impl Summary {
    pub fn of(report: &Report<'_>) -> Summary {
        let c = report.counts();
        Summary {
            segments: report.bitext.pairs.len(),
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
            baselined: report.baselined,
            failed: report.findings.iter().any(|f| report.fails(f)),
        }
    }
}

/// `{"findings": [...], "summary": {...}}`, pretty-printed, with a final newline.
///
/// Each finding has `rule`, `severity`, `segment` (0-based pair index), `term`, `message`,
/// `source_span` and `target_span` (byte offsets into the pair's texts, or null),
/// `expected`, `fingerprint`, and `source_location`/`target_location` in files (or null).
pub fn to_json(report: &Report<'_>) -> Vec<u8> {
    let json = JsonReport {
        findings: json_findings(report),
        summary: Summary::of(report),
    };
    let mut out = serde_json::to_vec_pretty(&json).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The report's findings as the objects of the `findings` array of [`to_json`].
pub fn json_findings<'a>(report: &Report<'a>) -> Vec<JsonFinding<'a>> {
    report
        .findings
        .iter()
        .map(|f| JsonFinding {
            rule: f.rule.id(),
            severity: f.severity,
            segment: f.segment,
            term: &f.term,
            message: &f.message,
            source_span: f.source_span,
            target_span: f.target_span,
            expected: &f.expected,
            fingerprint: &f.fingerprint,
            source_location: report.source_location(f),
            target_location: report.target_location(f),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn origin(line: u32, column_offset: Option<usize>) -> Origin {
        Origin {
            path: PathBuf::from("docs/a.en.txt"),
            line,
            column_offset,
        }
    }

    #[test]
    fn locations_count_lines_and_characters() {
        let text = "Été: war crimes\nand more crimes";
        let at = |s, e, o| Location::of(&origin(7, o), text, Some(Span::new(s, e))).unwrap();
        let l = at(7, 17, Some(0));
        assert_eq!(
            (l.line, l.column, l.end_line, l.end_column),
            (7, Some(6), Some(7), Some(16))
        );
        let l = at(27, 33, Some(4));
        assert_eq!((l.line, l.column, l.end_column), (8, Some(10), Some(16)));
        let l = at(7, 17, None);
        assert_eq!((l.line, l.column, l.end_line), (7, None, None));
        let whole = Location::of(&origin(3, Some(10)), text, None).unwrap();
        assert_eq!((whole.line, whole.column), (3, Some(11)));
    }
}
