//! Sentence alignment: pairs the sentences of a document with those of its translation.
//!
//! (In progress.)

mod bead;
mod doc;

pub use bead::{Alignment, Bead, BeadKind};
pub use doc::AlignedDoc;
