//! Translations as `passerelle translate` writes them: plain lines (line i translates segment
//! i; paragraphs separated by blank lines), TSV of source and translation, or JSON lines with
//! the backend and the memory match of each segment. Writing only.

use std::io::{self, Write};

use serde::Serialize;

use crate::text::one_line;
use crate::translate::{MatchKind, Translated, Unit};

/// The formats translations are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranslationFormat {
    Text,
    Tsv,
    Jsonl,
}

impl TranslationFormat {
    pub const ALL: [TranslationFormat; 3] = [
        TranslationFormat::Text,
        TranslationFormat::Tsv,
        TranslationFormat::Jsonl,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TranslationFormat::Text => "text",
            TranslationFormat::Tsv => "tsv",
            TranslationFormat::Jsonl => "jsonl",
        }
    }

    /// What the format holds, in one line for help texts.
    pub fn describe(self) -> &'static str {
        match self {
            TranslationFormat::Text => {
                "line i translates segment i (a memory miss is an empty line); paragraphs \
                 separated by blank lines with --unit paragraph"
            }
            TranslationFormat::Tsv => "source<TAB>translation, a segment a line",
            TranslationFormat::Jsonl => {
                "{\"id\", \"source\", \"translation\", \"backend\", \"cached\"}, and for the \
                 memory \"match\" (exact|fuzzy|none), \"score\", \"memory_source\", \
                 \"warnings\", \"untranslated\""
            }
        }
    }

    /// Writes the translations of `segments` (sent as `unit`s).
    pub fn write(
        self,
        out: &mut impl Write,
        unit: Unit,
        segments: &[String],
        translations: &[Translated],
    ) -> io::Result<()> {
        for (id, (source, t)) in segments.iter().zip(translations).enumerate() {
            match (self, unit) {
                (TranslationFormat::Text, Unit::Sentence) => {
                    out.write_all(one_line(&t.text).as_bytes())?;
                }
                (TranslationFormat::Text, Unit::Paragraph) => {
                    if id > 0 {
                        out.write_all(b"\n")?;
                    }
                    out.write_all(t.text.trim_end().as_bytes())?;
                }
                (TranslationFormat::Tsv, _) => {
                    let field = |s: &str| s.replace(['\t', '\n', '\r'], " ");
                    write!(out, "{}\t{}", field(source), field(&t.text))?;
                }
                (TranslationFormat::Jsonl, _) => {
                    let memory = t.memory.as_ref();
                    let record = Record {
                        id,
                        source,
                        translation: &t.text,
                        backend: &t.backend,
                        cached: t.cached,
                        match_kind: memory.map(|m| m.kind),
                        score: memory.map(|m| m.score),
                        memory_source: memory.and_then(|m| m.memory_source.as_deref()),
                        warnings: memory.map_or(&[], |m| &m.warnings),
                        untranslated: t.untranslated,
                    };
                    serde_json::to_writer(&mut *out, &record)?;
                }
            }
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct Record<'a> {
    id: usize,
    source: &'a str,
    translation: &'a str,
    backend: &'a str,
    cached: bool,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    match_kind: Option<MatchKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory_source: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    warnings: &'a [String],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    untranslated: bool,
}
