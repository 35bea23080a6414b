//! Beads and alignments: which source sentences go with which target sentences.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A group of consecutive source sentences aligned to a group of consecutive target
/// sentences. Either side may be empty (an insertion `0-1` or a deletion `1-0`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bead {
    /// 0-based source sentence indices, half-open.
    pub src: Range<u32>,
    /// 0-based target sentence indices, half-open.
    pub tgt: Range<u32>,
    /// The aligner's confidence that this bead is right, in [0, 1].
    pub score: f32,
}

impl Bead {
    pub fn new(src: Range<u32>, tgt: Range<u32>, score: f32) -> Bead {
        Bead { src, tgt, score }
    }

    /// The bead's shape, "1-1", "2-1", "0-1"...
    pub fn kind(&self) -> BeadKind {
        BeadKind(self.src.len() as u32, self.tgt.len() as u32)
    }
}

/// The shape of a bead: number of source and target sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BeadKind(pub u32, pub u32);

impl fmt::Display for BeadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.0, self.1)
    }
}

/// A monotone alignment of two documents: beads in order, covering every sentence of both
/// sides exactly once.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Alignment {
    pub beads: Vec<Bead>,
    /// Beads scoring below this are flagged for review.
    pub review_below: f32,
}

impl Alignment {
    /// Whether a bead should be looked at by a person.
    pub fn needs_review(&self, bead: &Bead) -> bool {
        bead.score < self.review_below
    }

    /// The alignment in a few words for people: "12 beads (1-1 10, 2-1 2), 1 flagged for
    /// review".
    pub fn summary(&self) -> String {
        let mut kinds = std::collections::BTreeMap::new();
        for b in &self.beads {
            *kinds.entry(b.kind()).or_insert(0usize) += 1;
        }
        let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let flagged = self.beads.iter().filter(|b| self.needs_review(b)).count();
        format!(
            "{} beads ({}), {flagged} flagged for review",
            self.beads.len(),
            kinds.join(", ")
        )
    }

    /// Checks the invariants: beads are contiguous, in order, and cover `n_src` and `n_tgt`
    /// sentences exactly once, with no bead empty on both sides.
    pub fn validate(&self, n_src: usize, n_tgt: usize) -> Result<(), String> {
        let (mut i, mut j) = (0u32, 0u32);
        for (k, b) in self.beads.iter().enumerate() {
            if b.src.start != i || b.tgt.start != j {
                return Err(format!(
                    "bead {k} starts at [{}]:[{}], expected [{i}]:[{j}]",
                    b.src.start, b.tgt.start
                ));
            }
            if b.src.is_empty() && b.tgt.is_empty() {
                return Err(format!("bead {k} is empty on both sides"));
            }
            if !(0.0..=1.0).contains(&b.score) {
                return Err(format!("bead {k} has score {} outside [0, 1]", b.score));
            }
            i = b.src.end;
            j = b.tgt.end;
        }
        if i as usize != n_src || j as usize != n_tgt {
            return Err(format!(
                "beads cover {i} source and {j} target sentences, expected {n_src} and {n_tgt}"
            ));
        }
        Ok(())
    }
}
