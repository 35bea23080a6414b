//! Parallel text: two plain-text files, line i of one the translation of line i of the other,
//! one line per bead, with an empty line where a bead has no text on one side (so the two
//! files stay line for line with the alignment). The Moses layout ([`super::moses`]) is the
//! same without those beads.

use crate::align::AlignedDoc;

use super::{AlignmentSpec, Files, Written};

/// `--format text`: `NAME.<src>.txt` and `NAME.<tgt>.txt`.
pub const FORMAT: AlignmentSpec = AlignmentSpec {
    name: "text",
    describe: "parallel text, two files: line i of each is bead i (empty where a side is empty)",
    files: Files::Pair(".txt"),
    write: |doc, _| write(doc),
};

/// The source and target files' contents.
pub fn write(doc: &AlignedDoc) -> Written {
    let (src, tgt) = lines(doc, false);
    Written::Pair(src, tgt)
}

/// One line per bead on each side, each bead's text on one line; `skip_gaps` leaves out the
/// beads with an empty side.
pub(crate) fn lines(doc: &AlignedDoc, skip_gaps: bool) -> (Vec<u8>, Vec<u8>) {
    let (mut src, mut tgt) = (String::new(), String::new());
    for bead in &doc.alignment.beads {
        if skip_gaps && (bead.src.is_empty() || bead.tgt.is_empty()) {
            continue;
        }
        let (s, t) = doc.bead_text(bead);
        src.push_str(&s.replace(['\n', '\r'], " "));
        src.push('\n');
        tgt.push_str(&t.replace(['\n', '\r'], " "));
        tgt.push('\n');
    }
    (src.into_bytes(), tgt.into_bytes())
}
