//! `passerelle translate`: a text's sentences (or paragraphs) translated by a chosen backend,
//! as plain lines, TSV or JSON lines, with a progress bar and a summary on standard error.
//!
//! This file turns arguments and environment variables (the API keys) into a backend
//! configuration, picks the cache, and prints; the work itself is `crate::translate`'s.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::files;
use crate::glossary::Glossary;
use crate::segment::{self, one_line, Segmenter};
use crate::text::Lang;
use crate::translate::command::{CommandConfig, CommandFormat};
use crate::translate::deepl::{DeeplConfig, EnglishVariant, Formality};
use crate::translate::libretranslate::LibreTranslateConfig;
use crate::translate::memory::MemoryConfig;
use crate::translate::openai::OpenAiConfig;
use crate::translate::{
    AnyBackend, BackendError, BackendStats, Cache, Engine, EngineError, EngineOptions, Job,
    MatchKind, Progress, Secret, TermPair, TranslateError, Translated,
};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BackendName {
    /// Offline translation memory (TMX or TSV).
    Tm,
    /// DeepL API v2.
    Deepl,
    /// LibreTranslate server.
    Libretranslate,
    /// OpenAI-compatible chat completions (OpenAI, Ollama, llama.cpp, vLLM).
    Openai,
    /// External program reading stdin, writing stdout.
    Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FallbackName {
    Deepl,
    Libretranslate,
    Openai,
    Command,
}

impl From<FallbackName> for BackendName {
    fn from(f: FallbackName) -> BackendName {
        match f {
            FallbackName::Deepl => BackendName::Deepl,
            FallbackName::Libretranslate => BackendName::Libretranslate,
            FallbackName::Openai => BackendName::Openai,
            FallbackName::Command => BackendName::Command,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Unit {
    /// Sentence by sentence: line i of the text output translates sentence i.
    Sentence,
    /// Whole paragraphs (more context for the engine); paragraphs are kept in the output.
    Paragraph,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Variant {
    EnUs,
    EnGb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormalityArg {
    Default,
    /// Sent as prefer_more, which never fails on languages without formality.
    More,
    /// Sent as prefer_less.
    Less,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CommandFormatArg {
    /// One segment per line in, one translation per line out.
    Line,
    /// {"id", "text"} per line in; a JSON string or {"text"} per line out.
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

/// Who translates and how: shared by `translate` and `align --backend`.
#[derive(Debug, Args)]
pub(crate) struct BackendArgs {
    /// Who translates: tm (an offline translation memory; the default for `translate`),
    /// deepl, libretranslate, openai or command.
    #[arg(short, long, value_enum, value_name = "NAME")]
    pub backend: Option<BackendName>,

    /// Base URL of the service (e.g. http://localhost:11434/v1 for Ollama).
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,

    /// Model name, for `openai` (e.g. gpt-4o-mini, qwen2.5:7b).
    #[arg(long, value_name = "NAME")]
    model: Option<String>,

    /// Most requests in flight at once.
    #[arg(long, default_value_t = 4, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,

    /// Cache file (default: the platform cache folder, passerelle/translations.sqlite).
    #[arg(long, value_name = "PATH")]
    cache: Option<PathBuf>,

    /// Neither read nor write the cache.
    #[arg(long, conflicts_with = "cache")]
    no_cache: bool,

    /// Translation memory for `tm`: TMX 1.4b, or TSV of source<TAB>target (repeatable; earlier
    /// files win).
    #[arg(long = "memory", value_name = "FILE")]
    pub memories: Vec<PathBuf>,

    /// Lowest fuzzy match percentage the memory uses.
    #[arg(long, value_name = "PCT", default_value_t = 75,
          value_parser = clap::value_parser!(u8).range(0..=100))]
    threshold: u8,

    /// With `tm`: send segments the memory has no match for to this backend.
    #[arg(long, value_enum, value_name = "NAME")]
    fallback: Option<FallbackName>,

    /// DeepL: English variant.
    #[arg(long, value_enum, default_value_t = Variant::EnUs)]
    target_variant: Variant,

    /// DeepL: formality of the translation.
    #[arg(long, value_enum, default_value_t = FormalityArg::Default)]
    formality: FormalityArg,

    /// DeepL: a description of the text (topic, audience) that guides the translation.
    #[arg(long, value_name = "TEXT")]
    context: Option<String>,

    /// Seconds to wait for one request (or one run of the command) [default: 120].
    #[arg(long, value_name = "SECS")]
    timeout: Option<f64>,

    /// Most retries of one request after rate limits, server errors and timeouts.
    #[arg(long, default_value_t = 5, value_name = "N")]
    max_retries: u32,

    /// First backoff delay in milliseconds (tests use short ones).
    #[arg(long, default_value_t = 1000, hide = true)]
    retry_base_ms: u64,

    /// `command`: how segments are passed to the program.
    #[arg(long, value_enum, default_value_t = CommandFormatArg::Line)]
    command_format: CommandFormatArg,

    /// `command`: the program and its arguments, after `--`.
    #[arg(last = true, value_name = "PROGRAM [ARGS]")]
    pub command: Vec<String>,
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
    backend_config(&args.backend, &args.from, &args.to)?;
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

/// Translates `segments` with the backend the arguments describe (cache, retries, progress
/// on standard error included). Returns the backend's configuration with the outcome.
pub(crate) fn translate_segments(
    args: &BackendArgs,
    from: &Lang,
    to: &Lang,
    glossary: Option<&Path>,
    segments: &[String],
    verbosity: Verbosity,
) -> Result<(AnyBackend, crate::translate::Outcome), Failure> {
    let config = backend_config(args, from, to)?;
    let glossary = match glossary {
        Some(path) => glossary_pairs(path, from, to)?,
        None => Vec::new(),
    };

    let backend = config.build().map_err(lib_error)?;
    let fallback = config
        .fallback()
        .map(|f| f.build().map_err(lib_error))
        .transpose()?;
    if !glossary.is_empty() && verbosity > Verbosity::Quiet {
        for b in std::iter::once(&backend).chain(&fallback) {
            if !b.capabilities().glossary {
                let _ = writeln!(
                    std::io::stderr(),
                    "passerelle: warning: {} takes no glossary; its translations are not \
                     constrained by it (passerelle check verifies the terms)",
                    b.name()
                );
            }
        }
    }
    let mut engine = Engine::new(backend).with_options(engine_options(args));
    if let Some(fallback) = fallback {
        engine = engine.with_fallback(fallback);
    }
    if let Some(cache) = open_cache(args)? {
        engine = engine.with_cache(cache);
    }
    let bar = (verbosity > Verbosity::Quiet && std::io::stderr().is_terminal())
        .then(|| Arc::new(Bar::new()));
    let reporter: Arc<dyn Progress> = match &bar {
        Some(bar) => bar.clone(),
        None => Arc::new(Lines { verbosity }),
    };
    engine = engine.with_progress(reporter);

    let job = Job {
        source_lang: from.clone(),
        target_lang: to.clone(),
        glossary,
        context: args.context.clone(),
    };
    let result = runtime()?.block_on(engine.translate(&job, segments));
    if let Some(bar) = &bar {
        bar.bar.finish_and_clear();
    }
    let outcome = result.map_err(engine_failure)?;
    Ok((config, outcome))
}

/// The cache that `--cache PATH` / `--no-cache` ask for (translations and embeddings share
/// it), opened.
pub(crate) fn open_cache(args: &BackendArgs) -> Result<Option<Arc<Cache>>, Failure> {
    if args.no_cache {
        return Ok(None);
    }
    let path = match &args.cache {
        Some(p) => p.clone(),
        None => default_cache_path().ok_or_else(|| {
            usage("no cache folder on this platform: give --cache PATH or --no-cache")
        })?,
    };
    Ok(Some(Arc::new(Cache::open(&path).map_err(lib_error)?)))
}

/// The async runtime the HTTP clients run on.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| usage(format!("cannot start the async runtime: {e}")))
}

/// The engine options the shared flags ask for.
pub(crate) fn engine_options(args: &BackendArgs) -> EngineOptions {
    EngineOptions {
        concurrency: usize::from(args.concurrency),
        max_retries: args.max_retries,
        base_delay: Duration::from_millis(args.retry_base_ms),
        ..EngineOptions::default()
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::Message(message.into())
}

fn lib_error(e: impl Into<TranslateError>) -> Failure {
    Failure::Message(e.into().to_string())
}

pub(crate) fn engine_failure(e: EngineError) -> Failure {
    let mut message = e.to_string();
    if let EngineError::Backend {
        backend,
        translated,
        error,
        ..
    } = &e
    {
        let embeddings = backend == crate::translate::embed::NAME;
        if *translated > 0 {
            let done = if embeddings {
                "texts embedded"
            } else {
                "segments translated"
            };
            message.push_str(&format!(
                "\n{translated} {done} before that are in the cache: run again to send only the \
                 rest"
            ));
        }
        if matches!(error, BackendError::Transient { .. }) && message.contains("cannot connect") {
            let flag = if embeddings {
                "--embed-endpoint"
            } else {
                "--endpoint"
            };
            message.push_str(&format!("\nis the server running, and is {flag} right?"));
        }
    }
    Failure::Message(message)
}

/// A key from the environment; an empty variable counts as unset.
pub(crate) fn env_key(name: &str) -> Option<Secret> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| Secret::new(v.trim()))
}

fn backend_config(args: &BackendArgs, from: &Lang, to: &Lang) -> Result<AnyBackend, Failure> {
    let name = args.backend.unwrap_or(BackendName::Tm);
    if name != BackendName::Tm {
        if !args.memories.is_empty() {
            return Err(usage(
                "--memory is for --backend tm (to use a memory before a service, give \
                 --backend tm --fallback NAME)",
            ));
        }
        if args.fallback.is_some() {
            return Err(usage("--fallback goes with --backend tm"));
        }
        return service_config(name, args);
    }
    if args.memories.is_empty() {
        return Err(usage(
            "the tm backend needs a translation memory: give --memory FILE (TMX, or TSV of \
             French<TAB>English pairs), or choose a machine translation backend with --backend \
             deepl|libretranslate|openai|command",
        ));
    }
    let mut memory = MemoryConfig::new(args.memories.clone());
    memory.threshold = args.threshold;
    memory.source_lang = from.code().to_string();
    memory.target_lang = to.code().to_string();
    if let Some(fallback) = args.fallback {
        memory.fallback = Some(Box::new(service_config(fallback.into(), args)?));
    }
    Ok(AnyBackend::Tm(memory))
}

fn service_config(name: BackendName, args: &BackendArgs) -> Result<AnyBackend, Failure> {
    let timeout_secs = args
        .timeout
        .unwrap_or(crate::translate::DEFAULT_TIMEOUT.as_secs_f64());
    if !(timeout_secs.is_finite() && timeout_secs > 0.0) {
        return Err(usage("--timeout must be a positive number of seconds"));
    }
    if name != BackendName::Command && !args.command.is_empty() {
        return Err(usage(
            "a program after `--` is for --backend command (or --fallback command)",
        ));
    }
    Ok(match name {
        BackendName::Tm => unreachable!("tm is configured by backend_config"),
        BackendName::Deepl => {
            let api_key = env_key("DEEPL_AUTH_KEY").ok_or_else(|| {
                usage(
                    "the deepl backend needs a key: set DEEPL_AUTH_KEY (Free keys end in :fx and \
                     use https://api-free.deepl.com)",
                )
            })?;
            AnyBackend::Deepl(DeeplConfig {
                api_key: Some(api_key),
                endpoint: args.endpoint.clone(),
                target_variant: match args.target_variant {
                    Variant::EnUs => EnglishVariant::EnUs,
                    Variant::EnGb => EnglishVariant::EnGb,
                },
                formality: match args.formality {
                    FormalityArg::Default => Formality::Default,
                    FormalityArg::More => Formality::More,
                    FormalityArg::Less => Formality::Less,
                },
                timeout_secs,
                ..DeeplConfig::default()
            })
        }
        BackendName::Libretranslate => AnyBackend::LibreTranslate(LibreTranslateConfig {
            api_key: env_key("LIBRETRANSLATE_API_KEY"),
            endpoint: args.endpoint.clone(),
            timeout_secs,
            ..LibreTranslateConfig::default()
        }),
        BackendName::Openai => {
            let api_key = env_key("OPENAI_API_KEY");
            if api_key.is_none() && args.endpoint.is_none() {
                return Err(usage(
                    "the openai backend needs OPENAI_API_KEY for api.openai.com, or --endpoint \
                     for a local server (Ollama: http://localhost:11434/v1, llama.cpp: \
                     http://localhost:8080/v1) with --model",
                ));
            }
            AnyBackend::Openai(OpenAiConfig {
                api_key,
                endpoint: args.endpoint.clone(),
                model: args.model.clone(),
                timeout_secs,
                ..OpenAiConfig::default()
            })
        }
        BackendName::Command => {
            let Some((program, rest)) = args.command.split_first() else {
                return Err(usage(
                    "the command backend needs a program after `--`, e.g. passerelle translate \
                     FILE --backend command -- translateLocally -m fr-en-tiny",
                ));
            };
            let mut config = CommandConfig::new(program.clone(), rest.to_vec());
            config.format = match args.command_format {
                CommandFormatArg::Line => CommandFormat::Line,
                CommandFormatArg::Jsonl => CommandFormat::Jsonl,
            };
            config.timeout_secs = timeout_secs;
            AnyBackend::Command(config)
        }
    })
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

/// The glossary's pairs in the direction of the translation.
fn glossary_pairs(path: &Path, from: &Lang, to: &Lang) -> Result<Vec<TermPair>, Failure> {
    let glossary = Glossary::load_for(path, from, to).map_err(|e| usage(e.to_string()))?;
    Ok(glossary
        .term_pairs(from, to)
        .into_iter()
        .map(|(source, target)| TermPair::new(source, target))
        .collect())
}

fn default_cache_path() -> Option<PathBuf> {
    Some(
        dirs::cache_dir()?
            .join("passerelle")
            .join("translations.sqlite"),
    )
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

/// The progress bar, on a terminal.
struct Bar {
    bar: indicatif::ProgressBar,
    retries: AtomicUsize,
}

impl Bar {
    fn new() -> Bar {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(0),
            indicatif::ProgressDrawTarget::stderr(),
        );
        let style = indicatif::ProgressStyle::with_template(
            "{elapsed_precise} {wide_bar} {pos}/{len} segments, {rate}, ETA {eta} {msg}",
        )
        .expect("the template is valid")
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.1}/s", state.per_sec());
            },
        );
        bar.set_style(style);
        Bar {
            bar,
            retries: AtomicUsize::new(0),
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        self.bar.set_length(total as u64);
    }

    fn advance(&self, segments: usize) {
        self.bar.inc(segments as u64);
    }

    fn retry(&self, backend: &str, error: &BackendError, _wait: Duration) {
        let n = self.retries.fetch_add(1, Ordering::Relaxed) + 1;
        let why: String = error.to_string().chars().take(40).collect();
        self.bar.set_message(format!(
            "({n} {}; {backend}: {why})",
            if n == 1 { "retry" } else { "retries" }
        ));
    }
}

/// Without a terminal: retries are told on their own lines with -v, nothing else.
struct Lines {
    verbosity: Verbosity,
}

impl Progress for Lines {
    fn retry(&self, backend: &str, error: &BackendError, wait: Duration) {
        if self.verbosity >= Verbosity::Verbose {
            let _ = writeln!(
                std::io::stderr(),
                "passerelle: {backend}: {error}; retrying in {:.1} s",
                wait.as_secs_f64()
            );
        }
    }
}
