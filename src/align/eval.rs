//! Scoring an alignment against a gold alignment, with the definitions used for the published
//! figures on the Bleualign test set (Sennrich & Volk 2011, as Vecalign computes them):
//!
//! * precision runs over the distinct hypothesis beads (insertions and deletions included):
//!   a bead is strictly right when the gold has exactly that bead, and laxly right when it is
//!   strictly right or shares a (source, target) sentence link with a gold bead;
//! * recall runs over the gold beads with both sides non-empty, judged in the same way
//!   against the hypothesis beads with both sides non-empty;
//! * counts are summed over documents before dividing (micro-average).
//!
//! Beads are compared as written (index lists), so gold beads whose indices are not
//! consecutive (crossing alignments) are handled like any other.

use std::collections::HashSet;

use serde::Serialize;

/// A bead as two index lists.
pub type IndexPair = (Vec<u32>, Vec<u32>);

/// Right and wrong counts for one direction (precision or recall).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Judged {
    pub strict_right: usize,
    pub strict_wrong: usize,
    pub lax_right: usize,
    pub lax_wrong: usize,
}

impl Judged {
    fn add(&mut self, other: Judged) {
        self.strict_right += other.strict_right;
        self.strict_wrong += other.strict_wrong;
        self.lax_right += other.lax_right;
        self.lax_wrong += other.lax_wrong;
    }

    fn strict(&self) -> f64 {
        ratio(self.strict_right, self.strict_right + self.strict_wrong)
    }

    fn lax(&self) -> f64 {
        ratio(self.lax_right, self.lax_right + self.lax_wrong)
    }
}

/// The counts of one or more documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub precision: Judged,
    pub recall: Judged,
    pub gold_beads: usize,
    pub hyp_beads: usize,
    pub documents: usize,
}

/// Precision, recall and F1, strict and lax.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    pub precision_strict: f64,
    pub recall_strict: f64,
    pub f1_strict: f64,
    pub precision_lax: f64,
    pub recall_lax: f64,
    pub f1_lax: f64,
}

impl Counts {
    /// Counts for one document.
    pub fn of(gold: &[IndexPair], hyp: &[IndexPair]) -> Counts {
        let linked = |beads: &[IndexPair]| -> Vec<IndexPair> {
            beads
                .iter()
                .filter(|(s, t)| !s.is_empty() && !t.is_empty())
                .cloned()
                .collect()
        };
        Counts {
            precision: judge(gold, hyp),
            recall: judge(&linked(hyp), &linked(gold)),
            gold_beads: gold.len(),
            hyp_beads: hyp.len(),
            documents: 1,
        }
    }

    pub fn add(&mut self, other: &Counts) {
        self.precision.add(other.precision);
        self.recall.add(other.recall);
        self.gold_beads += other.gold_beads;
        self.hyp_beads += other.hyp_beads;
        self.documents += other.documents;
    }

    pub fn scores(&self) -> Scores {
        let (ps, rs) = (self.precision.strict(), self.recall.strict());
        let (pl, rl) = (self.precision.lax(), self.recall.lax());
        Scores {
            precision_strict: ps,
            recall_strict: rs,
            f1_strict: f1(ps, rs),
            precision_lax: pl,
            recall_lax: rl,
            f1_lax: f1(pl, rl),
        }
    }
}

/// Judges each distinct candidate bead against the reference beads.
fn judge(reference: &[IndexPair], candidates: &[IndexPair]) -> Judged {
    let reference: HashSet<&IndexPair> = reference
        .iter()
        .filter(|(s, t)| !s.is_empty() || !t.is_empty())
        .collect();
    let links: HashSet<(u32, u32)> = reference
        .iter()
        .flat_map(|(s, t)| s.iter().flat_map(move |&a| t.iter().map(move |&b| (a, b))))
        .collect();
    let candidates: HashSet<&IndexPair> = candidates
        .iter()
        .filter(|(s, t)| !s.is_empty() || !t.is_empty())
        .collect();
    let mut judged = Judged::default();
    for bead in candidates {
        if reference.contains(bead) {
            judged.strict_right += 1;
            judged.lax_right += 1;
            continue;
        }
        judged.strict_wrong += 1;
        let (s, t) = bead;
        if s.iter()
            .any(|a| t.iter().any(|b| links.contains(&(*a, *b))))
        {
            judged.lax_right += 1;
        } else {
            judged.lax_wrong += 1;
        }
    }
    judged
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &[u32], t: &[u32]) -> IndexPair {
        (s.to_vec(), t.to_vec())
    }

    #[test]
    fn perfect_alignment_scores_one() {
        let gold = vec![b(&[0], &[0]), b(&[1, 2], &[1]), b(&[], &[2])];
        let s = Counts::of(&gold, &gold).scores();
        assert_eq!(
            (s.precision_strict, s.recall_strict, s.f1_strict),
            (1.0, 1.0, 1.0)
        );
        assert_eq!(s.f1_lax, 1.0);
    }

    #[test]
    fn hand_computed_example() {
        // Gold: [0]:[0], [1,2]:[1], []:[2], [3]:[3]
        // Hyp:  [0]:[0] (strict), [1]:[1] (lax: link 1-1), [2]:[] (wrong), [3]:[2,3] (lax: link 3-3)
        let gold = vec![b(&[0], &[0]), b(&[1, 2], &[1]), b(&[], &[2]), b(&[3], &[3])];
        let hyp = vec![b(&[0], &[0]), b(&[1], &[1]), b(&[2], &[]), b(&[3], &[2, 3])];
        let c = Counts::of(&gold, &hyp);
        assert_eq!(
            c.precision,
            Judged {
                strict_right: 1,
                strict_wrong: 3,
                lax_right: 3,
                lax_wrong: 1
            }
        );
        // Recall over gold beads with both sides: [0]:[0], [1,2]:[1], [3]:[3] against
        // hyp [0]:[0], [1]:[1], [3]:[2,3].
        assert_eq!(
            c.recall,
            Judged {
                strict_right: 1,
                strict_wrong: 2,
                lax_right: 3,
                lax_wrong: 0
            }
        );
        let s = c.scores();
        assert!((s.precision_strict - 0.25).abs() < 1e-12);
        assert!((s.recall_strict - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.f1_strict - 2.0 * 0.25 * (1.0 / 3.0) / (0.25 + 1.0 / 3.0)).abs() < 1e-12);
        assert!((s.precision_lax - 0.75).abs() < 1e-12);
        assert_eq!(s.recall_lax, 1.0);
    }

    #[test]
    fn non_contiguous_gold_beads_and_duplicates() {
        // A crossing gold bead [4,7]:[4,5] can only be matched exactly as written; a monotone
        // hypothesis gets lax credit through a shared link. Duplicate beads count once.
        let gold = vec![b(&[4, 7], &[4, 5]), b(&[5, 6], &[6])];
        let hyp = vec![
            b(&[4], &[4, 5]),
            b(&[4], &[4, 5]),
            b(&[5, 6], &[6]),
            b(&[7], &[]),
        ];
        let c = Counts::of(&gold, &hyp);
        assert_eq!(
            c.precision,
            Judged {
                strict_right: 1,
                strict_wrong: 2,
                lax_right: 2,
                lax_wrong: 1
            }
        );
        assert_eq!(
            c.recall,
            Judged {
                strict_right: 1,
                strict_wrong: 1,
                lax_right: 2,
                lax_wrong: 0
            }
        );
    }

    #[test]
    fn counts_are_summed_before_dividing() {
        let doc1 = Counts::of(&[b(&[0], &[0])], &[b(&[0], &[0])]);
        let doc2 = Counts::of(
            &[b(&[0], &[0]), b(&[1], &[1]), b(&[2], &[2])],
            &[b(&[0, 1, 2], &[0, 1, 2])],
        );
        let mut total = doc1;
        total.add(&doc2);
        let s = total.scores();
        assert!((s.precision_strict - 0.5).abs() < 1e-12); // 1 of 2 hyp beads
        assert!((s.recall_strict - 0.25).abs() < 1e-12); // 1 of 4 gold beads
        assert_eq!(total.documents, 2);
        // Nothing to divide by: zero, not a panic.
        assert_eq!(Counts::default().scores().f1_strict, 0.0);
    }
}
