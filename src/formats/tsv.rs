//! Tab-separated bitext: one pair per line, `source<TAB>target<TAB>type<TAB>score<TAB>flag`.
//!
//! The writer turns tabs and line breaks inside text into spaces so that every pair stays on
//! one line; `flag` is `review` for beads below the confidence threshold and empty otherwise.
//! The reader accepts any TSV with at least two columns (source, target), so plain bitexts
//! from other tools can be checked too.

use std::path::Path;

use crate::align::AlignedDoc;
use crate::error::{Error, Result};
use crate::text::{Bitext, Lang, Origin, Pair};

/// Writes an aligned document as TSV.
pub fn write(doc: &AlignedDoc) -> Vec<u8> {
    let mut out = String::new();
    for bead in &doc.alignment.beads {
        let (src, tgt) = doc.bead_text(bead);
        let flag = if doc.alignment.needs_review(bead) {
            "review"
        } else {
            ""
        };
        out.push_str(&clean(&src));
        out.push('\t');
        out.push_str(&clean(&tgt));
        out.push_str(&format!("\t{}\t{:.3}\t{flag}\n", bead.kind(), bead.score));
    }
    out.into_bytes()
}

fn clean(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// Reads a TSV bitext. Blank lines and lines starting with `#` are skipped.
pub fn read(path: &Path, text: &str, src_lang: &Lang, tgt_lang: &Lang) -> Result<Bitext> {
    let mut pairs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n as u32 + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = if n == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let src = cols.next().unwrap_or("");
        let Some(tgt) = cols.next() else {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                line: line_no as usize,
                message: "expected at least two tab-separated columns (source, target)".into(),
            });
        };
        let flag = cols.nth(2).unwrap_or("");
        let tgt_offset = line.len() - line[src.len()..].len() + 1;
        let origin = |column_offset| {
            Some(Origin {
                path: path.to_path_buf(),
                line: line_no,
                column_offset: Some(column_offset),
            })
        };
        pairs.push(Pair {
            src: src.to_string(),
            tgt: tgt.to_string(),
            src_origin: origin(0),
            tgt_origin: origin(tgt_offset),
            low_confidence: flag.trim() == "review",
        });
    }
    Ok(Bitext {
        src_lang: src_lang.clone(),
        tgt_lang: tgt_lang.clone(),
        pairs,
    })
}
