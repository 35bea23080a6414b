//! number-mismatch: every number written in digits in the source must have its own equal in
//! the target, compared as values across locales (see [`crate::numbers`]). Numbers are
//! matched one to one, so a source saying "4" twice needs two 4s in the target; a number the
//! target spells out in letters (`4` as `four`) counts. Numbers the target adds are fine.

use super::{Finding, Rule};
use crate::numbers::{self, Number};
use crate::text::{Lang, Pair};

pub(super) fn check(
    segment: usize,
    pair: &Pair,
    src_lang: &Lang,
    tgt_lang: &Lang,
    out: &mut Vec<Finding>,
) {
    if !pair.src.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    let source = numbers::extract(&pair.src, src_lang);
    let mut target = numbers::extract(&pair.tgt, tgt_lang);
    let mut used = vec![false; target.len()];
    let mut matched = vec![false; source.len()];
    // Same most-likely reading first, so that an ambiguous number does not take the equal
    // another source number needed; then any reading.
    let passes: [fn(&Number, &Number) -> bool; 2] =
        [|a, b| a.value == b.value, |a, b| a.matches(b)];
    let mut spelled_added = false;
    for (pass, same) in passes.iter().enumerate() {
        if pass == 1 && matched.contains(&false) && !spelled_added {
            target.extend(numbers::words(&pair.tgt, tgt_lang));
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
    for (n, _) in source.iter().zip(&matched).filter(|(_, m)| !**m) {
        let message = format!("number \"{}\" has no equal in the translation", n.text);
        out.push(
            Finding::new(Rule::NumberMismatch, segment, n.text.clone(), message).source(n.span),
        );
    }
}
