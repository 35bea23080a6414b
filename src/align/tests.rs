//! Aligner behaviour on small documents, and the invariants on arbitrary input.

use super::*;
use proptest::prelude::*;

fn shapes(a: &Alignment) -> Vec<String> {
    a.beads
        .iter()
        .map(|b| format!("{:?}:{:?}", b.src, b.tgt))
        .collect()
}

#[test]
fn parallel_sentences_align_one_to_one() {
    let fr = [
        "Le chat dort sur le canapé depuis 3 heures.",
        "Il fait beau à Paris aujourd'hui.",
        "Microsoft a annoncé 12 nouveaux produits.",
    ];
    let en = [
        "The cat has been sleeping on the sofa for 3 hours.",
        "The weather is nice in Paris today.",
        "Microsoft announced 12 new products.",
    ];
    let a = align(
        &Side::plain(fr.to_vec()),
        &Side::plain(en.to_vec()),
        Evidence::default(),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(shapes(&a), ["0..1:0..1", "1..2:1..2", "2..3:2..3"]);
    a.validate(3, 3).unwrap();
}

#[test]
fn one_side_empty_gives_insertions_or_deletions() {
    let fr = ["Une phrase.", "Deux phrases."];
    let a = align(
        &Side::plain(fr.to_vec()),
        &Side::plain(vec![]),
        Evidence::default(),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(shapes(&a), ["0..1:0..0", "1..2:0..0"]);
    let b = align(
        &Side::plain(vec![]),
        &Side::plain(fr.to_vec()),
        Evidence::default(),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(shapes(&b), ["0..0:0..1", "0..0:1..2"]);
    let c = align(
        &Side::plain(vec![]),
        &Side::plain(vec![]),
        Evidence::default(),
        &Options::default(),
    )
    .unwrap();
    assert!(c.beads.is_empty());
}

#[test]
fn translation_count_must_match() {
    let t = vec!["one".to_string()];
    let err = align(
        &Side::plain(vec!["un", "deux"]),
        &Side::plain(vec!["one"]),
        Evidence {
            translation: Some(&t),
            glossary: &[],
        },
        &Options::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        AlignError::TranslationCount {
            src: 2,
            translation: 1
        }
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Beads are monotone, contiguous, never empty on both sides, and cover every sentence
    /// of both sides exactly once, whatever the input.
    #[test]
    fn beads_cover_both_sides_exactly_once(
        src in prop::collection::vec("[a-zA-Z0-9 ?!.]{0,40}", 0..30),
        tgt in prop::collection::vec("[a-zA-Z0-9 ?!.]{0,40}", 0..30),
        with_translation in any::<bool>(),
    ) {
        let s: Vec<&str> = src.iter().map(String::as_str).collect();
        let t: Vec<&str> = tgt.iter().map(String::as_str).collect();
        let translation: Vec<String> = src.iter().rev().cloned().collect();
        let evidence = Evidence { translation: with_translation.then_some(translation.as_slice()), glossary: &[] };
        let a = align(&Side::plain(s.clone()), &Side::plain(t.clone()), evidence, &Options::default()).unwrap();
        prop_assert!(a.validate(s.len(), t.len()).is_ok(), "{:?}", a.validate(s.len(), t.len()));
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    /// The same holds on documents long enough for the coarse-to-fine band search.
    #[test]
    fn banded_search_covers_long_documents(n in 600usize..800, m in 600usize..800, seed in any::<u64>()) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let words = ["alpha", "beta", "gamma", "delta", "42", "Zurich", "?", "x"];
        let make = |rng: &mut fastrand::Rng, k: usize| -> Vec<String> {
            (0..k).map(|_| (0..rng.usize(1..12)).map(|_| words[rng.usize(..words.len())]).collect::<Vec<_>>().join(" ")).collect()
        };
        let (src, tgt) = (make(&mut rng, n), make(&mut rng, m));
        let s: Vec<&str> = src.iter().map(String::as_str).collect();
        let t: Vec<&str> = tgt.iter().map(String::as_str).collect();
        let a = align(&Side::plain(s), &Side::plain(t), Evidence::default(), &Options::default()).unwrap();
        prop_assert!(a.validate(n, m).is_ok());
    }
}

#[test]
fn cost_weights_round_trip_and_reject_bad_lists() {
    let w = CostWeights::WITH_TRANSLATION;
    assert_eq!(CostWeights::from_slice(&w.to_vec()), Some(w));
    assert_eq!(CostWeights::from_slice(&[1.0; 8]), None);
    assert_eq!(CostWeights::from_slice(&[-1.0; 9]), None);
    assert_eq!(CostWeights::from_slice(&[f32::NAN; 9]), None);
}

fn unit(chars: f32, keys: &[u32], par_end: bool) -> Unit {
    Unit {
        chars,
        bag: Bag::from_keys(keys.iter().map(|&k| (k, 1.0)).collect()),
        par_end,
        inner_par_ends: 0,
    }
}

fn model(units: &[Unit]) -> Model {
    Model::new(units, units, CostWeights::WITHOUT_TRANSLATION)
}

#[test]
fn shared_evidence_and_fitting_lengths_make_a_bead_cheap() {
    let a = unit(40.0, &[1, 2, 3], false);
    let b = unit(42.0, &[1, 2, 3], false);
    let unrelated = unit(41.0, &[7, 8, 9], false);
    let long = unit(160.0, &[1, 2, 3], false);
    let m = model(&[a.clone(), b.clone(), unrelated.clone(), long.clone()]);
    let cost = |s: &[Unit], t: &[Unit]| {
        let mut scratch = Scratch::default();
        m.cost(s, t, Model::overlap(s, t, &mut scratch))
    };
    let matched = cost(std::slice::from_ref(&a), std::slice::from_ref(&b));
    assert!(matched < cost(std::slice::from_ref(&a), std::slice::from_ref(&unrelated)));
    assert!(matched < cost(std::slice::from_ref(&a), std::slice::from_ref(&long)));
    // A 2-1 bead pays its prior over the same evidence.
    let two = cost(&[a.clone(), unrelated.clone()], std::slice::from_ref(&b));
    assert!(two > matched);
}

#[test]
fn skipping_a_fragment_costs_less_than_skipping_a_sentence() {
    let sentence = unit(60.0, &[1], false);
    let fragment = unit(3.0, &[2], false);
    let m = model(&[sentence.clone(), sentence.clone(), fragment.clone()]);
    let skip = |u: &Unit| m.cost(std::slice::from_ref(u), &[], 0.0);
    assert!(skip(&fragment) < skip(&sentence));
    let w = CostWeights::WITHOUT_TRANSLATION;
    assert!((skip(&sentence) - w.skip).abs() < 1e-6);
    assert!(
        (skip(&fragment) - w.skip * w.skip_floor.max((3.0f32 / 60.0).powf(w.skip_gamma))).abs()
            < 1e-4
    );
}

#[test]
fn a_bead_across_a_paragraph_end_on_one_side_only_pays() {
    let a = unit(40.0, &[1], true);
    let b = unit(40.0, &[1], true);
    let b_open = unit(40.0, &[1], false);
    let m = model(&[a.clone(), b.clone()]);
    let both = m.cost(std::slice::from_ref(&a), std::slice::from_ref(&b), 1.0);
    let one = m.cost(std::slice::from_ref(&a), std::slice::from_ref(&b_open), 1.0);
    assert!((one - both - CostWeights::WITHOUT_TRANSLATION.paragraph).abs() < 1e-4);
}
