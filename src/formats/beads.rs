//! The bead list format of Vecalign and the Bleualign gold files: one bead per line,
//! `[i,...]:[j,...]:score`, 0-based sentence indices, empty brackets for insertions and
//! deletions. The score field is optional when reading.
//!
//! Gold alignments may hold beads whose indices are not consecutive (crossing alignments);
//! [`read_index_beads`] keeps them as written, for evaluation.

use std::ops::Range;
use std::path::Path;

use crate::align::{Alignment, Bead};
use crate::error::{show_path, Error, Result};
use crate::files;

use super::{AlignmentSpec, Files, Written};

/// `--format beads`: `NAME.beads`, Vecalign's format.
pub const FORMAT: AlignmentSpec = AlignmentSpec {
    name: "beads",
    describe: "[i,...]:[j,...]:score, 0-based (Vecalign's; read by `eval align`)",
    files: Files::One(".beads"),
    write: |doc, _| Written::One(write(&doc.alignment)),
};

/// Writes beads as `[0]:[0,1]:0.953`.
pub fn write(alignment: &Alignment) -> Vec<u8> {
    let mut out = String::new();
    for bead in &alignment.beads {
        out.push_str(&format!(
            "{}:{}:{:.3}\n",
            list(bead.src.clone()),
            list(bead.tgt.clone()),
            bead.score
        ));
    }
    out.into_bytes()
}

/// `[i,j,...]`: the index list of a bead side, as beads, TMX and XLIFF write it.
pub(crate) fn list(range: Range<u32>) -> String {
    let items: Vec<String> = range.map(|i| i.to_string()).collect();
    format!("[{}]", items.join(","))
}

/// A bead as written in a file: index lists (possibly not consecutive) and the score.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexBead {
    pub src: Vec<u32>,
    pub tgt: Vec<u32>,
    pub score: Option<f32>,
}

/// Reads the beads of a file as passerelle writes them: a beads file, or the `src` and `tgt`
/// lists of JSON lines (told apart by the first character).
pub fn read_file(path: &Path) -> Result<Vec<IndexBead>> {
    let text = files::read_text(path)?;
    let first = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .next();
    if first != Some('{') {
        return read_index_beads(path, &text);
    }
    let alignment = super::aligned::jsonl(path, &text)?
        .alignment()
        .ok_or_else(|| {
            Error::Input(format!(
                "{}: some records have no `src` and `tgt` sentence indices",
                show_path(path)
            ))
        })?;
    Ok(alignment
        .beads
        .iter()
        .map(|b| IndexBead {
            src: b.src.clone().collect(),
            tgt: b.tgt.clone().collect(),
            score: Some(b.score),
        })
        .collect())
}

/// Reads a beads file. Blank lines and lines starting with `#` are skipped.
pub fn read_index_beads(path: &Path, text: &str) -> Result<Vec<IndexBead>> {
    let mut beads = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |message: String| Error::Parse {
            path: path.to_path_buf(),
            line: n + 1,
            message,
        };
        let (src, rest) = parse_list(line)
            .ok_or_else(|| err(format!("expected `[i,...]:[j,...]`, found `{line}`")))?;
        let rest = rest
            .trim_start()
            .strip_prefix(':')
            .ok_or_else(|| err("expected `:` after the source list".into()))?;
        let (tgt, rest) = parse_list(rest.trim_start())
            .ok_or_else(|| err("expected a target list `[j,...]`".into()))?;
        let rest = rest.trim();
        let score = match rest.strip_prefix(':') {
            None if rest.is_empty() => None,
            None => return Err(err(format!("unexpected `{rest}` after the target list"))),
            Some(s) if s.trim().is_empty() => None,
            Some(s) => Some(
                s.trim()
                    .parse::<f32>()
                    .map_err(|_| err(format!("score `{}` is not a number", s.trim())))?,
            ),
        };
        beads.push(IndexBead { src, tgt, score });
    }
    Ok(beads)
}

/// Parses `[1, 2,3]` at the start of `s`; returns the numbers and the rest.
fn parse_list(s: &str) -> Option<(Vec<u32>, &str)> {
    let s = s.strip_prefix('[')?;
    let close = s.find(']')?;
    let inner = s[..close].trim();
    let items = if inner.is_empty() {
        Vec::new()
    } else {
        inner
            .split(',')
            .map(|p| p.trim().parse::<u32>().ok())
            .collect::<Option<Vec<_>>>()?
    };
    Some((items, &s[close + 1..]))
}

/// The range covered by consecutive ascending indices, if they are.
pub fn contiguous(ids: &[u32]) -> Option<Range<u32>> {
    let Some(&first) = ids.first() else {
        return Some(0..0);
    };
    ids.windows(2)
        .all(|w| w[1] == w[0] + 1)
        .then(|| first..first + ids.len() as u32)
}

/// Reads a beads file as a monotone alignment. Empty sides are placed where the neighbouring
/// beads put them; non-consecutive index lists are an error.
pub fn read(path: &Path, text: &str) -> Result<Alignment> {
    let mut beads = Vec::new();
    let (mut next_src, mut next_tgt) = (0u32, 0u32);
    for (k, b) in read_index_beads(path, text)?.into_iter().enumerate() {
        let bad = |side: &str| Error::Parse {
            path: path.to_path_buf(),
            line: k + 1,
            message: format!(
                "{side} indices are not consecutive; a monotone alignment is expected"
            ),
        };
        let src = if b.src.is_empty() {
            next_src..next_src
        } else {
            contiguous(&b.src).ok_or_else(|| bad("source"))?
        };
        let tgt = if b.tgt.is_empty() {
            next_tgt..next_tgt
        } else {
            contiguous(&b.tgt).ok_or_else(|| bad("target"))?
        };
        next_src = src.end;
        next_tgt = tgt.end;
        beads.push(Bead {
            src,
            tgt,
            score: b.score.unwrap_or(1.0).clamp(0.0, 1.0),
        });
    }
    Ok(Alignment {
        beads,
        review_below: 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_as_beads_or_as_indexed_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let beads = dir.path().join("a.beads");
        std::fs::write(&beads, "[0]:[0,1]:0.9\n[1]:[]\n").unwrap();
        let read = read_file(&beads).unwrap();
        assert_eq!(
            (read[0].tgt.clone(), read[1].tgt.clone()),
            (vec![0, 1], vec![])
        );
        let jsonl = dir.path().join("a.jsonl");
        std::fs::write(
            &jsonl,
            "{\"src\":[0],\"tgt\":[0,1],\"source\":\"A\",\"target\":\"a b\"}\n",
        )
        .unwrap();
        assert_eq!(read_file(&jsonl).unwrap()[0].tgt, vec![0, 1]);
        std::fs::write(&jsonl, "{\"source\":\"A\",\"target\":\"a\"}\n").unwrap();
        let e = read_file(&jsonl).unwrap_err().to_string();
        assert!(
            e.contains("a.jsonl: some records have no `src` and `tgt`"),
            "{e}"
        );
    }

    #[test]
    fn round_trip() {
        let alignment = Alignment {
            beads: vec![
                Bead::new(0..1, 0..2, 0.953),
                Bead::new(1..1, 2..3, 0.5),
                Bead::new(1..3, 3..4, 1.0),
            ],
            review_below: 0.0,
        };
        let bytes = write(&alignment);
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            "[0]:[0,1]:0.953\n[]:[2]:0.500\n[1,2]:[3]:1.000\n"
        );
        let back = read(Path::new("x"), std::str::from_utf8(&bytes).unwrap()).unwrap();
        assert_eq!(back.beads, alignment.beads);
    }

    #[test]
    fn reads_vecalign_spacing_and_gold_without_scores() {
        let beads = read_index_beads(
            Path::new("g"),
            "[0]:[0, 1]\n\n# c\n[4,7]:[4,5]:0.1\n[5]:[]\n",
        )
        .unwrap();
        assert_eq!(
            beads[0],
            IndexBead {
                src: vec![0],
                tgt: vec![0, 1],
                score: None
            }
        );
        assert_eq!(beads[1].src, [4, 7]);
        assert_eq!(beads[2].tgt, Vec::<u32>::new());
    }

    #[test]
    fn errors_name_the_line() {
        let err = read_index_beads(Path::new("g.beads"), "[0]:[0]\n[1]-[1]\n").unwrap_err();
        assert!(err.to_string().starts_with("g.beads:2: "), "{err}");
        let err = read(Path::new("g.beads"), "[4,7]:[4,5]\n").unwrap_err();
        assert!(err.to_string().contains("not consecutive"), "{err}");
        assert!(read_index_beads(Path::new("g"), "[0]:[x]").is_err());
        assert!(read_index_beads(Path::new("g"), "[0]:[1]:abc").is_err());
    }
}
