//! Protection through machine translation: the placeholders, tags, URLs and e-mail addresses
//! of a segment ([`crate::protect`]) must come back from the engine exactly once each.
//!
//! A backend says how it protects them ([`Shield`]): DeepL wraps them in an ignored XML tag
//! itself ([`xml_wrap`], [`xml_unwrap`]); the other machine backends get them replaced by
//! opaque markers (`@@PH1@@`, [`Masked`]) that the engine puts back afterwards. Either way,
//! [`damage`] then compares the translation's tokens with the source's, with the scanner the
//! check rules use. Translation memories are left alone: their translations are people's,
//! and masking would stop them matching. This module sends nothing and decides no retries;
//! the engine does.

use std::fmt;

use crate::protect::{self, Token};

/// How a backend gets the protected tokens of a segment through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shield {
    /// Not at all, and its translations are not checked (translation memories).
    None,
    /// The backend protects them itself (DeepL's ignored tags); the engine checks.
    Own,
    /// The engine replaces them by opaque markers, puts them back, and checks.
    Markers,
}

/// The marker of the token numbered `n` (from 1).
fn marker(n: usize) -> String {
    format!("@@PH{n}@@")
}

/// A segment with its protected tokens replaced by markers.
#[derive(Debug, Clone, PartialEq)]
pub struct Masked {
    /// What is sent.
    pub text: String,
    /// The tokens as written, marker 1 first.
    tokens: Vec<String>,
}

impl Masked {
    /// Masks the tokens of `source`. A text that already holds something like a marker is
    /// sent as it is: its markers could not be told from ours.
    pub fn new(source: &str) -> Masked {
        let tokens = protect::scan(source);
        if tokens.is_empty() || source.contains("@@") {
            return Masked {
                text: source.to_string(),
                tokens: Vec::new(),
            };
        }
        let mut text = String::with_capacity(source.len());
        let mut at = 0;
        for (k, t) in tokens.iter().enumerate() {
            text.push_str(&source[at..t.span.start]);
            text.push_str(&marker(k + 1));
            at = t.span.end;
        }
        text.push_str(&source[at..]);
        Masked {
            text,
            tokens: tokens.iter().map(|t| t.text(source).to_string()).collect(),
        }
    }

    /// The translation with each marker replaced by its token. Markers are matched with the
    /// spaces and case an engine may give them (`@@ ph1 @@`); one it invented (`@@PH9@@` for
    /// two tokens) or mangled is left as it is, for [`damage`] to find.
    pub fn unmask(&self, translated: &str) -> String {
        if self.tokens.is_empty() {
            return translated.to_string();
        }
        let mut out = String::with_capacity(translated.len());
        let mut rest = translated;
        while let Some(k) = rest.find("@@") {
            out.push_str(&rest[..k]);
            let after = &rest[k + 2..];
            match self.read_marker(after) {
                Some((n, len)) => {
                    out.push_str(&self.tokens[n - 1]);
                    rest = &after[len..];
                }
                None => {
                    out.push_str("@@");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// The token number and the length of ` PH1 @@` at the start of `s` (after a `@@`).
    fn read_marker(&self, s: &str) -> Option<(usize, usize)> {
        let body = s.trim_start_matches(' ');
        let mut len = s.len() - body.len();
        let name = body.get(..2).filter(|p| p.eq_ignore_ascii_case("ph"))?;
        len += name.len();
        let digits = body[2..].bytes().take_while(u8::is_ascii_digit).count();
        let n: usize = body[2..2 + digits].parse().ok()?;
        len += digits;
        let tail = &body[2 + digits..];
        let trimmed = tail.trim_start_matches(' ');
        len += tail.len() - trimmed.len();
        if !trimmed.starts_with("@@") || n == 0 || n > self.tokens.len() {
            return None;
        }
        Some((n, len + 2))
    }
}

/// The tag DeepL is told to leave alone (`ignore_tags`).
pub const IGNORED_TAG: &str = "ph";

/// Whether `source` has anything to protect, so that a DeepL batch needs XML handling.
pub fn needs_xml(source: &str) -> bool {
    !protect::scan(source).is_empty()
}

/// `source` as XML for DeepL's `tag_handling=xml`: text escaped, each protected token
/// escaped inside `<ph>…</ph>`, which DeepL keeps untranslated (`ignore_tags`).
pub fn xml_wrap(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 16);
    let mut at = 0;
    for t in protect::scan(source) {
        escape_into(&source[at..t.span.start], &mut out);
        out.push_str(&format!("<{IGNORED_TAG}>"));
        escape_into(t.text(source), &mut out);
        out.push_str(&format!("</{IGNORED_TAG}>"));
        at = t.span.end;
    }
    escape_into(&source[at..], &mut out);
    out
}

/// DeepL's XML reply as text: the ignored tags dropped around their content, entities
/// resolved. Other tags DeepL could add are kept as written, for [`damage`] to find.
pub fn xml_unwrap(reply: &str) -> String {
    let open = format!("<{IGNORED_TAG}>");
    let close = format!("</{IGNORED_TAG}>");
    let stripped = reply.replace(&open, "").replace(&close, "");
    unescape(&stripped)
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// Resolves the five XML entities and numeric references; anything else stays as written.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        let after = &rest[k..];
        let end = after.find(';').filter(|&e| e <= 10);
        let resolved = end.and_then(|e| {
            let c = match &after[1..e] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                n => {
                    let code = match n.strip_prefix("#x").or_else(|| n.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => n.strip_prefix('#').and_then(|d| d.parse().ok()),
                    };
                    char::from_u32(code?)?
                }
            };
            Some((c, e + 1))
        });
        match resolved {
            Some((c, len)) => {
                out.push(c);
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What a translation did to the protected tokens of its source: those it lost and those it
/// added (a duplicate counts as added), as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Damage {
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.missing.is_empty() {
            parts.push(format!("lost {}", self.missing.join(" ")));
        }
        if !self.extra.is_empty() {
            parts.push(format!("added {}", self.extra.join(" ")));
        }
        f.write_str(&parts.join(", "))
    }
}

/// `None` when `translation` has the protected tokens of `source`, each as many times and
/// in any order (compared as the check rules compare them); otherwise what changed. A marker
/// left in the translation that the source did not have counts as added.
pub fn damage(source: &str, translation: &str) -> Option<Damage> {
    let src = protect::scan(source);
    let tgt = protect::scan(translation);
    let (missing, extra) = protect::diff(&src, &tgt);
    let written = |tokens: &[Token], text: &str, which: &[usize]| -> Vec<String> {
        which
            .iter()
            .map(|&k| tokens[k].text(text).to_string())
            .collect()
    };
    let mut d = Damage {
        missing: written(&src, source, &missing),
        extra: written(&tgt, translation, &extra),
    };
    if !source.contains("@@") {
        d.extra.extend(leftover_markers(translation));
    }
    (!d.missing.is_empty() || !d.extra.is_empty()).then_some(d)
}

/// Marker-like text (`@@PH7@@`) in `text`.
fn leftover_markers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(k) = rest.find("@@") {
        let after = &rest[k + 2..];
        match after.find("@@").filter(|&e| e <= 8) {
            Some(e) => {
                out.push(format!("@@{}@@", &after[..e]));
                rest = &after[e + 2..];
            }
            None => rest = after,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_replace_tokens_and_come_back_in_any_order() {
        let source = "Bonjour %s, <b>voir</b> https://exemple.fr/a.";
        let m = Masked::new(source);
        assert_eq!(m.text, "Bonjour @@PH1@@, @@PH2@@voir@@PH3@@ @@PH4@@.");
        let back = m.unmask("@@PH4@@: hello @@PH1@@, @@ph2@@see@@ PH3 @@.");
        assert_eq!(back, "https://exemple.fr/a: hello %s, <b>see</b>.");
        assert_eq!(damage(source, &back), None);
        // Nothing to protect, or markers of its own: sent as it is.
        assert_eq!(Masked::new("Rien ici.").text, "Rien ici.");
        assert_eq!(Masked::new("@@x@@ %s").text, "@@x@@ %s");
    }

    #[test]
    fn lost_duplicated_and_invented_markers_are_damage() {
        let source = "%s a %d fichiers";
        let m = Masked::new(source);
        let lost = m.unmask("@@PH1@@ has files");
        assert_eq!(
            damage(source, &lost),
            Some(Damage {
                missing: vec!["%d".into()],
                extra: vec![]
            })
        );
        let twice = m.unmask("@@PH1@@ has @@PH2@@ files of @@PH1@@");
        assert_eq!(damage(source, &twice).unwrap().extra, ["%s"]);
        let invented = m.unmask("@@PH1@@ has @@PH2@@ files @@PH3@@");
        assert_eq!(invented, "%s has %d files @@PH3@@");
        assert_eq!(damage(source, &invented).unwrap().extra, ["@@PH3@@"]);
        let mangled = m.unmask("PH1 has @@PH2@@ files");
        let d = damage(source, &mangled).unwrap();
        assert_eq!(d.missing, ["%s"]);
        assert_eq!(d.to_string(), "lost %s");
    }

    #[test]
    fn translated_prose_around_tokens_is_no_damage() {
        assert_eq!(damage("95 % des cas", "95% of cases"), None);
        assert_eq!(
            damage("Voir https://exemple.fr/a.", "See https://exemple.fr/a"),
            None
        );
        assert_eq!(
            damage("{0} sur {1}", "{1} of {0}").map(|d| d.to_string()),
            None
        );
        assert_eq!(
            damage("{0} sur {1}", "{0} of {0}").map(|d| d.to_string()),
            Some("lost {1}, added {0}".to_string())
        );
    }

    #[test]
    fn xml_for_deepl_escapes_text_and_ignores_tokens() {
        let source = "R&D : <b>%s</b> < 5 {name}";
        let xml = xml_wrap(source);
        assert_eq!(
            xml,
            "R&amp;D : <ph>&lt;b&gt;</ph><ph>%s</ph><ph>&lt;/b&gt;</ph> &lt; 5 <ph>{name}</ph>"
        );
        assert!(needs_xml(source) && !needs_xml("Rien."));
        // DeepL answers in XML too: the ignored tags keep their content.
        let reply = "R&amp;D: <ph>{name}</ph> <ph>&lt;b&gt;</ph><ph>%s</ph><ph>&lt;/b&gt;</ph> &lt; 5 &#233;";
        let text = xml_unwrap(reply);
        assert_eq!(text, "R&D: {name} <b>%s</b> < 5 é");
        assert_eq!(damage(source, &text), None);
        assert_eq!(xml_unwrap("a &bogus; & b"), "a &bogus; & b");
    }
}
