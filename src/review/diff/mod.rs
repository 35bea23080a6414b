//! Comparing two alignments of the same source text: before and after a re-translation,
//! aligner A against aligner B, a hypothesis against a gold alignment.
//!
//! Both alignments must cover the same source sentences (their indices and texts are
//! compared; anything else is refused with [`DiffError::DifferentSources`], since a diff of
//! different texts would mislead). Beads are then grouped by source coverage: the source
//! sentence boundaries both alignments share cut the text into blocks, and each block is
//! classified by how many beads each side has there:
//! * one bead on each side: **unchanged** when the target text is the same (whitespace
//!   aside), **changed** otherwise (with a word-level diff), **added** or **removed** when the
//!   target was empty on one side;
//! * one old bead, several new ones: **split**; the reverse: **merged**; several on both
//!   sides: **regrouped**.
//!
//! Target sentences with no source (`0-1` beads) between blocks are matched by text:
//! **added** and **removed** are those only one side has. Scores and target indices do not
//! count: a bead that moved because a sentence was inserted before it is unchanged.
//!
//! The result renders ([`render`]) as text (unified-diff-like, or coloured for a terminal),
//! JSON or a self-contained HTML page. Data in, strings out.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Serialize;
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};

use super::Document;
use crate::text::clip;

mod render;
pub use render::{summary_line, to_html, to_json, to_text};

/// How one place of the text differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Unchanged,
    /// Same source sentences, different target text.
    Changed,
    /// One old bead's source sentences spread over several new beads.
    Split,
    /// Several old beads' source sentences in one new bead.
    Merged,
    /// Several beads on both sides, grouped differently.
    Regrouped,
    /// Target text only the new alignment has.
    Added,
    /// Target text only the old alignment has.
    Removed,
}

impl ChangeKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeKind::Unchanged => "unchanged",
            ChangeKind::Changed => "changed",
            ChangeKind::Split => "split",
            ChangeKind::Merged => "merged",
            ChangeKind::Regrouped => "regrouped",
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
        }
    }
}

/// One word-diff operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WordOp {
    Equal,
    Delete,
    Insert,
}

/// A run of text the word diff keeps, deletes or inserts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    pub op: WordOp,
    pub text: String,
}

/// One block of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The source sentences concerned; empty (at a position) for target-only beads.
    pub source: Range<u32>,
    /// Indices of the old alignment's beads in this block.
    pub old: Vec<usize>,
    /// Indices of the new alignment's beads in this block.
    pub new: Vec<usize>,
    /// Word diff of the old and new target texts, for everything but unchanged, added and
    /// removed blocks.
    pub words: Vec<Word>,
}

/// How many blocks of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub unchanged: usize,
    pub changed: usize,
    pub split: usize,
    pub merged: usize,
    pub regrouped: usize,
    pub added: usize,
    pub removed: usize,
}

impl Counts {
    /// Whether anything differs.
    pub fn differ(&self) -> bool {
        self.changed + self.split + self.merged + self.regrouped + self.added + self.removed > 0
    }

    fn count(&mut self, kind: ChangeKind) {
        *match kind {
            ChangeKind::Unchanged => &mut self.unchanged,
            ChangeKind::Changed => &mut self.changed,
            ChangeKind::Split => &mut self.split,
            ChangeKind::Merged => &mut self.merged,
            ChangeKind::Regrouped => &mut self.regrouped,
            ChangeKind::Added => &mut self.added,
            ChangeKind::Removed => &mut self.removed,
        } += 1;
    }

    /// "1 changed, 1 split, 0 merged, 0 regrouped, 2 added, 0 removed, 70 unchanged"
    pub fn line(&self) -> String {
        format!(
            "{} changed, {} split, {} merged, {} regrouped, {} added, {} removed, {} unchanged",
            self.changed,
            self.split,
            self.merged,
            self.regrouped,
            self.added,
            self.removed,
            self.unchanged
        )
    }
}

/// The comparison of two alignments.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// Every block in text order, unchanged ones included.
    pub changes: Vec<Change>,
    pub counts: Counts,
}

/// Why two alignments cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    #[error(
        "{name}: the file does not record sentence indices, which diff needs: compare \
         alignments passerelle wrote as JSON lines, XLIFF, or TSV with its type column"
    )]
    NotIndexed { name: String },
    #[error(
        "{name}: bead {bead} does not follow the one before; a monotone alignment is expected"
    )]
    NotMonotone { name: String, bead: usize },
    #[error("{0}")]
    DifferentSources(String),
}

/// A bead's source and target sentence indices.
type Ranges = (Range<u32>, Range<u32>);

fn ranges(doc: &Document) -> Result<Vec<Ranges>, DiffError> {
    let mut out = Vec::with_capacity(doc.beads.len());
    let mut next = 0u32;
    for (k, b) in doc.beads.iter().enumerate() {
        let (Some(src), Some(tgt)) = (&b.src, &b.tgt) else {
            return Err(DiffError::NotIndexed {
                name: doc.name.clone(),
            });
        };
        if src.start != next {
            return Err(DiffError::NotMonotone {
                name: doc.name.clone(),
                bead: k + 1,
            });
        }
        next = src.end;
        out.push((src.clone(), tgt.clone()));
    }
    Ok(out)
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Refuses alignments of different source texts, saying where they part.
fn same_sources(old: &Document, new: &Document, n_old: u32, n_new: u32) -> Result<(), DiffError> {
    let all = |d: &Document| -> Vec<String> {
        d.beads
            .iter()
            .flat_map(|b| b.source.split_whitespace().map(str::to_string))
            .collect()
    };
    let (a, b) = (all(old), all(new));
    if a != b {
        let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let context = |w: &[String]| -> String {
            let from = at.saturating_sub(3);
            let to = (at + 6).min(w.len());
            let s = w[from.min(w.len())..to].join(" ");
            if s.is_empty() {
                "(end of text)".into()
            } else {
                format!("«{s}»")
            }
        };
        return Err(DiffError::DifferentSources(format!(
            "{} and {} are alignments of different source texts (they part at word {}: {} \
             against {}); diff compares two alignments of the same text",
            old.name,
            new.name,
            at + 1,
            context(&a),
            context(&b)
        )));
    }
    if n_old != n_new {
        return Err(DiffError::DifferentSources(format!(
            "{} and {} hold the same source text split differently ({n_old} and {n_new} \
             source sentences); align both with the same segmentation (--presegmented with \
             one file) to compare them",
            old.name, new.name
        )));
    }
    Ok(())
}

/// Compares two alignments of the same source text.
pub fn diff(old: &Document, new: &Document) -> Result<Diff, DiffError> {
    let old_r = ranges(old)?;
    let new_r = ranges(new)?;
    let n_old = old_r.last().map_or(0, |(s, _)| s.end);
    let n_new = new_r.last().map_or(0, |(s, _)| s.end);
    same_sources(old, new, n_old, n_new)?;

    let ends = |r: &[Ranges]| -> BTreeSet<u32> {
        r.iter()
            .filter(|(s, _)| !s.is_empty())
            .map(|(s, _)| s.end)
            .collect()
    };
    let mut common: Vec<u32> = vec![0];
    common.extend(ends(&old_r).intersection(&ends(&new_r)).copied());
    common.dedup();
    // Slots in text order: gap 2i (at boundary common[i]), block 2i+1 (common[i]..common[i+1]).
    let slot = |src: &Range<u32>| -> usize {
        let i = common.partition_point(|&c| c <= src.start) - 1;
        if src.is_empty() && common[i] == src.start {
            2 * i
        } else {
            2 * i + 1
        }
    };
    let mut slots: BTreeMap<usize, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (k, (s, _)) in old_r.iter().enumerate() {
        slots.entry(slot(s)).or_default().0.push(k);
    }
    for (k, (s, _)) in new_r.iter().enumerate() {
        slots.entry(slot(s)).or_default().1.push(k);
    }

    let mut changes = Vec::new();
    for (slot, (o, n)) in slots {
        let i = slot / 2;
        if slot % 2 == 0 {
            gap(common[i], &o, &n, old, new, &mut changes);
            continue;
        }
        let source = common[i]..common.get(i + 1).copied().unwrap_or(n_old);
        let text = |d: &Document, ks: &[usize]| -> String {
            ks.iter()
                .map(|&k| d.beads[k].source.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        if words(&text(old, &o)) != words(&text(new, &n)) {
            return Err(DiffError::DifferentSources(format!(
                "{} and {} read differently at source sentences {}: «{}» against «{}»; diff \
                 compares two alignments of the same text",
                old.name,
                new.name,
                show_range(&source),
                clip(&text(old, &o), 60),
                clip(&text(new, &n), 60)
            )));
        }
        let count = |r: &[Ranges], ks: &[usize]| ks.iter().filter(|&&k| !r[k].0.is_empty()).count();
        let (ko, kn) = (count(&old_r, &o), count(&new_r, &n));
        let target = |d: &Document, ks: &[usize]| -> String {
            let parts: Vec<&str> = ks
                .iter()
                .map(|&k| d.beads[k].target.trim())
                .filter(|t| !t.is_empty())
                .collect();
            parts.join(" ")
        };
        let (a, b) = (target(old, &o), target(new, &n));
        let kind = match (ko, kn) {
            (1, 1) if words(&a) == words(&b) => ChangeKind::Unchanged,
            (1, 1) if a.trim().is_empty() => ChangeKind::Added,
            (1, 1) if b.trim().is_empty() => ChangeKind::Removed,
            (1, 1) => ChangeKind::Changed,
            (1, _) => ChangeKind::Split,
            (_, 1) => ChangeKind::Merged,
            _ => ChangeKind::Regrouped,
        };
        let words = match kind {
            ChangeKind::Unchanged | ChangeKind::Added | ChangeKind::Removed => Vec::new(),
            _ => word_diff(&a, &b),
        };
        changes.push(Change {
            kind,
            source,
            old: o,
            new: n,
            words,
        });
    }
    let mut counts = Counts::default();
    for c in &changes {
        counts.count(c.kind);
    }
    Ok(Diff { changes, counts })
}

/// Target-only beads between two blocks, matched by text.
fn gap(at: u32, o: &[usize], n: &[usize], old: &Document, new: &Document, out: &mut Vec<Change>) {
    let texts = |d: &Document, ks: &[usize]| -> Vec<String> {
        ks.iter().map(|&k| words(&d.beads[k].target)).collect()
    };
    let (a, b) = (texts(old, o), texts(new, n));
    let change = |kind, old: Vec<usize>, new: Vec<usize>, words: Vec<Word>| Change {
        kind,
        source: at..at,
        old,
        new,
        words,
    };
    for op in similar::capture_diff_slices(Algorithm::Myers, &a, &b) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for d in 0..len {
                    out.push(change(
                        ChangeKind::Unchanged,
                        vec![o[old_index + d]],
                        vec![n[new_index + d]],
                        Vec::new(),
                    ));
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for d in 0..old_len {
                    out.push(change(
                        ChangeKind::Removed,
                        vec![o[old_index + d]],
                        vec![],
                        vec![],
                    ));
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for d in 0..new_len {
                    out.push(change(
                        ChangeKind::Added,
                        vec![],
                        vec![n[new_index + d]],
                        vec![],
                    ));
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for d in 0..old_len.max(new_len) {
                    match (d < old_len, d < new_len) {
                        (true, true) => out.push(change(
                            ChangeKind::Changed,
                            vec![o[old_index + d]],
                            vec![n[new_index + d]],
                            word_diff(&a[old_index + d], &b[new_index + d]),
                        )),
                        (true, false) => out.push(change(
                            ChangeKind::Removed,
                            vec![o[old_index + d]],
                            vec![],
                            vec![],
                        )),
                        _ => out.push(change(
                            ChangeKind::Added,
                            vec![],
                            vec![n[new_index + d]],
                            vec![],
                        )),
                    }
                }
            }
        }
    }
}

/// Word-level diff, with runs of the same operation joined.
pub fn word_diff(old: &str, new: &str) -> Vec<Word> {
    let (old, new) = (words(old), words(new));
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_words(&old, &new);
    let mut out: Vec<Word> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => WordOp::Equal,
            ChangeTag::Delete => WordOp::Delete,
            ChangeTag::Insert => WordOp::Insert,
        };
        let value = change.value();
        // A space between two changed words belongs to the change, not between two of them.
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(value),
            _ => out.push(Word {
                op,
                text: value.to_string(),
            }),
        }
    }
    out
}

/// A range of source sentences as people count them (from 1).
fn show_range(r: &Range<u32>) -> String {
    match r.len() {
        0 => format!("after {}", r.start),
        1 => (r.start + 1).to_string(),
        _ => format!("{}-{}", r.start + 1, r.end),
    }
}

/// The formats a diff is written in: the one list `diff --format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    Text,
    Json,
    Html,
}

impl DiffFormat {
    pub const ALL: [DiffFormat; 3] = [DiffFormat::Text, DiffFormat::Json, DiffFormat::Html];

    pub fn name(self) -> &'static str {
        match self {
            DiffFormat::Text => "text",
            DiffFormat::Json => "json",
            DiffFormat::Html => "html",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            DiffFormat::Text => "unified-diff-like text, coloured on a terminal",
            DiffFormat::Json => "one JSON document",
            DiffFormat::Html => "a self-contained HTML page",
        }
    }

    /// The diff in this format; `colour` asks the text format for ANSI colours.
    pub fn render(self, diff: &Diff, old: &Document, new: &Document, colour: bool) -> Vec<u8> {
        match self {
            DiffFormat::Text => to_text(diff, old, new, colour).into_bytes(),
            DiffFormat::Json => to_json(diff, old, new),
            DiffFormat::Html => to_html(diff, old, new, crate::GENERATOR).into_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::BeadRecord;
    use crate::text::Lang;

    /// A document from `(src range, tgt range, source, target)` beads.
    fn doc(name: &str, beads: &[(Range<u32>, Range<u32>, &str, &str)]) -> Document {
        Document {
            name: name.into(),
            src_lang: Lang::Fr,
            tgt_lang: Lang::En,
            beads: beads
                .iter()
                .map(|(s, t, a, b)| BeadRecord {
                    source: a.to_string(),
                    target: b.to_string(),
                    src: Some(s.clone()),
                    tgt: Some(t.clone()),
                    kind: None,
                    score: Some(0.9),
                    review: false,
                })
                .collect(),
            findings: Vec::new(),
        }
    }

    #[test]
    fn equal_alignments_do_not_differ() {
        let a = doc(
            "a",
            &[(0..1, 0..1, "Un.", "One."), (1..2, 1..2, "Deux.", "Two.")],
        );
        let d = diff(&a, &a).unwrap();
        assert!(!d.counts.differ());
        assert_eq!(d.counts.unchanged, 2);
        assert!(to_text(&d, &a, &a, false).starts_with("diff: no differences"));
    }

    #[test]
    fn every_kind_of_change() {
        let old = doc(
            "old",
            &[
                (0..1, 0..1, "Un.", "One."),
                (1..2, 1..2, "Deux.", "Two."),
                (2..4, 2..3, "Trois. Quatre.", "Three and four."),
                (4..5, 3..4, "Cinq.", "Five."),
                (5..6, 4..5, "Six.", "Six."),
                (6..7, 5..5, "Sept.", ""),
                (7..7, 5..6, "", "Extra old."),
                (7..8, 6..7, "Huit.", "Eight."),
                (8..9, 7..8, "Neuf.", "Nine."),
            ],
        );
        let new = doc(
            "new",
            &[
                (0..1, 0..1, "Un.", "One."),
                (1..2, 1..2, "Deux.", "Two, really."),
                (2..3, 2..3, "Trois.", "Three."),
                (3..4, 3..4, "Quatre.", "Four."),
                (4..6, 4..5, "Cinq. Six.", "Five, six."),
                (6..7, 5..6, "Sept.", "Seven."),
                (7..8, 6..7, "Huit.", "Eight."),
                (8..8, 7..8, "", "Extra new."),
                (8..9, 8..9, "Neuf.", "Nine."),
            ],
        );
        let d = diff(&old, &new).unwrap();
        let kinds: Vec<ChangeKind> = d.changes.iter().map(|c| c.kind).collect();
        use ChangeKind::*;
        assert_eq!(
            kinds,
            [Unchanged, Changed, Split, Merged, Added, Removed, Unchanged, Added, Unchanged]
        );
        assert_eq!(
            d.counts,
            Counts {
                unchanged: 3,
                changed: 1,
                split: 1,
                merged: 1,
                regrouped: 0,
                added: 2,
                removed: 1
            }
        );
        let changed = &d.changes[1];
        assert_eq!(
            changed.words,
            [
                Word {
                    op: WordOp::Delete,
                    text: "Two.".into()
                },
                Word {
                    op: WordOp::Insert,
                    text: "Two, really.".into()
                }
            ]
        );
        let text = to_text(&d, &old, &new, false);
        assert!(text.starts_with("--- old\n+++ new\n@@ changed · source sentence 2 · OLD bead 2 → NEW bead 2 @@\n  fr: Deux.\n- en: [1]:[1] Two.\n+ en: [1]:[1] Two, really.\n~ en: [-Two.-]{+Two, really.+}\n"), "{text}");
        assert!(
            text.contains("@@ split · source sentences 3-4 · OLD bead 3 → NEW beads 3-4 @@"),
            "{text}"
        );
        assert!(text.ends_with("diff: OLD 9 beads, NEW 9: 1 changed, 1 split, 1 merged, 0 regrouped, 2 added, 1 removed, 3 unchanged\n"), "{text}");
        let json: serde_json::Value = serde_json::from_slice(&to_json(&d, &old, &new)).unwrap();
        assert_eq!(json["summary"]["split"], 1);
        assert_eq!(json["summary"]["equal"], false);
        assert_eq!(json["changes"].as_array().unwrap().len(), 6);
        assert_eq!(json["changes"][1]["new"][1]["src"], serde_json::json!([3]));
        let html = to_html(&d, &old, &new, "passerelle test");
        assert!(
            html.contains(
                "<td class=\"old\"><del>Two.</del></td><td class=\"new\"><ins>Two, really.</ins></td>"
            ),
            "{html}"
        );
    }

    #[test]
    fn regrouped_blocks() {
        let old = doc(
            "o",
            &[(0..2, 0..1, "A. B.", "ab"), (2..3, 1..3, "C.", "c d")],
        );
        let new = doc(
            "n",
            &[(0..1, 0..2, "A.", "a b"), (1..3, 2..3, "B. C.", "cd")],
        );
        let d = diff(&old, &new).unwrap();
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].kind, ChangeKind::Regrouped);
        assert_eq!(d.changes[0].source, 0..3);
    }

    #[test]
    fn different_sources_are_refused() {
        let a = doc("a", &[(0..1, 0..1, "Un.", "One.")]);
        let b = doc("b", &[(0..1, 0..1, "Une.", "One.")]);
        let e = diff(&a, &b).unwrap_err();
        assert!(e.to_string().contains("different source texts"), "{e}");
        let c = doc("c", &[(0..2, 0..1, "Un. Deux.", "One.")]);
        let d = doc("d", &[(0..1, 0..1, "Un. Deux.", "One.")]);
        let e = diff(&c, &d).unwrap_err();
        assert!(e.to_string().contains("split differently"), "{e}");
        let mut e = doc("e", &[(0..1, 0..1, "Un.", "One.")]);
        e.beads[0].src = None;
        assert!(matches!(diff(&e, &a), Err(DiffError::NotIndexed { .. })));
    }
}
