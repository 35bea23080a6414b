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
//! out. Stemming ([`Normalizer::stem`]) is the Snowball stemmer the language's profile names
//! (French, English, German) on a folded token, so that plurals and most feminines meet
//! (`centrales` and `centrale`, `crimes` and `crime`, `Verträge` and `Vertrag`); languages
//! without one are not stemmed. No-break and narrow no-break spaces are spaces like any other,
//! and quotes are never part of a token. Nothing here knows about glossary entries.

use std::borrow::Cow;

use rust_stemmers::Stemmer;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::hash::load_short;
use crate::text::{Lang, Span};

/// French words that elide their vowel before another word: `l'`, `d'`, `qu'`, `jusqu'`...
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
        let stemmer = lang.profile().stemmer.map(Stemmer::create);
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
            elisions: self.lang.profile().elisions,
            possessive_s: self.lang.profile().possessive_s,
        }
    }

    /// Appends the folded form of `word` (one token) to `out`.
    pub fn fold_into(&self, word: &str, out: &mut String) {
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
            return;
        }
        // Characters below U+0300 (lead bytes below 0xCC) are NFC on their own and never
        // combine, so a word made of them is already NFC: French words need no check.
        let nfc: Cow<str> = if word.bytes().all(|b| b < 0xcc) {
            Cow::Borrowed(word)
        } else {
            match is_nfc_quick(word.chars()) {
                IsNormalized::Yes => Cow::Borrowed(word),
                _ => Cow::Owned(word.nfc().collect()),
            }
        };
        for c in nfc.chars() {
            if let Some(spelled) = respelled(c) {
                out.push_str(spelled);
                continue;
            }
            match c {
                // Latin-1 without the Unicode tables: capitals are 0x20 below their small letter.
                'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' => {
                    out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c))
                }
                '\0'..='\u{bf}' | '×' | 'ß'..='ÿ' => out.push(c),
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
        // Characters below U+0300 are NFC already (see `fold_into`).
        if word.bytes().all(|b| b < 0xcc) {
            out.extend(
                word.chars()
                    .map(|c| if is_apostrophe(c) { '\'' } else { c }),
            );
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

/// What a character is to the tokeniser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Part of a word: a letter, a digit or a combining mark.
    Word,
    /// Between two words without breaking a multi-word term: spaces, hyphens, apostrophes.
    Join,
    /// Any other punctuation or symbol: a multi-word term never runs across it.
    Break,
}

/// The class of each ASCII character, so that most of a text is classified by one load.
const ASCII_CLASS: [Class; 128] = {
    let mut table = [Class::Break; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphanumeric() {
            Class::Word
        } else if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'-' | b'\'') {
            Class::Join
        } else {
            Class::Break
        };
        b += 1;
    }
    table
};

/// Where the run of ASCII letters and digits starting at byte `i` ends.
#[inline]
fn ascii_word_end(bytes: &[u8], i: usize) -> usize {
    ascii_word_end_with(bytes, i, &mut |_| {})
}

/// Where the run of ASCII letters and digits starting at byte `i` ends, handing `chunk` its
/// bytes eight at a time (little-endian; the last piece, if shorter, padded with zero bytes).
/// A word's end is found without a branch per byte, which the CPU would mispredict at the
/// end of every word.
#[inline(always)]
fn ascii_word_end_with(bytes: &[u8], mut i: usize, chunk: &mut impl FnMut(u64)) -> usize {
    loop {
        // Past the end, zero bytes: they end the run.
        let x = match bytes.get(i..i + 8) {
            Some(c) => u64::from_le_bytes(c.try_into().unwrap_or([0; 8])),
            None => load_short(bytes.get(i..).unwrap_or_default()),
        };
        let others = !ascii_alphanumeric8(x) & HIGH;
        if others == 0 {
            chunk(x);
            i += 8;
            continue;
        }
        let k = (others.trailing_zeros() / 8) as usize;
        if k > 0 {
            chunk(x & ((1 << (8 * k)) - 1));
        }
        return i + k;
    }
}

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that lies in `lo..=hi` (both below 0x80): adding
/// `0x80 - lo` to its low seven bits sets their high bit, and adding `0x7f - hi` does not.
/// No byte below 0x80 carries into the next.
#[inline]
const fn in_range8(x: u64, lo: u8, hi: u8) -> u64 {
    let low = x & LOW7;
    let ones = 0x0101_0101_0101_0101u64;
    low.wrapping_add(ones * (0x80 - lo) as u64)
        & !low.wrapping_add(ones * (0x7f - hi) as u64)
        & !x
        & HIGH
}

/// The high bit of each byte of `x` that is an ASCII letter or digit.
#[inline]
const fn ascii_alphanumeric8(x: u64) -> u64 {
    // Setting bit 5 maps capitals onto small letters and no other byte into `a..=z`.
    in_range8(x, b'0', b'9') | in_range8(x | 0x2020_2020_2020_2020, b'a', b'z')
}

/// The class of any character: [`ASCII_CLASS`], then the Latin-1 letters and the punctuation
/// French and English text is full of, then the Unicode tables.
#[inline]
fn class_of(c: char) -> Class {
    if c.is_ascii() {
        return ASCII_CLASS[c as usize];
    }
    match c {
        'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ÿ' => Class::Word,
        '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2018}' | '\u{2019}' | '\u{2010}' | '\u{2011}' => {
            Class::Join
        }
        '«' | '»' | '€' | '–' | '—' | '…' | '“' | '”' | '×' | '÷' | '°' | '·' => {
            Class::Break
        }
        c if is_word_char(c) => Class::Word,
        c if c.is_whitespace() || is_apostrophe(c) => Class::Join,
        _ => Class::Break,
    }
}

/// The character starting at byte `i` of valid UTF-8 (a char boundary, not ASCII), and its
/// length: decoding by hand spares the checks of `str::chars` on every non-ASCII character.
#[inline]
fn decode_at(bytes: &[u8], i: usize) -> (char, usize) {
    let b0 = u32::from(bytes[i]);
    let cont = |k: usize| u32::from(bytes[i + k] & 0x3f);
    let (c, len) = if b0 < 0xe0 {
        (((b0 & 0x1f) << 6) | cont(1), 2)
    } else if b0 < 0xf0 {
        (((b0 & 0x0f) << 12) | (cont(1) << 6) | cont(2), 3)
    } else {
        (
            ((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
            4,
        )
    };
    (
        char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER),
        len,
    )
}

/// The class and byte length of the character at byte `i`, or `None` at the end.
#[inline]
fn class_at(bytes: &[u8], i: usize) -> Option<(Class, usize)> {
    let &b = bytes.get(i)?;
    if b < 0x80 {
        Some((ASCII_CLASS[b as usize], 1))
    } else {
        let (c, len) = decode_at(bytes, i);
        Some((class_of(c), len))
    }
}

/// Iterator over the tokens of a text; see [`Normalizer::tokens`].
#[derive(Debug, Clone)]
pub struct Tokens<'t> {
    text: &'t str,
    pos: usize,
    /// The second half of a split elision, returned on the next call.
    pending: Option<Token>,
    elisions: &'static [&'static str],
    possessive_s: bool,
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    // Always inlined: the matcher calls it for every word of large documents, and a call
    // returns the token through memory.
    #[inline(always)]
    fn next(&mut self) -> Option<Token> {
        self.next_with(|_| {}).map(|(token, _)| token)
    }
}

impl Tokens<'_> {
    /// Skips the gap before the next token from byte `pos`, clearing `joined` if it holds
    /// anything but spaces, hyphens and apostrophes; where the token starts, or `None` at the
    /// end of the text.
    #[inline]
    fn gap(&mut self, mut pos: usize, joined: &mut bool) -> Option<usize> {
        let bytes = self.text.as_bytes();
        loop {
            let Some(&b) = bytes.get(pos) else {
                self.pos = pos;
                return None;
            };
            let (class, len) = if b < 0x80 {
                (ASCII_CLASS[b as usize], 1)
            } else {
                let (c, len) = decode_at(bytes, pos);
                (class_of(c), len)
            };
            match class {
                Class::Word => return Some(pos),
                Class::Join => {}
                Class::Break => *joined = false,
            }
            pos += len;
        }
    }

    /// The next token, handing `chunk` the bytes of the token's leading run of ASCII letters
    /// and digits, eight at a time, little-endian, the last piece padded with zero bytes; and
    /// whether the token is that run and nothing else (a plain ASCII word, which most words
    /// are). The matcher hashes a plain word from those pieces, as they are read anyway to
    /// find where the word ends.
    #[inline(always)]
    pub(crate) fn next_with(&mut self, mut chunk: impl FnMut(u64)) -> Option<(Token, bool)> {
        if let Some(t) = self.pending.take() {
            return Some((t, false));
        }
        let text = self.text;
        let bytes = text.as_bytes();
        // Skip the gap, noting whether it breaks terms; the usual one, a space before an ASCII
        // letter or digit, at once.
        let pos = self.pos;
        let mut joined = pos > 0;
        let start = if bytes.get(pos) == Some(&b' ')
            && bytes.get(pos + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            pos + 1
        } else {
            self.gap(pos, &mut joined)?
        };
        // The word: letters, digits, marks, and apostrophes between letters.
        let mut end = ascii_word_end_with(bytes, start, &mut chunk);
        let mut plain = true;
        let mut first_apostrophe = usize::MAX;
        let mut n_apos = 0;
        loop {
            // Most words end at an ASCII space or punctuation mark other than an apostrophe.
            match bytes.get(end) {
                None => break,
                Some(&b) if b < 0x80 && b != b'\'' => break,
                _ => {}
            }
            let Some((class, len)) = class_at(bytes, end) else {
                break;
            };
            if class == Class::Word {
                plain = false;
                end = ascii_word_end(bytes, end + len);
                continue;
            }
            let apostrophe = if len == 1 {
                bytes[end] == b'\''
            } else {
                is_apostrophe(decode_at(bytes, end).0)
            };
            if apostrophe && matches!(class_at(bytes, end + len), Some((Class::Word, _))) {
                plain = false;
                if n_apos == 0 {
                    first_apostrophe = end;
                }
                n_apos += 1;
                end = ascii_word_end(bytes, end + len);
                continue;
            }
            break;
        }
        self.pos = end;
        let mut token = Token {
            span: Span::new(start, end),
            joined,
        };
        if n_apos == 0 {
            return Some((token, plain));
        }
        let first = first_apostrophe;
        if is_elision(self.elisions, &text[start..first]) {
            let apos_len = text[first..].chars().next().map_or(1, char::len_utf8);
            let rest = Token {
                span: Span::new(first + apos_len, end),
                joined: true,
            };
            // "qu'aujourd'hui": the rest may itself hold an apostrophe, but not an elision
            // worth splitting again in practice; keep it whole.
            token.span = Span::new(start, first);
            self.pending = Some(rest);
            return Some((token, false));
        }
        if self.possessive_s && n_apos == 1 {
            let tail = &text[first..end];
            let mut chars = tail.chars();
            chars.next();
            if matches!(chars.as_str(), "s" | "S") {
                token.span = Span::new(start, first);
            }
        }
        Some((token, false))
    }
}

fn is_elision(elisions: &[&str], prefix: &str) -> bool {
    prefix.len() <= 6 && elisions.iter().any(|e| prefix.eq_ignore_ascii_case(e))
}

/// The characters folding writes as something else: apostrophes and primes as `'`, ligatures
/// as their letters (so "cœur" matches "coeur"); `None` for the rest.
fn respelled(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2019}' | '\u{2018}' | '\u{02bc}' | '\u{2032}' => "'",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬀ' => "ff",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

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
        assert_eq!(stems(Lang::Other("nl".into()), "Huizen"), ["huizen"]);
    }

    #[test]
    fn german_plurals_and_cases_share_stems() {
        let de = Lang::parse("de").unwrap();
        assert_eq!(stems(de.clone(), "Verträge"), stems(de.clone(), "Vertrag"));
        assert_eq!(stems(de.clone(), "Verträgen"), stems(de.clone(), "Vertrag"));
        assert_eq!(
            stems(de.clone(), "Rechnungen"),
            stems(de.clone(), "Rechnung")
        );
        assert_eq!(stems(de.clone(), "Häuser"), stems(de.clone(), "Haus"));
        assert_ne!(stems(de.clone(), "Rechnung"), stems(de, "Rechner"));
    }

    /// The tokeniser as first written, one `char` at a time through the Unicode tables: the
    /// fast paths must give exactly its tokens.
    fn reference_tokens(lang: &Lang, text: &str) -> Vec<Token> {
        let profile = lang.profile();
        let bytes = text.as_bytes();
        let mut pos = 0;
        let mut out = Vec::new();
        loop {
            let mut joined = pos > 0;
            let start = loop {
                if pos >= bytes.len() {
                    return out;
                }
                let b = bytes[pos];
                if b < 0x80 {
                    if b.is_ascii_alphanumeric() {
                        break pos;
                    }
                    if !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'-' | b'\'') {
                        joined = false;
                    }
                    pos += 1;
                } else {
                    let c = text[pos..].chars().next().unwrap_or(' ');
                    if is_word_char(c) {
                        break pos;
                    }
                    if !(c.is_whitespace()
                        || is_apostrophe(c)
                        || matches!(c, '\u{2010}' | '\u{2011}'))
                    {
                        joined = false;
                    }
                    pos += c.len_utf8();
                }
            };
            let mut end = start;
            let mut apostrophes = Vec::new();
            while let Some(c) = text[end..].chars().next() {
                if is_word_char(c) {
                    end += c.len_utf8();
                    continue;
                }
                if is_apostrophe(c) {
                    let after = end + c.len_utf8();
                    if text[after..].chars().next().is_some_and(is_word_char) {
                        apostrophes.push(end);
                        end = after;
                        continue;
                    }
                }
                break;
            }
            pos = end;
            let mut token = Token {
                span: Span::new(start, end),
                joined,
            };
            if let Some(&first) = apostrophes.first() {
                if is_elision(profile.elisions, &text[start..first]) {
                    let apos_len = text[first..].chars().next().map_or(1, char::len_utf8);
                    token.span = Span::new(start, first);
                    out.push(token);
                    token = Token {
                        span: Span::new(first + apos_len, end),
                        joined: true,
                    };
                } else if profile.possessive_s && apostrophes.len() == 1 {
                    let mut chars = text[first..end].chars();
                    chars.next();
                    if matches!(chars.as_str(), "s" | "S") {
                        token.span = Span::new(start, first);
                    }
                }
            }
            out.push(token);
        }
    }

    /// The folding as first written, through the Unicode tables for every character.
    fn reference_fold(word: &str) -> String {
        let mut out = String::new();
        let nfc: String = word.nfc().collect();
        for c in nfc.chars() {
            match respelled(c) {
                Some(spelled) => out.push_str(spelled),
                None => out.extend(c.to_lowercase()),
            }
        }
        out
    }

    #[test]
    fn ascii_letters_and_digits_are_found_eight_bytes_at_a_time() {
        for b in 0..=255u8 {
            for at in 0..9 {
                let mut bytes = *b"abcdefghij";
                if at < bytes.len() {
                    bytes[at] = b;
                }
                let expected = bytes
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric())
                    .unwrap_or(bytes.len());
                assert_eq!(ascii_word_end(&bytes, 0), expected, "{b:#x} at {at}");
                let x = u64::from_le_bytes(bytes[..8].try_into().unwrap());
                let lanes = ascii_alphanumeric8(x);
                for (k, c) in bytes[..8].iter().enumerate() {
                    assert_eq!(lanes >> (8 * k + 7) & 1 == 1, c.is_ascii_alphanumeric());
                }
            }
        }
    }

    #[test]
    fn every_character_has_the_class_the_unicode_tables_give() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let expected = if is_word_char(c) {
                Class::Word
            } else if c.is_whitespace()
                || is_apostrophe(c)
                || matches!(c, '-' | '\u{2010}' | '\u{2011}')
            {
                Class::Join
            } else {
                Class::Break
            };
            // ASCII gaps join only across spaces, tabs, line ends, hyphens and apostrophes.
            let expected = match c {
                '\u{b}' | '\u{c}' => Class::Break,
                _ => expected,
            };
            assert_eq!(class_of(c), expected, "U+{:04X}", c as u32);
            let mut buf = [0u8; 4];
            let encoded = c.encode_utf8(&mut buf).as_bytes();
            if !c.is_ascii() {
                assert_eq!(decode_at(encoded, 0), (c, encoded.len()));
            }
        }
    }

    #[test]
    fn characters_below_u0300_are_nfc_and_fold_like_the_unicode_tables() {
        use unicode_normalization::char::canonical_combining_class;
        let fr = Normalizer::new(&Lang::Fr);
        for c in (0..0x300).filter_map(char::from_u32) {
            assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
            assert_eq!(
                is_nfc_quick(std::iter::once(c)),
                IsNormalized::Yes,
                "U+{:04X}",
                c as u32
            );
            let word = format!("é{c}");
            assert_eq!(fr.fold(&word), reference_fold(&word), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn fast_tokens_equal_the_reference_on_tricky_text() {
        let texts = [
            "l’humanité d'IA qu'il aujourd'hui jusqu'à L'Oréal",
            "Microsoft’s cloud, the employees' union, don't 'quoted' ''a'' a''b",
            "«\u{a0}Crimes contre l’humanité\u{a0}» à 4,20\u{a0}€ – ŒUVRE ǅ x\u{301}y",
            "e\u{301}te\u{301} CŒUR ﬁn ʼok ʼ 'ʼ' a‐b a‑b a—b a\u{b}b a\u{c}b",
            "Satya, Nadella au-delà\u{a0}de «\u{a0}cela » 𝔘𝔫𝔦 😀 日本語 ١٢٣ x²",
            "qu’aujourd’hui l'l'l j'ai L’'a x' 's 'S'",
            "",
            "'",
        ];
        for lang in [
            Lang::Fr,
            Lang::En,
            Lang::Other("de".into()),
            Lang::Other("nl".into()),
        ] {
            let n = Normalizer::new(&lang);
            for text in texts {
                let fast: Vec<Token> = n.tokens(text).collect();
                assert_eq!(fast, reference_tokens(&lang, text), "{lang} {text:?}");
            }
        }
    }

    /// Text made of the pieces the tokeniser treats specially, in any order.
    fn tricky_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "Z", "é", "É", "9", "œ", "ﬁ", "ʼ", "\u{301}", "ǅ", "²", "日", "😀", "l", "qu",
            "d", "s", "S", "'", "’", "‘", "′", " ", "\u{a0}", "\u{202f}", "\t", "\n", "\r",
            "\u{b}", "-", "‐", "‑", "–", ",", ".", "«", "»", "€", "\u{2028}", "\u{3000}", "İ",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_tokens_equal_the_reference(text in tricky_text(), lang in 0..4usize) {
            let lang = [Lang::Fr, Lang::En, Lang::Other("de".into()), Lang::Other("nl".into())]
                [lang]
                .clone();
            let fast: Vec<Token> = Normalizer::new(&lang).tokens(&text).collect();
            prop_assert_eq!(fast, reference_tokens(&lang, &text));
        }

        #[test]
        fn fast_tokens_equal_the_reference_on_any_text(text in any::<String>()) {
            for lang in [Lang::Fr, Lang::En] {
                let fast: Vec<Token> = Normalizer::new(&lang).tokens(&text).collect();
                prop_assert_eq!(fast, reference_tokens(&lang, &text));
            }
        }

        #[test]
        fn surfaces_are_nfc_with_apostrophes_folded(text in tricky_text()) {
            let fr = Normalizer::new(&Lang::Fr);
            let mut surface = String::new();
            fr.surface_into(&text, &mut surface);
            let expected: String =
                text.nfc().map(|c| if is_apostrophe(c) { '\'' } else { c }).collect();
            prop_assert_eq!(surface, expected);
        }

        #[test]
        fn fast_folding_equals_the_reference(text in tricky_text()) {
            let fr = Normalizer::new(&Lang::Fr);
            for t in fr.tokens(&text) {
                let word = t.span.slice(&text);
                prop_assert_eq!(fr.fold(word), reference_fold(word));
            }
            prop_assert_eq!(fr.fold(&text), reference_fold(&text));
        }
    }
}
