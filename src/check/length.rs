//! length-ratio: a target far shorter or longer than translations between the two languages
//! usually are. Lengths are in characters; the usual ratio of target to source is a constant
//! per direction (English runs about 12 % shorter than French), and short sources are not
//! judged because their ratio varies too much.

use super::{Finding, LengthRatio, Rule};
use super::{RuleInfo, Severity};
use crate::text::{Lang, Pair, Span};

pub(super) const LENGTH_RATIO: RuleInfo = RuleInfo {
    id: "length-ratio",
    default_severity: Severity::Info,
    summary: "Translation far shorter or longer than expected",
    description: "The translation is far shorter or longer than translations between these \
        languages usually are, which often means a sentence was dropped or added.",
    pair_check: None,
    needs_glossary: false,
};

pub(super) fn check(
    segment: usize,
    pair: &Pair,
    src_lang: &Lang,
    tgt_lang: &Lang,
    bounds: &LengthRatio,
    out: &mut Vec<Finding>,
) {
    let src = pair.src.trim();
    let src_chars = src.chars().count();
    if src_chars < bounds.min_chars {
        return;
    }
    let tgt_chars = pair.tgt.trim().chars().count();
    let usual = src_lang.length_ratio_to(tgt_lang);
    let relative = tgt_chars as f64 / src_chars as f64 / usual;
    let word = if relative < bounds.min {
        "shorter"
    } else if relative > bounds.max {
        "longer"
    } else {
        return;
    };
    let start = pair.src.len() - pair.src.trim_start().len();
    let message = format!(
        "the translation is far {word} than expected: {tgt_chars} characters for {src_chars} \
         ({:.0} % of the usual length for {}→{})",
        relative * 100.0,
        src_lang,
        tgt_lang
    );
    // The term names the source, not the lengths, so that a baseline entry survives edits
    // of the translation.
    let term = super::clip(src, 60);
    out.push(
        Finding::new(Rule::LengthRatio, segment, term, message)
            .source(Span::new(start, start + src.len())),
    );
}
