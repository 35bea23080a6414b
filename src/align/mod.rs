//! Sentence alignment: pairs the sentences of a document with those of its translation, as
//! beads (1-1, 2-1, 1-2, 2-2, 1-3, 3-1, and 1-0/0-1 for sentences with no counterpart).
//!
//! The cost of a bead combines three kinds of evidence, each in its own module:
//! * [`length`]: Gale-Church, with the length ratio and variance estimated from the two
//!   documents;
//! * [`lexical`]: what needs no translation (numbers, names and cognates, sentence
//!   punctuation, glossary pairs);
//! * [`similarity`]: when a translation of the source exists, how much of it the target shares.
//!
//! Paragraph ends, when both sides have them, are soft anchors. The search ([`dp`]) is a
//! dynamic program over bead shapes in a band found coarse-to-fine, so time and memory grow
//! linearly with document length. Every bead gets a confidence in [0, 1]; those below the
//! review threshold are flagged. This module does not segment, translate or read files.

mod bead;
mod doc;
mod dp;
mod embedding;
pub mod eval;
mod features;
mod length;
mod lexical;
mod similarity;

pub use bead::{Alignment, Bead, BeadKind};
pub use doc::{AlignedDoc, BeadRecord};
pub use embedding::{Embeddings, Overlaps};

use crate::text::Lang;

use dp::{Band, Move};
use features::{idf_weights, Bag, Scratch};
use length::LengthModel;

/// One side of the document pair: its sentences, and the paragraph each belongs to.
#[derive(Debug, Clone, Default)]
pub struct Side<'a> {
    pub sentences: Vec<&'a str>,
    /// Paragraph index of each sentence (same length as `sentences`), for soft anchoring.
    /// All zeros when the input has no paragraphs.
    pub paragraphs: Vec<u32>,
}

impl<'a> Side<'a> {
    /// Sentences without paragraph information.
    pub fn plain(sentences: Vec<&'a str>) -> Side<'a> {
        let paragraphs = vec![0; sentences.len()];
        Side {
            sentences,
            paragraphs,
        }
    }

    pub fn len(&self) -> usize {
        self.sentences.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }
}

/// Evidence beyond the texts themselves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// A translation of each source sentence into the target language (same count).
    pub translation: Option<&'a [String]>,
    /// Glossary pairs (source term, target rendering).
    pub glossary: &'a [(String, String)],
    /// Sentence embeddings of both sides (see [`Overlaps`]).
    pub embeddings: Option<Embeddings<'a>>,
}

/// Settings of the aligner.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Beads whose confidence is below this are flagged for review.
    pub review_below: f32,
    /// Languages of the two sides, for the glossary matcher's stemming.
    pub src_lang: Lang,
    pub tgt_lang: Lang,
    /// The cost weights; `None` picks [`CostWeights::WITH_TRANSLATION`] or
    /// [`CostWeights::WITHOUT_TRANSLATION`] by the evidence at hand.
    pub weights: Option<CostWeights>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            review_below: 0.5,
            src_lang: Lang::Fr,
            tgt_lang: Lang::En,
            weights: None,
        }
    }
}

impl Options {
    /// The cost weights an alignment with `evidence` uses: those given, else the defaults
    /// for that evidence.
    pub fn weights_for(&self, evidence: &Evidence) -> CostWeights {
        self.weights.unwrap_or(CostWeights::default_for(
            evidence.translation.is_some(),
            evidence.embeddings.is_some(),
        ))
    }
}

/// A review threshold (`--review-below`, `[align] review_below`): a confidence, in [0, 1].
pub fn review_threshold(x: f64) -> Result<f32, String> {
    if (0.0..=1.0).contains(&x) {
        Ok(x as f32)
    } else {
        Err(format!("a confidence is between 0 and 1, not {x}"))
    }
}

/// [`review_threshold`] from text, as `--review-below` takes it.
pub fn parse_review_threshold(text: &str) -> Result<f32, String> {
    review_threshold(text.trim().parse().map_err(|e| format!("{e}"))?)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AlignError {
    #[error("the translation has {translation} lines but the source has {src} sentences")]
    TranslationCount { src: usize, translation: usize },
    #[error("the paragraph list has {paragraphs} entries for {sentences} sentences")]
    ParagraphCount { sentences: usize, paragraphs: usize },
    #[error("{expected} runs of sentences to embed, but {got} vectors")]
    EmbeddingCount { expected: usize, got: usize },
    #[error("embedding vectors of {first} and {other} dimensions")]
    EmbeddingDimension { first: usize, other: usize },
    #[error("the embeddings are for {embedded} sentences but the side has {sentences}")]
    EmbeddingSide { sentences: usize, embedded: usize },
}

/// Aligns `src` with `tgt`.
pub fn align(
    src: &Side,
    tgt: &Side,
    evidence: Evidence,
    options: &Options,
) -> Result<Alignment, AlignError> {
    for side in [src, tgt] {
        if side.paragraphs.len() != side.sentences.len() {
            return Err(AlignError::ParagraphCount {
                sentences: side.len(),
                paragraphs: side.paragraphs.len(),
            });
        }
    }
    if let Some(t) = evidence.translation {
        if t.len() != src.len() {
            return Err(AlignError::TranslationCount {
                src: src.len(),
                translation: t.len(),
            });
        }
    }
    if let Some(e) = evidence.embeddings {
        for (side, vectors) in [(src, e.src), (tgt, e.tgt)] {
            if vectors.sentences() != side.len() {
                return Err(AlignError::EmbeddingSide {
                    sentences: side.len(),
                    embedded: vectors.sentences(),
                });
            }
        }
        if e.src.dim() != e.tgt.dim() && e.src.sentences() > 0 && e.tgt.sentences() > 0 {
            return Err(AlignError::EmbeddingDimension {
                first: e.src.dim(),
                other: e.tgt.dim(),
            });
        }
    }
    let scorer = evidence.embeddings.map(embedding::Scorer::new);
    let (src_units, tgt_units) = units(src, tgt, evidence, options);
    let weights = options.weights_for(&evidence);
    let mut model = Model::new(&src_units, &tgt_units, weights, scorer);
    let (mut path, scored) = search(&src_units, &tgt_units, &model, 0);
    // With a first alignment in hand, the length variance can be measured rather than
    // assumed; realign within the same band if it changed much.
    let refit = model
        .length
        .refit(&one_to_one_lengths(&path, &src_units, &tgt_units));
    if (refit.s2 / model.length.s2 - 1.0).abs() > 0.2 {
        model.length = refit;
        path = run(&src_units, &tgt_units, &model, &scored);
    }
    let posteriors = confidences(&src_units, &tgt_units, &model, &scored, &path);
    let beads = path
        .windows(2)
        .zip(posteriors)
        .map(|(w, score)| {
            let (i0, j0, i1, j1) = (w[0].0, w[0].1, w[1].0, w[1].1);
            Bead::new(i0..i1, j0..j1, score)
        })
        .collect();
    Ok(Alignment {
        beads,
        review_below: options.review_below,
    })
}

/// What the cost model sees of a sentence (or, at coarse levels, of a block of sentences).
#[derive(Debug, Clone)]
struct Unit {
    chars: f32,
    bag: Bag,
    /// The unit ends a paragraph.
    par_end: bool,
    /// Paragraph ends inside the unit (coarse blocks).
    inner_par_ends: u32,
    /// Coarse blocks: the sum of their sentences' embeddings (empty at sentence level, where
    /// the embeddings of runs of sentences are in the model's scorer, and without embeddings).
    vec: Vec<f32>,
}

fn units(src: &Side, tgt: &Side, evidence: Evidence, options: &Options) -> (Vec<Unit>, Vec<Unit>) {
    let glossary =
        lexical::GlossaryKeys::new(evidence.glossary, &options.src_lang, &options.tgt_lang);
    let src_glossary = glossary.keys(&src.sentences, true);
    let tgt_glossary = glossary.keys(&tgt.sentences, false);
    use rayon::prelude::*;
    let src_bags = src.sentences.par_iter().enumerate().map(|(k, s)| {
        let mut keys = match evidence.translation {
            // The translation carries the meaning; the original still carries what MT
            // mangles or drops: numbers, names, cognates.
            Some(t) => {
                let mut keys = similarity::keys(&t[k]);
                keys.extend(lexical::keys(s));
                keys
            }
            None => lexical::keys(s),
        };
        keys.extend_from_slice(&src_glossary[k]);
        keys
    });
    let tgt_bags = tgt.sentences.par_iter().enumerate().map(|(k, t)| {
        let mut keys = lexical::keys(t);
        if evidence.translation.is_some() {
            keys.extend(similarity::keys(t));
        }
        keys.extend_from_slice(&tgt_glossary[k]);
        keys
    });
    let mut bags: Vec<Vec<(features::Key, f32)>> = src_bags.chain(tgt_bags).collect();
    idf_weights(&mut bags, MAX_DF);
    let mut bags = bags.into_iter();
    let side_units =
        |side: &Side, bags: &mut dyn Iterator<Item = Vec<(features::Key, f32)>>| -> Vec<Unit> {
            side.sentences
                .iter()
                .enumerate()
                .map(|(k, s)| Unit {
                    chars: s.chars().filter(|c| !c.is_whitespace()).count() as f32,
                    bag: Bag::from_keys(bags.next().expect("one bag per sentence")),
                    par_end: side
                        .paragraphs
                        .get(k + 1)
                        .is_none_or(|next| *next != side.paragraphs[k]),
                    inner_par_ends: 0,
                    vec: Vec::new(),
                })
                .collect()
        };
    let s = side_units(src, &mut bags);
    let t = side_units(tgt, &mut bags);
    (s, t)
}

/// Runs of up to this many consecutive sentences are embedded by default (as Vecalign does):
/// with embeddings the aligner searches beads of up to four sentences on a side. A bead side
/// longer than the runs embedded gets no embedding evidence.
pub const DEFAULT_OVERLAPS: usize = 4;
/// The longest runs of sentences one may ask to embed.
pub const MAX_OVERLAPS: usize = 8;

/// Bead shapes searched at sentence level, and at coarse levels (blocks already merge
/// sentences, so small shapes suffice there). With sentence embeddings, longer shapes can be
/// told apart from their rivals (the vector of three sentences read together says whether
/// they match two on the other side), so the search also tries the last four.
const FINE_MOVES_EMBEDDED: &[Move] = &[
    (1, 1),
    (1, 0),
    (0, 1),
    (2, 1),
    (1, 2),
    (2, 2),
    (3, 1),
    (1, 3),
    (3, 2),
    (2, 3),
    (4, 1),
    (1, 4),
];
const FINE_MOVES: &[Move] = FINE_MOVES_EMBEDDED.split_at(8).0;
const COARSE_MOVES: &[Move] = &[(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)];
/// Up to this many lattice cells, the whole lattice is searched; at coarse levels, where
/// blocks carry large bags, a smaller lattice is searched in full and the rest coarser still.
const FULL_CELLS: usize = 300_000;
const FULL_CELLS_COARSE: usize = 40_000;
/// Keys in more than this share of the sentences are dropped (see [`idf_weights`]); 0.1 and
/// below start to cost accuracy on the development document.
const MAX_DF: f32 = 0.2;
/// Cost units per factor e of probability in bead confidences. 1.0 gives the lowest log loss
/// on the development document without a translation and nearly the lowest with one; on the
/// test set, beads under 0.5 are then wrong about two times in three.
const CONFIDENCE_TEMPERATURE: f32 = 1.0;
/// Initial half-width of the band around a coarse path, in sentences; doubled up to the
/// maximum wherever the path runs along the band's edge.
const BAND_WIDTH: u32 = 8;
const MAX_BAND_WIDTH: u32 = 256;
/// Rows around an edge contact that get the wider band.
const WIDEN_ROWS: usize = 32;
/// Keys kept per block at coarse levels: a block of 256 sentences would otherwise carry
/// thousands, and the coarse search would cost more than the fine one. The heaviest keys
/// (rare words, numbers, names) are the ones that place a block. 48 was too few: on 80 000
/// sentences of repetitive text with a translation, the coarse path lost its way.
const COARSE_KEYS: usize = 128;

/// The weights of the cost of a bead. The defaults were tuned on the Bleualign development
/// document (never on its test set); users with gold alignments of their own can tune them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostWeights {
    /// Weight of the Gale-Church length cost.
    pub length: f32,
    /// Weight of the shared evidence (lexical keys, or the translation's words).
    pub evidence: f32,
    /// Cost of leaving a full-length sentence without counterpart (1-0 or 0-1).
    pub skip: f32,
    /// Cost of a bead that ends a paragraph on one side only, or of each paragraph end inside
    /// a bead that the other side does not have.
    pub paragraph: f32,
    /// Prior costs of the bead shapes 2-1 (and 1-2), 2-2, and 3-1 (and 1-3).
    pub prior_2_1: f32,
    pub prior_2_2: f32,
    pub prior_3_1: f32,
    /// A skipped unit costs `skip · clamp((chars / median chars)^skip_gamma, skip_floor, 1)`:
    /// leaving out a short fragment (a caption, OCR debris) costs less than a full sentence.
    pub skip_gamma: f32,
    pub skip_floor: f32,
    /// Weight of the sentence-embedding evidence (used only when embeddings are given).
    pub embedding: f32,
}

impl CostWeights {
    /// The defaults when a translation of the source is given.
    pub const WITH_TRANSLATION: CostWeights = CostWeights {
        length: 0.4,
        evidence: 10.0,
        skip: 3.0,
        paragraph: 4.0,
        prior_2_1: 1.9,
        prior_2_2: 3.8,
        prior_3_1: 3.9,
        skip_gamma: 0.3,
        skip_floor: 0.5,
        embedding: 0.0,
    };
    /// The defaults with lexical evidence only.
    pub const WITHOUT_TRANSLATION: CostWeights = CostWeights {
        length: 0.4,
        evidence: 6.0,
        skip: 6.5,
        paragraph: 4.0,
        prior_2_1: 2.7,
        prior_2_2: 3.0,
        prior_3_1: 5.5,
        skip_gamma: 0.5,
        skip_floor: 0.2,
        embedding: 0.0,
    };
    /// The defaults with sentence embeddings (and the evidence that needs no translation),
    /// tuned on the development document from Bertalign's scoring (no shape priors, a
    /// constant cost for a sentence left out): the embeddings outweigh the lexical keys there.
    pub const WITH_EMBEDDINGS: CostWeights = CostWeights {
        length: 0.25,
        evidence: 0.0,
        skip: 5.32,
        paragraph: 4.0,
        prior_2_1: 0.25,
        prior_2_2: 0.0,
        prior_3_1: 0.0,
        skip_gamma: 0.5,
        skip_floor: 1.0,
        embedding: 40.0,
    };
    /// The defaults with sentence embeddings and a translation of the source, tuned the same
    /// way.
    pub const WITH_EMBEDDINGS_AND_TRANSLATION: CostWeights = CostWeights {
        length: 0.25,
        evidence: 20.0,
        skip: 3.99,
        paragraph: 4.0,
        prior_2_1: 0.25,
        prior_2_2: 0.0,
        prior_3_1: 0.0,
        skip_gamma: 0.5,
        skip_floor: 0.5,
        embedding: 15.0,
    };
    /// The defaults for the evidence at hand.
    pub fn default_for(translation: bool, embeddings: bool) -> CostWeights {
        match (translation, embeddings) {
            (false, false) => CostWeights::WITHOUT_TRANSLATION,
            (true, false) => CostWeights::WITH_TRANSLATION,
            (false, true) => CostWeights::WITH_EMBEDDINGS,
            (true, true) => CostWeights::WITH_EMBEDDINGS_AND_TRANSLATION,
        }
    }

    /// The weights in declaration order, as `--cost-weights` takes them.
    pub fn to_vec(&self) -> Vec<f32> {
        vec![
            self.length,
            self.evidence,
            self.skip,
            self.paragraph,
            self.prior_2_1,
            self.prior_2_2,
            self.prior_3_1,
            self.skip_gamma,
            self.skip_floor,
            self.embedding,
        ]
    }

    /// Weights from `W,W,...` as `--cost-weights` takes them (see [`CostWeights::from_slice`]).
    pub fn parse(text: &str) -> Result<CostWeights, String> {
        let values: Result<Vec<f32>, _> = text.split(',').map(|v| v.trim().parse()).collect();
        values
            .ok()
            .and_then(|v| CostWeights::from_slice(&v))
            .ok_or_else(|| "expected nine (or ten) non-negative numbers separated by commas".into())
    }

    /// Weights from a list in declaration order: nine or ten finite, non-negative values
    /// (with nine, the embedding weight is the default one of [`CostWeights::WITH_EMBEDDINGS`]).
    /// `None` otherwise.
    pub fn from_slice(v: &[f32]) -> Option<CostWeights> {
        if !(9..=10).contains(&v.len()) || v.iter().any(|x| !x.is_finite() || *x < 0.0) {
            return None;
        }
        Some(CostWeights {
            length: v[0],
            evidence: v[1],
            skip: v[2],
            paragraph: v[3],
            prior_2_1: v[4],
            prior_2_2: v[5],
            prior_3_1: v[6],
            skip_gamma: v[7],
            skip_floor: v[8],
            embedding: v
                .get(9)
                .copied()
                .unwrap_or(CostWeights::WITH_EMBEDDINGS.embedding),
        })
    }
}

/// The weights as `--cost-weights` takes them: `W,W,...` in declaration order.
impl std::fmt::Display for CostWeights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list: Vec<String> = self.to_vec().iter().map(f32::to_string).collect();
        f.write_str(&list.join(","))
    }
}

/// How paragraph marks constrain the alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paragraphs {
    /// One side (or both) has no paragraph breaks: they say nothing.
    None,
    /// Both sides have breaks, in different numbers: a break is a soft anchor, and a bead
    /// that runs across one needs strong evidence.
    Soft,
    /// Both sides have the same number of paragraphs: paragraph i translates paragraph i, so
    /// breaks are near-hard anchors.
    Matched,
}

/// How much more a paragraph break weighs when both sides have the same number of them.
const MATCHED_PARAGRAPHS: f32 = 3.0;

#[derive(Debug, Clone)]
struct Model<'e> {
    length: LengthModel,
    /// Median sentence length in characters over both sides.
    typical_chars: f32,
    /// Median weight of a sentence's bag over both sides: the evidence is counted in
    /// "typical sentences' worth", so the weights mean the same on any document.
    typical_weight: f32,
    params: CostWeights,
    paragraphs: Paragraphs,
    /// The sentence embeddings, when given.
    embed: Option<embedding::Scorer<'e>>,
}

/// The bags of a bead's units, without allocating (beads have at most three units a side).
fn bags(units: &[Unit]) -> ([&Bag; 3], usize) {
    static EMPTY: Bag = Bag {
        keys: Vec::new(),
        total: 0.0,
    };
    let mut out = [&EMPTY; 3];
    for (slot, u) in out.iter_mut().zip(units) {
        *slot = &u.bag;
    }
    (out, units.len().min(3))
}

impl<'e> Model<'e> {
    fn new(
        src: &[Unit],
        tgt: &[Unit],
        params: CostWeights,
        embed: Option<embedding::Scorer<'e>>,
    ) -> Model<'e> {
        let total = |u: &[Unit]| u.iter().map(|x| f64::from(x.chars)).sum::<f64>();
        let length = LengthModel::from_totals(total(src), total(tgt));
        let median = |mut v: Vec<f32>| {
            if v.is_empty() {
                return 1.0;
            }
            let mid = v.len() / 2;
            *v.select_nth_unstable_by(mid, f32::total_cmp).1
        };
        let typical_chars = median(src.iter().chain(tgt).map(|u| u.chars).collect());
        let typical_weight = median(src.iter().chain(tgt).map(|u| u.bag.total).collect());
        let breaks = |u: &[Unit]| u.iter().filter(|x| x.par_end).count();
        let paragraphs = match (breaks(src), breaks(tgt)) {
            (0..=1, _) | (_, 0..=1) => Paragraphs::None,
            (a, b) if a == b => Paragraphs::Matched,
            _ => Paragraphs::Soft,
        };
        Model {
            length,
            typical_chars: typical_chars.max(1.0),
            typical_weight: typical_weight.max(1e-3),
            params,
            paragraphs,
            embed,
        }
    }

    /// How much of a typical sentence a unit holds, in (0, 1].
    fn content(&self, u: &Unit) -> f32 {
        (u.chars / self.typical_chars)
            .powf(self.params.skip_gamma)
            .clamp(self.params.skip_floor, 1.0)
    }

    fn overlap(src: &[Unit], tgt: &[Unit], scratch: &mut Scratch) -> f32 {
        let (a, na) = bags(src);
        let (b, nb) = bags(tgt);
        features::overlap(&a[..na], &b[..nb], scratch)
    }

    /// The embedding evidence of a bead: from the embedded runs of sentences at sentence
    /// level (`fine`, where unit indices are sentence indices), from block sums at coarse
    /// levels. 0 without embeddings.
    fn embedding(&self, src: &[Unit], tgt: &[Unit], i0: usize, j0: usize, fine: bool) -> f32 {
        let Some(scorer) = &self.embed else {
            return 0.0;
        };
        if src.is_empty() || tgt.is_empty() {
            return 0.0;
        }
        if fine {
            return scorer.bead(i0, i0 + src.len(), j0, j0 + tgt.len());
        }
        let sum = |u: &[Unit]| -> Vec<f32> {
            let mut out = u[0].vec.clone();
            for x in &u[1..] {
                for (o, v) in out.iter_mut().zip(&x.vec) {
                    *o += v;
                }
            }
            out
        };
        scorer.blocks(&sum(src), &sum(tgt))
    }

    /// The cost of a bead, given its evidence: the overlap of its two sides' bags and the
    /// embedding evidence. `fine`: the units are sentences, not coarse blocks.
    fn cost(&self, src: &[Unit], tgt: &[Unit], evidence: (f32, f32), fine: bool) -> f32 {
        let p = &self.params;
        let (shared, embedded) = evidence;
        let (k, l) = (src.len(), tgt.len());
        if k == 0 || l == 0 {
            return src
                .iter()
                .chain(tgt)
                .map(|u| p.skip * self.content(u))
                .sum();
        }
        let prior = match (k.min(l), k.max(l)) {
            (1, 1) => 0.0,
            (1, 2) => p.prior_2_1,
            (2, 2) => p.prior_2_2,
            (1, 3) => p.prior_3_1,
            _ => p.prior_3_1 * 1.5,
        };
        let ls: f32 = src.iter().map(|u| u.chars).sum();
        let lt: f32 = tgt.iter().map(|u| u.chars).sum();
        let len = self.length.cost(ls, lt);
        // Shared evidence is a reward, counted in absolute terms rather than as a ratio: a
        // ratio would make two short unrelated sentences that share one word look as good as
        // two long ones that share ten.
        let mut cost = prior + p.length * len - p.evidence * 2.0 * shared / self.typical_weight;
        // The embedding evidence of the bead as a whole, whatever its shape: a merged bead
        // earns it once, while the 1-1 beads it replaces would each earn theirs (scaling it
        // by the bead's size was worse on the development document).
        // Bertalign's length penalty: a bead whose sides' lengths disagree is less likely to be
        // a translation however close its vectors.
        if embedded > 0.0 {
            cost -= p.embedding * embedded * (1.0 + ls.min(lt) / ls.max(lt).max(1.0)).log2();
        }
        let ends = |u: &[Unit]| u.last().is_some_and(|x| x.par_end);
        let inner = |u: &[Unit]| {
            u[..u.len() - 1].iter().filter(|x| x.par_end).count() as u32
                + u.iter().map(|x| x.inner_par_ends).sum::<u32>()
        };
        let weight = match self.paragraphs {
            Paragraphs::Matched => p.paragraph * MATCHED_PARAGRAPHS,
            Paragraphs::None | Paragraphs::Soft => p.paragraph,
        };
        if ends(src) != ends(tgt) {
            cost += weight;
        }
        let (a, b) = (inner(src), inner(tgt));
        cost += weight * a.abs_diff(b) as f32;
        if fine && self.paragraphs != Paragraphs::None {
            // A bead that runs across a break on both sides (two 1-1 pairs of consecutive
            // paragraphs merged into a 2-2) agrees with the paragraph count on each side, yet
            // ignores the breaks: it needs strong evidence. Coarse blocks span breaks anyway.
            cost += 2.0 * weight * a.min(b) as f32;
        }
        cost
    }
}

/// Aligns units, coarse-to-fine when the lattice is large. Returns the path's lattice points
/// and the shared evidence of the beads of the band the last search used, so a rerun in the
/// same band (after the length model is refitted) does not recompute it.
fn search(src: &[Unit], tgt: &[Unit], model: &Model, depth: u32) -> (Vec<(u32, u32)>, Scored) {
    let (n, m) = (src.len(), tgt.len());
    let (moves, full_cells) = if depth == 0 {
        if model.embed.is_some() {
            (FINE_MOVES_EMBEDDED, FULL_CELLS)
        } else {
            (FINE_MOVES, FULL_CELLS)
        }
    } else {
        (COARSE_MOVES, FULL_CELLS_COARSE)
    };
    if (n + 1) * (m + 1) <= full_cells || n < 4 || m < 4 {
        let scored = Scored::new(src, tgt, model, Band::full(n, m), moves, None);
        let path = run(src, tgt, model, &scored);
        return (path, scored);
    }
    // Blocks of four: two halvings per level cost less than one level each, and a coarse
    // path off by a block is still within the finer band.
    let sentences = |source: bool| {
        let scorer = model.embed.as_ref().filter(|_| depth == 0)?;
        Some(if source { scorer.src() } else { scorer.tgt() })
    };
    let coarse_src = halve(&halve(src, sentences(true)), None);
    let coarse_tgt = halve(&halve(tgt, sentences(false)), None);
    let (coarse_path, _) = search(&coarse_src, &coarse_tgt, model, depth + 1);
    // Widen the band only where the path runs along its edge: a long insertion in one place
    // must not make the whole document expensive.
    let mut widths = vec![BAND_WIDTH; n + 1];
    let mut previous: Option<Scored> = None;
    loop {
        let band = Band::around(&coarse_path, 4, &widths, n, m);
        let scored = Scored::new(src, tgt, model, band, moves, previous.as_ref());
        let path = run(src, tgt, model, &scored);
        let mut widened = false;
        let mut next = widths.clone();
        for row in scored.band.edge_rows(&path, m) {
            let (from, to) = (row.saturating_sub(WIDEN_ROWS), (row + WIDEN_ROWS).min(n));
            for r in from..=to {
                if widths[r] < MAX_BAND_WIDTH {
                    next[r] = (widths[r] * 2).min(MAX_BAND_WIDTH);
                    widened = true;
                }
            }
        }
        if !widened {
            return (path, scored);
        }
        widths = next;
        previous = Some(scored);
    }
}

/// The shared evidence (bag overlap) of every bead the dynamic program may take in a band:
/// the expensive part of a bead's cost, and the part that does not change when the band
/// widens or the length model is refitted.
struct Scored {
    band: Band,
    moves: &'static [Move],
    /// The units are sentences (not coarse blocks).
    fine: bool,
    /// `overlap[cell * moves.len() + k]`: the bead ending at `cell` with move `k`
    /// (NaN where the move leaves the band or the lattice).
    overlap: Vec<f32>,
    /// The embedding evidence of the same beads; empty without embeddings.
    embedded: Vec<f32>,
}

impl Scored {
    fn new(
        src: &[Unit],
        tgt: &[Unit],
        model: &Model,
        band: Band,
        moves: &'static [Move],
        previous: Option<&Scored>,
    ) -> Scored {
        use rayon::prelude::*;
        let fine = std::ptr::eq(moves, FINE_MOVES) || std::ptr::eq(moves, FINE_MOVES_EMBEDDED);
        let previous = previous.filter(|p| std::ptr::eq(p.moves, moves));
        let embed = model.embed.is_some();
        let m = moves.len();
        let rows: Vec<(Vec<f32>, Vec<f32>)> = (0..band.lo.len())
            .into_par_iter()
            .map_init(Scratch::default, |scratch, i| {
                let (lo, hi) = (band.lo[i], band.hi[i]);
                let cells = (hi - lo + 1) as usize * m;
                let mut row = Vec::with_capacity(cells);
                let mut row_embedded = Vec::with_capacity(if embed { cells } else { 0 });
                for j in lo..=hi {
                    let reuse = previous.and_then(|p| p.band.index(i, j).map(|c| (p, c)));
                    for (k, &(a, b)) in moves.iter().enumerate() {
                        let (a, b) = (usize::from(a), u32::from(b));
                        let (value, embedded) =
                            if i < a || j < b || band.index(i - a, j - b).is_none() {
                                (f32::NAN, f32::NAN)
                            } else {
                                match reuse {
                                    Some((p, cell)) if !p.overlap[cell * m + k].is_nan() => (
                                        p.overlap[cell * m + k],
                                        p.embedded.get(cell * m + k).copied().unwrap_or(0.0),
                                    ),
                                    _ => {
                                        let (s, t) =
                                            (&src[i - a..i], &tgt[(j - b) as usize..j as usize]);
                                        (
                                            Model::overlap(s, t, scratch),
                                            model.embedding(s, t, i - a, (j - b) as usize, fine),
                                        )
                                    }
                                }
                            };
                        row.push(value);
                        if embed {
                            row_embedded.push(embedded);
                        }
                    }
                }
                (row, row_embedded)
            })
            .collect();
        let (overlap, embedded): (Vec<Vec<f32>>, Vec<Vec<f32>>) = rows.into_iter().unzip();
        Scored {
            band,
            moves,
            fine,
            overlap: overlap.concat(),
            embedded: embedded.concat(),
        }
    }
}

/// The cost of the bead of `src[i0..i1]` and `tgt[j0..j1]`, with its evidence from `scored`.
fn bead_cost(
    src: &[Unit],
    tgt: &[Unit],
    model: &Model,
    scored: &Scored,
    (i0, i1, j0, j1): (usize, usize, usize, usize),
) -> f32 {
    let (band, moves) = (&scored.band, scored.moves);
    let k = moves
        .iter()
        .position(|&(a, b)| usize::from(a) == i1 - i0 && usize::from(b) == j1 - j0)
        .expect("the dynamic program only asks for its own moves");
    let cell = band
        .index(i1, j1 as u32)
        .expect("the dynamic program stays in its band");
    let at = cell * moves.len() + k;
    let shared = scored.overlap[at];
    let embedded = scored.embedded.get(at).copied().unwrap_or(0.0);
    model.cost(&src[i0..i1], &tgt[j0..j1], (shared, embedded), scored.fine)
}

fn run(src: &[Unit], tgt: &[Unit], model: &Model, scored: &Scored) -> Vec<(u32, u32)> {
    dp::best_path(
        src.len(),
        tgt.len(),
        &scored.band,
        scored.moves,
        |i0, i1, j0, j1| bead_cost(src, tgt, model, scored, (i0, i1, j0, j1)),
    )
    .into_iter()
    .map(|(i, j, _)| (i, j))
    .collect()
}

/// How sure the aligner is of each bead of `path`: its posterior probability among all the
/// alignments in the band, so a bead is uncertain when a rival reading of the same sentences
/// costs nearly as little, however well the bead itself fits.
fn confidences(
    src: &[Unit],
    tgt: &[Unit],
    model: &Model,
    scored: &Scored,
    path: &[(u32, u32)],
) -> Vec<f32> {
    dp::step_posteriors(
        &scored.band,
        scored.moves,
        path,
        CONFIDENCE_TEMPERATURE,
        |i0, i1, j0, j1| bead_cost(src, tgt, model, scored, (i0, i1, j0, j1)),
    )
}

/// Merges units pairwise, for the next coarser level. `sentences`: at sentence level, the
/// side's sentence embeddings, which become the blocks' vector sums.
fn halve(units: &[Unit], sentences: Option<&Overlaps>) -> Vec<Unit> {
    let vec = |k: usize, u: &Unit| -> Vec<f32> {
        match sentences {
            Some(o) => o.sentence(k).to_vec(),
            None => u.vec.clone(),
        }
    };
    units
        .chunks(2)
        .enumerate()
        .map(|(c, pair)| match pair {
            [a, b] => Unit {
                chars: a.chars + b.chars,
                bag: Bag::merge(&[&a.bag, &b.bag]).summarised(COARSE_KEYS),
                par_end: b.par_end,
                inner_par_ends: a.inner_par_ends + b.inner_par_ends + u32::from(a.par_end),
                vec: {
                    let mut v = vec(2 * c, a);
                    for (x, y) in v.iter_mut().zip(vec(2 * c + 1, b)) {
                        *x += y;
                    }
                    v
                },
            },
            [a] => Unit {
                vec: vec(2 * c, a),
                ..a.clone()
            },
            _ => unreachable!("chunks(2) yields one or two"),
        })
        .collect()
}

fn one_to_one_lengths(path: &[(u32, u32)], src: &[Unit], tgt: &[Unit]) -> Vec<(f32, f32)> {
    path.windows(2)
        .filter(|w| w[1].0 - w[0].0 == 1 && w[1].1 - w[0].1 == 1)
        .map(|w| (src[w[0].0 as usize].chars, tgt[w[0].1 as usize].chars))
        .collect()
}

#[cfg(test)]
mod tests;
