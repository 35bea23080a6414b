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
//! * [`segment`]: sentence segmentation for French, English, German and other languages;
//!   [`lang`]: what passerelle knows about each language, one profile per language.
//! * [`translate`]: translation backends (DeepL, LibreTranslate, OpenAI-compatible servers, an
//!   external program, an offline translation memory) and the engine that batches, retries and
//!   caches their requests.
//! * [`glossary`]: glossaries (TSV, CSV, TBX) and inflection-aware term matching;
//!   [`numbers`]: numbers in digits, compared across locales (decimal comma or point).
//! * [`check`]: terminology, names, numbers, untranslated, consistency, placeholder, markup and
//!   URL checks of a bitext; [`protect`]: the placeholders, tags, URLs and e-mail addresses a
//!   translation must keep.
//! * [`review`]: the HTML review report, the terminal side-by-side view and alignment diffs.
//! * [`pipeline`]: the whole job for a project file (`passerelle.toml`), stage after stage;
//!   one document pair as `align` takes it; many pairs as JSON lines on every core (`batch`).
//! * [`error`]: the crate's error type; [`files`]: reading inputs, writing outputs atomically;
//!   `hash`: the fast word hasher the matcher and the consistency rule share.
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
pub mod check;
pub mod cli;
pub mod error;
pub mod files;
pub mod formats;
pub mod glossary;
pub(crate) mod hash;
pub mod lang;
pub mod numbers;
pub mod pipeline;
pub mod protect;
pub mod review;
pub mod segment;
pub mod text;
pub mod translate;

pub use error::{Error, Result};

/// What wrote a report, for its `generator` metadata: `passerelle 0.1.0`.
pub const GENERATOR: &str = concat!("passerelle ", env!("CARGO_PKG_VERSION"));
