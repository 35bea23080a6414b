//! Finding many glossary forms at once in a text, whole words only, in one pass.
//!
//! A [`Matcher`] is built from forms (a term, a name or a rendering, each with a caller's tag
//! and a [`Verify`] policy). Every word of every form is folded and stemmed by the
//! [`Normalizer`] and given a small integer id; for French, the masculine and feminine forms
//! that Snowball does not join (`travailleur`/`travailleuse`, `directeur`/`directrice`,
//! `actif`/`active`, `public`/`publique`) are added as spellings of the same id, and for
//! English a few irregular plurals (`-man`/`-men`, `-sis`/`-ses`, `person`/`people`). A form
//! is then a string of ids, and all forms go into one Aho-Corasick automaton.
//!
//! Scanning a text ([`Scanner::scan`]) tokenises it, looks each token up (through a cache,
//! since words repeat), and writes the ids as a byte string in which every id starts with a
//! byte that nothing else uses and unknown words or punctuation are a separator. A match can
//! therefore only start and end at word boundaries: `four` is never found in `fourni`, nor
//! `hut` in `shut`. The time spent is linear in the text and barely depends on the number of
//! forms. All matches are reported, overlapping ones included, each with its byte span in the
//! original text and whether it passes the form's [`Verify`] policy (case, exact spelling);
//! picking the leftmost-longest ones is left to the caller, who knows which forms compete.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use aho_corasick::{AhoCorasick, MatchKind};

use super::normalize::{Normalizer, Token};
use crate::text::{Lang, Span};

/// How strictly a candidate found by folded stems must match the form as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verify {
    /// Any case, any inflection.
    Folded,
    /// Inflection allowed, but case as written: each word of the text must agree in case
    /// with the form's word over their common prefix (`WHO's` and `APIs` pass for `WHO` and
    /// `API`; `who` does not).
    CaseSensitive,
    /// Verbatim: each word exactly as in the form (Unicode NFC and typographic apostrophes
    /// aside). A possessive `'s` or an elided `l'`/`d'` next to it does not matter.
    Exact,
}

/// One form the matcher looks for.
#[derive(Debug, Clone)]
pub struct Form {
    /// The caller's identifier for the form.
    pub tag: usize,
    /// The form as given.
    pub text: String,
    pub verify: Verify,
    /// Each word as compared under [`Verify::CaseSensitive`] and [`Verify::Exact`].
    words: Vec<String>,
}

/// A form found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index of the form in [`Matcher::forms`].
    pub form: usize,
    /// The caller's tag of the form.
    pub tag: usize,
    /// Where the words are in the text (from the first word's start to the last one's end).
    pub span: Span,
    /// First and one-past-last token index, for telling nested and overlapping hits apart.
    pub first_token: u32,
    pub end_token: u32,
    /// Whether the words pass the form's [`Verify`] policy. Hits that fail it are kept: a
    /// name written in the wrong case is worth pointing at.
    pub verified: bool,
}

/// Why a form cannot be looked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("'{0}' has no words to match")]
    NoWords(String),
    #[error("too many distinct words in the glossary")]
    TooManyWords,
}

/// Builds a [`Matcher`] form by form.
#[derive(Debug)]
pub struct MatcherBuilder {
    normalizer: Normalizer,
    stems: FastMap<Box<str>, u32>,
    spellings: FastMap<Box<str>, u32>,
    next_id: u32,
    patterns: FastMap<Vec<u32>, usize>,
    pattern_forms: Vec<Vec<usize>>,
    forms: Vec<Form>,
}

/// The largest number of distinct words: ids are written in 21 bits.
const MAX_WORDS: u32 = 1 << 21;
/// Marks a token the glossary does not know, in the scanner's cache.
const UNKNOWN: u32 = u32::MAX;
/// Stops the cache from growing without bound on huge vocabularies.
const CACHE_LIMIT: usize = 1 << 20;

impl MatcherBuilder {
    pub fn new(lang: &Lang) -> MatcherBuilder {
        MatcherBuilder {
            normalizer: Normalizer::new(lang),
            stems: FastMap::default(),
            spellings: FastMap::default(),
            next_id: 0,
            patterns: FastMap::default(),
            pattern_forms: Vec::new(),
            forms: Vec::new(),
        }
    }

    /// Adds a form; returns its index in [`Matcher::forms`].
    pub fn add(&mut self, text: &str, tag: usize, verify: Verify) -> Result<usize, FormError> {
        let mut ids = Vec::new();
        let mut words = Vec::new();
        for token in self.normalizer.tokens(text) {
            let word = token.span.slice(text);
            let folded = self.normalizer.fold(word);
            let stem = self.normalizer.stem(&folded).into_owned();
            let id = match self.stems.get(stem.as_str()) {
                Some(&id) => id,
                None => match self.spellings.get(folded.as_str()) {
                    Some(&id) => id,
                    None => {
                        if self.next_id >= MAX_WORDS {
                            return Err(FormError::TooManyWords);
                        }
                        let id = self.next_id;
                        self.next_id += 1;
                        self.stems.insert(stem.into(), id);
                        id
                    }
                },
            };
            for variant in variants(self.normalizer.lang(), &folded) {
                self.spellings.entry(variant.into()).or_insert(id);
            }
            ids.push(id);
            let mut surface = String::new();
            self.normalizer.surface_into(word, &mut surface);
            words.push(surface);
        }
        if ids.is_empty() {
            return Err(FormError::NoWords(text.to_string()));
        }
        let index = self.forms.len();
        self.forms.push(Form {
            tag,
            text: text.to_string(),
            verify,
            words,
        });
        let next = self.pattern_forms.len();
        let pattern = *self.patterns.entry(ids).or_insert(next);
        if pattern == next {
            self.pattern_forms.push(Vec::new());
        }
        self.pattern_forms[pattern].push(index);
        Ok(index)
    }

    pub fn build(self) -> Matcher {
        let mut encoded: Vec<(usize, Vec<u8>)> = self
            .patterns
            .iter()
            .map(|(ids, &p)| (p, ids.iter().flat_map(|&id| encode(id)).collect()))
            .collect();
        encoded.sort_by_key(|(p, _)| *p);
        let automaton = if encoded.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(encoded.iter().map(|(_, bytes)| bytes))
                .ok()
        };
        Matcher {
            normalizer: self.normalizer,
            stems: self.stems,
            spellings: self.spellings,
            automaton,
            pattern_forms: self.pattern_forms,
            forms: self.forms,
        }
    }
}

/// Glossary forms compiled for one language; see the module documentation.
#[derive(Debug)]
pub struct Matcher {
    normalizer: Normalizer,
    stems: FastMap<Box<str>, u32>,
    spellings: FastMap<Box<str>, u32>,
    automaton: Option<AhoCorasick>,
    pattern_forms: Vec<Vec<usize>>,
    forms: Vec<Form>,
}

impl Matcher {
    pub fn forms(&self) -> &[Form] {
        &self.forms
    }

    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    /// A scanner with its own cache and buffers; keep it for many texts.
    pub fn scanner(&self) -> Scanner<'_> {
        Scanner {
            matcher: self,
            cache: WordCache::default(),
            fold: String::new(),
            tokens: Vec::new(),
            hay: Vec::new(),
            hay_token: Vec::new(),
            surface: String::new(),
        }
    }

    fn lookup(&self, folded: &str) -> u32 {
        if let Some(&id) = self.spellings.get(folded) {
            return id;
        }
        let stem = self.normalizer.stem(folded);
        self.stems.get(stem.as_ref()).copied().unwrap_or(UNKNOWN)
    }
}

/// Scans texts for a [`Matcher`]'s forms, reusing its buffers from one text to the next.
pub struct Scanner<'m> {
    matcher: &'m Matcher,
    cache: WordCache,
    fold: String,
    tokens: Vec<Token>,
    hay: Vec<u8>,
    hay_token: Vec<u32>,
    surface: String,
}

impl Scanner<'_> {
    /// Appends to `hits` every occurrence of every form in `text`, overlapping ones included,
    /// in order of their end.
    pub fn scan(&mut self, text: &str, hits: &mut Vec<Hit>) {
        let Some(automaton) = &self.matcher.automaton else {
            return;
        };
        self.tokens.clear();
        self.hay.clear();
        self.hay_token.clear();
        let normalizer = &self.matcher.normalizer;
        let mut last_known = false;
        let mut any_known = false;
        let mut lower = [0u8; 32];
        for token in normalizer.tokens(text) {
            let index = self.tokens.len() as u32;
            self.tokens.push(token);
            let word = token.span.slice(text);
            // Most words are short ASCII: fold them on the stack and look the hash up
            // without building a string; the others are folded into a buffer first.
            let (hash, folded_in_buffer) = if word.len() <= lower.len() && word.is_ascii() {
                let n = word.len();
                for (d, b) in lower.iter_mut().zip(word.bytes()) {
                    *d = b.to_ascii_lowercase();
                }
                (fx_bytes(&lower[..n]), false)
            } else {
                self.fold.clear();
                normalizer.fold_into(word, &mut self.fold);
                (fx_bytes(self.fold.as_bytes()), true)
            };
            let id = match self.cache.get(hash) {
                Some(id) => id,
                None => {
                    let folded = if folded_in_buffer {
                        self.fold.as_str()
                    } else {
                        std::str::from_utf8(&lower[..word.len()]).unwrap_or("")
                    };
                    let id = self.matcher.lookup(folded);
                    self.cache.insert(hash, id);
                    id
                }
            };
            if id == UNKNOWN {
                if last_known || self.hay.is_empty() {
                    self.hay.push(0);
                    self.hay_token.push(u32::MAX);
                }
                last_known = false;
                continue;
            }
            if last_known && !token.joined {
                self.hay.push(0);
                self.hay_token.push(u32::MAX);
            }
            self.hay.extend_from_slice(&encode(id));
            self.hay_token.extend_from_slice(&[index; 3]);
            last_known = true;
            any_known = true;
        }
        if !any_known {
            return;
        }
        for m in automaton.find_overlapping_iter(&self.hay) {
            let first = self.hay_token[m.start()];
            let last = self.hay_token[m.end() - 1];
            let span = Span::new(
                self.tokens[first as usize].span.start,
                self.tokens[last as usize].span.end,
            );
            for &form in &self.matcher.pattern_forms[m.pattern().as_usize()] {
                let verified = verify(
                    self.matcher,
                    &self.tokens,
                    &mut self.surface,
                    text,
                    form,
                    first as usize,
                );
                hits.push(Hit {
                    form,
                    tag: self.matcher.forms[form].tag,
                    span,
                    first_token: first,
                    end_token: last + 1,
                    verified,
                });
            }
        }
    }
}

/// Whether the tokens from `first` on pass `form`'s [`Verify`] policy.
fn verify(
    matcher: &Matcher,
    tokens: &[Token],
    surface: &mut String,
    text: &str,
    form: usize,
    first: usize,
) -> bool {
    let form = &matcher.forms[form];
    if form.verify == Verify::Folded {
        return true;
    }
    form.words.iter().enumerate().all(|(k, word)| {
        let token = tokens[first + k];
        surface.clear();
        matcher
            .normalizer
            .surface_into(token.span.slice(text), surface);
        match form.verify {
            Verify::Exact => *surface == *word,
            _ => surface.chars().zip(word.chars()).all(|(a, b)| a == b),
        }
    })
}

/// Folded word (by its 64-bit hash) -> glossary word id or [`UNKNOWN`]: an open-addressing
/// table of integers, so that the lookup each word of a text costs is one short probe with
/// no string comparison. Two folded words with the same 64-bit hash would share an entry;
/// with a few million distinct words, the odds are below one in a billion.
#[derive(Default)]
struct WordCache {
    /// (key, id) side by side, so that a probe touches one cache line; key 0 is empty.
    slots: Vec<(u64, u32)>,
    len: usize,
}

impl WordCache {
    fn slot(&self, hash: u64) -> usize {
        (hash >> (64 - self.slots.len().trailing_zeros())) as usize
    }

    #[inline]
    fn get(&self, hash: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let key = hash | 1;
        let mask = self.slots.len() - 1;
        let mut i = self.slot(hash);
        loop {
            let (k, id) = self.slots[i];
            if k == key {
                return Some(id);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    fn insert(&mut self, hash: u64, id: u32) {
        if self.len >= CACHE_LIMIT {
            return;
        }
        if (self.len + 1) * 2 > self.slots.len() {
            let capacity = (self.slots.len() * 2).max(1 << 12);
            let old = std::mem::replace(&mut self.slots, vec![(0, 0); capacity]);
            self.len = 0;
            for (k, v) in old {
                if k != 0 {
                    self.put(k, v);
                }
            }
        }
        self.put(hash | 1, id);
    }

    fn put(&mut self, key: u64, id: u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        while self.slots[i].0 != 0 && self.slots[i].0 != key {
            i = (i + 1) & mask;
        }
        if self.slots[i].0 == 0 {
            self.len += 1;
        }
        self.slots[i] = (key, id);
    }
}

/// FxHash of bytes, with the length mixed in.
#[inline]
pub(crate) fn fx_bytes(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.add(bytes.len() as u64);
    h.finish()
}

/// An id as three bytes; only the first has its high bit set, so an encoded form can only
/// match where an encoded word starts.
fn encode(id: u32) -> [u8; 3] {
    [
        0x80 | ((id >> 14) & 0x7f) as u8,
        ((id >> 7) & 0x7f) as u8,
        (id & 0x7f) as u8,
    ]
}

/// Masculine/feminine (French) and irregular plural (English) spellings of a folded word
/// that its stem does not cover.
fn variants(lang: &Lang, folded: &str) -> Vec<String> {
    const FRENCH: &[(&str, &str)] = &[
        ("teur", "trice"),
        ("eur", "euse"),
        ("if", "ive"),
        ("ic", "ique"),
        ("eau", "elle"),
    ];
    const ENGLISH: &[(&str, &str)] = &[
        ("man", "men"),
        ("sis", "ses"),
        ("child", "children"),
        ("person", "people"),
        ("foot", "feet"),
        ("tooth", "teeth"),
        ("mouse", "mice"),
        ("datum", "data"),
        ("criterion", "criteria"),
        ("phenomenon", "phenomena"),
    ];
    let (pairs, plural_s) = match lang {
        Lang::Fr => (FRENCH, true),
        Lang::En => (ENGLISH, false),
        Lang::Other(_) => return Vec::new(),
    };
    if folded.chars().count() < 4 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (a, b) in pairs {
        for (from, to) in [(a, b), (b, a)] {
            if let Some(root) = folded.strip_suffix(from) {
                out.push(format!("{root}{to}"));
                if plural_s && !to.ends_with(['s', 'x']) {
                    out.push(format!("{root}{to}s"));
                }
            }
        }
    }
    out
}

/// FxHash: tokens are short and hashed once per word of the text, where SipHash would be
/// a noticeable part of the scan.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn found(lang: Lang, forms: &[(&str, Verify)], text: &str) -> Vec<(String, bool)> {
        let mut b = MatcherBuilder::new(&lang);
        for (k, (f, v)) in forms.iter().enumerate() {
            b.add(f, k, *v).unwrap();
        }
        let m = b.build();
        let mut hits = Vec::new();
        m.scanner().scan(text, &mut hits);
        hits.iter()
            .map(|h| (h.span.slice(text).to_string(), h.verified))
            .collect()
    }

    fn finds(lang: Lang, form: &str, text: &str) -> bool {
        !found(lang, &[(form, Verify::Folded)], text).is_empty()
    }

    #[test]
    fn inflected_forms_match() {
        let table = [
            (Lang::Fr, "centrale nucléaire", "deux centrales nucléaires"),
            (Lang::Fr, "cour d'appel", "les cours d’appel"),
            (
                Lang::Fr,
                "crime de guerre",
                "des crimes de guerre israéliens",
            ),
            (Lang::Fr, "travailleur", "une travailleuse de Microsoft"),
            (Lang::Fr, "directeur", "la directrice générale"),
            (Lang::Fr, "public", "la perception publique"),
            (Lang::Fr, "ingénieur", "des ingénieures"),
            (
                Lang::Fr,
                "crimes contre l'humanité",
                "un crime contre l’humanité",
            ),
            (Lang::En, "war crime", "Israeli war crimes"),
            (Lang::En, "analysis", "two analyses"),
            (Lang::En, "chairman", "the chairmen"),
            (Lang::En, "Ministry of Defense", "the ministry of defense"),
        ];
        for (lang, form, text) in table {
            assert!(finds(lang.clone(), form, text), "{form} in {text}");
        }
    }

    #[test]
    fn words_inside_longer_words_do_not_match() {
        let table = [
            (Lang::Fr, "four", "il a fourni"),
            (Lang::En, "hut", "shut the door"),
            (Lang::En, "formation", "information"),
            (Lang::Fr, "logiciel", "ingénieur en micrologiciel"),
            (Lang::En, "cloud computing", "cloud, computing"),
            (Lang::Fr, "travailleur", "je travaille"),
        ];
        for (lang, form, text) in table {
            assert!(!finds(lang.clone(), form, text), "{form} in {text}");
        }
    }

    #[test]
    fn case_sensitive_forms_check_case_but_allow_inflection() {
        let who = [("WHO", Verify::CaseSensitive)];
        assert_eq!(
            found(Lang::En, &who, "the WHO's report"),
            [("WHO".into(), true)]
        );
        assert_eq!(
            found(Lang::En, &who, "who said so"),
            [("who".into(), false)]
        );
        let api = [("API", Verify::CaseSensitive)];
        assert_eq!(found(Lang::En, &api, "two APIs"), [("APIs".into(), true)]);
    }

    #[test]
    fn exact_forms_need_the_spelling_but_not_the_possessive_or_elision() {
        let name = [("Satya Nadella", Verify::Exact)];
        assert_eq!(
            found(Lang::En, &name, "Satya Nadella's keynote"),
            [("Satya Nadella".into(), true)]
        );
        assert_eq!(
            found(Lang::En, &name, "Satya nadella"),
            [("Satya nadella".into(), false)]
        );
        let fr = [("Israël", Verify::Exact)];
        assert_eq!(found(Lang::Fr, &fr, "d’Israël"), [("Israël".into(), true)]);
        assert_eq!(found(Lang::Fr, &fr, "d’Israel"), []);
    }

    #[test]
    fn overlapping_forms_are_all_reported_with_spans() {
        let forms = [
            ("Azure", Verify::Exact),
            ("No Azure for Apartheid", Verify::Exact),
            ("apartheid", Verify::Folded),
        ];
        let text = "le mouvement « No Azure for Apartheid »";
        let mut hits = found(Lang::Fr, &forms, text);
        hits.sort();
        assert_eq!(
            hits,
            [
                ("Apartheid".into(), true),
                ("Azure".into(), true),
                ("No Azure for Apartheid".into(), true)
            ]
        );
    }

    #[test]
    fn forms_without_words_are_refused() {
        let mut b = MatcherBuilder::new(&Lang::Fr);
        assert_eq!(
            b.add(" – ", 0, Verify::Folded),
            Err(FormError::NoWords(" – ".into()))
        );
    }

    #[test]
    fn an_empty_matcher_finds_nothing() {
        let m = MatcherBuilder::new(&Lang::En).build();
        let mut hits = Vec::new();
        m.scanner().scan("anything at all", &mut hits);
        assert!(hits.is_empty());
    }
}
