//! inconsistent-translation, across the whole document: a glossary term with several
//! accepted renderings rendered one way here and another way there, and one source segment
//! translated differently in two places.
//!
//! For terms, the rendering used most often is taken as the document's choice (the first
//! one used on a tie) and every pair using another is reported. For segments, the first
//! translation seen is the reference and later different ones are reported; sources with
//! fewer than three words ("Oui.", a title) are left alone, as they legitimately vary with
//! context. Segments are compared by a 64-bit hash of their words, so memory stays small on
//! large documents: the hashes are listed as the pairs go by and sorted at the end, which
//! costs less than a hash table's random accesses once the table outgrows the CPU's cache.

use std::collections::HashMap;
use std::hash::Hasher as _;

use super::terms::{Compiled, PairMatches};
use super::{clip, Finding, Rule};
use super::{RuleInfo, Severity};
use crate::hash::{load_short, FxHasher};
use crate::text::{Bitext, Span};

pub(super) const INCONSISTENT_TRANSLATION: RuleInfo = RuleInfo {
    id: "inconsistent-translation",
    default_severity: Severity::Warning,
    summary: "Same source translated differently",
    description: "A glossary term with several accepted renderings is rendered differently \
        across the document, or the same source segment is translated differently. \
        Pick one rendering and use it everywhere.",
    pair_check: None,
    needs_glossary: true,
};

#[derive(Default)]
pub(super) struct Tracker {
    /// Per term entry: (segment, rendering index, source span, target span) in order.
    terms: HashMap<usize, Vec<(usize, usize, Span, Span)>>,
    /// (source hash, segment, target hash) of every segment of three words or more. The
    /// target is hashed as the pair goes by, while its text is in the CPU's cache: in a large
    /// document many sources repeat, and hashing their targets at the end, in the order of
    /// the sources, would fetch each from memory again.
    segments: Vec<(u64, usize, u64)>,
}

/// A hash of the whitespace-separated words of `text` (as `split_whitespace` gives them),
/// and how many there are: texts with the same words, however they are spaced, hash alike.
///
/// The hash is that of the words joined by single spaces, which most texts already are:
/// those are hashed as they stand, eight bytes at a time, while checking that they hold no
/// other whitespace; the others are hashed word by word into the same stream.
pub(super) fn words_hash(text: &str) -> (u64, usize) {
    if let Some((hash, spaces)) = single_spaced_hash(text) {
        let words = if text.is_empty() { 0 } else { spaces + 1 };
        return (hash, words);
    }
    // FxHash: this runs on every pair of large documents, where SipHash shows in profiles.
    let mut h = StreamHasher::default();
    let mut n = 0;
    for w in words(text) {
        if n > 0 {
            h.write(b" ");
        }
        h.write(w.as_bytes());
        n += 1;
    }
    (h.finish(), n)
}

/// FxHash of a byte stream written in pieces: the same hash however the stream is cut.
#[derive(Default)]
struct StreamHasher {
    hash: FxHasher,
    /// Bytes not hashed yet, little-endian, and how many.
    pending: u64,
    pending_len: usize,
    len: usize,
}

impl StreamHasher {
    fn write(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len();
        if self.pending_len > 0 {
            // Top up the pending bytes to eight, all at once.
            let take = (8 - self.pending_len).min(bytes.len());
            self.pending |= load_short(&bytes[..take]) << (8 * self.pending_len);
            self.pending_len += take;
            bytes = &bytes[take..];
            if self.pending_len < 8 {
                return;
            }
            self.hash.add(self.pending);
            self.pending = 0;
            self.pending_len = 0;
        }
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.hash
                .add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        self.pending = load_short(chunks.remainder());
        self.pending_len = chunks.remainder().len();
    }

    fn finish(mut self) -> u64 {
        if self.pending_len > 0 {
            self.hash.add(self.pending);
        }
        self.hash.add(self.len as u64);
        self.hash.finish()
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of every zero byte of `x`, exactly (no borrow runs between bytes).
#[inline]
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// When `text`'s words are separated by single ASCII spaces, with no other whitespace and
/// none at either end: the hash [`StreamHasher`] gives the text, and how many spaces it has.
/// `None` otherwise (and for a text with ASCII control characters, which the caller then
/// hashes word by word, to the same result).
///
/// Eight bytes at a time, hashed as they are checked. Only a block with a non-ASCII byte
/// is searched for the lead bytes of non-ASCII whitespace, which are decoded to see whether
/// they start some: English blocks have none, and most French ones neither.
fn single_spaced_hash(text: &str) -> Option<(u64, usize)> {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return None;
    }
    let mut h = FxHasher::default();
    let mut spaces = 0;
    let mut previous_space = false;
    let mut at = 0;
    while at < bytes.len() {
        let (x, hashed) = match bytes.get(at..at + 8) {
            Some(chunk) => {
                let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
                (x, x)
            }
            None => {
                // The tail: hashed padded with zeros, checked padded with letters.
                let tail = &bytes[at..];
                let x = load_short(tail);
                (x | (ONES * u64::from(b'a')) << (8 * tail.len()), x)
            }
        };
        // Bytes below 0x20: adding 0x60 to them leaves their high bit clear.
        let control = !(x & LOW7).wrapping_add(ONES * 0x60) & !x & HIGH;
        let space = zero_bytes(x ^ (ONES * u64::from(b' ')));
        if control | (space & (space << 8)) != 0 || (previous_space && space & 0x80 != 0) {
            return None;
        }
        // Counted by summing the bytes' flags with a multiplication: `count_ones` is a long
        // sequence of instructions on the baseline x86-64, which has no `popcnt`.
        spaces += ((space >> 7).wrapping_mul(ONES) >> 56) as usize;
        previous_space = space >> 63 != 0;
        if x & HIGH != 0 {
            let mut leads =
                zero_bytes(x ^ (ONES * 0xc2)) | zero_bytes((x & (ONES * 0xfc)) ^ (ONES * 0xe0));
            while leads != 0 {
                let k = (leads.trailing_zeros() / 8) as usize;
                if space_len(text, at + k) > 0 {
                    return None;
                }
                leads &= leads - 1;
            }
        }
        h.add(hashed);
        at += 8;
    }
    h.add(bytes.len() as u64);
    Some((h.finish(), spaces))
}

/// Bytes that may start a whitespace character: ASCII whitespace, and the lead bytes of the
/// others (U+0085 and U+00A0; U+1680; U+2000 to U+205F; U+3000).
const MAY_BE_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b, 0x09..=0x0d | 0x20 | 0xc2 | 0xe1 | 0xe2 | 0xe3);
        b += 1;
    }
    table
};

/// The byte length of the whitespace character at byte `i` (a char boundary), or 0.
#[inline]
fn space_len(text: &str, i: usize) -> usize {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return usize::from(MAY_BE_SPACE[b as usize]);
    }
    match text[i..].chars().next() {
        Some(c) if c.is_whitespace() => c.len_utf8(),
        _ => 0,
    }
}

/// The words of `text` exactly as `str::split_whitespace` gives them, but classifying bytes
/// with a table instead of decoding and looking up every character.
pub(super) fn words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        // Skip spaces.
        loop {
            if i >= bytes.len() {
                return None;
            }
            if !MAY_BE_SPACE[bytes[i] as usize] {
                break;
            }
            match space_len(text, i) {
                0 => break,
                len => i += len,
            }
        }
        let start = i;
        // The word: up to the next space. Continuation bytes are never flagged, so a
        // character's bytes are stepped over one by one.
        while i < bytes.len() {
            if MAY_BE_SPACE[bytes[i] as usize] && space_len(text, i) > 0 {
                break;
            }
            i += 1;
        }
        Some(&text[start..i])
    })
}

impl Tracker {
    pub fn observe_terms(&mut self, segment: usize, m: &PairMatches) {
        for &(e, k, src, tgt) in &m.renderings {
            self.terms
                .entry(e)
                .or_default()
                .push((segment, k, src, tgt));
        }
    }

    /// Notes a pair's source and target, as [`words_hash`] hashes them; only sources of three
    /// words or more are compared.
    pub fn observe_segment(&mut self, segment: usize, src: (u64, usize), tgt: u64) {
        if src.1 >= 3 {
            self.segments.push((src.0, segment, tgt));
        }
    }

    /// Adds what `later` observed, on pairs that all follow this tracker's: the same as
    /// observing its pairs here, so trackers filled in parallel on consecutive runs of pairs
    /// and appended in document order give the findings of one tracker over all of them.
    pub fn append(&mut self, later: Tracker) {
        if self.segments.is_empty() {
            self.segments = later.segments;
        } else {
            self.segments.extend(later.segments);
        }
        for (entry, uses) in later.terms {
            match self.terms.entry(entry) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(uses);
                }
                std::collections::hash_map::Entry::Occupied(mut o) => o.get_mut().extend(uses),
            }
        }
    }

    pub fn finish(mut self, compiled: &Compiled<'_>, bitext: &Bitext, out: &mut Vec<Finding>) {
        // Segments with the same source meet when sorted, the first one leading.
        sort_segments(&mut self.segments);
        for same in self.segments.chunk_by(|a, b| a.0 == b.0) {
            let (_, first, first_tgt) = same[0];
            for &(_, segment, tgt) in &same[1..] {
                if tgt == first_tgt {
                    continue;
                }
                let Some(pair) = bitext.pairs.get(segment) else {
                    continue;
                };
                let text = pair.src.trim();
                let start = pair.src.len() - pair.src.trim_start().len();
                let message = format!("this segment was translated differently in segment {first}");
                out.push(
                    Finding::new(
                        Rule::InconsistentTranslation,
                        segment,
                        clip(text, 60),
                        message,
                    )
                    .source(Span::new(start, start + text.len())),
                );
            }
        }
        let mut entries: Vec<_> = self.terms.into_iter().collect();
        entries.sort_by_key(|(e, _)| *e);
        for (e, uses) in entries {
            let renderings = compiled.renderings(e);
            let mut counts = vec![0usize; renderings.len()];
            for u in &uses {
                counts[u.1] += 1;
            }
            if counts.iter().filter(|c| **c > 0).count() < 2 {
                continue;
            }
            // Most used; on a tie, the one used first.
            let best = (0..counts.len())
                .filter(|k| counts[*k] > 0)
                .max_by_key(|k| {
                    (
                        counts[*k],
                        std::cmp::Reverse(uses.iter().position(|u| u.1 == *k)),
                    )
                })
                .unwrap_or(0);
            let first_best = uses.iter().find(|u| u.1 == best).map_or(0, |u| u.0);
            let term = compiled.source_term(e);
            for &(segment, k, src, tgt) in uses.iter().filter(|u| u.1 != best) {
                let message = format!(
                    "\"{term}\" is rendered \"{}\" here but \"{}\" in {} other segment{} (first: segment {first_best})",
                    renderings[k],
                    renderings[best],
                    counts[best],
                    if counts[best] == 1 { "" } else { "s" }
                );
                let finding = Finding::new(Rule::InconsistentTranslation, segment, term, message)
                    .source(src)
                    .target(Some(tgt))
                    .expected(vec![renderings[best].clone()]);
                out.push(finding);
            }
        }
    }
}

/// Sorts `entries` (source hash, segment, target hash), pushed in the order of their
/// segments, as `sort_unstable` does, in linear time: by the top half of the hash, sixteen
/// bits at a time, in two stable passes that keep the order of segments; then the few
/// runs whose hashes share their top half are sorted whole. A million entries take a few
/// milliseconds rather than tens.
fn sort_segments(entries: &mut Vec<(u64, usize, u64)>) {
    const RADIX_FROM: usize = 1 << 14;
    if entries.len() < RADIX_FROM {
        entries.sort_unstable();
        return;
    }
    let mut sorted = vec![(0, 0, 0); entries.len()];
    let mut starts = vec![0usize; 1 << 16];
    for shift in [32, 48] {
        let digit = |e: &(u64, usize, u64)| ((e.0 >> shift) & 0xffff) as usize;
        starts.iter_mut().for_each(|s| *s = 0);
        for e in entries.iter() {
            starts[digit(e)] += 1;
        }
        let mut sum = 0;
        for s in starts.iter_mut() {
            let count = *s;
            *s = sum;
            sum += count;
        }
        for e in entries.iter() {
            let d = digit(e);
            sorted[starts[d]] = *e;
            starts[d] += 1;
        }
        std::mem::swap(entries, &mut sorted);
    }
    for run in entries.chunk_by_mut(|a, b| a.0 >> 32 == b.0 >> 32) {
        if run.len() > 1 {
            run.sort_unstable();
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn every_whitespace_character_may_be_a_space() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            if c.is_whitespace() {
                assert!(MAY_BE_SPACE[lead as usize], "U+{:04X}", c as u32);
            }
            let text = format!("a{c}b");
            assert_eq!(
                words(&text).collect::<Vec<_>>(),
                text.split_whitespace().collect::<Vec<_>>(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    /// The words joined by single spaces, which [`words_hash`] hashes.
    fn joined(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn stream_hash(pieces: &[&[u8]]) -> u64 {
        let mut h = StreamHasher::default();
        for p in pieces {
            h.write(p);
        }
        h.finish()
    }

    #[test]
    fn texts_with_the_same_words_hash_alike() {
        let a = "Le ministère a signé 13 contrats pour 721,99\u{a0}€.";
        for b in [
            " Le ministère a signé 13 contrats pour 721,99\u{a0}€.",
            "Le  ministère a signé 13 contrats pour 721,99\u{a0}€.",
            "Le ministère\ta signé 13 contrats pour\n721,99 €. ",
            "Le\u{202f}ministère a signé 13 contrats pour 721,99\u{3000}€.\u{2028}",
        ] {
            assert_eq!(words_hash(a), words_hash(b), "{b:?}");
        }
        assert_ne!(
            words_hash(a).0,
            words_hash("Le ministère a signé 13 contrats").0
        );
        assert_eq!(words_hash(""), words_hash(" \u{a0} "));
        assert_eq!(words_hash("").1, 0);
        assert_eq!(words_hash("a b c").1, 3);
    }

    #[test]
    fn segments_are_sorted_as_sort_unstable_sorts_them() {
        let mut state = 1u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state
        };
        for n in [0, 1, 100, 1 << 14, 100_000] {
            let entries: Vec<(u64, usize, u64)> = (0..n)
                .map(|segment| {
                    let r = next();
                    // Repeated sources, and hashes that share their top half.
                    let hash = match r % 4 {
                        0 => r >> 60,
                        1 => (r % 7) << 32 | (r >> 40),
                        _ => r,
                    };
                    (hash, segment, next() % 3)
                })
                .collect();
            let mut expected = entries.clone();
            expected.sort_unstable();
            let mut sorted = entries;
            sort_segments(&mut sorted);
            assert_eq!(sorted, expected, "{n}");
        }
    }

    #[test]
    fn the_stream_hash_does_not_depend_on_how_the_stream_is_cut() {
        let text = b"informatique en nuage, crimes de guerre";
        let whole = stream_hash(&[text]);
        for a in 0..text.len() {
            for b in a..text.len() {
                assert_eq!(stream_hash(&[&text[..a], &text[a..b], &text[b..]]), whole);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn words_hash_is_the_hash_of_the_words_joined_by_spaces(
            text in "([a-zé€’, \t\n\u{b}\u{85}\u{a0}\u{2009}\u{202f}\u{3000}\u{e000}]){0,40}"
        ) {
            let joined = joined(&text);
            prop_assert_eq!(words_hash(&text), (stream_hash(&[joined.as_bytes()]), text.split_whitespace().count()));
            prop_assert_eq!(single_spaced_hash(&text).is_some(), text == joined);
        }

        #[test]
        fn words_hash_is_the_hash_of_the_words_joined_by_spaces_on_any_text(text in any::<String>()) {
            let joined = joined(&text);
            prop_assert_eq!(words_hash(&text), (stream_hash(&[joined.as_bytes()]), text.split_whitespace().count()));
        }

        #[test]
        fn words_are_those_split_whitespace_gives(text in any::<String>()) {
            prop_assert_eq!(words(&text).collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
        }

        #[test]
        fn words_are_those_split_whitespace_gives_on_spaced_text(
            text in "([a-zé€’ \\t\\n\\r\\u{b}\\u{c}\\u{85}\\u{a0}\\u{1680}\\u{2000}-\\u{200b}\\u{2028}\\u{2029}\\u{202f}\\u{205f}\\u{3000}\\u{e000}\\u{1f600}]){0,40}"
        ) {
            prop_assert_eq!(words(&text).collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
        }
    }
}
