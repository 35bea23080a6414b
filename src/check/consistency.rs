//! inconsistent-translation, across the whole document: a glossary term with several
//! accepted renderings rendered one way here and another way there, and one source segment
//! translated differently in two places.
//!
//! For terms, the rendering used most often is taken as the document's choice (the first
//! one used on a tie) and every pair using another is reported. For segments, the first
//! translation seen is the reference and later different ones are reported; sources with
//! fewer than three words ("Oui.", a title) are left alone, as they legitimately vary with
//! context. Segments are compared by a 64-bit hash of their words, so memory stays small on
//! large documents.

use std::collections::HashMap;
use std::hash::Hasher;

use super::terms::{Compiled, PairMatches};
use super::{clip, Finding, Rule};
use crate::glossary::matcher::{FastMap, FxHasher};
use crate::text::{Pair, Span};

#[derive(Default)]
pub(super) struct Tracker {
    /// Per term entry: (segment, rendering index, source span, target span) in order.
    terms: HashMap<usize, Vec<(usize, usize, Span, Span)>>,
    /// Source hash -> (first segment, target hash).
    segments: FastMap<u64, (u32, u64)>,
    /// (segment, first segment with the same source, source span) of differing translations.
    differing: Vec<(usize, usize, Span, String)>,
}

fn words_hash(text: &str) -> (u64, usize) {
    // FxHash: this runs on every pair of large documents, where SipHash shows in profiles.
    let mut h = FxHasher::default();
    let mut n = 0;
    for w in text.split_whitespace() {
        h.write(w.as_bytes());
        h.write_u8(0xff);
        n += 1;
    }
    (h.finish(), n)
}

impl Tracker {
    pub fn observe_terms(&mut self, segment: usize, m: &PairMatches) {
        for &(e, k, src, tgt) in &m.renderings {
            self.terms
                .entry(e)
                .or_default()
                .push((segment, k, src, tgt));
        }
    }

    pub fn observe_segment(&mut self, segment: usize, pair: &Pair) {
        let (src, words) = words_hash(&pair.src);
        if words < 3 {
            return;
        }
        let (tgt, _) = words_hash(&pair.tgt);
        match self.segments.get(&src) {
            None => {
                self.segments.insert(src, (segment as u32, tgt));
            }
            Some(&(first, first_tgt)) if first_tgt != tgt => {
                let text = pair.src.trim();
                let start = pair.src.len() - pair.src.trim_start().len();
                self.differing.push((
                    segment,
                    first as usize,
                    Span::new(start, start + text.len()),
                    clip(text, 60),
                ));
            }
            Some(_) => {}
        }
    }

    pub fn finish(self, compiled: &Compiled<'_>, out: &mut Vec<Finding>) {
        for (segment, first, span, term) in self.differing {
            let message = format!("this segment was translated differently in segment {first}");
            out.push(
                Finding::new(Rule::InconsistentTranslation, segment, term, message).source(span),
            );
        }
        let mut entries: Vec<_> = self.terms.into_iter().collect();
        entries.sort_by_key(|(e, _)| *e);
        for (e, uses) in entries {
            let renderings = compiled.renderings(e);
            let mut counts = vec![0usize; renderings.len()];
            for u in &uses {
                counts[u.1] += 1;
            }
            if counts.iter().filter(|c| **c > 0).count() < 2 {
                continue;
            }
            // Most used; on a tie, the one used first.
            let best = (0..counts.len())
                .filter(|k| counts[*k] > 0)
                .max_by_key(|k| {
                    (
                        counts[*k],
                        std::cmp::Reverse(uses.iter().position(|u| u.1 == *k)),
                    )
                })
                .unwrap_or(0);
            let first_best = uses.iter().find(|u| u.1 == best).map_or(0, |u| u.0);
            let term = compiled.source_term(e);
            for &(segment, k, src, tgt) in uses.iter().filter(|u| u.1 != best) {
                let message = format!(
                    "\"{term}\" is rendered \"{}\" here but \"{}\" in {} other segment{} (first: segment {first_best})",
                    renderings[k],
                    renderings[best],
                    counts[best],
                    if counts[best] == 1 { "" } else { "s" }
                );
                let finding = Finding::new(Rule::InconsistentTranslation, segment, term, message)
                    .source(src)
                    .target(Some(tgt))
                    .expected(vec![renderings[best].clone()]);
                out.push(finding);
            }
        }
    }
}
