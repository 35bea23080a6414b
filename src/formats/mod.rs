//! Exchange formats: data in, bytes out. Alignments and bitexts as TSV, JSON lines, bead
//! lists, Moses file pairs, TMX and XLIFF ([`aligned`] reads any of them back with what it
//! carries, for review and diffs); findings as SARIF, JUnit and JSON. Nothing here segments,
//! aligns or checks; nothing here prints.

pub mod aligned;
pub mod beads;
pub mod findings;
pub mod jsonl;
pub mod junit;
pub mod moses;
pub mod sarif;
pub mod tmx;
pub mod tsv;
pub mod xliff;
mod xml;

use std::path::Path;

use crate::error::{Error, Result};
use crate::files;
use crate::text::{Bitext, Lang};

/// The formats an alignment file can be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BitextFormat {
    Tsv,
    Jsonl,
    Tmx,
    Xliff,
}

impl BitextFormat {
    /// Picks the format from the file name, or from the first non-blank character when the
    /// extension says nothing (`<` TMX, `{` JSON lines, anything else TSV).
    pub fn detect(path: &Path, text: &str) -> BitextFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "tmx" => BitextFormat::Tmx,
            "xlf" | "xliff" => BitextFormat::Xliff,
            "jsonl" | "ndjson" | "json" => BitextFormat::Jsonl,
            "tsv" | "tab" => BitextFormat::Tsv,
            _ => match text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .chars()
                .next()
            {
                Some('<') if text.contains("<xliff") => BitextFormat::Xliff,
                Some('<') => BitextFormat::Tmx,
                Some('{') => BitextFormat::Jsonl,
                _ => BitextFormat::Tsv,
            },
        }
    }
}

/// Reads an alignment file passerelle writes (TSV, JSON lines, TMX or XLIFF, told apart by
/// extension or content) as pairs of text with their locations in the file.
pub fn read_bitext(path: &Path, src_lang: &Lang, tgt_lang: &Lang) -> Result<Bitext> {
    let text = files::read_text(path)?;
    let bitext = match BitextFormat::detect(path, &text) {
        BitextFormat::Tsv => tsv::read(path, &text, src_lang, tgt_lang)?,
        BitextFormat::Jsonl => jsonl::read(path, &text, src_lang, tgt_lang)?,
        BitextFormat::Tmx => tmx::read(path, &text, src_lang, tgt_lang)?,
        BitextFormat::Xliff => xliff::read(path, &text, src_lang, tgt_lang)?,
    };
    if bitext.pairs.is_empty() && !text.trim().is_empty() {
        return Err(Error::Input(format!(
            "{}: no {}-{} pairs found",
            crate::error::show_path(path),
            src_lang,
            tgt_lang
        )));
    }
    Ok(bitext)
}
