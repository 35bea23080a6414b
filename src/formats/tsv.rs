//! Tab-separated bitext: one pair per line, `source<TAB>target<TAB>type<TAB>score<TAB>flag`.
//!
//! The writer turns tabs and line breaks inside text into spaces so that every pair stays on
//! one line; `flag` is `review` for beads below the confidence threshold and empty otherwise.
//! [`super::aligned`] reads it back, and any TSV with at least two columns (source, target),
//! so plain bitexts from other tools can be checked too.

use crate::align::AlignedDoc;

use super::{AlignmentSpec, Files, Written};

/// `--format tsv`: `NAME.tsv`.
pub const FORMAT: AlignmentSpec = AlignmentSpec {
    name: "tsv",
    describe: "source<TAB>target<TAB>type<TAB>score<TAB>review, a bead a line",
    files: Files::One(".tsv"),
    write: |doc, _| Written::One(write(doc)),
};

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
