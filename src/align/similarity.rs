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
const BIGRAM: u8 = 14;

/// Same-language keys of one sentence (weights before IDF scaling).
pub(crate) fn keys(sentence: &str) -> Vec<(Key, f32)> {
    let mut out = Vec::new();
    if let Ok(n) = std::env::var("PASSERELLE_CHARN") {
        let n: usize = n.parse().unwrap();
        let words: Vec<String> = tokens(sentence).filter_map(|t| match t { Token::Word(w) => Some(fold(w)), Token::Number(d) => Some(d), _ => None }).collect();
        let text: Vec<char> = format!(" {} ", words.join(" ")).chars().collect();
        for w in text.windows(n) {
            let g: String = w.iter().collect();
            out.push((hash(WORD, &g), 1.0));
        }
        return out;
    }
    let mut previous: Option<String> = None;
    let bigram_w: f32 = std::env::var("PASSERELLE_BIGRAM").ok().and_then(|v| v.parse().ok()).unwrap_or(0.0);
    for token in tokens(sentence) {
        match token {
            Token::Word(word) => {
                let folded = fold(word);
                if let Some(p) = previous.take() {
                    if bigram_w > 0.0 {
                        out.push((hash(BIGRAM, &format!("{p} {folded}")), bigram_w));
                    }
                }
                previous = Some(folded.clone());
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
