//! An aligned document: the sentences of both sides and the beads that pair them, as the
//! writers in `formats` and the checker see it.

use std::ops::Range;

use crate::text::{one_line, Bitext, Lang, Pair};

use super::{Alignment, Bead, BeadKind};

/// One bead as reviewers and alignment files know it: its text, and what is known of its
/// sentences, type and confidence (a file read back may not record them all). The one record
/// type of `formats::aligned` (files read back) and `review` (what people see).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BeadRecord {
    pub source: String,
    pub target: String,
    /// Source sentence indices, when known.
    pub src: Option<Range<u32>>,
    /// Target sentence indices, when known.
    pub tgt: Option<Range<u32>>,
    pub kind: Option<BeadKind>,
    /// The aligner's confidence, when known.
    pub score: Option<f32>,
    /// Low confidence: the aligner asks for a look.
    pub review: bool,
}

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

    /// Every bead with its text and all that is known of it.
    pub fn records(&self) -> Vec<BeadRecord> {
        self.alignment
            .beads
            .iter()
            .map(|bead| {
                let (source, target) = self.bead_text(bead);
                BeadRecord {
                    source,
                    target,
                    src: Some(bead.src.clone()),
                    tgt: Some(bead.tgt.clone()),
                    kind: Some(bead.kind()),
                    score: Some(bead.score),
                    review: self.alignment.needs_review(bead),
                }
            })
            .collect()
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
