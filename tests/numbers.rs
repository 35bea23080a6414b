//! The number scanner (`passerelle::numbers`) against a reference: a plain, byte-by-byte
//! scanner kept here, outside the library, as the oracle for property tests. The library's
//! scanner finds digits eight bytes at a time and reuses its buffers; on any text both must
//! give the same numbers, readings and spans.

use passerelle::numbers::{extract, words};
use passerelle::text::Lang;
use proptest::prelude::*;

mod reference {
    use passerelle::numbers::{Number, Value};
    use passerelle::text::{Lang, Span};

    /// Numbers written in digits in `text`, in order. The language decides ambiguous separators:
    /// `1,000` is a thousand in English and one (with a decimal comma) in French, with the other
    /// reading as the alternative.
    pub fn extract(text: &str, lang: &Lang) -> Vec<Number> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            i = scan_number(text, i, lang, &mut out);
        }
        out
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
    fn scan_number(text: &str, start: usize, lang: &Lang, out: &mut Vec<Number>) -> usize {
        let bytes = text.as_bytes();
        let first = digits_at(bytes, start);
        let mut end = start + first;

        if let Some((minutes, stop, alternative)) = time_at(text, start, end, lang) {
            push(
                text,
                out,
                Span::new(start, stop),
                Value::Time(minutes),
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
                push(
                    text,
                    out,
                    Span::new(start, stop),
                    value,
                    alternative,
                    ordinal,
                );
                stop
            }
            None => {
                // Not one number ("1.2.3", "15.05.2025"): each group stands alone.
                for &(a, b) in groups {
                    let value = Value::Decimal(canonical(&text[a..b], ""));
                    push(text, out, Span::new(a, b), value, None, false);
                }
                end
            }
        }
    }

    fn push(
        text: &str,
        out: &mut Vec<Number>,
        span: Span,
        value: Value,
        alternative: Option<Value>,
        ordinal: bool,
    ) {
        let alternative = alternative.filter(|a| *a != value);
        out.push(Number {
            span,
            text: span.slice(text).to_string(),
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
    ) -> Option<(Value, Option<Value>)> {
        let digits = |k: usize| &text[groups[k].0..groups[k].1];
        let joined = |range: std::ops::Range<usize>| -> String { range.map(digits).collect() };
        let thousands_shape = |upto: usize| {
            groups[0].1 - groups[0].0 <= 3 && groups[1..upto].iter().all(|(a, b)| b - a == 3)
        };
        let n = groups.len();
        if n == 1 {
            return Some((Value::Decimal(canonical(digits(0), "")), None));
        }
        let last = seps[n - 2];
        let before = &seps[..n - 2];
        let uniform = seps.iter().all(|s| *s == seps[0]);

        if uniform && seps[0] == 'S' {
            return Some((Value::Decimal(canonical(&joined(0..n), "")), None));
        }
        if n == 2 {
            let decimal = Value::Decimal(canonical(digits(0), digits(1)));
            if !thousands_shape(2) {
                return Some((decimal, None));
            }
            // "1,000" or "1.000": which one is the decimal mark depends on the locale.
            let thousand = Value::Decimal(canonical(&joined(0..2), ""));
            let comma_is_decimal = lang.profile().decimal_comma;
            let decimal_first = (last == ',') == comma_is_decimal;
            return Some(if decimal_first {
                (decimal, Some(thousand))
            } else {
                (thousand, Some(decimal))
            });
        }
        if uniform {
            // "1,000,000", "1.000.000", or not one number ("1.2.3").
            return thousands_shape(n)
                .then(|| (Value::Decimal(canonical(&joined(0..n), "")), None));
        }
        // A decimal mark after groups of thousands: "1 000,5", "1,000.25", "1.000,5".
        let grouped = before.iter().all(|s| *s == before[0]) && before[0] != last && last != 'S';
        (grouped && thousands_shape(n - 1)).then(|| {
            (
                Value::Decimal(canonical(&joined(0..n - 1), digits(n - 1))),
                None,
            )
        })
    }

    /// A canonical decimal from integer and fraction digits.
    fn canonical(int: &str, frac: &str) -> String {
        let int = int.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        let mut s = String::with_capacity(int.len() + frac.len() + 2);
        s.push_str(if int.is_empty() { "0" } else { int });
        if !frac.is_empty() {
            s.push('.');
            s.push_str(frac);
        }
        s
    }

    /// A time of day starting with the digits `start..end`: `14:30`, `2:30 p.m.`, `2 pm`, and
    /// the language's hour words (`14 h 30`, `14h`, `14 heures`, `14.30 Uhr`). Returns minutes
    /// after midnight, where the time ends, and the plain-number reading when the form may
    /// also be a duration (`24 h`, `3 heures`).
    fn time_at(
        text: &str,
        start: usize,
        end: usize,
        lang: &Lang,
    ) -> Option<(u16, usize, Option<Value>)> {
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
        // The language's hour words: "14 h 30", "14h30", "14 h", "14 heures", "14.30 Uhr".
        let word_ends = |at: usize| !text[at..].chars().next().is_some_and(char::is_alphanumeric);
        let skip_space = |p: usize| match text[p..].chars().next() {
            Some(c) if is_group_space(c) => p + c.len_utf8(),
            _ => p,
        };
        let two_digit_minutes = |at: usize| -> Option<u16> {
            if digits_at(bytes, at) == 2 && word_ends(at + 2) {
                text[at..at + 2].parse().ok()
            } else {
                None
            }
        };
        let plain = Some(Value::Decimal(canonical(&text[start..end], "")));
        let words = lang.profile().hour_words;
        if bytes.get(end) == Some(&b'.') {
            if let Some(m) = two_digit_minutes(end + 1) {
                let p = skip_space(end + 3);
                for w in words {
                    let stop = p + w.word.len();
                    if m < 60 && w.after_minutes && text[p..].starts_with(w.word) && word_ends(stop)
                    {
                        return Some((hour * 60 + m, stop, None));
                    }
                }
            }
        }
        let p = skip_space(end);
        for w in words {
            if !text[p..].starts_with(w.word) {
                continue;
            }
            let after = p + w.word.len();
            if let Some(m) = two_digit_minutes(after) {
                return (m < 60).then_some((hour * 60 + m, after + 2, None));
            }
            let q = skip_space(after);
            if q > after {
                if let Some(m) = two_digit_minutes(q).filter(|m| *m < 60) {
                    return Some((hour * 60 + m, q + 2, None));
                }
            }
            if word_ends(after) {
                return Some((hour * 60, after, if w.duration { plain } else { None }));
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

    /// An ordinal suffix of the language glued to an integer at `pos` (`1er`, `50e`, `2nd`,
    /// `4th`, `XIXᵉ`).
    fn ordinal_suffix(text: &str, pos: usize, integer: bool, lang: &Lang) -> (usize, bool) {
        if !integer {
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
        let suffix = rest[..len].to_lowercase();
        if lang.profile().ordinal_suffixes.contains(&suffix.as_str()) {
            (pos + len, true)
        } else {
            (pos, false)
        }
    }

    /// Small numbers spelled out in letters (`four`, `quatre`, `twenty`, `fifth`), each as a
    /// [`Number`] with a decimal value. Only French and English are known; other languages give
    /// nothing.
    pub fn words(text: &str, lang: &Lang) -> Vec<Number> {
        let table = lang.profile().number_words;
        let mut out = Vec::new();
        let mut lower = String::new();
        for (start, word) in words_of(text) {
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            if let Some((_, n)) = table.iter().find(|(w, _)| *w == lower) {
                out.push(Number {
                    span: Span::new(start, start + word.len()),
                    text: word.to_string(),
                    value: Value::Decimal(n.to_string()),
                    alternative: None,
                    ordinal: false,
                });
            }
        }
        out
    }

    fn words_of(text: &str) -> impl Iterator<Item = (usize, &str)> {
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
    }
}

/// Text made of digits, the separators numbers use, and the words and suffixes around
/// them.
fn numeric_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "0", "1", "2", "3", "4", "5", "9", "00", "12", "14", "24", "25", "30", "59", "60", "000",
        "123", "2019", ",", ".", "'", ":", " ", "\u{a0}", "\u{202f}", "\u{2009}", "h", "H", " h ",
        "heures", "eure", "Uhr", "uhr", "am", "p.m.", "P.M", "a.m", "pm", "e", "er", "ème", "ÈME",
        "ᵉ", "ᵉʳ", "th", "nd", "st", "rd", "x", "é", "€", "-", "four", "vingt", "Twenty",
        "premier", "İ", "Σ", "ΣT", "ﬀ", "\n",
    ]);
    prop::collection::vec(pieces, 0..30).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn extraction_equals_the_reference(text in numeric_text(), which in 0..3usize) {
        let lang = [Lang::Fr, Lang::En, Lang::parse("de").unwrap()][which].clone();
        prop_assert_eq!(extract(&text, &lang), reference::extract(&text, &lang));
        prop_assert_eq!(words(&text, &lang), reference::words(&text, &lang));
        let found = extract(&text, &lang);
        let numbers = reference::extract(&text, &lang);
        for (a, b) in found.iter().zip(&numbers) {
            for (c, d) in found.iter().zip(&numbers) {
                prop_assert_eq!(a.matches(c), b.matches(d));
                prop_assert_eq!(a.value == c.value, b.value == d.value);
            }
        }
    }

    #[test]
    fn extraction_equals_the_reference_on_any_text(text in any::<String>()) {
        prop_assert_eq!(extract(&text, &Lang::Fr), reference::extract(&text, &Lang::Fr));
    }
}
