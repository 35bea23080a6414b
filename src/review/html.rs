//! The review report: one self-contained HTML file (inline CSS and script, no network, no
//! external assets) that opens from disk, reads on a laptop screen and prints.
//!
//! At the top, summary counts (beads by type, low-confidence beads, findings by severity and
//! rule); then, per document, a side-by-side table of beads: source sentences, target
//! sentences, bead type and confidence. Low-confidence beads are shaded; glossary terms are
//! highlighted in both languages (the entry on hover); findings are marked where they point,
//! with the rule, message and expected rendering on hover, and listed in words under the
//! target. A checkbox (or the `f` key) shows only flagged beads (low confidence or findings);
//! `j`/`k` (or `n`/`p`) move the focus to the next or previous flagged bead. Everything is
//! escaped; nothing in a text can inject markup.

use std::fmt::Write;

use super::{pieces, Document, Highlight, Highlighter, Mark, Stats};
use crate::check::{Finding, Severity};
use crate::glossary::Glossary;
use crate::text::{plural, Lang, Span};

/// What goes into a report.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The page title (the project or file name).
    pub title: &'a str,
    pub documents: &'a [Document],
    /// Glossary terms are highlighted when one is given.
    pub glossary: Option<&'a Glossary>,
    /// Who made the report, e.g. `passerelle 0.1.0`.
    pub generator: &'a str,
}

/// The report as an HTML page.
pub fn render(report: &Report<'_>) -> String {
    let mut total = Stats::default();
    for d in report.documents {
        total.add(&d.stats());
    }
    let (src_lang, tgt_lang) = report.documents.first().map_or((Lang::Fr, Lang::En), |d| {
        (d.src_lang.clone(), d.tgt_lang.clone())
    });
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{}\">\n<title>Alignment review: {}</title>\n\
         <style>\n{BASE_CSS}{CSS}</style>\n</head>\n<body>\n",
        esc(report.generator),
        esc(report.title)
    );
    let _ = write!(
        out,
        "<header>\n<h1>Alignment review: {}</h1>\n<p class=\"meta\">{} → {} · {} · made by {}</p>\n",
        esc(report.title),
        esc(&src_lang.name()),
        esc(&tgt_lang.name()),
        plural(report.documents.len(), "document", "documents"),
        esc(report.generator)
    );
    summary(&mut out, &total);
    out.push_str(
        "<div class=\"controls\" role=\"toolbar\">\n<label><input type=\"checkbox\" \
         id=\"only-flagged\"> Show only flagged beads</label>\n<span class=\"keys\">\
         <kbd>j</kbd>/<kbd>k</kbd> next/previous flagged bead · <kbd>f</kbd> filter</span>\n\
         <span class=\"legend\"><mark class=\"term\">glossary term</mark> \
         <mark class=\"bad error\">finding</mark> <mark class=\"forbidden\">forbidden \
         rendering</mark> <span class=\"swatch low\">low confidence</span></span>\n</div>\n\
         </header>\n<main>\n",
    );
    let highlighter = report
        .glossary
        .map(|g| Highlighter::new(g, &src_lang, &tgt_lang));
    for (d, doc) in report.documents.iter().enumerate() {
        document(
            &mut out,
            d,
            doc,
            highlighter.as_ref(),
            report.documents.len() > 1,
        );
    }
    out.push_str("</main>\n<script>\n");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

fn summary(out: &mut String, s: &Stats) {
    out.push_str("<section class=\"summary\" id=\"summary\">\n");
    let card = |out: &mut String, id: &str, value: String, label: &str, detail: String| {
        let _ = writeln!(
            out,
            "<div class=\"card\" id=\"{id}\"><span class=\"value\">{value}</span> \
             <span class=\"label\">{label}</span><span class=\"detail\">{detail}</span></div>"
        );
    };
    let sentences = if s.src_sentences + s.tgt_sentences > 0 {
        format!("{} + {} sentences", s.src_sentences, s.tgt_sentences)
    } else {
        String::new()
    };
    card(
        out,
        "count-beads",
        s.beads.to_string(),
        "beads",
        esc(&[sentences, s.kinds_line()].join(" · ")),
    );
    card(
        out,
        "count-low",
        s.low_confidence.to_string(),
        "low confidence",
        "shaded rows".into(),
    );
    let c = s.counts;
    card(
        out,
        "count-findings",
        (c.errors + c.warnings + c.infos).to_string(),
        "findings",
        format!(
            "<span class=\"error\">{}</span>, <span class=\"warning\">{}</span>, {}",
            plural(c.errors, "error", "errors"),
            plural(c.warnings, "warning", "warnings"),
            plural(c.infos, "note", "notes")
        ),
    );
    let rules: Vec<String> = s
        .rules
        .iter()
        .map(|(r, n)| format!("{} {n}", esc(r.id())))
        .collect();
    card(
        out,
        "count-flagged",
        s.flagged.to_string(),
        "flagged beads",
        if rules.is_empty() {
            "no findings".into()
        } else {
            rules.join(" · ")
        },
    );
    out.push_str("</section>\n");
}

fn document(
    out: &mut String,
    d: usize,
    doc: &Document,
    highlighter: Option<&Highlighter>,
    heading: bool,
) {
    let _ = writeln!(out, "<section class=\"document\" id=\"doc-{d}\">");
    if heading {
        let s = doc.stats();
        let _ = writeln!(
            out,
            "<h2>{}</h2>\n<p class=\"meta\">{} beads ({}) · {} low confidence · {} flagged</p>",
            esc(&doc.name),
            s.beads,
            esc(&s.kinds_line()),
            s.low_confidence,
            s.flagged
        );
    }
    let _ = writeln!(
        out,
        "<table class=\"beads\">\n<colgroup><col class=\"c-n\"><col class=\"c-src\">\
         <col class=\"c-tgt\"><col class=\"c-kind\"><col class=\"c-score\"></colgroup>\n\
         <thead><tr><th>#</th><th>{}</th><th>{}</th><th>Type</th><th>Confidence</th></tr>\
         </thead>\n<tbody>",
        esc(&doc.src_lang.name()),
        esc(&doc.tgt_lang.name())
    );
    for (k, bead) in doc.beads.iter().enumerate() {
        let findings: Vec<&Finding> = doc.findings_of(k).collect();
        let mut classes = vec!["bead"];
        if bead.review {
            classes.push("low");
        }
        if !findings.is_empty() {
            classes.push("has-findings");
        }
        if doc.flagged(k) {
            classes.push("flagged");
        }
        // `sev-*`, not the bare severity class: that one colours text, and would turn the
        // whole row red.
        if let Some(worst) = findings.iter().map(|f| f.severity).max() {
            classes.push(match worst {
                Severity::Error => "sev-error",
                Severity::Warning => "sev-warning",
                Severity::Info => "sev-info",
            });
        }
        let id = format!("d{d}-b{k}");
        let _ = write!(
            out,
            "<tr id=\"{id}\" class=\"{}\" tabindex=\"-1\"><td class=\"n\"><a href=\"#{id}\">{}</a></td>",
            classes.join(" "),
            k + 1
        );
        let src_marks = highlighter
            .map(|h| h.source(&bead.source))
            .unwrap_or_default();
        let tgt_marks = highlighter
            .map(|h| h.target(&bead.target))
            .unwrap_or_default();
        let src_findings: Vec<(&Finding, Span)> = findings
            .iter()
            .filter_map(|f| f.source_span.map(|s| (*f, s)))
            .collect();
        let tgt_findings: Vec<(&Finding, Span)> = findings
            .iter()
            .filter_map(|f| f.target_span.map(|s| (*f, s)))
            .collect();
        let _ = write!(
            out,
            "<td class=\"src\" lang=\"{}\">{}</td>",
            esc(doc.src_lang.code()),
            marked(&bead.source, &src_marks, &src_findings)
        );
        let _ = write!(
            out,
            "<td class=\"tgt\" lang=\"{}\">{}",
            esc(doc.tgt_lang.code()),
            marked(&bead.target, &tgt_marks, &tgt_findings)
        );
        if !findings.is_empty() {
            out.push_str("<ul class=\"findings\">");
            for f in &findings {
                let _ = write!(
                    out,
                    "<li class=\"{}\"><span class=\"rule\">{}[{}]</span> {}",
                    severity_class(f.severity),
                    severity_label(f.severity),
                    esc(f.rule.id()),
                    esc(&f.message)
                );
                if !f.expected.is_empty() {
                    let _ = write!(
                        out,
                        " <span class=\"expected\">expected: {}</span>",
                        esc(&f.expected.join(" | "))
                    );
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        out.push_str("</td>");
        let kind = bead.kind.map_or("—".to_string(), |k| k.to_string());
        let _ = write!(out, "<td class=\"kind\">{}</td>", esc(&kind));
        match bead.score {
            Some(score) => {
                let pct = (score.clamp(0.0, 1.0) * 100.0).round();
                let _ = write!(
                    out,
                    "<td class=\"score\"><span class=\"bar\"><span style=\"width:{pct}%\"></span>\
                     </span>{score:.2}</td>"
                );
            }
            None => out.push_str("<td class=\"score\">—</td>"),
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// The text with glossary highlights and finding spans marked; overlapping marks are merged
/// into one `<mark>` per stretch, with every hover text.
fn marked(text: &str, highlights: &[Highlight], findings: &[(&Finding, Span)]) -> String {
    if text.is_empty() {
        return "<span class=\"empty\">(no sentence)</span>".into();
    }
    let spans: Vec<Span> = highlights
        .iter()
        .map(|h| h.span)
        .chain(findings.iter().map(|(_, s)| *s))
        .collect();
    let mut out = String::with_capacity(text.len() + 64);
    for (range, covering) in pieces(text, &spans) {
        let piece = esc(&text[range]);
        if covering.is_empty() {
            out.push_str(&piece);
            continue;
        }
        let mut classes: Vec<&str> = Vec::new();
        let mut titles: Vec<String> = Vec::new();
        for &k in &covering {
            if let Some(h) = highlights.get(k) {
                classes.push(match h.mark {
                    Mark::Term => "term",
                    Mark::Forbidden => "forbidden",
                });
                titles.push(h.title.clone());
            } else if let Some((f, _)) = findings.get(k - highlights.len()) {
                classes.push("bad");
                classes.push(severity_class(f.severity));
                let mut t = format!(
                    "{}[{}]: {}",
                    severity_label(f.severity),
                    f.rule.id(),
                    f.message
                );
                if !f.expected.is_empty() {
                    t.push_str(&format!(" — expected: {}", f.expected.join(" | ")));
                }
                titles.push(t);
            }
        }
        classes.sort_unstable();
        classes.dedup();
        titles.dedup();
        let _ = write!(
            out,
            "<mark class=\"{}\" title=\"{}\">{piece}</mark>",
            classes.join(" "),
            esc(&titles.join("\n"))
        );
    }
    out
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Escapes text for HTML content and double-quoted attributes.
pub(crate) fn esc(s: &str) -> String {
    crate::text::escape_markup(s, true)
}

/// Shared by the report and the diff page: a quiet, readable page that prints well.
pub(crate) const BASE_CSS: &str = "\
:root { --fg: #1d2125; --muted: #5f6b76; --line: #d8dee4; --bg-alt: #f6f8fa;
  --low: #fff5d6; --err: #c62828; --warn: #b26a00; --info: #1565c0; --term: #e3efff;
  --ins: #dcf5e3; --del: #fde2e1; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif;
  color: var(--fg); background: #fff; }
header { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); background: #fff; }
h1 { font-size: 20px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 24px 0 4px; }
.meta { color: var(--muted); margin: 0 0 10px; font-size: 13px; }
main { padding: 8px 24px 40px; }
.summary { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 150px;
  flex: 1 1 180px; background: var(--bg-alt); }
.card .value { font-size: 22px; font-weight: 600; }
.card .label { font-weight: 600; }
.card .detail { display: block; color: var(--muted); font-size: 12.5px; }
.error { color: var(--err); } .warning { color: var(--warn); } .info { color: var(--info); }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; }
th { position: sticky; top: 0; background: #fff; font-size: 13px; color: var(--muted);
  border-bottom: 2px solid var(--line); z-index: 1; }
mark { background: none; color: inherit; padding: 0 1px; border-radius: 2px; }
kbd { font: 12px ui-monospace, monospace; border: 1px solid var(--line); border-bottom-width: 2px;
  border-radius: 3px; padding: 0 4px; background: #fff; }
@media print {
  /* Shading and highlights are the point of the page: print them (browsers drop
     backgrounds by default). */
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  header { border: none; } .controls { display: none !important; }
  tr { break-inside: avoid; } th { position: static; }
  body { font-size: 11pt; } a { color: inherit; text-decoration: none; }
}
";

const CSS: &str = concat!(
    "/* passerelle review report */\n",
    "col.c-n { width: 3.2em; } col.c-kind { width: 4.2em; } col.c-score { width: 7.5em; }\n",
    "td.n a { color: var(--muted); text-decoration: none; font-size: 13px; }\n",
    "td.kind, td.score { font-variant-numeric: tabular-nums; font-size: 13px; }\n",
    ".bar { display: block; height: 4px; background: var(--line); border-radius: 2px; margin: 7px 0 3px; }\n",
    ".bar span { display: block; height: 4px; background: #5b8def; border-radius: 2px; }\n",
    "tr.low td { background: var(--low); }\n",
    "tr.low .bar span { background: var(--warn); }\n",
    "tr.has-findings td.n { box-shadow: inset 3px 0 var(--err); }\n",
    "tr.sev-warning td.n { box-shadow: inset 3px 0 var(--warn); }\n",
    "tr.sev-info td.n { box-shadow: inset 3px 0 var(--info); }\n",
    "tr.bead:focus { outline: 2px solid #5b8def; outline-offset: -2px; }\n",
    "tr.bead:focus td { background: #eef4ff; }\n",
    "mark.term { background: var(--term); border-bottom: 1px dotted var(--info); }\n",
    "mark.forbidden { background: var(--del); text-decoration: line-through var(--err); }\n",
    "mark.bad { background: var(--del); text-decoration: underline wavy var(--err);\n",
    "  text-underline-offset: 3px; }\n",
    "mark.bad.warning { text-decoration-color: var(--warn); }\n",
    "mark.bad.info { text-decoration-color: var(--info); }\n",
    ".empty { color: var(--muted); font-style: italic; }\n",
    "ul.findings { margin: 6px 0 0; padding: 0 0 0 1.1em; font-size: 13px; }\n",
    "ul.findings li { color: var(--fg); } ul.findings li::marker { color: var(--err); }\n",
    "ul.findings .rule { font-weight: 600; }\n",
    "ul.findings li.error .rule { color: var(--err); } ul.findings li.warning .rule { color: var(--warn); }\n",
    "ul.findings li.info .rule { color: var(--info); }\n",
    ".expected { white-space: nowrap; background: var(--ins); padding: 0 3px; border-radius: 2px; }\n",
    ".controls { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center; font-size: 13.5px;\n",
    "  padding: 4px 0; }\n",
    ".controls .keys, .controls .legend { color: var(--muted); }\n",
    ".swatch.low { background: var(--low); padding: 0 4px; border: 1px solid var(--line); }\n",
    "body.only-flagged tr.bead:not(.flagged) { display: none; }\n",
);

/// The filter and the keyboard navigation.
const SCRIPT: &str = r#"(function () {
  "use strict";
  var box = document.getElementById("only-flagged");
  function apply() { document.body.classList.toggle("only-flagged", box.checked); }
  box.addEventListener("change", apply);
  apply();
  var flagged = Array.prototype.slice.call(document.querySelectorAll("tr.bead.flagged"));
  function go(step) {
    if (!flagged.length) { return; }
    var current = document.activeElement;
    var next = null;
    if (current && current.classList && current.classList.contains("bead")) {
      for (var i = 0; i < flagged.length; i++) {
        var k = step > 0 ? i : flagged.length - 1 - i;
        var pos = current.compareDocumentPosition(flagged[k]);
        if (step > 0 ? pos & Node.DOCUMENT_POSITION_FOLLOWING : pos & Node.DOCUMENT_POSITION_PRECEDING) {
          next = flagged[k];
          break;
        }
      }
    }
    if (!next) { next = step > 0 ? flagged[0] : flagged[flagged.length - 1]; }
    next.focus();
    next.scrollIntoView({ block: "center" });
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    if (t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type !== "checkbox"))) { return; }
    if (e.key === "j" || e.key === "n") { go(1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "p") { go(-1); e.preventDefault(); }
    else if (e.key === "f") { box.checked = !box.checked; apply(); e.preventDefault(); }
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::BeadRecord;
    use crate::check::Rule;

    fn doc() -> Document {
        let bead = |s: &str, t: &str, review: bool| BeadRecord {
            source: s.into(),
            target: t.into(),
            score: Some(if review { 0.2 } else { 0.9 }),
            review,
            ..BeadRecord::default()
        };
        Document {
            name: "t".into(),
            src_lang: Lang::Fr,
            tgt_lang: Lang::En,
            beads: vec![
                bead("Le <nuage> & co.", "The <cloud> & co.", false),
                bead("Azure.", "", true),
            ],
            findings: vec![Finding {
                rule: Rule::MissingTerm,
                severity: Severity::Error,
                segment: 0,
                term: "nuage".into(),
                message: "\"nuage\" needs \"cloud\"".into(),
                source_span: Some(Span::new(4, 9)),
                target_span: None,
                expected: vec!["cloud".into()],
                fingerprint: String::new(),
            }],
        }
    }

    #[test]
    fn text_is_escaped_and_marked() {
        let html = render(&Report {
            title: "t<script>",
            documents: &[doc()],
            glossary: None,
            generator: "passerelle test",
        });
        assert!(!html.contains("<script>alert") && !html.contains("t<script>"));
        assert!(html.contains("Le &lt;<mark class=\"bad error\" title=\"error[missing-term]: &quot;nuage&quot; needs &quot;cloud&quot; — expected: cloud\">nuage</mark>&gt; &amp; co."), "{html}");
        assert!(html.contains("<tr id=\"d0-b0\" class=\"bead has-findings flagged sev-error\""));
        assert!(html.contains("<tr id=\"d0-b1\" class=\"bead low flagged\""));
        assert!(html.contains("(no sentence)"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no external assets"
        );
    }
}
