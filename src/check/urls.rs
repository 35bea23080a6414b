//! url-mismatch: the URLs and e-mail addresses of the source must be in the translation
//! unchanged, and the translation must not add others. Schemes, hosts and e-mail domains
//! compare case-insensitively; see [`crate::protect`] for where a URL ends.

use super::protected;
use super::{Finding, Rule};
use super::{RuleInfo, Severity};
use crate::protect::{self, Kind, Token};
use crate::text::Pair;

pub(super) const URL_MISMATCH: RuleInfo = RuleInfo {
    id: "url-mismatch",
    default_severity: Severity::Error,
    summary: "URL or e-mail address changed, dropped or added",
    description: "Every URL (http, https, ftp, ftps, or a host starting with www.) and every \
        e-mail address of the source must be in the translation exactly as written, and the \
        translation must have no other. Only the scheme, the host and an address's domain \
        compare case-insensitively: a changed path, a trailing slash, http for https or a \
        dropped https:// before www. count. The punctuation that follows a URL in a \
        sentence (a full stop, a comma, a colon, a closing parenthesis, bracket or quote, \
        ») is not part of it, but a parenthesis opened inside it is \
        (https://en.wikipedia.org/wiki/Foo_(bar)). URLs in a tag's href or src are checked \
        by markup-mismatch. To fix, copy the address from the source; if the translation \
        rightly points at a translated page, accept the finding in a baseline.",
    pair_check: Some(check),
    needs_glossary: false,
};

fn check(segment: usize, pair: &Pair, out: &mut Vec<Finding>) {
    if !protect::may_have_links(&pair.src) && !protect::may_have_links(&pair.tgt) {
        return;
    }
    let (src, tgt) = protected::tokens(pair, |k| matches!(k, Kind::Url | Kind::Email));
    let (missing, extra) = protect::diff(&src, &tgt);
    protected::report(
        Rule::UrlMismatch,
        segment,
        pair,
        (&src, &tgt),
        (&missing, &extra),
        |token, t| format!("{} {t} is not in the translation", what(token)),
        |token, t| format!("the translation has an extra {} {t}", what(token)),
        out,
    );
}

fn what(token: &Token) -> &'static str {
    match token.kind {
        Kind::Email => "e-mail address",
        _ => "URL",
    }
}

#[cfg(test)]
mod tests {
    use super::super::protected::testing::{assert_clean, found, run, t};
    use super::*;

    #[test]
    fn the_same_addresses_are_clean_whatever_surrounds_them() {
        assert_clean(
            check,
            &[
                (
                    "Voir https://exemple.fr/aide.",
                    "See https://exemple.fr/aide for help.",
                ),
                (
                    "(voir https://exemple.fr/aide)",
                    "See https://exemple.fr/aide.",
                ),
                (
                    "Lisez https://en.wikipedia.org/wiki/Foo_(bar).",
                    "Read https://en.wikipedia.org/wiki/Foo_(bar), then…",
                ),
                (
                    "(https://en.wikipedia.org/wiki/Foo_(bar))",
                    "https://en.wikipedia.org/wiki/Foo_(bar)",
                ),
                ("« https://exemple.fr »,", "\"https://exemple.fr\";"),
                ("Site : www.exemple.fr.", "Website: www.exemple.fr!"),
                (
                    "Écrivez à contact@exemple.fr.",
                    "Write to contact@exemple.fr",
                ),
                ("HTTPS://Exemple.FR/Aide", "https://exemple.fr/Aide"),
                ("Jean@Exemple.FR", "Jean@exemple.fr"),
                ("ftp://ftp.exemple.fr/pub/", "ftp://ftp.exemple.fr/pub/"),
                (
                    "<a href=\"https://exemple.fr\">site</a>",
                    "<a href=\"https://example.com\">site</a>",
                ),
            ],
        );
    }

    #[test]
    fn prose_is_not_an_address() {
        assert_clean(
            check,
            &[
                ("Note : voir plus bas.", "Note: see below."),
                ("@jean a répondu", "@john replied"),
                ("le préfixe www. est désuet", "the prefix is old"),
                ("rendez-vous à 10 h @ la gare", "meet at 10 @ the station"),
            ],
        );
    }

    #[test]
    fn changed_dropped_and_added_addresses() {
        assert_eq!(
            found(
                check,
                "Voir https://exemple.fr/aide.",
                "See https://exemple.fr/help."
            ),
            [
                t("https://exemple.fr/aide", "missing"),
                t("https://exemple.fr/help", "extra")
            ]
        );
        assert_eq!(
            found(check, "Voir https://exemple.fr/aide.", "See the help page."),
            [t("https://exemple.fr/aide", "missing")]
        );
        assert_eq!(
            found(check, "Voir http://exemple.fr", "See https://exemple.fr"),
            [
                t("http://exemple.fr", "missing"),
                t("https://exemple.fr", "extra")
            ]
        );
        assert_eq!(
            found(
                check,
                "Contact : jean@exemple.fr.",
                "Contact: john@example.com."
            ),
            [
                t("jean@exemple.fr", "missing"),
                t("john@example.com", "extra")
            ]
        );
        assert_eq!(
            found(check, "Voir www.exemple.fr", "See www.example.com"),
            [
                t("www.exemple.fr", "missing"),
                t("www.example.com", "extra")
            ]
        );
        assert_eq!(
            found(check, "Le site.", "The site (https://exemple.fr)."),
            [t("https://exemple.fr", "extra")]
        );
        // The path is compared as written.
        assert_eq!(
            found(check, "https://exemple.fr/Aide", "https://exemple.fr/aide"),
            [
                t("https://exemple.fr/Aide", "missing"),
                t("https://exemple.fr/aide", "extra")
            ]
        );
        let findings = run(check, "Voir https://exemple.fr.", "See the site.");
        assert_eq!(
            findings[0].message,
            "URL https://exemple.fr is not in the translation"
        );
        let findings = run(check, "a@exemple.fr", "b@exemple.fr");
        assert_eq!(
            findings[0].message,
            "e-mail address a@exemple.fr is not in the translation"
        );
        assert_eq!(
            findings[1].message,
            "the translation has an extra e-mail address b@exemple.fr"
        );
    }
}
