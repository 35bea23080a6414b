//! Evidence that two sentences in different languages say the same thing, without any
//! translation: the same numbers, the same names and cognates (a shared five-letter prefix
//! after case and accent folding: "Palestiniens"/"Palestinians", "génocide"/"genocide"),
//! matching question and exclamation marks and quotes, and glossary pairs.
//!
//! Keys are built per sentence; both languages map to the same key space, so the overlap of
//! two bags is the evidence. Nothing here needs to know the languages.

use super::features::{fold, hash, tokens, Key, Token};

const NUMBER: u8 = 1;
const PREFIX: u8 = 2;
const PUNCT: u8 = 3;
const GLOSSARY: u8 = 4;

/// Cross-lingual keys of one sentence (weights before IDF scaling).
pub(crate) fn keys(sentence: &str) -> Vec<(Key, f32)> {
    let mut out = Vec::new();
    for token in tokens(sentence) {
        match token {
            Token::Number(digits) => out.push((hash(NUMBER, &digits), 3.0)),
            Token::Word(word) => {
                let folded = fold(word);
                let n = folded.chars().count();
                if n >= 5 {
                    let prefix: String = folded.chars().take(5).collect();
                    out.push((hash(PREFIX, &prefix), 1.0));
                } else if n == 4 && word.chars().next().is_some_and(char::is_uppercase) {
                    // Short capitalised words are often names (Gaza, Ofek, Bern).
                    out.push((hash(PREFIX, &folded), 1.0));
                }
            }
            Token::Punct(p) => {
                let (key, weight) = match p {
                    "?" => ("?", 1.5),
                    "!" => ("!", 1.5),
                    "«" | "»" | "“" | "”" | "\"" => ("\"", 0.5),
                    "%" => ("%", 1.0),
                    "€" | "$" => (p, 1.0),
                    _ => continue,
                };
                out.push((hash(PUNCT, key), weight));
            }
        }
    }
    out
}

/// Keys for glossary pairs: a source sentence containing a glossary term and a target
/// sentence containing its rendering share the pair's key. Matching is on folded text, whole
/// words only.
pub(crate) struct GlossaryKeys {
    pairs: Vec<(String, String)>,
}

impl GlossaryKeys {
    pub fn new(pairs: &[(String, String)]) -> GlossaryKeys {
        let pairs = pairs
            .iter()
            .map(|(s, t)| (fold_words(s), fold_words(t)))
            .filter(|(s, t)| !s.is_empty() && !t.is_empty())
            .collect();
        GlossaryKeys { pairs }
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    pub fn src_keys(&self, sentence: &str, out: &mut Vec<(Key, f32)>) {
        self.add(sentence, out, |p| &p.0);
    }

    pub fn tgt_keys(&self, sentence: &str, out: &mut Vec<(Key, f32)>) {
        self.add(sentence, out, |p| &p.1);
    }

    fn add(
        &self,
        sentence: &str,
        out: &mut Vec<(Key, f32)>,
        side: impl Fn(&(String, String)) -> &String,
    ) {
        let text = format!(" {} ", fold_words(sentence));
        for (k, pair) in self.pairs.iter().enumerate() {
            let term = side(pair);
            if text.contains(&format!(" {term} ")) {
                out.push((hash(GLOSSARY, &k.to_string()), 3.0));
            }
        }
    }
}

/// Folded words separated by single spaces: "L'Informatique en nuage" -> "l informatique en nuage".
fn fold_words(text: &str) -> String {
    let mut out = String::new();
    for token in tokens(text) {
        if let Token::Word(w) = token {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&fold(w));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(a: &str, b: &str) -> usize {
        let ka: Vec<Key> = keys(a).into_iter().map(|k| k.0).collect();
        keys(b).iter().filter(|k| ka.contains(&k.0)).count()
    }

    #[test]
    fn numbers_names_and_cognates_are_shared_across_languages() {
        assert_eq!(
            shared(
                "Les Palestiniens à Gaza, 1 000 fois ?",
                "Palestinians in Gaza, 1,000 times?"
            ),
            4
        );
        assert_eq!(shared("Le génocide", "the genocide"), 1);
        assert_eq!(shared("Il mange une pomme.", "She drinks water."), 0);
    }

    #[test]
    fn glossary_pairs_share_a_key() {
        let g = GlossaryKeys::new(&[("surveillance de masse".into(), "mass surveillance".into())]);
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        g.src_keys("par une surveillance de masse illégale", &mut a);
        g.tgt_keys("through illegal mass surveillance", &mut b);
        g.tgt_keys("through surveillance", &mut c);
        assert_eq!(a.len(), 1);
        assert_eq!(a, b);
        assert!(c.is_empty());
    }
}
