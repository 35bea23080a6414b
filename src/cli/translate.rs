//! `passerelle translate`: a text's sentences (or paragraphs) translated by a chosen backend,
//! as plain lines, TSV or JSON lines, with a progress bar and a summary on standard error.
//!
//! This file turns arguments and environment variables (the API keys) into a backend
//! configuration, picks the cache, and prints; the work itself is `crate::translate`'s.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::backend::{settings, translate_segments, usage, BackendArgs};
use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::files;
use crate::segment::{self, one_line, Segmenter};
use crate::text::Lang;
use crate::translate::{AnyBackend, BackendStats, MatchKind, Translated, Unit};

pub(crate) const LONG_ABOUT: &str = "\
Translate a text sentence by sentence (or paragraph by paragraph) with a translation memory, \
a machine translation service, a local language model or an external program.

Backends (--backend):
  tm              offline translation memory, the default: no key, no network.
                  --memory FILE (TMX 1.4b, or TSV of French<TAB>English; repeatable),
                  exact and fuzzy matches (--threshold PCT, 75 by default). Segments
                  without a match are left empty and counted on stderr, or sent to
                  --fallback deepl|libretranslate|openai|command.
  deepl           DeepL API v2. Key in DEEPL_AUTH_KEY (a key ending in :fx goes to
                  the Free host). --target-variant en-us|en-gb, --formality, --context.
                  The glossary is created on the account once and reused.
  libretranslate  LibreTranslate, http://localhost:5000 by default. Optional key in
                  LIBRETRANSLATE_API_KEY.
  openai          an OpenAI-compatible chat server, with --model NAME: OpenAI (key in
                  OPENAI_API_KEY), Ollama (--endpoint http://localhost:11434/v1),
                  llama.cpp server (--endpoint http://localhost:8080/v1), vLLM. The
                  glossary terms of each batch go into the prompt.
  command         an external program, given after `--`. It reads one segment per line
                  on stdin and prints one translation per line (--command-format jsonl
                  for JSON lines). PASSERELLE_SOURCE_LANG and PASSERELLE_TARGET_LANG are
                  set for it.

--endpoint is the base URL as each service's own clients take it: https://api-free.deepl.com, \
http://localhost:5000, http://localhost:11434/v1. With --backend tm, --endpoint, --model and \
the other service options apply to the --fallback backend.

Requests are batched and at most --concurrency of them run at once. Rate limits (429), server \
errors and timeouts are retried with exponential backoff, honouring Retry-After. \
Authentication, quota and bad-request errors stop the run at once with the server's message.

Machine translations are cached in an SQLite file (--cache PATH; by default \
passerelle/translations.sqlite in the platform's cache folder; --no-cache to skip it), keyed \
by backend, endpoint, model, languages, options, glossary and text. A run stopped half-way and \
started again sends only what is missing. Keys are never printed, logged or cached.

Formats:
  text   one translation per line: line i translates sentence i (a memory miss is an
         empty line); with --unit paragraph, paragraphs separated by blank lines
  tsv    source<TAB>translation, one segment per line
  jsonl  one object per segment: {\"id\", \"source\", \"translation\", \"backend\",
         \"cached\"}, and for the memory \"match\" (exact|fuzzy|none), \"score\",
         \"memory_source\", \"warnings\", \"untranslated\"

Examples:
  passerelle translate article.fr.txt --memory earlier-work.tmx
  passerelle translate article.fr.txt --memory tm.tsv --fallback deepl --glossary terms.tsv
  DEEPL_AUTH_KEY=...:fx passerelle translate article.fr.txt --backend deepl
  passerelle translate article.fr.txt --backend openai \\
      --endpoint http://localhost:11434/v1 --model qwen2.5:7b
  passerelle translate article.fr.txt --backend command -- translateLocally -m fr-en-tiny

Exit status: 0 success (untranslated segments are reported, not failures); 2 bad usage, bad \
input, or a backend that failed.";

/// The library's `Unit`, as clap offers it.
impl ValueEnum for Unit {
    fn value_variants<'a>() -> &'a [Self] {
        &Unit::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self {
            Unit::Sentence => {
                "Sentence by sentence: line i of the text output translates sentence i"
            }
            Unit::Paragraph => {
                "Whole paragraphs (more context for the engine); paragraphs are kept in the output"
            }
        };
        Some(clap::builder::PossibleValue::new(self.name()).help(help))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TranslateFormat {
    /// One translation per line (paragraphs separated by blank lines with --unit paragraph).
    Text,
    /// source<TAB>translation per segment.
    Tsv,
    /// One JSON object per segment, with the backend and memory match details.
    Jsonl,
}

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
    #[arg(short, long, value_enum, default_value_t = TranslateFormat::Text)]
    format: TranslateFormat,

    /// Write the output to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    out: Option<PathBuf>,
}

#[derive(Serialize)]
struct Record<'a> {
    id: usize,
    source: &'a str,
    translation: &'a str,
    backend: &'a str,
    cached: bool,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    match_kind: Option<MatchKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory_source: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    warnings: &'a [String],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    untranslated: bool,
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
    let segments = split(&text, &args);
    let (config, outcome) = translate_segments(
        &args.backend,
        &args.from,
        &args.to,
        args.glossary.as_deref(),
        &segments,
        verbosity,
    )?;

    let mut out = Output::to(args.out.clone());
    write(&mut out, &args, &segments, &outcome.translations)?;
    out.finish()?;

    if verbosity > Verbosity::Quiet {
        report(
            &args.backend,
            &config,
            &outcome,
            started.elapsed(),
            verbosity,
        );
    }
    Ok(Outcome::Ok)
}

/// The segments to translate, in order.
fn split(text: &str, args: &TranslateArgs) -> Vec<String> {
    match args.unit {
        Unit::Sentence if args.presegmented => {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            text.lines()
                .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
                .collect()
        }
        Unit::Sentence => Segmenter::new(args.from.clone())
            .segment(text)
            .iter()
            .map(|s| one_line(s.span.slice(text)).into_owned())
            .collect(),
        Unit::Paragraph => segment::paragraphs(text)
            .map(|p| p.slice(text).to_string())
            .collect(),
    }
}

fn write(
    out: &mut Output,
    args: &TranslateArgs,
    segments: &[String],
    translations: &[Translated],
) -> Result<(), Failure> {
    for (id, (source, t)) in segments.iter().zip(translations).enumerate() {
        match args.format {
            TranslateFormat::Text => match args.unit {
                Unit::Sentence => {
                    out.write_all(one_line(&t.text).as_bytes())?;
                    out.write_all(b"\n")?;
                }
                Unit::Paragraph => {
                    if id > 0 {
                        out.write_all(b"\n")?;
                    }
                    out.write_all(t.text.trim_end().as_bytes())?;
                    out.write_all(b"\n")?;
                }
            },
            TranslateFormat::Tsv => {
                let field = |s: &str| s.replace(['\t', '\n', '\r'], " ");
                out.write_all(format!("{}\t{}\n", field(source), field(&t.text)).as_bytes())?;
            }
            TranslateFormat::Jsonl => {
                let memory = t.memory.as_ref();
                let record = Record {
                    id,
                    source,
                    translation: &t.text,
                    backend: &t.backend,
                    cached: t.cached,
                    match_kind: memory.map(|m| m.kind),
                    score: memory.map(|m| m.score),
                    memory_source: memory.and_then(|m| m.memory_source.as_deref()),
                    warnings: memory.map_or(&[], |m| &m.warnings),
                    untranslated: t.untranslated,
                };
                let line = serde_json::to_string(&record).expect("records serialize");
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(())
}

/// Warnings and the summary line on standard error.
fn report(
    args: &BackendArgs,
    config: &AnyBackend,
    outcome: &crate::translate::Outcome,
    elapsed: Duration,
    verbosity: Verbosity,
) {
    let mut err = std::io::stderr().lock();
    let s = &outcome.stats;
    if s.untranslated > 0 {
        let _ = writeln!(
            err,
            "passerelle: warning: {} of {} segments have no match in the memory and are left \
             empty{}",
            s.untranslated,
            s.segments,
            if args.fallback.is_none() {
                " (--fallback deepl|libretranslate|openai|command translates them)"
            } else {
                ""
            }
        );
    }
    let warned: Vec<(usize, &String)> = outcome
        .translations
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            t.memory
                .iter()
                .flat_map(|m| m.warnings.iter())
                .map(move |w| (i, w))
        })
        .collect();
    if !warned.is_empty() {
        if verbosity >= Verbosity::Verbose {
            for (i, w) in &warned {
                let _ = writeln!(err, "passerelle: segment {}: {w}", i + 1);
            }
        } else {
            let _ = writeln!(
                err,
                "passerelle: warning: {} memory matches lack a glossary term (-v lists them; \
                 --format jsonl has them per segment)",
                warned.len()
            );
        }
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let work = |b: &BackendStats| {
        format!(
            "{} from cache, {} sent in {}, {}",
            b.from_cache,
            b.sent,
            plural(b.requests, "request", "requests"),
            plural(b.retries, "retry", "retries")
        )
    };
    let mut parts = Vec::new();
    if let AnyBackend::Tm(_) = config {
        let count = |kind: MatchKind| {
            outcome
                .translations
                .iter()
                .filter(|t| t.backend == "tm" && t.memory.as_ref().is_some_and(|m| m.kind == kind))
                .count()
        };
        parts.push(format!(
            "{} exact, {} fuzzy",
            count(MatchKind::Exact),
            count(MatchKind::Fuzzy)
        ));
        if let Some(f) = &s.fallback {
            parts.push(format!("{} to {} ({})", f.segments, f.backend, work(f)));
        }
        parts.push(format!("{} untranslated", s.untranslated));
    } else {
        parts.push(work(&s.primary));
    }
    let _ = writeln!(
        err,
        "passerelle: {} ({}): {}, {:.1} s",
        plural(s.segments, "segment", "segments"),
        config.name(),
        parts.join(", "),
        elapsed.as_secs_f64()
    );
}
