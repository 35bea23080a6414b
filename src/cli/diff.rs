//! `passerelle diff`: compares two alignments of the same source text and exits like `diff`
//! (0 equal, 1 different, 2 trouble), so that CI can gate on it.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::pipeline::checked::read_whole_document;
use crate::review::diff::{self, DiffFormat};

pub(crate) const LONG_ABOUT: &str = "\
Compare two alignments of the same source text: before and after a re-translation, aligner A \
against aligner B, a hypothesis against a gold alignment.

Beads are compared by the source sentences they cover: unchanged (same source sentences, same \
target text), changed (same source sentences, different target text, with a word-level diff), \
split (one old bead's source sentences spread over several new beads), merged (the reverse), \
regrouped (several beads on both sides, grouped differently), added and removed (target text \
only one side has). A summary line counts each kind.

Both files must record sentence indices: JSON lines or XLIFF written by passerelle, or TSV \
with its type column (TMX leaves out beads with an empty side, so it cannot be compared). \
Alignments of different source texts are refused with a message saying where they differ.

Formats:
  text   unified-diff-like: a @@ header per change, the source, `-` old and `+` new targets
         with their bead indices, and a `~` line with the word diff; coloured on a terminal
  json   {\"old\", \"new\", \"summary\": {changed, split, merged, regrouped, added, removed,
         unchanged, equal}, \"changes\": [{kind, source, old: [beads], new: [beads], words}]}
  html   a self-contained page with the changes side by side

Exit status: 0 the alignments are the same; 1 they differ; 2 bad usage, unreadable or \
incomparable input.

Examples:
  passerelle diff before/article.jsonl out/article.jsonl
  passerelle diff gold.jsonl out/article.jsonl --format json -o diff.json
  passerelle diff a.xlf b.xlf --format html -o diff.html";

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The first alignment (JSON lines, XLIFF, or TSV with types).
    #[arg(value_name = "OLD")]
    old: PathBuf,

    /// The second alignment of the same source text.
    #[arg(value_name = "NEW")]
    new: PathBuf,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,

    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    out: Option<PathBuf>,

    #[command(flatten)]
    langs: super::Languages,
}

pub(crate) fn run(args: DiffArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let (from, to) = (&args.langs.src_lang, &args.langs.tgt_lang);
    let docs = [
        read_whole_document(&args.old, from, to)?,
        read_whole_document(&args.new, from, to)?,
    ];
    let (old, new) = (&docs[0], &docs[1]);
    let result = diff::diff(old, new)?;
    let mut out = Output::to(args.out.clone());
    let to_stdout = out.is_stdout();
    let bytes = args.format.render(&result, old, new, out.colour());
    out.write_all(&bytes)?;
    out.finish()?;
    if verbosity > Verbosity::Quiet && (!to_stdout || args.format != DiffFormat::Text) {
        let _ = writeln!(
            std::io::stderr(),
            "passerelle: {}",
            diff::summary_line(&result, old, new)
        );
    }
    Ok(if result.counts.differ() {
        Outcome::Findings
    } else {
        Outcome::Ok
    })
}
