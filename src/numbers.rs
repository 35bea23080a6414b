//! Numbers written in digits, found in French or English text and reduced to values that can
//! be compared across the two locales.
//!
//! [`extract`] finds each number with its byte span and the text as written, and gives it a
//! comparable [`Value`]: `3,5` and `3.5` are both 3.5; `1 000` (with a space, a no-break or
//! a narrow no-break space), `1.000` and `1,000` are 1000; `14 h 30`, `14:30` and `2:30 p.m.`
//! are the time 14:30; `50e`, `50th`, `1er` and `1st` are ordinals of 50 and 1; in `4,20 €`
//! and `€4.20` the amount is 4.2 (units and currency signs are not compared). When a form is
//! ambiguous (`1,000` in French text, `14 h` which may be a time or a duration) the number
//! carries a second reading, and [`Number::matches`] accepts either.
//!
//! [`words`] finds small numbers spelled out in letters (`four`, `quatre`, `twenty`), which a
//! translator may legitimately write for digits. Signs, fractions, Roman numerals and
//! numbers in other scripts are left alone. This module knows nothing about segments,
//! glossaries or findings.

use std::fmt;

use crate::text::{Lang, Span};

/// A comparable value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// A quantity as a canonical decimal: ASCII digits with no leading zeros (but `0`), and a
    /// `.` followed by a fraction with no trailing zeros when there is one (`1000`, `3.5`).
    Decimal(String),
    /// A time of day, in minutes after midnight.
    Time(u16),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Decimal(d) => f.write_str(d),
            Value::Time(m) => write!(f, "{:02}:{:02}", m / 60, m % 60),
        }
    }
}

/// A number found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// Where the number is, its ordinal suffix or time marker included.
    pub span: Span,
    /// The number as written.
    pub text: String,
    /// The most likely reading for the text's language.
    pub value: Value,
    /// Another reading when the form is ambiguous.
    pub alternative: Option<Value>,
    /// Written as an ordinal (`1er`, `50e`, `2nd`, `4th`).
    pub ordinal: bool,
}

impl Number {
    /// Every reading of the number, the most likely first.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        std::iter::once(&self.value).chain(self.alternative.as_ref())
    }

    /// Whether the two numbers can be read as the same value. Ordinal and cardinal forms of
    /// one value match: scraped text often loses the superscript of `50ᵉ`.
    pub fn matches(&self, other: &Number) -> bool {
        self.values().any(|v| other.values().any(|w| v == w))
    }
}

/// Numbers written in digits in `text`, in order. The language decides ambiguous separators:
/// `1,000` is a thousand in English and one (with a decimal comma) in French, with the other
/// reading as the alternative.
pub fn extract(text: &str, lang: &Lang) -> Vec<Number> {
    let mut found = Vec::new();
    extract_into(text, lang, &mut found);
    found.iter().map(|f| f.to_number(text)).collect()
}

/// A number found in a text, as [`extract_into`] and [`words_into`] give it: a [`Number`]
/// without the strings, for callers that look at every number of a large document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub span: Span,
    pub value: Val,
    pub alternative: Option<Val>,
    pub ordinal: bool,
}

impl Found {
    /// Whether the two numbers can be read as the same value; see [`Number::matches`].
    pub fn matches(&self, other: &Found) -> bool {
        self.values().any(|v| other.values().any(|w| v == w))
    }

    fn values(&self) -> impl Iterator<Item = &Val> {
        std::iter::once(&self.value).chain(self.alternative.as_ref())
    }

    pub fn to_number(&self, text: &str) -> Number {
        Number {
            span: self.span,
            text: self.span.slice(text).to_string(),
            value: self.value.to_value(),
            alternative: self.alternative.as_ref().map(Val::to_value),
            ordinal: self.ordinal,
        }
    }
}

/// A [`Value`] that does not allocate: the canonical decimal is kept inline unless it is
/// longer than any real number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    Decimal(Digits),
    Time(u16),
}

impl Val {
    fn to_value(&self) -> Value {
        match self {
            Val::Decimal(d) => Value::Decimal(d.as_str().to_string()),
            Val::Time(m) => Value::Time(*m),
        }
    }
}

/// Bytes of a canonical decimal kept inline.
const INLINE: usize = 22;

/// A canonical decimal (see [`Value::Decimal`]): inline when at most [`INLINE`] bytes, on the
/// heap otherwise, so that equal decimals always have equal representations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Digits {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Digits {
    pub fn as_str(&self) -> &str {
        match self {
            Digits::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default()
            }
            Digits::Heap(s) => s,
        }
    }

    fn of_integer(n: u32) -> Digits {
        let mut b = DigitsBuilder::default();
        let mut buf = [0u8; 10];
        let mut k = buf.len();
        let mut n = n;
        loop {
            k -= 1;
            buf[k] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in &buf[k..] {
            b.push(d);
        }
        b.finish()
    }
}

/// Writes a [`Digits`] byte by byte.
#[derive(Default)]
struct DigitsBuilder {
    len: usize,
    bytes: [u8; INLINE],
    spilled: Option<String>,
}

impl DigitsBuilder {
    fn push(&mut self, b: u8) {
        if let Some(s) = &mut self.spilled {
            s.push(char::from(b));
        } else if self.len < INLINE {
            self.bytes[self.len] = b;
            self.len += 1;
        } else {
            let mut s: String = self.bytes.iter().map(|&b| char::from(b)).collect();
            s.push(char::from(b));
            self.spilled = Some(s);
        }
    }

    fn finish(self) -> Digits {
        match self.spilled {
            Some(s) => Digits::Heap(s.into_boxed_str()),
            None => Digits::Inline {
                len: self.len as u8,
                bytes: self.bytes,
            },
        }
    }
}

/// The canonical decimal whose integer part is the digits of `int` (digit groups of `text`,
/// read one after the other) and whose fraction is the digits of `frac`: no leading zeros
/// (but `0`), no trailing zeros in the fraction, and no `.` without one.
fn decimal(text: &str, int: &[(usize, usize)], frac: Option<(usize, usize)>) -> Val {
    let bytes = text.as_bytes();
    // Real numbers fit inline whatever their zeros (with room for a `.` and a lone `0`):
    // written straight into the array, without the builder's check of every byte.
    let digits: usize =
        int.iter().map(|(a, b)| b - a).sum::<usize>() + frac.map_or(0, |(a, b)| b - a);
    if digits + 2 <= INLINE {
        let mut out = [0u8; INLINE];
        let mut n = 0;
        for &(a, b) in int {
            for &d in &bytes[a..b] {
                if n == 0 && d == b'0' {
                    continue;
                }
                out[n] = d;
                n += 1;
            }
        }
        if n == 0 {
            out[0] = b'0';
            n = 1;
        }
        if let Some((a, b)) = frac {
            if let Some(last) = bytes[a..b].iter().rposition(|&d| d != b'0') {
                out[n] = b'.';
                out[n + 1..n + 2 + last].copy_from_slice(&bytes[a..a + last + 1]);
                n += 2 + last;
            }
        }
        return Val::Decimal(Digits::Inline {
            len: n as u8,
            bytes: out,
        });
    }
    let mut out = DigitsBuilder::default();
    let mut leading = true;
    for &(a, b) in int {
        for &d in &bytes[a..b] {
            if leading && d == b'0' {
                continue;
            }
            leading = false;
            out.push(d);
        }
    }
    if leading {
        out.push(b'0');
    }
    if let Some((a, b)) = frac {
        let fraction = bytes[a..b]
            .iter()
            .rposition(|&d| d != b'0')
            .map_or(&[][..], |last| &bytes[a..a + last + 1]);
        if !fraction.is_empty() {
            out.push(b'.');
            for &d in fraction {
                out.push(d);
            }
        }
    }
    Val::Decimal(out.finish())
}

/// Numbers written in digits in `text`, in order, appended to `out`; see [`extract`].
pub(crate) fn extract_into(text: &str, lang: &Lang, out: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(digit) = find_digit(bytes, i) {
        i = scan_number(text, digit, lang, out);
    }
}

/// Where the first ASCII digit at or after `from` is: eight bytes at a time, a byte being a
/// digit when it is below 0x80, adding 0x50 to its low seven bits sets their high bit (at
/// least `0`) and adding 0x46 does not (at most `9`).
#[inline]
pub(crate) fn find_digit(bytes: &[u8], from: usize) -> Option<usize> {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let low = x & LOW;
        let digits = low.wrapping_add(0x5050_5050_5050_5050)
            & !low.wrapping_add(0x4646_4646_4646_4646)
            & !x
            & HIGH;
        if digits != 0 {
            return Some(i + (digits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let rest = bytes.get(i..).unwrap_or_default();
    rest.iter().position(u8::is_ascii_digit).map(|k| i + k)
}

/// Spaces that may separate groups of thousands: space, no-break space, narrow no-break
/// space, thin space.
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

fn digits_at(bytes: &[u8], i: usize) -> usize {
    bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count()
}

/// Scans the number starting at byte `start` (an ASCII digit), pushes what it finds and
/// returns the byte offset where scanning goes on.
fn scan_number(text: &str, start: usize, lang: &Lang, out: &mut Vec<Found>) -> usize {
    let bytes = text.as_bytes();
    let first = digits_at(bytes, start);
    let mut end = start + first;

    if let Some((minutes, stop, alternative)) = time_at(text, start, end, lang.profile()) {
        push(
            out,
            Span::new(start, stop),
            Val::Time(minutes),
            alternative,
            false,
        );
        return stop;
    }

    // Digit groups and the single separators between them, on the stack: numbers are
    // frequent in large documents. Sixteen groups is more than any real number has.
    let mut group_buf = [(0usize, 0usize); 16];
    let mut sep_buf = [' '; 15];
    group_buf[0] = (start, end);
    let mut n = 1;
    while let Some(c) = text[end..].chars().next() {
        if n == group_buf.len() {
            break;
        }
        let (groups, seps) = (&group_buf[..n], &sep_buf[..n - 1]);
        if !(matches!(c, ',' | '.' | '\'') || is_group_space(c)) {
            break;
        }
        let next = end + c.len_utf8();
        if next >= bytes.len() || !bytes[next].is_ascii_digit() {
            break;
        }
        let len = digits_at(bytes, next);
        if is_group_space(c) || c == '\'' {
            // A space only groups thousands: "1 000", never "en 2019 300 personnes".
            let thousands_so_far = groups[0].1 - groups[0].0 <= 3
                && seps.iter().all(|s| *s == 'S')
                && groups[1..].iter().all(|(a, b)| b - a == 3);
            if len != 3 || !thousands_so_far {
                break;
            }
            sep_buf[n - 1] = 'S';
        } else {
            sep_buf[n - 1] = c;
        }
        group_buf[n] = (next, next + len);
        n += 1;
        end = next + len;
    }
    let (groups, seps) = (&group_buf[..n], &sep_buf[..n - 1]);

    let readings = interpret(text, groups, seps, lang);
    match readings {
        Some((value, alternative)) => {
            let (stop, ordinal) = ordinal_suffix(text, end, seps.is_empty(), lang);
            push(out, Span::new(start, stop), value, alternative, ordinal);
            stop
        }
        None => {
            // Not one number ("1.2.3", "15.05.2025"): each group stands alone.
            for &(a, b) in groups {
                push(
                    out,
                    Span::new(a, b),
                    decimal(text, &[(a, b)], None),
                    None,
                    false,
                );
            }
            end
        }
    }
}

fn push(out: &mut Vec<Found>, span: Span, value: Val, alternative: Option<Val>, ordinal: bool) {
    let alternative = alternative.filter(|a| *a != value);
    out.push(Found {
        span,
        value,
        alternative,
        ordinal,
    });
}

/// Readings of digit groups joined by separators (`S` stands for a space), or `None` when
/// they do not form one number.
fn interpret(
    text: &str,
    groups: &[(usize, usize)],
    seps: &[char],
    lang: &Lang,
) -> Option<(Val, Option<Val>)> {
    let thousands_shape = |upto: usize| {
        groups[0].1 - groups[0].0 <= 3 && groups[1..upto].iter().all(|(a, b)| b - a == 3)
    };
    let n = groups.len();
    if n == 1 {
        return Some((decimal(text, groups, None), None));
    }
    let last = seps[n - 2];
    let before = &seps[..n - 2];
    let uniform = seps.iter().all(|s| *s == seps[0]);

    if uniform && seps[0] == 'S' {
        return Some((decimal(text, groups, None), None));
    }
    if n == 2 {
        let decimal_reading = decimal(text, &groups[..1], Some(groups[1]));
        if !thousands_shape(2) {
            return Some((decimal_reading, None));
        }
        // "1,000" or "1.000": which one is the decimal mark depends on the locale.
        let thousand = decimal(text, groups, None);
        let comma_is_decimal = lang.profile().decimal_comma;
        let decimal_first = (last == ',') == comma_is_decimal;
        return Some(if decimal_first {
            (decimal_reading, Some(thousand))
        } else {
            (thousand, Some(decimal_reading))
        });
    }
    if uniform {
        // "1,000,000", "1.000.000", or not one number ("1.2.3").
        return thousands_shape(n).then(|| (decimal(text, groups, None), None));
    }
    // A decimal mark after groups of thousands: "1 000,5", "1,000.25", "1.000,5".
    let grouped = before.iter().all(|s| *s == before[0]) && before[0] != last && last != 'S';
    (grouped && thousands_shape(n - 1))
        .then(|| (decimal(text, &groups[..n - 1], Some(groups[n - 1])), None))
}

/// A time of day starting with the digits `start..end`: `14:30`, `14 h 30`, `14h`, `14
/// heures`, `2:30 p.m.`, `2 pm`. Returns minutes after midnight, where the time ends, and the
/// plain-number reading when the form may also be a duration (`24 h`, `3 heures`).
fn time_at(
    text: &str,
    start: usize,
    end: usize,
    profile: &crate::lang::Profile,
) -> Option<(u16, usize, Option<Val>)> {
    let bytes = text.as_bytes();
    if end - start > 2 {
        return None;
    }
    let hour: u16 = text[start..end].parse().ok()?;
    let mut minute = None;
    let mut pos = end;
    // "14:30"
    if bytes.get(pos) == Some(&b':') && digits_at(bytes, pos + 1) == 2 {
        minute = Some(text[pos + 1..pos + 3].parse::<u16>().ok()?);
        pos += 3;
    }
    if let Some((stop, pm)) = meridiem(text, pos) {
        if !(1..=12).contains(&hour) || minute.is_some_and(|m| m >= 60) {
            return None;
        }
        let hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
        return Some((hour * 60 + minute.unwrap_or(0), stop, None));
    }
    if let Some(m) = minute {
        return (hour <= 24 && m < 60).then_some((hour * 60 + m, pos, None));
    }
    if hour > 24 {
        return None;
    }
    hour_word(text, hour, (start, end), profile)
}

/// The rest of [`time_at`]: a time written with one of the language's hour words
/// ([`crate::lang::Profile::hour_words`]): after the hour, with minutes glued to it or after a
/// space ("14 h 30", "14h30", "14 Uhr 30"), or after minutes and a period ("14.30 Uhr").
fn hour_word(
    text: &str,
    hour: u16,
    (start, end): (usize, usize),
    profile: &crate::lang::Profile,
) -> Option<(u16, usize, Option<Val>)> {
    let bytes = text.as_bytes();
    let word_ends = |at: usize| !text[at..].chars().next().is_some_and(char::is_alphanumeric);
    let after_space = |p: usize| {
        text[p..]
            .chars()
            .next()
            .filter(|c| is_group_space(*c))
            .map_or(p, |c| p + c.len_utf8())
    };
    // Two digits of minutes at `at`, ending a word.
    let minutes_at = |at: usize| -> Option<u16> {
        (digits_at(bytes, at) == 2 && word_ends(at + 2))
            .then(|| text[at..at + 2].parse().ok())
            .flatten()
    };
    // The hour words at `p` (after an optional space), with where each ends. Every word is
    // tried: "h" also begins "heures", and only a word that ends where the text's word ends
    // (or meets minutes) counts.
    let words = move |p: usize| {
        let p = after_space(p);
        profile
            .hour_words
            .iter()
            .filter(move |w| bytes[p..].starts_with(w.word.as_bytes()))
            .map(move |w| (p + w.word.len(), w))
    };
    // "14.30 Uhr": minutes before the word.
    if bytes.get(end) == Some(&b'.') {
        if let Some(m) = minutes_at(end + 1).filter(|m| *m < 60) {
            let word = words(end + 3).find(|&(stop, w)| w.after_minutes && word_ends(stop));
            if let Some((stop, _)) = word {
                return Some((hour * 60 + m, stop, None));
            }
        }
    }
    for (after, w) in words(end) {
        // "14h30": glued minutes must be minutes.
        if let Some(m) = minutes_at(after) {
            return (m < 60).then_some((hour * 60 + m, after + 2, None));
        }
        // "14 h 30"; "14 h 75" is the hour and another number.
        let q = after_space(after);
        if let Some(m) = minutes_at(q).filter(|m| q > after && *m < 60) {
            return Some((hour * 60 + m, q + 2, None));
        }
        if word_ends(after) {
            let plain = w.duration.then(|| decimal(text, &[(start, end)], None));
            return Some((hour * 60, after, plain));
        }
    }
    None
}

/// An English a.m./p.m. marker at `pos`, after an optional space: where it ends and whether
/// it is p.m.
fn meridiem(text: &str, pos: usize) -> Option<(usize, bool)> {
    let mut p = pos;
    if let Some(c) = text[p..].chars().next().filter(|c| is_group_space(*c)) {
        p += c.len_utf8();
    }
    let rest = &text[p..];
    // Most numbers are followed by something else: tell at once.
    if !matches!(rest.as_bytes().first(), Some(b'a' | b'A' | b'p' | b'P')) {
        return None;
    }
    for form in ["a.m.", "p.m.", "a.m", "p.m", "am", "pm"] {
        let Some(head) = rest.get(..form.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(form) {
            continue;
        }
        let tail = &rest[form.len()..];
        if tail.chars().next().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let pm = head.as_bytes()[0].eq_ignore_ascii_case(&b'p');
        return Some((p + form.len(), pm));
    }
    None
}

/// The most characters an ordinal suffix has.
const ORDINAL_SUFFIX_CHARS: usize = 4;

/// An ordinal suffix glued to an integer at `pos` (`1er`, `50e`, `2nd`, `4th`, `XIXᵉ`).
fn ordinal_suffix(text: &str, pos: usize, integer: bool, lang: &Lang) -> (usize, bool) {
    let suffixes = lang.profile().ordinal_suffixes;
    if !integer || suffixes.is_empty() {
        return (pos, false);
    }
    let rest = &text[pos..];
    let len: usize = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .map(char::len_utf8)
        .sum();
    if len == 0
        || rest[len..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
    {
        return (pos, false);
    }
    // Lower-cased on the stack: no character lower-cases to fewer characters, so a word of
    // more characters than any suffix is none.
    let word = &rest[..len];
    if word.chars().nth(ORDINAL_SUFFIX_CHARS).is_some() {
        return (pos, false);
    }
    let mut lower = [0u8; ORDINAL_SUFFIX_CHARS * 3 * 4];
    let mut n = 0;
    for c in word.chars().flat_map(char::to_lowercase) {
        n += c.encode_utf8(&mut lower[n..]).len();
    }
    if suffixes.iter().any(|s| s.as_bytes() == &lower[..n]) {
        (pos + len, true)
    } else {
        (pos, false)
    }
}

/// Small numbers spelled out in letters (`four`, `quatre`, `twenty`, `fifth`), each as a
/// [`Number`] with a decimal value, from the language profile's
/// [`number_words`](crate::lang::Profile::number_words); languages without them give nothing.
pub fn words(text: &str, lang: &Lang) -> Vec<Number> {
    let mut found = Vec::new();
    words_into(text, lang, &mut found);
    found.iter().map(|f| f.to_number(text)).collect()
}

/// Numbers spelled out in letters in `text`, appended to `out`; see [`words`].
pub(crate) fn words_into(text: &str, lang: &Lang, out: &mut Vec<Found>) {
    let table = lang.profile().number_words;
    if table.is_empty() {
        return;
    }
    let mut lower = String::new();
    for (start, word) in words_of(text) {
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        if let Some((_, n)) = table.iter().find(|(w, _)| *w == lower) {
            out.push(Found {
                span: Span::new(start, start + word.len()),
                value: Val::Decimal(Digits::of_integer(*n)),
                alternative: None,
                ordinal: false,
            });
        }
    }
}

fn words_of(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

#[cfg(test)]
mod tests {

    use super::*;

    fn values(text: &str, lang: Lang) -> Vec<String> {
        extract(text, &lang)
            .iter()
            .map(|n| match &n.alternative {
                Some(a) => format!("{}|{}", n.value, a),
                None => n.value.to_string(),
            })
            .collect()
    }

    fn same(fr: &str, en: &str) -> bool {
        let a = extract(fr, &Lang::Fr);
        let b = extract(en, &Lang::En);
        assert_eq!(a.len(), 1, "{fr}: {a:?}");
        assert_eq!(b.len(), 1, "{en}: {b:?}");
        a[0].matches(&b[0])
    }

    #[test]
    fn equal_values_across_locales() {
        let table = [
            ("3,5", "3.5"),
            ("1 000", "1,000"),
            ("1\u{a0}000", "1,000"),
            ("1\u{202f}000", "1,000"),
            ("1.000", "1,000"),
            ("2 500 000", "2,500,000"),
            ("1 000,50", "1,000.5"),
            ("14 h 30", "14:30"),
            ("14h30", "2:30 p.m."),
            ("14 h", "2 pm"),
            ("14\u{a0}h\u{a0}30", "2:30 PM"),
            ("à 14 heures", "14 hours"),
            ("0 h 15", "12:15 a.m."),
            ("50e", "50th"),
            ("50ᵉ", "50th"),
            ("1er", "1st"),
            ("1re", "1st"),
            ("2nd", "2nd"),
            ("4,20 €", "€4.20"),
            ("50anniversaire", "50th"),
            ("05", "5"),
            ("10 %", "10%"),
        ];
        for (fr, en) in table {
            assert!(same(fr, en), "{fr} should equal {en}");
        }
    }

    #[test]
    fn different_values_stay_different() {
        let table = [
            ("3,5", "35"),
            ("1 000", "100"),
            ("14 h 30", "2:30 a.m."),
            ("50e", "15th"),
            ("4,20 €", "€4.02"),
            ("1 000", "1.001"),
        ];
        for (fr, en) in table {
            assert!(!same(fr, en), "{fr} should differ from {en}");
        }
    }

    #[test]
    fn separators_that_do_not_group_thousands() {
        assert_eq!(values("en 2019 300 personnes", Lang::Fr), ["2019", "300"]);
        assert_eq!(values("1.2.3", Lang::En), ["1", "2", "3"]);
        assert_eq!(values("le 15.05.2025", Lang::Fr), ["15", "5", "2025"]);
        assert_eq!(values("2025-05", Lang::Fr), ["2025", "5"]);
        assert_eq!(values("Il a 4 ans.", Lang::Fr), ["4"]);
        assert_eq!(values("+972 Magazine", Lang::En), ["972"]);
        assert_eq!(values("1 00", Lang::Fr), ["1", "0"]);
        assert_eq!(values("fin 4. Puis", Lang::Fr), ["4"]);
        assert_eq!(values("3:2", Lang::En), ["3", "2"]);
    }

    #[test]
    fn ambiguous_separators_carry_both_readings() {
        assert_eq!(values("1,000", Lang::En), ["1000|1"]);
        assert_eq!(values("1,000", Lang::Fr), ["1|1000"]);
        assert_eq!(values("1.000", Lang::Fr), ["1000|1"]);
        assert_eq!(values("3.25", Lang::Fr), ["3.25"]);
        assert_eq!(values("14 h", Lang::Fr), ["14:00|14"]);
    }

    #[test]
    fn spans_and_texts_point_into_the_original() {
        let text = "Été : 4,20 € à 14\u{a0}h\u{a0}30, le 1er mai, 1\u{202f}000 fois.";
        let numbers = extract(text, &Lang::Fr);
        let written: Vec<&str> = numbers.iter().map(|n| n.span.slice(text)).collect();
        assert_eq!(
            written,
            ["4,20", "14\u{a0}h\u{a0}30", "1er", "1\u{202f}000"]
        );
        assert!(numbers.iter().all(|n| n.text == n.span.slice(text)));
        assert!(numbers[2].ordinal);
    }

    #[test]
    fn words_inside_words_are_not_ordinals_or_times() {
        assert_eq!(values("4 habitants", Lang::Fr), ["4"]);
        assert_eq!(extract("4 habitants", &Lang::Fr)[0].span, Span::new(0, 1));
        assert_eq!(values("A320neo", Lang::En), ["320"]);
        assert_eq!(values("3 pmol", Lang::En), ["3"]);
        assert!(!extract("3rdparty", &Lang::En)[0].ordinal);
    }

    #[test]
    fn spelled_out_numbers() {
        let found: Vec<String> = words("Four years, twenty-one people; the first.", &Lang::En)
            .iter()
            .map(|n| n.value.to_string())
            .collect();
        assert_eq!(found, ["4", "20", "1", "1"]);
        assert_eq!(
            words("sept mois", &Lang::Fr)[0].value,
            Value::Decimal("7".into())
        );
        // A language without a profile (Dutch) has no number words.
        assert!(words("zeven", &Lang::Other("nl".into())).is_empty());
    }

    #[test]
    fn german_decimal_commas_and_number_words() {
        let de = Lang::parse("de").unwrap();
        assert_eq!(values("3,5 Prozent", de.clone()), ["3.5"]);
        assert_eq!(values("1.000 Euro", de.clone()), ["1000|1"]);
        assert_eq!(values("1.000.000", de.clone()), ["1000000"]);
        assert_eq!(values("1.234,56 €", de.clone()), ["1234.56"]);
        // "am 3. Mai": the ordinal's period is not a decimal mark.
        assert_eq!(values("am 3. Mai 2024", de.clone()), ["3", "2024"]);
        let a = extract("3,5", &de);
        let b = extract("3.5", &Lang::En);
        assert!(a[0].matches(&b[0]));
        let found: Vec<String> = words("Zwölf Verträge, drei Rechnungen; am dritten Tag.", &de)
            .iter()
            .map(|n| n.value.to_string())
            .collect();
        assert_eq!(found, ["12", "3", "3"]);
    }

    #[test]
    fn german_times_use_the_hour_word() {
        let de = Lang::parse("de").unwrap();
        assert_eq!(values("um 14 Uhr", de.clone()), ["14:00"]);
        assert_eq!(values("um 14.30 Uhr", de.clone()), ["14:30"]);
        assert_eq!(values("um 14:30 Uhr", de.clone()), ["14:30"]);
        assert_eq!(values("um 14 Uhr 30", de.clone()), ["14:30"]);
        assert_eq!(values("um 9.05 Uhr.", de.clone()), ["09:05"]);
        // Not a time: a date, a minute count past 59, a word that only begins like one.
        assert_eq!(values("am 15.05.2025", de.clone()), ["15", "5", "2025"]);
        assert!(!values("14.75 Uhr", de.clone()).concat().contains(':'));
        assert_eq!(values("14 Uhrwerke", de.clone()), ["14"]);
        for (de_text, en) in [
            ("14.30 Uhr", "2:30 p.m."),
            ("14 Uhr", "2 pm"),
            ("9 Uhr", "9:00"),
        ] {
            let a = extract(de_text, &de);
            let b = extract(en, &Lang::En);
            assert!(
                a.len() == 1 && b.len() == 1 && a[0].matches(&b[0]),
                "{de_text} = {en}"
            );
        }
        // French hour words are French: "Uhr" is not a time there, "heures" not in German.
        assert_eq!(values("14 Uhr", Lang::Fr), ["14"]);
        assert_eq!(values("14 heures", de.clone()), ["14"]);
        assert_eq!(values("14 heures", Lang::Fr), ["14:00|14"]);
    }
    /// The extraction as first written, with a `String` for every value: the oracle the
    /// allocation-free one is compared with.
    #[test]
    fn digits_are_found_eight_bytes_at_a_time() {
        for b in 0..=255u8 {
            for len in 1..20 {
                for at in 0..len {
                    let mut bytes = vec![b'x'; len];
                    bytes[at] = b;
                    let expected = b.is_ascii_digit().then_some(at);
                    assert_eq!(find_digit(&bytes, 0), expected, "{b:#x} at {at} of {len}");
                }
            }
        }
        assert_eq!(find_digit(b"a1b2", 2), Some(3));
        assert_eq!(find_digit(b"a1", 2), None);
    }

    #[test]
    fn long_and_short_decimals_keep_their_digits() {
        let long = "1234567890123456789012345678901234567890";
        assert_eq!(values(long, Lang::En), [long]);
        assert_eq!(values(&long[..22], Lang::En), [&long[..22]]);
        assert_eq!(values(&long[..23], Lang::En), [&long[..23]]);
        assert_eq!(values("0000,5000", Lang::Fr), ["0.5"]);
        assert_eq!(values("000", Lang::Fr), ["0"]);
        assert_eq!(values("1 000 000,000", Lang::Fr), ["1000000"]);
        assert_eq!(Digits::of_integer(0).as_str(), "0");
        assert_eq!(Digits::of_integer(1000).as_str(), "1000");
        assert_eq!(Digits::of_integer(u32::MAX).as_str(), u32::MAX.to_string());
    }
}
