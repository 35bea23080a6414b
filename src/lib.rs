//! passerelle turns French text into reviewed, aligned French/English parallel text and keeps
//! translations honest against a glossary.
//!
//! The pipeline, one module per stage; data flows one way:
//!
//! ```text
//! text ──▶ segment ──▶ (translate) ──▶ (align) ──▶ (check) ──▶ (review / formats)
//! ```
//!
//! * [`text`]: spans, languages, segments, input decoding and line/column lookup.
//! * [`segment`]: sentence segmentation for French, English and other languages.
//! * [`error`]: the crate's error type; [`files`]: reading inputs, writing outputs atomically.
//! * [`cli`]: the `passerelle` command; the only place that prints or picks exit codes.
//!
//! ```
//! use passerelle::{segment::Segmenter, text::Lang};
//!
//! let text = "Il est arrivé lundi.Joe Lopez a parlé à M. Nadella. « Pourquoi ? »";
//! let sentences: Vec<&str> = Segmenter::new(Lang::Fr)
//!     .segment(text)
//!     .iter()
//!     .map(|s| s.span.slice(text))
//!     .collect();
//! assert_eq!(sentences, ["Il est arrivé lundi.", "Joe Lopez a parlé à M. Nadella.", "« Pourquoi ? »"]);
//! ```

pub mod align;
pub mod cli;
pub mod error;
pub mod files;
pub mod formats;
pub mod segment;
pub mod text;

pub use error::{Error, Result};
