//! JSON lines: one object per bead, with the sentence indices, the texts, the bead type, its
//! confidence and whether it needs review:
//! `{"bead":0,"src":[0],"tgt":[0,1],"type":"1-2","score":0.93,"review":false,"source":"…","target":"…"}`.

use serde::Serialize;

use crate::align::AlignedDoc;

#[derive(Serialize)]
struct Record {
    bead: usize,
    src: Vec<u32>,
    tgt: Vec<u32>,
    #[serde(rename = "type")]
    kind: String,
    score: f32,
    review: bool,
    source: String,
    target: String,
}

/// Writes an aligned document as JSON lines.
pub fn write(doc: &AlignedDoc) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, bead) in doc.alignment.beads.iter().enumerate() {
        let (source, target) = doc.bead_text(bead);
        let record = Record {
            bead: k,
            src: bead.src.clone().collect(),
            tgt: bead.tgt.clone().collect(),
            kind: bead.kind().to_string(),
            score: (bead.score * 1000.0).round() / 1000.0,
            review: doc.alignment.needs_review(bead),
            source,
            target,
        };
        serde_json::to_writer(&mut out, &record).expect("serialising to memory cannot fail");
        out.push(b'\n');
    }
    out
}
