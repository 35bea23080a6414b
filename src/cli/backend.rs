//! What the commands that call a service share: the backend flags of `translate` and
//! `align --backend` ([`BackendArgs`]) turned into a backend configuration with the keys from
//! the environment, the embeddings flags of `align` ([`EmbedArgs`]), the cache, the async
//! runtime, the progress bar, and engine errors as one clear message. The work itself is
//! `crate::translate`'s.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::builder::TypedValueParser;
use clap::Args;

use super::{Failure, Verbosity};
use crate::pipeline::pair::EmbedSettings;
use crate::pipeline::PipelineError;
use crate::text::Lang;
use crate::translate::command::CommandFormat;
use crate::translate::deepl::{EnglishVariant, Formality};
use crate::translate::embed::EmbedConfig;
use crate::translate::settings::{BackendName, Flags, Settings};
use crate::translate::SettingsIn;
use crate::translate::{
    AnyBackend, BackendError, Cache, Engine, Job, Progress, Secret, TermPair, TranslateError,
};

/// Who translates and how: shared by `translate` and `align --backend`.
#[derive(Debug, Args)]
pub(crate) struct BackendArgs {
    /// Who translates (the list below); `translate` uses the offline translation memory,
    /// `tm`, by default.
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
    pub fallback: Option<BackendName>,

    /// DeepL: English variant.
    #[arg(long, value_enum, default_value_t = EnglishVariant::EnUs)]
    target_variant: EnglishVariant,

    /// DeepL: formality of the translation.
    #[arg(long, value_enum, default_value_t = Formality::Default)]
    formality: Formality,

    /// DeepL: a description of the text (topic, audience) that guides the translation.
    #[arg(long, value_name = "TEXT")]
    pub context: Option<String>,

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
    #[arg(long, value_enum, default_value_t = CommandFormat::Line)]
    command_format: CommandFormat,

    /// `command`: the program and its arguments, after `--`.
    #[arg(last = true, value_name = "PROGRAM [ARGS]")]
    pub command: Vec<String>,
}
/// Translates `segments` with the backend the arguments describe (cache, retries, progress
/// on standard error included), `glossary` being the term pairs it is asked to keep. Returns
/// the backend's configuration with the outcome.
pub(crate) fn translate_segments(
    args: &BackendArgs,
    from: &Lang,
    to: &Lang,
    glossary: &[(String, String)],
    segments: &[String],
    verbosity: Verbosity,
) -> Result<(AnyBackend, crate::translate::Outcome), Failure> {
    let bar = Bar::new(verbosity);
    let (config, engine) = engine(args, from, to, open_cache(args)?, Some(bar.clone()))?;
    if !glossary.is_empty() && verbosity > Verbosity::Quiet {
        for name in engine.without_glossary() {
            let _ = writeln!(
                std::io::stderr(),
                "passerelle: warning: {name} takes no glossary; its translations are not \
                 constrained by it (passerelle check verifies the terms)"
            );
        }
    }
    let job = args.job(from, to, TermPair::list(glossary));
    let result = crate::translate::runtime()?.block_on(engine.translate(&job, segments));
    bar.hide();
    let outcome = result.map_err(|e| service_failure(TranslateError::from(e).into()))?;
    Ok((config, outcome))
}

/// The translation engine the arguments describe for one language direction, with `cache`
/// (see [`open_cache`]), and the backend's configuration.
pub(crate) fn engine(
    args: &BackendArgs,
    from: &Lang,
    to: &Lang,
    cache: Option<Arc<Cache>>,
    progress: Option<Arc<dyn Progress>>,
) -> Result<(AnyBackend, Engine), Failure> {
    let (settings, config) = settings(args, from, to)?;
    let engine = settings.engine(&config, cache, progress)?;
    Ok((config, engine))
}

/// The cache that `--cache PATH` / `--no-cache` ask for (translations and embeddings share
/// it), opened.
pub(crate) fn open_cache(args: &BackendArgs) -> Result<Option<Arc<Cache>>, Failure> {
    let cache =
        Cache::open_chosen(args.cache.as_deref(), args.no_cache).map_err(TranslateError::from)?;
    Ok(cache.map(Arc::new))
}

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure::Message(message.into())
}

/// A failed request to a service, with what to do about it in terms of this command's flags.
pub(crate) fn service_failure(e: PipelineError) -> Failure {
    Failure::Message(e.explained(SettingsIn::Flags))
}

/// A key from the environment; an empty variable counts as unset.
pub(crate) fn env_key(name: &str) -> Option<Secret> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| Secret::new(v.trim()))
}

/// The settings the flags describe (keys from the environment), and the backend
/// configuration they give.
pub(crate) fn settings(
    args: &BackendArgs,
    from: &Lang,
    to: &Lang,
) -> Result<(Settings, AnyBackend), Failure> {
    let flags = Flags {
        backend: args.backend,
        fallback: args.fallback,
        memories: args.memories.clone(),
        threshold: args.threshold,
        endpoint: args.endpoint.clone(),
        model: args.model.clone(),
        timeout_secs: args.timeout,
        target_variant: args.target_variant,
        formality: args.formality,
        program: args.command.clone(),
        command_format: args.command_format,
    };
    let mut settings = Settings::from_flags(args.base_settings(), &flags, from, to)
        .map_err(|e| usage(e.message))?;
    settings
        .fill_keys(env_key, SettingsIn::Flags)
        .map_err(|e| usage(e.message))?;
    let config = settings
        .backend_config()
        .map_err(|e| usage(format!("--{}: {e}", e.key)))?;
    Ok((settings, config))
}

impl BackendArgs {
    /// `--memory` and a program belong to a backend: without one they would be ignored.
    pub(crate) fn check_lone_flags(&self) -> Result<(), Failure> {
        if self.backend.is_none() && (!self.memories.is_empty() || !self.command.is_empty()) {
            return Err(usage(
                "--memory and a program after `--` go with --backend (tm or command)",
            ));
        }
        Ok(())
    }

    /// The settings of the flags that every backend shares (and embeddings too).
    pub(crate) fn base_settings(&self) -> Settings {
        Settings {
            context: self.context.clone(),
            concurrency: usize::from(self.concurrency),
            max_retries: self.max_retries,
            base_delay: Duration::from_millis(self.retry_base_ms),
            ..Settings::default()
        }
    }

    /// What the engine is asked to do: the direction, the glossary's term pairs and the
    /// `--context`.
    pub(crate) fn job(&self, from: &Lang, to: &Lang, glossary: Vec<TermPair>) -> Job {
        Job {
            source_lang: from.clone(),
            target_lang: to.clone(),
            glossary,
            context: self.context.clone(),
        }
    }
}

/// Translation progress on standard error: a bar on a terminal (hidden until a translation
/// starts, so that a run that only aligns shows nothing of it), else retries on their own
/// lines with -v.
pub(crate) struct Bar {
    bar: Option<indicatif::ProgressBar>,
    retries: AtomicUsize,
    verbosity: Verbosity,
}

impl Bar {
    pub(crate) fn new(verbosity: Verbosity) -> Arc<Bar> {
        let bar = (verbosity > Verbosity::Quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(0),
                indicatif::ProgressDrawTarget::hidden(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} {wide_bar} {pos}/{len} segments, {per_sec}, ETA {eta} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Arc::new(Bar {
            bar,
            retries: AtomicUsize::new(0),
            verbosity,
        })
    }

    /// Clears the bar from the terminal, until the next translation starts.
    pub(crate) fn hide(&self) {
        if let Some(bar) = self.bar.as_ref().filter(|b| !b.is_hidden()) {
            bar.finish_and_clear();
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        if let Some(bar) = &self.bar {
            bar.reset();
            bar.set_message("");
            bar.set_length(total as u64);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn advance(&self, segments: usize) {
        if let Some(bar) = &self.bar {
            bar.inc(segments as u64);
        }
    }

    fn retry(&self, backend: &str, error: &BackendError, wait: Duration) {
        let n = self.retries.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.bar {
            Some(bar) => {
                let why: String = error.to_string().chars().take(40).collect();
                bar.set_message(format!(
                    "({n} {}; {backend}: {why})",
                    if n == 1 { "retry" } else { "retries" }
                ));
            }
            None if self.verbosity >= Verbosity::Verbose => {
                let _ = writeln!(
                    std::io::stderr(),
                    "passerelle: {backend}: {error}; retrying in {:.1} s",
                    wait.as_secs_f64()
                );
            }
            None => {}
        }
    }
}

/// Where sentence embeddings come from.
#[derive(Debug, Args)]
pub(crate) struct EmbedArgs {
    /// An OpenAI-compatible embeddings server (base URL, as `http://localhost:8080/v1`): its
    /// sentence vectors become alignment evidence. Needs --embed-model.
    #[arg(long, value_name = "URL", requires = "embed_model")]
    embed_endpoint: Option<String>,

    /// The embedding model's name, as the server knows it (`GET URL/models` lists them).
    #[arg(long, value_name = "NAME", requires = "embed_endpoint")]
    embed_model: Option<String>,

    /// Most texts per embeddings request.
    #[arg(long, value_name = "N", default_value_t = crate::translate::embed::DEFAULT_BATCH,
          value_parser = clap::value_parser!(u16).range(1..=2048).map(usize::from))]
    embed_batch: usize,

    /// Text put before every sentence sent, for models that want one (e5: `query: `).
    #[arg(long, value_name = "TEXT")]
    embed_prefix: Option<String>,

    /// Runs of up to this many consecutive sentences are embedded.
    #[arg(long, value_name = "N", default_value_t = crate::align::DEFAULT_OVERLAPS,
          value_parser = clap::value_parser!(u8).range(1..=crate::align::MAX_OVERLAPS as i64).map(usize::from))]
    embed_overlaps: usize,
}

impl EmbedArgs {
    /// The embeddings the flags ask for, with the key from the environment; `None` without
    /// --embed-endpoint.
    pub(crate) fn settings(&self) -> Option<EmbedSettings> {
        let (endpoint, model) = (self.embed_endpoint.as_ref()?, self.embed_model.as_ref()?);
        let mut client = EmbedConfig::new(endpoint, model);
        client.fill_key(env_key);
        client.batch = self.embed_batch;
        client.prefix = self.embed_prefix.clone();
        Some(EmbedSettings {
            client,
            overlaps: self.embed_overlaps,
        })
    }
}
