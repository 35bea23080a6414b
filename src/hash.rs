//! Fast non-cryptographic hashing of short words (FxHash, as rustc uses it), with ASCII
//! lower-casing eight bytes at a time: the glossary matcher hashes every word of the text and
//! the consistency rule every segment, where SipHash would be a noticeable part of the work.
//! Not for anything an attacker chooses to collide, and not stable across versions.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Up to eight bytes as a little-endian integer padded with zeros, as copying them into a
/// zeroed buffer would give, but with two overlapping loads instead of a call to `memcpy`
/// (which a copy of variable length becomes): most words are shorter than eight bytes.
#[inline]
pub(crate) fn load_short(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    match n {
        0 => 0,
        1..=3 => {
            u64::from(bytes[0])
                | u64::from(bytes[n / 2]) << (8 * (n / 2))
                | u64::from(bytes[n - 1]) << (8 * (n - 1))
        }
        4..=7 => {
            let lo = u32::from_le_bytes(bytes[..4].try_into().unwrap_or([0; 4]));
            let hi = u32::from_le_bytes(bytes[n - 4..].try_into().unwrap_or([0; 4]));
            u64::from(lo) | u64::from(hi) << (8 * (n - 4))
        }
        _ => u64::from_le_bytes(bytes[..8].try_into().unwrap_or([0; 8])),
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

/// [`fx_bytes`] of the ASCII `bytes` lower-cased, eight bytes at a time.
#[inline]
pub(crate) fn fx_ascii_lower(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h.add(ascii_lower8(u64::from_le_bytes(
            c.try_into().unwrap_or([0; 8]),
        )));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        h.add(ascii_lower8(load_short(rest)));
    }
    h.add(bytes.len() as u64);
    h.finish()
}

/// Eight ASCII bytes with `A`..=`Z` lower-cased: a byte is a capital when adding 0x3f sets
/// its high bit (at least `A`) and adding 0x25 does not (at most `Z`); no byte below 0x80
/// carries into the next.
#[inline]
pub(crate) fn ascii_lower8(x: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let at_least_a = x.wrapping_add(0x3f3f_3f3f_3f3f_3f3f);
    let above_z = x.wrapping_add(0x2525_2525_2525_2525);
    x | ((at_least_a & !above_z & HIGH) >> 2)
}

/// FxHash's structure (one multiplication per eight bytes) with a folded multiply: the
/// 128-bit product's halves xored, so that every bit of every piece reaches every bit of the
/// hash. Tokens are short and hashed once per word of the text, where SipHash would be a
/// noticeable part of the scan. FxHash's own step (rotate, xor, multiply, keeping the low
/// half) only carries a bit upwards: two nine-byte words differing in their eighth and ninth
/// bytes ("bibigondo", "bibigontu") could hash alike, and the matcher's word cache, keyed by
/// the hash alone, then gave the second word seen the first one's glossary id, so a check's
/// findings depended on which pairs came before (and on how a parallel check split them).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    pub(crate) fn add(&mut self, word: u64) {
        let product = u128::from(self.hash ^ word) * u128::from(SEED);
        self.hash = (product as u64) ^ ((product >> 64) as u64);
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
            self.add(load_short(rest));
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

    #[test]
    fn ascii_lower_casing_eight_bytes_at_a_time_is_exact() {
        for b in 0..0x80u8 {
            for shift in (0..64).step_by(8) {
                let x = u64::from(b) << shift | 0x4161_7a5a_405b_607b & !(0xff << shift);
                let expected = u64::from_le_bytes(x.to_le_bytes().map(|b| b.to_ascii_lowercase()));
                assert_eq!(ascii_lower8(x), expected, "{b:#x} at {shift}");
            }
        }
    }

    #[test]
    fn short_loads_equal_copies_into_a_zeroed_buffer() {
        let bytes: Vec<u8> = (1..=9).collect();
        for a in 0..bytes.len() {
            for b in a..=(a + 8).min(bytes.len()) {
                let mut buf = [0u8; 8];
                buf[..b - a].copy_from_slice(&bytes[a..b]);
                assert_eq!(
                    load_short(&bytes[a..b]),
                    u64::from_le_bytes(buf),
                    "{a}..{b}"
                );
            }
        }
    }

    #[test]
    fn words_differing_in_their_last_bytes_hash_apart() {
        // These two collided under FxHash's own step.
        assert_ne!(fx_ascii_lower(b"bibigondo"), fx_ascii_lower(b"bibigontu"));
        let mut seen = std::collections::HashMap::new();
        for a in b'a'..=b'z' {
            for b in b'a'..=b'z' {
                for c in b'a'..=b'z' {
                    let word = [b'b', b'i', b'b', b'i', b'g', b'o', b'n', a, b, c];
                    for len in [8, 9, 10] {
                        let w = &word[..len];
                        if let Some(other) = seen.insert(fx_ascii_lower(w), w.to_vec()) {
                            assert_eq!(other, w.to_vec());
                        }
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_words_hash_like_their_folded_form(word in "[ -~]{0,40}") {
            let folded = word.to_ascii_lowercase();
            proptest::prop_assert_eq!(fx_ascii_lower(word.as_bytes()), fx_bytes(folded.as_bytes()));
        }
    }
}
