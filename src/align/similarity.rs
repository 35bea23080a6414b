//! Evidence from a translation of the source: once the source is in the target language,
//! two sentences that say the same thing share many words. Each sentence becomes a bag of
//! folded words (and numbers and sentence punctuation); the bead's similarity is the weighted
//! Dice overlap of the translated source bag with the target bag, much as Bleualign compares
//! a machine translation with the target, but over merged bags so that 2-1 and 1-2 beads are
//! scored like 1-1 beads.

use super::features::{fold, hash, tokens, Key, Token};

const WORD: u8 = 10;
const STEM: u8 = 11;
const NUMBER: u8 = 12;
const PUNCT: u8 = 13;

/// Same-language keys of one sentence (weights before IDF scaling).
pub(crate) fn keys(sentence: &str) -> Vec<(Key, f32)> {
    let mut out = Vec::new();
    for token in tokens(sentence) {
        match token {
            Token::Word(word) => {
                let folded = fold(word);
                out.push((hash(WORD, &folded), 1.0));
                if folded.chars().count() > 5 {
                    // Inflection and MT's morphology errors: a shared stem still counts a bit.
                    let stem: String = folded.chars().take(5).collect();
                    out.push((hash(STEM, &stem), 0.5));
                }
            }
            Token::Number(digits) => out.push((hash(NUMBER, &digits), 2.0)),
            Token::Punct(p) if matches!(p, "?" | "!") => out.push((hash(PUNCT, p), 1.0)),
            Token::Punct(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_shares_words_with_its_target() {
        let a: Vec<Key> = keys("la première attaque du 9 septembre")
            .into_iter()
            .map(|k| k.0)
            .collect();
        let b = keys("Première attaque, le 9 septembre ?");
        let common = b.iter().filter(|k| a.contains(&k.0)).count();
        assert!(common >= 6, "{common}");
    }
}
