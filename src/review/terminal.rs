//! The side-by-side terminal view of an alignment: bead number, source and target wrapped in
//! two columns to the given width (display width, so CJK and combining characters line up),
//! bead type and confidence on the right. Flagged beads (low confidence or findings) carry a
//! `!` in the margin, and their findings follow them, one per line. ANSI colour only when
//! asked for; the caller decides (terminal, `NO_COLOR`). Data in, string out.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Document;
use crate::check::Severity;

/// How to lay the view out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Total width in columns (at least 40 is used).
    pub width: usize,
    /// Use ANSI colours and bold.
    pub colour: bool,
    /// Show flagged beads only.
    pub only_flagged: bool,
}

/// Margin, number, separators and the type/score column.
const FIXED: usize = 1 + 4 + 3 + 3 + 3 + 8;

/// The view of `docs`, ending with a summary line.
pub fn render(docs: &[Document], options: &Options) -> String {
    let width = options.width.max(40);
    let text = width - FIXED;
    let src_w = text / 2;
    let tgt_w = text - src_w;
    let paint = |style: Style, s: &str| -> String {
        if options.colour && !s.is_empty() {
            format!("{}{s}{}", style.render(), style.render_reset())
        } else {
            s.to_string()
        }
    };
    let dim = Style::new().dimmed();
    let bold = Style::new().bold();
    let yellow = Style::new().fg_color(Some(AnsiColor::Yellow.into()));
    let severity = |s: Severity| {
        let c = match s {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        };
        Style::new().fg_color(Some(c.into())).bold()
    };
    let rule = |cross: char| -> String {
        paint(
            dim,
            &format!(
                "{}{cross}{}{cross}{}{cross}{}",
                "─".repeat(6),
                "─".repeat(src_w + 2),
                "─".repeat(tgt_w + 2),
                "─".repeat(9)
            ),
        )
    };
    let bar = paint(dim, "│");
    let mut out = String::new();
    let mut shown_total = 0usize;
    let mut flagged_total = 0usize;
    let mut beads_total = 0usize;
    for doc in docs {
        let stats = doc.stats();
        beads_total += stats.beads;
        flagged_total += stats.flagged;
        let _ = writeln!(
            out,
            "{}  {} → {}",
            paint(bold, &doc.name),
            doc.src_lang,
            doc.tgt_lang
        );
        let with_findings = (0..doc.beads.len())
            .filter(|k| doc.findings_of(*k).next().is_some())
            .count();
        let counts = format!(
            "{} beads ({}), {} low confidence, {} with findings",
            stats.beads,
            stats.kinds_line(),
            stats.low_confidence,
            with_findings
        );
        for line in wrap(&counts, width) {
            let _ = writeln!(out, "{line}");
        }
        out.push_str(&rule('┬'));
        out.push('\n');
        let _ = writeln!(
            out,
            "    # {bar} {} {bar} {} {bar} {}",
            paint(bold, &pad(&doc.src_lang.name(), src_w)),
            paint(bold, &pad(&doc.tgt_lang.name(), tgt_w)),
            paint(bold, "bead")
        );
        out.push_str(&rule('┼'));
        out.push('\n');
        for (k, bead) in doc.beads.iter().enumerate() {
            let flagged = doc.flagged(k);
            if options.only_flagged && !flagged {
                continue;
            }
            shown_total += 1;
            let empty = |s: &str| {
                if s.trim().is_empty() {
                    vec![paint(dim, &pad("(none)", 6))]
                } else {
                    Vec::new()
                }
            };
            let src_lines = wrap(&bead.source, src_w);
            let tgt_lines = wrap(&bead.target, tgt_w);
            let src_empty = empty(&bead.source);
            let tgt_empty = empty(&bead.target);
            let rows = src_lines.len().max(tgt_lines.len()).max(1);
            let worst = doc.findings_of(k).map(|f| f.severity).max();
            let marker = match (flagged, worst) {
                (false, _) => " ".to_string(),
                (true, Some(s)) => paint(severity(s), "!"),
                (true, None) => paint(yellow, "!"),
            };
            let meta = format!(
                "{:<3} {}",
                bead.kind.map_or("—".to_string(), |k| k.to_string()),
                bead.score.map_or("  —".to_string(), |s| format!("{s:.2}"))
            );
            let meta = if bead.review {
                paint(yellow, &meta)
            } else {
                meta
            };
            for row in 0..rows {
                let cell = |lines: &[String], empty: &[String], w: usize| -> String {
                    match (lines.get(row), empty.first()) {
                        (Some(l), _) => pad(l, w),
                        (None, Some(e)) if row == 0 => format!("{e}{}", " ".repeat(w - 6)),
                        _ => " ".repeat(w),
                    }
                };
                let (mark, number, meta) = if row == 0 {
                    (marker.as_str(), format!("{:>4}", k + 1), meta.as_str())
                } else {
                    (" ", "    ".to_string(), "")
                };
                let line = format!(
                    "{mark}{number} {bar} {} {bar} {} {bar} {meta}",
                    cell(&src_lines, &src_empty, src_w),
                    cell(&tgt_lines, &tgt_empty, tgt_w)
                );
                out.push_str(line.trim_end());
                out.push('\n');
            }
            for f in doc.findings_of(k) {
                let mut text = format!("{}: {}", f.rule.id(), f.message);
                // Most messages quote the expected rendering already; say it once.
                let quoted = f
                    .expected
                    .iter()
                    .all(|e| f.message.contains(&format!("\"{e}\"")));
                if !f.expected.is_empty() && !quoted {
                    text.push_str(&format!(" (expected: {})", f.expected.join(" | ")));
                }
                let label = match f.severity {
                    Severity::Info => "note",
                    s => s.as_str(),
                };
                // "      │ └ LABEL " comes first.
                let room = width.saturating_sub(11 + label.len()).max(20);
                for (n, line) in wrap(&text, room).iter().enumerate() {
                    let head = if n == 0 {
                        format!("└ {}", paint(severity(f.severity), label))
                    } else {
                        " ".repeat(label.len() + 2)
                    };
                    let _ = writeln!(out, "      {bar} {head} {line}");
                }
            }
        }
        out.push_str(&rule('┴'));
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "review: {} beads, {} flagged{}",
        beads_total,
        flagged_total,
        if options.only_flagged {
            format!(" (showing {shown_total})")
        } else {
            String::new()
        }
    );
    out
}

/// `s` padded with spaces to `width` display columns.
fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

/// Greedy word wrap to `width` display columns; words wider than a line are cut.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0;
    for word in text.split_whitespace() {
        let w = word.width();
        if line_w > 0 && line_w + 1 + w <= width {
            line.push(' ');
            line.push_str(word);
            line_w += 1 + w;
            continue;
        }
        if line_w > 0 {
            lines.push(std::mem::take(&mut line));
            line_w = 0;
        }
        if w <= width {
            line.push_str(word);
            line_w = w;
            continue;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if line_w + cw > width && line_w > 0 {
                lines.push(std::mem::take(&mut line));
                line_w = 0;
            }
            line.push(c);
            line_w += cw;
        }
    }
    if line_w > 0 {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::BeadRecord;
    use crate::text::Lang;

    #[test]
    fn wrapping_counts_display_width() {
        assert_eq!(
            wrap("un deux trois quatre", 9),
            ["un deux", "trois", "quatre"]
        );
        assert_eq!(
            wrap("anticonstitutionnellement", 10),
            ["anticonsti", "tutionnell", "ement"]
        );
        assert_eq!(wrap("日本語の文", 4), ["日本", "語の", "文"]);
        assert!(wrap("  ", 5).is_empty());
    }

    #[test]
    fn columns_line_up_and_flags_show() {
        let doc = Document {
            name: "t".into(),
            src_lang: Lang::Fr,
            tgt_lang: Lang::En,
            beads: vec![
                BeadRecord {
                    source: "Une phrase assez longue pour être coupée en deux lignes au moins."
                        .into(),
                    target: "A sentence.".into(),
                    score: Some(0.9),
                    ..BeadRecord::default()
                },
                BeadRecord {
                    source: "Seule.".into(),
                    target: String::new(),
                    score: Some(0.3),
                    review: true,
                    ..BeadRecord::default()
                },
            ],
            findings: Vec::new(),
        };
        let view = render(
            &[doc],
            &Options {
                width: 60,
                colour: false,
                only_flagged: false,
            },
        );
        for line in view
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("review"))
        {
            assert!(line.width() <= 60, "{line:?}");
        }
        assert!(view.contains("!   2 │ Seule."), "{view}");
        // The header's column separators sit where the rows' do.
        let header = view.lines().nth(3).unwrap();
        let row = view.lines().find(|l| l.starts_with("!   2")).unwrap();
        let bars = |l: &str| -> Vec<usize> {
            l.char_indices()
                .filter(|(_, c)| *c == '│')
                .map(|(i, _)| l[..i].width())
                .collect()
        };
        assert_eq!(bars(header), bars(row), "{view}");
        assert!(view.contains("(none)"), "{view}");
        assert!(view.ends_with("review: 2 beads, 1 flagged\n"), "{view}");
    }
}
