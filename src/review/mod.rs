//! Showing alignments to people: the self-contained HTML report ([`html`]), the side-by-side
//! terminal view ([`terminal`]) and the comparison of two alignments of one text ([`diff`]).
//!
//! Everything here works on a [`Document`]: the beads of one aligned text (source and target
//! text, sentence indices and confidence where known, the review flag) and the findings of a
//! check, whose `segment` is the bead's index. A document comes from an [`AlignedDoc`] (the
//! pipeline) or from the [`BeadRecord`]s of an alignment file (`formats::aligned::read`). [`Highlighter`] finds
//! glossary terms in bead texts, for highlighting. Data in, strings out: this module reads no
//! file and prints nothing.

pub mod diff;
pub mod html;
pub mod terminal;

use std::collections::BTreeMap;
use std::ops::Range;

use crate::align::{AlignedDoc, BeadKind, BeadRecord};
use crate::check::{Counts, Finding, Rule};
use crate::glossary::matcher::{Hit, Matcher, MatcherBuilder, Verify};
use crate::glossary::{Glossary, Kind};
use crate::text::{Bitext, Lang, Pair, Span};

/// One aligned text, as reviewers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// What the document is called in reports (its project name or file name).
    pub name: String,
    pub src_lang: Lang,
    pub tgt_lang: Lang,
    pub beads: Vec<BeadRecord>,
    /// Findings about the beads; `segment` is the bead's index in `beads`.
    pub findings: Vec<Finding>,
}

impl Document {
    /// A document of beads, without findings.
    pub fn new(
        name: impl Into<String>,
        src_lang: &Lang,
        tgt_lang: &Lang,
        beads: Vec<BeadRecord>,
    ) -> Document {
        Document {
            name: name.into(),
            src_lang: src_lang.clone(),
            tgt_lang: tgt_lang.clone(),
            beads,
            findings: Vec::new(),
        }
    }

    /// A document from an alignment in memory, without findings.
    pub fn from_aligned(name: impl Into<String>, doc: &AlignedDoc) -> Document {
        Document::new(name, &doc.src_lang, &doc.tgt_lang, doc.records())
    }

    /// The beads as pairs of text, for checking.
    pub fn bitext(&self) -> Bitext {
        Bitext {
            src_lang: self.src_lang.clone(),
            tgt_lang: self.tgt_lang.clone(),
            pairs: self
                .beads
                .iter()
                .map(|b| Pair {
                    src: b.source.clone(),
                    tgt: b.target.clone(),
                    low_confidence: b.review,
                    ..Pair::default()
                })
                .collect(),
        }
    }

    /// The findings about bead `k`.
    pub fn findings_of(&self, k: usize) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.segment == k)
    }

    /// Whether bead `k` needs a look: low confidence, or findings.
    pub fn flagged(&self, k: usize) -> bool {
        self.beads.get(k).is_some_and(|b| b.review) || self.findings_of(k).next().is_some()
    }

    /// Counts for summaries.
    pub fn stats(&self) -> Stats {
        let mut s = Stats {
            beads: self.beads.len(),
            ..Stats::default()
        };
        for (k, b) in self.beads.iter().enumerate() {
            if let Some(kind) = b.kind {
                *s.kinds.entry(kind).or_insert(0) += 1;
            }
            s.low_confidence += usize::from(b.review);
            s.flagged += usize::from(self.flagged(k));
            if let (Some(src), Some(tgt)) = (&b.src, &b.tgt) {
                s.src_sentences = s.src_sentences.max(src.end as usize);
                s.tgt_sentences = s.tgt_sentences.max(tgt.end as usize);
            }
        }
        for f in &self.findings {
            *s.rules.entry(f.rule).or_insert(0) += 1;
        }
        s.counts = Counts::of(&self.findings);
        s
    }
}

/// What a document holds, in numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub beads: usize,
    /// Sentences on each side (0 when the indices are not known).
    pub src_sentences: usize,
    pub tgt_sentences: usize,
    pub kinds: BTreeMap<BeadKind, usize>,
    pub low_confidence: usize,
    /// Beads with low confidence or findings.
    pub flagged: usize,
    pub rules: BTreeMap<Rule, usize>,
    pub counts: Counts,
}

impl Stats {
    /// Adds another document's numbers.
    pub fn add(&mut self, other: &Stats) {
        self.beads += other.beads;
        self.src_sentences += other.src_sentences;
        self.tgt_sentences += other.tgt_sentences;
        for (k, n) in &other.kinds {
            *self.kinds.entry(*k).or_insert(0) += n;
        }
        self.low_confidence += other.low_confidence;
        self.flagged += other.flagged;
        for (r, n) in &other.rules {
            *self.rules.entry(*r).or_insert(0) += n;
        }
        self.counts.errors += other.counts.errors;
        self.counts.warnings += other.counts.warnings;
        self.counts.infos += other.counts.infos;
    }

    /// "1-1 58, 2-1 1, 0-1 7"
    pub fn kinds_line(&self) -> String {
        let mut kinds: Vec<(&BeadKind, &usize)> = self.kinds.iter().collect();
        // The usual shapes first: 1-1, then merges and splits, then insertions and deletions.
        kinds.sort_by_key(|(k, _)| (k.0 == 0 || k.1 == 0, k.0 + k.1, **k));
        let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        parts.join(", ")
    }
}

/// What a highlighted stretch of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mark {
    /// A glossary term or name, or an accepted rendering of one.
    Term,
    /// A rendering the glossary forbids.
    Forbidden,
}

/// A glossary form found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub span: Span,
    pub mark: Mark,
    /// What to say on hover: the entry and its renderings.
    pub title: String,
}

/// Finds glossary forms in source and target texts, for highlighting: terms and names in the
/// source, their renderings and forbidden renderings in the target. Overlapping forms are
/// resolved leftmost-longest.
pub struct Highlighter {
    src: Option<Matcher>,
    tgt: Option<Matcher>,
    /// Per form tag: its mark and hover text.
    tags: Vec<(Mark, String)>,
}

impl Highlighter {
    pub fn new(glossary: &Glossary, src_lang: &Lang, tgt_lang: &Lang) -> Highlighter {
        let mut src = MatcherBuilder::new(src_lang);
        let mut tgt = MatcherBuilder::new(tgt_lang);
        let mut tags: Vec<(Mark, String)> = Vec::new();
        for entry in glossary.entries() {
            let sources = entry.forms(src_lang);
            let targets = entry.forms(tgt_lang);
            let verify = |form: &str| {
                if entry.case_sensitive(form) {
                    Verify::CaseSensitive
                } else {
                    Verify::Folded
                }
            };
            let note = entry
                .note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            match entry.kind {
                Kind::Term | Kind::Name => {
                    let shown = if targets.is_empty() { sources } else { targets };
                    if sources.is_empty() || (entry.kind == Kind::Term && targets.is_empty()) {
                        continue;
                    }
                    let what = if entry.kind == Kind::Name {
                        "name"
                    } else {
                        "term"
                    };
                    let title = format!(
                        "glossary {what}: {} → {}{note}",
                        sources[0],
                        shown.join(" | ")
                    );
                    let tag = tags.len();
                    tags.push((Mark::Term, title));
                    for form in sources {
                        let _ = src.add(form, tag, verify(form));
                    }
                    for form in shown {
                        let v = if entry.kind == Kind::Name {
                            Verify::Exact
                        } else {
                            verify(form)
                        };
                        let _ = tgt.add(form, tag, v);
                    }
                }
                Kind::Forbidden => {
                    if targets.is_empty()
                        || entry.forbidden_in.as_ref().is_some_and(|l| l != tgt_lang)
                    {
                        continue;
                    }
                    let condition = match sources.first() {
                        Some(s) => format!(" for {s}"),
                        None => String::new(),
                    };
                    let tag = tags.len();
                    tags.push((
                        Mark::Forbidden,
                        format!("forbidden rendering{condition}{note}"),
                    ));
                    for form in targets {
                        let _ = tgt.add(form, tag, verify(form));
                    }
                }
            }
        }
        let src = src.build();
        let tgt = tgt.build();
        Highlighter {
            src: (!src.forms().is_empty()).then_some(src),
            tgt: (!tgt.forms().is_empty()).then_some(tgt),
            tags,
        }
    }

    /// Glossary forms in a source text, in order, not overlapping.
    pub fn source(&self, text: &str) -> Vec<Highlight> {
        self.find(self.src.as_ref(), text)
    }

    /// Renderings and forbidden renderings in a target text, in order, not overlapping.
    pub fn target(&self, text: &str) -> Vec<Highlight> {
        self.find(self.tgt.as_ref(), text)
    }

    fn find(&self, matcher: Option<&Matcher>, text: &str) -> Vec<Highlight> {
        let Some(matcher) = matcher else {
            return Vec::new();
        };
        let mut hits: Vec<Hit> = Vec::new();
        matcher.scanner().scan(text, &mut hits);
        hits.retain(|h| h.verified);
        // Leftmost-longest; forbidden renderings win ties, they matter more.
        hits.sort_by_key(|h| {
            (
                h.span.start,
                std::cmp::Reverse(h.span.end),
                self.tags[h.tag].0 != Mark::Forbidden,
            )
        });
        let mut out: Vec<Highlight> = Vec::new();
        let mut end = 0;
        for h in hits {
            if h.span.start < end {
                continue;
            }
            end = h.span.end;
            let (mark, title) = &self.tags[h.tag];
            out.push(Highlight {
                span: h.span,
                mark: *mark,
                title: title.clone(),
            });
        }
        out
    }
}

/// Splits `text` at the edges of `marks` (spans into it, possibly overlapping) and returns the
/// pieces in order, each with the indices of the marks covering it. Spans out of bounds or
/// off char boundaries are ignored.
pub(crate) fn pieces(text: &str, marks: &[Span]) -> Vec<(Range<usize>, Vec<usize>)> {
    let valid: Vec<(usize, Span)> = marks
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, s)| s.start < s.end && text.get(s.range()).is_some())
        .collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (_, s) in &valid {
        cuts.push(s.start);
        cuts.push(s.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter(|w| w[0] < w[1])
        .map(|w| {
            let covering = valid
                .iter()
                .filter(|(_, s)| s.start <= w[0] && w[1] <= s.end)
                .map(|(k, _)| *k)
                .collect();
            (w[0]..w[1], covering)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn highlights_terms_renderings_and_forbidden_forms() {
        let g = Glossary::parse(
            Path::new("g.tsv"),
            "fr\ten\tkind\tnote\tcase\ninformatique en nuage\tcloud computing\tterm\t\t\nnuage\tcloud\tterm\t\t\nSatya Nadella\t\tname\tCEO\t\n\tethnic cleaning\tforbidden\t\t\n",
        )
        .unwrap();
        let h = Highlighter::new(&g, &Lang::Fr, &Lang::En);
        let src = "L'informatique en nuage selon Satya Nadella.";
        let found = h.source(src);
        let texts: Vec<&str> = found.iter().map(|x| x.span.slice(src)).collect();
        assert_eq!(texts, ["informatique en nuage", "Satya Nadella"]);
        assert!(
            found[1]
                .title
                .contains("name: Satya Nadella → Satya Nadella (CEO)"),
            "{}",
            found[1].title
        );
        let tgt = "Cloud computing and ethnic cleaning, said satya nadella.";
        let found = h.target(tgt);
        let texts: Vec<&str> = found.iter().map(|x| x.span.slice(tgt)).collect();
        // The name in the wrong case is not highlighted as correct.
        assert_eq!(texts, ["Cloud computing", "ethnic cleaning"]);
        assert_eq!(found[1].mark, Mark::Forbidden);
    }

    #[test]
    fn pieces_split_at_every_edge() {
        let p = pieces(
            "abcdef",
            &[Span::new(1, 4), Span::new(3, 5), Span::new(9, 10)],
        );
        assert_eq!(
            p,
            [
                (0..1, vec![]),
                (1..3, vec![0]),
                (3..4, vec![0, 1]),
                (4..5, vec![1]),
                (5..6, vec![])
            ]
        );
    }
}
