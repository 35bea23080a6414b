//! Alignment files read back with everything they carry, for reviewing and diffing them:
//! per bead the source and target text and, where the format keeps them, the sentence
//! indices, the bead type, the confidence and the review flag.
//!
//! What each format carries:
//! * JSON lines (`passerelle align --format jsonl`, `passerelle run`): everything.
//! * XLIFF 2.0 written by passerelle: everything (indices and scores in the unit metadata);
//!   XLIFF from elsewhere: texts only.
//! * TSV: texts, and when the type column is there (passerelle writes it) the indices, which
//!   follow from the bead types since every bead is written in order; score and flag columns.
//! * TMX: texts, indices and scores in passerelle's `<prop>`s, but beads with an empty side
//!   are not written, so the alignment is not [`complete`](AlignmentFile::complete).
//!
//! Data in, structure out: nothing here reads files or prints.

use std::path::Path;

use serde::Deserialize;

use super::{beads, tmx, xliff, BitextFormat};
use crate::align::{Alignment, Bead, BeadKind, BeadRecord};
use crate::error::{show_path, Error, Result};
use crate::files;
use crate::text::{Bitext, Lang, LineIndex, Origin, Pair};

/// Where a text starts in a file: its line, and its byte column when the format has one.
fn origin(path: &Path, line: usize, column_offset: Option<usize>) -> Origin {
    Origin {
        path: path.to_path_buf(),
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column_offset,
    }
}

/// An alignment file as read.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignmentFile {
    pub format: BitextFormat,
    pub records: Vec<BeadRecord>,
    /// Where the source and the target text of each record are in the file.
    pub origins: Vec<(Origin, Origin)>,
    /// Every bead of the alignment is in the file (TMX leaves out beads with an empty side).
    pub complete: bool,
}

impl AlignmentFile {
    /// Whether every record has its sentence indices.
    pub fn indexed(&self) -> bool {
        self.records
            .iter()
            .all(|r| r.src.is_some() && r.tgt.is_some())
    }

    /// The records as pairs of text that know where they are in the file, for checking.
    pub fn into_bitext(self, src_lang: &Lang, tgt_lang: &Lang) -> Bitext {
        let pairs = self
            .records
            .into_iter()
            .zip(self.origins)
            .map(|(r, (src_origin, tgt_origin))| Pair {
                src: r.source,
                tgt: r.target,
                src_origin: Some(src_origin),
                tgt_origin: Some(tgt_origin),
                low_confidence: r.review,
            })
            .collect();
        Bitext {
            src_lang: src_lang.clone(),
            tgt_lang: tgt_lang.clone(),
            pairs,
        }
    }

    /// The beads, when every record has its sentence indices.
    pub fn alignment(&self) -> Option<Alignment> {
        let beads = self
            .records
            .iter()
            .map(|r| {
                Some(Bead::new(
                    r.src.clone()?,
                    r.tgt.clone()?,
                    r.score.unwrap_or(0.0),
                ))
            })
            .collect::<Option<Vec<Bead>>>()?;
        Some(Alignment {
            beads,
            review_below: 0.0,
        })
    }

    pub fn format_name(&self) -> &'static str {
        match self.format {
            BitextFormat::Tsv => "TSV",
            BitextFormat::Jsonl => "JSON lines",
            BitextFormat::Tmx => "TMX",
            BitextFormat::Xliff => "XLIFF",
        }
    }
}

/// Reads an alignment file (the format told by extension or content; `-` is standard input).
pub fn read(path: &Path, src_lang: &Lang, tgt_lang: &Lang) -> Result<AlignmentFile> {
    parse(path, &files::read_text(path)?, src_lang, tgt_lang)
}

/// Reads an alignment file's text (the format told by extension or content).
pub fn parse(path: &Path, text: &str, src_lang: &Lang, tgt_lang: &Lang) -> Result<AlignmentFile> {
    let format = BitextFormat::detect(path, text);
    let file = match format {
        BitextFormat::Tsv => tsv(path, text)?,
        BitextFormat::Jsonl => jsonl(path, text)?,
        BitextFormat::Tmx => tmx_file(path, text, src_lang, tgt_lang)?,
        BitextFormat::Xliff => xliff_file(path, text, src_lang, tgt_lang)?,
    };
    if file.records.is_empty() && !text.trim().is_empty() {
        return Err(Error::Input(format!(
            "{}: no {src_lang}-{tgt_lang} beads found",
            show_path(path)
        )));
    }
    Ok(file)
}

fn tsv(path: &Path, text: &str) -> Result<AlignmentFile> {
    let mut records = Vec::new();
    let mut origins = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = if n == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        // The first five columns, without collecting them: this runs once per pair of a
        // file that may hold millions.
        let mut cols: [Option<&str>; 5] = [None; 5];
        for (slot, col) in cols.iter_mut().zip(line.split('\t')) {
            *slot = Some(col);
        }
        let [Some(source), Some(target), kind, score, flag] = cols else {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                line: n + 1,
                message: "expected at least two tab-separated columns (source, target)".into(),
            });
        };
        // The line as read (after a BOM on the first line): the target starts after the tab.
        let tgt_column = source.len() + 1;
        origins.push((
            origin(path, n + 1, Some(0)),
            origin(path, n + 1, Some(tgt_column)),
        ));
        records.push(BeadRecord {
            source: source.to_string(),
            target: target.to_string(),
            kind: kind.and_then(parse_kind),
            score: score.and_then(|s| s.trim().parse().ok()),
            review: flag.is_some_and(|f| f.trim() == "review"),
            ..BeadRecord::default()
        });
    }
    // Beads are written in order, so their types give their indices.
    if records.iter().all(|r| r.kind.is_some()) {
        let (mut i, mut j) = (0u32, 0u32);
        for r in &mut records {
            let BeadKind(k, l) = r.kind.expect("checked above");
            r.src = Some(i..i + k);
            r.tgt = Some(j..j + l);
            i += k;
            j += l;
        }
    }
    Ok(AlignmentFile {
        format: BitextFormat::Tsv,
        records,
        origins,
        complete: true,
    })
}

fn parse_kind(s: &str) -> Option<BeadKind> {
    let (a, b) = s.trim().split_once('-')?;
    Some(BeadKind(a.parse().ok()?, b.parse().ok()?))
}

#[derive(Deserialize)]
struct JsonRecord {
    src: Option<Vec<u32>>,
    tgt: Option<Vec<u32>>,
    #[serde(rename = "type")]
    kind: Option<String>,
    score: Option<f32>,
    #[serde(default)]
    review: bool,
    source: String,
    target: String,
}

pub(super) fn jsonl(path: &Path, text: &str) -> Result<AlignmentFile> {
    let mut records = Vec::new();
    let mut origins = Vec::new();
    let (mut next_src, mut next_tgt) = (0u32, 0u32);
    let mut indexed = true;
    for (n, line) in text.lines().enumerate() {
        let line = if n == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if line.trim().is_empty() {
            continue;
        }
        let err = |message: String| Error::Parse {
            path: path.to_path_buf(),
            line: n + 1,
            message,
        };
        let r: JsonRecord =
            serde_json::from_str(line).map_err(|e| err(format!("not an alignment record: {e}")))?;
        indexed &= r.src.is_some() && r.tgt.is_some();
        let range = |ids: Option<Vec<u32>>, next: &mut u32, side: &str| -> Result<_> {
            let Some(ids) = ids.filter(|_| indexed) else {
                return Ok(None);
            };
            let range = if ids.is_empty() {
                *next..*next
            } else {
                beads::contiguous(&ids)
                    .ok_or_else(|| err(format!("{side} indices {ids:?} are not consecutive")))?
            };
            *next = range.end;
            Ok(Some(range))
        };
        let src = range(r.src, &mut next_src, "source")?;
        let tgt = range(r.tgt, &mut next_tgt, "target")?;
        records.push(BeadRecord {
            source: r.source,
            target: r.target,
            src,
            tgt,
            kind: r.kind.as_deref().and_then(parse_kind),
            score: r.score,
            review: r.review,
        });
        origins.push((origin(path, n + 1, None), origin(path, n + 1, None)));
    }
    if !indexed {
        for r in &mut records {
            r.src = None;
            r.tgt = None;
        }
    }
    Ok(AlignmentFile {
        format: BitextFormat::Jsonl,
        records,
        origins,
        complete: true,
    })
}

fn tmx_file(path: &Path, text: &str, src_lang: &Lang, tgt_lang: &Lang) -> Result<AlignmentFile> {
    let index = LineIndex::new(text);
    let mut records = Vec::new();
    let mut origins = Vec::new();
    for u in tmx::read_units(path, text)? {
        let (Some((source, at)), Some((target, tgt_at))) = (u.text(src_lang), u.text(tgt_lang))
        else {
            continue;
        };
        let lists = u
            .prop("x-passerelle-bead")
            .and_then(|b| beads::read_index_beads(path, b).ok())
            .and_then(|b| b.into_iter().next());
        let (src, tgt) = match lists {
            Some(b) => (beads::contiguous(&b.src), beads::contiguous(&b.tgt)),
            None => (None, None),
        };
        records.push(BeadRecord {
            source: source.to_string(),
            target: target.to_string(),
            kind: src
                .as_ref()
                .zip(tgt.as_ref())
                .map(|(s, t)| BeadKind(s.len() as u32, t.len() as u32)),
            src,
            tgt,
            score: u
                .prop("x-passerelle-score")
                .and_then(|s| s.trim().parse().ok()),
            review: u.prop("x-passerelle-review") == Some("yes"),
        });
        let line = |at: usize| origin(path, index.line_col(text, at).0, None);
        origins.push((line(at), line(tgt_at)));
    }
    Ok(AlignmentFile {
        format: BitextFormat::Tmx,
        records,
        origins,
        complete: false,
    })
}

fn xliff_file(path: &Path, text: &str, src_lang: &Lang, tgt_lang: &Lang) -> Result<AlignmentFile> {
    let doc = xliff::read_document(path, text)?;
    xliff::check_langs(path, &doc, src_lang, tgt_lang)?;
    let index = LineIndex::new(text);
    let alignment = doc.alignment();
    let origins = doc
        .units
        .iter()
        .map(|u| {
            let line = origin(path, index.line_col(text, u.at).0, None);
            (line.clone(), line)
        })
        .collect();
    let records = doc
        .units
        .iter()
        .enumerate()
        .map(|(k, u)| {
            let bead = alignment.as_ref().map(|a| &a.beads[k]);
            BeadRecord {
                source: u.source.clone(),
                target: u.target.clone().unwrap_or_default(),
                src: bead.map(|b| b.src.clone()),
                tgt: bead.map(|b| b.tgt.clone()),
                kind: bead.map(|b| b.kind()),
                score: u.score(),
                review: u.review(),
            }
        })
        .collect();
    Ok(AlignmentFile {
        format: BitextFormat::Xliff,
        records,
        origins,
        complete: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_types_give_indices() {
        let text = "A\ta\t1-1\t0.900\t\nB C\tb\t2-1\t0.400\treview\n\tc\t0-1\t0.300\treview\n";
        let f = parse(Path::new("x.tsv"), text, &Lang::Fr, &Lang::En).unwrap();
        assert!(f.indexed() && f.complete);
        assert_eq!(f.records[1].src, Some(1..3));
        assert_eq!(f.records[2].src, Some(3..3));
        assert_eq!(f.records[2].tgt, Some(2..3));
        assert!(f.records[1].review);
        assert_eq!(f.records[1].score, Some(0.4));
        let plain = parse(Path::new("x.tsv"), "A\ta\n", &Lang::Fr, &Lang::En).unwrap();
        assert!(!plain.indexed());
    }

    #[test]
    fn jsonl_keeps_indices_and_places_empty_sides() {
        let text = concat!(
            "{\"bead\":0,\"src\":[0],\"tgt\":[0,1],\"type\":\"1-2\",\"score\":0.9,\"review\":false,\"source\":\"A\",\"target\":\"a b\"}\n",
            "{\"bead\":1,\"src\":[1],\"tgt\":[],\"type\":\"1-0\",\"score\":0.3,\"review\":true,\"source\":\"B\",\"target\":\"\"}\n",
        );
        let f = parse(Path::new("x.jsonl"), text, &Lang::Fr, &Lang::En).unwrap();
        assert_eq!(f.records[1].tgt, Some(2..2));
        assert_eq!(f.origins[1].0.line, 2);
        let e = parse(
            Path::new("x.jsonl"),
            "{\"src\":[0,2],\"tgt\":[0],\"source\":\"A\",\"target\":\"a\"}\n",
            &Lang::Fr,
            &Lang::En,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("x.jsonl:1: "), "{e}");
    }
}
