//! JSON lines: one object per bead, with the sentence indices, the texts, the bead type, its
//! confidence and whether it needs review:
//! `{"bead":0,"src":[0],"tgt":[0,1],"type":"1-2","score":0.93,"review":false,"source":"…","target":"…"}`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::align::{AlignedDoc, Alignment, Bead};
use crate::error::{Error, Result};
use crate::text::{Bitext, Lang, Origin, Pair};

#[derive(Serialize, Deserialize)]
struct Record {
    #[serde(default)]
    bead: usize,
    #[serde(default)]
    src: Vec<u32>,
    #[serde(default)]
    tgt: Vec<u32>,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    score: f32,
    #[serde(default)]
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

fn parse_lines(path: &Path, text: &str) -> Result<Vec<(u32, Record)>> {
    let mut records = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = if n == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(line).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            line: n + 1,
            message: format!("not an alignment record: {e}"),
        })?;
        records.push((n as u32 + 1, record));
    }
    Ok(records)
}

/// Reads the pairs of a JSON-lines alignment (`source` and `target` of each record).
pub fn read(path: &Path, text: &str, src_lang: &Lang, tgt_lang: &Lang) -> Result<Bitext> {
    let pairs = parse_lines(path, text)?
        .into_iter()
        .map(|(line, r)| {
            let origin = Some(Origin {
                path: path.to_path_buf(),
                line,
                column_offset: None,
            });
            Pair {
                src: r.source,
                tgt: r.target,
                src_origin: origin.clone(),
                tgt_origin: origin,
                low_confidence: r.review,
            }
        })
        .collect();
    Ok(Bitext {
        src_lang: src_lang.clone(),
        tgt_lang: tgt_lang.clone(),
        pairs,
    })
}

/// Reads the beads of a JSON-lines alignment (the `src` and `tgt` index lists), for
/// evaluation and diffs. Indices must be contiguous within each record.
pub fn read_alignment(path: &Path, text: &str) -> Result<Alignment> {
    let mut beads = Vec::new();
    for (line, r) in parse_lines(path, text)? {
        let range = |ids: &[u32], side: &str| -> Result<std::ops::Range<u32>> {
            super::beads::contiguous(ids).ok_or_else(|| Error::Parse {
                path: path.to_path_buf(),
                line: line as usize,
                message: format!("{side} indices {ids:?} are not consecutive"),
            })
        };
        beads.push(Bead {
            src: range(&r.src, "source")?,
            tgt: range(&r.tgt, "target")?,
            score: r.score,
        });
    }
    Ok(Alignment {
        beads,
        review_below: 0.0,
    })
}
