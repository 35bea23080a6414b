//! Evidence from sentence embeddings: a multilingual encoder maps a sentence and its
//! translation to nearby vectors, whatever the languages and however little vocabulary they
//! share. The caller embeds every run of one to `max` consecutive sentences of each side
//! ([`Overlaps::texts`], as Vecalign does), so a 2-1 bead is scored with the vector of the two
//! source sentences read together rather than with an average.
//!
//! A bead's evidence is the cosine of its two sides' vectors (negative cosines count as 0), as
//! Bertalign scores beads; the aligner weighs it by how well the two sides' lengths agree.
//! Vecalign's normaliser (each cosine measured against the vector's cosines with random
//! sentences of the other side) was tried too and did worse on the development document.
//! This module holds vectors and arithmetic only; it does not call an embedding server.

use super::AlignError;

/// The embedding of every run of 1..=`max` consecutive sentences of one side.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlaps {
    max: usize,
    sentences: usize,
    dim: usize,
    /// Row-major vectors, one per run, L2-normalised (all zeros for "no vector").
    data: Vec<f32>,
}

/// Runs of sentences in the order [`Overlaps::texts`] lists them: each start, then each length.
fn runs(sentences: usize, max: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..sentences).flat_map(move |i| {
        (1..=max)
            .filter(move |k| i + k <= sentences)
            .map(move |k| (i, k))
    })
}

impl Overlaps {
    /// The texts to embed for a side: each run of 1..=`max` consecutive sentences joined by a
    /// space (white space inside a sentence folded to single spaces), start by start.
    pub fn texts(sentences: &[&str], max: usize) -> Vec<String> {
        let folded: Vec<String> = sentences
            .iter()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        runs(sentences.len(), max.max(1))
            .map(|(i, k)| folded[i..i + k].join(" "))
            .collect()
    }

    /// The vectors of a side's runs, in the order of [`Overlaps::texts`] for `sentences`
    /// sentences and the same `max`. Vectors are normalised here; an all-zero vector (an empty
    /// text) means "no evidence".
    pub fn new(
        sentences: usize,
        max: usize,
        vectors: Vec<Vec<f32>>,
    ) -> Result<Overlaps, AlignError> {
        let max = max.max(1);
        let expected = runs(sentences, max).count();
        if vectors.len() != expected {
            return Err(AlignError::EmbeddingCount {
                expected,
                got: vectors.len(),
            });
        }
        let dim = vectors.first().map_or(0, Vec::len);
        let mut data = Vec::with_capacity(expected * dim);
        for v in &vectors {
            if v.len() != dim {
                return Err(AlignError::EmbeddingDimension {
                    first: dim,
                    other: v.len(),
                });
            }
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 && norm.is_finite() {
                data.extend(v.iter().map(|x| x / norm));
            } else {
                data.extend(std::iter::repeat_n(0.0, dim));
            }
        }
        Ok(Overlaps {
            max,
            sentences,
            dim,
            data,
        })
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of sentences of the side.
    pub fn sentences(&self) -> usize {
        self.sentences
    }

    /// The longest run embedded.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Row of the run of `len` sentences starting at `start`: runs before `start` number
    /// `start * max` (none of them is cut short by the end, which only the last `max - 1`
    /// starts are).
    fn row(&self, start: usize, len: usize) -> Option<usize> {
        if len == 0 || len > self.max || start + len > self.sentences {
            return None;
        }
        let full = self.sentences.saturating_sub(self.max - 1);
        let before = if start <= full {
            start * self.max
        } else {
            full * self.max + (full..start).map(|s| self.sentences - s).sum::<usize>()
        };
        Some(before + len - 1)
    }

    fn vector(&self, row: usize) -> &[f32] {
        &self.data[row * self.dim..(row + 1) * self.dim]
    }

    /// The vector of one sentence.
    pub(crate) fn sentence(&self, i: usize) -> &[f32] {
        self.vector(self.row(i, 1).expect("a sentence of the side"))
    }
}

/// Both sides' vectors, as the aligner takes them.
#[derive(Debug, Clone, Copy)]
pub struct Embeddings<'a> {
    pub src: &'a Overlaps,
    pub tgt: &'a Overlaps,
}

/// Scores beads from both sides' vectors.
#[derive(Debug, Clone)]
pub(crate) struct Scorer<'a> {
    src: &'a Overlaps,
    tgt: &'a Overlaps,
}

impl<'a> Scorer<'a> {
    pub fn new(e: Embeddings<'a>) -> Scorer<'a> {
        Scorer {
            src: e.src,
            tgt: e.tgt,
        }
    }

    /// How close source sentences `i0..i1` and target sentences `j0..j1` are, in [0, 1]; 0
    /// when either side has no vector or the runs are longer than those embedded.
    pub fn bead(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
        let (Some(a), Some(b)) = (self.src.row(i0, i1 - i0), self.tgt.row(j0, j1 - j0)) else {
            return 0.0;
        };
        dot(self.src.vector(a), self.tgt.vector(b)).max(0.0)
    }

    pub fn src(&self) -> &'a Overlaps {
        self.src
    }

    pub fn tgt(&self) -> &'a Overlaps {
        self.tgt
    }

    /// The same for two (unnormalised) sums of sentence vectors: coarse blocks.
    pub fn blocks(&self, x: &[f32], y: &[f32]) -> f32 {
        let (nx, ny) = (norm(x), norm(y));
        if nx == 0.0 || ny == 0.0 {
            return 0.0;
        }
        (dot(x, y) / (nx * ny)).max(0.0)
    }
}

pub(crate) fn dot(x: &[f32], y: &[f32]) -> f32 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

fn norm(x: &[f32]) -> f32 {
    dot(x, x).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_list_every_run_start_by_start() {
        let t = Overlaps::texts(&["A.", "B\n b.", "C."], 2);
        assert_eq!(t, ["A.", "A. B b.", "B b.", "B b. C.", "C."]);
        assert_eq!(Overlaps::texts(&[], 4), [] as [String; 0]);
    }

    #[test]
    fn rows_match_the_order_of_texts() {
        for (n, max) in [(0, 4), (1, 4), (3, 4), (7, 4), (10, 3), (5, 1)] {
            let names: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let texts = Overlaps::texts(&refs, max);
            let vectors = vec![vec![1.0]; texts.len()];
            let o = Overlaps::new(n, max, vectors).unwrap();
            for (row, (i, k)) in runs(n, max).enumerate() {
                assert_eq!(o.row(i, k), Some(row), "n {n} max {max} ({i}, {k})");
                assert_eq!(texts[row], refs[i..i + k].join(" "));
            }
            assert_eq!(o.row(n, 1), None);
            assert_eq!(o.row(0, max + 1), None);
        }
    }

    #[test]
    fn counts_and_sizes_are_checked() {
        assert!(matches!(
            Overlaps::new(3, 2, vec![vec![1.0]; 4]),
            Err(AlignError::EmbeddingCount {
                expected: 5,
                got: 4
            })
        ));
        let mut v = vec![vec![1.0, 0.0]; 5];
        v[3] = vec![1.0];
        assert!(matches!(
            Overlaps::new(3, 2, v),
            Err(AlignError::EmbeddingDimension { first: 2, other: 1 })
        ));
    }

    #[test]
    fn beads_score_the_cosine_of_their_runs() {
        // Three sentences a side; runs of up to two are embedded. Vectors along axes: source
        // run r and target run r are the same vector, other runs are orthogonal.
        let side = || {
            let rows = runs(3, 2).count();
            let vectors = (0..rows)
                .map(|r| {
                    let mut v = vec![0.0; rows];
                    v[r] = 2.0;
                    v
                })
                .collect();
            Overlaps::new(3, 2, vectors).unwrap()
        };
        let (src, tgt) = (side(), side());
        let scorer = Scorer::new(Embeddings {
            src: &src,
            tgt: &tgt,
        });
        assert!((scorer.bead(0, 2, 0, 2) - 1.0).abs() < 1e-6, "normalised");
        assert!((scorer.bead(2, 3, 2, 3) - 1.0).abs() < 1e-6);
        assert_eq!(scorer.bead(0, 1, 0, 2), 0.0);
        assert_eq!(
            scorer.bead(0, 3, 0, 1),
            0.0,
            "runs of three are not embedded"
        );
        assert!((scorer.blocks(&[1.0, 1.0], &[2.0, 2.0]) - 1.0).abs() < 1e-6);
        assert_eq!(
            scorer.blocks(&[1.0, 0.0], &[-1.0, 0.0]),
            0.0,
            "negative is 0"
        );
        assert_eq!(scorer.blocks(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
    }

    #[test]
    fn zero_vectors_give_no_evidence() {
        let src = Overlaps::new(2, 1, vec![vec![0.0, 0.0], vec![1.0, 0.0]]).unwrap();
        let tgt = Overlaps::new(2, 1, vec![vec![1.0, 0.0], vec![0.0, 1.0]]).unwrap();
        let scorer = Scorer::new(Embeddings {
            src: &src,
            tgt: &tgt,
        });
        assert_eq!(scorer.bead(0, 1, 0, 1), 0.0);
        assert!((scorer.bead(1, 2, 0, 1) - 1.0).abs() < 1e-6);
    }
}
