//! Per-language segmentation data: abbreviation classes, sentence starters and pronouns,
//! quotation marks and whether "3." is an ordinal, parsed once from the language profile and
//! its data file (`lang/data/fr.txt`, `en.txt`, `de.txt`).
//!
//! This module only answers "what kind of word is this?"; the decisions are made in
//! `segment::mod`. Languages without a data file get empty lists, which makes the segmenter
//! fall back to its language-independent rules.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::lang::{self, Profile};
use crate::text::Lang;

/// How an abbreviation behaves before a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbbrevKind {
    /// Comes before a name (M., Dr., Mme): never ends a sentence.
    Title,
    /// Never ends a sentence in practice (cf., p., art., n°).
    Internal,
    /// May end a sentence; decided by what follows (Inc., U.S., a.m.).
    Ambiguous,
    /// Usually ends the sentence when a capital follows (etc.).
    Final,
}

/// The data for one language.
#[derive(Debug)]
pub struct LangRules {
    abbreviations: HashMap<String, AbbrevKind>,
    starters: HashSet<String>,
    reporting: HashSet<String>,
    /// False for the generic fallback: any capitalised word may then start a sentence.
    pub has_starters: bool,
    /// The profile's capitalised pronouns that start a glued sentence ("… a dit Il est").
    pub sentence_pronouns: &'static [&'static str],
    /// The profile's pronouns after a hyphenated verb ("dit-il"), never a sentence start.
    pub inverted_pronouns: &'static [&'static str],
    /// Which bytes begin one of `sentence_pronouns`: the scanner's dispatch on each byte.
    pub pronoun_first: [bool; 256],
    /// Whether a number followed by a period is an ordinal ("am 3. Mai"): see
    /// [`Profile::ordinal_period`].
    pub ordinal_period: bool,
    /// Closing quotes and brackets: the scanner's shared ones plus the language's own closing
    /// quotation marks (German `“` and `«`).
    pub closers: Vec<char>,
    /// Opening quotes and brackets, the language's own opening marks (German `»`) included.
    pub openers: Vec<char>,
    /// The closing quotation marks among `closers`: after one, a lower-case word is a speech
    /// tag.
    pub closing_quotes: Vec<char>,
    /// Quotation marks that open a sentence glued to the previous one ("lundi.«Bonjour").
    pub glued_openers: Vec<char>,
    /// Closing marks the French write after a space ("? »"): not those that open a quotation
    /// in this language (German `»`).
    pub spaced_closers: Vec<char>,
}

impl LangRules {
    /// Parses a data file. The format is documented at the top of `data/fr.txt`.
    pub fn parse(data: &str) -> Result<LangRules, String> {
        let mut rules = LangRules::default();
        let mut section: Option<&str> = None;
        for (n, raw) in data.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = Some(name);
                continue;
            }
            let entry = line.replace('\u{2019}', "'");
            let kind = match section {
                Some("title") => AbbrevKind::Title,
                Some("internal") => AbbrevKind::Internal,
                Some("ambiguous") => AbbrevKind::Ambiguous,
                Some("final") => AbbrevKind::Final,
                Some(list @ ("starters" | "reporting")) => {
                    let set = if list == "starters" {
                        &mut rules.starters
                    } else {
                        &mut rules.reporting
                    };
                    if !set.insert(entry) {
                        return Err(format!("line {}: '{line}' listed twice in [{list}]", n + 1));
                    }
                    continue;
                }
                Some(other) => return Err(format!("line {}: unknown section [{other}]", n + 1)),
                None => return Err(format!("line {}: entry before any [section]", n + 1)),
            };
            if entry.ends_with('.') {
                return Err(format!(
                    "line {}: write '{line}' without its final period",
                    n + 1
                ));
            }
            if let Some(previous) = rules.abbreviations.insert(entry, kind) {
                return Err(format!(
                    "line {}: '{line}' is already listed as {previous:?}",
                    n + 1
                ));
            }
        }
        rules.has_starters = !rules.starters.is_empty();
        Ok(rules)
    }

    /// The class of `word` (the text just before a period), if it is a known abbreviation.
    /// A capitalised word also finds its lower-case entry ("Etc" finds "etc"), but titles are
    /// matched exactly, so "M" (Monsieur) is not confused with "m" (metre).
    pub fn abbreviation(&self, word: &str) -> Option<AbbrevKind> {
        if let Some(kind) = self.abbreviations.get(word) {
            return Some(*kind);
        }
        if word.contains('\u{2019}') {
            return self.abbreviation(&word.replace('\u{2019}', "'"));
        }
        let mut chars = word.chars();
        let first = chars.next()?;
        if first.is_uppercase() {
            let lowered: String = first.to_lowercase().chain(chars).collect();
            return match self.abbreviations.get(&lowered) {
                Some(AbbrevKind::Title) | None => None,
                Some(kind) => Some(*kind),
            };
        }
        None
    }

    /// Whether `word` is a reporting verb ("said", "a déclaré"), which makes a capitalised word
    /// after a closing quote part of a speech tag.
    pub fn is_reporting_verb(&self, word: &str) -> bool {
        self.reporting.contains(word)
    }

    /// Whether a capitalised `word` typically begins a sentence in this language.
    pub fn is_starter(&self, word: &str) -> bool {
        self.starters.contains(word)
    }
}

impl LangRules {
    /// The rules of a language profile. Its data is compiled in and parsed by a test, so a
    /// parse error here is a bug in the build, not bad input.
    fn of(profile: &'static Profile) -> LangRules {
        let mut rules = LangRules::parse(profile.segmentation)
            .unwrap_or_else(|e| panic!("segmentation data of '{}': {e}", profile.code));
        rules.sentence_pronouns = profile.sentence_pronouns;
        rules.inverted_pronouns = profile.inverted_pronouns;
        for p in profile.sentence_pronouns {
            rules.pronoun_first[usize::from(p.as_bytes()[0])] = true;
        }
        rules.ordinal_period = profile.ordinal_period;
        for &(open, close) in profile.quotes {
            add(&mut rules.openers, open);
            add(&mut rules.glued_openers, open);
            rules.spaced_closers.retain(|c| *c != open);
            add(&mut rules.closers, close);
            add(&mut rules.closing_quotes, close);
        }
        rules
    }
}

impl Default for LangRules {
    fn default() -> LangRules {
        LangRules {
            abbreviations: HashMap::new(),
            starters: HashSet::new(),
            reporting: HashSet::new(),
            has_starters: false,
            sentence_pronouns: &[],
            inverted_pronouns: &[],
            pronoun_first: [false; 256],
            ordinal_period: false,
            closers: super::CLOSERS.to_vec(),
            openers: super::OPENERS.to_vec(),
            closing_quotes: super::QUOTES.to_vec(),
            glued_openers: vec!['«', '“'],
            spaced_closers: vec!['»', '”', '›'],
        }
    }
}

/// Adds `c` to `set` unless it is there already.
fn add(set: &mut Vec<char>, c: char) {
    if !set.contains(&c) {
        set.push(c);
    }
}

/// The rules for `lang`, parsed once per profile; languages without a profile share the
/// generic one.
pub fn for_lang(lang: &Lang) -> &'static LangRules {
    static RULES: OnceLock<Vec<LangRules>> = OnceLock::new();
    static GENERIC: OnceLock<LangRules> = OnceLock::new();
    let profile = lang.profile();
    match lang::PROFILES
        .iter()
        .position(|p| std::ptr::eq(*p, profile))
    {
        Some(i) => {
            &RULES.get_or_init(|| lang::PROFILES.iter().map(|p| LangRules::of(p)).collect())[i]
        }
        None => GENERIC.get_or_init(|| LangRules::of(&lang::GENERIC)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_data_files_parse() {
        // A malformed data file would only show at run time; make it show here.
        for profile in lang::PROFILES {
            let (name, data) = (profile.code, profile.segmentation);
            let rules = LangRules::parse(data).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(rules.abbreviations.len() > 50, "{name}");
            assert!(rules.starters.len() > 50, "{name}");
        }
    }

    #[test]
    fn lookup_classes() {
        let fr = for_lang(&Lang::Fr);
        assert_eq!(fr.abbreviation("M"), Some(AbbrevKind::Title));
        assert_eq!(fr.abbreviation("m"), None);
        assert_eq!(fr.abbreviation("etc"), Some(AbbrevKind::Final));
        assert_eq!(fr.abbreviation("Etc"), Some(AbbrevKind::Final));
        assert_eq!(fr.abbreviation("c.-à-d"), Some(AbbrevKind::Internal));
        assert_eq!(fr.abbreviation("Chris"), None);
        assert!(fr.is_starter("Elle"));
        assert!(fr.is_starter("C'"));
        let en = for_lang(&Lang::En);
        assert_eq!(en.abbreviation("Mr"), Some(AbbrevKind::Title));
        assert_eq!(en.abbreviation("St"), Some(AbbrevKind::Title));
        assert_eq!(en.abbreviation("st"), Some(AbbrevKind::Ambiguous));
        assert!(en.is_starter("How"));
        assert!(en.is_reporting_verb("asked"));
        assert!(fr.is_reporting_verb("demandé"));
        let de = for_lang(&Lang::parse("de").unwrap());
        assert_eq!(de.abbreviation("Dr"), Some(AbbrevKind::Title));
        assert_eq!(de.abbreviation("z.B"), Some(AbbrevKind::Internal));
        assert_eq!(de.abbreviation("Usw"), Some(AbbrevKind::Ambiguous));
        assert!(de.is_starter("Dann"));
        assert!(de.is_reporting_verb("fragte"));
        assert!(de.ordinal_period && !fr.ordinal_period && !en.ordinal_period);
        // German pairs „…“ and »…«: `“` and `«` close, `»` opens, and no space comes before a
        // closing mark.
        assert!(de.closers.contains(&'“') && de.closing_quotes.contains(&'«'));
        assert!(de.openers.contains(&'»') && !de.spaced_closers.contains(&'»'));
        assert!(!fr.closers.contains(&'“') && fr.spaced_closers.contains(&'»'));
        // Languages without a profile (Dutch here) keep the generic rules.
        let generic = for_lang(&Lang::Other("nl".into()));
        assert_eq!(generic.abbreviation("etc"), None);
        assert!(!generic.has_starters);
        assert!(!generic.ordinal_period);
    }

    #[test]
    fn data_errors_are_reported_with_the_line() {
        assert!(LangRules::parse("x").unwrap_err().contains("line 1"));
        assert!(LangRules::parse("[title]\nM\n[internal]\nM")
            .unwrap_err()
            .contains("line 4"));
        assert!(LangRules::parse("[nope]\nM")
            .unwrap_err()
            .contains("unknown section"));
        assert!(LangRules::parse("[title]\nM.")
            .unwrap_err()
            .contains("final period"));
    }
}
