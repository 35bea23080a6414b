//! `passerelle review`: an alignment file side by side in the terminal, wrapped to its width,
//! flagged beads marked; or, with `--html`, the self-contained review report for it.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::check::{self, Level, Options, Rule};
use crate::error::show_path;
use crate::files;
use crate::pipeline::checked::{glossary_for, read_document};
use crate::review;

pub(crate) const LONG_ABOUT: &str = "\
Show an alignment side by side in the terminal: bead number, source and target wrapped in two \
columns to the terminal's width (100 columns when the output is not a terminal, or --width), \
bead type and confidence. Flagged beads have a `!` in the margin: low confidence, or findings \
of `passerelle check` (the findings follow the bead): every rule with --glossary, else the \
rules that need none (numbers, untranslated, length, placeholders, markup, URLs).

With --html OUT, write the review report instead: one self-contained HTML file (no network, \
no external assets) with the beads side by side, low-confidence beads shaded, glossary terms \
highlighted in both languages, findings marked with the rule and expected rendering, a filter \
for flagged beads and keyboard navigation (j/k).

Input: an alignment file passerelle wrote (JSON lines, TSV, TMX or XLIFF, told apart by \
extension or content), or any TSV of source<TAB>target.

Examples:
  passerelle review out/microsoft-build.jsonl
  passerelle review out/microsoft-build.tsv -g glossary/microsoft-build.tsv --only-flagged
  passerelle review aligned.xlf -g glossary.tsv --html review.html";

#[derive(Debug, Args)]
pub(crate) struct ReviewArgs {
    /// The alignment file: JSON lines, TSV, TMX or XLIFF.
    #[arg(value_name = "ALIGNMENT")]
    alignment: PathBuf,

    /// Check the beads against this glossary and show the findings (TSV, CSV or TBX).
    #[arg(short, long, value_name = "FILE")]
    glossary: Option<PathBuf>,

    #[command(flatten)]
    langs: super::Languages,

    /// Severity of a rule, or `off` (repeatable): e.g. --severity length-ratio=off.
    #[arg(long = "severity", value_name = "RULE=LEVEL", value_parser = crate::check::parse_severity)]
    severity: Vec<(Rule, Level)>,

    /// Width of the view in columns [default: the terminal's, else 100].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(40..))]
    width: Option<u16>,

    /// Show only flagged beads (low confidence or findings).
    #[arg(long)]
    only_flagged: bool,

    /// Write the HTML review report to this file instead of showing the terminal view.
    #[arg(long, value_name = "OUT")]
    html: Option<PathBuf>,
}

pub(crate) fn run(args: ReviewArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let (from, to) = (&args.langs.src_lang, &args.langs.tgt_lang);
    let mut doc = read_document(&args.alignment, from, to)?;
    let mut options = Options::default();
    options.severity.extend(args.severity.iter().copied());
    let (glossary, options) = glossary_for(args.glossary.as_deref(), from, to, options)?;
    doc.findings = check::check(&doc.bitext(), &glossary, &options);
    if let Some(out) = &args.html {
        let title = args.alignment.file_name().map_or_else(
            || show_path(&args.alignment),
            |n| n.to_string_lossy().into_owned(),
        );
        let html = review::html::render(&review::html::Report {
            title: &title,
            documents: std::slice::from_ref(&doc),
            glossary: args.glossary.as_ref().map(|_| &glossary),
            generator: crate::GENERATOR,
        });
        files::write_atomic(out, html.as_bytes())?;
        if verbosity > Verbosity::Quiet {
            let s = doc.stats();
            let _ = writeln!(
                std::io::stderr(),
                "passerelle: wrote {} ({} beads, {} flagged)",
                show_path(out),
                s.beads,
                s.flagged
            );
        }
        return Ok(Outcome::Ok);
    }
    let stdout = std::io::stdout();
    let width = match args.width {
        Some(w) => usize::from(w),
        None if stdout.is_terminal() => {
            terminal_size::terminal_size_of(&stdout).map_or(100, |(w, _)| usize::from(w.0))
        }
        None => 100,
    };
    let mut out = Output::stdout();
    let view = review::terminal::render(
        std::slice::from_ref(&doc),
        &review::terminal::Options {
            width,
            colour: out.colour(),
            only_flagged: args.only_flagged,
        },
    );
    out.write_all(view.as_bytes())?;
    out.finish()?;
    Ok(Outcome::Ok)
}
