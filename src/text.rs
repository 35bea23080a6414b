//! The vocabulary every stage shares: byte spans into an original text, language codes,
//! segments, and the decoding of raw input bytes into text.
//!
//! Spans are byte offsets into the text exactly as it was read (a BOM, if any, included), so
//! that any later stage can point back at the original. Line and column numbers are derived
//! only at the edges, through [`LineIndex`]. This module knows nothing about sentences,
//! alignment or glossaries.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into a text, always on `char` boundaries.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span {start}..{end} is reversed");
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The text this span covers in `text`.
    ///
    /// # Panics
    /// If the span is out of bounds or not on char boundaries of `text`, which means the span
    /// was made for another text.
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// The same span moved `by` bytes to the right.
    pub fn shift(&self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A language, as far as passerelle's rules are concerned.
///
/// French and English have their own variants; any other code is kept by its primary subtag,
/// and gets its language's profile (`de`, see `crate::lang`) or, without one,
/// language-independent rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
    /// Any other language, by its lower-cased primary subtag (`de`, `es`, `pt`...).
    Other(String),
}

impl Lang {
    /// Parses a BCP 47-like code: `fr`, `FR`, `fr-FR`, `fr_CA`, `en-GB`, `de`... Only the primary
    /// subtag matters. Returns `None` for something that cannot be a language code.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next().unwrap_or("");
        let ok =
            (2..=8).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
        if !ok {
            return None;
        }
        let primary = primary.to_ascii_lowercase();
        // Aliases ("fra") become the profile's own code, so each language has one value.
        Some(match crate::lang::find(&primary).map(|p| p.code) {
            Some("fr") => Lang::Fr,
            Some("en") => Lang::En,
            Some(code) => Lang::Other(code.to_string()),
            None => Lang::Other(primary),
        })
    }

    /// The primary subtag, lower case (`fr`, `en`, `de`).
    pub fn code(&self) -> &str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Other(code) => code,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        Lang::parse(s).ok_or_else(|| {
            format!("'{s}' is not a language code (expected e.g. fr, en, de, pt-BR)")
        })
    }
}

/// One sentence (or other unit) of a text: where it is, and which paragraph it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// 0-based position of the segment in its document.
    pub id: u32,
    /// 0-based index of the paragraph (block of text between blank lines) holding it.
    pub paragraph: u32,
    /// Where the segment is in the original text: no leading or trailing whitespace.
    pub span: Span,
}

/// Where a piece of text sits in a file, for diagnostics and SARIF locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The file, as the user named it (relative paths stay relative).
    pub path: std::path::PathBuf,
    /// 1-based line where the text starts.
    pub line: u32,
    /// Byte offset of the text within that line (0 when the text starts the line), or `None`
    /// when the text is encoded (JSON, XML) and columns in the file do not match the text.
    pub column_offset: Option<usize>,
}

/// One aligned pair: a source segment and its translation (either may hold several
/// sentences, or be empty for an insertion or deletion).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Pair {
    pub src: String,
    pub tgt: String,
    pub src_origin: Option<Origin>,
    pub tgt_origin: Option<Origin>,
    /// The aligner was not confident about this pair; reviewers should look at it.
    pub low_confidence: bool,
}

/// Parallel text ready to be checked or exported: pairs in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct Bitext {
    pub src_lang: Lang,
    pub tgt_lang: Lang,
    pub pairs: Vec<Pair>,
}

/// Why bytes could not be taken as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid UTF-8 at byte {offset}")]
pub struct Utf8Error {
    /// Byte offset of the first byte that is not valid UTF-8.
    pub offset: usize,
}

/// Byte offset to 1-based line and column (in characters), for diagnostics and SARIF regions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { line_starts }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let end = offset.min(text.len());
        let col = text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// `1 segment`, `2 segments`: a count and its noun, for messages.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes a sentence for one-per-line output: every run of whitespace that holds a line break
/// becomes one space; other whitespace (no-break spaces, double spaces) is kept as it is.
pub fn one_line(sentence: &str) -> std::borrow::Cow<'_, str> {
    if !sentence.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']) {
        return std::borrow::Cow::Borrowed(sentence);
    }
    let mut out = String::with_capacity(sentence.len());
    let mut pending: Option<(usize, bool)> = None; // (start of whitespace run, has a line break)
    for (i, c) in sentence.char_indices() {
        if c.is_whitespace() {
            let brk = matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}');
            match &mut pending {
                Some((_, has)) => *has |= brk,
                None => pending = Some((i, brk)),
            }
            continue;
        }
        if let Some((ws_start, has_break)) = pending.take() {
            if has_break {
                out.push(' ');
            } else {
                out.push_str(&sentence[ws_start..i]);
            }
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// Cuts `text` to about `max` characters for a message (whitespace runs as one space), with
/// an ellipsis.
pub fn clip(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

/// Escapes `s` for XML or HTML content: `&`, `<` and `>`, and with `quotes` also `"` and `'`
/// (for attribute values and HTML). Characters XML 1.0 forbids even escaped become U+FFFD, so
/// that the file stays well-formed. The one escaper of the writers (TMX, XLIFF, JUnit) and of
/// the review pages.
pub fn escape_markup(s: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{fffd}'),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A table of the bytes a scanner must stop at, for `table[byte as usize]` tests in hot loops
/// (the segmenter's and the placeholder scanner's).
pub(crate) const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut k = 0;
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_codes() {
        assert_eq!(Lang::parse("fr"), Some(Lang::Fr));
        assert_eq!(Lang::parse("FR-ca"), Some(Lang::Fr));
        assert_eq!(Lang::parse("en_GB"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), Some(Lang::Other("de".into())));
        assert_eq!(Lang::parse("pt-BR").unwrap().code(), "pt");
        assert_eq!(Lang::parse(""), None);
        assert_eq!(Lang::parse("f"), None);
        assert_eq!(Lang::parse("12"), None);
        assert_eq!(Lang::parse("français"), None);
    }

    #[test]
    fn line_columns_count_characters() {
        let text = "été\nà la ligne\r\nfin";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 5), (1, 4)); // "été" is 5 bytes, 3 chars
        assert_eq!(index.line_col(text, 6), (2, 1));
        assert_eq!(index.line_col(text, text.len()), (3, 4));
        assert_eq!(index.line_count(), 3);
    }

    #[test]
    fn span_slices_and_shifts() {
        let s = Span::new(2, 5);
        assert_eq!(s.slice("abcdefg"), "cde");
        assert_eq!(s.shift(1), Span::new(3, 6));
        assert_eq!(s.len(), 3);
        assert!(!s.is_empty());
        assert_eq!(s.to_string(), "2..5");
    }
}
