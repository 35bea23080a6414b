//! What passerelle knows about each language, one file per language: segmentation data,
//! stemmer, number words and ordinal suffixes, quotation marks, inflection variants, display
//! name and usual length. Every stage asks [`Lang::profile`] instead of testing for a language
//! itself.
//!
//! Adding a language is one new file plus data: write `CODE.rs` here with a `pub(super)
//! static NAME: Profile` (copy `de.rs` or `fr.rs` and fill it in), put its segmentation data
//! in `data/CODE.txt` (abbreviations, sentence starters, reporting verbs; see `data/fr.txt`
//! for the format), and register it with one line, `CODE => NAME,`, in the `profiles!` list
//! below, which declares the module and adds the profile to [`PROFILES`]. `Lang::parse` then
//! finds it by its code and aliases; no other file changes. A language without a profile gets
//! [`GENERIC`]: Unicode sentence boundaries with passerelle's guards, no stemming, no number
//! words. This module holds data only; it segments, stems and matches nothing itself.

use rust_stemmers::Algorithm;

use crate::text::Lang;

/// Everything language-specific that the stages use.
#[derive(Debug)]
pub struct Profile {
    /// The primary subtag (`fr`).
    pub code: &'static str,
    /// Other codes that mean the same language (`fra`, `fre`).
    pub aliases: &'static [&'static str],
    /// The English name, for headings and prompts.
    pub name: &'static str,
    /// The Snowball stemmer that folds inflections for glossary matching, if any.
    pub stemmer: Option<Algorithm>,
    /// The segmenter's data file: abbreviations, sentence starters, exceptions (see
    /// `data/fr.txt` for the format); empty for none.
    pub segmentation: &'static str,
    /// Capitalised words that begin a sentence glued to the previous one without its full
    /// stop ("… a dit Il est parti"), with what follows them.
    pub sentence_pronouns: &'static [&'static str],
    /// Subject pronouns that follow a verb after a hyphen ("dit-il"): such a word never
    /// starts a sentence.
    pub inverted_pronouns: &'static [&'static str],
    /// Quotation marks as this language pairs them, opening then closing (German `„…“` and
    /// `»…«`), for marks whose direction differs from French and English use. The segmenter
    /// reads such a closing mark glued after sentence punctuation as ending the sentence, and
    /// such an opening mark as one a sentence may begin with; empty for the French and English
    /// marks (`« » “ ” ‘ ’ "`), which it knows already.
    pub quotes: &'static [(char, char)],
    /// Whether a number followed by a period is an ordinal in this language ("am 3. Mai",
    /// "Wilhelm II."): such a period then ends a sentence only before a likely sentence start.
    pub ordinal_period: bool,
    /// Elided words split off the word they are glued to (`l'` in "l'entreprise").
    pub elisions: &'static [&'static str],
    /// Whether a possessive `'s` is dropped from a word ("Microsoft's" matches "Microsoft").
    pub possessive_s: bool,
    /// Small numbers spelled out, cardinals and ordinals, lower case, with their values.
    pub number_words: &'static [(&'static str, u32)],
    /// Suffixes that make an integer an ordinal (`1er`, `4th`), lower case.
    pub ordinal_suffixes: &'static [&'static str],
    /// Whether "1,5" is one and a half (and "1.000" a thousand) in this language.
    pub decimal_comma: bool,
    /// Pairs of word endings that spell the same term differently where stemming does not
    /// reach (feminine forms, irregular plurals), tried both ways.
    pub variants: &'static [(&'static str, &'static str)],
    /// Whether each variant also has a plural in -s.
    pub plural_s_variants: bool,
    /// Characters this language uses for what English says in one, on average; `None` when
    /// unknown (lengths are then compared one for one).
    pub length: Option<f64>,
    /// Words after an hour that make it a time of day, as written: French `h` ("14 h 30",
    /// "14h30") and `heures`, German `Uhr` ("14 Uhr", "14.30 Uhr"). `14:30` and `2:30 p.m.`
    /// are times in every language.
    pub hour_words: &'static [HourWord],
}

/// A word that makes the number before it an hour of the day.
#[derive(Debug)]
pub struct HourWord {
    pub word: &'static str,
    /// The form may also be a duration ("24 h", "3 heures"): the plain number is kept as a
    /// second reading.
    pub duration: bool,
    /// Minutes may come before the word, after a period: German "14.30 Uhr".
    pub after_minutes: bool,
}

impl HourWord {
    /// A word written after the hour, with the minutes after it ("14 h 30").
    pub const fn after_hour(word: &'static str, duration: bool) -> HourWord {
        HourWord {
            word,
            duration,
            after_minutes: false,
        }
    }
}

/// Declares each language's module and lists its profile in [`PROFILES`], so that a new
/// language is registered in one place, with one line.
macro_rules! profiles {
    ($($module:ident => $profile:ident),* $(,)?) => {
        $(mod $module;)*

        /// The languages with a profile, in the order of the `profiles!` list.
        pub static PROFILES: &[&Profile] = &[$(&$module::$profile),*];
    };
}

profiles! {
    fr => FRENCH,
    en => ENGLISH,
    de => GERMAN,
}

/// The profile of every language without one of its own.
pub static GENERIC: Profile = Profile {
    code: "",
    aliases: &[],
    name: "",
    stemmer: None,
    segmentation: "",
    sentence_pronouns: &[],
    inverted_pronouns: &[],
    quotes: &[],
    ordinal_period: false,
    elisions: &[],
    possessive_s: false,
    number_words: &[],
    ordinal_suffixes: &[],
    decimal_comma: false,
    // "14 h 30" and "24 h" are read as times (or hours) whatever the language, as before
    // languages had their own.
    hour_words: &[HourWord::after_hour("h", true)],
    variants: &[],
    plural_s_variants: false,
    length: None,
};

/// English names of languages without a profile, for headings and prompts.
const NAMES: &[(&str, &str)] = &[
    ("ar", "Arabic"),
    ("ca", "Catalan"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("el", "Greek"),
    ("es", "Spanish"),
    ("fi", "Finnish"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("id", "Indonesian"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("nb", "Norwegian Bokmål"),
    ("nl", "Dutch"),
    ("no", "Norwegian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sv", "Swedish"),
    ("th", "Thai"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("vi", "Vietnamese"),
    ("zh", "Chinese"),
];

/// The profile for a primary subtag or one of its aliases, if the language has one.
pub(crate) fn find(code: &str) -> Option<&'static Profile> {
    PROFILES
        .iter()
        .copied()
        .find(|p| p.code == code || p.aliases.contains(&code))
}

impl Lang {
    /// What passerelle knows about this language: its own profile, or [`GENERIC`].
    pub fn profile(&self) -> &'static Profile {
        match self {
            Lang::Fr => &fr::FRENCH,
            Lang::En => &en::ENGLISH,
            Lang::Other(code) => find(code).unwrap_or(&GENERIC),
        }
    }

    /// The language's English name ("French"), or its code when passerelle does not know it.
    pub fn name(&self) -> String {
        let profile = self.profile();
        if !profile.name.is_empty() {
            return profile.name.to_string();
        }
        let code = self.code();
        NAMES
            .iter()
            .find(|(c, _)| *c == code)
            .map_or_else(|| code.to_string(), |(_, name)| name.to_string())
    }

    /// Target characters per source character in ordinary translations from `self` to
    /// `tgt`; 1 when either language's usual length is unknown.
    pub fn length_ratio_to(&self, tgt: &Lang) -> f64 {
        match (self.profile().length, tgt.profile().length) {
            (Some(src), Some(tgt)) => tgt / src,
            _ => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_is_found_by_its_codes() {
        for p in PROFILES {
            assert_eq!(find(p.code).map(|f| f.code), Some(p.code));
            for alias in p.aliases {
                assert_eq!(Lang::parse(alias).unwrap().profile().code, p.code);
            }
            assert_eq!(Lang::parse(p.code).unwrap().profile().code, p.code);
        }
    }

    #[test]
    fn names_and_ratios() {
        assert_eq!(Lang::Fr.name(), "French");
        assert_eq!(Lang::parse("de").unwrap().name(), "German");
        assert_eq!(Lang::parse("xyz").unwrap().name(), "xyz");
        assert!((Lang::Fr.length_ratio_to(&Lang::En) - 0.88).abs() < 1e-9);
        assert!((Lang::En.length_ratio_to(&Lang::Fr) - 1.0 / 0.88).abs() < 1e-9);
        // German has a profile; Dutch has none, so its ratio is one for one.
        let de = Lang::parse("de").unwrap();
        assert!((Lang::En.length_ratio_to(&de) - 1.0 / 0.86).abs() < 1e-9);
        assert!(Lang::Fr.length_ratio_to(&de) > 1.0);
        assert_eq!(Lang::parse("nl").unwrap().name(), "Dutch");
        assert_eq!(Lang::Fr.length_ratio_to(&Lang::parse("nl").unwrap()), 1.0);
    }

    #[test]
    fn german_is_registered_with_its_aliases() {
        for code in ["de", "DE-at", "deu", "ger", "de_CH"] {
            let lang = Lang::parse(code).unwrap();
            assert_eq!(lang.code(), "de", "{code}");
            assert_eq!(lang.profile().name, "German");
        }
        let de = Lang::parse("de").unwrap().profile();
        assert_eq!(de.stemmer, Some(Algorithm::German));
        assert!(de.decimal_comma && de.ordinal_period && !de.possessive_s);
        assert!(de.elisions.is_empty());
        let value = |w: &str| de.number_words.iter().find(|(x, _)| *x == w).map(|p| p.1);
        assert_eq!(value("zwölf"), Some(12));
        assert_eq!(value("dritten"), Some(3));
        assert_eq!(value("zehnte"), Some(10));
        // Every profile's codes are unique across profiles.
        let mut codes: Vec<&str> = PROFILES
            .iter()
            .flat_map(|p| std::iter::once(p.code).chain(p.aliases.iter().copied()))
            .collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }

    #[test]
    fn profiles_hold_lower_case_words() {
        for p in PROFILES {
            for (w, _) in p.number_words {
                assert_eq!(*w, w.to_lowercase(), "{}: {w}", p.code);
            }
            for s in p.ordinal_suffixes {
                // The number scanner lower-cases at most this many characters on the stack.
                assert!(s.chars().count() <= 4, "{}: {s}", p.code);
            }
            for s in p.ordinal_suffixes.iter().chain(p.elisions) {
                assert_eq!(*s, s.to_lowercase(), "{}: {s}", p.code);
            }
        }
    }
}
