//! Protected tokens: the parts of a text that a translation must carry over unchanged —
//! placeholders, markup tags, URLs and e-mail addresses.
//!
//! [`scan`] finds them left to right, without overlaps (a URL inside a tag's `href` belongs
//! to the tag; a `%s` inside a URL belongs to the URL), each as a [`Token`]: its [`Kind`], its
//! byte span and a normalised [`key`](Token::key) under which two tokens are the same for a
//! translation. [`diff`] pairs the tokens of a source and of a translation by key, one to one
//! and in any order, and gives those left over. The `check` rules placeholder-mismatch,
//! markup-mismatch and url-mismatch are built on these; a translation engine can use the same
//! spans to shield tokens from machine translation.
//!
//! What counts, in short:
//! * placeholders: printf conversions (`%s`, `%d`, `%.2f`, `%-5d`, `%1$s`, `%ld`, `%zu`,
//!   `%@`), Python's `%(name)s`, Ruby's `%{name}`, Symfony's `%name%`, brace fields (`{0}`,
//!   `{name}`, `{}`, `{0:.2f}`, `{0,-10}`, `{ $var }`), the argument of an ICU or Fluent
//!   select (`{count, plural, …}` is `{count}`, whatever its translated branches say),
//!   `${var}`, and `{{name}}` in texts without single-brace fields (Mustache, i18next); `%%`,
//!   `{{` and `}}` are escapes. A `%` after a number ("95 %", "5%s"), followed by a space
//!   ("10 % en") or by a word ("%age", "%change") is plain text. [`number_printf`] and
//!   [`is_date_format`] help compare printf conversions across a source and a translation.
//! * tags: `<b>`, `</b>`, `<br/>`, `<img src="…">`, numbered `<0>…</0>`; the key keeps the
//!   lowercased name and only the `href` and `src` attributes; HTML void elements (`<br>`,
//!   `<img>`…) are self-closing. "a < b", "<3", "<<", entities, and words in angle brackets
//!   (a usage line's `<file>`: no attribute, not closed, not an element of running text)
//!   are not tags.
//! * URLs: `http`, `https`, `ftp` and `ftps` URLs and `www.` hosts, without the sentence
//!   punctuation, closing bracket or quote that follows them; scheme and host compare
//!   case-insensitively.
//! * e-mail addresses: `local@domain.tld`, the domain compared case-insensitively.
//!
//! The `may_have_*` functions tell, with one fast byte scan, that a text can have no token
//! of a kind: most prose has none, and then nothing needs scanning or allocating.

use crate::text::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A variable a program fills in: `%s`, `{name}`, `${var}`…
    Placeholder,
    /// A markup tag.
    Tag(TagForm),
    /// A web or FTP address.
    Url,
    /// An e-mail address.
    Email,
}

/// Which kind of tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagForm {
    /// `<b>`, `<a href="…">`.
    Open,
    /// `</b>`.
    Close,
    /// `<br/>`, and the HTML elements that never close (`<br>`, `<img …>`).
    SelfClosing,
}

/// A protected part of a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Token {
    pub kind: Kind,
    /// Where it is, in bytes.
    pub span: Span,
    /// What it is for comparison: two tokens with the same key are the same token, however
    /// they are written (`<br>` and `<BR />` are `<br/>`; `HTTPS://Example.COM/A` is
    /// `https://example.com/A`; `{count, plural, …}` is `{count}`).
    pub key: String,
}

impl Token {
    /// The token as written in `text`, the text it was found in.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        self.span.slice(text)
    }

    /// For a tag, its name as compared (lowercased).
    pub fn tag_name(&self) -> Option<&str> {
        match self.kind {
            Kind::Tag(_) => {
                let name = self.key.trim_start_matches(['<', '/']);
                let end = name.find([' ', '/', '>']).unwrap_or(name.len());
                Some(&name[..end])
            }
            _ => None,
        }
    }
}

/// The protected tokens of `text`, in order, not overlapping.
pub fn scan(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    scan_into(text, &mut out);
    out
}

/// Like [`scan`], appending to `out`.
pub fn scan_into(text: &str, out: &mut Vec<Token>) {
    let first = out.len();
    let b = text.as_bytes();
    let mut i = 0;
    // Where the last token ended: a token found by looking back (a URL's scheme before its
    // `:`, an e-mail's local part before its `@`) must not start before it.
    let mut done = 0;
    let mut single_braces = false;
    let mut double_braces = false;
    while let Some(off) = b[i..].iter().position(|&c| TRIGGER[c as usize]) {
        i += off;
        let step = match b[i] {
            b'%' => percent(text, i),
            b'{' => brace(text, i, done),
            b'<' => tag(text, i),
            b':' => scheme_url(text, i, done),
            b'w' | b'W' => www_url(text, i),
            b'@' => email(text, i, done),
            _ => Step::No,
        };
        match step {
            Step::Token(t) => {
                match (t.kind, t.key.starts_with("{{")) {
                    (Kind::Placeholder, true) => double_braces = true,
                    (Kind::Placeholder, false) if t.key.starts_with('{') => single_braces = true,
                    _ => {}
                }
                i = t.span.end;
                done = i;
                out.push(t);
            }
            Step::Skip(end) => i = end,
            Step::No => i += 1,
        }
    }
    // `<file>` alone: a word in angle brackets, which translations translate.
    if out[first..].iter().any(|t| bare_word(t, text)) {
        let mut closed: Vec<&str> = out[first..]
            .iter()
            .filter(|t| t.kind == Kind::Tag(TagForm::Close))
            .filter_map(Token::tag_name)
            .collect();
        closed.sort_unstable();
        let words: Vec<bool> = out[first..]
            .iter()
            .map(|t| {
                bare_word(t, text)
                    && t.tag_name()
                        .is_none_or(|n| closed.binary_search(&n).is_err())
            })
            .collect();
        let mut index = 0;
        out.retain(|_| {
            let keep = index < first || !words[index - first];
            index += 1;
            keep
        });
    }
    // `{{name}}` is Mustache's or i18next's placeholder, but in a text that also has `{0}`
    // or `{name}` it is a format string's escaped braces: literal text.
    if double_braces && single_braces {
        let mut index = 0;
        out.retain(|t| {
            let keep = index < first || !(t.kind == Kind::Placeholder && t.key.starts_with("{{"));
            index += 1;
            keep
        });
    }
}

/// Whether `text` can have a placeholder: it has a `%` or a `{`.
pub fn may_have_placeholders(text: &str) -> bool {
    memchr::memchr2(b'%', b'{', text.as_bytes()).is_some()
}

/// Whether `text` can have a tag: it has a `<`.
pub fn may_have_tags(text: &str) -> bool {
    memchr::memchr(b'<', text.as_bytes()).is_some()
}

/// Whether `text` can have a URL or an e-mail address: it has an `@`, a `://` or a `www.`
/// (in any case). One pass that stops only at `@`, `:` and `.`: three substring searches
/// cost as much as the rest of the three rules on prose.
pub fn may_have_links(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr3_iter(b'@', b':', b'.', b).any(|i| match b[i] {
        b'@' => true,
        b':' => b.get(i + 1..i + 3) == Some(b"//"),
        _ => i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"www"),
    })
}

/// The tokens of `source` (`missing`) and of `target` (`extra`), by index, that have no
/// token of the same key on the other side. Tokens are paired one to one, in any order: a
/// source with `%s` twice needs two in the target.
pub fn diff(source: &[Token], target: &[Token]) -> (Vec<usize>, Vec<usize>) {
    let mut src: Vec<usize> = (0..source.len()).collect();
    let mut tgt: Vec<usize> = (0..target.len()).collect();
    // Stable sorts: among equal keys, the first in the text pairs first.
    src.sort_by(|&a, &b| source[a].key.cmp(&source[b].key));
    tgt.sort_by(|&a, &b| target[a].key.cmp(&target[b].key));
    let (mut missing, mut extra) = (Vec::new(), Vec::new());
    let (mut s, mut t) = (0, 0);
    while s < src.len() || t < tgt.len() {
        let order = match (src.get(s), tgt.get(t)) {
            (Some(&a), Some(&b)) => source[a].key.cmp(&target[b].key),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                missing.push(src[s]);
                s += 1;
            }
            std::cmp::Ordering::Greater => {
                extra.push(tgt[t]);
                t += 1;
            }
            std::cmp::Ordering::Equal => {
                s += 1;
                t += 1;
            }
        }
    }
    missing.sort_unstable();
    extra.sort_unstable();
    (missing, extra)
}

/// How a printf conversion gets its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// By number: `%1$s`, `%2$.*1$d`.
    Numbered,
    /// The next one: `%s`, `%.*d`.
    Unnumbered,
}

/// For a printf conversion (not `%(name)s`, `%{name}` nor `%name%`), how it gets its
/// argument; `None` for any other token.
pub fn printf_numbering(token: &Token) -> Option<Numbering> {
    let rest = token.key.strip_prefix('%')?;
    if token.kind != Kind::Placeholder || rest.starts_with(['(', '{']) || rest.ends_with('%') {
        return None;
    }
    Some(if arg_number(rest.as_bytes(), 0) > 0 {
        Numbered
    } else {
        Unnumbered
    })
}

use Numbering::{Numbered, Unnumbered};

/// Gives the unnumbered printf conversions of `tokens` the numbers their order gives them
/// (`%s %.*d` is `%1$s %3$.*2$d`), as gettext reads a translation that numbers the
/// arguments of a source that does not: `%s … %s` and `%2$s … %1$s` are then the same
/// placeholders, reordered. Does nothing when some conversions are numbered already.
pub fn number_printf(tokens: &mut [Token]) {
    if tokens.iter().any(|t| printf_numbering(t) == Some(Numbered)) {
        return;
    }
    let mut next = 1;
    for t in tokens.iter_mut() {
        if printf_numbering(t) != Some(Unnumbered) {
            continue;
        }
        let b = t.key.as_bytes();
        let mut j = 1 + count(b, 1, |c| matches!(c, b'-' | b'+' | b'#' | b'0'));
        let mut spec = t.key[1..j].to_string();
        // `*` width and precision take their arguments before the value.
        if b.get(j) == Some(&b'*') {
            spec += &format!("*{next}$");
            next += 1;
            j += 1;
        } else {
            let w = count(b, j, |c| c.is_ascii_digit());
            spec += &t.key[j..j + w];
            j += w;
        }
        if b.get(j) == Some(&b'.') && b.get(j + 1) == Some(&b'*') {
            spec += &format!(".*{next}$");
            next += 1;
            j += 2;
        }
        t.key = format!("%{next}${spec}{}", &t.key[j..]);
        next += 1;
    }
}

/// Whether `text` is a strftime date format ("%a %d %b %Y", "%H:%M"): it has two
/// conversions or more, one of them only dates have (not `%m`, glibc's error message, nor
/// `%S` or `%I64d`, Windows' wide string and integer). Its `%d`, `%e` or `%A` are then parts
/// of a date, which translations rightly reorder, add or drop, rather than printf
/// placeholders.
pub fn is_date_format(text: &str) -> bool {
    let b = text.as_bytes();
    let (mut conversions, mut date_only) = (0, false);
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'%', &b[i..]) {
        let at = i + k;
        i = at + 1;
        match b.get(at + 1) {
            Some(b'%') => i = at + 2,
            Some(c) if c.is_ascii_alphabetic() => {
                if b.get(at + 2).is_some_and(|c| c.is_ascii_alphabetic()) {
                    continue;
                }
                conversions += 1;
                date_only |= b"HMYBbZTyjRDk".contains(c);
            }
            _ => {}
        }
    }
    date_only && conversions >= 2
}

/// What a recogniser made of the text at a trigger byte.
enum Step {
    Token(Token),
    /// An escape (`%%`, `{{`): go on after it.
    Skip(usize),
    No,
}

/// The bytes where a token can be recognised.
static TRIGGER: [bool; 256] = crate::text::byte_set(b"%{<:wW@");

fn token(kind: Kind, start: usize, end: usize, key: String) -> Step {
    Step::Token(Token {
        kind,
        span: Span::new(start, end),
        key,
    })
}

/// The printf conversion letters (`%@` is Objective-C's object).
const CONVERSIONS: &[u8] = b"diouxXfFeEgGaAcspn@";

/// A placeholder starting with `%` at `i`.
fn percent(text: &str, i: usize) -> Step {
    let b = text.as_bytes();
    let mut j = i + 1;
    match b.get(j) {
        Some(b'%') => return Step::Skip(i + 2),
        Some(b'(') => return python_named(text, i),
        Some(b'{') => {
            // Ruby's %{name}.
            return match ident_end(text, j + 1) {
                Some(e) if b.get(e) == Some(&b'}') => {
                    token(Kind::Placeholder, i, e + 1, text[i..=e].to_string())
                }
                _ => Step::No,
            };
        }
        _ => {}
    }
    // %name%: Symfony's and Windows' (%APPDATA%); "%dx%d" is printf's.
    let name = count(b, j, |c| c.is_ascii_alphanumeric() || c == b'_');
    if name >= 2
        && b[j].is_ascii_alphabetic()
        && !(name <= 3 && b"dufxXs".contains(&b[j]))
        && b.get(j + name) == Some(&b'%')
        && !after_number(text, i)
    {
        return token(
            Kind::Placeholder,
            i,
            j + name + 1,
            text[i..=j + name].to_string(),
        );
    }
    // %1$s: an argument number.
    let positional = arg_number(b, j);
    j += positional;
    // Flags: not the space flag, which would make "10 % de" a placeholder.
    j += count(b, j, |c| matches!(c, b'-' | b'+' | b'#' | b'0'));
    // Width: digits, `*` or `*2$`.
    j += if b.get(j) == Some(&b'*') {
        1 + arg_number(b, j + 1)
    } else {
        count(b, j, |c| c.is_ascii_digit())
    };
    if b.get(j) == Some(&b'.') {
        let p = if b.get(j + 1) == Some(&b'*') {
            1 + arg_number(b, j + 2)
        } else {
            count(b, j + 1, |c| c.is_ascii_digit())
        };
        if p == 0 {
            // "50 %." or "en %.": a full stop, not a precision.
            return Step::No;
        }
        j += p + 1;
    }
    let length = length_modifier(&b[j..]);
    j += length;
    let Some(&conv) = b.get(j).filter(|c| CONVERSIONS.contains(c)) else {
        return Step::No;
    };
    let end = j + 1;
    if positional == 0 && after_number(text, i) {
        // "95 %", "5%s": a percentage, as French and English write them.
        return Step::No;
    }
    if text[end..].chars().next().is_some_and(char::is_alphabetic) {
        // A word after a conversion is prose ("%age", "%change", "%share", "%-tage"), unless
        // it is a unit of one or two letters after a number or a string ("%dpx", "%.1fms",
        // "%dx%d").
        let letters = count(b, end, |c| c.is_ascii_alphabetic());
        let word_goes_on = text[end + letters..]
            .chars()
            .next()
            .is_some_and(char::is_alphabetic);
        if !(b"dufxXs".contains(&conv) && (1..=2).contains(&letters) && !word_goes_on) {
            return Step::No;
        }
    }
    let mut key = text[i..end].to_string();
    if length == 1 && b[j - 1] == b'l' && b"fFeEgGaA".contains(&conv) {
        // %lf is %f.
        key.remove(key.len() - 2);
    }
    token(Kind::Placeholder, i, end, key)
}

/// The length of an argument number (`2$`) at `j`, or 0.
fn arg_number(b: &[u8], j: usize) -> usize {
    let digits = count(b, j, |c| c.is_ascii_digit());
    if digits > 0 && b.get(j + digits) == Some(&b'$') {
        digits + 1
    } else {
        0
    }
}

/// Python's `%(name)s`, with its flags, width and precision.
fn python_named(text: &str, i: usize) -> Step {
    let b = text.as_bytes();
    let name = count(b, i + 2, |c| c.is_ascii_alphanumeric() || c == b'_');
    let mut j = i + 2 + name;
    if name == 0 || b.get(j) != Some(&b')') {
        return Step::No;
    }
    j += 1;
    j += count(b, j, |c| matches!(c, b'-' | b'+' | b'#' | b'0' | b' '));
    j += count(b, j, |c| c.is_ascii_digit());
    if b.get(j) == Some(&b'.') {
        j += 1 + count(b, j + 1, |c| c.is_ascii_digit());
    }
    match b.get(j) {
        Some(c) if b"diouxXeEfFgGcrsa".contains(c) => {
            token(Kind::Placeholder, i, j + 1, text[i..=j].to_string())
        }
        _ => Step::No,
    }
}

/// The length of a printf length modifier at the start of `b` (`l`, `ll`, `z`, `I64`…).
fn length_modifier(b: &[u8]) -> usize {
    for m in [
        &b"hh"[..],
        b"ll",
        b"I64",
        b"I32",
        b"h",
        b"l",
        b"L",
        b"q",
        b"j",
        b"z",
        b"Z",
        b"t",
    ] {
        // Only when a conversion follows: "%las" is not `%l` + "as".
        if b.starts_with(m) && b.get(m.len()).is_some_and(|c| CONVERSIONS.contains(c)) {
            return m.len();
        }
    }
    0
}

/// Whether the `%` at `i` follows a digit, directly or after one space: a percentage.
fn after_number(text: &str, i: usize) -> bool {
    let before = text[..i].strip_suffix([' ', '\u{a0}', '\u{202f}', '\u{2009}']);
    before
        .unwrap_or(&text[..i])
        .as_bytes()
        .last()
        .is_some_and(|c| c.is_ascii_digit())
}

/// How many bytes from `j` on satisfy `f`.
fn count(b: &[u8], j: usize, f: impl Fn(u8) -> bool) -> usize {
    b.get(j..)
        .map_or(0, |rest| rest.iter().take_while(|&&c| f(c)).count())
}

/// Where a field name starting at `j` ends: letters, digits, `_`, and `.`, `-`, `[`, `]`
/// after the first character (`user.name`, `items[0]`); `None` when there is none.
fn ident_end(text: &str, j: usize) -> Option<usize> {
    let rest = text.get(j..)?;
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphanumeric() || c == '_' => {}
        _ => return None,
    }
    let len = chars
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']')))
        .map_or(rest.len(), |(k, _)| k);
    Some(j + len)
}

/// The end of spaces and tabs from `j`.
fn skip_blanks(b: &[u8], j: usize) -> usize {
    j + count(b, j, |c| c == b' ' || c == b'\t')
}

/// ICU MessageFormat argument types: `{count, plural, …}` and the like.
const ICU_TYPES: &[&str] = &[
    "plural",
    "select",
    "selectordinal",
    "number",
    "date",
    "time",
    "spellout",
    "ordinal",
    "duration",
    "choice",
];

/// The longest field a brace placeholder may have, and the longest ICU or Fluent block.
const MAX_FIELD: usize = 64;
const MAX_BLOCK: usize = 4096;

/// A brace placeholder at `i`: `{…}`, `{{name}}`, and `${…}` when a `$` is just before.
fn brace(text: &str, i: usize, done: usize) -> Step {
    let b = text.as_bytes();
    if i > done && b[i - 1] == b'$' {
        // ${var}, ${user.name}, ${count + 1}.
        let body = &b[i + 1..b.len().min(i + 1 + MAX_FIELD)];
        return match body.iter().position(|&c| matches!(c, b'}' | b'{' | b'\n')) {
            Some(k) if body[k] == b'}' && !text[i + 1..i + 1 + k].trim().is_empty() => {
                let end = i + 2 + k;
                let key = format!("${{{}}}", text[i + 1..end - 1].trim());
                token(Kind::Placeholder, i - 1, end, key)
            }
            _ => Step::No,
        };
    }
    if b.get(i + 1) == Some(&b'{') {
        return double_brace(text, i);
    }
    let j = skip_blanks(b, i + 1);
    match b.get(j) {
        // {}: the next argument (Python, Rust, SLF4J).
        Some(b'}') if j == i + 1 => return token(Kind::Placeholder, i, j + 1, "{}".into()),
        // {:>10}: the next argument, formatted.
        Some(b':') if j == i + 1 => {
            return match format_spec_end(b, j) {
                Some(e) => token(Kind::Placeholder, i, e, text[i..e].to_string()),
                None => Step::No,
            }
        }
        // Fluent: { $var } and { $var -> … }.
        Some(b'$') => {
            let Some(e) = ident_end(text, j + 1) else {
                return Step::No;
            };
            let key = format!("{{{}}}", &text[j..e]);
            let k = skip_blanks(b, e);
            return match b.get(k) {
                Some(b'}') => token(Kind::Placeholder, i, k + 1, key),
                Some(b'-') if b.get(k + 1) == Some(&b'>') => match block_end(b, i) {
                    Some(end) => token(Kind::Placeholder, i, end, key),
                    None => Step::No,
                },
                _ => Step::No,
            };
        }
        _ => {}
    }
    let Some(e) = ident_end(text, j) else {
        return Step::No;
    };
    let name = &text[j..e];
    let k = skip_blanks(b, e);
    match b.get(k) {
        Some(b'}') => token(Kind::Placeholder, i, k + 1, format!("{{{name}}}")),
        // {0:.2f}, {name!r}, {name!r:>10}.
        Some(b':') | Some(b'!') => {
            let mut m = k;
            if b[m] == b'!' {
                if !b.get(m + 1).is_some_and(|c| b"rsa".contains(c)) {
                    return Step::No;
                }
                m += 2;
            }
            let end = match b.get(m) {
                Some(b'}') => m + 1,
                Some(b':') => match format_spec_end(b, m) {
                    Some(end) => end,
                    None => return Step::No,
                },
                _ => return Step::No,
            };
            let key = format!("{{{name}{}", &text[k..end]);
            token(Kind::Placeholder, i, end, key)
        }
        Some(b',') => {
            let m = skip_blanks(b, k + 1);
            // {count, plural, …}: the argument is the placeholder; its branches are text.
            let word = count(b, m, |c| c.is_ascii_lowercase());
            if word > 0 && ICU_TYPES.contains(&&text[m..m + word]) {
                let after = skip_blanks(b, m + word);
                if matches!(b.get(after), Some(b',') | Some(b'}')) {
                    return match block_end(b, i) {
                        Some(end) => token(Kind::Placeholder, i, end, format!("{{{name}}}")),
                        None => Step::No,
                    };
                }
                return Step::No;
            }
            // .NET's alignment: {0,10}, {0,-10:N2}.
            let minus = usize::from(b.get(m) == Some(&b'-'));
            let digits = count(b, m + minus, |c| c.is_ascii_digit());
            if digits == 0 {
                return Step::No;
            }
            let n = skip_blanks(b, m + minus + digits);
            let end = match b.get(n) {
                Some(b'}') => n + 1,
                Some(b':') => match format_spec_end(b, n) {
                    Some(end) => end,
                    None => return Step::No,
                },
                _ => return Step::No,
            };
            let key = format!("{{{name},{}{}", &text[m..m + minus + digits], &text[n..end]);
            token(Kind::Placeholder, i, end, key)
        }
        _ => Step::No,
    }
}

/// `{{name}}` or `{{ name }}` at `i`; otherwise `{{` is an escaped brace.
fn double_brace(text: &str, i: usize) -> Step {
    let b = text.as_bytes();
    let j = skip_blanks(b, i + 2);
    if let Some(e) = ident_end(text, j).filter(|&e| e - j <= MAX_FIELD) {
        let k = skip_blanks(b, e);
        if b.get(k..k + 2) == Some(b"}}") {
            let key = format!("{{{{{}}}}}", &text[j..e]);
            return token(Kind::Placeholder, i, k + 2, key);
        }
    }
    Step::Skip(i + 2)
}

/// The end (after its `}`) of a format spec starting with the `:` at `j`: no braces, no line
/// break, at most [`MAX_FIELD`] bytes.
fn format_spec_end(b: &[u8], j: usize) -> Option<usize> {
    let body = &b[j + 1..b.len().min(j + 1 + MAX_FIELD)];
    let k = body
        .iter()
        .position(|&c| matches!(c, b'}' | b'{' | b'\n'))?;
    (body[k] == b'}').then_some(j + 2 + k)
}

/// The end (after its `}`) of the brace block opening at `i`, its nested braces balanced.
fn block_end(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, &c) in b[i..b.len().min(i + MAX_BLOCK)].iter().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + k + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The longest tag recognised, in bytes.
const MAX_TAG: usize = 2048;

/// HTML elements that have no closing tag: `<br>` is `<br/>`.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The attributes a translation must keep as they are; the others (`title`, `alt`,
/// `class`…) may be translated or changed.
const KEPT_ATTRIBUTES: &[&str] = &["href", "src"];

/// HTML attributes written without a value; any other attribute needs one, so that
/// "<new host name>" is not a tag.
const BOOLEAN_ATTRIBUTES: &[&str] = &[
    "allowfullscreen",
    "async",
    "autofocus",
    "autoplay",
    "checked",
    "controls",
    "default",
    "defer",
    "disabled",
    "download",
    "hidden",
    "inert",
    "ismap",
    "itemscope",
    "loop",
    "multiple",
    "muted",
    "nomodule",
    "novalidate",
    "nowrap",
    "open",
    "playsinline",
    "readonly",
    "required",
    "reversed",
    "selected",
];

/// The HTML elements of running text: written bare and left open (`<b>` in a segment that
/// stops before its `</b>`, `<p>`, `<br>`), they are still markup. Any other name written
/// bare and left open is a word in angle brackets, like the `<file>` or `<object>` of a
/// usage line, which translations translate.
const MARKUP_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "col",
    "colgroup",
    "dd",
    "del",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "nobr",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "wbr",
];

/// Whether `t` is a tag of `text` written bare (`<file>`: no attribute, not closing nor
/// self-closing) with a name that is not one of [`MARKUP_ELEMENTS`] nor a number.
fn bare_word(t: &Token, text: &str) -> bool {
    let Kind::Tag(form) = t.kind else {
        return false;
    };
    let name = t.tag_name().unwrap_or("");
    form != TagForm::Close
        && !t
            .text(text)
            .contains(|c: char| c.is_whitespace() || c == '/')
        && !MARKUP_ELEMENTS.contains(&name)
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// A tag at `i`.
fn tag(text: &str, i: usize) -> Step {
    let mut limit = text.len().min(i + MAX_TAG);
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let b = &text.as_bytes()[..limit];
    let close = b.get(i + 1) == Some(&b'/');
    let n = i + 1 + usize::from(close);
    let name_len = match b.get(n) {
        // Names in any script: <fichier>, <répertoire>.
        Some(c) if !c.is_ascii_digit() => name_length(text, n, b.len(), char::is_alphabetic),
        // <0>, </0>, <1/>: numbered tags (react-i18next), never with attributes.
        Some(_) => {
            let d = count(b, n, |c| c.is_ascii_digit());
            let after = &b[n + d..];
            if !(after.starts_with(b">") || (!close && after.starts_with(b"/>"))) {
                return Step::No;
            }
            d
        }
        None => return Step::No,
    };
    if name_len == 0 {
        return Step::No;
    }
    let name = text[n..n + name_len].to_lowercase();
    let mut j = n + name_len;
    if close {
        j = skip_space(b, j);
        if b.get(j) != Some(&b'>') {
            return Step::No;
        }
        let (form, key) = if VOID_ELEMENTS.contains(&name.as_str()) {
            // </br> is read as <br>.
            (TagForm::SelfClosing, format!("<{name}/>"))
        } else {
            (TagForm::Close, format!("</{name}>"))
        };
        return token(Kind::Tag(form), i, j + 1, key);
    }
    let mut kept: Vec<(String, String)> = Vec::new();
    loop {
        let k = skip_space(b, j);
        match b.get(k) {
            Some(b'>') => {
                j = k + 1;
                let form = if VOID_ELEMENTS.contains(&name.as_str()) {
                    TagForm::SelfClosing
                } else {
                    TagForm::Open
                };
                return tag_token(i, j, form, &name, kept);
            }
            Some(b'/') if b.get(k + 1) == Some(&b'>') => {
                return tag_token(i, k + 2, TagForm::SelfClosing, &name, kept);
            }
            _ => {}
        }
        // An attribute needs a space before it.
        if k == j {
            return Step::No;
        }
        let a = name_length(text, k, b.len(), |c| {
            c.is_alphabetic() || matches!(c, '_' | ':' | '@')
        });
        if a == 0 {
            return Step::No;
        }
        let attr = text[k..k + a].to_lowercase();
        j = k + a;
        let e = skip_space(b, j);
        let mut value = None;
        if b.get(e) == Some(&b'=') {
            let v = skip_space(b, e + 1);
            match b.get(v) {
                Some(&q @ (b'"' | b'\'')) => {
                    let Some(len) = b[v + 1..].iter().position(|&c| c == q) else {
                        return Step::No;
                    };
                    value = Some(&text[v + 1..v + 1 + len]);
                    j = v + len + 2;
                }
                Some(_) => {
                    let len = count(b, v, |c| {
                        !c.is_ascii_whitespace() && !b"\"'=<>`".contains(&c)
                    });
                    if len == 0 {
                        return Step::No;
                    }
                    value = Some(&text[v..v + len]);
                    j = v + len;
                }
                None => return Step::No,
            }
        } else if !BOOLEAN_ATTRIBUTES.contains(&attr.as_str()) {
            // Words in angle brackets: "<new host name>", "<no entries>".
            return Step::No;
        }
        if let Some(v) = value.filter(|_| KEPT_ATTRIBUTES.contains(&attr.as_str())) {
            kept.push((attr, normalize_url(v.trim())));
        }
    }
}

/// The length of the tag or attribute name at `j` (before `limit`): a first character `first`
/// accepts, then letters, digits, `_`, `:`, `.`, `-`; 0 when there is none.
fn name_length(text: &str, j: usize, limit: usize, first: fn(char) -> bool) -> usize {
    let mut chars = text[j..limit.max(j)].char_indices();
    match chars.next() {
        Some((_, c)) if first(c) => {}
        _ => return 0,
    }
    chars
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | ':' | '.' | '-')))
        .map_or(limit - j, |(k, _)| k)
}

fn tag_token(
    start: usize,
    end: usize,
    form: TagForm,
    name: &str,
    mut kept: Vec<(String, String)>,
) -> Step {
    kept.sort();
    let mut key = format!("<{name}");
    for (attr, value) in kept {
        key += &format!(" {attr}=\"{value}\"");
    }
    key += if form == TagForm::SelfClosing {
        "/>"
    } else {
        ">"
    };
    token(Kind::Tag(form), start, end, key)
}

fn skip_space(b: &[u8], j: usize) -> usize {
    j + count(b, j, |c| c.is_ascii_whitespace())
}

/// The longest URL recognised, in bytes: a longer one is cut there.
const MAX_URL: usize = 4096;

/// The URL schemes recognised, lowercase.
const SCHEMES: &[&str] = &["http", "https", "ftp", "ftps"];

/// A URL whose scheme ends at the `:` at `i`.
fn scheme_url(text: &str, i: usize, done: usize) -> Step {
    let b = text.as_bytes();
    if b.get(i + 1..i + 3) != Some(b"//") {
        return Step::No;
    }
    let letters = b[done..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let start = i - letters;
    if !SCHEMES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(&text[start..i]))
    {
        return Step::No;
    }
    // "xhttp://" is not a URL starting at "http".
    if text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric())
    {
        return Step::No;
    }
    let host = i + 3;
    let end = url_end(text, host);
    let host_len = text[host..end].find(['/', '?', '#']).unwrap_or(end - host);
    if !text[host..host + host_len]
        .chars()
        .any(|c| c.is_alphanumeric())
    {
        return Step::No;
    }
    token(Kind::Url, start, end, normalize_url(&text[start..end]))
}

/// A `www.` URL at `i`.
fn www_url(text: &str, i: usize) -> Step {
    let b = text.as_bytes();
    if !(b[i..].starts_with(b"www.") || b[i..].starts_with(b"WWW.")) {
        return Step::No;
    }
    if text[..i]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '/' | '@' | '-' | '_'))
    {
        return Step::No;
    }
    let end = url_end(text, i + 4);
    let host_end = text[i..end]
        .find(['/', '?', '#', ':'])
        .map_or(end, |k| i + k);
    // www.example.com: a host of at least two more labels.
    let labels: Vec<&str> = text[i + 4..host_end].split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || !l.chars().all(|c| c.is_alphanumeric() || c == '-'))
    {
        return Step::No;
    }
    token(Kind::Url, i, end, normalize_url(&text[i..end]))
}

/// Where the URL whose host starts at `host` ends: at a space, a quote or an angle bracket,
/// without the punctuation that ends the sentence around it and without closing brackets
/// it does not open.
fn url_end(text: &str, host: usize) -> usize {
    let mut limit = text.len().min(host + MAX_URL);
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let len = text[host..limit]
        .find(|c: char| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '`' | '«' | '»' | '“' | '”' | '‘' | '’')
        })
        .unwrap_or(limit - host);
    let mut url = &text[host..host + len];
    // Brackets opened minus closed, for (), [] and {}.
    let mut depth = [0isize; 3];
    for c in url.bytes() {
        match c {
            b'(' => depth[0] += 1,
            b')' => depth[0] -= 1,
            b'[' => depth[1] += 1,
            b']' => depth[1] -= 1,
            b'{' => depth[2] += 1,
            b'}' => depth[2] -= 1,
            _ => {}
        }
    }
    while let Some(last) = url.chars().next_back() {
        let bracket = match last {
            ')' => Some(0),
            ']' => Some(1),
            '}' => Some(2),
            _ => None,
        };
        let strip = match bracket {
            // A closing bracket the URL did not open.
            Some(k) if depth[k] < 0 => {
                depth[k] += 1;
                true
            }
            Some(_) => false,
            None => matches!(last, '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '…'),
        };
        if !strip {
            break;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
    host + url.len()
}

/// A URL with its scheme and host lowercased; any other text as it is.
fn normalize_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(k) if k > 0 && url[..k].bytes().all(|c| c.is_ascii_alphabetic()) => {
            (Some(&url[..k]), &url[k + 3..])
        }
        _ if url.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("www.")) => (None, url),
        _ => return url.to_string(),
    };
    let host_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let mut key = String::with_capacity(url.len());
    if let Some(s) = scheme {
        key += &s.to_ascii_lowercase();
        key += "://";
    }
    key += &rest[..host_len].to_lowercase();
    key += &rest[host_len..];
    key
}

/// An e-mail address around the `@` at `i`.
fn email(text: &str, i: usize, done: usize) -> Step {
    let b = text.as_bytes();
    let is_local =
        |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let back = b[done..i]
        .iter()
        .rev()
        .take_while(|&&c| is_local(c))
        .count();
    let mut start = i - back;
    // A local part neither starts with a dot nor follows a letter outside ASCII.
    while start < i && b[start] == b'.' {
        start += 1;
    }
    if start == i
        || b[i - 1] == b'.'
        || text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric())
    {
        return Step::No;
    }
    // The domain: labels joined by dots, the last one letters only, two at least.
    let mut end = i + 1;
    let mut labels = 0;
    let mut last_label = (0, 0);
    loop {
        let len = text[end..]
            .find(|c: char| !(c.is_alphanumeric() || c == '-'))
            .unwrap_or(text.len() - end);
        if len == 0 {
            break;
        }
        labels += 1;
        last_label = (end, end + len);
        end += len;
        // Only a dot followed by another label belongs to the domain: the address ends
        // before a full stop.
        let next_is_label = text[end..].starts_with('.')
            && text[end + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric());
        if !next_is_label {
            break;
        }
        end += 1;
    }
    let tld = &text[last_label.0..last_label.1];
    if labels < 2 || tld.chars().count() < 2 || !tld.chars().all(|c| c.is_alphabetic()) {
        return Step::No;
    }
    let key = format!("{}@{}", &text[start..i], text[i + 1..end].to_lowercase());
    token(Kind::Email, start, end, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of `text` as (kind, as written, key).
    fn tokens(text: &str) -> Vec<(Kind, &str, String)> {
        scan(text)
            .into_iter()
            .map(|t| (t.kind, t.span.slice(text), t.key))
            .collect()
    }

    /// The keys of the tokens of `text`.
    fn keys(text: &str) -> Vec<String> {
        scan(text).into_iter().map(|t| t.key).collect()
    }

    #[test]
    fn printf_placeholders() {
        let table: &[(&str, &[&str])] = &[
            ("Hello %s!", &["%s"]),
            ("%d files", &["%d"]),
            ("Total: %.2f €", &["%.2f"]),
            ("[%-5d]", &["%-5d"]),
            ("%1$s and %2$s", &["%1$s", "%2$s"]),
            ("%ld bytes, %lld, %zu, %lu", &["%ld", "%lld", "%zu", "%lu"]),
            ("%05.1f%%", &["%05.1f"]),
            ("100%% sure of %s", &["%s"]),
            ("%(name)s has %(count)d", &["%(name)s", "%(count)d"]),
            ("%(total)5.2f", &["%(total)5.2f"]),
            ("Hi %{user}", &["%{user}"]),
            ("%@ logged in", &["%@"]),
            ("Bonjour %name%, voir %APPDATA%", &["%name%", "%APPDATA%"]),
            ("%d%", &["%d"]),
            ("%id% and %date%", &["%id%", "%date%"]),
            ("width: %dpx", &["%d"]),
            ("%dx%d pixels", &["%d", "%d"]),
            ("%dh%02d", &["%d", "%02d"]),
            ("%*d and %.*f", &["%*d", "%.*f"]),
            ("(%s)", &["%s"]),
            ("l'%s", &["%s"]),
        ];
        for (text, want) in table {
            assert_eq!(keys(text), *want, "{text}");
            assert!(scan(text).iter().all(|t| t.kind == Kind::Placeholder));
        }
    }

    #[test]
    fn percent_signs_in_prose_are_not_placeholders() {
        let table = [
            "Une hausse de 95 %.",
            "95 % des cas",
            "10 % en moyenne",
            "50 %.",
            "(100 %)",
            "de 3 % à 5 %",
            "95\u{a0}% de réussite",
            "95\u{202f}%",
            "a 5%s increase",
            "50%des voix",
            "up 5%, down 3%.",
            "en % du PIB",
            "le taux (en %) a baissé",
            "% d'augmentation",
            "the %age of voters",
            "a %change of 3",
            "the %share of sales",
            "the 95th %ile",
            "100% done",
            "% sign",
            "%",
            "50%",
            "%las",
            "le %-tage",
            "%.2fois",
        ];
        for text in table {
            assert_eq!(keys(text), [] as [String; 0], "{text}");
        }
    }

    #[test]
    fn brace_placeholders() {
        let table: &[(&str, &[&str])] = &[
            ("Hello {name}!", &["{name}"]),
            ("{0} of {1}", &["{0}", "{1}"]),
            ("{ name }", &["{name}"]),
            ("{user.name} {items[0]}", &["{user.name}", "{items[0]}"]),
            ("{}", &["{}"]),
            ("{0:.2f} {:>10}", &["{0:.2f}", "{:>10}"]),
            ("{name!r}", &["{name!r}"]),
            ("{0,-10:N2} {1,5}", &["{0,-10:N2}", "{1,5}"]),
            ("{prénom}", &["{prénom}"]),
            ("Use {{ and }} for {0}", &["{0}"]),
            ("{{{0}}}", &["{0}"]),
            ("Literal {{name}} and {0}", &["{0}"]),
            ("Hello {{name}}", &["{{name}}"]),
            ("Hello {{ name }}", &["{{name}}"]),
            ("{ $count }", &["{$count}"]),
            (
                "path ${HOME}/x and ${ user.name }",
                &["${HOME}", "${user.name}"],
            ),
            (
                "{count, plural, one {# file} other {# files}}",
                &["{count}"],
            ),
            (
                "{n, plural, =0 {none} one {{name} has one} other {many}} left",
                &["{n}"],
            ),
            ("{d, date, short}", &["{d}"]),
            ("{g, select, female {elle} other {il}}", &["{g}"]),
            (
                "{ $n ->\n [one] un fichier\n *[other] { $n } fichiers\n}",
                &["{$n}"],
            ),
        ];
        for (text, want) in table {
            assert_eq!(keys(text), *want, "{text}");
        }
    }

    #[test]
    fn braces_and_dollars_in_prose_are_not_placeholders() {
        let table = [
            "the set {1, 2, 3}",
            "{x | x > 0}",
            r#"{"a": 1}"#,
            "It costs $5 or $ 10.",
            "{",
            "}",
            "{ }",
            "${",
            "{name",
            "a {weird, thing}",
        ];
        for text in table {
            assert_eq!(keys(text), [] as [String; 0], "{text}");
        }
    }

    #[test]
    fn tags() {
        let table: &[(&str, &[&str])] = &[
            ("<b>bold</b>", &["<b>", "</b>"]),
            ("<B>x</B >", &["<b>", "</b>"]),
            ("a<br>b<br/>c<br />d<BR>", &["<br/>"; 4]),
            ("</br>", &["<br/>"]),
            (
                "<img src=\"a.png\" alt=\"Un chat\">",
                &["<img src=\"a.png\"/>"],
            ),
            (
                "<a href='https://Example.com/X' title=\"Voir\" class=x>lien</a>",
                &["<a href=\"https://example.com/X\">", "</a>"],
            ),
            ("<x id=\"1\"/>", &["<x/>"]),
            ("<g id=\"2\">x</g>", &["<g>", "</g>"]),
            ("<0>Click</0> <1/>", &["<0>", "</0>", "<1/>"]),
            ("<ph:b>x</ph:b>", &["<ph:b>", "</ph:b>"]),
        ];
        for (text, want) in table {
            assert_eq!(keys(text), *want, "{text}");
        }
        assert_eq!(
            scan("<i>a</i><br>")
                .iter()
                .map(|t| t.kind)
                .collect::<Vec<_>>(),
            [
                Kind::Tag(TagForm::Open),
                Kind::Tag(TagForm::Close),
                Kind::Tag(TagForm::SelfClosing)
            ]
        );
        assert_eq!(
            scan("<a href=\"x\">").first().and_then(Token::tag_name),
            Some("a")
        );
        assert_eq!(scan("</b>").first().and_then(Token::tag_name), Some("b"));
    }

    #[test]
    fn words_in_angle_brackets_are_not_tags() {
        let table = [
            "Usage: git notes show [<object>] --expire <time>",
            "--needs <link> <name> <path> <priority>",
            "prog [options] <new host name>",
            "<no entries>",
            "Utilisation : <fichier> <répertoire>",
            "<<Bonjour>>",
            "si x<y alors",
            "Press <Enter> or <Esc>",
            "<.deb file name>",
        ];
        for text in table {
            assert_eq!(keys(text), [] as [String; 0], "{text}");
        }
        // Markup all the same: closed, with attributes, a running-text element, a number.
        let table: &[(&str, &[&str])] = &[
            ("<name>x</name>", &["<name>", "</name>"]),
            (
                "<répertoire>x</répertoire>",
                &["<répertoire>", "</répertoire>"],
            ),
            ("<input type=\"checkbox\" checked>", &["<input/>"]),
            ("<option selected>", &["<option>"]),
            ("<span class=\"x\">début", &["<span>"]),
            ("<b>début", &["<b>"]),
            ("Un<p>Deux<li>Trois", &["<p>", "<li>"]),
            ("<0>x", &["<0>"]),
        ];
        for (text, want) in table {
            assert_eq!(keys(text), *want, "{text}");
        }
    }

    #[test]
    fn unnumbered_printf_conversions_get_their_numbers() {
        let number = |text: &str| {
            let mut tokens = scan(text);
            number_printf(&mut tokens);
            tokens.into_iter().map(|t| t.key).collect::<Vec<_>>()
        };
        assert_eq!(number("%s %d %(x)s {0}"), ["%1$s", "%2$d", "%(x)s", "{0}"]);
        assert_eq!(number("%s \"%.*s\" %-*d"), ["%1$s", "%3$.*2$s", "%5$-*4$d"]);
        assert_eq!(keys("%1$s « %3$.*2$s »"), ["%1$s", "%3$.*2$s"]);
        // Already numbered: left as it is.
        assert_eq!(number("%s %2$s"), ["%s", "%2$s"]);
        let numbering = |text: &str| scan(text).iter().map(printf_numbering).collect::<Vec<_>>();
        assert_eq!(
            numbering("%s %1$d {0} %(x)s"),
            [Some(Unnumbered), Some(Numbered), None, None]
        );
        // %lf is %f.
        assert_eq!(keys("%.1lf %lf %ld"), ["%.1f", "%f", "%ld"]);
    }

    #[test]
    fn date_formats() {
        for text in [
            "%a %b %e %H:%M:%S %Z %Y",
            "%d/%m/%Y",
            "le %A %d %B à %Hh%M",
            "%T %Z",
        ] {
            assert!(is_date_format(text), "{text}");
        }
        let table = [
            "%s a %d fichiers",
            "100%% %Here",
            "95 %",
            "%%H",
            "%s: %m",
            "%S et %s",
            "%I64d of %d",
            "Année %Y",
        ];
        for text in table {
            assert!(!is_date_format(text), "{text}");
        }
    }

    #[test]
    fn angle_brackets_in_prose_are_not_tags() {
        let table = [
            "if a < b then",
            "I <3 Paris",
            "x << 2",
            "a <= b, c >= d",
            "<-- here",
            "Tom &amp; Jerry &lt;b&gt;",
            "<!-- comment -->",
            "<?xml version=\"1.0\"?>",
            "5 <10",
            "<",
            "<b",
            "<a href=\"unterminated>",
        ];
        for text in table {
            assert_eq!(keys(text), [] as [String; 0], "{text}");
        }
    }

    #[test]
    fn urls() {
        let table: &[(&str, &[(&str, &str)])] = &[
            (
                "See https://example.com/a?b=1#c.",
                &[("https://example.com/a?b=1#c", "https://example.com/a?b=1#c")],
            ),
            (
                "(voir https://example.com/page)",
                &[("https://example.com/page", "https://example.com/page")],
            ),
            (
                "https://en.wikipedia.org/wiki/Foo_(bar), and more",
                &[(
                    "https://en.wikipedia.org/wiki/Foo_(bar)",
                    "https://en.wikipedia.org/wiki/Foo_(bar)",
                )],
            ),
            (
                "(https://en.wikipedia.org/wiki/Foo_(bar)).",
                &[(
                    "https://en.wikipedia.org/wiki/Foo_(bar)",
                    "https://en.wikipedia.org/wiki/Foo_(bar)",
                )],
            ),
            (
                "« https://exemple.fr/été »",
                &[("https://exemple.fr/été", "https://exemple.fr/été")],
            ),
            (
                "«https://exemple.fr»,",
                &[("https://exemple.fr", "https://exemple.fr")],
            ),
            (
                "HTTPS://Example.COM/Path:",
                &[("HTTPS://Example.COM/Path", "https://example.com/Path")],
            ),
            (
                "Go to www.Example.org/fr;",
                &[("www.Example.org/fr", "www.example.org/fr")],
            ),
            (
                "ftp://ftp.example.net/pub/ \"x\"",
                &[("ftp://ftp.example.net/pub/", "ftp://ftp.example.net/pub/")],
            ),
            (
                "[link](https://example.com/a)",
                &[("https://example.com/a", "https://example.com/a")],
            ),
            (
                "https://example.com/search?q=%s&x={id}",
                &[(
                    "https://example.com/search?q=%s&x={id}",
                    "https://example.com/search?q=%s&x={id}",
                )],
            ),
        ];
        for (text, want) in table {
            let got: Vec<(&str, String)> = tokens(text)
                .into_iter()
                .map(|(k, w, key)| {
                    assert_eq!(k, Kind::Url, "{text}");
                    (w, key)
                })
                .collect();
            let want: Vec<(&str, String)> = want.iter().map(|(w, k)| (*w, k.to_string())).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn not_urls() {
        let table = [
            "Note : voir plus bas",
            "http: not a URL",
            "https://",
            "xhttps://example.com",
            "awww.example.com",
            "www.example",
            "the www. prefix",
            "mailto",
            "file://x/y",
        ];
        for text in table {
            assert_eq!(keys(text), [] as [String; 0], "{text}");
        }
    }

    #[test]
    fn emails() {
        let table: &[(&str, &[(&str, &str)])] = &[
            (
                "Écrivez à contact@example.fr.",
                &[("contact@example.fr", "contact@example.fr")],
            ),
            (
                "(Jean.Dupont+news@Mail.Example.COM)",
                &[(
                    "Jean.Dupont+news@Mail.Example.COM",
                    "Jean.Dupont+news@mail.example.com",
                )],
            ),
            ("<a@b.io>", &[("a@b.io", "a@b.io")]),
            (
                "mailto:x_y@exemple.com,",
                &[("x_y@exemple.com", "x_y@exemple.com")],
            ),
        ];
        for (text, want) in table {
            let got: Vec<(&str, String)> = tokens(text)
                .into_iter()
                .map(|(k, w, key)| {
                    assert_eq!(k, Kind::Email, "{text}");
                    (w, key)
                })
                .collect();
            let want: Vec<(&str, String)> = want.iter().map(|(w, k)| (*w, k.to_string())).collect();
            assert_eq!(got, want, "{text}");
        }
        for text in [
            "@user said",
            "a @ b",
            "x@y",
            "me@localhost",
            "a@b.c",
            "1@2.34",
        ] {
            assert_eq!(keys(text), [] as [String; 0], "{text}");
        }
    }

    #[test]
    fn tokens_do_not_overlap() {
        let text = "<a href=\"https://x.com/%s\">mail me@x.com</a> at https://y.org/@me {0}";
        let got: Vec<(Kind, &str)> = tokens(text).into_iter().map(|(k, w, _)| (k, w)).collect();
        assert_eq!(
            got,
            [
                (Kind::Tag(TagForm::Open), "<a href=\"https://x.com/%s\">"),
                (Kind::Email, "me@x.com"),
                (Kind::Tag(TagForm::Close), "</a>"),
                (Kind::Url, "https://y.org/@me"),
                (Kind::Placeholder, "{0}"),
            ]
        );
    }

    #[test]
    fn diff_pairs_tokens_by_key_in_any_order() {
        let src = scan("%1$s %2$s %s %s <b>");
        let tgt = scan("%2$s %1$s %s %d <B>");
        let (missing, extra) = diff(&src, &tgt);
        assert_eq!(missing, [3]);
        assert_eq!(extra, [3]);
        let (missing, extra) = diff(&scan("{a} {a}"), &scan("{a}"));
        assert_eq!((missing, extra), (vec![1], vec![]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// On any text: tokens in order, not overlapping, on character boundaries, each
        /// found by its kind's prefilter.
        #[test]
        fn tokens_are_ordered_spans_of_the_text(
            text in "([%{}<>/@:$.,()\\[\\]'\" =!#*a-zA-Z0-9wé€\u{a0}\u{202f}-]|www\\.|https?://|%s|%1\\$d|\\{0\\}|<b>|</b>|<br/>|\\{n, plural, |a@b\\.fr|\\PC){0,40}",
        ) {
            let mut end = 0;
            for t in scan(&text) {
                proptest::prop_assert!(t.span.start >= end && t.span.end > t.span.start);
                proptest::prop_assert!(text.is_char_boundary(t.span.start));
                proptest::prop_assert!(text.is_char_boundary(t.span.end));
                end = t.span.end;
                let pre = match t.kind {
                    Kind::Placeholder => may_have_placeholders(&text),
                    Kind::Tag(_) => may_have_tags(&text),
                    Kind::Url | Kind::Email => may_have_links(&text),
                };
                proptest::prop_assert!(pre);
            }
            let _ = is_date_format(&text);
        }
    }

    #[test]
    fn long_repetitive_texts_scan_in_linear_time() {
        let started = std::time::Instant::now();
        for unit in [
            "<item>x</item>",
            "<item>",
            "(www.a..b",
            "{a, plural, ",
            "{{",
            "%1$",
            "a@b.",
            "http://x.y/(",
            "<a b='",
            "x)",
        ] {
            let text = unit.repeat(100_000 / unit.len());
            let _ = scan(&text);
        }
        assert!(started.elapsed().as_secs() < 20);
    }

    #[test]
    fn prefilters_agree_with_the_scanner() {
        for text in [
            "%s",
            "{0}",
            "${x}",
            "<b>",
            "a@b.fr",
            "https://x.fr",
            "www.x.fr",
            "WWW.X.FR",
        ] {
            let kinds: Vec<Kind> = scan(text).iter().map(|t| t.kind).collect();
            assert!(!kinds.is_empty(), "{text}");
            for k in kinds {
                let pre = match k {
                    Kind::Placeholder => may_have_placeholders(text),
                    Kind::Tag(_) => may_have_tags(text),
                    Kind::Url | Kind::Email => may_have_links(text),
                };
                assert!(pre, "{text}");
            }
        }
        let prose = "Le chiffre d'affaires a progressé de 12 % : une année record, dit-il.";
        assert!(!may_have_tags(prose) && !may_have_links(prose));
    }
}
