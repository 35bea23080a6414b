//! Words as the glossary matcher (and the aligner's cognate cost) sees them: the tokenisation,
//! folding and stemming shared by glossary terms and the texts they are looked for in.
//!
//! A [`Normalizer`] cuts a text into word tokens and gives each one's byte span in the
//! original, so a match is always reported where it was written. A token is a run of letters,
//! digits and combining marks; an apostrophe between two letters stays inside it (`aujourd'hui`,
//! `don't`), except that French elisions are split off (`l'humanité` gives `l` and `humanité`,
//! `qu'il` gives `qu` and `il`) and an English possessive `'s` is dropped (`Microsoft's` gives
//! `Microsoft`). Hyphens separate tokens. Between two tokens, [`Token::joined`] says whether
//! only spaces, hyphens and apostrophes stand between them: a multi-word term never matches
//! across other punctuation.
//!
//! Folding ([`Normalizer::fold_into`]) is what makes two spellings of one word equal: Unicode
//! NFC, lower case, typographic apostrophes to `'`, the `œ`/`æ` and `ﬁ`/`ﬂ` ligatures spelled
//! out. Stemming ([`Normalizer::stem`]) is Snowball (French, English) on a folded token, so that
//! plurals and most feminines meet (`centrales` and `centrale`, `crimes` and `crime`); other
//! languages are not stemmed. No-break and narrow no-break spaces are spaces like any other,
//! and quotes are never part of a token. Nothing here knows about glossary entries.

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::text::{Lang, Span};

/// French words that elide their vowel before another word: `l'`, `d'`, `qu'`, `jusqu'`...
const ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// Tokenises, folds and stems text of one language.
pub struct Normalizer {
    lang: Lang,
    stemmer: Option<Stemmer>,
}

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Normalizer")
            .field("lang", &self.lang)
            .finish()
    }
}

impl Clone for Normalizer {
    fn clone(&self) -> Normalizer {
        Normalizer::new(&self.lang)
    }
}

/// One word of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Where the word is in the original text.
    pub span: Span,
    /// Only spaces, hyphens or apostrophes separate this token from the previous one, so a
    /// multi-word term may run across the gap.
    pub joined: bool,
}

/// A token with its folded form and stem, as [`Normalizer::normalize`] gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub span: Span,
    pub joined: bool,
    pub folded: String,
    pub stem: String,
}

impl Normalizer {
    pub fn new(lang: &Lang) -> Normalizer {
        let stemmer = match lang {
            Lang::Fr => Some(Stemmer::create(Algorithm::French)),
            Lang::En => Some(Stemmer::create(Algorithm::English)),
            Lang::Other(_) => None,
        };
        Normalizer {
            lang: lang.clone(),
            stemmer,
        }
    }

    pub fn lang(&self) -> &Lang {
        &self.lang
    }

    /// The word tokens of `text`, in order.
    pub fn tokens<'t>(&self, text: &'t str) -> Tokens<'t> {
        Tokens {
            text,
            pos: 0,
            pending: None,
            french: self.lang == Lang::Fr,
            english: self.lang == Lang::En,
        }
    }

    /// Appends the folded form of `word` (one token) to `out`.
    pub fn fold_into(&self, word: &str, out: &mut String) {
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
            return;
        }
        let nfc: Cow<str> = match is_nfc_quick(word.chars()) {
            IsNormalized::Yes => Cow::Borrowed(word),
            _ => Cow::Owned(word.nfc().collect()),
        };
        for c in nfc.chars() {
            match c {
                '\u{2019}' | '\u{2018}' | '\u{02bc}' | '\u{2032}' => out.push('\''),
                'œ' | 'Œ' => out.push_str("oe"),
                'æ' | 'Æ' => out.push_str("ae"),
                'ﬁ' => out.push_str("fi"),
                'ﬂ' => out.push_str("fl"),
                'ﬀ' => out.push_str("ff"),
                c => out.extend(c.to_lowercase()),
            }
        }
    }

    /// The folded form of one token.
    pub fn fold(&self, word: &str) -> String {
        let mut out = String::with_capacity(word.len());
        self.fold_into(word, &mut out);
        out
    }

    /// The stem of a folded token (the token itself for languages without a stemmer).
    pub fn stem<'w>(&self, folded: &'w str) -> Cow<'w, str> {
        match &self.stemmer {
            Some(s) => s.stem(folded),
            None => Cow::Borrowed(folded),
        }
    }

    /// Every token of `text` with its folded form and stem. Convenient, but allocates for
    /// each token; the matcher folds into reused buffers instead.
    pub fn normalize(&self, text: &str) -> Vec<Normalized> {
        self.tokens(text)
            .map(|t| {
                let folded = self.fold(t.span.slice(text));
                let stem = self.stem(&folded).into_owned();
                Normalized {
                    span: t.span,
                    joined: t.joined,
                    folded,
                    stem,
                }
            })
            .collect()
    }

    /// The spelling of a token that exact comparisons use: NFC, apostrophes folded, case and
    /// ligatures kept.
    pub fn surface_into(&self, word: &str, out: &mut String) {
        if word.is_ascii() {
            out.push_str(word);
            return;
        }
        for c in word.nfc() {
            out.push(if is_apostrophe(c) { '\'' } else { c });
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Iterator over the tokens of a text; see [`Normalizer::tokens`].
#[derive(Debug, Clone)]
pub struct Tokens<'t> {
    text: &'t str,
    pos: usize,
    /// The second half of a split elision, returned on the next call.
    pending: Option<Token>,
    french: bool,
    english: bool,
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        if let Some(t) = self.pending.take() {
            return Some(t);
        }
        let text = self.text;
        let bytes = text.as_bytes();
        // Skip the gap, noting whether it breaks terms.
        let mut joined = self.pos > 0;
        let start = loop {
            if self.pos >= bytes.len() {
                return None;
            }
            let b = bytes[self.pos];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    break self.pos;
                }
                if !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'-' | b'\'') {
                    joined = false;
                }
                self.pos += 1;
            } else {
                let c = text[self.pos..].chars().next().unwrap_or(' ');
                if is_word_char(c) {
                    break self.pos;
                }
                if !(c.is_whitespace() || is_apostrophe(c) || matches!(c, '\u{2010}' | '\u{2011}'))
                {
                    joined = false;
                }
                self.pos += c.len_utf8();
            }
        };
        // The word: letters, digits, marks, and apostrophes between letters.
        let mut end = start;
        let mut apostrophes: [usize; 2] = [usize::MAX; 2];
        let mut n_apos = 0;
        while let Some(c) = text[end..].chars().next() {
            if is_word_char(c) {
                end += c.len_utf8();
                continue;
            }
            if is_apostrophe(c) {
                let after = end + c.len_utf8();
                if text[after..].chars().next().is_some_and(is_word_char) {
                    if n_apos < 2 {
                        apostrophes[n_apos] = end;
                    }
                    n_apos += 1;
                    end = after;
                    continue;
                }
            }
            break;
        }
        self.pos = end;
        let mut token = Token {
            span: Span::new(start, end),
            joined,
        };
        if n_apos == 0 {
            return Some(token);
        }
        let first = apostrophes[0];
        if self.french && is_elision(&text[start..first]) {
            let apos_len = text[first..].chars().next().map_or(1, char::len_utf8);
            let rest = Token {
                span: Span::new(first + apos_len, end),
                joined: true,
            };
            // "qu'aujourd'hui": the rest may itself hold an apostrophe, but not an elision
            // worth splitting again in practice; keep it whole.
            token.span = Span::new(start, first);
            self.pending = Some(rest);
            return Some(token);
        }
        if self.english && n_apos == 1 {
            let tail = &text[first..end];
            let mut chars = tail.chars();
            chars.next();
            if matches!(chars.as_str(), "s" | "S") {
                token.span = Span::new(start, first);
            }
        }
        Some(token)
    }
}

fn is_elision(prefix: &str) -> bool {
    prefix.len() <= 6 && ELISIONS.iter().any(|e| prefix.eq_ignore_ascii_case(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(lang: Lang, text: &str) -> Vec<&str> {
        Normalizer::new(&lang)
            .tokens(text)
            .map(|t| t.span.slice(text))
            .collect()
    }

    fn stems(lang: Lang, text: &str) -> Vec<String> {
        Normalizer::new(&lang)
            .normalize(text)
            .into_iter()
            .map(|n| n.stem)
            .collect()
    }

    #[test]
    fn french_elisions_are_split_off() {
        assert_eq!(
            words(
                Lang::Fr,
                "l’humanité d'IA qu'il aujourd'hui jusqu'à L'Oréal"
            ),
            [
                "l",
                "humanité",
                "d",
                "IA",
                "qu",
                "il",
                "aujourd'hui",
                "jusqu",
                "à",
                "L",
                "Oréal"
            ]
        );
    }

    #[test]
    fn english_possessives_are_dropped() {
        assert_eq!(
            words(Lang::En, "Microsoft’s cloud, the employees' union, don't"),
            ["Microsoft", "cloud", "the", "employees", "union", "don't"]
        );
    }

    #[test]
    fn spans_point_into_the_original_on_non_ascii_text() {
        let text = "«\u{a0}Crimes contre l’humanité\u{a0}» à 4,20\u{a0}€";
        let fr = Normalizer::new(&Lang::Fr);
        for t in fr.tokens(text) {
            assert!(!t.span.slice(text).is_empty());
        }
        let found: Vec<&str> = fr.tokens(text).map(|t| t.span.slice(text)).collect();
        assert_eq!(found, ["Crimes", "contre", "l", "humanité", "à", "4", "20"]);
    }

    #[test]
    fn decomposed_accents_and_ligatures_fold_like_composed_ones() {
        let fr = Normalizer::new(&Lang::Fr);
        let text = "e\u{301}te\u{301} CŒUR";
        let folded: Vec<String> = fr
            .tokens(text)
            .map(|t| fr.fold(t.span.slice(text)))
            .collect();
        assert_eq!(folded, ["été", "coeur"]);
    }

    #[test]
    fn punctuation_breaks_joins_but_spaces_and_hyphens_do_not() {
        let fr = Normalizer::new(&Lang::Fr);
        let joined: Vec<bool> = fr
            .tokens("Satya, Nadella au-delà\u{a0}de «\u{a0}cela »")
            .map(|t| t.joined)
            .collect();
        assert_eq!(joined, [false, false, true, true, true, false]);
    }

    #[test]
    fn plurals_and_feminines_share_stems() {
        assert_eq!(
            stems(Lang::Fr, "centrales nucléaires"),
            stems(Lang::Fr, "centrale nucléaire")
        );
        assert_eq!(
            stems(Lang::Fr, "cours d'appel"),
            stems(Lang::Fr, "cour d'appel")
        );
        assert_eq!(
            stems(Lang::Fr, "israéliennes"),
            stems(Lang::Fr, "israélien")
        );
        assert_eq!(stems(Lang::En, "war crimes"), stems(Lang::En, "war crime"));
        assert_ne!(stems(Lang::Fr, "fourni"), stems(Lang::Fr, "four"));
        assert_ne!(stems(Lang::En, "information"), stems(Lang::En, "formation"));
    }

    #[test]
    fn other_languages_are_folded_but_not_stemmed() {
        assert_eq!(stems(Lang::Other("de".into()), "Häuser"), ["häuser"]);
    }
}
