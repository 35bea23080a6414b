//! Peer for the benchmark script `benches/segment_peers.py` only: not part of passerelle.
//!
//! Reads UTF-8 text on stdin, cuts it into blank-line paragraphs, segments each paragraph
//! with `unicode-segmentation` (Unicode UAX #29 sentence boundaries) and prints one sentence
//! per line (a line break inside a sentence becomes a space), with a blank line between
//! paragraphs.
//!
//! By default the paragraph is cut with `split_sentence_bounds()`, which keeps every piece of
//! text. `unicode_sentences()` has the same boundaries but drops the pieces that hold no
//! alphanumeric character (a trailing ` ).` or ` »`), so text is lost; pass
//! `--unicode-sentences` to use it anyway.
//!
//! Usage: `cargo run --release --example peer_uax29 -- [LANG] [--unicode-sentences] < text.txt`.
//! LANG is accepted so that every peer takes the same arguments, and ignored: UAX #29 has no
//! language rules.

use std::io::{self, BufWriter, Read, Write};

use unicode_segmentation::UnicodeSegmentation;

/// Splits `text` into paragraphs: maximal runs of lines that are not blank
/// (a blank line is empty or whitespace only). Each paragraph is a slice of `text`.
fn paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push(&text[s..end]);
            }
        } else {
            if start.is_none() {
                start = Some(pos);
            }
            end = pos + content.len();
        }
        pos += line.len();
    }
    if let Some(s) = start {
        out.push(&text[s..end]);
    }
    out
}

/// Trims a sentence and turns every line break (with the blanks around it) into one space.
fn one_line(sentence: &str) -> String {
    let mut out = String::with_capacity(sentence.len());
    for piece in sentence.split(['\n', '\r']) {
        let piece = piece.trim_matches([' ', '\t']);
        if piece.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out.trim().to_string()
}

fn main() -> io::Result<()> {
    // argv[1] (the language) is accepted and ignored; `--unicode-sentences` switches the API.
    let alnum_only = std::env::args().skip(1).any(|a| a == "--unicode-sentences");
    let mut raw = Vec::new();
    io::stdin().lock().read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);

    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut first = true;
    for para in paragraphs(&text) {
        let pieces: Vec<&str> = if alnum_only {
            para.unicode_sentences().collect()
        } else {
            para.split_sentence_bounds().collect()
        };
        let sentences: Vec<String> = pieces
            .into_iter()
            .map(one_line)
            .filter(|s| !s.is_empty())
            .collect();
        if sentences.is_empty() {
            continue;
        }
        if !first {
            out.write_all(b"\n")?;
        }
        first = false;
        for s in &sentences {
            out.write_all(s.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()
}
