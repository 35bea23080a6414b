//! Alignment scores as `passerelle eval align` reports them: a table for people (one row per
//! document and a total) or one JSON document. Data in, bytes out.

use serde::Serialize;

use crate::align::eval::{Counts, Scores};

/// How `eval align` writes its scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreFormat {
    Text,
    Json,
}

impl ScoreFormat {
    pub const ALL: [ScoreFormat; 2] = [ScoreFormat::Text, ScoreFormat::Json];

    pub fn name(self) -> &'static str {
        match self {
            ScoreFormat::Text => "text",
            ScoreFormat::Json => "json",
        }
    }
}

/// The scores of one hypothesis file against its gold file.
#[derive(Debug, Clone, Serialize)]
pub struct FileScores {
    pub gold: String,
    pub hyp: String,
    #[serde(flatten)]
    pub scores: Scores,
    pub counts: Counts,
}

/// Every file's scores and the micro-averaged total.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreReport {
    pub files: Vec<FileScores>,
    pub total: Scores,
    pub counts: Counts,
}

impl ScoreReport {
    /// The report of files scored from their counts (summed for the total before dividing).
    pub fn new(files: Vec<(String, String, Counts)>) -> ScoreReport {
        let mut total = Counts::default();
        let files = files
            .into_iter()
            .map(|(gold, hyp, counts)| {
                total.add(&counts);
                FileScores {
                    gold,
                    hyp,
                    scores: counts.scores(),
                    counts,
                }
            })
            .collect();
        ScoreReport {
            files,
            total: total.scores(),
            counts: total,
        }
    }

    pub fn render(&self, format: ScoreFormat) -> Vec<u8> {
        match format {
            ScoreFormat::Text => self.to_text(),
            ScoreFormat::Json => self.to_json(),
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("serialising to memory cannot fail");
        bytes.push(b'\n');
        bytes
    }

    /// A table: strict and lax precision, recall and F1 per hypothesis file, then the total.
    pub fn to_text(&self) -> Vec<u8> {
        let mut text = String::from(
            "file                              strict P  strict R  strict F1   lax P   lax R  lax F1\n",
        );
        let row = |name: &str, s: &Scores| {
            format!(
                "{name:<32}  {:>8.4}  {:>8.4}  {:>9.4}  {:>6.4}  {:>6.4}  {:>6.4}\n",
                s.precision_strict,
                s.recall_strict,
                s.f1_strict,
                s.precision_lax,
                s.recall_lax,
                s.f1_lax
            )
        };
        for f in &self.files {
            text += &row(&shorten(&f.hyp, 32), &f.scores);
        }
        let total = format!("total ({} documents)", self.counts.documents);
        text += &row(&total, &self.total);
        text += &format!(
            "{} gold beads, {} hypothesis beads\n",
            self.counts.gold_beads, self.counts.hyp_beads
        );
        text.into_bytes()
    }
}

/// `name` in at most `width` characters, its start replaced by `…` when too long.
fn shorten(name: &str, width: usize) -> String {
    let n = name.chars().count();
    if n <= width {
        name.to_string()
    } else {
        format!("…{}", name.chars().skip(n - width + 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_sums_counts_before_dividing() {
        let gold = vec![(vec![0], vec![0]), (vec![1], vec![1])];
        let perfect = Counts::of(&gold, &gold);
        let wrong = Counts::of(&gold, &[(vec![0, 1], vec![0, 1])]);
        let report = ScoreReport::new(vec![
            ("g0".into(), "h0".into(), perfect),
            ("g1".into(), "h1".into(), wrong),
        ]);
        assert_eq!(report.files[0].scores.f1_strict, 1.0);
        assert_eq!(report.counts.documents, 2);
        let text = String::from_utf8(report.to_text()).unwrap();
        assert!(text.contains("total (2 documents)"), "{text}");
        assert_eq!(shorten("abcdef", 4), "…def");
    }
}
