//! `passerelle eval align`: precision, recall and F1 of alignments against gold alignments.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::align::eval::{Counts, IndexPair, Scores};
use crate::error::{show_path, Error};
use crate::formats;

pub(crate) const LONG_ABOUT: &str = "\
Measure the quality of a stage against hand-made references.

`eval align` scores alignments against gold alignments with the definitions used for the \
published figures on the Bleualign test set (Vecalign, Bertalign): strict precision counts \
hypothesis beads that are exactly gold beads (insertions and deletions included); lax \
precision also accepts a bead sharing a (source, target) sentence link with a gold bead; \
recall is judged the same way over gold beads with both sides non-empty. Counts are summed \
over documents before dividing (micro-average). Gold beads may be non-contiguous.

Examples:
  passerelle eval align --gold test0.gold.beads hyp0.beads
  passerelle eval align --gold g0 --gold g1 h0 h1 --format json";

#[derive(Debug, Subcommand)]
pub(crate) enum EvalCommand {
    /// Score alignments (beads files, or JSON lines written by `passerelle align`) against
    /// gold beads files; per file and in total.
    Align(EvalAlignArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EvalFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct EvalAlignArgs {
    /// A gold alignment, `[i,...]:[j,...]` per line; repeat for several documents, in the
    /// same order as the hypotheses.
    #[arg(long, required = true, value_name = "GOLD")]
    gold: Vec<PathBuf>,

    /// The alignments to score (beads or JSON lines), one per gold file.
    #[arg(required = true, value_name = "HYP")]
    hyp: Vec<PathBuf>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = EvalFormat::Text)]
    format: EvalFormat,
}

#[derive(Serialize)]
struct FileReport {
    gold: String,
    hyp: String,
    #[serde(flatten)]
    scores: Scores,
    counts: Counts,
}

#[derive(Serialize)]
struct Report {
    files: Vec<FileReport>,
    total: Scores,
    counts: Counts,
}

pub(crate) fn run(command: EvalCommand, _verbosity: Verbosity) -> Result<Outcome, Failure> {
    let EvalCommand::Align(args) = command;
    if args.gold.len() != args.hyp.len() {
        return Err(Error::Input(format!(
            "{} gold file(s) but {} hypothesis file(s): give one hypothesis per --gold",
            args.gold.len(),
            args.hyp.len()
        ))
        .into());
    }
    let mut total = Counts::default();
    let mut files = Vec::new();
    for (gold, hyp) in args.gold.iter().zip(&args.hyp) {
        let counts = Counts::of(&read_beads(gold)?, &read_beads(hyp)?);
        total.add(&counts);
        files.push(FileReport {
            gold: show_path(gold),
            hyp: show_path(hyp),
            scores: counts.scores(),
            counts,
        });
    }
    let report = Report {
        files,
        total: total.scores(),
        counts: total,
    };
    let mut out = Output::stdout();
    match args.format {
        EvalFormat::Json => {
            let mut bytes =
                serde_json::to_vec_pretty(&report).expect("serialising to memory cannot fail");
            bytes.push(b'\n');
            out.write_all(&bytes)?;
        }
        EvalFormat::Text => {
            let mut text = String::new();
            text.push_str("file                              strict P  strict R  strict F1   lax P   lax R  lax F1\n");
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
            for f in &report.files {
                text.push_str(&row(&shorten(&f.hyp, 32), &f.scores));
            }
            text.push_str(&row(
                &format!("total ({} documents)", total.documents),
                &report.total,
            ));
            text.push_str(&format!(
                "{} gold beads, {} hypothesis beads\n",
                total.gold_beads, total.hyp_beads
            ));
            out.write_all(text.as_bytes())?;
        }
    }
    out.finish()?;
    let _ = std::io::stderr().flush();
    Ok(Outcome::Ok)
}

fn shorten(name: &str, width: usize) -> String {
    let n = name.chars().count();
    if n <= width {
        name.to_string()
    } else {
        format!("…{}", name.chars().skip(n - width + 1).collect::<String>())
    }
}

/// Reads beads as written: a beads file, or the `src`/`tgt` lists of JSON lines.
fn read_beads(path: &Path) -> Result<Vec<IndexPair>, Failure> {
    Ok(formats::beads::read_file(path)?
        .into_iter()
        .map(|b| (b.src, b.tgt))
        .collect())
}
