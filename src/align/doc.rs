//! An aligned document: the sentences of both sides and the beads that pair them, as the
//! writers in `formats` and the checker see it.

use crate::text::{one_line, Bitext, Lang, Pair};

use super::{Alignment, Bead};

/// Sentences of both sides and their alignment.
#[derive(Debug, Clone)]
pub struct AlignedDoc<'a> {
    pub src_lang: Lang,
    pub tgt_lang: Lang,
    pub src: Vec<&'a str>,
    pub tgt: Vec<&'a str>,
    pub alignment: Alignment,
}

impl AlignedDoc<'_> {
    /// The source and target text of a bead: its sentences joined by a space, with line
    /// breaks inside sentences turned into spaces.
    pub fn bead_text(&self, bead: &Bead) -> (String, String) {
        (
            join(&self.src, bead.src.clone()),
            join(&self.tgt, bead.tgt.clone()),
        )
    }

    /// The document as pairs of text, one per bead, for checking and export.
    pub fn to_bitext(&self) -> Bitext {
        let pairs = self
            .alignment
            .beads
            .iter()
            .map(|bead| {
                let (src, tgt) = self.bead_text(bead);
                Pair {
                    src,
                    tgt,
                    low_confidence: self.alignment.needs_review(bead),
                    ..Pair::default()
                }
            })
            .collect();
        Bitext {
            src_lang: self.src_lang.clone(),
            tgt_lang: self.tgt_lang.clone(),
            pairs,
        }
    }
}

fn join(sentences: &[&str], range: std::ops::Range<u32>) -> String {
    let mut out = String::new();
    for k in range {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&one_line(sentences[k as usize]));
    }
    out
}
