//! German: what passerelle knows about the language, in one place. Data only; the rules that
//! use it live in the stages (`segment`, `glossary`, `numbers`).

use super::{HourWord, Profile};

pub(super) static GERMAN: Profile = Profile {
    code: "de",
    aliases: &["deu", "ger"],
    name: "German",
    // Snowball German folds case endings and plurals, umlaut included ("Verträge" and
    // "Vertrag" share the stem "vertrag").
    stemmer: Some(rust_stemmers::Algorithm::German),
    segmentation: include_str!("data/de.txt"),
    // German capitalises every noun and the polite "Sie", and "das Ich", "das Es" are nouns:
    // a capitalised pronoun inside a sentence is no sign of a lost full stop, as it is in
    // French. Nor does German invert a pronoun after a hyphen.
    sentence_pronouns: &[],
    inverted_pronouns: &[],
    // „…“ and ‚…‘ in Germany and Austria; »…« and ›…‹ in books. Swiss «…» are the French
    // marks, which the segmenter knows already.
    quotes: &[('„', '“'), ('‚', '‘'), ('»', '«'), ('›', '‹')],
    // "am 3. Mai", "im 19. Jahrhundert", "Wilhelm II.": the period marks the ordinal.
    ordinal_period: true,
    elisions: &[],
    possessive_s: false,
    // Whole words only: compounds ("einundzwanzig") are not split. The indefinite article is
    // also "one", as French "un" is; it only ever counts for a digit the source has.
    number_words: &[
        ("null", 0),
        ("eins", 1),
        ("ein", 1),
        ("eine", 1),
        ("einen", 1),
        ("einem", 1),
        ("einer", 1),
        ("zwei", 2),
        ("drei", 3),
        ("vier", 4),
        ("fünf", 5),
        ("sechs", 6),
        ("sieben", 7),
        ("acht", 8),
        ("neun", 9),
        ("zehn", 10),
        ("elf", 11),
        ("zwölf", 12),
        ("dreizehn", 13),
        ("vierzehn", 14),
        ("fünfzehn", 15),
        ("sechzehn", 16),
        ("siebzehn", 17),
        ("achtzehn", 18),
        ("neunzehn", 19),
        ("zwanzig", 20),
        ("dreißig", 30),
        ("vierzig", 40),
        ("fünfzig", 50),
        ("sechzig", 60),
        ("siebzig", 70),
        ("achtzig", 80),
        ("neunzig", 90),
        ("hundert", 100),
        ("tausend", 1000),
        // Ordinals decline like adjectives ("der erste", "am ersten", "ein erster"): every
        // ending is listed, since the table is matched word for word.
        ("erste", 1),
        ("ersten", 1),
        ("erster", 1),
        ("erstes", 1),
        ("erstem", 1),
        ("zweite", 2),
        ("zweiten", 2),
        ("zweiter", 2),
        ("zweites", 2),
        ("zweitem", 2),
        ("dritte", 3),
        ("dritten", 3),
        ("dritter", 3),
        ("drittes", 3),
        ("drittem", 3),
        ("vierte", 4),
        ("vierten", 4),
        ("vierter", 4),
        ("viertes", 4),
        ("viertem", 4),
        ("fünfte", 5),
        ("fünften", 5),
        ("fünfter", 5),
        ("fünftes", 5),
        ("fünftem", 5),
        ("sechste", 6),
        ("sechsten", 6),
        ("sechster", 6),
        ("sechstes", 6),
        ("sechstem", 6),
        ("siebte", 7),
        ("siebten", 7),
        ("siebter", 7),
        ("siebtes", 7),
        ("siebtem", 7),
        ("achte", 8),
        ("achten", 8),
        ("achter", 8),
        ("achtes", 8),
        ("achtem", 8),
        ("neunte", 9),
        ("neunten", 9),
        ("neunter", 9),
        ("neuntes", 9),
        ("neuntem", 9),
        ("zehnte", 10),
        ("zehnten", 10),
        ("zehnter", 10),
        ("zehntes", 10),
        ("zehntem", 10),
    ],
    // German writes ordinals as "3." (see `ordinal_period`), never with a letter suffix.
    ordinal_suffixes: &[],
    // "3,5 Prozent", "1.000 Euro".
    decimal_comma: true,
    // Feminine agent nouns, which Snowball leaves apart ("Lehrerin", "Lehrerinnen" against
    // "Lehrer"), and the plural of compounds in -mann ("Fachmann", "Fachleute").
    variants: &[
        ("er", "erin"),
        ("er", "erinnen"),
        ("erin", "erinnen"),
        ("mann", "leute"),
    ],
    plural_s_variants: false,
    // German runs about 16 % longer than English for the same content, in the 10–20 % that
    // translators usually give for running prose (short interface strings grow more). Measured
    // here: the German side of the Bleualign Text+Berg test set (shared bench, 7 documents)
    // has 115,772 characters to its French side's 112,219, 3 % more; with French at 1/0.88 of
    // English (`fr.rs`), that is 1.17 times English. 1/0.86 ≈ 1.163 rounds the two together.
    length: Some(1.0 / 0.86),
    // "14 Uhr", "14.30 Uhr", "14:30 Uhr", "14 Uhr 30": always a time of day (a duration is
    // "Stunden").
    hour_words: &[
        HourWord {
            word: "Uhr",
            duration: false,
            after_minutes: true,
        },
        HourWord::after_hour("h", true),
    ],
};
