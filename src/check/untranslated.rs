//! untranslated: a target that is empty, or the source copied, while the source is more than
//! names and numbers (in digits, or in words that are numbers in both languages: French "Six."
//! copied into English is a translation, "Sept." is not). Copies are compared with whitespace
//! runs collapsed, so re-wrapping the source does not hide one.

use super::consistency::words;
use super::{clip, Finding, Rule};
use super::{RuleInfo, Severity};
use crate::text::{Lang, Pair, Span};

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
/// the source is only names (`names`, spans in it) and numbers (in digits, or in words that
/// are numbers in both `langs`).
pub(super) fn check(
    segment: usize,
    pair: &Pair,
    (tgt_blank, copied): (bool, bool),
    names: &[Span],
    langs: (&Lang, &Lang),
    out: &mut Vec<Finding>,
) {
    let message = if tgt_blank {
        "the translation is empty"
    } else if copied {
        if only_names_or_numbers(&pair.src, names, langs) {
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

/// Whether every word of `text` is inside a glossary name or is a number word of both
/// languages: what is left is digits, punctuation and spaces.
fn only_names_or_numbers(text: &str, names: &[Span], (src, tgt): (&Lang, &Lang)) -> bool {
    let number = |word: &str| {
        [src, tgt]
            .iter()
            .all(|lang| lang.profile().number_words.iter().any(|(w, _)| *w == word))
    };
    let mut rest = text;
    while let Some(start) = rest.find(char::is_alphabetic) {
        let len = rest[start..]
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len() - start);
        let at = text.len() - rest.len() + start;
        let word = &rest[start..start + len];
        let in_name = names.iter().any(|s| s.start <= at && at < s.end);
        if !in_name && !number(&word.to_lowercase()) {
            return false;
        }
        rest = &rest[start + len..];
    }
    true
}
