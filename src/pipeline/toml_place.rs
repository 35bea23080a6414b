//! Where in a TOML file a `toml` error is: its line, and the dotted key of the setting
//! (`translate.deepl.formality`, `document[1].source`), found from the error's span and the
//! table headers above it. It reads the text only; what the settings mean is config.rs's.

use crate::text::LineIndex;

/// Where a TOML error is, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Place {
    /// 1-based line, when the error has a span.
    pub line: Option<usize>,
    /// The dotted key (`translate.deepl.formality`, `document[1].source`), when one is found.
    pub key: Option<String>,
    pub message: String,
}

/// Finds the line and the dotted key of a TOML error in `text`.
pub(super) fn locate(text: &str, e: &toml::de::Error) -> Place {
    let message = e.message().trim().to_string();
    let Some(span) = e.span() else {
        return Place {
            line: None,
            key: None,
            message,
        };
    };
    let index = LineIndex::new(text);
    let line = index.line_col(text, span.start.min(text.len())).0;
    let lines: Vec<&str> = text.lines().collect();
    let (table, own_line) = table_at(&lines, line);
    // The key is named in the message for unknown and missing fields; otherwise the span is a
    // value (wrong type) whose key starts its line, or a table header.
    let named = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|rest| rest.split('`').next())
        .map(str::to_string);
    let leaf = named.or_else(|| {
        if own_line {
            return None;
        }
        let current = lines.get(line - 1).copied().unwrap_or("");
        let (key, _) = current.split_once('=')?;
        let key = key.trim().trim_matches('"');
        (!key.is_empty()).then(|| key.to_string())
    });
    // On a header line, an unknown table is named by the header itself (`[[documents]]`).
    let header_path = table.split('[').next().unwrap_or("").to_string();
    let key = match (table.is_empty(), leaf) {
        (true, None) => None,
        (true, Some(leaf)) => Some(leaf),
        (false, None) => Some(table),
        (false, Some(leaf))
            if own_line && header_path.rsplit('.').next() == Some(leaf.as_str()) =>
        {
            Some(header_path)
        }
        (false, Some(leaf)) => Some(format!("{table}.{leaf}")),
    };
    Place {
        line: Some(line),
        key,
        message,
    }
}

/// The table a 1-based line is in (`translate.deepl`, `document[1]`; empty at the top), and
/// whether the line is that table's header.
fn table_at(lines: &[&str], line: usize) -> (String, bool) {
    let header = |l: &str| -> Option<(String, bool)> {
        let l = l.trim();
        let l = l.split(" #").next().unwrap_or(l).trim();
        if let Some(inner) = l.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
            Some((inner.trim().to_string(), true))
        } else {
            let inner = l.strip_prefix('[')?.strip_suffix(']')?;
            Some((inner.trim().to_string(), false))
        }
    };
    for n in (1..=line.min(lines.len())).rev() {
        if let Some((name, array)) = header(lines[n - 1]) {
            let name = if array {
                let k = lines[..n - 1]
                    .iter()
                    .filter(|l| header(l).is_some_and(|(h, a)| a && h == name))
                    .count();
                format!("{name}[{k}]")
            } else {
                name
            };
            return (name, n == line);
        }
    }
    (String::new(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(text: &str) -> Place {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Deepl {
            formality: Option<u8>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Doc {
            name: String,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct File {
            lang: Option<String>,
            deepl: Option<Deepl>,
            document: Option<Vec<Doc>>,
        }
        let e = toml::from_str::<File>(text).unwrap_err();
        locate(text, &e)
    }

    #[test]
    fn errors_name_their_line_and_dotted_key() {
        let p = place("lang = \"fr\"\n\n[deepl]\nformality = \"more\"\n");
        assert_eq!(
            (p.line, p.key.as_deref()),
            (Some(4), Some("deepl.formality"))
        );
        let p = place("[[document]]\nname = \"a\"\n[[document]]\nnmae = \"b\"\n");
        assert_eq!(
            (p.line, p.key.as_deref()),
            (Some(4), Some("document[1].nmae"))
        );
        let p = place("lang = 3\n");
        assert_eq!((p.line, p.key.as_deref()), (Some(1), Some("lang")));
        let p = place("[deeple]\n");
        assert_eq!((p.line, p.key.as_deref()), (Some(1), Some("deeple")));
    }
}
