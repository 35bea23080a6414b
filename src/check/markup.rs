//! markup-mismatch: the translation must have the source's tags, in any order, compared by
//! name and by the attributes that must not change (`href`, `src`), and where the source's
//! tags are balanced the translation's must be too. See [`crate::protect`] for what is a tag.

use super::protected;
use super::{Finding, Rule};
use super::{RuleInfo, Severity};
use crate::protect::{self, Kind, TagForm, Token};
use crate::text::Pair;

pub(super) const MARKUP_MISMATCH: RuleInfo = RuleInfo {
    id: "markup-mismatch",
    default_severity: Severity::Error,
    summary: "Tag missing from the translation, changed, added or unbalanced",
    description: "The source and the translation must have the same XML or HTML tags, each \
        as many times, in any order: opening (<b>, <a href=\"...\">), closing (</b>) and \
        self-closing ones (<br/>, <x id=\"1\"/>; <br> and <img ...> are self-closing too). \
        Tags compare by name, case-insensitively, and by their href and src attributes, \
        which must not change; other attributes (title, alt, class...) may be translated. \
        When the source's tags open and close in order, the translation's must too: a \
        closing tag before its opening one, or crossed tags (<b><i>...</b></i>), are \
        reported. \"a < b\", \"<3\", entities such as &amp; and words in angle brackets \
        that nothing closes (a usage line's <file>) are not tags. To fix, copy the tags from \
        the source around the translated words they belong to, keeping links and image \
        sources as they are.",
    pair_check: Some(check),
    needs_glossary: false,
};

fn check(segment: usize, pair: &Pair, out: &mut Vec<Finding>) {
    if !protect::may_have_tags(&pair.src) && !protect::may_have_tags(&pair.tgt) {
        return;
    }
    let (src, tgt) = protected::tokens(pair, |k| matches!(k, Kind::Tag(_)));
    let (missing, extra) = protect::diff(&src, &tgt);
    protected::report(
        Rule::MarkupMismatch,
        segment,
        pair,
        (&src, &tgt),
        (&missing, &extra),
        |_, t| format!("tag {t} is missing from the translation"),
        |_, t| format!("the translation has an extra {t}"),
        out,
    );
    // The same tags on both sides: they may still be out of order.
    if !missing.is_empty() || !extra.is_empty() || unbalanced(&src).is_some() {
        return;
    }
    if let Some((k, problem)) = unbalanced(&tgt) {
        let written = tgt[k].text(&pair.tgt);
        let message = match problem {
            Problem::NotOpen => {
                format!("tag {written} in the translation closes a tag that is not open")
            }
            Problem::Crossed(open) => format!(
                "tag {written} in the translation closes while {} is still open: the tags \
                 are not nested as in the source",
                tgt[open].text(&pair.tgt)
            ),
            Problem::NotClosed => format!("tag {written} is not closed in the translation"),
        };
        out.push(
            Finding::new(Rule::MarkupMismatch, segment, written, message).target(Some(tgt[k].span)),
        );
    }
}

/// What is wrong with the order of tags.
#[derive(Debug, PartialEq)]
enum Problem {
    /// A closing tag with nothing open.
    NotOpen,
    /// A closing tag while another tag (its index) opened after its own is still open.
    Crossed(usize),
    /// An opening tag never closed.
    NotClosed,
}

/// The first tag of `tags` (its index) that breaks their nesting, and how.
fn unbalanced(tags: &[Token]) -> Option<(usize, Problem)> {
    let mut open: Vec<usize> = Vec::new();
    for (k, t) in tags.iter().enumerate() {
        match t.kind {
            Kind::Tag(TagForm::Open) => open.push(k),
            Kind::Tag(TagForm::Close) => match open.last() {
                None => return Some((k, Problem::NotOpen)),
                Some(&o) if tags[o].tag_name() == t.tag_name() => {
                    open.pop();
                }
                Some(&o) => return Some((k, Problem::Crossed(o))),
            },
            _ => {}
        }
    }
    open.first().map(|&k| (k, Problem::NotClosed))
}

#[cfg(test)]
mod tests {
    use super::super::protected::testing::{assert_clean, found, run, t};
    use super::*;

    #[test]
    fn same_tags_are_clean_in_any_order_and_with_translated_attributes() {
        assert_clean(
            check,
            &[
                ("Cliquez <b>ici</b>.", "Click <b>here</b>."),
                (
                    "<b>Gras</b> puis <i>italique</i>",
                    "<i>Italic</i> then <b>bold</b>",
                ),
                ("Ligne<br/>suivante", "Line<br>next"),
                ("Ligne<BR />suivante", "Line<br>next"),
                (
                    "<img src=\"chat.png\" alt=\"Un chat\" title=\"Chat\">",
                    "<img alt=\"A cat\" src='chat.png' title=\"Cat\"/>",
                ),
                (
                    "<a href=\"https://Exemple.fr/a\" class=\"lien\">voir</a>",
                    "<a class=\"link\" href=\"https://exemple.fr/a\">see</a>",
                ),
                ("<0>Cliquez</0> <1/>", "<0>Click</0> <1/>"),
                (
                    "<g id=\"1\">x</g><x id=\"2\"/>",
                    "<g id=\"1\">y</g><x id=\"2\"/>",
                ),
                // A segment that splits a tag pair: unbalanced on both sides alike.
                ("<b>Début.", "<b>Start."),
                ("Fin.</b>", "End.</b>"),
            ],
        );
    }

    #[test]
    fn prose_and_entities_are_not_tags() {
        assert_clean(
            check,
            &[
                ("si a < b et c > d", "if a < b"),
                ("J'<3 Paris", "I love Paris"),
                ("x << 2", "x shifted left by 2"),
                ("Tom &amp; Jerry", "Tom & Jerry"),
                ("&lt;b&gt;gras&lt;/b&gt;", "bold"),
                ("git notes show [<object>]", "git notes show [<objet>]"),
                (
                    "--%s needs <link> <name> <path>",
                    "--%s a besoin de <lien> <nom> <chemin>",
                ),
                (
                    "%s [options] <new host name>",
                    "%s [options] <nouveau nom d'hôte>",
                ),
                ("Press <Enter>", "Appuyez sur Entrée"),
                ("<<Bonjour>>", "\"Hello\""),
                ("<-- ici", "here"),
            ],
        );
    }

    #[test]
    fn dropped_added_and_changed_tags() {
        assert_eq!(
            found(check, "Cliquez <b>ici</b>.", "Click <b>here."),
            [t("</b>", "missing")]
        );
        assert_eq!(
            found(check, "Cliquez ici.", "Click <b>here</b>."),
            [t("<b>", "extra"), t("</b>", "extra")]
        );
        assert_eq!(
            found(check, "<b>Gras</b>", "<strong>Bold</strong>"),
            [
                t("<b>", "missing"),
                t("</b>", "missing"),
                t("<strong>", "extra"),
                t("</strong>", "extra")
            ]
        );
        assert_eq!(
            found(
                check,
                "<a href=\"https://exemple.fr/aide\">aide</a>",
                "<a href=\"https://example.com/help\">help</a>"
            ),
            [
                t("<a href=\"https://exemple.fr/aide\">", "missing"),
                t("<a href=\"https://example.com/help\">", "extra")
            ]
        );
        assert_eq!(
            found(check, "<img src=\"a.png\">", "<img src=\"b.png\">"),
            [
                t("<img src=\"a.png\">", "missing"),
                t("<img src=\"b.png\">", "extra")
            ]
        );
        assert_eq!(found(check, "a<br>b", "a b"), [t("<br>", "missing")]);
        let findings = run(check, "x", "<i>y</i>");
        assert_eq!(findings[0].message, "the translation has an extra <i>");
        let findings = run(check, "<u>x</u>", "y</u>");
        assert_eq!(
            findings[0].message,
            "tag <u> is missing from the translation"
        );
    }

    #[test]
    fn tags_out_of_order_in_the_translation() {
        let findings = run(check, "<b><i>x</i></b>", "<b><i>x</b></i>");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].term, "</b>");
        assert_eq!(findings[0].target_span.map(|s| s.start), Some(7));
        assert!(findings[0].message.contains("while <i> is still open"));
        assert_eq!(
            found(check, "<b>x</b> <i>y</i>", "</b>x<b> <i>y</i>"),
            [t("</b>", "extra")]
        );
        // Unbalanced in the source already: not the translation's fault.
        assert_clean(check, &[("<b><i>x</b></i>", "<b><i>x</b></i>")]);
        assert_eq!(
            unbalanced(&protect::scan("<b>x")),
            Some((0, Problem::NotClosed))
        );
        assert_eq!(unbalanced(&protect::scan("<b>x</b><br>")), None);
    }
}
