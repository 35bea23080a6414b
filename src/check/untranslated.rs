//! untranslated: a target that is empty, or the source copied, while the source is more than
//! a name or a number. Copies are compared with whitespace runs collapsed, so re-wrapping the
//! source does not hide one.

use super::{clip, Finding, Rule};
use crate::text::{Pair, Span};

pub(super) fn check(segment: usize, pair: &Pair, names: &[Span], out: &mut Vec<Finding>) {
    let src = pair.src.trim();
    let start = pair.src.len() - pair.src.trim_start().len();
    let whole = Span::new(start, start + src.len());
    let message = if pair.tgt.trim().is_empty() {
        "the translation is empty"
    } else if same_words(&pair.src, &pair.tgt) {
        if only_names_or_numbers(&pair.src, names) {
            return;
        }
        "the translation is a copy of the source"
    } else {
        return;
    };
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

fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Whether every letter of `text` is inside a glossary name: what is left is digits,
/// punctuation and spaces.
fn only_names_or_numbers(text: &str, names: &[Span]) -> bool {
    text.char_indices()
        .all(|(i, c)| !c.is_alphabetic() || names.iter().any(|s| s.start <= i && i < s.end))
}
