//! `passerelle review`: an alignment file side by side in the terminal, wrapped to its width,
//! flagged beads marked; or, with `--html`, the self-contained review report for it.
//!
//! Also the reading of alignment files into review documents, which `passerelle diff` shares.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::check::{self, Level, Options, Rule};
use crate::error::show_path;
use crate::files;
use crate::formats::aligned::{self, AlignmentFile};
use crate::glossary::Glossary;
use crate::review::{self, Document, ReviewBead};
use crate::text::Lang;

pub(crate) const LONG_ABOUT: &str = "\
Show an alignment side by side in the terminal: bead number, source and target wrapped in two \
columns to the terminal's width (100 columns when the output is not a terminal, or --width), \
bead type and confidence. Flagged beads have a `!` in the margin: low confidence, or findings \
when --glossary is given (the findings follow the bead).

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

    /// Language of the source.
    #[arg(long, default_value = "fr", value_name = "LANG")]
    src_lang: Lang,

    /// Language of the target.
    #[arg(long, default_value = "en", value_name = "LANG")]
    tgt_lang: Lang,

    /// Severity of a rule, or `off` (repeatable): e.g. --severity length-ratio=off.
    #[arg(long = "severity", value_name = "RULE=LEVEL", value_parser = parse_severity)]
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

fn parse_severity(s: &str) -> Result<(Rule, Level), String> {
    let (rule, level) = s
        .split_once('=')
        .ok_or_else(|| format!("expected RULE=LEVEL, e.g. length-ratio=off, not '{s}'"))?;
    Ok((rule.trim().parse()?, level.trim().parse()?))
}

/// Reads an alignment file into a review document named after the file.
pub(crate) fn read_document(
    path: &Path,
    src_lang: &Lang,
    tgt_lang: &Lang,
) -> Result<(Document, AlignmentFile), Failure> {
    let text = files::read_text(path)?;
    let file = aligned::parse(path, &text, src_lang, tgt_lang)?;
    let doc = Document {
        name: show_path(path),
        src_lang: src_lang.clone(),
        tgt_lang: tgt_lang.clone(),
        beads: file
            .records
            .iter()
            .map(|r| ReviewBead {
                source: r.source.clone(),
                target: r.target.clone(),
                src: r.src.clone(),
                tgt: r.tgt.clone(),
                kind: r.kind,
                score: r.score,
                review: r.review,
            })
            .collect(),
        findings: Vec::new(),
    };
    Ok((doc, file))
}

pub(crate) fn run(args: ReviewArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let (mut doc, _) = read_document(&args.alignment, &args.src_lang, &args.tgt_lang)?;
    let glossary = match &args.glossary {
        Some(path) => {
            let g = Glossary::load_for(path, &args.src_lang, &args.tgt_lang)
                .map_err(|e| Failure::Message(e.to_string()))?;
            let mut options = Options::default();
            for (rule, level) in &args.severity {
                options.severity.insert(*rule, *level);
            }
            doc.findings = check::check(&doc.bitext(), &g, &options);
            Some(g)
        }
        None => None,
    };
    if let Some(out) = &args.html {
        let generator = concat!("passerelle ", env!("CARGO_PKG_VERSION"));
        let title = args.alignment.file_name().map_or_else(
            || show_path(&args.alignment),
            |n| n.to_string_lossy().into_owned(),
        );
        let html = review::html::render(&review::html::Report {
            title: &title,
            documents: std::slice::from_ref(&doc),
            glossary: glossary.as_ref(),
            generator,
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
    let colour = anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never;
    let view = review::terminal::render(
        std::slice::from_ref(&doc),
        &review::terminal::Options {
            width,
            colour,
            only_flagged: args.only_flagged,
        },
    );
    let mut out = Output::stdout();
    out.write_all(view.as_bytes())?;
    out.finish()?;
    Ok(Outcome::Ok)
}
