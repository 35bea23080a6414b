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
pub mod eval;
mod features;
mod length;
mod lexical;
mod similarity;

pub use bead::{Alignment, Bead, BeadKind};
pub use doc::AlignedDoc;

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
}

/// Settings of the aligner.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Beads whose confidence is below this are flagged for review.
    pub review_below: f32,
}

impl Default for Options {
    fn default() -> Options {
        Options { review_below: 0.5 }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AlignError {
    #[error("the translation has {translation} lines but the source has {src} sentences")]
    TranslationCount { src: usize, translation: usize },
    #[error("the paragraph list has {paragraphs} entries for {sentences} sentences")]
    ParagraphCount { sentences: usize, paragraphs: usize },
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
    let (src_units, tgt_units) = units(src, tgt, evidence);
    let mut model = Model::new(&src_units, &tgt_units, evidence.translation.is_some());
    let (mut path, band) = search(&src_units, &tgt_units, &model, 0);
    // With a first alignment in hand, the length variance can be measured rather than
    // assumed; realign within the same band if it changed much.
    let refit = model
        .length
        .refit(&one_to_one_lengths(&path, &src_units, &tgt_units));
    if (refit.s2 / model.length.s2 - 1.0).abs() > 0.2 {
        model.length = refit;
        path = run(&src_units, &tgt_units, &model, &band, FINE_MOVES);
    }
    let beads = path
        .windows(2)
        .map(|w| {
            let (i0, j0, i1, j1) = (w[0].0, w[0].1, w[1].0, w[1].1);
            let score = model.confidence(
                &src_units[i0 as usize..i1 as usize],
                &tgt_units[j0 as usize..j1 as usize],
            );
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
    /// Mean dissimilarity (1 - similarity) of this unit with random units of the other side:
    /// what "unrelated" looks like for it. Generic sentences resemble everything a little.
    baseline: f32,
    /// The unit ends a paragraph.
    par_end: bool,
    /// Paragraph ends inside the unit (coarse blocks).
    inner_par_ends: u32,
}

fn units(src: &Side, tgt: &Side, evidence: Evidence) -> (Vec<Unit>, Vec<Unit>) {
    let glossary = lexical::GlossaryKeys::new(evidence.glossary);
    let mut bags: Vec<Vec<(features::Key, f32)>> = Vec::with_capacity(src.len() + tgt.len());
    for (k, s) in src.sentences.iter().enumerate() {
        let mut keys = match evidence.translation {
            Some(t) => similarity::keys(&t[k]),
            None => lexical::keys(s),
        };
        if evidence.translation.is_some() && std::env::var("PASSERELLE_BOTH").is_ok() {
            keys.extend(lexical::keys(s));
        }
        if !glossary.is_empty() {
            glossary.src_keys(s, &mut keys);
        }
        bags.push(keys);
    }
    for t in &tgt.sentences {
        let mut keys = match evidence.translation {
            Some(_) => similarity::keys(t),
            None => lexical::keys(t),
        };
        if evidence.translation.is_some() && std::env::var("PASSERELLE_BOTH").is_ok() {
            keys.extend(lexical::keys(t));
        }
        if !glossary.is_empty() {
            glossary.tgt_keys(t, &mut keys);
        }
        bags.push(keys);
    }
    idf_weights(&mut bags);
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
                    baseline: 1.0,
                })
                .collect()
        };
    let mut s = side_units(src, &mut bags);
    let mut t = side_units(tgt, &mut bags);
    set_baselines(&mut s, &mut t);
    (s, t)
}

/// Bead shapes searched at sentence level, and at coarse levels (blocks already merge
/// sentences, so small shapes suffice there).
const FINE_MOVES: &[Move] = &[
    (1, 1),
    (1, 0),
    (0, 1),
    (2, 1),
    (1, 2),
    (2, 2),
    (3, 1),
    (1, 3),
];
const COARSE_MOVES: &[Move] = &[(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)];
/// Up to this many lattice cells, the whole lattice is searched.
const FULL_CELLS: usize = 300_000;
/// Initial half-width of the band around a coarse path, in sentences; doubled up to the
/// maximum wherever the path runs along the band's edge.
const BAND_WIDTH: u32 = 8;
const MAX_BAND_WIDTH: u32 = 256;

/// The cost parameters, tuned on the Bleualign development document (not the test set).
#[derive(Debug, Clone)]
struct Params {
    w_len: f32,
    w_sim: f32,
    /// Cost per sentence left without counterpart.
    skip: f32,
    /// Cost of a bead ending a paragraph on one side only.
    paragraph: f32,
    prior_2_1: f32,
    prior_2_2: f32,
    prior_3_1: f32,
    skip_gamma: f32,
    skip_floor: f32,
    /// The dissimilarity of a bead of k and l sentences is scaled by (k·l)^size_exp.
    size_exp: f32,
    /// How much of the overlap expected by chance is discounted.
    chance: f32,
}

#[derive(Debug, Clone)]
struct Model {
    length: LengthModel,
    /// Median sentence length in characters over both sides.
    typical_chars: f32,
    /// Median weight of a sentence's bag over both sides.
    typical_weight: f32,
    params: Params,
}

impl Model {
    fn new(src: &[Unit], tgt: &[Unit], with_translation: bool) -> Model {
        let total = |u: &[Unit]| u.iter().map(|x| f64::from(x.chars)).sum::<f64>();
        let length = LengthModel::from_totals(total(src), total(tgt));
        let mut v: Vec<f32> = if with_translation {
            vec![0.3, 6.5, 7.0, 4.0, 2.0, 3.8, 3.9, 0.3, 0.5, 0.585]
        } else {
            vec![1.0, 3.0, 3.5, 4.0, 2.3, 4.6, 5.5, 0.5, 0.2, 0.585]
        };
        if let Ok(t) = std::env::var("PASSERELLE_ALIGN_TUNE") {
            v = t.split(',').map(|x| x.parse().unwrap()).collect();
        }
        let params = Params {
            w_len: v[0],
            w_sim: v[1],
            skip: v[2],
            paragraph: v[3],
            prior_2_1: v[4],
            prior_2_2: v[5],
            prior_3_1: v[6],
            skip_gamma: v[7],
            skip_floor: v[8],
            size_exp: v[9],
            chance: v.get(10).copied().unwrap_or(0.0),
        };
        let mut lengths: Vec<f32> = src.iter().chain(tgt).map(|u| u.chars).collect();
        let typical_chars = if lengths.is_empty() {
            1.0
        } else {
            let mid = lengths.len() / 2;
            *lengths.select_nth_unstable_by(mid, f32::total_cmp).1
        };
        let mut weights: Vec<f32> = src.iter().chain(tgt).map(|u| u.bag.total).collect();
        let typical_weight = if weights.is_empty() {
            1.0
        } else {
            let mid = weights.len() / 2;
            *weights.select_nth_unstable_by(mid, f32::total_cmp).1
        };
        Model { length, typical_chars: typical_chars.max(1.0), typical_weight: typical_weight.max(1e-3), params }
    }

    /// How much of a typical sentence a unit holds, in (0, 1].
    fn content(&self, u: &Unit) -> f32 {
        (u.chars / self.typical_chars).powf(self.params.skip_gamma).clamp(self.params.skip_floor, 1.0)
    }

    fn similarity(src: &[Unit], tgt: &[Unit], scratch: &mut Scratch) -> Option<f32> {
        let a: Vec<&Bag> = src.iter().map(|u| &u.bag).collect();
        let b: Vec<&Bag> = tgt.iter().map(|u| &u.bag).collect();
        let total: f32 = a.iter().chain(&b).map(|x| x.total).sum();
        if total <= 0.0 {
            return None;
        }
        Some((2.0 * features::overlap(&a, &b, scratch) / total).min(1.0))
    }

    fn cost(&self, src: &[Unit], tgt: &[Unit], scratch: &mut Scratch) -> f32 {
        let p = &self.params;
        let (k, l) = (src.len(), tgt.len());
        if k == 0 || l == 0 {
            // Leaving out a short fragment (a caption, OCR debris) costs less than leaving
            // out a full sentence.
            return src.iter().chain(tgt).map(|u| p.skip * self.content(u)).sum();
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
        let sim = Model::similarity(src, tgt, scratch).unwrap_or(0.0);
        let mut cost = if std::env::var("PASSERELLE_ABS").is_ok() {
            let a: Vec<&Bag> = src.iter().map(|u| &u.bag).collect();
            let b: Vec<&Bag> = tgt.iter().map(|u| &u.bag).collect();
            let overlap = features::overlap(&a, &b, scratch);
            let chance: f32 = src.iter().chain(tgt).map(|u| u.baseline).sum::<f32>() / 2.0;
            prior + p.w_len * len - p.w_sim * 2.0 * (overlap - p.chance * chance) / self.typical_weight
        } else {
            prior + p.w_len * len + p.w_sim * (1.0 - sim) * ((k * l) as f32).powf(p.size_exp)
        };
        let ends = |u: &[Unit]| u.last().is_some_and(|x| x.par_end);
        let inner = |u: &[Unit]| {
            u[..u.len() - 1].iter().filter(|x| x.par_end).count() as u32
                + u.iter().map(|x| x.inner_par_ends).sum::<u32>()
        };
        if ends(src) != ends(tgt) {
            cost += p.paragraph;
        }
        cost += p.paragraph * inner(src).abs_diff(inner(tgt)) as f32;
        cost
    }

    /// How sure the model is of a bead, in [0, 1]: high when the lengths fit and the lexical
    /// or translation evidence is strong.
    fn confidence(&self, src: &[Unit], tgt: &[Unit]) -> f32 {
        if src.is_empty() || tgt.is_empty() {
            return 0.3;
        }
        let mut scratch = Scratch::default();
        let ls: f32 = src.iter().map(|u| u.chars).sum();
        let lt: f32 = tgt.iter().map(|u| u.chars).sum();
        let len_p = (-self.length.cost(ls, lt)).exp();
        let sim = Model::similarity(src, tgt, &mut scratch).unwrap_or(0.0);
        let evidence = 1.0 / (1.0 + (-(sim - 0.15) * 12.0).exp());
        (0.35 * len_p.sqrt() + 0.65 * evidence).clamp(0.0, 1.0)
    }
}

/// Aligns units, coarse-to-fine when the lattice is large. Returns the path's lattice points
/// and the band the last search used.
fn search(src: &[Unit], tgt: &[Unit], model: &Model, depth: u32) -> (Vec<(u32, u32)>, Band) {
    let (n, m) = (src.len(), tgt.len());
    let moves = if depth == 0 { FINE_MOVES } else { COARSE_MOVES };
    if (n + 1) * (m + 1) <= FULL_CELLS || n < 4 || m < 4 {
        let band = Band::full(n, m);
        let path = run(src, tgt, model, &band, moves);
        return (path, band);
    }
    let (coarse_src, coarse_tgt) = (halve(src), halve(tgt));
    let (coarse_path, _) = search(&coarse_src, &coarse_tgt, model, depth + 1);
    let mut width = BAND_WIDTH;
    loop {
        let band = Band::around(&coarse_path, 2, width, n, m);
        let path = run(src, tgt, model, &band, moves);
        if width >= MAX_BAND_WIDTH || !band.touches_edge(&path, m) {
            return (path, band);
        }
        width *= 2;
    }
}

fn run(src: &[Unit], tgt: &[Unit], model: &Model, band: &Band, moves: &[Move]) -> Vec<(u32, u32)> {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
    }
    dp::best_path(src.len(), tgt.len(), band, moves, |i0, i1, j0, j1| {
        SCRATCH.with(|s| model.cost(&src[i0..i1], &tgt[j0..j1], &mut s.borrow_mut()))
    })
    .into_iter()
    .map(|(i, j, _)| (i, j))
    .collect()
}

/// Merges units pairwise, for the next coarser level.
fn halve(units: &[Unit]) -> Vec<Unit> {
    units
        .chunks(2)
        .map(|pair| match pair {
            [a, b] => Unit {
                chars: a.chars + b.chars,
                bag: Bag::merge(&[&a.bag, &b.bag]),
                par_end: b.par_end,
                inner_par_ends: a.inner_par_ends + b.inner_par_ends + u32::from(a.par_end),
                baseline: a.baseline + b.baseline,
            },
            [a] => a.clone(),
            _ => unreachable!("chunks(2) yields one or two"),
        })
        .collect()
}

/// Sets each unit's baseline from a fixed sample of the other side (deterministic, so the
/// same input always gives the same alignment).
fn set_baselines(src: &mut [Unit], tgt: &mut [Unit]) {
    const SAMPLE: usize = 24;
    let mut scratch = Scratch::default();
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let mut sample = |units: &[Unit], others: &[Unit], rng: &mut fastrand::Rng| -> Vec<f32> {
        units
            .iter()
            .map(|u| {
                if others.is_empty() {
                    return 1.0;
                }
                let mut sum = 0.0;
                for _ in 0..SAMPLE {
                    let o = &others[rng.usize(..others.len())];
                    sum += features::overlap(&[&u.bag], &[&o.bag], &mut scratch);
                }
                sum / SAMPLE as f32
            })
            .collect()
    };
    let bs = sample(src, tgt, &mut rng);
    let bt = sample(tgt, src, &mut rng);
    for (u, b) in src.iter_mut().zip(bs) {
        u.baseline = b;
    }
    for (u, b) in tgt.iter_mut().zip(bt) {
        u.baseline = b;
    }
}

fn one_to_one_lengths(path: &[(u32, u32)], src: &[Unit], tgt: &[Unit]) -> Vec<(f32, f32)> {
    path.windows(2)
        .filter(|w| w[1].0 - w[0].0 == 1 && w[1].1 - w[0].1 == 1)
        .map(|w| (src[w[0].0 as usize].chars, tgt[w[0].1 as usize].chars))
        .collect()
}

#[cfg(test)]
mod tests;
