//! untranslated: a target that is empty, or the source copied, while the source is more than
//! a name or a number. Copies are compared with whitespace runs collapsed, so re-wrapping the
//! source does not hide one.

use super::consistency::words;
use super::{clip, Finding, Rule};
use super::{RuleInfo, Severity};
use crate::text::{Pair, Span};

pub(super) const UNTRANSLATED: RuleInfo = RuleInfo {
    id: "untranslated",
    default_severity: Severity::Error,
    summary: "Segment left empty or copied from the source",
    description: "The translation is empty, or a copy of the source, although the segment is \
        more than a name or a number.",
    pair_check: None,
    needs_glossary: false,
};

/// Reports `pair` when its target is blank, or `copied` (it has the source's words), unless
/// the source is only names (`names`, spans in it) and numbers.
pub(super) fn check(
    segment: usize,
    pair: &Pair,
    tgt_blank: bool,
    copied: bool,
    names: &[Span],
    out: &mut Vec<Finding>,
) {
    let message = if tgt_blank {
        "the translation is empty"
    } else if copied {
        if only_names_or_numbers(&pair.src, names) {
            return;
        }
        "the translation is a copy of the source"
    } else {
        return;
    };
    let src = pair.src.trim();
    let start = pair.src.len() - pair.src.trim_start().len();
    let whole = Span::new(start, start + src.len());
    out.push(
        Finding::new(
            Rule::Untranslated,
            segment,
            clip(src, 60),
            message.to_string(),
        )
        .source(whole),
    );
}

/// Whether the two texts have the same words, however they are spaced.
pub(super) fn same_words(a: &str, b: &str) -> bool {
    words(a).eq(words(b))
}

/// Whether every letter of `text` is inside a glossary name: what is left is digits,
/// punctuation and spaces.
fn only_names_or_numbers(text: &str, names: &[Span]) -> bool {
    text.char_indices()
        .all(|(i, c)| !c.is_alphabetic() || names.iter().any(|s| s.start <= i && i < s.end))
}
