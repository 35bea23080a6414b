//! What the aligner knows about each sentence: its length, and a bag of weighted keys
//! (tokens, numbers, cognate prefixes, glossary term ids) that two sentences share when they
//! say the same thing. Bags of consecutive sentences merge, so beads of several sentences and
//! coarse blocks are scored the same way as single sentences.

use std::collections::HashMap;

/// One weighted key. Keys are hashes; a bag is sorted by key and may repeat a key.
pub(crate) type Key = u32;

/// A multiset of weighted keys, sorted by key.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Bag {
    pub keys: Vec<(Key, f32)>,
    /// Sum of the weights, cached.
    pub total: f32,
}

impl Bag {
    /// A bag of keys; a key given several times is kept once with the weights summed, which
    /// keeps bags short without changing any overlap (a key's weight is the same wherever it
    /// occurs, so the minimum of two sums is the sum of the paired minimums).
    pub fn from_keys(mut keys: Vec<(Key, f32)>) -> Bag {
        keys.sort_unstable_by_key(|k| k.0);
        keys.dedup_by(|next, kept| {
            if next.0 == kept.0 {
                kept.1 += next.1;
                true
            } else {
                false
            }
        });
        let total = keys.iter().map(|k| k.1).sum();
        Bag { keys, total }
    }

    /// The union (sum) of several bags.
    pub fn merge(bags: &[&Bag]) -> Bag {
        let mut keys: Vec<(Key, f32)> = Vec::with_capacity(bags.iter().map(|b| b.keys.len()).sum());
        for b in bags {
            keys.extend_from_slice(&b.keys);
        }
        Bag::from_keys(keys)
    }
}

impl Bag {
    /// The bag with only its `max` heaviest keys: a compact stand-in for a large block at
    /// coarse levels.
    pub fn summarised(mut self, max: usize) -> Bag {
        if self.keys.len() > max {
            self.keys
                .select_nth_unstable_by(max, |a, b| b.1.total_cmp(&a.1));
            self.keys.truncate(max);
            self.keys.sort_unstable_by_key(|k| k.0);
            self.total = self.keys.iter().map(|k| k.1).sum();
        }
        self
    }
}

/// Weighted size of the multiset intersection of two groups of bags (each group is the
/// concatenation of consecutive sentences).
pub(crate) fn overlap(a: &[&Bag], b: &[&Bag], scratch: &mut Scratch) -> f32 {
    let left = merged(a, &mut scratch.left, &mut scratch.spare);
    let right = merged(b, &mut scratch.right, &mut scratch.spare);
    let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
    while i < left.len() && j < right.len() {
        let (ka, wa) = left[i];
        let (kb, wb) = right[j];
        match ka.cmp(&kb) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += wa.min(wb);
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Buffers reused across bead evaluations, one set per thread.
#[derive(Default)]
pub(crate) struct Scratch {
    left: Vec<(Key, f32)>,
    right: Vec<(Key, f32)>,
    spare: Vec<(Key, f32)>,
}

fn merged<'a>(
    bags: &[&'a Bag],
    buf: &'a mut Vec<(Key, f32)>,
    tmp: &mut Vec<(Key, f32)>,
) -> &'a [(Key, f32)] {
    match bags {
        [] => &[],
        [one] => &one.keys,
        [first, rest @ ..] => {
            // Each bag is sorted, so a linear merge replaces a sort: this is the aligner's
            // innermost loop.
            buf.clear();
            buf.extend_from_slice(&first.keys);
            for b in rest {
                tmp.clear();
                tmp.reserve(buf.len() + b.keys.len());
                let (mut i, mut j) = (0, 0);
                while i < buf.len() && j < b.keys.len() {
                    let (x, y) = (buf[i], b.keys[j]);
                    if x.0 < y.0 {
                        tmp.push(x);
                        i += 1;
                    } else if y.0 < x.0 {
                        tmp.push(y);
                        j += 1;
                    } else {
                        tmp.push((x.0, x.1 + y.1));
                        i += 1;
                        j += 1;
                    }
                }
                tmp.extend_from_slice(&buf[i..]);
                tmp.extend_from_slice(&b.keys[j..]);
                std::mem::swap(buf, tmp);
            }
            buf
        }
    }
}

/// FNV-1a, enough to spread token keys; collisions only add a little noise.
pub(crate) fn hash(tag: u8, text: &str) -> Key {
    let mut h: u32 = 0x811c_9dc5 ^ u32::from(tag);
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Lower-cases and strips accents from a token, so that "Génocide" and "genocide" meet.
pub(crate) fn fold(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    for c in token.chars() {
        for l in c.to_lowercase() {
            out.push(match l {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
                'ç' => 'c',
                'è' | 'é' | 'ê' | 'ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' => 'i',
                'ñ' => 'n',
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
                'ù' | 'ú' | 'û' | 'ü' => 'u',
                'ý' | 'ÿ' => 'y',
                'œ' => 'o',
                'æ' => 'a',
                'ß' => 's',
                other => other,
            });
        }
    }
    out
}

/// Splits text into word tokens (letters and digits, with inner apostrophes and hyphens
/// split off) and single punctuation marks worth matching.
pub(crate) fn tokens(text: &str) -> impl Iterator<Item = Token<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(|c: char| c.is_alphanumeric() || "?!:;\"«»“”%€$".contains(c))?;
        rest = &rest[start..];
        let first = rest.chars().next()?;
        if !first.is_alphanumeric() {
            let len = first.len_utf8();
            let token = Token::Punct(&rest[..len]);
            rest = &rest[len..];
            return Some(token);
        }
        if first.is_ascii_digit() {
            // A number, with the separators people write inside numbers: 1 000, 1.000,
            // 3,5, 12'000 (a separator counts only between digits).
            let bytes = rest.as_bytes();
            let mut end = 0;
            let mut digits = String::new();
            while end < bytes.len() {
                let b = bytes[end];
                if b.is_ascii_digit() {
                    digits.push(b as char);
                    end += 1;
                } else if matches!(b, b'.' | b',' | b'\'' | b' ')
                    && end + 1 < bytes.len()
                    && bytes[end + 1].is_ascii_digit()
                    && (b != b' ' || digits.len() <= 3)
                {
                    end += 1;
                } else {
                    break;
                }
            }
            rest = &rest[end..];
            return Some(Token::Number(digits));
        }
        let end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        Some(Token::Word(word))
    })
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token<'a> {
    Word(&'a str),
    Number(String),
    Punct(&'a str),
}

/// Inverse-document-frequency weights over the sentences of both sides: keys that occur in
/// few sentences (names, numbers, rare words) say more about a match than common ones. Keys
/// found in more than `max_df` of the sentences (function words, mostly) are dropped: they
/// say little and would make every bag, and so every bead's evaluation, longer.
pub(crate) fn idf_weights(bags: &mut [Vec<(Key, f32)>], max_df: f32) {
    let mut df: HashMap<Key, u32> = HashMap::new();
    for bag in bags.iter() {
        let mut seen: Vec<Key> = bag.iter().map(|k| k.0).collect();
        seen.sort_unstable();
        seen.dedup();
        for k in seen {
            *df.entry(k).or_default() += 1;
        }
    }
    let n = bags.len().max(1) as f32;
    // Short documents repeat their topic words: never drop a key for fewer than ten.
    let limit = (max_df * n).max(10.0);
    for bag in bags.iter_mut() {
        bag.retain(|(k, _)| df[k] as f32 <= limit);
        for (k, w) in bag.iter_mut() {
            let d = df[k] as f32;
            *w *= (1.0 + n / d).ln();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_words_numbers_and_punctuation() {
        let got: Vec<Token> = tokens("Il a dit « 1 000,5 € » ? L'État, 12'000 m.").collect();
        assert_eq!(
            got,
            [
                Token::Word("Il"),
                Token::Word("a"),
                Token::Word("dit"),
                Token::Punct("«"),
                Token::Number("10005".into()),
                Token::Punct("€"),
                Token::Punct("»"),
                Token::Punct("?"),
                Token::Word("L"),
                Token::Word("État"),
                Token::Number("12000".into()),
                Token::Word("m"),
            ]
        );
    }

    #[test]
    fn fold_strips_case_and_accents() {
        assert_eq!(fold("Génocide"), "genocide");
        assert_eq!(fold("ŒUVRE"), "ouvre");
    }

    #[test]
    fn repeated_keys_are_summed_and_merges_keep_the_overlap() {
        let a = Bag::from_keys(vec![(5, 1.0), (2, 2.0), (5, 1.0)]);
        assert_eq!(a.keys, [(2, 2.0), (5, 2.0)]);
        assert_eq!(a.total, 4.0);
        let b = Bag::from_keys(vec![(5, 1.0), (9, 1.0)]);
        let c = Bag::from_keys(vec![(5, 1.0), (2, 2.0)]);
        let target = Bag::from_keys(vec![(5, 1.0), (5, 1.0), (5, 1.0), (5, 1.0), (9, 1.0)]);
        let mut s = Scratch::default();
        // Three bags merged: key 5 four times (capped by the target's four), 9 once.
        assert_eq!(overlap(&[&a, &b, &c], &[&target], &mut s), 5.0);
        assert_eq!(overlap(&[&target], &[&a, &b, &c], &mut s), 5.0);
        assert_eq!(overlap(&[], &[&target], &mut s), 0.0);
    }

    #[test]
    fn a_summarised_bag_keeps_its_heaviest_keys() {
        let bag = Bag::from_keys(vec![(1, 0.5), (2, 3.0), (3, 1.0), (4, 2.0)]).summarised(2);
        assert_eq!(bag.keys, [(2, 3.0), (4, 2.0)]);
        assert_eq!(bag.total, 5.0);
        let small = Bag::from_keys(vec![(1, 0.5)]);
        assert_eq!(small.clone().summarised(2), small);
    }

    #[test]
    fn idf_favours_rare_keys_and_drops_ubiquitous_ones() {
        // Key 1 is in all 40 sentences, key 2 in 20, key 3 in one.
        let mut bags: Vec<Vec<(Key, f32)>> = (0..40)
            .map(|i| {
                let mut b = vec![(1, 1.0)];
                if i % 2 == 0 {
                    b.push((2, 1.0));
                }
                if i == 0 {
                    b.push((3, 1.0));
                }
                b
            })
            .collect();
        idf_weights(&mut bags, 0.6);
        assert_eq!(bags[1], [] as [(Key, f32); 0], "key 1 is everywhere");
        let w2 = bags[0].iter().find(|k| k.0 == 2).unwrap().1;
        let w3 = bags[0].iter().find(|k| k.0 == 3).unwrap().1;
        assert!(w3 > 2.0 * w2, "{w3} {w2}");
    }

    #[test]
    fn overlap_counts_the_multiset_intersection() {
        let a = Bag::from_keys(vec![(1, 1.0), (2, 2.0), (2, 2.0)]);
        let b = Bag::from_keys(vec![(2, 2.0), (3, 1.0)]);
        let c = Bag::from_keys(vec![(2, 2.0), (1, 1.0)]);
        let mut s = Scratch::default();
        assert_eq!(overlap(&[&a], &[&b], &mut s), 2.0);
        assert_eq!(overlap(&[&a], &[&b, &c], &mut s), 5.0);
        assert_eq!(overlap(&[&b], &[&Bag::default()], &mut s), 0.0);
    }
}
