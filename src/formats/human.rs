//! Findings for people: compiler-style diagnostics, one block per finding with the source
//! and target excerpts and the span underlined (ANSI colour when asked), then a summary line.
//! Data in, bytes out, beside the JSON, SARIF, JUnit and GitHub renderers.

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthStr;

use super::findings::{Location, Report, Summary};
use crate::check::Severity;
use crate::text::Span;

use super::{FindingsSpec};

/// `--format human`.
pub const FORMAT: FindingsSpec = FindingsSpec {
    name: "human",
    describe: "compiler-style diagnostics with the term underlined (colour on a terminal)",
    render: to_human,
    lists_every_pair: false,
};

/// The summary in one line: `2 errors, 1 warning, 0 notes in 66 segment pairs`.
pub fn summary_line(s: &Summary) -> String {
    let counts = crate::check::Counts {
        errors: s.errors,
        warnings: s.warnings,
        infos: s.infos,
    };
    let mut line = format!(
        "{counts} in {}",
        crate::text::plural(s.segments, "segment pair", "segment pairs")
    );
    if s.baselined > 0 {
        line += &format!(" ({} accepted by the baseline)", s.baselined);
    }
    line
}

/// How far around a span the human report shows, in characters.
const CONTEXT: usize = 32;

/// Compiler-style diagnostics, one block per finding, then a summary line.
pub fn to_human(report: &Report<'_>, colour: bool) -> Vec<u8> {
    let paint = |style: Style, text: &str| -> String {
        if colour {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    };
    let severity_style = |s: Severity| {
        let c = match s {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        };
        Style::new().fg_color(Some(c.into())).bold()
    };
    let bold = Style::new().bold();
    let blue = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    let mut out = String::new();
    for f in report.findings {
        let style = severity_style(f.severity);
        let label = match f.severity {
            Severity::Info => "note",
            s => s.as_str(),
        };
        out += &format!(
            "{}: {}\n",
            paint(style, &format!("{label}[{}]", f.rule.id())),
            paint(bold, &f.message)
        );
        let mut place = format!("segment {}", f.segment);
        if let Some(l) = report.source_location(f) {
            place += &format!(", source {}", show_location(&l));
        }
        match report.target_location(f) {
            Some(l) => {
                out += &format!("  {} {} ({place})\n", paint(blue, "-->"), show_location(&l))
            }
            None => out += &format!("  {} {place}\n", paint(blue, "-->")),
        }
        let Some(pair) = report.bitext.pairs.get(f.segment) else {
            continue;
        };
        let gutter = |name: &str| paint(blue, &format!("{name:>5} |"));
        out += &format!("{}\n", gutter(""));
        for (name, text, span) in [
            ("src", &pair.src, f.source_span),
            ("tgt", &pair.tgt, f.target_span),
        ] {
            let (shown, underline) = excerpt(text, span);
            out += &format!("{} {shown}\n", gutter(name));
            if let Some((pad, width)) = underline {
                out += &format!(
                    "{} {}{}\n",
                    gutter(""),
                    " ".repeat(pad),
                    paint(style, &"^".repeat(width.max(1)))
                );
            }
        }
        if !f.expected.is_empty() {
            out += &format!(
                "{} expected: {}\n",
                paint(blue, "      ="),
                f.expected.join(" | ")
            );
        }
        out.push('\n');
    }
    let summary = Summary::of(report);
    let worst = report.counts().worst();
    let line = summary_line(&summary);
    out += &match worst {
        Some(s) => format!("{}: {line}\n", paint(severity_style(s), "check")),
        None => format!("check: {line}\n"),
    };
    out.into_bytes()
}

fn show_location(l: &Location) -> String {
    match l.column {
        Some(c) => format!("{}:{}:{c}", l.path, l.line),
        None => format!("{}:{}", l.path, l.line),
    }
}

/// The part of `text` around `span` on one line (whitespace runs shown as one space), and
/// where to underline the span in it: (display columns before, display width).
fn excerpt(text: &str, span: Option<Span>) -> (String, Option<(usize, usize)>) {
    let flat = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect()
    };
    let Some(span) = span.filter(|s| text.get(s.range()).is_some()) else {
        let trimmed = text.trim();
        let head: String = trimmed.chars().take(2 * CONTEXT + 16).collect();
        let more = if head.len() < trimmed.len() {
            "…"
        } else {
            ""
        };
        return (format!("{}{more}", flat(&head)), None);
    };
    let before = &text[..span.start];
    let after = &text[span.end..];
    let before_chars: Vec<char> = before.chars().collect();
    let skip = before_chars.len().saturating_sub(CONTEXT);
    let mut lead: String = before_chars[skip..].iter().collect();
    lead = lead.trim_start().to_string();
    let lead = if skip > 0 { format!("…{lead}") } else { lead };
    let tail: String = after.chars().take(CONTEXT).collect();
    let tail_more = if tail.len() < after.len() { "…" } else { "" };
    let lead = flat(&lead);
    let middle = flat(span.slice(text));
    let shown = format!("{lead}{middle}{}{tail_more}", flat(tail.trim_end()));
    (shown, Some((lead.width(), middle.width())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_underline_the_span() {
        let text =
            "Selon lui, le discours de la plateforme d'informatique en nuage de l'entreprise, Azure, a été";
        let start = text.find("informatique").unwrap();
        let span = Span::new(start, start + "informatique en nuage".len());
        let (shown, underline) = excerpt(text, Some(span));
        let (pad, width) = underline.unwrap();
        assert_eq!(width, 21);
        let shown_chars: Vec<char> = shown.chars().collect();
        let underlined: String = shown_chars[pad..pad + width].iter().collect();
        assert_eq!(underlined, "informatique en nuage");
        assert!(
            shown.starts_with('…') && shown.ends_with("a été"),
            "{shown}"
        );
    }
}
