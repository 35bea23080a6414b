//! Exchange formats: data in, bytes out, and the two lists of them. [`AlignmentFormat`]:
//! alignments and bitexts as parallel text, TSV, JSON lines, bead lists, Moses file pairs,
//! TMX and XLIFF ([`aligned`] reads them back with what they carry, for review and diffs;
//! [`lines`] reads two line files as pairs). [`FindingsFormat`]: findings for people
//! ([`human`]), as JSON, SARIF, JUnit and GitHub annotations. [`sentences`] and
//! [`translations`] hold what `segment` and `translate` write. Nothing here segments,
//! translates, aligns or checks; nothing here prints.

pub mod aligned;
pub mod beads;
pub mod findings;
pub mod human;
pub mod jsonl;
pub mod junit;
pub mod lines;
pub mod moses;
pub mod sarif;
pub mod scores;
pub mod sentences;
pub mod text;
pub mod tmx;
pub mod translations;
pub mod tsv;
pub mod xliff;
mod xml;

use std::path::{Path, PathBuf};

use crate::align::AlignedDoc;
use crate::error::Result;
use crate::text::{Bitext, Lang};

/// Every format an alignment can be written in: the one list that `align --format` and the
/// project file's `[output] formats` both take (and their help lists). Adding a format is a
/// module with a `write` function and a line in each `match` here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlignmentFormat {
    /// Parallel text, `NAME.<src>.txt` and `NAME.<tgt>.txt`, line for line with the beads.
    Text,
    /// `NAME.tsv`: source, target, bead type, score, review flag.
    Tsv,
    /// `NAME.jsonl`: one object per bead, with sentence indices.
    Jsonl,
    /// `NAME.beads`: `[i,...]:[j,...]:score`, Vecalign's format.
    Beads,
    /// `NAME.<src>` and `NAME.<tgt>`: the Moses corpus layout (beads with an empty side left
    /// out).
    Moses,
    /// `NAME.tmx`, TMX 1.4b.
    Tmx,
    /// `NAME.xlf`, XLIFF 2.0.
    Xliff,
}

/// What a format writes: one file, or a source and a target file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    One(Vec<u8>),
    Pair(Vec<u8>, Vec<u8>),
}

impl AlignmentFormat {
    pub const ALL: [AlignmentFormat; 7] = [
        AlignmentFormat::Text,
        AlignmentFormat::Tsv,
        AlignmentFormat::Jsonl,
        AlignmentFormat::Beads,
        AlignmentFormat::Moses,
        AlignmentFormat::Tmx,
        AlignmentFormat::Xliff,
    ];

    /// The name on the command line and in project files.
    pub fn name(self) -> &'static str {
        match self {
            AlignmentFormat::Text => "text",
            AlignmentFormat::Tsv => "tsv",
            AlignmentFormat::Jsonl => "jsonl",
            AlignmentFormat::Beads => "beads",
            AlignmentFormat::Moses => "moses",
            AlignmentFormat::Tmx => "tmx",
            AlignmentFormat::Xliff => "xliff",
        }
    }

    pub fn from_name(name: &str) -> Option<AlignmentFormat> {
        AlignmentFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What the format holds, in one line for help texts.
    pub fn describe(self) -> &'static str {
        match self {
            AlignmentFormat::Text => {
                "parallel text, two files: line i of each is bead i (empty where a side is empty)"
            }
            AlignmentFormat::Tsv => "source<TAB>target<TAB>type<TAB>score<TAB>review, a bead a line",
            AlignmentFormat::Jsonl => {
                "{\"bead\", \"src\": [i...], \"tgt\": [j...], \"type\", \"score\", \"review\", \"source\", \"target\"}"
            }
            AlignmentFormat::Beads => "[i,...]:[j,...]:score, 0-based (Vecalign's; read by `eval align`)",
            AlignmentFormat::Moses => {
                "the Moses corpus pair, two files; beads with an empty side left out"
            }
            AlignmentFormat::Tmx => "TMX 1.4b, a <tu> per bead with text on both sides",
            AlignmentFormat::Xliff => {
                "XLIFF 2.0, a <unit> per bead (indices, type and score in mda:metadata)"
            }
        }
    }

    /// Whether it writes a source and a target file.
    pub fn is_pair(self) -> bool {
        matches!(self, AlignmentFormat::Text | AlignmentFormat::Moses)
    }

    /// The alignment in this format; `name` names the document (XLIFF's `original`).
    pub fn write(self, doc: &AlignedDoc, name: &str) -> Written {
        match self {
            AlignmentFormat::Text => {
                let (s, t) = text::write(doc);
                Written::Pair(s, t)
            }
            AlignmentFormat::Tsv => Written::One(tsv::write(doc)),
            AlignmentFormat::Jsonl => Written::One(jsonl::write(doc)),
            AlignmentFormat::Beads => Written::One(beads::write(&doc.alignment)),
            AlignmentFormat::Moses => {
                let (s, t) = moses::write(doc);
                Written::Pair(s, t)
            }
            AlignmentFormat::Tmx => Written::One(tmx::write(doc)),
            AlignmentFormat::Xliff => Written::One(xliff::write(doc, name)),
        }
    }

    /// Where the file (or the source and target files) go, from a base path without
    /// extension: `base.tsv`; `base.fr.txt` and `base.en.txt`; `base.fr` and `base.en`.
    pub fn paths(self, base: &Path, src: &Lang, tgt: &Lang) -> Vec<PathBuf> {
        let with = |suffix: String| {
            let mut name = base.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        match self {
            AlignmentFormat::Text => vec![
                with(format!(".{}.txt", src.code())),
                with(format!(".{}.txt", tgt.code())),
            ],
            AlignmentFormat::Moses => {
                vec![
                    with(format!(".{}", src.code())),
                    with(format!(".{}", tgt.code())),
                ]
            }
            AlignmentFormat::Tsv => vec![with(".tsv".into())],
            AlignmentFormat::Jsonl => vec![with(".jsonl".into())],
            AlignmentFormat::Beads => vec![with(".beads".into())],
            AlignmentFormat::Tmx => vec![with(".tmx".into())],
            AlignmentFormat::Xliff => vec![with(".xlf".into())],
        }
    }
}

impl std::fmt::Display for AlignmentFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Every format findings can be reported in: the one list `check --format` takes (and its
/// help lists); `run` writes JSON and SARIF. Adding one is a module with a renderer and a
/// line in each `match` here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingsFormat {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
}

impl FindingsFormat {
    pub const ALL: [FindingsFormat; 5] = [
        FindingsFormat::Human,
        FindingsFormat::Json,
        FindingsFormat::Sarif,
        FindingsFormat::Junit,
        FindingsFormat::Github,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            FindingsFormat::Human => "human",
            FindingsFormat::Json => "json",
            FindingsFormat::Sarif => "sarif",
            FindingsFormat::Junit => "junit",
            FindingsFormat::Github => "github",
        }
    }

    pub fn from_name(name: &str) -> Option<FindingsFormat> {
        FindingsFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What the format is, in one line for help texts.
    pub fn describe(self) -> &'static str {
        match self {
            FindingsFormat::Human => {
                "compiler-style diagnostics with the term underlined (colour on a terminal)"
            }
            FindingsFormat::Json => {
                "one JSON document: {\"findings\": [{rule, severity, segment, spans, ...}], \
                 \"summary\"}"
            }
            FindingsFormat::Sarif => {
                "SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif)"
            }
            FindingsFormat::Junit => "JUnit XML, one test case per segment pair",
            FindingsFormat::Github => "::error file=...,line=...:: annotations for GitHub Actions",
        }
    }

    /// The report in this format; `colour` asks the human format for ANSI colours.
    pub fn render(self, report: &findings::Report<'_>, colour: bool) -> Vec<u8> {
        match self {
            FindingsFormat::Human => human::to_human(report, colour),
            FindingsFormat::Json => findings::to_json(report),
            FindingsFormat::Sarif => sarif::to_sarif(report, env!("CARGO_PKG_VERSION")),
            FindingsFormat::Junit => junit::to_junit(report),
            FindingsFormat::Github => findings::to_github(report),
        }
    }
}

impl std::fmt::Display for FindingsFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The formats an alignment file can be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BitextFormat {
    Tsv,
    Jsonl,
    Tmx,
    Xliff,
}

impl BitextFormat {
    /// Picks the format from the file name, or from the first non-blank character when the
    /// extension says nothing (`<` TMX, `{` JSON lines, anything else TSV).
    pub fn detect(path: &Path, text: &str) -> BitextFormat {
        match crate::files::extension(path).as_str() {
            "tmx" => BitextFormat::Tmx,
            "xlf" | "xliff" => BitextFormat::Xliff,
            "jsonl" | "ndjson" | "json" => BitextFormat::Jsonl,
            "tsv" | "tab" => BitextFormat::Tsv,
            _ => match text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .chars()
                .next()
            {
                Some('<') if text.contains("<xliff") => BitextFormat::Xliff,
                Some('<') => BitextFormat::Tmx,
                Some('{') => BitextFormat::Jsonl,
                _ => BitextFormat::Tsv,
            },
        }
    }
}

/// Reads an alignment file passerelle writes (TSV, JSON lines, TMX or XLIFF, told apart by
/// extension or content) as pairs of text with their locations in the file.
pub fn read_bitext(path: &Path, src_lang: &Lang, tgt_lang: &Lang) -> Result<Bitext> {
    Ok(aligned::read(path, src_lang, tgt_lang)?.into_bitext(src_lang, tgt_lang))
}
