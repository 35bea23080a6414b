//! Glossaries: the terms, names and forbidden renderings a translation must respect, and the
//! machinery to find them in French and English text however they are inflected.
//!
//! A [`Glossary`] is a list of [`Entry`]s read from TSV, CSV or TBX ([`Glossary::load`]; the
//! file format is described in `glossary/README.md`). Each entry has a [`Kind`] and, per
//! language, one or more forms: the first is the preferred one, the others are accepted
//! renderings or irregular forms. [`normalize`] holds the tokenisation, folding and stemming
//! shared with the aligner, and [`matcher`] the multi-pattern search over stemmed words.
//! What a translation is checked for, and how findings are reported, lives in `check`; this
//! module only reads glossaries and finds their forms in text.

mod load;
pub mod matcher;
pub mod normalize;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use load::{LoadError, Problem};

use crate::text::Lang;

/// What an entry asks of a translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Where the source has the term (or an inflected form), the target must have one of its
    /// renderings (or an inflected form).
    Term,
    /// A proper name: where the source has it, the target has it verbatim.
    Name,
    /// The target-language forms must not be used (where the source has the source-language
    /// form, when one is given).
    Forbidden,
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Term => "term",
            Kind::Name => "name",
            Kind::Forbidden => "forbidden",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an entry's forms are matched with their case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Case {
    Sensitive,
    Insensitive,
}

/// One glossary entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    /// Forms per language, in the glossary's column order; a language with no forms is absent.
    pub forms: Vec<(Lang, Vec<String>)>,
    pub note: Option<String>,
    /// `None`: the default, which is case-sensitive for all-caps acronyms and names, and
    /// case-insensitive otherwise.
    pub case: Option<Case>,
    /// For a forbidden entry read from TBX, the language whose forms are forbidden (the
    /// others are conditions on the source). `None` for TSV and CSV rows, whose forms in the
    /// target language are the forbidden ones, whatever the target is.
    pub forbidden_in: Option<Lang>,
    /// 1-based line of the glossary file the entry comes from.
    pub line: usize,
}

impl Entry {
    /// The entry's forms in `lang`, the preferred one first (empty when it has none).
    pub fn forms(&self, lang: &Lang) -> &[String] {
        self.forms
            .iter()
            .find(|(l, _)| l == lang)
            .map_or(&[][..], |(_, f)| f.as_slice())
    }

    /// The preferred form in `lang`.
    pub fn preferred(&self, lang: &Lang) -> Option<&str> {
        self.forms(lang).first().map(String::as_str)
    }

    /// Whether `form` (one of this entry's forms) is matched with its case: as the `case`
    /// column says, else for names and all-caps acronyms (`WHO`, `AHSI`).
    pub fn case_sensitive(&self, form: &str) -> bool {
        match self.case {
            Some(Case::Sensitive) => true,
            Some(Case::Insensitive) => false,
            None => self.kind == Kind::Name || is_acronym(form),
        }
    }
}

/// Two or more letters, all capitals (digits and punctuation aside): `WHO`, `AHSI`, `F-35A`.
pub fn is_acronym(form: &str) -> bool {
    let mut letters = 0;
    for c in form.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    letters >= 2
}

/// A glossary: entries in file order, and the languages its columns name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glossary {
    path: PathBuf,
    langs: Vec<Lang>,
    entries: Vec<Entry>,
}

impl Glossary {
    /// Reads a glossary file: TSV (`.tsv`, `.tab`, `.txt`), CSV (`.csv`) or TBX (`.tbx`,
    /// `.xml`), or by content when the extension says nothing. The whole file is validated
    /// first: on any error nothing is returned.
    pub fn load(path: &Path) -> Result<Glossary, LoadError> {
        load::load(path)
    }

    /// Loads a glossary for checking or aligning `src` against `tgt`: a glossary without a
    /// column for one of them is an error (line 0), not a silent no-op.
    pub fn load_for(path: &Path, src: &Lang, tgt: &Lang) -> Result<Glossary, LoadError> {
        let glossary = load::load(path)?;
        glossary.require(src, tgt)?;
        Ok(glossary)
    }

    /// [`Glossary::load_for`] when a file is given, else an empty glossary with the two
    /// columns: what a command with an optional `--glossary` works with.
    pub fn load_or_empty(
        path: Option<&Path>,
        src: &Lang,
        tgt: &Lang,
    ) -> Result<Glossary, LoadError> {
        match path {
            Some(path) => Glossary::load_for(path, src, tgt),
            None => Ok(Glossary::from_entries(
                vec![src.clone(), tgt.clone()],
                Vec::new(),
            )),
        }
    }

    /// Whether the glossary has columns for both languages: the error `load_for` gives when
    /// not. For a glossary loaded once and used for documents in several language pairs.
    pub fn require(&self, src: &Lang, tgt: &Lang) -> Result<(), LoadError> {
        for lang in [src, tgt] {
            if !self.has_lang(lang) {
                let has: Vec<&str> = self.langs().iter().map(Lang::code).collect();
                return Err(LoadError {
                    path: self.path.clone(),
                    line: 0,
                    problem: Problem::NoSuchLanguage {
                        lang: lang.clone(),
                        has: has.join(", "),
                    },
                });
            }
        }
        Ok(())
    }

    /// Parses glossary text as if read from `path` (whose extension picks the format).
    pub fn parse(path: &Path, text: &str) -> Result<Glossary, LoadError> {
        load::parse(path, text)
    }

    /// A glossary from entries built in code.
    pub fn from_entries(langs: Vec<Lang>, entries: Vec<Entry>) -> Glossary {
        Glossary {
            path: PathBuf::new(),
            langs,
            entries,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The languages the glossary has columns (or language sections) for.
    pub fn langs(&self) -> &[Lang] {
        &self.langs
    }

    pub fn has_lang(&self, lang: &Lang) -> bool {
        self.langs.contains(lang)
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// (source term, preferred target rendering) for every `term` and `name` entry that has
    /// both languages, in file order; a name without a target form keeps its source form.
    /// Any two of the glossary's languages: `fr`/`en`, `en`/`fr`, `de`/`fr`...
    pub fn term_pairs(&self, src: &Lang, tgt: &Lang) -> Vec<(String, String)> {
        self.entries
            .iter()
            .filter(|e| e.kind != Kind::Forbidden)
            .filter_map(|e| {
                let source = e.preferred(src)?;
                let target = match (e.preferred(tgt), e.kind) {
                    (Some(t), _) => t,
                    (None, Kind::Name) => source,
                    (None, _) => return None,
                };
                Some((source.to_string(), target.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_are_all_caps_with_two_letters() {
        for yes in ["WHO", "AHSI", "IMOD", "F-35A", "AI"] {
            assert!(is_acronym(yes), "{yes}");
        }
        for no in ["who", "Azure", "A", "+972", "OpenAI", "Noaa"] {
            assert!(!is_acronym(no), "{no}");
        }
    }

    #[test]
    fn no_file_gives_an_empty_glossary_for_the_pair_and_a_file_must_have_both_columns() {
        let de = Lang::Other("de".into());
        let g = Glossary::load_or_empty(None, &de, &Lang::Fr).unwrap();
        assert!(g.is_empty());
        assert!(g.has_lang(&de) && g.has_lang(&Lang::Fr));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.tsv");
        std::fs::write(&path, "fr\ten\nnuage\tcloud\n").unwrap();
        let g = Glossary::load_or_empty(Some(&path), &Lang::Fr, &Lang::En).unwrap();
        assert_eq!(g.len(), 1);
        let e = Glossary::load_or_empty(Some(&path), &de, &Lang::En).unwrap_err();
        assert!(e.to_string().contains("g.tsv"), "{e}");
    }

    #[test]
    fn term_pairs_skip_forbidden_entries_and_work_both_ways() {
        let text =
            "fr\ten\tkind\nnuage\tcloud|the cloud\tterm\nAzure\t\tname\n\tcloudy\tforbidden\n";
        let g = Glossary::parse(Path::new("g.tsv"), text).unwrap();
        assert_eq!(
            g.term_pairs(&Lang::Fr, &Lang::En),
            [
                ("nuage".into(), "cloud".into()),
                ("Azure".into(), "Azure".into())
            ]
        );
        assert_eq!(
            g.term_pairs(&Lang::En, &Lang::Fr),
            [("cloud".into(), "nuage".into())],
            "a name needs a form in the source language"
        );
        let de: Lang = "de".parse().unwrap();
        let g = Glossary::parse(Path::new("g.tsv"), "de\tfr\nSeil\tcorde\n").unwrap();
        assert_eq!(
            g.term_pairs(&de, &Lang::Fr),
            [("Seil".into(), "corde".into())]
        );
        assert_eq!(
            g.term_pairs(&Lang::Fr, &Lang::En),
            [] as [(String, String); 0]
        );
    }
}
