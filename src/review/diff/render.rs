//! The renderers of a [`Diff`]: unified-diff-like text (coloured for a terminal), JSON, and a
//! self-contained HTML page. They only present what `diff` found; they decide nothing.

use std::fmt::Write;
use std::ops::Range;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::super::html::{esc, BASE_CSS};
use super::super::Document;
use super::{show_range, words, Change, ChangeKind, Counts, Diff, Word, WordOp};
use crate::align::BeadRecord;

fn label(b: &BeadRecord) -> String {
    let list = |r: &Option<Range<u32>>| -> String {
        let items: Vec<String> = r.clone().unwrap_or(0..0).map(|i| i.to_string()).collect();
        format!("[{}]", items.join(","))
    };
    format!("{}:{}", list(&b.src), list(&b.tgt))
}

fn beads_phrase(ks: &[usize]) -> String {
    match ks {
        [] => "no bead".into(),
        [k] => format!("bead {}", k + 1),
        [first, .., last] => format!("beads {}-{}", first + 1, last + 1),
    }
}

fn header(c: &Change) -> String {
    let place = if c.source.is_empty() {
        format!("target only, after source sentence {}", c.source.start)
    } else if c.source.len() == 1 {
        format!("source sentence {}", c.source.start + 1)
    } else {
        format!("source sentences {}", show_range(&c.source))
    };
    format!(
        "@@ {} · {place} · OLD {} → NEW {} @@",
        c.kind.as_str(),
        beads_phrase(&c.old),
        beads_phrase(&c.new)
    )
}

/// The summary line: "diff: OLD 73 beads, NEW 74: 1 changed, ... 70 unchanged".
pub fn summary_line(diff: &Diff, old: &Document, new: &Document) -> String {
    if !diff.counts.differ() {
        return format!(
            "diff: no differences ({} beads, {} blocks unchanged)",
            new.beads.len(),
            diff.counts.unchanged
        );
    }
    format!(
        "diff: OLD {} beads, NEW {}: {}",
        old.beads.len(),
        new.beads.len(),
        diff.counts.line()
    )
}

/// Unified-diff-like text: a header per block that differs, the source once, then `-` lines
/// for the old beads' targets and `+` lines for the new ones (each with its indices). With
/// `colour`, removed and added words are highlighted in those lines; without, a `~` line shows
/// the word diff as `[-old-]{+new+}`.
pub fn to_text(diff: &Diff, old: &Document, new: &Document, colour: bool) -> String {
    let paint = |style: Style, s: &str| -> String {
        if colour && !s.is_empty() {
            format!("{}{s}{}", style.render(), style.render_reset())
        } else {
            s.to_string()
        }
    };
    let red = Style::new().fg_color(Some(AnsiColor::Red.into()));
    let green = Style::new().fg_color(Some(AnsiColor::Green.into()));
    let cyan = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
    let bold = Style::new().bold();
    let red_hi = red.bold().underline();
    let green_hi = green.bold().underline();
    let mut out = String::new();
    if diff.counts.differ() {
        let _ = writeln!(out, "{}", paint(bold, &format!("--- {}", old.name)));
        let _ = writeln!(out, "{}", paint(bold, &format!("+++ {}", new.name)));
    }
    let (src_code, tgt_code) = (new.src_lang.code(), new.tgt_lang.code());
    for c in diff
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Unchanged)
    {
        let _ = writeln!(out, "{}", paint(cyan, &header(c)));
        if !c.source.is_empty() {
            let _ = writeln!(out, "  {src_code}: {}", words(&source_text(c, new)));
        }
        let one_to_one = c.old.len() == 1 && c.new.len() == 1 && !c.words.is_empty();
        let sides = [
            ("-", &old.beads, &c.old, WordOp::Delete, red, red_hi),
            ("+", &new.beads, &c.new, WordOp::Insert, green, green_hi),
        ];
        for (sign, beads, ks, op, style, hi) in sides {
            for &k in ks {
                let b = &beads[k];
                let text = if colour && one_to_one {
                    highlight(&c.words, op, hi, &paint)
                } else {
                    words(&b.target)
                };
                let line = format!("{sign} {tgt_code}: {} {text}", label(b))
                    .trim_end()
                    .to_string();
                let _ = writeln!(out, "{}", if colour { paint(style, &line) } else { line });
            }
        }
        if !colour && !c.words.is_empty() {
            let mut w = String::new();
            for word in &c.words {
                match word.op {
                    WordOp::Equal => w.push_str(&word.text),
                    WordOp::Delete => {
                        let _ = write!(w, "[-{}-]", word.text);
                    }
                    WordOp::Insert => {
                        let _ = write!(w, "{{+{}+}}", word.text);
                    }
                }
            }
            let _ = writeln!(out, "~ {tgt_code}: {w}");
        }
    }
    let _ = writeln!(out, "{}", summary_line(diff, old, new));
    out
}

/// One side of a word diff, the side's own changes painted: what the `-` (or `+`) line shows.
fn highlight(
    words: &[Word],
    side: WordOp,
    style: Style,
    paint: &dyn Fn(Style, &str) -> String,
) -> String {
    let mut s = String::new();
    for w in words {
        if w.op == WordOp::Equal {
            s.push_str(&w.text);
        } else if w.op == side {
            // Reset and restart the line's colour around the highlighted words.
            s.push_str(&paint(style, &w.text));
            let base = style.get_fg_color().map(|c| Style::new().fg_color(Some(c)));
            if let Some(base) = base {
                s.push_str(&base.render().to_string());
            }
        }
    }
    s
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    old: JsonSide<'a>,
    new: JsonSide<'a>,
    summary: JsonSummary,
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonSide<'a> {
    name: &'a str,
    beads: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    #[serde(flatten)]
    counts: Counts,
    equal: bool,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    kind: ChangeKind,
    /// Source sentence indices, half-open.
    source: [u32; 2],
    old: Vec<JsonBead<'a>>,
    new: Vec<JsonBead<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    words: &'a [Word],
}

#[derive(Serialize)]
struct JsonBead<'a> {
    bead: usize,
    src: Vec<u32>,
    tgt: Vec<u32>,
    source: &'a str,
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f32>,
}

/// `{"old", "new", "summary": {counts, "equal"}, "changes": [...]}`, unchanged blocks left
/// out; pretty-printed with a final newline.
pub fn to_json(diff: &Diff, old: &Document, new: &Document) -> Vec<u8> {
    fn bead(d: &Document, k: usize) -> JsonBead<'_> {
        let b = &d.beads[k];
        JsonBead {
            bead: k,
            src: b.src.clone().unwrap_or(0..0).collect(),
            tgt: b.tgt.clone().unwrap_or(0..0).collect(),
            source: &b.source,
            target: &b.target,
            score: b.score.map(|s| (s * 1000.0).round() / 1000.0),
        }
    }
    let json = JsonDiff {
        old: JsonSide {
            name: &old.name,
            beads: old.beads.len(),
        },
        new: JsonSide {
            name: &new.name,
            beads: new.beads.len(),
        },
        summary: JsonSummary {
            counts: diff.counts,
            equal: !diff.counts.differ(),
        },
        changes: diff
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Unchanged)
            .map(|c| JsonChange {
                kind: c.kind,
                source: [c.source.start, c.source.end],
                old: c.old.iter().map(|&k| bead(old, k)).collect(),
                new: c.new.iter().map(|&k| bead(new, k)).collect(),
                words: &c.words,
            })
            .collect(),
    };
    let mut out = serde_json::to_vec_pretty(&json).unwrap_or_default();
    out.push(b'\n');
    out
}

/// A self-contained HTML page: the summary, then one row per block that differs, with the
/// source, the old and new targets, and the word diff marked with `<del>`/`<ins>`.
pub fn to_html(diff: &Diff, old: &Document, new: &Document, generator: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{}\">\n<title>Alignment diff: {} → {}</title>\n\
         <style>\n{BASE_CSS}{DIFF_CSS}</style>\n</head>\n<body>\n<header>\n\
         <h1>Alignment diff</h1>\n<p class=\"meta\"><del>{}</del> → <ins>{}</ins> · made by {}</p>\n",
        esc(generator),
        esc(&old.name),
        esc(&new.name),
        esc(&old.name),
        esc(&new.name),
        esc(generator)
    );
    let c = &diff.counts;
    out.push_str("<section class=\"summary\" id=\"summary\">\n");
    for (id, n) in [
        ("changed", c.changed),
        ("split", c.split),
        ("merged", c.merged),
        ("regrouped", c.regrouped),
        ("added", c.added),
        ("removed", c.removed),
        ("unchanged", c.unchanged),
    ] {
        let _ = writeln!(
            out,
            "<div class=\"card\" id=\"count-{id}\"><span class=\"value\">{n}</span> \
             <span class=\"label\">{id}</span></div>"
        );
    }
    let _ = writeln!(
        out,
        "</section>\n<p class=\"meta\">{}</p>\n</header>\n<main>",
        esc(&summary_line(diff, old, new))
    );
    if !c.differ() {
        out.push_str("<p>The two alignments are the same.</p>\n");
    } else {
        let _ = writeln!(
            out,
            "<table class=\"diff\">\n<colgroup><col class=\"c-kind\"><col><col><col></colgroup>\n\
             <thead><tr><th>Change</th><th>{}</th><th>Old {}</th><th>New {}</th></tr></thead>\n<tbody>",
            esc(&new.src_lang.name()),
            esc(&new.tgt_lang.name()),
            esc(&new.tgt_lang.name())
        );
        for (n, ch) in diff
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Unchanged)
            .enumerate()
        {
            let source = source_text(ch, new);
            let one_to_one = ch.old.len() == 1 && ch.new.len() == 1 && !ch.words.is_empty();
            let side = |d: &Document, ks: &[usize], op: WordOp| -> String {
                if ks.is_empty() {
                    return "<span class=\"empty\">(none)</span>".into();
                }
                if one_to_one {
                    let mut s = String::new();
                    for w in &ch.words {
                        match (w.op, op) {
                            (WordOp::Equal, _) => s.push_str(&esc(&w.text)),
                            (WordOp::Delete, WordOp::Delete) => {
                                let _ = write!(s, "<del>{}</del>", esc(&w.text));
                            }
                            (WordOp::Insert, WordOp::Insert) => {
                                let _ = write!(s, "<ins>{}</ins>", esc(&w.text));
                            }
                            _ => {}
                        }
                    }
                    return s;
                }
                ks.iter()
                    .map(|&k| {
                        let b = &d.beads[k];
                        format!(
                            "<div class=\"bead\"><span class=\"label\">{}</span> {}</div>",
                            esc(&label(b)),
                            esc(&words(&b.target))
                        )
                    })
                    .collect()
            };
            let _ = writeln!(
                out,
                "<tr id=\"change-{n}\" class=\"{kind}\"><td class=\"kind\"><span class=\"tag\">{kind}</span>\
                 <span class=\"where\">{}</span></td><td>{}</td><td class=\"old\">{}</td>\
                 <td class=\"new\">{}</td></tr>",
                esc(&show_range(&ch.source)),
                if source.is_empty() {
                    "<span class=\"empty\">(target only)</span>".to_string()
                } else {
                    esc(&words(&source))
                },
                side(old, &ch.old, WordOp::Delete),
                side(new, &ch.new, WordOp::Insert),
                kind = ch.kind.as_str()
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

const DIFF_CSS: &str = "\
col.c-kind { width: 8em; }
del { background: var(--del); color: #8a1c1c; }
ins { background: var(--ins); color: #145c2c; text-decoration: none; }
td .tag { display: inline-block; font-size: 12px; font-weight: 600; padding: 0 6px;
  border-radius: 9px; background: var(--bg-alt); border: 1px solid var(--line); }
td .where { display: block; color: var(--muted); font-size: 12px; }
tr.added .tag { background: var(--ins); } tr.removed .tag { background: var(--del); }
tr.split .tag, tr.merged .tag, tr.regrouped .tag { background: var(--low); }
.bead + .bead { border-top: 1px dashed var(--line); margin-top: 4px; padding-top: 4px; }
.bead .label { font: 12px ui-monospace, monospace; color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
";

/// The source text a change is about, from the new alignment's beads (both have the same
/// source sentences).
fn source_text(change: &Change, new: &Document) -> String {
    change
        .new
        .iter()
        .map(|&k| new.beads[k].source.as_str())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
