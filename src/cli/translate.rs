//! `passerelle translate`: a text's sentences (or paragraphs) translated by a chosen backend,
//! as plain lines, TSV or JSON lines, with a progress bar and a summary on standard error.
//!
//! This file turns arguments and environment variables (the API keys) into a backend
//! configuration, picks the cache, and prints; the work itself is `crate::translate`'s.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::backend::{settings, translate_segments, usage, BackendArgs};
use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::files;
use crate::formats::translations::TranslationFormat;
use crate::glossary::Glossary;
use crate::text::Lang;
use crate::translate::settings::BackendName;
use crate::translate::Unit;

const ABOUT_HEAD: &str = "\
Translate a text sentence by sentence (or paragraph by paragraph) with a translation memory, \
a machine translation service, a local language model or an external program.";

const ABOUT_MIDDLE: &str = "\
--endpoint is the base URL as each service's own clients take it: https://api-free.deepl.com, \
http://localhost:5000, http://localhost:11434/v1. With --backend tm, --endpoint, --model and \
the other service options apply to the --fallback backend.

Requests are batched and at most --concurrency of them run at once. Rate limits (429), server \
errors and timeouts are retried with exponential backoff, honouring Retry-After. \
Authentication, quota and bad-request errors stop the run at once with the server's message.

Machine translations are cached in an SQLite file (--cache PATH; by default \
passerelle/translations.sqlite in the platform's cache folder; --no-cache to skip it), keyed \
by backend, endpoint, model, languages, options, glossary and text. A run stopped half-way and \
started again sends only what is missing. Keys are never printed, logged or cached.";

/// The help text, with the formats listed from the library's list.
pub(crate) fn long_about() -> String {
    let backends: Vec<(&str, String)> = BackendName::ALL
        .iter()
        .map(|b| (b.name(), b.details()))
        .collect();
    let formats = TranslationFormat::ALL.map(|f| (f.name(), f.describe().to_string()));
    format!(
        "{ABOUT_HEAD}\n\nBackends (--backend):\n{}\n{ABOUT_MIDDLE}\n\nFormats:\n{}\n{ABOUT_TAIL}",
        super::help_list(&backends),
        super::help_list(&formats)
    )
}

const ABOUT_TAIL: &str = "\
Examples:
  passerelle translate article.fr.txt --memory earlier-work.tmx
  passerelle translate article.fr.txt --memory tm.tsv --fallback deepl --glossary terms.tsv
  DEEPL_AUTH_KEY=...:fx passerelle translate article.fr.txt --backend deepl
  passerelle translate article.fr.txt --backend openai \\
      --endpoint http://localhost:11434/v1 --model qwen2.5:7b
  passerelle translate article.fr.txt --backend command -- translateLocally -m fr-en-tiny

Exit status: 0 success (untranslated segments are reported, not failures); 2 bad usage, bad \
input, or a backend that failed.";

#[derive(Debug, Args)]
pub(crate) struct TranslateArgs {
    /// The text to translate, UTF-8 (`-` for standard input).
    #[arg(value_name = "FILE", default_value = "-")]
    input: PathBuf,

    #[command(flatten)]
    backend: BackendArgs,

    /// Language of the text.
    #[arg(long, default_value = "fr", value_name = "LANG")]
    from: Lang,

    /// Language to translate into.
    #[arg(long, default_value = "en", value_name = "LANG")]
    to: Lang,

    /// Glossary (TSV, CSV or TBX): its terms go to the backend (DeepL glossary, prompt) and are
    /// checked in memory matches.
    #[arg(short, long, value_name = "FILE")]
    glossary: Option<PathBuf>,

    /// What is sent as one segment.
    #[arg(long, value_enum, default_value_t = Unit::Sentence)]
    unit: Unit,

    /// The input has one segment per line already: do not segment it.
    #[arg(long)]
    presegmented: bool,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = TranslationFormat::Text)]
    format: TranslationFormat,

    /// Write the output to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: TranslateArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let started = Instant::now();
    if args.presegmented && args.unit == Unit::Paragraph {
        return Err(usage(
            "--presegmented takes one sentence per line; it does not go with --unit paragraph",
        ));
    }
    // Check the backend's settings before reading anything, so a usage mistake is reported
    // first.
    settings(&args.backend, &args.from, &args.to)?;
    let text = files::read_text(&args.input)?;
    let segments = args.unit.split(&text, &args.from, args.presegmented);
    let glossary = Glossary::load_or_empty(args.glossary.as_deref(), &args.from, &args.to)?
        .term_pairs(&args.from, &args.to);
    let (config, outcome) = translate_segments(
        &args.backend,
        &args.from,
        &args.to,
        &glossary,
        &segments,
        verbosity,
    )?;

    let mut out = Output::to(args.out.clone());
    args.format
        .write(&mut out, args.unit, &segments, &outcome.translations)?;
    out.finish()?;

    if verbosity > Verbosity::Quiet {
        let mut err = std::io::stderr().lock();
        let each = verbosity >= Verbosity::Verbose;
        for line in outcome.warnings(args.backend.fallback.is_some(), each) {
            let _ = writeln!(err, "passerelle: {line}");
        }
        let elapsed = started.elapsed().as_secs_f64();
        let _ = writeln!(
            err,
            "passerelle: {}, {elapsed:.1} s",
            outcome.summary(&config)
        );
    }
    Ok(Outcome::Ok)
}
