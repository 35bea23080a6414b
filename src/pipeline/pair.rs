//! One document pair, from its two texts to its alignment: the route `passerelle align` and
//! `passerelle batch` share, so that both give the same beads for the same pair. A text is
//! split into sentences ([`Sentences`]: segmented, or one sentence a line when presegmented),
//! a translation of the source is read line by line ([`translation_lines`]), and the two sides
//! are aligned with whatever evidence the caller has ([`align_sentences`]). Translating and
//! embedding are the caller's: this file makes no request.

use crate::align::{self, AlignedDoc, Evidence, Side};
use crate::segment::{self, Segmenter};
use crate::text::{one_line, Lang, Segment};

/// A text and its sentences.
#[derive(Debug, Clone)]
pub struct Sentences {
    pub lang: Lang,
    pub text: String,
    pub segments: Vec<Segment>,
}

impl Sentences {
    /// Reads a file and splits it as [`Sentences::split`] does.
    pub fn read(
        path: &std::path::Path,
        lang: &Lang,
        presegmented: bool,
    ) -> crate::Result<Sentences> {
        Ok(Sentences::split(
            crate::files::read_text(path)?,
            lang,
            presegmented,
        ))
    }

    /// Splits `text` with the segmentation rules of `lang`; when `presegmented`, each non-blank
    /// line is a sentence and blank lines separate paragraphs.
    pub fn split(text: String, lang: &Lang, presegmented: bool) -> Sentences {
        let segments = if presegmented {
            segment::lines(&text)
        } else {
            Segmenter::new(lang.clone()).segment(&text)
        };
        Sentences {
            lang: lang.clone(),
            text,
            segments,
        }
    }

    pub fn len(&self) -> usize {
        self.segments.len()
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The sentences and their paragraphs, as the aligner takes them.
    pub fn side(&self) -> Side<'_> {
        Side {
            sentences: self
                .segments
                .iter()
                .map(|s| s.span.slice(&self.text))
                .collect(),
            paragraphs: self.segments.iter().map(|s| s.paragraph).collect(),
        }
    }

    /// Each sentence on one line (line breaks inside it as spaces), as a translation engine
    /// is sent them.
    pub fn one_line(&self) -> Vec<String> {
        self.segments
            .iter()
            .map(|s| one_line(s.span.slice(&self.text)).into_owned())
            .collect()
    }
}

/// A translation of the source given as text, one line per source sentence (Bleualign's
/// `-t`); blank lines are ignored. `Err` says how the line count differs from `sentences`.
pub fn translation_lines(text: &str, sentences: usize) -> Result<Vec<String>, String> {
    let lines: Vec<String> = segment::lines(text)
        .iter()
        .map(|s| s.span.slice(text).to_string())
        .collect();
    if lines.len() != sentences {
        return Err(format!(
            "the translation has {} lines but the source has {sentences} sentences",
            lines.len()
        ));
    }
    Ok(lines)
}

/// Aligns the two sides with the evidence at hand.
pub fn align_sentences<'a>(
    src: &'a Sentences,
    tgt: &'a Sentences,
    evidence: Evidence,
    options: &align::Options,
) -> Result<AlignedDoc<'a>, align::AlignError> {
    let (src_side, tgt_side) = (src.side(), tgt.side());
    let alignment = align::align(&src_side, &tgt_side, evidence, options)?;
    Ok(AlignedDoc {
        src_lang: src.lang.clone(),
        tgt_lang: tgt.lang.clone(),
        src: src_side.sentences,
        tgt: tgt_side.sentences,
        alignment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presegmented_text_keeps_its_lines_and_paragraphs() {
        let s = Sentences::split("Un. Deux.\nTrois.\n\nQuatre.\n".into(), &Lang::Fr, true);
        let side = s.side();
        assert_eq!(side.sentences, ["Un. Deux.", "Trois.", "Quatre."]);
        assert_eq!(side.paragraphs, [0, 0, 1]);
        let s = Sentences::split("Un. Deux.\nTrois.".into(), &Lang::Fr, false);
        assert_eq!(s.len(), 3);
        assert_eq!(s.one_line()[1], "Deux.");
    }

    #[test]
    fn a_translation_must_have_a_line_per_sentence() {
        assert_eq!(translation_lines("a\n\nb\n", 2).unwrap(), ["a", "b"]);
        let e = translation_lines("a\n", 2).unwrap_err();
        assert!(e.contains("1 lines but the source has 2"), "{e}");
    }

    #[test]
    fn aligned_sentences_cover_both_sides() {
        let src = Sentences::split("Il pleut. Le ciel est gris.".into(), &Lang::Fr, false);
        let tgt = Sentences::split("It rains. The sky is grey.".into(), &Lang::En, false);
        let doc =
            align_sentences(&src, &tgt, Evidence::default(), &align::Options::default()).unwrap();
        assert!(doc.alignment.validate(2, 2).is_ok());
        assert_eq!(doc.tgt, ["It rains.", "The sky is grey."]);
    }
}
