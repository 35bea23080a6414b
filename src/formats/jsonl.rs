//! JSON lines: one object per bead, with the sentence indices, the texts, the bead type, its
//! confidence and whether it needs review:
//! `{"bead":0,"src":[0],"tgt":[0,1],"type":"1-2","score":0.93,"review":false,"source":"…","target":"…"}`.

use serde::Serialize;

use crate::align::{AlignedDoc, Alignment, Bead};

use super::{AlignmentSpec, Files, Written};

/// `--format jsonl`: `NAME.jsonl`, one object per bead with sentence indices.
pub const FORMAT: AlignmentSpec = AlignmentSpec {
    name: "jsonl",
    describe: "{\"bead\", \"src\": [i...], \"tgt\": [j...], \"type\", \"score\", \"review\", \"source\", \"target\"}",
    files: Files::One(".jsonl"),
    write: |doc, _| Written::One(write(doc)),
};

#[derive(Serialize)]
struct Record {
    bead: usize,
    #[serde(flatten)]
    shape: BeadShape,
    source: String,
    target: String,
}

/// A bead without its text: `{"src":[0],"tgt":[0,1],"type":"1-2","score":0.93,"review":false}`,
/// the score rounded to three decimals. The `beads` of a `passerelle batch` record are these,
/// so that they equal what `align --format jsonl` writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BeadShape {
    pub src: Vec<u32>,
    pub tgt: Vec<u32>,
    #[serde(rename = "type")]
    pub kind: String,
    pub score: f32,
    pub review: bool,
}

impl BeadShape {
    pub fn of(alignment: &Alignment, bead: &Bead) -> BeadShape {
        BeadShape {
            src: bead.src.clone().collect(),
            tgt: bead.tgt.clone().collect(),
            kind: bead.kind().to_string(),
            score: (bead.score * 1000.0).round() / 1000.0,
            review: alignment.needs_review(bead),
        }
    }
}

/// Writes an aligned document as JSON lines.
pub fn write(doc: &AlignedDoc) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, bead) in doc.alignment.beads.iter().enumerate() {
        let (source, target) = doc.bead_text(bead);
        let record = Record {
            bead: k,
            shape: BeadShape::of(&doc.alignment, bead),
            source,
            target,
        };
        serde_json::to_writer(&mut out, &record).expect("serialising to memory cannot fail");
        out.push(b'\n');
    }
    out
}
