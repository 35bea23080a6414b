//! Evidence that two sentences in different languages say the same thing, without any
//! translation: the same numbers, the same names and cognates (a shared five-letter prefix
//! after case and accent folding: "Palestiniens"/"Palestinians", "génocide"/"genocide"),
//! matching question and exclamation marks and quotes, and glossary pairs.
//!
//! Keys are built per sentence; both languages map to the same key space, so the overlap of
//! two bags is the evidence. Nothing here needs to know the languages.

use super::features::{fold, hash, tokens, Key, Token};
use crate::glossary::matcher::{Matcher, MatcherBuilder, Verify};
use crate::text::Lang;

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
/// sentence containing its rendering share the pair's key. Terms are found with the
/// glossary's own matcher (whole words, any inflection, any case), so the aligner and the
/// checker agree on what counts as an occurrence.
pub(crate) struct GlossaryKeys {
    src: Option<Matcher>,
    tgt: Option<Matcher>,
}

impl GlossaryKeys {
    pub fn new(pairs: &[(String, String)], src_lang: &Lang, tgt_lang: &Lang) -> GlossaryKeys {
        if pairs.is_empty() {
            return GlossaryKeys {
                src: None,
                tgt: None,
            };
        }
        let build = |lang: &Lang, side: fn(&(String, String)) -> &str| {
            let mut builder = MatcherBuilder::new(lang);
            for (k, pair) in pairs.iter().enumerate() {
                // A form with no word in it (punctuation only) cannot be matched: skip it.
                let _ = builder.add(side(pair), k, Verify::Folded);
            }
            builder.build()
        };
        GlossaryKeys {
            src: Some(build(src_lang, |p| &p.0)),
            tgt: Some(build(tgt_lang, |p| &p.1)),
        }
    }

    /// Keys of each sentence of one side.
    pub fn keys(&self, sentences: &[&str], source_side: bool) -> Vec<Vec<(Key, f32)>> {
        let matcher = if source_side { &self.src } else { &self.tgt };
        let Some(matcher) = matcher else {
            return vec![Vec::new(); sentences.len()];
        };
        let mut scanner = matcher.scanner();
        let mut hits = Vec::new();
        sentences
            .iter()
            .map(|s| {
                hits.clear();
                scanner.scan(s, &mut hits);
                hits.iter()
                    .map(|h| (hash(GLOSSARY, &h.tag.to_string()), 3.0))
                    .collect()
            })
            .collect()
    }
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
        let g = GlossaryKeys::new(
            &[("surveillance de masse".into(), "mass surveillance".into())],
            &Lang::Fr,
            &Lang::En,
        );
        let a = g.keys(&["par des surveillances de masse illégales"], true);
        let b = g.keys(
            &["through illegal mass surveillance", "through surveillance"],
            false,
        );
        assert_eq!(a[0].len(), 1, "inflected forms match");
        assert_eq!(a[0], b[0]);
        assert!(b[1].is_empty(), "a partial term does not");
    }
}
