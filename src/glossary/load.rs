//! Reading glossary files: TSV and CSV with a header row, and TBX (TBX-Basic v3 and the older
//! `martif` v2 form). Every problem is reported with the file and line, and a file with any
//! problem yields no glossary at all: nothing is ever checked against half a glossary.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::normalize::Normalizer;
use super::{Case, Entry, Glossary, Kind};
use crate::error::{describe_io, show_path};
use crate::text::{Lang, LineIndex};

/// Why a glossary could not be read: `file:line: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {problem}", show_path(path), if *line > 0 { format!(":{line}") } else { String::new() })]
pub struct LoadError {
    pub path: PathBuf,
    /// 1-based line of the problem; 0 when it concerns the file as a whole.
    pub line: usize,
    pub problem: Problem,
}

/// What is wrong with a glossary file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{0}")]
    Io(String),
    #[error("invalid UTF-8 at byte {offset} (glossaries must be saved as UTF-8)")]
    Encoding { offset: usize },
    #[error("UTF-16 is not supported (glossaries must be saved as UTF-8)")]
    Utf16,
    #[error("no header row (expected columns such as: fr, en, kind, note, case)")]
    NoHeader,
    #[error(
        "unknown column '{0}' (expected a language code such as fr or en, or kind, note, case)"
    )]
    UnknownColumn(String),
    #[error("column '{0}' appears twice")]
    DuplicateColumn(String),
    #[error("the header names fewer than two languages (expected columns such as fr and en)")]
    TooFewLanguages,
    #[error("expected {expected} columns ({header}), found {found}")]
    ColumnCount {
        expected: usize,
        found: usize,
        header: String,
    },
    #[error("unknown kind '{0}' (expected term, name or forbidden)")]
    UnknownKind(String),
    #[error("unknown case '{0}' (expected sensitive or insensitive)")]
    UnknownCase(String),
    #[error("a {kind} entry needs {what}")]
    Missing { kind: Kind, what: &'static str },
    #[error("empty form in '{0}' (nothing between two '|')")]
    EmptyAlternative(String),
    #[error("'{0}' has no words to match")]
    NoWords(String),
    #[error(
        "duplicate entry '{term}' with a different rendering (line {first_line} has '{first}', this one '{this}')"
    )]
    Conflict {
        term: String,
        first_line: usize,
        first: String,
        this: String,
    },
    #[error("unterminated quoted field (a CSV field cannot span lines)")]
    UnterminatedQuote,
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("'{0}' is not a language code")]
    BadLanguage(String),
    #[error("a term outside a language section (langSec or langSet with xml:lang)")]
    TermWithoutLanguage,
    #[error("no '{lang}' column (the glossary has: {has})")]
    NoSuchLanguage { lang: Lang, has: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Tsv,
    Csv,
    Tbx,
}

pub(super) fn load(path: &Path) -> Result<Glossary, LoadError> {
    let fail = |line, problem| LoadError {
        path: path.to_path_buf(),
        line,
        problem,
    };
    let bytes = std::fs::read(path).map_err(|e| fail(0, Problem::Io(describe_io(&e))))?;
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(fail(1, Problem::Utf16));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..offset]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            return Err(fail(line, Problem::Encoding { offset }));
        }
    };
    parse(path, &text)
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Glossary, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fail = |line, problem| LoadError {
        path: path.to_path_buf(),
        line,
        problem,
    };
    let (langs, entries) = match detect(path, text) {
        Format::Tbx => read_tbx(text).map_err(|(line, p)| fail(line, p))?,
        format => read_table(text, format).map_err(|(line, p)| fail(line, p))?,
    };
    let entries = validate(&langs, entries).map_err(|(line, p)| fail(line, p))?;
    Ok(Glossary {
        path: path.to_path_buf(),
        langs,
        entries,
    })
}

fn detect(path: &Path, text: &str) -> Format {
    match crate::files::extension(path).as_str() {
        "tsv" | "tab" | "txt" => Format::Tsv,
        "csv" => Format::Csv,
        "tbx" | "xml" => Format::Tbx,
        _ => {
            let first = text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .unwrap_or("");
            if first.starts_with('<') {
                Format::Tbx
            } else if !first.contains('\t') && first.contains(',') {
                Format::Csv
            } else {
                Format::Tsv
            }
        }
    }
}

type Failed = (usize, Problem);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Lang(usize),
    Kind,
    Note,
    Case,
}

fn read_table(text: &str, format: Format) -> Result<(Vec<Lang>, Vec<Entry>), Failed> {
    let mut langs: Vec<Lang> = Vec::new();
    let mut columns: Vec<Column> = Vec::new();
    let mut header_names: Vec<String> = Vec::new();
    let mut entries = Vec::new();
    for (k, raw) in text.split('\n').enumerate() {
        let line_no = k + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields = match format {
            Format::Csv => split_csv(line).ok_or((line_no, Problem::UnterminatedQuote))?,
            _ => line.split('\t').map(|f| f.trim().to_string()).collect(),
        };
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if columns.is_empty() {
            for name in &fields {
                let lower = name.to_lowercase();
                if header_names.contains(&lower) {
                    return Err((line_no, Problem::DuplicateColumn(name.clone())));
                }
                let column = match lower.as_str() {
                    "kind" => Column::Kind,
                    "note" => Column::Note,
                    "case" => Column::Case,
                    _ => {
                        let primary = lower.split(['-', '_']).next().unwrap_or("");
                        match Lang::parse(&lower).filter(|_| (2..=3).contains(&primary.len())) {
                            Some(lang) if !langs.contains(&lang) => {
                                langs.push(lang);
                                Column::Lang(langs.len() - 1)
                            }
                            Some(_) => {
                                return Err((line_no, Problem::DuplicateColumn(name.clone())))
                            }
                            None => return Err((line_no, Problem::UnknownColumn(name.clone()))),
                        }
                    }
                };
                header_names.push(lower);
                columns.push(column);
            }
            if langs.len() < 2 {
                return Err((line_no, Problem::TooFewLanguages));
            }
            continue;
        }
        if fields.len() != columns.len() {
            return Err((
                line_no,
                Problem::ColumnCount {
                    expected: columns.len(),
                    found: fields.len(),
                    header: header_names.join(", "),
                },
            ));
        }
        let mut entry = Entry {
            kind: Kind::Term,
            forms: Vec::new(),
            note: None,
            case: None,
            forbidden_in: None,
            line: line_no,
        };
        for (field, column) in fields.iter().zip(&columns) {
            match column {
                Column::Kind => {
                    entry.kind = match field.to_lowercase().as_str() {
                        "" | "term" => Kind::Term,
                        "name" => Kind::Name,
                        "forbidden" => Kind::Forbidden,
                        _ => return Err((line_no, Problem::UnknownKind(field.clone()))),
                    }
                }
                Column::Case => {
                    entry.case = match field.to_lowercase().as_str() {
                        "" => None,
                        "sensitive" => Some(Case::Sensitive),
                        "insensitive" => Some(Case::Insensitive),
                        _ => return Err((line_no, Problem::UnknownCase(field.clone()))),
                    }
                }
                Column::Note => entry.note = Some(field.clone()).filter(|n| !n.is_empty()),
                Column::Lang(l) => {
                    if field.is_empty() {
                        continue;
                    }
                    let forms: Vec<String> =
                        field.split('|').map(|f| f.trim().to_string()).collect();
                    if forms.iter().any(String::is_empty) {
                        return Err((line_no, Problem::EmptyAlternative(field.clone())));
                    }
                    entry.forms.push((langs[*l].clone(), forms));
                }
            }
        }
        match entry.kind {
            Kind::Term if entry.forms.len() < 2 => {
                return Err((
                    line_no,
                    Problem::Missing {
                        kind: Kind::Term,
                        what: "forms in at least two languages",
                    },
                ))
            }
            _ if entry.forms.is_empty() => {
                return Err((
                    line_no,
                    Problem::Missing {
                        kind: entry.kind,
                        what: "at least one form",
                    },
                ))
            }
            _ => {}
        }
        entries.push(entry);
    }
    if columns.is_empty() {
        return Err((0, Problem::NoHeader));
    }
    Ok((langs, entries))
}

/// Splits one CSV line (RFC 4180 quoting, `""` for a quote inside quotes); `None` when a
/// quoted field is left open.
fn split_csv(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && field.trim().is_empty() {
            field.clear();
            quoted = true;
            was_quoted = true;
        } else if c == ',' {
            fields.push(finish_field(&field, was_quoted));
            field.clear();
            was_quoted = false;
        } else {
            field.push(c);
        }
    }
    if quoted {
        return None;
    }
    fields.push(finish_field(&field, was_quoted));
    Some(fields)
}

fn finish_field(field: &str, quoted: bool) -> String {
    if quoted {
        field.to_string()
    } else {
        field.trim().to_string()
    }
}

/// What a TBX concept says about one term.
#[derive(Default)]
struct TbxTerm {
    text: String,
    status: String,
    part_of_speech: String,
}

#[derive(Default)]
struct TbxConcept {
    line: usize,
    langs: Vec<(Lang, Vec<TbxTerm>)>,
    note: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Capture {
    Nothing,
    Term,
    Status,
    PartOfSpeech,
    Note,
}

fn read_tbx(text: &str) -> Result<(Vec<Lang>, Vec<Entry>), Failed> {
    let index = LineIndex::new(text);
    let line_at = |offset: usize| index.line_col(text, offset.min(text.len())).0;
    let mut reader = Reader::from_str(text);
    let mut langs: Vec<Lang> = Vec::new();
    let mut entries = Vec::new();
    let mut concept: Option<TbxConcept> = None;
    let mut term: Option<TbxTerm> = None;
    let mut capture = Capture::Nothing;
    let mut captured = String::new();
    let mut note_depth = 0usize;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| (line_at(at), Problem::Xml(e.to_string())))?;
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    b"conceptEntry" | b"termEntry" => {
                        concept = Some(TbxConcept {
                            line: line_at(at),
                            ..TbxConcept::default()
                        });
                    }
                    b"langSec" | b"langSet" => {
                        let mut code = None;
                        for attr in e.attributes().flatten() {
                            if attr.key.as_ref() == b"xml:lang"
                                || attr.key.local_name().as_ref() == b"lang"
                            {
                                let value = attr
                                    .unescape_value()
                                    .map_err(|e| (line_at(at), Problem::Xml(e.to_string())))?;
                                code = Some(value.into_owned());
                            }
                        }
                        let code = code.unwrap_or_default();
                        let lang =
                            Lang::parse(&code).ok_or((line_at(at), Problem::BadLanguage(code)))?;
                        if !langs.contains(&lang) {
                            langs.push(lang.clone());
                        }
                        if let Some(c) = concept.as_mut() {
                            c.langs.push((lang, Vec::new()));
                        }
                    }
                    b"termSec" | b"tig" | b"ntig" => term = Some(TbxTerm::default()),
                    b"term" => {
                        let in_lang = concept.as_ref().is_some_and(|c| !c.langs.is_empty());
                        if !in_lang {
                            return Err((line_at(at), Problem::TermWithoutLanguage));
                        }
                        term.get_or_insert_with(TbxTerm::default);
                        capture = Capture::Term;
                        captured.clear();
                    }
                    b"termNote" => {
                        let mut kind = String::new();
                        for attr in e.attributes().flatten() {
                            if attr.key.as_ref() == b"type" {
                                kind = attr
                                    .unescape_value()
                                    .map(|v| v.into_owned())
                                    .unwrap_or_default();
                            }
                        }
                        capture = match kind.as_str() {
                            "administrativeStatus" => Capture::Status,
                            "partOfSpeech" | "termType" => Capture::PartOfSpeech,
                            _ => Capture::Nothing,
                        };
                        captured.clear();
                    }
                    b"descrip" | b"note" if capture == Capture::Nothing => {
                        let wanted = e.attributes().flatten().all(|a| {
                            a.key.as_ref() != b"type"
                                || matches!(a.value.as_ref(), b"definition" | b"context" | b"note")
                        });
                        if wanted && concept.as_ref().is_some_and(|c| c.note.is_none()) {
                            capture = Capture::Note;
                            captured.clear();
                            note_depth = 1;
                        }
                    }
                    _ if capture == Capture::Note => note_depth += 1,
                    _ => {}
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    b"term" if capture == Capture::Term => {
                        if let Some(t) = term.as_mut() {
                            t.text = collapse(&captured);
                        }
                        capture = Capture::Nothing;
                    }
                    b"termNote" if matches!(capture, Capture::Status | Capture::PartOfSpeech) => {
                        if let Some(t) = term.as_mut() {
                            if capture == Capture::Status {
                                t.status = collapse(&captured);
                            } else {
                                t.part_of_speech = collapse(&captured);
                            }
                        }
                        capture = Capture::Nothing;
                    }
                    b"termNote" => capture = Capture::Nothing,
                    _ if capture == Capture::Note => {
                        note_depth -= 1;
                        if note_depth == 0 {
                            if let Some(c) = concept.as_mut() {
                                c.note = Some(collapse(&captured)).filter(|n| !n.is_empty());
                            }
                            capture = Capture::Nothing;
                        }
                    }
                    b"termSec" | b"tig" | b"ntig" => {
                        if let (Some(t), Some(c)) = (term.take(), concept.as_mut()) {
                            if let Some((_, terms)) = c.langs.last_mut() {
                                if !t.text.is_empty() {
                                    terms.push(t);
                                }
                            }
                        }
                    }
                    b"conceptEntry" | b"termEntry" => {
                        if let Some(c) = concept.take() {
                            concept_entries(c, &mut entries);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if capture != Capture::Nothing => {
                let s = t
                    .xml_content()
                    .map_err(|e| (line_at(at), Problem::Xml(e.to_string())))?;
                captured.push_str(&s);
            }
            Event::CData(t) if capture != Capture::Nothing => {
                captured.push_str(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) if capture != Capture::Nothing => {
                let name = r
                    .decode()
                    .map_err(|e| (line_at(at), Problem::Xml(e.to_string())))?;
                let c = crate::files::xml_reference(&r).ok_or_else(|| {
                    (
                        line_at(at),
                        Problem::Xml(format!("unknown entity &{name};")),
                    )
                })?;
                captured.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if langs.len() < 2 && !entries.is_empty() {
        return Err((0, Problem::TooFewLanguages));
    }
    Ok((langs, entries))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Turns one TBX concept into entries: the accepted terms (preferred and admitted) of each
/// language make one `term` entry (`name` when a term is marked as a proper noun), and the
/// deprecated or superseded terms of each language make a `forbidden` entry conditioned on
/// the accepted terms of the other languages.
fn concept_entries(concept: TbxConcept, entries: &mut Vec<Entry>) {
    let is_forbidden = |t: &TbxTerm| {
        let s = t.status.to_lowercase();
        s.contains("deprecated") || s.contains("superseded")
    };
    let proper = concept.langs.iter().flat_map(|(_, ts)| ts).any(|t| {
        let p = t.part_of_speech.to_lowercase();
        p.contains("propernoun") || p == "proper noun"
    });
    let mut accepted: Vec<(Lang, Vec<String>)> = Vec::new();
    for (lang, terms) in &concept.langs {
        let mut forms: Vec<&TbxTerm> = terms.iter().filter(|t| !is_forbidden(t)).collect();
        // The preferred term first, then the admitted ones in file order.
        forms.sort_by_key(|t| !t.status.to_lowercase().contains("preferred"));
        if !forms.is_empty() {
            let forms = forms.iter().map(|t| t.text.clone());
            match accepted.iter_mut().find(|(l, _)| l == lang) {
                Some((_, existing)) => existing.extend(forms),
                None => accepted.push((lang.clone(), forms.collect())),
            }
        }
    }
    if accepted.len() >= 2 {
        entries.push(Entry {
            kind: if proper { Kind::Name } else { Kind::Term },
            forms: accepted.clone(),
            note: concept.note.clone(),
            case: None,
            forbidden_in: None,
            line: concept.line,
        });
    }
    for (lang, terms) in &concept.langs {
        let banned: Vec<String> = terms
            .iter()
            .filter(|t| is_forbidden(t))
            .map(|t| t.text.clone())
            .collect();
        if banned.is_empty() {
            continue;
        }
        let mut forms: Vec<(Lang, Vec<String>)> = accepted
            .iter()
            .filter(|(l, _)| l != lang)
            .cloned()
            .collect();
        forms.push((lang.clone(), banned));
        entries.push(Entry {
            kind: Kind::Forbidden,
            forms,
            note: concept.note.clone(),
            case: None,
            forbidden_in: Some(lang.clone()),
            line: concept.line,
        });
    }
}

/// Checks what every format shares: each form has words to match, and no source term is
/// given two different renderings. Exact repeats are dropped.
fn validate(langs: &[Lang], entries: Vec<Entry>) -> Result<Vec<Entry>, Failed> {
    let Some(key_lang) = langs.first() else {
        return Ok(entries);
    };
    let normalizers: Vec<Normalizer> = langs.iter().map(Normalizer::new).collect();
    let normalizer = |lang: &Lang| {
        langs
            .iter()
            .position(|l| l == lang)
            .map(|i| &normalizers[i])
    };
    // Folded first-language form -> (index of the entry that has it).
    let mut seen: HashMap<(Kind, String), usize> = HashMap::new();
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
    for entry in entries {
        for (lang, forms) in &entry.forms {
            let Some(n) = normalizer(lang) else { continue };
            for form in forms {
                if n.tokens(form).next().is_none() {
                    return Err((entry.line, Problem::NoWords(form.clone())));
                }
            }
        }
        if entry.kind == Kind::Forbidden {
            out.push(entry);
            continue;
        }
        let Some(n) = normalizer(key_lang) else {
            out.push(entry);
            continue;
        };
        let folded = |forms: &[String]| -> Vec<String> {
            let mut f: Vec<String> = forms.iter().map(|x| fold_form(n, x)).collect();
            f.sort();
            f
        };
        let renderings = |e: &Entry| -> Vec<(Lang, Vec<String>)> {
            e.forms
                .iter()
                .filter(|(l, _)| l != key_lang)
                .map(|(l, f)| (l.clone(), f.iter().map(|x| x.to_lowercase()).collect()))
                .collect()
        };
        let mut duplicate = false;
        for form in entry.forms(key_lang) {
            let key = (entry.kind, fold_form(n, form));
            match seen.get(&key) {
                None => {}
                Some(&i) => {
                    let first = &out[i];
                    let same = renderings(first) == renderings(&entry)
                        && folded(first.forms(key_lang)) == folded(entry.forms(key_lang));
                    if !same {
                        let show = |e: &Entry| {
                            e.forms
                                .iter()
                                .filter(|(l, _)| l != key_lang)
                                .map(|(_, f)| f.join("|"))
                                .collect::<Vec<_>>()
                                .join(" / ")
                        };
                        return Err((
                            entry.line,
                            Problem::Conflict {
                                term: form.clone(),
                                first_line: first.line,
                                first: show(first),
                                this: show(&entry),
                            },
                        ));
                    }
                    duplicate = true;
                }
            }
        }
        if duplicate {
            continue;
        }
        for form in entry.forms(key_lang) {
            seen.insert((entry.kind, fold_form(n, form)), out.len());
        }
        out.push(entry);
    }
    Ok(out)
}

fn fold_form(n: &Normalizer, form: &str) -> String {
    n.tokens(form)
        .map(|t| n.fold(t.span.slice(form)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_with_all_columns() {
        let text = "# people and terms\nfr\ten\tkind\tnote\tcase\n\
                    informatique en nuage\tcloud computing\tterm\t\t\n\
                    Satya Nadella\t\tname\tCEO\t\n\
                    \tcloud informatics\tforbidden\tcalque\t\n\
                    \n\
                    OMS\tWHO|W.H.O.\t\t\tsensitive\n";
        let g = parse(Path::new("g.tsv"), text).unwrap();
        assert_eq!(g.langs(), [Lang::Fr, Lang::En]);
        assert_eq!(g.len(), 4);
        let e = &g.entries()[0];
        assert_eq!((e.kind, e.line), (Kind::Term, 3));
        assert_eq!(e.forms(&Lang::En), ["cloud computing"]);
        assert_eq!(g.entries()[1].kind, Kind::Name);
        assert_eq!(g.entries()[1].note.as_deref(), Some("CEO"));
        assert_eq!(g.entries()[2].forms(&Lang::Fr), [] as [String; 0]);
        assert_eq!(g.entries()[3].forms(&Lang::En), ["WHO", "W.H.O."]);
        assert_eq!(g.entries()[3].case, Some(Case::Sensitive));
    }

    #[test]
    fn csv_with_quotes() {
        let text = "fr,en,note\n\"crimes contre l'humanité\",\"crimes against humanity\",\"a \"\"core\"\" term, really\"\nnuage,cloud,\n";
        let g = parse(Path::new("g.csv"), text).unwrap();
        assert_eq!(
            g.entries()[0].note.as_deref(),
            Some("a \"core\" term, really")
        );
        assert_eq!(g.entries()[1].forms(&Lang::Fr), ["nuage"]);
    }

    #[test]
    fn format_is_sniffed_without_an_extension() {
        assert!(parse(Path::new("glossary"), "fr,en\nnuage,cloud\n").is_ok());
        assert!(parse(Path::new("glossary"), "fr\ten\nnuage\tcloud\n").is_ok());
    }

    #[test]
    fn malformed_glossaries_name_the_line() {
        let cases = [
            ("g.tsv", "fr\ten\nnuage\tcloud\textra\n", "g.tsv:2: expected 2 columns (fr, en), found 3"),
            ("g.tsv", "fr\ten\tkind\nnuage\tcloud\tterme\n", "g.tsv:2: unknown kind 'terme' (expected term, name or forbidden)"),
            ("g.tsv", "fr\ten\nnuage\tcloud\n# x\nnuage\tsky\n", "g.tsv:4: duplicate entry 'nuage' with a different rendering (line 2 has 'cloud', this one 'sky')"),
            ("g.tsv", "fr\ten\tcolour\n", "g.tsv:1: unknown column 'colour' (expected a language code such as fr or en, or kind, note, case)"),
            ("g.tsv", "fr\tnote\n", "g.tsv:1: the header names fewer than two languages (expected columns such as fr and en)"),
            ("g.tsv", "fr\ten\nnuage\t\n", "g.tsv:2: a term entry needs forms in at least two languages"),
            ("g.tsv", "fr\ten\nnuage\tcloud||sky\n", "g.tsv:2: empty form in 'cloud||sky' (nothing between two '|')"),
            ("g.tsv", "fr\ten\n«\tcloud\n", "g.tsv:2: '«' has no words to match"),
            ("g.tsv", "fr\ten\tcase\nnuage\tcloud\tmaybe\n", "g.tsv:2: unknown case 'maybe' (expected sensitive or insensitive)"),
            ("g.csv", "fr,en\n\"nuage,cloud\n", "g.csv:2: unterminated quoted field (a CSV field cannot span lines)"),
            ("g.tsv", "# only comments\n", "g.tsv: no header row (expected columns such as: fr, en, kind, note, case)"),
            ("g.tsv", "fr\ten\tfr\n", "g.tsv:1: column 'fr' appears twice"),
            ("g.tbx", "<tbx><text><body><conceptEntry><langSec xml:lang=\"fr\"><termSec><term>a</term></termSec></langSec>\n</conceptEntry></body></text></tbx>", ""),
            ("g.tbx", "<tbx>\n<conceptEntry>\n<langSec xml:lang=\"fr\"><termSec><term>a</termSec>", "g.tbx:3: not well-formed XML"),
        ];
        for (name, text, want) in cases {
            let got = match parse(Path::new(name), text) {
                Ok(_) => String::new(),
                Err(e) => e.to_string(),
            };
            assert!(
                got.starts_with(want) && (want.is_empty() == got.is_empty()),
                "{name}: {text:?}\n got: {got}\nwant: {want}"
            );
        }
    }

    #[test]
    fn exact_repeats_are_merged_not_refused() {
        let g = parse(Path::new("g.tsv"), "fr\ten\nnuage\tcloud\nNuage\tCloud\n").unwrap();
        assert_eq!(g.len(), 1);
    }

    #[test]
    fn bad_encoding_names_line_and_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.tsv");
        std::fs::write(&path, b"fr\ten\nnuage\tcloud\ncaf\xe9\tcoffee\n").unwrap();
        let err = Glossary::load(&path).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(
            err.to_string()
                .ends_with("g.tsv:3: invalid UTF-8 at byte 21 (glossaries must be saved as UTF-8)"),
            "{err}"
        );
        std::fs::write(&path, b"\xff\xfef\x00r\x00").unwrap();
        assert_eq!(Glossary::load(&path).unwrap_err().problem, Problem::Utf16);
        let missing = Glossary::load(&dir.path().join("nope.tsv")).unwrap_err();
        assert!(
            missing
                .to_string()
                .ends_with("nope.tsv: no such file or directory"),
            "{missing}"
        );
    }

    const TBX_V3: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>FR-EN billing glossary</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <descrip type="definition">A request for payment &amp; its record</descrip>
      <langSec xml:lang="fr"><termSec><term>facture</term>
        <termNote type="partOfSpeech">noun</termNote></termSec></langSec>
      <langSec xml:lang="en">
        <termSec><term>invoice</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>bill</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
        <termSec><term>statement</term>
          <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termSec>
      </langSec>
    </conceptEntry>
    <conceptEntry id="c2">
      <langSec xml:lang="fr"><termSec><term>Microsoft</term><termNote type="partOfSpeech">properNoun</termNote></termSec></langSec>
      <langSec xml:lang="en"><termSec><term>Microsoft</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>"#;

    #[test]
    fn tbx_v3_maps_statuses_to_accepted_and_forbidden() {
        let g = parse(Path::new("g.tbx"), TBX_V3).unwrap();
        assert_eq!(g.langs(), [Lang::Fr, Lang::En]);
        let kinds: Vec<Kind> = g.entries().iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [Kind::Term, Kind::Forbidden, Kind::Name]);
        let term = &g.entries()[0];
        assert_eq!(term.forms(&Lang::Fr), ["facture"]);
        assert_eq!(term.forms(&Lang::En), ["invoice", "statement"]);
        assert_eq!(
            term.note.as_deref(),
            Some("A request for payment & its record")
        );
        assert_eq!(term.line, 5);
        let banned = &g.entries()[1];
        assert_eq!(banned.forms(&Lang::En), ["bill"]);
        assert_eq!(banned.forms(&Lang::Fr), ["facture"]);
        assert_eq!(banned.forbidden_in, Some(Lang::En));
        assert_eq!(
            g.term_pairs(&Lang::Fr, &Lang::En),
            [
                ("facture".into(), "invoice".into()),
                ("Microsoft".into(), "Microsoft".into())
            ]
        );
    }

    #[test]
    fn tbx_v2_martif_is_read_too() {
        let text = r#"<?xml version="1.0"?>
<martif type="TBX-Basic" xml:lang="en-US">
<text><body>
<termEntry id="t1">
  <langSet xml:lang="fr-FR"><tig><term>nettoyage ethnique</term></tig></langSet>
  <langSet xml:lang="en-US">
    <tig><term>ethnic cleansing</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <ntig><termGrp><term>ethnic cleaning</term></termGrp><termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></ntig>
  </langSet>
</termEntry>
</body></text>
</martif>"#;
        let g = parse(Path::new("old.xml"), text).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g.entries()[0].forms(&Lang::En), ["ethnic cleansing"]);
        assert_eq!(g.entries()[1].forms(&Lang::En), ["ethnic cleaning"]);
        assert_eq!(g.entries()[1].kind, Kind::Forbidden);
    }
}
