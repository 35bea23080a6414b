//! The Moses parallel-corpus layout: two plain-text files, line i of one the translation of
//! line i of the other. Beads with an empty side carry no parallel text and are left out, as
//! corpus-cleaning tools would drop them anyway.

use crate::align::AlignedDoc;

/// The source and target files' contents.
pub fn write(doc: &AlignedDoc) -> (Vec<u8>, Vec<u8>) {
    let (mut src_out, mut tgt_out) = (String::new(), String::new());
    for bead in &doc.alignment.beads {
        if bead.src.is_empty() || bead.tgt.is_empty() {
            continue;
        }
        let (src, tgt) = doc.bead_text(bead);
        src_out.push_str(&src.replace(['\n', '\r'], " "));
        src_out.push('\n');
        tgt_out.push_str(&tgt.replace(['\n', '\r'], " "));
        tgt_out.push('\n');
    }
    (src_out.into_bytes(), tgt_out.into_bytes())
}
