//! Exchange formats: data in, bytes out, and the two lists of them. [`AlignmentFormat`]:
//! alignments and bitexts as parallel text, TSV, JSON lines, bead lists, Moses file pairs,
//! TMX and XLIFF ([`aligned`] reads them back with what they carry, for review and diffs;
//! [`lines`] reads two line files as pairs). [`FindingsFormat`]: findings for people
//! ([`human`]), as JSON, SARIF, JUnit and GitHub annotations. [`sentences`] and
//! [`translations`] hold what `segment` and `translate` write. Nothing here segments,
//! translates, aligns or checks; nothing here prints.

pub mod aligned;
pub mod lines;
pub mod scores;
pub mod sentences;
pub mod translations;
mod xml;

use std::path::{Path, PathBuf};

use crate::align::AlignedDoc;
use crate::error::Result;
use crate::text::{Bitext, Lang};

/// What an alignment format is: the module that writes it holds one, as `FORMAT`.
pub struct AlignmentSpec {
    /// The name on the command line and in project files.
    pub name: &'static str,
    /// What the format holds, in one line for help texts.
    pub describe: &'static str,
    pub files: Files,
    /// The alignment in this format; the `&str` names the document (XLIFF's `original`).
    pub write: fn(&AlignedDoc, &str) -> Written,
}

/// The files a format writes from a base path: one with this suffix (`.tsv`), or a source and
/// a target file, each `.<language code>` followed by this suffix (`.txt`, or nothing).
pub enum Files {
    One(&'static str),
    Pair(&'static str),
}

/// What a format writes: one file, or a source and a target file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    One(Vec<u8>),
    Pair(Vec<u8>, Vec<u8>),
}

/// What a findings format is: the module that renders it holds one, as `FORMAT`.
pub struct FindingsSpec {
    /// The name on the command line.
    pub name: &'static str,
    /// What the format is, in one line for help texts.
    pub describe: &'static str,
    /// The report in this format; the `bool` asks for ANSI colours where the format has them.
    pub render: fn(&findings::Report<'_>, bool) -> Vec<u8>,
    /// The report lists every segment pair (JUnit has a test case per pair), so each needs its
    /// place in the files, not only those with findings.
    pub lists_every_pair: bool,
}

/// A list of formats: the modules that write them, and an enum with a variant per module
/// whose `spec()` is the module's `FORMAT`. One line per format.
macro_rules! registry {
    ($(#[$doc:meta])* $list:ident: $spec:ty { $($variant:ident => $module:ident,)* }) => {
        $(pub mod $module;)*

        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $list {
            $($variant,)*
        }

        impl $list {
            pub const ALL: &'static [$list] = &[$($list::$variant,)*];

            pub fn spec(self) -> &'static $spec {
                match self {
                    $($list::$variant => &$module::FORMAT,)*
                }
            }

            /// The name on the command line (and in project files).
            pub fn name(self) -> &'static str {
                self.spec().name
            }

            /// What the format is, in one line for help texts.
            pub fn describe(self) -> &'static str {
                self.spec().describe
            }

            pub fn from_name(name: &str) -> Option<$list> {
                $list::ALL.iter().copied().find(|f| f.name() == name)
            }
        }

        impl std::fmt::Display for $list {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

registry! {
    /// Every format an alignment can be written in: the one list that `align --format` and
    /// the project file's `[output] formats` both take (and their help lists).
    AlignmentFormat: AlignmentSpec {
        Text => text,
        Tsv => tsv,
        Jsonl => jsonl,
        Beads => beads,
        Moses => moses,
        Tmx => tmx,
        Xliff => xliff,
    }
}

registry! {
    /// Every format findings can be reported in: the one list `check --format` takes (and
    /// its help lists); `run` writes JSON and SARIF.
    FindingsFormat: FindingsSpec {
        Human => human,
        Json => findings,
        Sarif => sarif,
        Junit => junit,
        Github => github,
    }
}

impl AlignmentFormat {
    /// Whether it writes a source and a target file.
    pub fn is_pair(self) -> bool {
        matches!(self.spec().files, Files::Pair(_))
    }

    /// The alignment in this format; `name` names the document (XLIFF's `original`).
    pub fn write(self, doc: &AlignedDoc, name: &str) -> Written {
        (self.spec().write)(doc, name)
    }

    /// Where the file (or the source and target files) go, from a base path without
    /// extension: `base.tsv`; `base.fr.txt` and `base.en.txt`; `base.fr` and `base.en`.
    pub fn paths(self, base: &Path, src: &Lang, tgt: &Lang) -> Vec<PathBuf> {
        let with = |suffix: String| {
            let mut name = base.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        match self.spec().files {
            Files::One(suffix) => vec![with(suffix.to_string())],
            Files::Pair(suffix) => [src, tgt]
                .map(|lang| with(format!(".{}{suffix}", lang.code())))
                .to_vec(),
        }
    }
}

impl FindingsFormat {
    /// See [`FindingsSpec::lists_every_pair`].
    pub fn lists_every_pair(self) -> bool {
        self.spec().lists_every_pair
    }

    /// The report in this format; `colour` asks the human format for ANSI colours.
    pub fn render(self, report: &findings::Report<'_>, colour: bool) -> Vec<u8> {
        (self.spec().render)(report, colour)
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
