//! `passerelle eval align`: precision, recall and F1 of alignments against gold alignments.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::align::eval::{Counts, IndexPair};
use crate::error::{show_path, Error};
use crate::formats::{self, scores::ScoreFormat, scores::ScoreReport};

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
    #[arg(short, long, value_enum, default_value_t = ScoreFormat::Text)]
    format: ScoreFormat,
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
    let mut files = Vec::new();
    for (gold, hyp) in args.gold.iter().zip(&args.hyp) {
        let counts = Counts::of(&read_beads(gold)?, &read_beads(hyp)?);
        files.push((show_path(gold), show_path(hyp), counts));
    }
    let report = ScoreReport::new(files);
    let mut out = Output::stdout();
    out.write_all(&report.render(args.format))?;
    out.finish()?;
    let _ = std::io::stderr().flush();
    Ok(Outcome::Ok)
}

/// Reads beads as written: a beads file, or the `src`/`tgt` lists of JSON lines.
fn read_beads(path: &Path) -> Result<Vec<IndexPair>, Failure> {
    Ok(formats::beads::read_file(path)?
        .into_iter()
        .map(|b| (b.src, b.tgt))
        .collect())
}
