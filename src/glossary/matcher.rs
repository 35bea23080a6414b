//! Finding many glossary forms at once in a text, whole words only, in one pass.
//!
//! A [`Matcher`] is built from forms (a term, a name or a rendering, each with a caller's tag
//! and a [`Verify`] policy). Every word of every form is folded and stemmed by the
//! [`Normalizer`] and given a small integer id; for French, the masculine and feminine forms
//! that Snowball does not join (`travailleur`/`travailleuse`, `directeur`/`directrice`,
//! `actif`/`active`, `public`/`publique`) are added as spellings of the same id, and for
//! English a few irregular plurals (`-man`/`-men`, `-sis`/`-ses`, `person`/`people`). A form
//! is then a string of ids, and all forms go into one trie over word ids: a multi-pattern
//! automaton whose alphabet is the glossary's words rather than bytes.
//!
//! Scanning a text ([`Scanner::scan`]) tokenises it and looks each token up (through a cache,
//! since words repeat; numbers skip it when no glossary word is a number). From each known
//! token, the trie is walked along the tokens that follow it, as long as they are known and
//! only spaces, hyphens or apostrophes separate them. A match can therefore only start and
//! end at word boundaries: `four` is never found in `fourni`, nor `hut` in `shut`. The time
//! spent is linear in the text (times the number of words of the longest form) and barely
//! depends on the number of forms: a lookup per token, and a step per word of a form that
//! matches so far. All matches are reported, overlapping ones included, each with its byte
//! span in the original text and whether it passes the form's [`Verify`] policy (case, exact
//! spelling); picking the leftmost-longest ones is left to the caller, who knows which forms
//! compete. (The walk finds exactly what an Aho-Corasick automaton over the ids finds, in its
//! order; a test holds it to that.)

use std::hash::Hasher;

use super::normalize::{Normalizer, Token};
use crate::hash::{ascii_lower8, fx_ascii_lower, fx_bytes, FastMap, FxHasher};
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
    /// Each word as compared under [`Verify::CaseSensitive`] and [`Verify::Exact`] (none
    /// under [`Verify::Folded`]).
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
    /// Folded word -> its stem, for the words forms share.
    stem_of: FastMap<Box<str>, Box<str>>,
    next_id: u32,
    patterns: FastMap<Vec<u32>, usize>,
    pattern_forms: Vec<Vec<usize>>,
    forms: Vec<Form>,
}

/// The largest number of distinct words, so that an id fits in the word cache's slots.
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
            stem_of: FastMap::default(),
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
            // Large glossaries repeat words, and Snowball is most of what adding a form costs.
            if !self.stem_of.contains_key(folded.as_str()) {
                let stem = self.normalizer.stem(&folded).into();
                self.stem_of.insert(folded.as_str().into(), stem);
            }
            let stem = self
                .stem_of
                .get(folded.as_str())
                .cloned()
                .unwrap_or_default();
            let id = match self.stems.get(&stem) {
                Some(&id) => id,
                None => match self.spellings.get(folded.as_str()) {
                    Some(&id) => id,
                    None => {
                        if self.next_id >= MAX_WORDS {
                            return Err(FormError::TooManyWords);
                        }
                        let id = self.next_id;
                        self.next_id += 1;
                        self.stems.insert(stem, id);
                        id
                    }
                },
            };
            for variant in variants(self.normalizer.lang(), &folded) {
                self.spellings.entry(variant.into()).or_insert(id);
            }
            ids.push(id);
            // Only the stricter policies compare spellings.
            if verify != Verify::Folded {
                let mut surface = String::new();
                self.normalizer.surface_into(word, &mut surface);
                words.push(surface);
            }
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
        // The word trie. Node `id` is the node of the one-word path `id`, so that a text's
        // word leads to its node with no other lookup; longer paths' nodes come after.
        let words = self.next_id as usize;
        let mut nodes = vec![Node::default(); words];
        let mut children: FastMap<u64, u32> = FastMap::default();
        let mut node_pattern: Vec<Option<usize>> = vec![None; words];
        let mut patterns: Vec<(&Vec<u32>, usize)> =
            self.patterns.iter().map(|(ids, &p)| (ids, p)).collect();
        patterns.sort_by_key(|(_, p)| *p);
        for (ids, p) in patterns {
            let Some((&head, tail)) = ids.split_first() else {
                continue;
            };
            let mut node = head;
            for &id in tail {
                nodes[node as usize].set_children();
                let next = nodes.len() as u32;
                let child = *children.entry(child_key(node, id)).or_insert(next);
                if child == next {
                    nodes.push(Node::default());
                    node_pattern.push(None);
                }
                node = child;
            }
            node_pattern[node as usize] = Some(p);
        }
        let mut node_forms = Vec::new();
        for (node, pattern) in nodes.iter_mut().zip(&node_pattern) {
            let start = node_forms.len();
            if let Some(p) = pattern {
                node_forms.extend(self.pattern_forms[*p].iter().map(|&form| FormRef {
                    form: form as u32,
                    verify: self.forms[form].verify,
                    tag: self.forms[form].tag,
                }));
            }
            node.set_forms(start, node_forms.len());
        }
        let all_digits = |k: &str| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit());
        let digit_words = self
            .stems
            .keys()
            .chain(self.spellings.keys())
            .any(|k| all_digits(k));
        Matcher {
            normalizer: self.normalizer,
            stems: self.stems,
            spellings: self.spellings,
            nodes,
            children,
            node_forms,
            digit_words,
            forms: self.forms,
        }
    }
}

/// A node of the word trie: the forms whose words lead to it, as a range of
/// [`Matcher::node_forms`], and whether any longer form goes on from it. Eight bytes, as
/// a text's every glossary word looks its node up: the end of the range in the low 31 bits
/// of `end_children`, the flag in the top one.
#[derive(Debug, Clone, Copy, Default)]
struct Node {
    start: u32,
    end_children: u32,
}

const CHILDREN: u32 = 1 << 31;

impl Node {
    #[inline]
    fn forms(self) -> std::ops::Range<usize> {
        self.start as usize..(self.end_children & !CHILDREN) as usize
    }

    #[inline]
    fn has_children(self) -> bool {
        self.end_children & CHILDREN != 0
    }

    fn set_children(&mut self) {
        self.end_children |= CHILDREN;
    }

    /// A glossary has far fewer than 2^31 forms (each takes memory); were it not so, a node
    /// would lose forms rather than the program stop.
    fn set_forms(&mut self, start: usize, end: usize) {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).min(!CHILDREN);
        self.start = clamp(start);
        self.end_children = clamp(end) | (self.end_children & CHILDREN);
    }
}

/// No node: the walk cannot go on with the next word.
const NO_NODE: u32 = u32::MAX;

/// The key of a node's child through a word id.
#[inline]
fn child_key(node: u32, id: u32) -> u64 {
    u64::from(node) << 32 | u64::from(id)
}

/// A form as a trie node lists it: what a hit needs without touching the [`Form`] itself.
#[derive(Debug, Clone, Copy)]
struct FormRef {
    form: u32,
    verify: Verify,
    tag: usize,
}

/// Glossary forms compiled for one language; see the module documentation.
#[derive(Debug)]
pub struct Matcher {
    normalizer: Normalizer,
    stems: FastMap<Box<str>, u32>,
    spellings: FastMap<Box<str>, u32>,
    /// The trie's nodes, the first ones those of the one-word paths, by word id.
    nodes: Vec<Node>,
    /// (node, next word id) -> node, for forms of several words.
    children: FastMap<u64, u32>,
    node_forms: Vec<FormRef>,
    /// Whether some glossary word is spelled or stemmed with digits only: when none is, a
    /// number in the text is no glossary word, and is not looked up at all.
    digit_words: bool,
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
            known: Vec::new(),
            found: Vec::new(),
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
    /// The tokens that are glossary words, in order: most are not, and only these are kept.
    known: Vec<Known>,
    /// Forms found: (one-past-last token, first token, trie node, index in `known` of the
    /// first token).
    found: Vec<(u32, u32, u32, u32)>,
    surface: String,
}

impl Scanner<'_> {
    /// Appends to `hits` every occurrence of every form in `text`, overlapping ones included,
    /// in order of their end (and, for one end, the longest first).
    pub fn scan(&mut self, text: &str, hits: &mut Vec<Hit>) {
        let matcher = self.matcher;
        if matcher.node_forms.is_empty() {
            return;
        }
        self.known.clear();
        let mut tokens = matcher.normalizer.tokens(text);
        let mut index = 0u32;
        loop {
            // A plain ASCII word is hashed from the pieces the tokeniser reads to find its
            // end, as `fx_ascii_lower` would hash it.
            let mut h = FxHasher::default();
            let Some((token, plain)) = tokens.next_with(|x| h.add(ascii_lower8(x))) else {
                break;
            };
            let word = token.span.slice(text);
            let id = if plain {
                h.add(word.len() as u64);
                self.plain_word_id(word, h.finish())
            } else {
                self.word_id(word)
            };
            if id != UNKNOWN {
                self.known.push(Known { index, id, token });
            }
            index += 1;
        }
        if self.known.is_empty() {
            return;
        }
        // From each known word, walk the trie along the words that follow it without a break
        // (an unknown word, or punctuation other than spaces, hyphens and apostrophes): every
        // node with forms on the way is a hit. Words never match inside longer words, since
        // only whole tokens are looked up.
        self.found.clear();
        let known = &self.known;
        for (k, start) in known.iter().enumerate() {
            let mut node = start.id;
            let mut j = k;
            while let Some(&n) = matcher.nodes.get(node as usize) {
                j += 1;
                if !n.forms().is_empty() {
                    let end = known[j - 1].index + 1;
                    self.found.push((end, start.index, node, k as u32));
                }
                let Some(next) = known.get(j) else {
                    break;
                };
                if !n.has_children() || next.index != known[j - 1].index + 1 || !next.token.joined {
                    break;
                }
                node = matcher
                    .children
                    .get(&child_key(node, next.id))
                    .copied()
                    .unwrap_or(NO_NODE);
            }
        }
        if self.found.len() > 1 {
            self.found
                .sort_unstable_by_key(|&(end, first, _, _)| (end, first));
        }
        for &(end, first, node, k) in &self.found {
            // The form's words are consecutive tokens, all known.
            let words = &self.known[k as usize..(k + end - first) as usize];
            let span = Span::new(
                words[0].token.span.start,
                words[words.len() - 1].token.span.end,
            );
            let forms = matcher.nodes.get(node as usize).map_or(0..0, |n| n.forms());
            for f in matcher.node_forms.get(forms).unwrap_or_default() {
                let form = f.form as usize;
                let verified = f.verify == Verify::Folded
                    || verify(matcher, words, &mut self.surface, text, form);
                hits.push(Hit {
                    form,
                    tag: f.tag,
                    span,
                    first_token: first,
                    end_token: end,
                    verified,
                });
            }
        }
    }

    /// The glossary word id of a plain ASCII word, given its hash by [`fx_ascii_lower`].
    #[inline]
    fn plain_word_id(&mut self, word: &str, hash: u64) -> u32 {
        let matcher = self.matcher;
        if !matcher.digit_words && word.bytes().all(|b| b.is_ascii_digit()) {
            return UNKNOWN;
        }
        if let Some(id) = self.cache.get(hash) {
            return id;
        }
        self.fold.clear();
        matcher.normalizer.fold_into(word, &mut self.fold);
        let id = matcher.lookup(&self.fold);
        self.cache.insert(hash, id);
        id
    }

    /// The glossary word id of one token of a text, or [`UNKNOWN`].
    #[inline]
    fn word_id(&mut self, word: &str) -> u32 {
        let matcher = self.matcher;
        let bytes = word.as_bytes();
        if !matcher.digit_words && bytes.iter().all(u8::is_ascii_digit) {
            // Numbers are frequent and mostly distinct: keeping them out of the cache keeps
            // the cache small enough to stay in the CPU's.
            return UNKNOWN;
        }
        // Most words are ASCII: hash them lower-cased eight bytes at a time, without building
        // the folded string, which only a word the cache has not seen needs.
        let mut latin1 = [0u8; LATIN1_WORD];
        // Whether `self.fold` holds the folded word already.
        let mut folded = false;
        let hash = if word.is_ascii() {
            fx_ascii_lower(bytes)
        } else if let Some(n) = fold_latin1(bytes, &mut latin1) {
            // French words: accented letters, folded on the stack too.
            fx_bytes(&latin1[..n])
        } else {
            self.fold.clear();
            matcher.normalizer.fold_into(word, &mut self.fold);
            folded = true;
            fx_bytes(self.fold.as_bytes())
        };
        if let Some(id) = self.cache.get(hash) {
            return id;
        }
        if !folded {
            self.fold.clear();
            matcher.normalizer.fold_into(word, &mut self.fold);
        }
        let id = matcher.lookup(&self.fold);
        self.cache.insert(hash, id);
        id
    }
}

/// The longest word [`fold_latin1`] folds, in bytes.
const LATIN1_WORD: usize = 48;

/// The folded form of a word (as [`Normalizer::fold_into`] gives it) written in `out`, when
/// the word is made of ASCII and Latin-1 characters (U+0000 to U+00FF, lead bytes 0xC2 and
/// 0xC3) and short; its length. Those characters are NFC on their own, and their lower case
/// is 0x20 above the capitals `À` to `Þ` (but `×`), which in UTF-8 is the second byte;
/// `æ` is spelled out like the folding does. `None` for any other word.
#[inline]
fn fold_latin1(word: &[u8], out: &mut [u8; LATIN1_WORD]) -> Option<usize> {
    if word.len() > LATIN1_WORD {
        return None;
    }
    let mut n = 0;
    let mut i = 0;
    while i < word.len() {
        let b = word[i];
        if b < 0x80 {
            out[n] = b.to_ascii_lowercase();
            n += 1;
            i += 1;
            continue;
        }
        let c = *word.get(i + 1)?;
        match (b, c) {
            // Æ and æ: "ae", as long as the word was (two bytes).
            (0xc3, 0x86 | 0xa6) => {
                out[n] = b'a';
                out[n + 1] = b'e';
            }
            (0xc3, 0x80..=0x9e) if c != 0x97 => {
                out[n] = b;
                out[n + 1] = c + 0x20;
            }
            (0xc2 | 0xc3, _) => {
                out[n] = b;
                out[n + 1] = c;
            }
            _ => return None,
        }
        n += 2;
        i += 2;
    }
    Some(n)
}

/// A token of a text that is a glossary word.
#[derive(Debug, Clone, Copy)]
struct Known {
    /// Its index among all the text's tokens.
    index: u32,
    id: u32,
    token: Token,
}

/// Whether the tokens `words` (a form's, one per word) pass `form`'s [`Verify`] policy.
fn verify(
    matcher: &Matcher,
    words: &[Known],
    surface: &mut String,
    text: &str,
    form: usize,
) -> bool {
    let form = &matcher.forms[form];
    if form.verify == Verify::Folded {
        return true;
    }
    form.words.iter().zip(words).all(|(word, known)| {
        let token = known.token;
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
/// no string comparison.
///
/// A slot is one `u64`: 42 bits of the (remixed) hash above a 22-bit id, 0 when empty. The
/// slot index comes from the hash's top bits and the stored check from its low 42 (the
/// lowest forced to 1), so a lookup can only be answered for another word that agrees with
/// it on those 41 bits and sits in the same short run of slots: with a million distinct
/// words, the odds that this happens at all are below one in a million. Eight slots fill a
/// cache line, and the table is three times smaller than one with a 64-bit key beside a
/// 32-bit id: on large documents, the probes that miss the CPU cache are most of what this
/// table costs. (Comparing a whole cache line of slots at once, without a branch per slot,
/// was tried: it takes more instructions than the short probes it saves.) The full hashes
/// are kept aside, only to place the entries again when the table grows.
#[derive(Default)]
struct WordCache {
    slots: Vec<u64>,
    /// 64 minus log2 of the number of slots.
    shift: u32,
    /// Every (hash, id) inserted, for growing.
    entries: Vec<(u64, u32)>,
}

/// The bits of a slot holding the id: ids are below [`MAX_WORDS`], and [`UNKNOWN`] is
/// stored as all ones.
const ID_BITS: u32 = 22;
const ID_MASK: u64 = (1 << ID_BITS) - 1;
const _: () = assert!(MAX_WORDS as u64 <= ID_MASK);

impl WordCache {
    /// The hash remixed so that both its top bits (the slot) and its low bits (the check)
    /// depend on every byte: FxHash's own low bits are weak.
    #[inline]
    fn mix(hash: u64) -> u64 {
        let h = (hash ^ (hash >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^ (h >> 32)
    }

    /// The check stored above the id: the low 42 bits of the mixed hash, with the lowest
    /// forced to 1 so that no entry is 0.
    #[inline]
    fn check(mixed: u64) -> u64 {
        (mixed << ID_BITS) | (1 << ID_BITS)
    }

    #[inline]
    fn get(&self, hash: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mixed = WordCache::mix(hash);
        let check = WordCache::check(mixed);
        let mask = self.slots.len() - 1;
        let mut i = (mixed >> self.shift) as usize;
        loop {
            let slot = self.slots[i];
            if slot & !ID_MASK == check {
                let id = slot & ID_MASK;
                return Some(if id == ID_MASK { UNKNOWN } else { id as u32 });
            }
            if slot == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    fn insert(&mut self, hash: u64, id: u32) {
        if self.entries.len() >= CACHE_LIMIT {
            return;
        }
        self.entries.push((hash, id));
        // Grown at 5/8 full, so that probes, and runs to the next empty slot, stay short.
        if self.entries.len() * 8 > self.slots.len() * 5 {
            let capacity = (self.slots.len() * 2).max(1 << 12);
            self.slots.clear();
            self.slots.resize(capacity, 0);
            self.shift = 64 - capacity.trailing_zeros();
            for k in 0..self.entries.len() {
                let (hash, id) = self.entries[k];
                self.put(hash, id);
            }
        } else {
            self.put(hash, id);
        }
    }

    fn put(&mut self, hash: u64, id: u32) {
        let mixed = WordCache::mix(hash);
        let check = WordCache::check(mixed);
        let id = if id == UNKNOWN {
            ID_MASK
        } else {
            u64::from(id)
        };
        let mask = self.slots.len() - 1;
        let mut i = (mixed >> self.shift) as usize;
        while self.slots[i] != 0 && self.slots[i] & !ID_MASK != check {
            i = (i + 1) & mask;
        }
        self.slots[i] = check | id;
    }
}

/// Spellings of a folded word that its stem does not cover (the language's
/// [`variants`](crate::lang::Profile::variants): French feminines, English irregular plurals).
fn variants(lang: &Lang, folded: &str) -> Vec<String> {
    let profile = lang.profile();
    let (pairs, plural_s) = (profile.variants, profile.plural_s_variants);
    if pairs.is_empty() {
        return Vec::new();
    }
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

#[cfg(test)]
mod tests {
    use aho_corasick::{AhoCorasick, MatchKind};
    use proptest::prelude::*;

    use super::*;

    /// An id as three bytes; only the first has its high bit set, so an encoded form can only
    /// match where an encoded word starts.
    fn encode(id: u32) -> [u8; 3] {
        [
            0x80 | ((id >> 14) & 0x7f) as u8,
            ((id >> 7) & 0x7f) as u8,
            (id & 0x7f) as u8,
        ]
    }

    /// The scan as first written: every token looked up without a cache, the ids written as a
    /// byte string (an unknown word or a break is a 0), and the forms found in it by an
    /// Aho-Corasick automaton, overlapping matches included. The trie walk must give exactly
    /// its hits, in its order.
    fn reference_scan(
        matcher: &Matcher,
        patterns: &FastMap<Vec<u32>, usize>,
        pattern_forms: &[Vec<usize>],
        text: &str,
    ) -> Vec<Hit> {
        let mut encoded: Vec<(usize, Vec<u8>)> = patterns
            .iter()
            .map(|(ids, &p)| (p, ids.iter().flat_map(|&id| encode(id)).collect()))
            .collect();
        encoded.sort_by_key(|(p, _)| *p);
        let mut hits = Vec::new();
        if encoded.is_empty() {
            return hits;
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(encoded.iter().map(|(_, bytes)| bytes))
            .unwrap();
        let normalizer = matcher.normalizer();
        let tokens: Vec<Token> = normalizer.tokens(text).collect();
        let (mut hay, mut hay_token) = (Vec::new(), Vec::new());
        let mut last_known = false;
        for (index, token) in tokens.iter().enumerate() {
            let id = matcher.lookup(&normalizer.fold(token.span.slice(text)));
            if id == UNKNOWN {
                if last_known || hay.is_empty() {
                    hay.push(0);
                    hay_token.push(u32::MAX);
                }
                last_known = false;
                continue;
            }
            if last_known && !token.joined {
                hay.push(0);
                hay_token.push(u32::MAX);
            }
            hay.extend_from_slice(&encode(id));
            hay_token.extend_from_slice(&[index as u32; 3]);
            last_known = true;
        }
        let mut surface = String::new();
        for m in automaton.find_overlapping_iter(&hay) {
            let first = hay_token[m.start()];
            let last = hay_token[m.end() - 1];
            let span = Span::new(
                tokens[first as usize].span.start,
                tokens[last as usize].span.end,
            );
            for &form in &pattern_forms[m.pattern().as_usize()] {
                hits.push(Hit {
                    form,
                    tag: matcher.forms[form].tag,
                    span,
                    first_token: first,
                    end_token: last + 1,
                    verified: reference_verify(
                        matcher,
                        &tokens,
                        &mut surface,
                        text,
                        form,
                        first as usize,
                    ),
                });
            }
        }
        hits
    }

    /// Whether the tokens from `first` on pass `form`'s [`Verify`] policy, as first written.
    fn reference_verify(
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

    /// Forms made of a few words from a small vocabulary, so that they overlap and nest.
    fn vocabulary_forms() -> impl Strategy<Value = Vec<(String, u8)>> {
        let words = prop::sample::select(vec![
            "crime",
            "crimes",
            "de",
            "guerre",
            "contre",
            "l'humanité",
            "Azure",
            "No",
            "for",
            "WHO",
            "who",
            "2019",
            "cour",
            "d'appel",
            "nuage",
            "informatique",
            "en",
            "Œuvre",
            "défense",
            "ministère",
            "israélien",
            "Israël",
        ]);
        let form = (prop::collection::vec(words, 1..4), 0..3u8).prop_map(|(w, v)| (w.join(" "), v));
        prop::collection::vec(form, 0..12)
    }

    /// Text made of the same words and of separators that do and do not break terms.
    fn vocabulary_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "crime",
            "crimes",
            "de",
            "guerre",
            "contre",
            "l’humanité",
            "azure",
            "AZURE",
            "No",
            "for",
            "WHO",
            "who",
            "2019",
            "cours",
            "d’appel",
            "nuages",
            "informatique",
            "en",
            "œuvres",
            "x",
            " ",
            " ",
            " ",
            "-",
            ", ",
            ". ",
            "\u{a0}",
            "'",
            "« ",
            "défense",
            "DÉFENSE",
            "ministères",
            "israéliens",
            "israélienne",
            "Israël",
            "israel",
            "humanité",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn the_trie_walk_finds_what_aho_corasick_finds(
            forms in vocabulary_forms(),
            text in vocabulary_text(),
            french in any::<bool>(),
        ) {
            let lang = if french { Lang::Fr } else { Lang::En };
            let mut b = MatcherBuilder::new(&lang);
            for (k, (form, v)) in forms.iter().enumerate() {
                let verify = [Verify::Folded, Verify::CaseSensitive, Verify::Exact][*v as usize];
                let _ = b.add(form, k, verify);
            }
            let (patterns, pattern_forms) = (b.patterns.clone(), b.pattern_forms.clone());
            let m = b.build();
            let mut scanner = m.scanner();
            // Twice, so that the second scan answers from the cache.
            for _ in 0..2 {
                let mut hits = Vec::new();
                scanner.scan(&text, &mut hits);
                prop_assert_eq!(&hits, &reference_scan(&m, &patterns, &pattern_forms, &text));
            }
        }

        #[test]
        fn numbers_stem_to_themselves(number in "[0-9]{1,12}") {
            for lang in [Lang::Fr, Lang::En] {
                let n = Normalizer::new(&lang);
                let stem = n.stem(&number).into_owned();
                prop_assert_eq!(stem, number.clone());
            }
        }
    }

    #[test]
    fn numbers_are_glossary_words_only_when_the_glossary_has_some() {
        let found_in = |forms: &[&str], text: &str| {
            let mut b = MatcherBuilder::new(&Lang::En);
            for (k, f) in forms.iter().enumerate() {
                b.add(f, k, Verify::Folded).unwrap();
            }
            let m = b.build();
            let mut hits = Vec::new();
            m.scanner().scan(text, &mut hits);
            hits.iter()
                .map(|h| h.span.slice(text).to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(found_in(&["G7", "summit"], "the 7 summit"), ["summit"]);
        assert_eq!(
            found_in(&["+972 Magazine", "summit"], "+972 Magazine summit"),
            ["972 Magazine", "summit"]
        );
        assert_eq!(found_in(&["2019", "summit"], "in 2019"), ["2019"]);
    }

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
        // German through its Snowball stemmer (umlaut plurals, case endings) and its
        // variants (feminine agent nouns, -mann/-leute).
        let de = Lang::parse("de").unwrap();
        for (form, text) in [
            ("Vertrag", "Beide Verträge wurden unterschrieben."),
            ("Vertrag", "in den Verträgen"),
            ("Rechnung", "Die Rechnungen sind offen."),
            ("offene Rechnung", "zwei offene Rechnungen"),
            ("Lehrer", "Die Lehrerin kommt."),
            ("Lehrer", "alle Lehrerinnen"),
            ("Fachmann", "drei Fachleute"),
        ] {
            assert!(finds(de.clone(), form, text), "{form} in {text}");
        }
        // A compound is one word: the term is not found inside it.
        assert!(!finds(de, "Rechnung", "die Rechnungsnummer"));
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
    fn the_word_cache_answers_what_was_inserted_and_grows() {
        let mut cache = WordCache::default();
        let hash = |k: u64| fx_bytes(&k.to_le_bytes());
        assert_eq!(cache.get(hash(0)), None);
        for k in 0..100_000u64 {
            let id = if k % 3 == 0 {
                UNKNOWN
            } else {
                (k % MAX_WORDS as u64) as u32
            };
            cache.insert(hash(k), id);
        }
        for k in 0..100_000u64 {
            let id = if k % 3 == 0 {
                UNKNOWN
            } else {
                (k % MAX_WORDS as u64) as u32
            };
            assert_eq!(cache.get(hash(k)), Some(id), "{k}");
        }
        for k in 100_000..200_000u64 {
            assert_eq!(cache.get(hash(k)), None, "{k}");
        }
    }

    #[test]
    fn latin1_words_fold_on_the_stack_like_the_normalizer_folds_them() {
        let n = Normalizer::new(&Lang::Fr);
        let mut buf = [0u8; LATIN1_WORD];
        for c in (0x80..0x100).filter_map(char::from_u32) {
            for word in [format!("{c}"), format!("A{c}b"), format!("{c}{c}É")] {
                let folded = fold_latin1(word.as_bytes(), &mut buf).map(|k| buf[..k].to_vec());
                assert_eq!(
                    folded,
                    Some(n.fold(&word).into_bytes()),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
        for word in ["œuvre", "l’État", "e\u{301}té", "ﬁn", "Ǆ"] {
            assert_eq!(fold_latin1(word.as_bytes(), &mut buf), None, "{word}");
        }
        let long = "é".repeat(LATIN1_WORD / 2 + 1);
        assert_eq!(fold_latin1(long.as_bytes(), &mut buf), None);
    }

    proptest! {
        #[test]
        fn latin1_folding_agrees_with_the_normalizer(word in "[a-zA-Z\u{80}-\u{ff}\u{152}\u{153}\u{2019}]{1,30}") {
            let n = Normalizer::new(&Lang::Fr);
            let mut buf = [0u8; LATIN1_WORD];
            if let Some(k) = fold_latin1(word.as_bytes(), &mut buf) {
                let folded = n.fold(&word);
                prop_assert_eq!(&buf[..k], folded.as_bytes());
            } else {
                prop_assert!(word.len() > LATIN1_WORD || word.chars().any(|c| c as u32 > 0xff));
            }
        }
    }

    proptest! {
        #[test]
        fn plain_words_are_hashed_while_tokenised_as_fx_ascii_lower_hashes_them(
            text in "([a-zA-Z0-9]{0,20}|[ ,.'’é\u{a0}-]){0,12}",
            french in any::<bool>(),
        ) {
            let lang = if french { Lang::Fr } else { Lang::En };
            let n = Normalizer::new(&lang);
            let mut tokens = n.tokens(&text);
            let mut all = Vec::new();
            loop {
                let mut h = FxHasher::default();
                let Some((token, plain)) = tokens.next_with(|x| h.add(ascii_lower8(x))) else {
                    break;
                };
                let word = token.span.slice(&text);
                let whole_run = text[token.span.start..]
                    .bytes()
                    .take_while(u8::is_ascii_alphanumeric)
                    .count()
                    == word.len();
                if plain {
                    prop_assert!(whole_run && word.bytes().all(|b| b.is_ascii_alphanumeric()));
                    h.add(word.len() as u64);
                    prop_assert_eq!(h.finish(), fx_ascii_lower(word.as_bytes()));
                }
                all.push(token);
            }
            prop_assert_eq!(all, n.tokens(&text).collect::<Vec<_>>());
        }
    }

    #[test]
    fn an_empty_matcher_finds_nothing() {
        let m = MatcherBuilder::new(&Lang::En).build();
        let mut hits = Vec::new();
        m.scanner().scan("anything at all", &mut hits);
        assert!(hits.is_empty());
    }
}
