//! placeholder-mismatch: the translation must have the source's placeholders (`%s`, `%1$s`,
//! `%(name)s`, `{name}`, `{0}`, `${var}`, the argument of `{count, plural, …}`), each as
//! often, in any order. See [`crate::protect`] for what is a placeholder and what is a
//! percent sign or a brace in prose.

use super::protected;
use super::{Finding, Rule};
use super::{RuleInfo, Severity};
use crate::protect::{self, Kind, Numbering, Token};
use crate::text::{Pair, Span};

pub(super) const PLACEHOLDER_MISMATCH: RuleInfo = RuleInfo {
    id: "placeholder-mismatch",
    default_severity: Severity::Error,
    summary: "Placeholder missing from the translation, changed or added",
    description: "The source and the translation must have the same placeholders, each as \
        many times, in any order: printf conversions (%s, %d, %.2f, %-5d, %ld, %1$s), Python's \
        %(name)s, Ruby's %{name}, Symfony's %name%, brace fields ({0}, {name}, {}, {0:.2f}, \
        and {{name}} when the text has no single-brace field), ${var}, and the argument of an \
        ICU or Fluent select ({count, plural, ...} counts as {count}; its branches are text \
        to translate). Placeholders compare as written: %s is not %d, {name} is not {nom}, \
        and %1$s keeps its number when the order changes. Unnumbered conversions take their \
        arguments in order, so they must keep the source's order (%s ... %d as %d ... %s is \
        reported, as msgfmt -c does); to reorder, a translation may number them (%s ... %d \
        as %2$d ... %1$s), as gettext allows. %%, \
        {{ and }} are escapes, a percent sign after a number (\"95 %\", \"5%\"), before a \
        space or before a word (\"%age\") is typography, and the conversions of a strftime \
        date format (%d %B %Y) are not compared. To fix, copy the source's placeholders into \
        the translation unchanged: a program fills them in, and a missing, renamed or extra \
        one makes it fail or show the wrong value.",
    pair_check: Some(check),
    needs_glossary: false,
};

fn check(segment: usize, pair: &Pair, out: &mut Vec<Finding>) {
    if !protect::may_have_placeholders(&pair.src) && !protect::may_have_placeholders(&pair.tgt) {
        return;
    }
    let (mut src, mut tgt) = protected::tokens(pair, |k| k == Kind::Placeholder);
    if protect::is_date_format(&pair.src) || protect::is_date_format(&pair.tgt) {
        // "%a %d %b %Y" → "%A %e %B %Y": a date, written the translation's way.
        let printf = |t: &Token| protect::printf_numbering(t).is_some();
        src.retain(|t| !printf(t));
        tgt.retain(|t| !printf(t));
    }
    // `%s %s` may become `%2$s %1$s` (and back): compare both numbered.
    let numbering = |tokens: &[Token]| {
        let n = |which| {
            tokens
                .iter()
                .any(|t| protect::printf_numbering(t) == Some(which))
        };
        (n(Numbering::Numbered), n(Numbering::Unnumbered))
    };
    match (numbering(&src), numbering(&tgt)) {
        ((false, true), (true, false)) => protect::number_printf(&mut src),
        ((true, false), (false, true)) => protect::number_printf(&mut tgt),
        _ => {}
    }
    let (missing, extra) = protect::diff(&src, &tgt);
    protected::report(
        Rule::PlaceholderMismatch,
        segment,
        pair,
        (&src, &tgt),
        (&missing, &extra),
        |_, t| format!("placeholder {t} is missing from the translation"),
        |_, t| format!("the translation has an extra placeholder {t}"),
        out,
    );
    if missing.is_empty() && extra.is_empty() {
        out_of_order(segment, pair, &src, &tgt, out);
    }
    lone_percent(segment, pair, &src, &tgt, out);
}

/// In a printf format, `%%` is the only way to write a percent sign: a source with
/// conversions that writes `%%` is a format string, and so is its translation, where a bare
/// `%` ("100% of %s") is a broken directive (printf reads "% o" as an octal conversion).
/// Reports the first bare `%` of such a translation when it has more than the source (whose
/// own are not the translation's doing). A translation that drops the percent sign
/// altogether is not reported: it may have rephrased.
fn lone_percent(segment: usize, pair: &Pair, src: &[Token], tgt: &[Token], out: &mut Vec<Finding>) {
    let Some(escape) = pair.src.find("%%") else {
        return;
    };
    if !src.iter().any(|t| protect::printf_numbering(t).is_some()) {
        return;
    }
    let bare_in_source = bare_percents(&pair.src, src).count();
    if let Some(at) = bare_percents(&pair.tgt, tgt).nth(bare_in_source) {
        let message = "the translation has a bare % in a printf format, where the source \
            writes %%: write %% for a percent sign"
            .to_string();
        out.push(
            Finding::new(Rule::PlaceholderMismatch, segment, "%%", message)
                .source(Span::new(escape, escape + 2))
                .target(Some(Span::new(at, at + 1))),
        );
    }
}

/// Where `text` has a `%` that is neither half of a `%%` nor the start of one of its
/// placeholder `tokens`.
fn bare_percents<'a>(text: &'a str, tokens: &'a [Token]) -> impl Iterator<Item = usize> + 'a {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(k) = memchr::memchr(b'%', b.get(i..)?) {
            let at = i + k;
            if b.get(at + 1) == Some(&b'%') {
                i = at + 2;
            } else if let Some(t) = tokens.iter().find(|t| t.span.start == at) {
                i = t.span.end;
            } else {
                i = at + 1;
                return Some(at);
            }
        }
        None
    })
}

/// Unnumbered printf conversions take their arguments in the order they are written, so a
/// translation that swaps `%s` and `%d` passes a number where a string is read (as msgfmt
/// -c reports it). Swapping two alike (`%s … %s`) changes nothing a checker can see. Reports
/// the first conversion that differs, pointing at both sides.
fn out_of_order(segment: usize, pair: &Pair, src: &[Token], tgt: &[Token], out: &mut Vec<Finding>) {
    let unnumbered = |tokens: &'_ [Token]| -> Vec<usize> {
        (0..tokens.len())
            .filter(|&k| protect::printf_numbering(&tokens[k]) == Some(Numbering::Unnumbered))
            .collect()
    };
    let (s, t) = (unnumbered(src), unnumbered(tgt));
    let first = s.iter().zip(&t).find(|(&a, &b)| src[a].key != tgt[b].key);
    if let Some((&a, &b)) = first {
        let (written_src, written_tgt) = (src[a].text(&pair.src), tgt[b].text(&pair.tgt));
        let message = format!(
            "placeholder {written_tgt} of the translation takes the argument of {written_src}: \
             unnumbered placeholders must keep the source's order (number them, as %1$s, to \
             reorder)"
        );
        out.push(
            Finding::new(Rule::PlaceholderMismatch, segment, written_src, message)
                .source(src[a].span)
                .target(Some(tgt[b].span)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::protected::testing::{assert_clean, found, run, t};
    use super::*;

    #[test]
    fn same_placeholders_in_any_order_are_clean() {
        assert_clean(
            check,
            &[
                ("%s a envoyé %d fichiers.", "%s sent %d files."),
                ("Il reste %d fichiers pour %d.", "%d has %d files left."),
                ("%1$s a écrit à %2$s.", "%2$s got a letter from %1$s."),
                ("%2$s, %1$s", "%2$s, %1$s"),
                ("{name} a {count} messages", "{count} messages for {name}"),
                ("{0} sur {1}", "{0} of {1}"),
                ("Bonjour %(name)s !", "Hello %(name)s!"),
                ("Total : %.2f €", "Total: €%.2f"),
                ("[%-5d] %ld octets", "[%-5d] %ld bytes"),
                ("Chemin : ${HOME}/docs", "Path: ${ HOME }/docs"),
                ("Salut %{user}", "Hi %{user}"),
                ("Salut %user%", "Hi %user%"),
                ("{ $count } fichiers", "{ $count } files"),
            ],
        );
    }

    #[test]
    fn a_translation_may_number_what_the_source_does_not() {
        assert_clean(
            check,
            &[
                ("%s de %s", "%2$s's %1$s"),
                (
                    "argument %2$s de --%1$s incorrect",
                    "invalid --%s argument %s",
                ),
                ("%s \"%.*s\" créé", "%1$s « %3$.*2$s » créé"),
                ("%s pour %user%", "%user% gets %1$s"),
                ("%s : %m", "%1$s: %m"),
            ],
        );
        // The numbers give the arguments their types: %s %d is not %2$s %1$d.
        assert_eq!(
            found(check, "%s a %d", "%2$s has %1$d"),
            [
                t("%s", "missing"),
                t("%d", "missing"),
                t("%2$s", "extra"),
                t("%1$d", "extra")
            ]
        );
    }

    #[test]
    fn unnumbered_conversions_keep_their_order() {
        let (src, tgt) = ("Il reste %d fichiers pour %s.", "%s has %d files left.");
        let findings = run(check, src, tgt);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let (s, g) = (
            findings[0].source_span.unwrap(),
            findings[0].target_span.unwrap(),
        );
        assert_eq!((s.slice(src), s.start), ("%d", 9));
        assert_eq!((g.slice(tgt), g.start), ("%s", 0));
        assert!(findings[0].message.contains("keep the source's order"));
        // Alike conversions may swap; numbered ones may move; numbering them fixes it.
        assert_clean(
            check,
            &[
                ("%s puis %s", "%s then %s"),
                ("%1$d puis %2$s", "%2$s then %1$d"),
                ("Il reste %d fichiers pour %s.", "%2$s has %1$d files left."),
                ("%s : %(n)d", "%(n)d: %s"),
            ],
        );
        // Out of order and one dropped: the dropped one is what is reported.
        assert_eq!(
            found(check, "%d et %s et %d", "%s and %d"),
            [t("%d", "missing")]
        );
    }

    #[test]
    fn date_formats_are_the_translations_to_write() {
        assert_clean(
            check,
            &[
                ("%a %b %e %H:%M:%S %Z %Y", "%A %e %B %Y à %H:%M:%S %Z"),
                ("%d/%m/%Y", "%m/%d/%Y"),
                ("Every %.1fs", "Toutes les %.1lfs"),
            ],
        );
    }

    #[test]
    fn escapes_are_not_placeholders() {
        assert_clean(
            check,
            &[
                ("100%% de %s", "100%% of %s"),
                ("Réussite : %d%%", "Success: %d%%"),
                ("%s%%", "%s %%"),
                (
                    "Utilisez {{ et }} autour de {0}",
                    "Use {{ and }} around {0}",
                ),
                ("{{{0}}}", "{{{0}}}"),
                ("Écrivez {{nom}} pour {0}", "Write {{name}} for {0}"),
            ],
        );
        // A translation may drop a percent sign, rephrasing…
        assert_eq!(found(check, "%s à 100%%", "%s, fully"), []);
        assert_eq!(found(check, "100%% sûr", "100% sure"), []);
        // …but not write a bare one in a printf format: "% o" would be read as a conversion.
        let (src, tgt) = ("100%% de %s", "100% of %s");
        let findings = run(check, src, tgt);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].source_span.map(|s| s.slice(src)), Some("%%"));
        assert_eq!(findings[0].target_span.map(|s| s.start), Some(3));
        assert_clean(
            check,
            &[
                ("100%% de %s", "100%% of %s"),
                ("%s : %d%%", "%s: %d%%"),
                ("%s%swww.%%s", "%s%swww.%%s"),
                ("%s : 100%%", "%s: 100%%"),
            ],
        );
    }

    #[test]
    fn french_and_english_percentages_are_text() {
        assert_clean(
            check,
            &[
                ("Une hausse de 95 %.", "A 95% rise."),
                ("95 % des cas", "95% of cases"),
                ("10 % en moyenne", "10% on average"),
                ("Une remise de 50 %.", "A 50% discount."),
                ("(soit 100 %)", "(i.e. 100%)"),
                ("de 3 % à 5 %", "from 3% to 5%"),
                ("95\u{202f}% des votants", "95% of voters"),
                ("la part en % du PIB", "the share as a % of GDP"),
                ("une hausse de 5%s", "a 5% rise"),
                ("Le %age baisse", "The percentage falls"),
            ],
        );
        // …next to a real placeholder, which still counts.
        assert_eq!(
            found(check, "%s : 95 % de %d", "%s: 95% of"),
            [t("%d", "missing")]
        );
    }

    #[test]
    fn a_changed_placeholder_is_one_missing_and_one_extra() {
        assert_eq!(
            found(check, "Vous avez %s messages.", "You have %d messages."),
            [t("%s", "missing"), t("%d", "extra")]
        );
        assert_eq!(
            found(check, "Bonjour {name} !", "Hello {nom}!"),
            [t("{name}", "missing"), t("{nom}", "extra")]
        );
        assert_eq!(
            found(check, "%1$s et %2$s", "%1$s and %1$s"),
            [t("%2$s", "missing"), t("%1$s", "extra")]
        );
        assert_eq!(
            found(check, "%(name)s arrive", "%(nom)s arrives"),
            [t("%(name)s", "missing"), t("%(nom)s", "extra")]
        );
        assert_eq!(
            found(check, "Dossier ${dir}", "Folder ${folder}"),
            [t("${dir}", "missing"), t("${folder}", "extra")]
        );
    }

    #[test]
    fn dropped_and_duplicated_placeholders() {
        assert_eq!(found(check, "%s sur %s", "%s"), [t("%s", "missing")]);
        assert_eq!(found(check, "%d fichier", "%d file %d"), [t("%d", "extra")]);
        assert_eq!(found(check, "{0} et {1}", "{0} and"), [t("{1}", "missing")]);
        assert_eq!(
            found(check, "Bonjour", "Hello {name}"),
            [t("{name}", "extra")]
        );
        // The dropped one is the second: the first pairs first.
        let findings = run(check, "%s sur %s", "%s");
        assert_eq!(findings[0].source_span.map(|s| s.start), Some(7));
        assert_eq!(
            findings[0].message,
            "placeholder %s is missing from the translation"
        );
        let findings = run(check, "%d", "%d %d");
        assert_eq!(findings[0].target_span.map(|s| s.start), Some(3));
        assert_eq!(
            findings[0].message,
            "the translation has an extra placeholder %d"
        );
    }

    #[test]
    fn icu_messages_compare_their_argument_not_their_branches() {
        assert_clean(
            check,
            &[(
                "{count, plural, one {# fichier} many {# de fichiers} other {# fichiers}}",
                "{count, plural, one {# file} other {# files}}",
            )],
        );
        assert_eq!(
            found(
                check,
                "{count, plural, one {# fichier} other {# fichiers}}",
                "{n, plural, one {# file} other {# files}}"
            ),
            [
                t(
                    "{count, plural, one {# fichier} other {# fichiers}}",
                    "missing"
                ),
                t("{n, plural, one {# file} other {# files}}", "extra")
            ]
        );
    }

    #[test]
    fn braces_in_prose_are_not_placeholders() {
        assert_clean(
            check,
            &[
                ("l'ensemble {1, 2, 3}", "the set {1, 2, 3, 4}"),
                ("{x | x > 0}", "{y | y > 0}"),
                ("Il coûte 5 $.", "It costs $5."),
            ],
        );
    }
}
