//! The Moses parallel-corpus layout: two plain-text files, line i of one the translation of
//! line i of the other. Beads with an empty side carry no parallel text and are left out, as
//! corpus-cleaning tools would drop them anyway.

use crate::align::AlignedDoc;

use super::{AlignmentSpec, Files, Written};

/// `--format moses`: `NAME.<src>` and `NAME.<tgt>`.
pub const FORMAT: AlignmentSpec = AlignmentSpec {
    name: "moses",
    describe: "the Moses corpus pair, two files; beads with an empty side left out",
    files: Files::Pair(""),
    write: |doc, _| write(doc),
};

/// The source and target files' contents.
pub fn write(doc: &AlignedDoc) -> Written {
    let (src, tgt) = super::text::lines(doc, true);
    Written::Pair(src, tgt)
}
