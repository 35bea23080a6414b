//! The Moses parallel-corpus layout: two plain-text files, line i of one the translation of
//! line i of the other. Beads with an empty side carry no parallel text and are left out, as
//! corpus-cleaning tools would drop them anyway.

use crate::align::AlignedDoc;

/// The source and target files' contents.
pub fn write(doc: &AlignedDoc) -> (Vec<u8>, Vec<u8>) {
    super::text::lines(doc, true)
}
