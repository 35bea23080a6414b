//! number-mismatch: every number written in digits in the source must have its own equal in
//! the target, compared as values across locales (see [`crate::numbers`]). Numbers are
//! matched one to one, so a source saying "4" twice needs two 4s in the target; a number the
//! target spells out in letters (`4` as `four`) counts. Numbers the target adds are fine.

use super::{Finding, Rule};
use super::{RuleInfo, Severity};
use crate::numbers::{self, Found};
use crate::text::{Lang, Pair};

pub(super) const NUMBER_MISMATCH: RuleInfo = RuleInfo {
    id: "number-mismatch",
    default_severity: Severity::Error,
    summary: "Number in the source missing from the translation",
    description: "A number written in digits in the source has no equal in the translation. \
        Values are compared across locales: 3,5 = 3.5; 1 000 = 1,000; 14 h 30 = \
        2:30 p.m.; 50e = 50th; 4,20 € = €4.20. Numbers the translation adds are fine.",
    pair_check: None,
    needs_glossary: false,
};

/// Checks pairs with buffers reused from one pair to the next: on large documents, numbers
/// are everywhere, and allocating for each one showed in profiles.
#[derive(Default)]
pub(super) struct Checker {
    source: Vec<Found>,
    target: Vec<Found>,
    used: Vec<bool>,
    matched: Vec<bool>,
}

impl Checker {
    pub fn check(
        &mut self,
        segment: usize,
        pair: &Pair,
        src_lang: &Lang,
        tgt_lang: &Lang,
        out: &mut Vec<Finding>,
    ) {
        if numbers::find_digit(pair.src.as_bytes(), 0).is_none() {
            return;
        }
        let Checker {
            source,
            target,
            used,
            matched,
        } = self;
        source.clear();
        target.clear();
        numbers::extract_into(&pair.src, src_lang, source);
        numbers::extract_into(&pair.tgt, tgt_lang, target);
        used.clear();
        used.resize(target.len(), false);
        matched.clear();
        matched.resize(source.len(), false);
        // Same most-likely reading first, so that an ambiguous number does not take the equal
        // another source number needed; then any reading.
        let passes: [fn(&Found, &Found) -> bool; 2] =
            [|a, b| a.value == b.value, |a, b| a.matches(b)];
        let mut spelled_added = false;
        for (pass, same) in passes.iter().enumerate() {
            if pass == 1 && matched.contains(&false) && !spelled_added {
                numbers::words_into(&pair.tgt, tgt_lang, target);
                used.resize(target.len(), false);
                spelled_added = true;
            }
            for (n, done) in source.iter().zip(matched.iter_mut()) {
                if *done {
                    continue;
                }
                if let Some(k) = (0..target.len()).find(|&k| !used[k] && same(n, &target[k])) {
                    used[k] = true;
                    *done = true;
                }
            }
        }
        for (n, _) in source.iter().zip(matched.iter()).filter(|(_, m)| !**m) {
            let text = n.span.slice(&pair.src);
            let message = format!("number \"{text}\" has no equal in the translation");
            out.push(Finding::new(Rule::NumberMismatch, segment, text, message).source(n.span));
        }
    }
}
