//! Sentence segmentation: French, English, German (each language with a profile in
//! `crate::lang`), and a language-independent fallback.
//!
//! [`Segmenter`] cuts a text into paragraphs (blocks between blank lines) and each paragraph
//! into sentences, returning byte spans into the original text. It never changes, drops or
//! reorders a character: the spans, in order, cover the input apart from the whitespace
//! between them. It does not tokenise, normalise or translate anything.
//!
//! The method is rule-based. Candidate boundaries are sentence punctuation (`. ? ! …`, runs
//! of them, spaced French forms such as `… ?`), inline list markers and bullets, and line
//! breaks that look deliberate (headings, list items) rather than hard-wrapping. Each
//! candidate is judged on the word before it (an abbreviation from the language's data file,
//! an initial, a dotted acronym, a number, a URL) and on what follows (a capital, a likely
//! sentence starter, a lower-case speech tag after a quote, a glued capital as scraped HTML
//! leaves it: "lundi.Joe", "Azure ?»Chers"). Brackets that close nearby suppress the
//! boundaries inside them. What is language-specific (abbreviations, starters, which way a
//! quotation mark points, whether "3." is an ordinal) comes from the language's profile.

mod rules;

pub use rules::AbbrevKind;

pub use crate::text::one_line;
use rules::LangRules;

use crate::text::{Lang, Segment, Span};

/// Splits text into sentences for one language.
#[derive(Debug, Clone)]
pub struct Segmenter {
    lang: Lang,
    rules: &'static LangRules,
    /// [`INTERESTING`] plus the first bytes of the language's sentence pronouns.
    interesting: [bool; 256],
}

impl Segmenter {
    pub fn new(lang: Lang) -> Segmenter {
        let rules = rules::for_lang(&lang);
        let mut interesting = INTERESTING;
        for (byte, first) in rules.pronoun_first.iter().enumerate() {
            interesting[byte] |= first;
        }
        Segmenter {
            lang,
            rules,
            interesting,
        }
    }

    pub fn lang(&self) -> &Lang {
        &self.lang
    }

    /// All sentences of `text`, in order.
    pub fn segment(&self, text: &str) -> Vec<Segment> {
        let mut out = Vec::new();
        self.for_each(text, |seg| out.push(seg));
        out
    }

    /// Calls `emit` for each sentence of `text`, in order, without collecting them: memory
    /// stays flat on large inputs.
    pub fn for_each(&self, text: &str, mut emit: impl FnMut(Segment)) {
        let mut id = 0u32;
        for (paragraph, para) in paragraphs(text).enumerate() {
            let paragraph = paragraph as u32;
            self.split_paragraph(para.slice(text), &mut |span: Span| {
                emit(Segment {
                    id,
                    paragraph,
                    span: span.shift(para.start),
                });
                id += 1;
            });
        }
    }

    /// The sentences of one paragraph (text without blank lines), as spans relative to it.
    pub fn split_paragraph(&self, para: &str, emit: &mut dyn FnMut(Span)) {
        Scan::new(para, self).run(emit);
    }
}

/// Segments of text that is already split, one per line (the input hunalign, Bleualign and
/// Vecalign take): each non-blank line is a segment, trimmed; blank lines separate paragraphs.
pub fn lines(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut paragraph = 0u32;
    let mut in_paragraph = false;
    let mut pos = 0usize;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        match first_content(text, start, pos) {
            Some(first) => {
                let end = trim_end(text, first, pos);
                out.push(Segment {
                    id: out.len() as u32,
                    paragraph,
                    span: Span::new(first, end),
                });
                in_paragraph = true;
            }
            None => {
                if in_paragraph {
                    paragraph += 1;
                    in_paragraph = false;
                }
            }
        }
    }
    out
}

/// The paragraphs of `text`: maximal runs of non-blank lines, trimmed of surrounding
/// whitespace. A line holding only whitespace (no-break spaces included) is blank.
pub fn paragraphs(text: &str) -> impl Iterator<Item = Span> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        // Skip blank lines.
        let mut start = None;
        while pos < bytes.len() {
            let line_end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
            if let Some(first) = first_content(text, pos, line_end) {
                start = Some(first);
                break;
            }
            pos = line_end + 1;
        }
        let start = start?;
        // Extend over the following non-blank lines.
        let mut end = pos;
        while pos < bytes.len() {
            let line_end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
            if first_content(text, pos, line_end).is_none() {
                break;
            }
            end = line_end;
            pos = line_end + 1;
        }
        let end = trim_end(text, start, end.min(text.len()));
        Some(Span::new(start, end))
    })
}

/// Byte offset of the first non-blank character in `text[from..to]`, if any.
fn first_content(text: &str, from: usize, to: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < to {
        let b = bytes[i];
        if b == b' ' || b == b'\t' || b == b'\r' || b == b'\n' || b == b'\x0b' || b == b'\x0c' {
            i += 1;
            continue;
        }
        if b < 0x80 {
            return Some(i);
        }
        let c = text[i..].chars().next()?;
        if c.is_whitespace() || c == '\u{feff}' {
            i += c.len_utf8();
            continue;
        }
        return Some(i);
    }
    None
}

/// `to` moved left over whitespace (and a BOM), not past `from`.
fn trim_end(text: &str, from: usize, to: usize) -> usize {
    let trimmed = text[from..to].trim_end_matches(is_space_or_bom);
    from + trimmed.len()
}

fn is_space_or_bom(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Bytes that can start something the scanner must look at.
static INTERESTING: [bool; 256] = {
    let mut t = crate::text::byte_set(b".?!\n([)];,");
    // … (U+2026), bullets (U+2022, U+2023, U+2043, U+25xx), ‽ (U+203D); and the
    // lead bytes of every script from Armenian on, where the sentence terminals of other
    // scripts live (see `is_full_stop`). Latin, Greek and Cyrillic letters (lead bytes below
    // 0xD6) are skipped.
    let mut lead = 0xD6;
    while lead <= 0xF4 {
        t[lead] = true;
        lead += 1;
    }
    t
};

/// The commonest sentence terminators of scripts that do not use the Latin full stop (Unicode's
/// Sentence_Terminal characters of the major scripts): CJK full stops and full-width ? and !,
/// Arabic question mark and Urdu full stop, Devanagari danda and double danda, Armenian full
/// stop, Ethiopic full stop, Myanmar section mark. Unlike `.`, they end a sentence whatever
/// follows, glued or not: these scripts have no capitals to tell a new sentence by, and
/// Chinese and Japanese put no space after them.
const FULL_STOPS: &[char] = &['。', '｡', '！', '？', '؟', '۔', '।', '॥', '։', '።', '။'];

/// Whether `c` ends a sentence whatever follows: one of [`FULL_STOPS`], or any other of
/// Unicode's sentence terminals (STerm in UAX #29: Tibetan, Khmer, Sinhala, Mongolian, Brahmi
/// and many more), asked of the `unicode-segmentation` crate once per character and
/// remembered. The Latin `? !` and the full stop `.` (whose "ATerm" class UAX #29 judges by
/// what follows) are the scanner's own business.
/// Dashes, quotes, apostrophes, bullets and leaders (U+2010 to U+2027): none ends a sentence,
/// and French text is full of them (’ in every elision), so they skip the lookup below.
const QUOTES_AND_DASHES: std::ops::RangeInclusive<u32> = 0x2010..=0x2027;

fn is_full_stop(c: char) -> bool {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use unicode_segmentation::UnicodeSegmentation;

    if FULL_STOPS.contains(&c) {
        return true;
    }
    // Below Armenian there is no terminal outside FULL_STOPS, and no letter or digit of any
    // script is one: spare them the lookup.
    if u32::from(c) < 0x0589 || c.is_alphanumeric() || QUOTES_AND_DASHES.contains(&u32::from(c)) {
        return false;
    }
    thread_local! {
        static KNOWN: RefCell<HashMap<char, bool>> = RefCell::new(HashMap::new());
    }
    KNOWN.with(|known| {
        *known.borrow_mut().entry(c).or_insert_with(|| {
            // An STerm breaks even before a lower-case word; nothing else does.
            let probe = format!("a{c} b");
            probe.split_sentence_bounds().nth(1).is_some()
        })
    })
}

const BULLETS: &[char] = &[
    '•', '‣', '⁃', '◦', '▪', '▫', '●', '○', '■', '□', '►', '▸', '‧',
];
const CLOSERS: &[char] = &[
    '»', '”', '’', '"', '\'', ')', ']', '}', '›', '」', '』', '）', '】', '》', '〉', '〕',
];
const OPENERS: &[char] = &['«', '“', '‘', '"', '\'', '(', '[', '{', '‹', '¿', '¡', '„'];
const QUOTES: &[char] = &['»', '”', '’', '"', '\'', '›'];
const DASHES: &[char] = &['—', '–', '-', '―'];
const SUPERSCRIPT_DIGITS: &[char] = &['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
/// Brackets further apart than this are not treated as a pair: an unbalanced bracket must not
/// swallow a whole paragraph's boundaries.
const MAX_BRACKET_SPAN: usize = 400;
/// A sentence that would end on an ambiguous abbreviation or an initial must have at least
/// this many words; shorter fragments ("At 5 a.m.") are rarely sentences.
const MIN_WORDS_AMBIGUOUS: usize = 4;

/// What kind of word stands before a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordKind {
    Abbrev(AbbrevKind),
    /// A single capital (E. Macron) or hyphenated initials (J.-P.).
    Initial,
    /// Letters with inner periods (U.S, Ph.D, a.m), a lone lower-case letter, or a short
    /// lower-case word without vowels (qqch, bcp): abbreviation-like but unlisted.
    AbbrevLike,
    Number,
    /// A list marker opening the sentence (1. / a. / iv.).
    Enumerator,
    /// An ordinary word, a URL or e-mail address, or a closing bracket or quote.
    Plain,
}

/// The terminal punctuation run starting at a candidate.
#[derive(Debug, Clone, Copy, Default)]
struct Terminal {
    end: usize,
    dots: usize,
    question_or_exclamation: bool,
    ellipsis_char: bool,
    spaced_dots: bool,
}

impl Terminal {
    fn is_plain_period(&self) -> bool {
        self.dots == 1 && !self.question_or_exclamation && !self.ellipsis_char
    }

    fn is_ellipsis(&self) -> bool {
        !self.question_or_exclamation && (self.ellipsis_char || self.dots >= 2)
    }
}

/// Facts about the lines of a multi-line paragraph, for judging line breaks.
#[derive(Debug, Clone, Copy)]
struct LineFacts {
    /// Longest line, in characters: an estimate of the wrapping width.
    max_len: usize,
    /// Lines look like a list: none ends with sentence punctuation and they are short or all
    /// start with a capital.
    list_like: bool,
}

struct Scan<'a> {
    s: &'a str,
    b: &'a [u8],
    seg: &'a Segmenter,
    /// Start of the current sentence (always on a non-whitespace character).
    start: usize,
    /// Candidates before this offset are inside a bracket pair.
    suppressed_until: usize,
    /// Offset of the next inline list marker that continues an enumeration.
    next_marker: Option<usize>,
    lines: Option<LineFacts>,
}

impl<'a> Scan<'a> {
    fn new(s: &'a str, seg: &'a Segmenter) -> Scan<'a> {
        let start = first_content(s, 0, s.len()).unwrap_or(s.len());
        let mut scan = Scan {
            s,
            b: s.as_bytes(),
            seg,
            start,
            suppressed_until: 0,
            next_marker: None,
            lines: None,
        };
        scan.next_marker = scan.find_next_marker();
        scan
    }

    fn run(mut self, emit: &mut dyn FnMut(Span)) {
        let len = self.b.len();
        let mut i = self.start;
        // Held in locals: the hot loop below then reads no field through `self`.
        let (interesting, bytes) = (&self.seg.interesting, self.b);
        while i < len {
            if !interesting[bytes[i] as usize] {
                i += 1;
                continue;
            }
            if i < self.start {
                // A rule cut ahead of the scan (";\nIl"): resume at the new sentence.
                i = self.start;
                continue;
            }
            if let Some(m) = self.next_marker {
                if m <= i {
                    self.cut(m, m, emit);
                }
            }
            i = self.visit(i, emit);
        }
        while let Some(m) = self.next_marker {
            if m <= self.start {
                break;
            }
            self.cut(m, m, emit);
        }
        let end = trim_end(self.s, self.start, len);
        if end > self.start {
            emit(Span::new(self.start, end));
        }
    }

    /// Ends the current sentence at `end` (trimmed) and starts the next one at `next`.
    fn cut(&mut self, end: usize, next: usize, emit: &mut dyn FnMut(Span)) {
        let end = trim_end(self.s, self.start, end);
        if end > self.start {
            emit(Span::new(self.start, end));
        }
        self.start = next;
        self.next_marker = self.find_next_marker();
    }

    /// Looks at the interesting byte at `i`; returns where to continue.
    fn visit(&mut self, i: usize, emit: &mut dyn FnMut(Span)) -> usize {
        let b = self.b[i];
        match b {
            b'(' | b'[' => {
                if i >= self.suppressed_until {
                    if let Some(close) = self.matching_bracket(i) {
                        self.suppressed_until = close;
                    }
                }
                i + 1
            }
            b')' | b']' => {
                if i == self.suppressed_until {
                    self.after_bracket(i, emit);
                }
                i + 1
            }
            b',' => {
                if i >= self.suppressed_until {
                    self.glued_comma(i, emit);
                }
                i + 1
            }
            b';' => {
                if i >= self.suppressed_until {
                    self.after_semicolon(i, emit);
                }
                i + 1
            }
            b'\n' => {
                if i >= self.suppressed_until {
                    self.line_break(i, emit);
                }
                i + 1
            }
            b if self.seg.rules.pronoun_first[usize::from(b)] => {
                if i >= self.suppressed_until {
                    self.capitalised_pronoun(i, emit);
                }
                i + 1
            }
            0xE2 => {
                let c = self.char_at(i).unwrap_or('\0');
                if c == '…' || c == '‽' {
                    self.terminal(i, emit)
                } else if BULLETS.contains(&c) {
                    self.bullet(i, emit);
                    i + c.len_utf8()
                } else {
                    i + 1
                }
            }
            b'.' | b'?' | b'!' => self.terminal(i, emit),
            _ => {
                let c = self.char_at(i).unwrap_or('\0');
                if is_full_stop(c) {
                    self.full_stop(i, emit)
                } else {
                    if c == '（' && i >= self.suppressed_until {
                        if let Some(close) = self.matching_wide_bracket(i) {
                            self.suppressed_until = close;
                        }
                    }
                    i + c.len_utf8().max(1)
                }
            }
        }
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.s.get(i..).and_then(|t| t.chars().next())
    }

    fn char_before(&self, i: usize) -> Option<char> {
        self.s[..i].chars().next_back()
    }

    /// Offset of the first non-whitespace character at or after `i` (or the end).
    fn skip_ws(&self, mut i: usize) -> usize {
        while let Some(c) = self.char_at(i) {
            if !is_space_or_bom(c) {
                break;
            }
            i += c.len_utf8();
        }
        i
    }

    /// Offset after horizontal whitespace (no line breaks) from `i`.
    fn skip_hspace(&self, mut i: usize) -> usize {
        while let Some(c) = self.char_at(i) {
            if !c.is_whitespace() || c == '\n' || c == '\r' {
                break;
            }
            i += c.len_utf8();
        }
        i
    }

    /// The closing bracket matching the one at `open`, if it is near enough.
    fn matching_bracket(&self, open: usize) -> Option<usize> {
        let limit = (open + MAX_BRACKET_SPAN).min(self.b.len());
        let mut depth = 0usize;
        for (k, &c) in self.b[open..limit].iter().enumerate() {
            match c {
                b'(' | b'[' => depth += 1,
                b')' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(open + k);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The full-width parenthesis closing the one at `open` (Chinese and Japanese text).
    fn matching_wide_bracket(&self, open: usize) -> Option<usize> {
        let limit = (open + MAX_BRACKET_SPAN).min(self.b.len());
        let mut depth = 0usize;
        let mut k = open;
        while k < limit {
            let c = self.char_at(k)?;
            match c {
                '（' => depth += 1,
                '）' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(k);
                    }
                }
                _ => {}
            }
            k += c.len_utf8();
        }
        None
    }

    /// A bracket pair whose content ends a sentence ("..., etc.)") followed by a likely
    /// sentence start: the sentence ends with the bracket.
    fn after_bracket(&mut self, close: usize, emit: &mut dyn FnMut(Span)) {
        let inside = self.s[..close].trim_end();
        if !ends_with_terminal(inside, &self.seg.rules.closers) {
            return;
        }
        let next = self.skip_ws(close + 1);
        if next > close + 1 && next < self.b.len() && self.likely_sentence_start(next) {
            self.cut(close + 1, next, emit);
        }
    }

    /// A semicolon followed by a capitalised sentence starter ("pas ; Selon ce discours")
    /// ends a sentence: after a semicolon, French and English both continue in lower case.
    fn after_semicolon(&mut self, i: usize, emit: &mut dyn FnMut(Span)) {
        if !self.seg.rules.has_starters {
            return;
        }
        let next = self.skip_ws(i + 1);
        if next > i + 1 && next < self.b.len() && self.likely_sentence_start(next) {
            self.cut(i + 1, next, emit);
        }
    }

    /// A comma glued to a capitalised sentence starter is a line break lost in scraping, as
    /// after a letter's salutation ("Chers collègues,Vous avez vu"). "Paris,Lyon" is left
    /// alone: only words that typically open a sentence count.
    fn glued_comma(&mut self, i: usize, emit: &mut dyn FnMut(Span)) {
        let next = i + 1;
        let letter_before = self.char_before(i).is_some_and(char::is_alphabetic);
        let capital_after = self.char_at(next).is_some_and(char::is_uppercase);
        if letter_before
            && capital_after
            && self.seg.rules.has_starters
            && self.likely_sentence_start(next)
            && !self.in_link_or_path(i)
        {
            self.cut(next, next, emit);
        }
    }

    /// French never capitalises a subject pronoun inside a sentence, so "travail Ils sont"
    /// or "Thumesnil C'est" is a sentence whose final punctuation was lost (reviews, chat,
    /// scraped pages).
    fn capitalised_pronoun(&mut self, i: usize, emit: &mut dyn FnMut(Span)) {
        if i <= self.start || self.b[i - 1] != b' ' {
            return;
        }
        let rest = &self.s[i..];
        let Some(pronoun) = self
            .seg
            .rules
            .sentence_pronouns
            .iter()
            .find(|p| rest.starts_with(**p))
        else {
            return;
        };
        let after = &rest[pronoun.len()..];
        if !after.chars().next().is_some_and(char::is_lowercase) {
            return;
        }
        let before = &self.s[self.start..i - 1];
        let ends_in_word = before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphabetic() && c.is_lowercase() || c.is_numeric());
        if ends_in_word && before.split_whitespace().nth(1).is_some() {
            self.cut(i - 1, i, emit);
        }
    }

    /// A bullet inside a paragraph begins a new item.
    fn bullet(&mut self, i: usize, emit: &mut dyn FnMut(Span)) {
        if i <= self.start || i < self.suppressed_until {
            return;
        }
        let before_is_space = self.char_before(i).is_some_and(char::is_whitespace);
        if before_is_space {
            self.cut(i, i, emit);
        }
    }

    /// Decides a candidate made of sentence punctuation at `i`; returns where to continue.
    fn terminal(&mut self, i: usize, emit: &mut dyn FnMut(Span)) -> usize {
        let t = self.terminal_run(i);
        if i < self.suppressed_until {
            return t.end;
        }
        let (close_end, quoted) = self.closing_run(t.end);
        let next = self.skip_ws(close_end);
        if next >= self.b.len() {
            return close_end;
        }
        let glued = next == close_end;
        let Some(nc) = self.char_at(next) else {
            return close_end;
        };

        // "compounds. . . . The": the period closes the sentence, the spaced ellipsis opens
        // the next one (the MLA convention for an omission at the start of a sentence).
        let attached = self.char_before(i).is_some_and(|c| !c.is_whitespace());
        if self.b[i] == b'.'
            && t.spaced_dots
            && t.dots >= 4
            && attached
            && self.starts_sentence(next, nc)
        {
            let after_period = i + 1;
            let ellipsis_start = self.skip_hspace(after_period);
            self.cut(after_period, ellipsis_start, emit);
            return ellipsis_start;
        }

        if self.is_boundary(i, &t, quoted, next, nc, glued) {
            self.cut(close_end, next, emit);
            next
        } else {
            t.end
        }
    }

    /// A run of full stops of another script (with ? and !), then closing quotes and
    /// brackets: the sentence ends there, unless a bracket around it is still open.
    fn full_stop(&mut self, i: usize, emit: &mut dyn FnMut(Span)) -> usize {
        let mut j = i;
        while let Some(c) = self.char_at(j) {
            if c == '?' || c == '!' || (c > '\u{7f}' && is_full_stop(c)) {
                j += c.len_utf8();
            } else {
                break;
            }
        }
        if i < self.suppressed_until {
            return j;
        }
        let (close_end, _) = self.closing_run(j);
        let next = self.skip_ws(close_end);
        if next < self.b.len() {
            self.cut(close_end, next, emit);
            next
        } else {
            close_end
        }
    }

    /// Whether what begins at `next` (character `nc`) can begin a sentence at all: a capital
    /// or a digit, or a letter of a script without case (Hangul, Arabic, Devanagari, Thai...),
    /// where nothing tells a sentence start from any other word.
    fn starts_sentence(&self, next: usize, nc: char) -> bool {
        nc.is_uppercase()
            || nc.is_numeric()
            || (nc.is_alphabetic() && !nc.is_lowercase())
            || self.opener_then_sentence(next, nc)
            || DASHES.contains(&nc)
                && self
                    .char_at(next + nc.len_utf8())
                    .is_some_and(|c| c.is_whitespace() || c.is_uppercase())
    }

    fn opener_then_sentence(&self, next: usize, nc: char) -> bool {
        if !self.seg.rules.openers.contains(&nc) {
            return false;
        }
        let after = self.skip_hspace(next + nc.len_utf8());
        self.char_at(after)
            .is_some_and(|c| c.is_uppercase() || c.is_numeric() || c == '.' || c == '…')
    }

    #[allow(clippy::too_many_arguments)]
    fn is_boundary(
        &self,
        i: usize,
        t: &Terminal,
        quoted: bool,
        next: usize,
        nc: char,
        glued: bool,
    ) -> bool {
        let lower_next = nc.is_lowercase();
        if lower_next && (quoted || !t.is_plain_period()) {
            // A speech tag after a quote or after ?/! ("? demanda-t-il", "Yahoo! in"),
            // or an ellipsis inside a sentence ("cajoler... ça").
            return false;
        }
        if !lower_next && !self.starts_sentence(next, nc) {
            return false; // ", ; : ) %" and the like never open a sentence
        }
        if glued && self.in_link_or_path(i) {
            return false;
        }

        if quoted && !glued && self.speech_tag_follows(next) {
            return false; // “Why?” I asked myself.
        }
        if t.question_or_exclamation {
            return !glued || self.glued_capital(next, nc);
        }
        if t.is_ellipsis() {
            if glued {
                return self.glued_capital(next, nc);
            }
            // Three spaced dots inside a sentence (". . . I didn't") are an omission, not an end.
            let spaced_three = t.spaced_dots
                && t.dots == 3
                && self.char_before(i).is_some_and(char::is_whitespace);
            return !spaced_three;
        }

        // A single period.
        let (word_start, kind) = self.word_before(i);
        if !quoted
            && self.seg.rules.ordinal_period
            && matches!(kind, WordKind::Number | WordKind::Plain)
            && is_ordinal_numeral(&self.s[word_start..i])
        {
            // "am 3. Mai", "im 19. Jahrhundert", "Wilhelm II. dankte ab": in a language that
            // marks ordinals with a period, the period after a number ends a sentence only
            // before a word that typically opens one ("Es waren 3. Dann ging er", "Die Antwort
            // ist 42. Sie stimmt"), never before a lower-case word or a digit ("vom 3. bis 5.
            // Mai"). Between a number and a capitalised noun ("Es waren 12. Mitglieder kamen
            // später") nothing tells an ordinal from a sentence end; the ordinal is by far the
            // commoner, so the sentence goes on. A closing quote after the period ends it.
            return self.likely_sentence_start(next);
        }
        if glued {
            if quoted {
                return matches!(
                    kind,
                    WordKind::Plain | WordKind::Number | WordKind::AbbrevLike
                ) && (nc.is_uppercase() || self.seg.rules.glued_openers.contains(&nc));
            }
            let closers = &self.seg.rules.closers;
            let before_ok = self
                .char_before(i)
                .is_some_and(|c| c.is_lowercase() || c.is_numeric() || closers.contains(&c));
            let opener = self.seg.rules.glued_openers.contains(&nc);
            let after_closer = self.char_before(i).is_some_and(|c| closers.contains(&c));
            let word_ok = match kind {
                _ if after_closer => true,
                WordKind::Number => true,
                WordKind::Plain => self.word_has_letters(word_start, i, 2),
                _ => false,
            };
            return word_ok && before_ok && (opener || self.glued_capital(next, nc));
        }
        if lower_next || nc.is_numeric() {
            return matches!(kind, WordKind::Plain | WordKind::Number);
        }
        match kind {
            WordKind::Plain | WordKind::Number => true,
            WordKind::Enumerator | WordKind::Abbrev(AbbrevKind::Title | AbbrevKind::Internal) => {
                false
            }
            WordKind::Abbrev(AbbrevKind::Final) => true,
            WordKind::Abbrev(AbbrevKind::Ambiguous) | WordKind::AbbrevLike => {
                self.likely_sentence_start(next) && self.words_since_start(i) >= MIN_WORDS_AMBIGUOUS
            }
            // Without a starter list, "E. Macron" and "vitamine C. Elle" look alike: keep them.
            WordKind::Initial => {
                self.seg.rules.has_starters
                    && self.likely_sentence_start(next)
                    && self.words_since_start(i) >= MIN_WORDS_AMBIGUOUS
                    && !self.previous_word_is_name_part(word_start)
            }
        }
    }

    /// Whether one of the next three words is a reporting verb ("I asked", "Lopez a crié").
    fn speech_tag_follows(&self, next: usize) -> bool {
        self.s[next..]
            .split_whitespace()
            .take(3)
            .map(|w| w.trim_end_matches(|c: char| !c.is_alphabetic()))
            .any(|w| self.seg.rules.is_reporting_verb(w))
    }

    /// A capital glued to the previous sentence that really starts a word: "Joe", "C'est",
    /// "À", but not "NET" in ".NET" or "WriteLine" in "Console.WriteLine".
    fn glued_capital(&self, next: usize, nc: char) -> bool {
        if self.seg.rules.glued_openers.contains(&nc) {
            return true;
        }
        if !nc.is_uppercase() {
            return false;
        }
        let rest = &self.s[next + nc.len_utf8()..];
        let mut chars = rest.chars();
        match chars.next() {
            None => true,
            Some(c) if c.is_whitespace() || c == '\'' || c == '\u{2019}' => true,
            Some(c) if c.is_lowercase() => {
                // The rest of the word: no inner capital (CamelCase), no dotted or called
                // identifier ("Foo.bar", "Foo(").
                for c in chars {
                    if c.is_whitespace() {
                        break;
                    }
                    if c.is_uppercase() || c == '(' || c == '_' || c == '/' {
                        return false;
                    }
                    if c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' {
                        break;
                    }
                }
                true
            }
            _ => false,
        }
    }

    /// Whether the whitespace-delimited token around `i` is a URL, an e-mail address or a
    /// path, whose dots and question marks are not sentence punctuation.
    fn in_link_or_path(&self, i: usize) -> bool {
        let start = self.token_start(i);
        let end = self.s[i..]
            .find(char::is_whitespace)
            .map_or(self.s.len(), |p| i + p);
        let token = &self.s[start..end];
        token.contains("://")
            || token.contains('@')
            || token.contains('/')
            || token.contains('\\')
            || token.contains('_')
            || token.starts_with("www.")
    }

    fn word_has_letters(&self, from: usize, to: usize, n: usize) -> bool {
        self.s[from..to]
            .chars()
            .filter(|c| c.is_alphabetic())
            .take(n)
            .count()
            >= n
    }

    /// Reads the run of sentence punctuation at `i`.
    fn terminal_run(&self, i: usize) -> Terminal {
        let mut t = Terminal {
            end: i,
            ..Terminal::default()
        };
        let mut j = i;
        loop {
            match self.char_at(j) {
                Some('.') => t.dots += 1,
                Some('?' | '!' | '‽' | '⁇' | '⁈' | '⁉') => t.question_or_exclamation = true,
                Some('…') => t.ellipsis_char = true,
                Some(c) if c.is_whitespace() && c != '\n' && c != '\r' && j > i => {
                    // French spacing ("… ?", "! ?") and spaced ellipses (". . .").
                    let k = self.skip_hspace(j);
                    match self.char_at(k) {
                        Some('?' | '!' | '…') => {
                            j = k;
                            continue;
                        }
                        Some('.') if t.dots > 0 && !t.question_or_exclamation => {
                            let after = self.char_at(k + 1);
                            if after.is_none_or(|c| !c.is_alphanumeric()) {
                                t.spaced_dots = true;
                                j = k;
                                continue;
                            }
                            break;
                        }
                        _ => break,
                    }
                }
                _ => break,
            }
            j += self.char_at(j).map_or(1, char::len_utf8);
            t.end = j;
        }
        t
    }

    /// Reads closing quotes, brackets and note calls after the punctuation ending at `j`.
    /// Returns where they end and whether a quote closed.
    fn closing_run(&self, mut j: usize) -> (usize, bool) {
        let mut quoted = false;
        loop {
            match self.char_at(j) {
                Some(c) if self.seg.rules.closers.contains(&c) => {
                    quoted |= self.seg.rules.closing_quotes.contains(&c);
                    j += c.len_utf8();
                }
                Some(c) if SUPERSCRIPT_DIGITS.contains(&c) => j += c.len_utf8(),
                Some('[') => {
                    // A note call: "phrase.[4] Suite".
                    let rest = &self.b[j + 1..];
                    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
                    if digits > 0 && digits <= 4 && rest.get(digits) == Some(&b']') {
                        j += digits + 2;
                    } else {
                        break;
                    }
                }
                Some(c) if c.is_whitespace() && c != '\n' && c != '\r' => {
                    // French closing guillemet after a (no-break) space: "? »".
                    let k = self.skip_hspace(j);
                    match self.char_at(k) {
                        Some(q) if self.seg.rules.spaced_closers.contains(&q) => {
                            quoted = true;
                            j = k + q.len_utf8();
                        }
                        Some('"') => {
                            // A spaced quote closes this sentence unless a capital follows it,
                            // in which case it opens the next one: `fin. " Il dit`.
                            let after = self.char_at(k + 1);
                            let then = self.char_at(self.skip_ws(k + 1));
                            let closes = after.is_none_or(|c| {
                                c.is_whitespace()
                                    || self.seg.rules.closers.contains(&c)
                                    || ".,;:!?".contains(c)
                            }) && !then.is_some_and(char::is_uppercase);
                            if closes {
                                quoted = true;
                                j = k + 1;
                            } else {
                                break;
                            }
                        }
                        _ => break,
                    }
                }
                _ => break,
            }
        }
        (j, quoted)
    }

    /// The word just before the period at `i` and its kind. Leading brackets and quotes are
    /// not part of the word.
    fn word_before(&self, i: usize) -> (usize, WordKind) {
        let token_start = self.token_start(i).max(self.start.min(i));
        let token = &self.s[token_start..i];
        let Some(last) = token.chars().next_back() else {
            return (i, WordKind::Plain); // a period after a space
        };
        let rules = self.seg.rules;
        if rules.closers.contains(&last) {
            return (token_start, WordKind::Plain);
        }
        let word =
            token.trim_start_matches(|c: char| rules.openers.contains(&c) || BULLETS.contains(&c));
        let word_start = i - word.len();
        if word.is_empty() {
            return (word_start, WordKind::Plain);
        }
        // French elision: "l'éd." is the abbreviation "éd.".
        let (word, word_start) = match word
            .char_indices()
            .find(|(_, c)| *c == '\'' || *c == '\u{2019}')
        {
            Some((p, c)) if p <= 7 && word[..p].chars().all(char::is_alphabetic) => {
                (&word[p + c.len_utf8()..], word_start + p + c.len_utf8())
            }
            _ => (word, word_start),
        };
        if word.is_empty() {
            return (word_start, WordKind::Plain);
        }
        let first_of_sentence = self.s[self.start..word_start].chars().all(|c| {
            c.is_whitespace()
                || rules.openers.contains(&c)
                || BULLETS.contains(&c)
                || DASHES.contains(&c)
        });
        (word_start, self.classify(word, first_of_sentence))
    }

    /// Start of the whitespace-delimited token that ends at or spans `i`.
    fn token_start(&self, i: usize) -> usize {
        self.s[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(p, c)| p + c.len_utf8())
    }

    fn classify(&self, word: &str, first_of_sentence: bool) -> WordKind {
        if first_of_sentence && is_list_marker(word) {
            return WordKind::Enumerator;
        }
        if let Some(kind) = self.seg.rules.abbreviation(word) {
            return WordKind::Abbrev(kind);
        }
        if word.contains("://") || word.contains('@') || word.starts_with("www.") {
            return WordKind::Plain;
        }
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters == 0 {
            return if word.chars().any(|c| c.is_numeric()) {
                WordKind::Number
            } else {
                WordKind::Plain
            };
        }
        if is_initials(word) {
            return WordKind::Initial;
        }
        if is_dotted_abbreviation(word) {
            return WordKind::AbbrevLike;
        }
        let mut chars = word.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if c.is_lowercase() {
                return WordKind::AbbrevLike;
            }
        }
        if word.chars().count() <= 5
            && word.chars().all(|c| c.is_lowercase())
            && !word.chars().any(is_vowel)
        {
            return WordKind::AbbrevLike;
        }
        WordKind::Plain
    }

    /// Whether the word before `word_start` is a title or an initial, making the initial at
    /// `word_start` part of a name ("M. J. Dupont", "Dr. A. Smith").
    fn previous_word_is_name_part(&self, word_start: usize) -> bool {
        let before = self.s[self.start..word_start].trim_end();
        let Some(prev) = before.split_whitespace().next_back() else {
            return false;
        };
        let prev = prev.strip_suffix('.').unwrap_or(prev);
        is_initials(prev) || self.seg.rules.abbreviation(prev) == Some(AbbrevKind::Title)
    }

    /// Number of words from the start of the sentence up to `i` (capped, cheap to call).
    fn words_since_start(&self, i: usize) -> usize {
        self.s[self.start..i]
            .split_whitespace()
            .take(MIN_WORDS_AMBIGUOUS)
            .count()
    }

    /// Whether the word at `next` is one that typically opens a sentence: a listed starter
    /// ("Il", "The", "C'"), a French inversion ("Est-il"), or a title ("Mr.", "M.").
    fn likely_sentence_start(&self, next: usize) -> bool {
        let rest = &self.s[next..];
        let openers = &self.seg.rules.openers;
        let rest = rest.trim_start_matches(|c: char| openers.contains(&c) || c.is_whitespace());
        let first = rest.chars().next().unwrap_or(' ');
        if !first.is_uppercase() {
            return false;
        }
        let rules = self.seg.rules;
        if !rules.has_starters {
            return true;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || ",;:!?)]»\"”.…".contains(c))
            .unwrap_or(rest.len());
        let word = &rest[..end];
        if rules.is_starter(word) {
            return true;
        }
        if let Some(p) = word.find(['\'', '\u{2019}']) {
            let elided = word[..p].to_string() + "'";
            if rules.is_starter(&elided) {
                return true;
            }
        }
        if let Some((_, pronoun)) = word.rsplit_once('-') {
            if rules.inverted_pronouns.contains(&pronoun) {
                return true;
            }
        }
        rules.abbreviation(word) == Some(AbbrevKind::Title)
    }

    /// A line break inside a paragraph: is it a deliberate break (a heading, a list item) or
    /// just wrapping?
    fn line_break(&mut self, i: usize, emit: &mut dyn FnMut(Span)) {
        let prev_end = trim_end(self.s, self.start, i);
        if prev_end <= self.start {
            return;
        }
        let next = self.skip_ws(i);
        if next >= self.b.len() {
            return;
        }
        let closers = &self.seg.rules.closers;
        let facts = *self
            .lines
            .get_or_insert_with(|| line_facts(self.s, closers));
        let line_start = self.s[..i].rfind('\n').map_or(0, |p| p + 1).max(self.start);
        let prev_line = self.s[line_start..prev_end].trim();
        let next_line_end = self.s[next..].find('\n').map_or(self.s.len(), |p| next + p);
        let next_line = self.s[next..next_line_end].trim_end();

        if ends_with_terminal(prev_line, closers) {
            return; // the punctuation rule has already decided
        }
        let boundary = starts_with_list_marker(next_line) || facts.list_like || {
            let first = next_line.chars().next().unwrap_or(' ');
            let opens = first.is_uppercase()
                || first.is_numeric()
                || self.seg.rules.openers.contains(&first);
            let first_word = next_line
                .split_whitespace()
                .next()
                .map_or(0, |w| w.chars().count());
            let prev_len = prev_line.chars().count();
            // Greedy wrapping would have put the next word on this line if it fitted.
            opens && prev_len + 1 + first_word <= facts.max_len
        };
        if boundary {
            self.cut(prev_end, next, emit);
        }
    }

    /// If the current sentence opens with a list marker ("1.", "b)", "iv."), the offset of
    /// the marker that continues the enumeration in this paragraph, if any.
    fn find_next_marker(&self) -> Option<usize> {
        let rest = &self.s[self.start..];
        let rest_trim =
            rest.trim_start_matches(|c: char| BULLETS.contains(&c) || c.is_whitespace());
        let marker_end = rest_trim.find(|c: char| !c.is_alphanumeric())?;
        let (marker, tail) = rest_trim.split_at(marker_end);
        let delim = [".)", ")", "."].into_iter().find(|d| tail.starts_with(d))?;
        if !tail[delim.len()..].starts_with(char::is_whitespace) || !is_list_marker(marker) {
            return None;
        }
        let successor = marker_successor(marker)?;
        let pattern = format!("{successor}{delim}");
        let base = self.start + (rest.len() - rest_trim.len()) + marker_end;
        let mut from = base;
        while let Some(p) = self.s[from..].find(&pattern) {
            let at = from + p;
            let before_ok = self
                .char_before(at)
                .is_some_and(|c| c.is_whitespace() || BULLETS.contains(&c));
            let after_ok = self
                .char_at(at + pattern.len())
                .is_some_and(char::is_whitespace);
            if before_ok && after_ok {
                // Cut before a bullet that precedes the marker, not between them.
                let bullet_at = self.s[..at].trim_end().char_indices().next_back();
                return Some(match bullet_at {
                    Some((bp, c)) if BULLETS.contains(&c) && bp > self.start => bp,
                    _ => at,
                });
            }
            from = at + pattern.len();
        }
        None
    }
}

fn is_vowel(c: char) -> bool {
    "aeiouyàâäéèêëîïôöùûüÿæœAEIOUY".contains(c)
}

/// "E", "J.-P", "A.-M": capitals, one letter each, joined by ".-".
fn is_initials(word: &str) -> bool {
    let mut parts = 0;
    for part in word.split(".-") {
        let mut chars = part.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_uppercase() => parts += 1,
            _ => return false,
        }
    }
    parts > 0
}

/// "U.S", "Ph.D", "a.m", "LL.AA.II.RR": short letter groups joined by periods.
fn is_dotted_abbreviation(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|p| {
            let n = p.chars().count();
            (1..=3).contains(&n) && p.chars().all(char::is_alphabetic)
        })
}

/// A number as a language that marks ordinals with a period writes one before it: one to
/// three digits ("3", "19", "125"; a four-digit number is most often a year ending a sentence,
/// "Er starb 1945."), or a Roman numeral of two or more of I, V and X, as after a ruler's name
/// ("Wilhelm II", "Ludwig XIV"; a single capital is an initial, and C, D, L and M make
/// ordinary capitalised abbreviations such as "CD" and "DM").
fn is_ordinal_numeral(word: &str) -> bool {
    let n = word.len();
    if word.bytes().all(|b| b.is_ascii_digit()) {
        return (1..=3).contains(&n);
    }
    if !(2..=7).contains(&n) || !word.bytes().all(|b| matches!(b, b'I' | b'V' | b'X')) {
        return false;
    }
    // Tens (X, XX, XXX), then units in their one spelling (I to IX): 2 to 39.
    let units = word.trim_start_matches('X');
    word.len() - units.len() <= 3
        && ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"].contains(&units)
}

fn is_list_marker(word: &str) -> bool {
    let n = word.chars().count();
    (1..=3).contains(&n) && word.chars().all(|c| c.is_ascii_digit())
        || n == 1 && word.chars().all(|c| c.is_ascii_alphabetic())
        || roman_value(word).is_some()
}

const ROMAN: [&str; 12] = [
    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii",
];

fn roman_value(word: &str) -> Option<usize> {
    let lower = word.to_ascii_lowercase();
    let is_case_consistent = word == lower || word == word.to_ascii_uppercase();
    ROMAN
        .iter()
        .position(|r| *r == lower)
        .filter(|_| is_case_consistent && word.len() > 1)
}

/// The marker that follows `marker` in an enumeration: 9 -> 10, b -> c, iv -> v.
fn marker_successor(marker: &str) -> Option<String> {
    if let Ok(n) = marker.parse::<u32>() {
        return Some((n + 1).to_string());
    }
    if let Some(v) = roman_value(marker) {
        let next = ROMAN.get(v + 1)?;
        let upper = marker.chars().all(|c| c.is_ascii_uppercase());
        return Some(if upper {
            next.to_ascii_uppercase()
        } else {
            next.to_string()
        });
    }
    let c = marker.chars().next()?;
    if c.is_ascii_alphabetic() && c != 'z' && c != 'Z' {
        return Some(String::from(((c as u8) + 1) as char));
    }
    None
}

fn starts_with_list_marker(line: &str) -> bool {
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let second = chars.next();
    if BULLETS.contains(&first)
        || (matches!(first, '-' | '*' | '+' | '–' | '—') && second == Some(' '))
    {
        return true;
    }
    let marker_end = line
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(line.len());
    let (marker, tail) = line.split_at(marker_end);
    is_list_marker(marker)
        && (tail.starts_with(". ") || tail.starts_with(") ") || tail.starts_with(".) "))
        && (marker.chars().all(|c| c.is_ascii_digit()) || tail.starts_with(')'))
}

/// Whether `line` ends with sentence punctuation, before any of `closers` (the language's
/// closing quotes and brackets).
fn ends_with_terminal(line: &str, closers: &[char]) -> bool {
    let line = line.trim_end_matches(|c: char| closers.contains(&c) || c.is_whitespace());
    line.ends_with(['.', '?', '!', '…', '‽'])
}

fn line_facts(para: &str, closers: &[char]) -> LineFacts {
    let mut max_len = 0;
    let mut any_terminal = false;
    let mut all_capital = true;
    for line in para.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        max_len = max_len.max(line.chars().count());
        any_terminal |= ends_with_terminal(line, closers);
        let first = line.chars().next().unwrap_or(' ');
        all_capital &= first.is_uppercase() || BULLETS.contains(&first) || first.is_numeric();
    }
    LineFacts {
        max_len,
        list_like: !any_terminal && (max_len < 50 || all_capital),
    }
}

#[cfg(test)]
mod tests;
