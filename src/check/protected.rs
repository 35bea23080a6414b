//! What placeholder-mismatch, markup-mismatch and url-mismatch share: the protected tokens
//! of both sides of a pair ([`crate::protect`]), paired by key one to one and in any order,
//! and one finding for each token left over.

use super::{Finding, Rule};
use crate::protect::{self, Kind, Token};
use crate::text::Pair;

/// The tokens of the pair's source and target that `keep` keeps.
pub(super) fn tokens(pair: &Pair, keep: impl Fn(Kind) -> bool) -> (Vec<Token>, Vec<Token>) {
    let mut src = protect::scan(&pair.src);
    let mut tgt = protect::scan(&pair.tgt);
    src.retain(|t| keep(t.kind));
    tgt.retain(|t| keep(t.kind));
    (src, tgt)
}

/// One finding per source token of `gone` (indices into `src` of tokens with no equal in
/// the target: missing, pointing at the source) and per target token of `added` (extra,
/// pointing at the target); the messages are made from the token and the token as written.
#[allow(clippy::too_many_arguments)]
pub(super) fn report(
    rule: Rule,
    segment: usize,
    pair: &Pair,
    (src, tgt): (&[Token], &[Token]),
    (gone, added): (&[usize], &[usize]),
    missing: impl Fn(&Token, &str) -> String,
    extra: impl Fn(&Token, &str) -> String,
    out: &mut Vec<Finding>,
) {
    for &k in gone {
        let written = src[k].text(&pair.src);
        let message = missing(&src[k], written);
        out.push(Finding::new(rule, segment, written, message).source(src[k].span));
    }
    for &k in added {
        let written = tgt[k].text(&pair.tgt);
        let message = extra(&tgt[k], written);
        out.push(Finding::new(rule, segment, written, message).target(Some(tgt[k].span)));
    }
}

/// What the rule tests share: a rule's check on one pair.
#[cfg(test)]
pub(super) mod testing {
    use super::super::{Finding, PairCheck};
    use crate::text::{Pair, Span};

    /// The findings `check` makes for the pair `src` → `tgt`.
    pub fn run(check: PairCheck, src: &str, tgt: &str) -> Vec<Finding> {
        let pair = Pair {
            src: src.to_string(),
            tgt: tgt.to_string(),
            ..Pair::default()
        };
        let mut out = Vec::new();
        check(0, &pair, &mut out);
        out
    }

    /// Each finding as (term, "missing" or "extra"), checking that its span points at the
    /// term in the source (missing) or in the target (extra).
    pub fn found(check: PairCheck, src: &str, tgt: &str) -> Vec<(String, &'static str)> {
        let slice = |text: &str, s: Span| s.slice(text).to_string();
        run(check, src, tgt)
            .into_iter()
            .map(|f| match (f.source_span, f.target_span) {
                (Some(s), None) => {
                    assert_eq!(slice(src, s), f.term, "{src} -> {tgt}: {f:?}");
                    (f.term, "missing")
                }
                (None, Some(t)) => {
                    assert_eq!(slice(tgt, t), f.term, "{src} -> {tgt}: {f:?}");
                    (f.term, "extra")
                }
                _ => panic!("{src} -> {tgt}: a finding without one span: {f:?}"),
            })
            .collect()
    }

    /// A finding as [`found`] gives it.
    pub fn t(term: &str, side: &'static str) -> (String, &'static str) {
        (term.to_string(), side)
    }

    /// Asserts that every pair of `table` is clean under `check`.
    pub fn assert_clean(check: PairCheck, table: &[(&str, &str)]) {
        for (src, tgt) in table {
            assert_eq!(found(check, src, tgt), [], "{src} -> {tgt}");
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::tests::bitext;
    use super::super::*;
    use crate::glossary::Glossary;
    use crate::text::Lang;

    const RULES: [Rule; 3] = [
        Rule::PlaceholderMismatch,
        Rule::MarkupMismatch,
        Rule::UrlMismatch,
    ];

    fn no_glossary() -> Glossary {
        Glossary::from_entries(vec![Lang::Fr, Lang::En], Vec::new())
    }

    /// Only the three rules on, so that the other rules' findings on short texts do not
    /// get in the way.
    fn only_these(off: &[Rule]) -> Options {
        let mut options = Options::default();
        for rule in Rule::ALL
            .iter()
            .filter(|r| !RULES.contains(r) || off.contains(r))
        {
            options.severity.insert(*rule, Level::Off);
        }
        options
    }

    const PAIRS: [(&str, &str); 4] = [
        (
            "Bonjour %s, vous avez %d messages.",
            "Hello %s, you have %s messages.",
        ),
        ("Cliquez <b>ici</b>.", "Click <b>here."),
        (
            "Voir https://exemple.fr/aide.",
            "See https://example.com/help.",
        ),
        ("Tout va bien.", "All is well."),
    ];

    #[test]
    fn the_rules_fire_through_check_with_their_ids_and_severity_error() {
        let findings = check(&bitext(&PAIRS), &no_glossary(), &only_these(&[]));
        let got: Vec<(usize, &str, Severity, &str)> = findings
            .iter()
            .map(|f| (f.segment, f.rule.id(), f.severity, f.term.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, "placeholder-mismatch", Severity::Error, "%d"),
                (0, "placeholder-mismatch", Severity::Error, "%s"),
                (1, "markup-mismatch", Severity::Error, "</b>"),
                (
                    2,
                    "url-mismatch",
                    Severity::Error,
                    "https://exemple.fr/aide"
                ),
                (
                    2,
                    "url-mismatch",
                    Severity::Error,
                    "https://example.com/help"
                ),
            ]
        );
        assert!(findings.iter().all(|f| !f.fingerprint.is_empty()));
        for rule in RULES {
            assert_eq!(rule.default_severity(), Severity::Error);
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
            assert!(rule.info().pair_check.is_some());
            assert!(rule.description().len() > 200, "{rule}");
        }
    }

    #[test]
    fn severity_off_silences_each_rule() {
        for rule in RULES {
            let findings = check(&bitext(&PAIRS), &no_glossary(), &only_these(&[rule]));
            assert!(!findings.is_empty());
            assert!(findings.iter().all(|f| f.rule != rule), "{rule}");
        }
        let mut options = only_these(&[]);
        options
            .severity
            .insert(Rule::MarkupMismatch, Level::Warning);
        let findings = check(&bitext(&PAIRS), &no_glossary(), &options);
        let markup: Vec<Severity> = findings
            .iter()
            .filter(|f| f.rule == Rule::MarkupMismatch)
            .map(|f| f.severity)
            .collect();
        assert_eq!(markup, [Severity::Warning]);
    }

    /// The three rules on one pair, through their pair checks.
    fn all_findings(src: &str, tgt: &str) -> Vec<Finding> {
        RULES
            .iter()
            .flat_map(|r| super::testing::run(r.info().pair_check.unwrap(), src, tgt))
            .collect()
    }

    #[test]
    fn ordinary_prose_is_clean() {
        let table = [
            (
                "Le chiffre d'affaires a progressé de 12 % en 2024, contre 8 % un an plus tôt.",
                "Revenue grew 12% in 2024, against 8% a year earlier.",
            ),
            (
                "Selon l'étude, 95 % des répondants (soit 1 200 personnes) sont d'accord : « c'est clair ».",
                "According to the study, 95 % of respondents (1,200 people) agree: \"it's clear\".",
            ),
            ("Si a < b et b > c, alors…", "If a < b and b > c, then…"),
            ("Le taux passe de 3 % à 5 %.", "The rate goes from 3% to 5%."),
            ("Une remise de 50 %.", "A 50% discount."),
            ("I <3 Paris", "J'<3 Paris"),
            ("Coût : 5 $, soit 10 % de moins.", "Cost: $5, i.e. 10% less."),
            ("Note : le %-tage est faible.", "Note: the percentage is low."),
        ];
        for (src, tgt) in table {
            assert_eq!(all_findings(src, tgt), [], "{src} -> {tgt}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Text without `%`, `{`, `<`, `@`, `:` or a `w` has no token: whatever the two
        /// sides say, no finding.
        #[test]
        fn prose_without_trigger_characters_has_no_finding(
            src in "[a-vx-zA-VX-Z0-9 àéèçôœÉ.,;!?'’()«»\\[\\]\"&$#*/\u{a0}\u{202f}-]{0,80}",
            tgt in "[a-vx-zA-VX-Z0-9 àéèçôœÉ.,;!?'’()«»\\[\\]\"&$#*/\u{a0}\u{202f}-]{0,80}",
        ) {
            prop_assert!(all_findings(&src, &tgt).is_empty());
        }

        /// A translation identical to its source has nothing missing or extra, whatever
        /// it holds; and the scanner never panics on any text.
        #[test]
        fn a_copy_has_no_finding(
            text in "([a-z .,()%{}<>/@:$!=\"'#0-9ws]|www\\.|https://|%s|%1\\$d|\\{0\\}|<b>|</b>|é|\u{a0}){0,30}",
        ) {
            prop_assert!(all_findings(&text, &text).is_empty());
        }
    }
}
