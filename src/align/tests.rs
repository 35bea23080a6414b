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
            embeddings: None,
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
        let evidence = Evidence { translation: with_translation.then_some(translation.as_slice()), glossary: &[], embeddings: None };
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
    let w = CostWeights::WITH_EMBEDDINGS_AND_TRANSLATION;
    assert_eq!(CostWeights::from_slice(&w.to_vec()), Some(w));
    // Nine values leave the embedding weight at its default.
    let nine = CostWeights::from_slice(&CostWeights::WITH_TRANSLATION.to_vec()[..9]).unwrap();
    assert_eq!(nine.embedding, CostWeights::WITH_EMBEDDINGS.embedding);
    assert_eq!(CostWeights::from_slice(&[1.0; 8]), None);
    assert_eq!(CostWeights::from_slice(&[1.0; 11]), None);
    assert_eq!(CostWeights::from_slice(&[-1.0; 9]), None);
    assert_eq!(CostWeights::from_slice(&[f32::NAN; 9]), None);
}

#[test]
fn cost_weights_parse_from_the_command_line() {
    let w = CostWeights::WITH_TRANSLATION;
    assert_eq!(CostWeights::parse(&w.to_string()), Ok(w));
    let text: Vec<String> = w.to_vec().iter().map(|x| x.to_string()).collect();
    assert_eq!(CostWeights::parse(&text.join(", ")), Ok(w));
    assert!(CostWeights::parse("1,2,3").unwrap_err().contains("nine"));
    assert!(CostWeights::parse("1,2,3,4,5,6,7,8,x").is_err());
}

#[test]
fn review_thresholds_are_confidences() {
    assert_eq!(review_threshold(0.5), Ok(0.5));
    assert_eq!(review_threshold(1.0), Ok(1.0));
    assert!(review_threshold(2.0)
        .unwrap_err()
        .contains("between 0 and 1"));
    assert!(review_threshold(-0.1).is_err());
    assert!(review_threshold(f64::NAN).is_err());
    assert_eq!(parse_review_threshold("0.25"), Ok(0.25));
    assert!(parse_review_threshold("1.5")
        .unwrap_err()
        .contains("between 0 and 1"));
    assert!(parse_review_threshold("high").is_err());
}

#[test]
fn alignment_summary_counts_kinds_and_flags() {
    let bead = |src, tgt, score| Bead { src, tgt, score };
    let a = Alignment {
        beads: vec![
            bead(0..1, 0..1, 0.9),
            bead(1..3, 1..2, 0.2),
            bead(3..4, 2..3, 0.8),
        ],
        review_below: 0.5,
    };
    assert_eq!(a.summary(), "3 beads (1-1 2, 2-1 1), 1 flagged for review");
}

fn unit(chars: f32, keys: &[u32], par_end: bool) -> Unit {
    Unit {
        chars,
        bag: Bag::from_keys(keys.iter().map(|&k| (k, 1.0)).collect()),
        par_end,
        inner_par_ends: 0,
        vec: Vec::new(),
    }
}

fn model(units: &[Unit]) -> Model<'static> {
    Model::new(units, units, CostWeights::WITHOUT_TRANSLATION, None)
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
        m.cost(s, t, (Model::overlap(s, t, &mut scratch), 0.0), true)
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
    let skip = |u: &Unit| m.cost(std::slice::from_ref(u), &[], (0.0, 0.0), true);
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
    let both = m.cost(
        std::slice::from_ref(&a),
        std::slice::from_ref(&b),
        (1.0, 0.0),
        true,
    );
    let one = m.cost(
        std::slice::from_ref(&a),
        std::slice::from_ref(&b_open),
        (1.0, 0.0),
        true,
    );
    // Two paragraphs on each side: the break weighs its matched weight.
    assert_eq!(m.paragraphs, Paragraphs::Matched);
    let w = CostWeights::WITHOUT_TRANSLATION.paragraph * MATCHED_PARAGRAPHS;
    assert!((one - both - w).abs() < 1e-4);
    // Different counts: the plain weight.
    let soft = Model::new(
        &[a.clone(), b.clone()],
        &[a.clone(), b.clone(), b.clone()],
        CostWeights::WITHOUT_TRANSLATION,
        None,
    );
    let both = soft.cost(
        std::slice::from_ref(&a),
        std::slice::from_ref(&b),
        (1.0, 0.0),
        true,
    );
    let one = soft.cost(
        std::slice::from_ref(&a),
        std::slice::from_ref(&b_open),
        (1.0, 0.0),
        true,
    );
    assert!((one - both - CostWeights::WITHOUT_TRANSLATION.paragraph).abs() < 1e-4);
}

/// Paragraphs of sentences; `side(&[&[..], &[..]])` numbers them.
fn paragraphs<'a>(pars: &[&[&'a str]]) -> Side<'a> {
    let mut side = Side::default();
    for (p, sentences) in pars.iter().enumerate() {
        for s in *sentences {
            side.sentences.push(s);
            side.paragraphs.push(p as u32);
        }
    }
    side
}

#[test]
fn one_to_one_pairs_of_consecutive_paragraphs_are_not_merged_across_the_break() {
    // Each paragraph ends with a pair whose lengths fit badly one by one (a short source with a
    // long target, then the reverse) and well together: length alone tempts a 2-2 across the
    // break. Both sides have the same paragraphs, so the break must hold.
    let fr = paragraphs(&[
        &[
            "Le comité s'est réuni mardi matin au siège de l'association.",
            "Tout a changé.",
        ],
        &[
            "Les membres ont ensuite voté, après une longue discussion sur le budget de l'année prochaine et sur les travaux du refuge.",
            "Le président a clos la séance à midi.",
        ],
    ]);
    let en = paragraphs(&[
        &[
            "The committee met on Tuesday morning at the association's head office.",
            "Everything changed, and nobody in the room was ready for what came next that day.",
        ],
        &[
            "Then the members voted.",
            "The chairman closed the meeting at noon.",
        ],
    ]);
    let a = align(&fr, &en, Evidence::default(), &Options::default()).unwrap();
    assert_eq!(
        shapes(&a),
        ["0..1:0..1", "1..2:1..2", "2..3:2..3", "3..4:3..4"],
        "no bead may run across the paragraph break"
    );
    // Without the paragraph marks the same sentences do merge: the test would catch a
    // regression that ignores them.
    let b = align(
        &Side::plain(fr.sentences.clone()),
        &Side::plain(en.sentences.clone()),
        Evidence::default(),
        &Options::default(),
    )
    .unwrap();
    assert!(
        b.beads.iter().any(|x| x.src.len() == 2 && x.tgt.len() == 2),
        "{:?}",
        shapes(&b)
    );
}

#[test]
fn a_bead_across_breaks_on_both_sides_pays_when_both_sides_have_paragraphs() {
    let open = unit(40.0, &[1], false);
    let closed = unit(40.0, &[2], true);
    // Two paragraphs a side, same count: matched; a 2-2 over the break pays twice the
    // matched weight.
    let units = [open.clone(), closed.clone(), open.clone(), closed.clone()];
    let m = model(&units);
    assert_eq!(m.paragraphs, Paragraphs::Matched);
    let pair = [closed.clone(), open.clone()];
    let across = m.cost(&pair, &pair, (2.0, 0.0), true);
    let within = m.cost(
        &[open.clone(), closed.clone()],
        &[open.clone(), closed.clone()],
        (2.0, 0.0),
        true,
    );
    let w = CostWeights::WITHOUT_TRANSLATION.paragraph * MATCHED_PARAGRAPHS;
    // `across` also ends on no paragraph end on either side, like `within` ends on one on
    // both: only the crossing differs.
    assert!(
        (across - within - 2.0 * w).abs() < 1e-3,
        "{across} {within}"
    );
    // Coarse blocks span breaks anyway: no crossing cost there.
    assert!((m.cost(&pair, &pair, (2.0, 0.0), false) - within).abs() < 1e-3);
    // No paragraphs on one side: breaks say nothing.
    let flat = [open.clone(), open.clone(), open.clone(), closed.clone()];
    assert_eq!(
        Model::new(&units, &flat, CostWeights::WITHOUT_TRANSLATION, None).paragraphs,
        Paragraphs::None
    );
    let three = [closed.clone(), closed.clone(), open.clone(), closed.clone()];
    assert_eq!(
        Model::new(&units, &three, CostWeights::WITHOUT_TRANSLATION, None).paragraphs,
        Paragraphs::Soft
    );
}

/// Embeddings from a concept table: a sentence's vector counts its concepts, whatever the
/// language.
fn concept_overlaps(sentences: &[&str], max: usize) -> Overlaps {
    const CONCEPTS: &[&[&str]] = &[
        &["montagne", "mountain"],
        &["glacier", "glacier"],
        &["corde", "rope"],
        &["sommet", "summit"],
        &["neige", "snow"],
        &["orage", "storm"],
        &["vallée", "valley"],
        &["guide", "guide"],
        &["nuit", "night"],
        &["aube", "dawn"],
        &["refuge", "hut"],
        &["glace", "ice"],
    ];
    let vectors = Overlaps::texts(sentences, max)
        .iter()
        .map(|text| {
            let lower = text.to_lowercase();
            CONCEPTS
                .iter()
                .map(|words| words.iter().filter(|w| lower.contains(*w)).count() as f32)
                .collect()
        })
        .collect();
    Overlaps::new(sentences.len(), max, vectors).unwrap()
}

#[test]
fn embeddings_recover_an_alignment_that_lengths_get_wrong() {
    // The first French sentence is translated by two English sentences, the last two French
    // ones by one: lengths alone pair them off one by one.
    let fr = [
        "Le guide est parti avant l'aube vers le glacier.",
        "La corde a tenu malgré la glace au sommet de la montagne.",
        "L'orage a éclaté.",
        "La nuit est tombée sur la vallée enneigée, loin du refuge.",
    ];
    let en = [
        "The guide left before dawn.",
        "He went to the glacier.",
        "The rope held despite the ice on the mountain summit.",
        "The storm broke and night fell on the valley, far from the hut.",
    ];
    let src = concept_overlaps(&fr, 4);
    let tgt = concept_overlaps(&en, 4);
    let with = Evidence {
        embeddings: Some(Embeddings {
            src: &src,
            tgt: &tgt,
        }),
        ..Evidence::default()
    };
    let (s, t) = (Side::plain(fr.to_vec()), Side::plain(en.to_vec()));
    let a = align(&s, &t, with, &Options::default()).unwrap();
    assert_eq!(shapes(&a), ["0..1:0..2", "1..2:2..3", "2..4:3..4"]);
    let b = align(&s, &t, Evidence::default(), &Options::default()).unwrap();
    assert_ne!(shapes(&b), shapes(&a), "lengths alone should not find it");
}

#[test]
fn embeddings_for_other_sentences_are_refused() {
    let src = concept_overlaps(&["La montagne."], 2);
    let tgt = concept_overlaps(&["The mountain.", "The snow."], 2);
    let evidence = Evidence {
        embeddings: Some(Embeddings {
            src: &tgt,
            tgt: &src,
        }),
        ..Evidence::default()
    };
    let err = align(
        &Side::plain(vec!["La montagne."]),
        &Side::plain(vec!["The mountain.", "The snow."]),
        evidence,
        &Options::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        AlignError::EmbeddingSide {
            sentences: 1,
            embedded: 2
        }
    );
}
