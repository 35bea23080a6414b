//! Rule tables: for each rule, cases it must catch and the false-positive traps it must not
//! fall into (inflections, words inside words, locale-formatted numbers, acronyms).

use std::path::Path;

use super::*;
use crate::glossary::Glossary;
use crate::text::{Bitext, Lang, Pair};

const GLOSSARY: &str = "\
fr\ten\tkind\tnote
informatique en nuage\tcloud computing\tterm\t
centrale nucléaire\tnuclear power plant\tterm\t
crime de guerre\twar crime\tterm\t
cour d'appel|cours d'appel\tcourt of appeal\tterm\t
four\toven\tterm\t
formation\ttraining\tterm\t
OMS\tWHO\tterm\tthe World Health Organization
nuage\tcloud|the cloud\tterm\t
Satya Nadella\t\tname\t
Israël\tIsrael\tname\t
No Azure for Apartheid\t\tname\t
Azure\t\tname\t
nettoyage ethnique\tethnic cleansing\tterm\t
nettoyage ethnique\tethnic cleaning\tforbidden\tcalque
\tcloud informatics\tforbidden\t
";

fn glossary() -> Glossary {
    Glossary::parse(Path::new("test.tsv"), GLOSSARY).unwrap()
}

/// A French-English bitext of `pairs` (the rules' own tests use it too).
pub(super) fn bitext(pairs: &[(&str, &str)]) -> Bitext {
    Bitext {
        src_lang: Lang::Fr,
        tgt_lang: Lang::En,
        pairs: pairs
            .iter()
            .map(|(s, t)| Pair {
                src: s.to_string(),
                tgt: t.to_string(),
                ..Pair::default()
            })
            .collect(),
    }
}

/// Runs every rule but length-ratio, which short test sentences would trip.
fn run(pairs: &[(&str, &str)]) -> Vec<Finding> {
    check(&bitext(pairs), &glossary(), &quiet_length())
}

fn quiet_length() -> Options {
    let mut options = Options::default();
    options.severity.insert(Rule::LengthRatio, Level::Off);
    options
}

/// (rule id, term) of each finding, for compact assertions.
fn found(src: &str, tgt: &str) -> Vec<(String, String)> {
    run(&[(src, tgt)])
        .into_iter()
        .map(|f| (f.rule.id().to_string(), f.term))
        .collect()
}

fn rule_found(rule: Rule, src: &str, tgt: &str) -> bool {
    run(&[(src, tgt)]).iter().any(|f| f.rule == rule)
}

#[test]
fn missing_terms_are_caught() {
    let table = [
        (
            "L'informatique en nuage change tout.",
            "Cloud technology changes everything.",
            "informatique en nuage",
        ),
        (
            "Deux centrales nucléaires ferment.",
            "Two reactors close.",
            "centrale nucléaire",
        ),
        ("Des crimes de guerre.", "Atrocities.", "crime de guerre"),
        (
            "La cour d'appel a jugé.",
            "The appeals court ruled.",
            "cour d'appel",
        ),
        ("L'OMS a parlé.", "The who spoke.", "OMS"),
    ];
    for (src, tgt, term) in table {
        let f = found(src, tgt);
        assert!(
            f.contains(&("missing-term".into(), term.into())),
            "{src} -> {tgt}: {f:?}"
        );
    }
}

#[test]
fn inflected_and_rendered_terms_pass() {
    let table = [
        (
            "Deux centrales nucléaires ferment.",
            "Two nuclear power plants close.",
        ),
        ("Un crime de guerre.", "A war crime."),
        ("Des crimes de guerre.", "War crimes."),
        ("Les cours d'appel ont jugé.", "The courts of appeal ruled."),
        ("L’informatique en nuage.", "Cloud computing."),
        ("L'OMS a parlé.", "The WHO's report."),
        ("Le nettoyage ethnique.", "Ethnic cleansing."),
    ];
    for (src, tgt) in table {
        assert_eq!(
            found(src, tgt),
            [] as [(String, String); 0],
            "{src} -> {tgt}"
        );
    }
}

#[test]
fn words_inside_words_are_not_terms() {
    // "four" inside "fourni", "formation" inside "information", "nuage" never inside others.
    for (src, tgt) in [
        ("Il a fourni des informations.", "He provided information."),
        ("La transformation continue.", "The change goes on."),
        ("Il a fourni les nuages", "He provided the clouds"),
    ] {
        assert!(!rule_found(Rule::MissingTerm, src, tgt), "{src}");
    }
    // In the target too: "hut"-in-"shut" style matches do not satisfy a term.
    assert!(rule_found(
        Rule::MissingTerm,
        "Le four chauffe.",
        "The ovenware heats."
    ));
}

#[test]
fn case_sensitive_acronyms_are_not_ordinary_words() {
    // "who" does not satisfy WHO, and a lower-case "oms" in French is not the acronym.
    assert!(rule_found(Rule::MissingTerm, "L'OMS.", "who knows"));
    assert!(!rule_found(
        Rule::MissingTerm,
        "les oms du texte",
        "whatever"
    ));
    let f = run(&[("L'OMS.", "The who.")]);
    assert!(f[0].message.contains("differs in case"), "{}", f[0].message);
    assert_eq!(f[0].target_span, Some(Span::new(4, 7)));
}

#[test]
fn the_longest_source_term_wins() {
    // "informatique en nuage" is one term; "nuage" inside it asks for nothing more.
    assert_eq!(
        found("L'informatique en nuage.", "Cloud computing."),
        [] as [(String, String); 0]
    );
    // A name inside a longer name is not required on its own.
    assert_eq!(
        found(
            "Le mouvement No Azure for Apartheid.",
            "The No Azure for Apartheid movement."
        ),
        [] as [(String, String); 0]
    );
}

#[test]
fn names_must_be_verbatim() {
    assert_eq!(
        found("Satya Nadella parle.", "Satya Nadella's talk."),
        [] as [(String, String); 0]
    );
    assert_eq!(
        found("Il part d'Israël.", "He leaves Israel."),
        [] as [(String, String); 0]
    );
    let f = run(&[("Satya Nadella parle.", "Satya nadella talks.")]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, Rule::NameMismatch);
    assert_eq!(f[0].target_span, Some(Span::new(0, 13)));
    assert!(
        f[0].message.contains("found \"Satya nadella\""),
        "{}",
        f[0].message
    );
    assert!(rule_found(
        Rule::NameMismatch,
        "Il part d'Israël.",
        "He leaves Israël."
    ));
    assert!(rule_found(Rule::NameMismatch, "Azure.", "Azur."));
}

#[test]
fn forbidden_renderings() {
    // Conditional: only where the source has the French term.
    let f = run(&[("Le nettoyage ethnique.", "Ethnic cleaning.")]);
    let forbidden: Vec<&Finding> = f.iter().filter(|f| f.rule == Rule::ForbiddenTerm).collect();
    assert_eq!(forbidden.len(), 1);
    assert_eq!(forbidden[0].term, "ethnic cleaning");
    assert_eq!(forbidden[0].target_span, Some(Span::new(0, 15)));
    assert_eq!(forbidden[0].expected, ["ethnic cleansing"]);
    assert!(!rule_found(
        Rule::ForbiddenTerm,
        "Autre chose.",
        "Ethnic cleaning."
    ));
    // Unconditional, and inflected.
    assert!(rule_found(
        Rule::ForbiddenTerm,
        "Rien.",
        "Cloud informatics."
    ));
    assert!(!rule_found(
        Rule::ForbiddenTerm,
        "Rien.",
        "Cloud, informatics."
    ));
}

#[test]
fn numbers_are_compared_as_values() {
    let equal = [
        ("Il a 3,5 ans.", "He is 3.5."),
        ("1 000 personnes", "1,000 people"),
        ("1\u{202f}000 personnes", "1,000 people"),
        ("à 14 h 30", "at 2:30 p.m."),
        ("le 50e anniversaire", "the 50th anniversary"),
        ("le 1er mai", "May 1st"),
        ("4,20 €", "€4.20"),
        ("depuis 4 ans", "for four years"),
    ];
    for (src, tgt) in equal {
        assert!(
            !rule_found(Rule::NumberMismatch, src, tgt),
            "{src} -> {tgt}"
        );
    }
    let different = [
        ("Il a 3,5 ans.", "He is 35."),
        ("à 14 h 30", "at 2:30 a.m."),
        ("le 15 mai", "May 16"),
    ];
    for (src, tgt) in different {
        assert!(rule_found(Rule::NumberMismatch, src, tgt), "{src} -> {tgt}");
    }
    // Numbers the target adds are fine; numbers are matched one to one.
    assert!(!rule_found(
        Rule::NumberMismatch,
        "sans chiffre",
        "with 3 numbers 4"
    ));
    let f = run(&[("7 et 7", "seven and seven")]);
    assert!(f.is_empty(), "{f:?}");
    let f = run(&[("depuis 4 ans, le 4 avril", "for 4 years, on April 14")]);
    let n: Vec<&Finding> = f
        .iter()
        .filter(|f| f.rule == Rule::NumberMismatch)
        .collect();
    assert_eq!(n.len(), 1, "{f:?}");
    assert_eq!(n[0].source_span, Some(Span::new(17, 18)));
    // An ambiguous reading does not steal the equal another number needs.
    assert!(!rule_found(
        Rule::NumberMismatch,
        "1,000 et 1 000",
        "1 and 1,000"
    ));
}

#[test]
fn untranslated_segments() {
    assert!(rule_found(
        Rule::Untranslated,
        "Une phrase en français.",
        ""
    ));
    assert!(rule_found(
        Rule::Untranslated,
        "Une phrase en français.",
        "Une phrase  en\nfrançais."
    ));
    // Only a name, or only numbers: copying is right.
    assert!(!rule_found(
        Rule::Untranslated,
        "Satya Nadella",
        "Satya Nadella"
    ));
    assert!(!rule_found(Rule::Untranslated, "2025-05", "2025-05"));
    // A number in words that is one in both languages: "Six." is English too; "Sept." and
    // "Dix-Huit" are not.
    assert!(!rule_found(Rule::Untranslated, "Six.", "Six."));
    assert!(!rule_found(Rule::Untranslated, "SIX !", "SIX !"));
    assert!(rule_found(Rule::Untranslated, "Sept.", "Sept."));
    assert!(rule_found(Rule::Untranslated, "Dix-Huit !", "Dix-Huit !"));
    // A word that is no number, next to one, is still a copy.
    assert!(rule_found(Rule::Untranslated, "Six chats.", "Six chats."));
    assert!(rule_found(Rule::Untranslated, "Bonjour.", "Bonjour."));
    // Blank pairs are skipped entirely.
    assert!(run(&[("", ""), ("  ", "")]).is_empty());
    // An empty target is one finding, not one per glossary term.
    assert_eq!(
        found("Des crimes de guerre.", " "),
        [("untranslated".into(), "Des crimes de guerre.".into())]
    );
}

#[test]
fn inconsistent_translations_across_the_document() {
    let f = run(&[
        ("Le nuage est là.", "The cloud is there."),
        ("Le nuage reste.", "The cloud stays."),
        ("Un nuage passe.", "The cloud passes by, the cloud."),
    ]);
    assert!(
        f.iter().all(|f| f.rule != Rule::InconsistentTranslation),
        "{f:?}"
    );
    let f = run(&[
        ("Le nuage est là.", "Cloud is there."),
        ("Le nuage est beau.", "The cloud is nice."),
        ("Le nuage reste.", "Cloud stays."),
    ]);
    let inconsistent: Vec<&Finding> = f
        .iter()
        .filter(|f| f.rule == Rule::InconsistentTranslation)
        .collect();
    assert_eq!(inconsistent.len(), 1, "{f:?}");
    assert_eq!(inconsistent[0].segment, 1);
    assert_eq!(inconsistent[0].severity, Severity::Warning);
    // The same sentence translated twice in two ways.
    let f = run(&[
        ("Il est parti hier soir.", "He left last night."),
        ("Autre chose encore ici.", "Something else here."),
        ("Il est parti hier soir.", "He went away yesterday evening."),
    ]);
    let seg: Vec<usize> = f
        .iter()
        .filter(|f| f.rule == Rule::InconsistentTranslation)
        .map(|f| f.segment)
        .collect();
    assert_eq!(seg, [2]);
}

#[test]
fn length_ratio_is_information() {
    let g = glossary();
    let run = |pairs: &[(&str, &str)]| check(&bitext(pairs), &g, &Options::default());
    let rule_found = |rule, src, tgt| run(&[(src, tgt)]).iter().any(|f: &Finding| f.rule == rule);
    let f = run(&[(
        "Une assez longue phrase en français, vraiment longue.",
        "Short.",
    )]);
    let l: Vec<&Finding> = f.iter().filter(|f| f.rule == Rule::LengthRatio).collect();
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].severity, Severity::Info);
    assert!(!rule_found(
        Rule::LengthRatio,
        "Court.",
        "A much much longer sentence indeed."
    ));
}

#[test]
fn severities_are_configurable_and_rules_can_be_off() {
    let mut options = quiet_length();
    options.severity.insert(Rule::MissingTerm, Level::Warning);
    options.severity.insert(Rule::NumberMismatch, Level::Off);
    let f = check(
        &bitext(&[("Des crimes de guerre en 2024.", "Atrocities.")]),
        &glossary(),
        &options,
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].rule, f[0].severity),
        (Rule::MissingTerm, Severity::Warning)
    );
    let parsed: Options =
        serde_json::from_str(r#"{"severity": {"length-ratio": "off", "missing-term": "error"}}"#)
            .unwrap();
    assert_eq!(parsed.severity_of(Rule::LengthRatio), None);
    assert_eq!(
        parsed.severity_of(Rule::NameMismatch),
        Some(Severity::Error)
    );
}

#[test]
fn fingerprints_ignore_position_and_count_repeats() {
    let a = run(&[("Des crimes de guerre.", "Atrocities.")]);
    let b = run(&[
        ("Autre.", "Other."),
        ("Des crimes de guerre.", "Atrocities, really."),
    ]);
    assert_eq!(a[0].fingerprint, b[0].fingerprint);
    assert_eq!(b[0].segment, 1);
    let c = run(&[("Rien.", "Cloud informatics and cloud informatics.")]);
    assert_eq!(c.len(), 2);
    assert_ne!(c[0].fingerprint, c[1].fingerprint);
}

#[test]
fn baseline_round_trip() {
    let findings = run(&[("Des crimes de guerre en 2024.", "Atrocities.")]);
    assert_eq!(findings.len(), 2);
    let baseline =
        Baseline::parse(std::str::from_utf8(&Baseline::write(&findings)).unwrap()).unwrap();
    assert_eq!(baseline.len(), 2);
    let mut again = run(&[
        ("Autre.", "Other text here."),
        ("Des crimes de guerre en 2024.", "Atrocities."),
        ("Un four.", "A stove."),
    ]);
    assert_eq!(baseline.filter(&mut again), 2);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].term, "four");
    assert!(Baseline::parse("{\"version\": 2, \"findings\": []}").is_err());
    assert!(Baseline::parse("nonsense").is_err());
}

#[test]
fn spans_point_into_the_pair_texts() {
    let pair = (
        "«\u{a0}Des crimes de guerre\u{a0}» à 14\u{a0}h",
        "“Atrocities” at noon",
    );
    for f in run(&[pair]) {
        if let Some(s) = f.source_span {
            assert!(pair.0.get(s.range()).is_some(), "{f:?}");
        }
    }
    let f = run(&[pair]);
    let missing = f.iter().find(|f| f.rule == Rule::MissingTerm).unwrap();
    assert_eq!(
        missing.source_span.unwrap().slice(pair.0),
        "crimes de guerre"
    );
    let number = f.iter().find(|f| f.rule == Rule::NumberMismatch).unwrap();
    assert_eq!(number.source_span.unwrap().slice(pair.0), "14\u{a0}h");
}

#[test]
fn pairs_checked_as_they_are_read_give_the_same_findings() {
    let pairs = [
        (
            "Les centrales nucléaires et l'informatique en nuage.",
            "The nuclear power plants.",
        ),
        ("", "An insertion."),
        (
            "Satya Nadella parle de nettoyage ethnique.",
            "Satya Nadella speaks of ethnic cleaning.",
        ),
        (
            "Le four est chaud à 14 h 30.",
            "The oven is hot at 2:30 p.m.",
        ),
        ("Le four est chaud à 14 h 30.", "The oven is warm at 14:30."),
        ("Le nuage et le nuage.", "The cloud and the cloud."),
        ("Un nuage de plus.", "One more cloud."),
        ("Copié tel quel ici.", "Copié tel quel ici."),
        ("Rien.", ""),
    ];
    let whole = bitext(&pairs);
    let expected = check(&whole, &glossary(), &Options::default());
    assert!(expected.len() > 4, "{expected:#?}");
    let as_read = whole.pairs.iter().cloned().map(Ok::<Pair, ()>);
    let (read, findings) = check_pairs(
        &Lang::Fr,
        &Lang::En,
        as_read,
        &glossary(),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(read, whole);
    assert_eq!(findings, expected);
    let failing = [Ok(whole.pairs[0].clone()), Err("bad line")];
    assert_eq!(
        check_pairs(
            &Lang::Fr,
            &Lang::En,
            failing,
            &glossary(),
            &Options::default()
        ),
        Err("bad line")
    );
}

#[test]
fn without_a_glossary_only_the_rules_that_need_none_are_on() {
    let mut options = Options::default();
    options.severity.insert(Rule::LengthRatio, Level::Off);
    options.severity.insert(Rule::MissingTerm, Level::Warning);
    let options = options.without_glossary();
    let on: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| options.on(**r))
        .map(Rule::id)
        .collect();
    assert_eq!(
        on,
        [
            "number-mismatch",
            "untranslated",
            "placeholder-mismatch",
            "markup-mismatch",
            "url-mismatch"
        ]
    );
}

/// A bitext of `n` pairs drawn from `pool` by a small deterministic generator: repeats
/// (consistency), mistakes of every kind and blank pairs, at every distance.
fn generated(n: usize, seed: u64) -> Bitext {
    let pool: &[(&str, &str)] = &[
        (
            "Le crime de guerre a été commis en 2019.",
            "The war crime was committed in 2019.",
        ),
        (
            "Le crime de guerre a été commis en 2019.",
            "The war crimes were committed in 2018.",
        ),
        (
            "Les crimes de guerre sont jugés.",
            "The atrocities are judged.",
        ),
        ("Le nuage est loin.", "The cloud is far."),
        (
            "Le nuage est proche de nous.",
            "The the cloud is close to us.",
        ),
        ("Le nuage est proche de nous.", "Cloud is close to us."),
        (
            "Satya Nadella parle du nettoyage ethnique.",
            "Satya Nadella speaks of ethnic cleaning.",
        ),
        (
            "La formation dure 3,5 heures.",
            "The training lasts 3.5 hours.",
        ),
        (
            "La formation dure 3,5 heures.",
            "The training lasts 35 hours.",
        ),
        (
            "Ceci reste sans traduction ici.",
            "Ceci reste sans traduction ici.",
        ),
        ("", "An insertion."),
        ("Un texte sans cible.", ""),
        (
            "Le four de la centrale nucléaire.",
            "The oven of the nuclear power plant.",
        ),
        (
            "Bonjour {name}, voir https://example.org.",
            "Hello, see https://example.com.",
        ),
    ];
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let pairs = (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let (s, t) = pool[(state % pool.len() as u64) as usize];
            (s, t)
        })
        .collect::<Vec<_>>();
    bitext(&pairs)
}

/// What one thread gives, pair by pair: the reference the parallel check must equal.
fn sequential(bitext: &Bitext, glossary: &Glossary, options: &Options) -> Vec<Finding> {
    let compiled = terms::Compiled::new(glossary, &bitext.src_lang, &bitext.tgt_lang);
    let mut run = Run::new(&compiled, options, &bitext.src_lang, &bitext.tgt_lang);
    for (i, pair) in bitext.pairs.iter().enumerate() {
        run.rules.pair(&mut run.scratch, &mut run.part, i, pair);
    }
    run.finish(bitext)
}

#[test]
fn parallel_checks_give_the_sequential_findings() {
    let g = glossary();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    // Below the threshold, at it, across chunks and across check_pairs's blocks.
    let sizes = [
        0,
        1,
        PARALLEL_FROM - 1,
        PARALLEL_FROM,
        PARALLEL_FROM + CHUNK_PAIRS + 7,
        BLOCK_PAIRS + 3,
        2 * BLOCK_PAIRS + CHUNK_PAIRS / 2,
    ];
    for (k, n) in sizes.into_iter().enumerate() {
        let b = generated(n, k as u64 + 1);
        for options in [Options::default(), Options::default().without_glossary()] {
            let expected = sequential(&b, &g, &options);
            if n > 1000 && options == Options::default() {
                assert!(expected
                    .iter()
                    .any(|f| f.rule == Rule::InconsistentTranslation));
                assert!(expected.iter().any(|f| f.fingerprint.contains(':')));
            }
            let checked = pool.install(|| check(&b, &g, &options));
            assert_eq!(checked, expected, "check, {n} pairs");
            let streamed = pool.install(|| {
                let pairs = b.pairs.iter().cloned().map(Ok::<_, ()>);
                check_pairs(&b.src_lang, &b.tgt_lang, pairs, &g, &options)
            });
            let (read, findings) = streamed.unwrap();
            assert_eq!(read, b);
            assert_eq!(findings, expected, "check_pairs, {n} pairs");
            let one = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap();
            assert_eq!(one.install(|| check(&b, &g, &options)), expected);
        }
    }
}

#[test]
fn an_error_while_reading_a_large_document_is_returned() {
    let g = glossary();
    let b = generated(BLOCK_PAIRS * 2, 9);
    let pairs =
        b.pairs
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, p)| if i == BLOCK_PAIRS + 5 { Err(i) } else { Ok(p) });
    let result = check_pairs(&b.src_lang, &b.tgt_lang, pairs, &g, &Options::default());
    assert_eq!(result.err(), Some(BLOCK_PAIRS + 5));
}

#[test]
fn severity_settings_parse() {
    assert_eq!(
        parse_severity("length-ratio=off"),
        Ok((Rule::LengthRatio, Level::Off))
    );
    assert!(parse_severity("length-ratio").is_err());
    assert!(parse_severity("nope=error")
        .unwrap_err()
        .contains("unknown rule 'nope'"));
    assert!(parse_severity("untranslated=fatal")
        .unwrap_err()
        .contains("unknown level"));
}
