//! Translation: machine translation services and translation memories behind one interface.
//!
//! A [`Backend`] translates a batch of segments from one language to another, optionally
//! constrained by glossary pairs and a context string, and says what it can take in one
//! request ([`Capabilities`]). Five backends ship with the crate, one file each: DeepL
//! ([`deepl`]), LibreTranslate ([`libretranslate`]), OpenAI-compatible chat servers
//! ([`openai`]), an external program ([`command`]) and an offline translation memory
//! ([`memory`], the default, which needs no key and no network). Each file also holds the
//! backend's [`BackendSpec`] (name, help, key variable) and what its configuration does
//! ([`BackendConfig`]); one line of `backends!` (here) registers it, which makes [`BackendName`],
//! [`AnyBackend`] (the configurations, tagged by `type`) and the settings' fields.
//!
//! The [`engine::Engine`] drives a backend over a whole text: it cuts the work into batches
//! within the backend's limits, runs a bounded number of requests at once, retries what the
//! service says can be retried (honouring `Retry-After`), keeps finished batches in a
//! crash-safe [`cache::Cache`], and passes memory misses to a fallback backend. The
//! embeddings client ([`embed::Embedder`], for OpenAI-compatible `/embeddings` servers) runs
//! on the same machinery and caches its vectors in the same file. Machine translations are
//! sent with their placeholders, tags and URLs protected and checked when they come back
//! ([`shield`]): a translation that lost or duplicated one is asked again once, then fails
//! the run rather than being written.
//!
//! This module holds all of passerelle's network and async code. It does not segment, read
//! glossaries, align or print: segments arrive as strings and glossaries as [`TermPair`]s, and
//! the CLI reads keys from the environment and hands them over as [`Secret`]s.

pub mod cache;
pub mod embed;
pub mod engine;
mod http;
pub mod settings;
pub mod shield;

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::text::Lang;

pub use cache::{Cache, CacheError};
pub use embed::{EmbedConfig, Embedded, Embedder};
pub use engine::{
    BackendStats, Engine, EngineError, EngineOptions, Outcome, Progress, Stats, Translated,
};
pub use memory::MemoryError;
pub use settings::{Flags, SettingsError, SettingsIn};
pub use shield::Shield;

/// The async runtime the HTTP clients run on: two worker threads are plenty for requests
/// that spend their time waiting.
pub fn runtime() -> Result<tokio::runtime::Runtime, TranslateError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(TranslateError::Runtime)
}

/// A boxed future, so that [`Backend`] stays object-safe (`Arc<dyn Backend>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One glossary entry as a backend sees it: the source term and its required rendering.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TermPair {
    pub source: String,
    pub target: String,
}

impl TermPair {
    pub fn new(source: impl Into<String>, target: impl Into<String>) -> TermPair {
        TermPair {
            source: source.into(),
            target: target.into(),
        }
    }

    /// Term pairs as a glossary gives them ([`crate::glossary::Glossary::term_pairs`]).
    pub fn list(pairs: &[(String, String)]) -> Vec<TermPair> {
        pairs.iter().map(|(s, t)| TermPair::new(s, t)).collect()
    }
}

/// What stays the same for every batch of one run.
#[derive(Debug, Clone)]
pub struct Job {
    pub source_lang: Lang,
    pub target_lang: Lang,
    /// Glossary pairs for the whole text; each backend decides what it sends of them.
    pub glossary: Vec<TermPair>,
    /// A description of the text (its topic, audience), for backends that take one.
    pub context: Option<String>,
}

impl Job {
    pub fn new(source_lang: Lang, target_lang: Lang) -> Job {
        Job {
            source_lang,
            target_lang,
            glossary: Vec::new(),
            context: None,
        }
    }
}

/// What is sent to a backend as one segment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Sentence by sentence: line i of the translation translates sentence i (beads are 1-1
    /// by construction).
    #[default]
    Sentence,
    /// Whole paragraphs, for more context; the translation is then segmented and aligned.
    Paragraph,
}

impl Unit {
    pub const ALL: [Unit; 2] = [Unit::Sentence, Unit::Paragraph];

    pub fn name(self) -> &'static str {
        match self {
            Unit::Sentence => "sentence",
            Unit::Paragraph => "paragraph",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Unit::Sentence => {
                "sentence by sentence: line i of the text output translates sentence i"
            }
            Unit::Paragraph => {
                "whole paragraphs (more context for the engine); paragraphs are kept in the output"
            }
        }
    }

    /// The segments of `text` to send, in order: its sentences (each on one line), its lines
    /// as they are when `presegmented` (blank ones too, so that line i answers line i), or its
    /// paragraphs.
    pub fn split(self, text: &str, lang: &Lang, presegmented: bool) -> Vec<String> {
        match self {
            Unit::Sentence if presegmented => {
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                text.lines()
                    .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
                    .collect()
            }
            Unit::Sentence => crate::segment::Segmenter::new(lang.clone())
                .segment(text)
                .iter()
                .map(|s| crate::text::one_line(s.span.slice(text)).into_owned())
                .collect(),
            Unit::Paragraph => crate::segment::paragraphs(text)
                .map(|p| p.slice(text).to_string())
                .collect(),
        }
    }
}

/// One request's worth of segments.
#[derive(Debug, Clone, Copy)]
pub struct BatchRequest<'a> {
    pub job: &'a Job,
    pub texts: &'a [String],
}

/// How a translation memory matched a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The memory holds this very segment (after normalising case, spaces and quotes).
    Exact,
    /// The memory holds a similar segment, at or above the threshold.
    Fuzzy,
    /// Nothing in the memory is close enough: the segment is untranslated.
    None,
}

/// What a translation memory found for a segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryMatch {
    pub kind: MatchKind,
    /// CAT-style match percentage, 0 to 100 (for `None`, the best score seen, if any).
    pub score: u8,
    /// The memory's source segment, for fuzzy matches: what the reviewer compares against.
    pub memory_source: Option<String>,
    /// Glossary terms of the segment whose required rendering the memory's translation lacks.
    /// The translation is never changed to fit; these are for the reviewer.
    pub warnings: Vec<String>,
}

/// A backend's answer for one segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    pub text: String,
    /// Set by translation memories.
    pub memory: Option<MemoryMatch>,
}

impl Translation {
    /// A machine translation.
    pub fn machine(text: impl Into<String>) -> Translation {
        Translation {
            text: text.into(),
            memory: None,
        }
    }

    /// True when a memory found nothing for the segment (its text is empty).
    pub fn is_untranslated(&self) -> bool {
        matches!(&self.memory, Some(m) if m.kind == MatchKind::None)
    }
}

/// What to do with a reply that does not fit the request (wrong count, broken JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MalformedPolicy {
    /// Give up at once: the backend is deterministic, asking again gives the same answer.
    Fail,
    /// Ask once more, then give up.
    RetryOnce,
    /// Ask once more, then split the batch in halves (down to single segments): what works
    /// for language models, which lose count on long batches.
    RetryThenSplit,
}

/// What a backend takes in one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Most segments in one request.
    pub max_texts: usize,
    /// Most bytes of segment text in one request (the engine packs batches under it; a single
    /// longer segment goes alone and the backend may refuse it as too large).
    pub max_bytes: usize,
    /// Whether the backend applies the glossary pairs it is given.
    pub glossary: bool,
    /// Whether the backend uses [`Job::context`].
    pub context: bool,
    pub on_malformed: MalformedPolicy,
    /// How the placeholders, tags and URLs of a segment get through ([`shield`]).
    pub shield: Shield,
}

/// A translation service, program or memory.
///
/// Implementations translate one batch per call and report failures as [`BackendError`]s;
/// batching, concurrency, retries and caching are the [`engine::Engine`]'s job.
pub trait Backend: Send + Sync {
    /// Short name, as on the command line (`deepl`, `tm`...).
    fn name(&self) -> &str;

    fn capabilities(&self) -> Capabilities;

    /// What, besides the languages, glossary, context and text, changes this backend's output
    /// (endpoint, model, options), as a stable string for cache keys; `None` when results must
    /// not be cached (a local memory is faster to ask than a cache). Never include a key.
    fn cache_scope(&self) -> Option<String>;

    /// Work done once per run before the first batch, and only if a batch must be sent
    /// (checking the language pair, creating a glossary on the service).
    fn prepare<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), BackendError>> {
        let _ = job;
        Box::pin(async { Ok(()) })
    }

    /// Translates `req.texts`, returning exactly one translation per text, in order.
    fn translate<'a>(
        &'a self,
        req: BatchRequest<'a>,
    ) -> BoxFuture<'a, Result<Vec<Translation>, BackendError>>;
}

/// Why a request failed, as far as deciding what to do next is concerned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackendError {
    /// The key is missing, wrong, or not valid for this endpoint.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The account's character or spending limit is used up: stop the run.
    #[error("quota exceeded: {0}")]
    Quota(String),
    /// Too many requests; `retry_after` is the server's `Retry-After`, when it sent one.
    #[error("rate limited{}: {message}", show_wait(*retry_after))]
    RateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
    /// A server error, timeout or lost connection that may go away.
    #[error("{message}")]
    Transient {
        message: String,
        retry_after: Option<Duration>,
    },
    /// The service refused the request as it was (bad parameter, unknown model, unsupported
    /// language pair).
    #[error("request rejected: {0}")]
    BadRequest(String),
    /// The request is over the service's size limit: split it.
    #[error("request too large: {0}")]
    TooLarge(String),
    /// The reply could not be read, or does not fit the request (wrong count).
    #[error("malformed reply: {0}")]
    Malformed(String),
    /// A translation lost, duplicated or changed a placeholder, tag, URL or e-mail address
    /// of its segment, also when asked a second time: it is not used.
    #[error("{0}")]
    Mangled(String),
    /// Anything else that retrying would not fix (a program that exits non-zero).
    #[error("{0}")]
    Failed(String),
}

fn show_wait(wait: Option<Duration>) -> String {
    match wait {
        Some(d) => format!(" (retry after {} s)", d.as_secs_f64()),
        None => String::new(),
    }
}

impl BackendError {
    pub fn transient(message: impl Into<String>) -> BackendError {
        BackendError::Transient {
            message: message.into(),
            retry_after: None,
        }
    }

    /// Whether the same request may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            BackendError::RateLimited { .. } | BackendError::Transient { .. }
        )
    }

    /// How long the server asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            BackendError::RateLimited { retry_after, .. }
            | BackendError::Transient { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A key or token. It prints as `***` everywhere (Debug, Display) and is not serializable,
/// so it cannot end up in a log, an error message, the cache or an output file by accident.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The key itself, for the one place that puts it in a request.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `message` with every occurrence of the key replaced by `***` (servers sometimes echo it).
    pub fn redact(&self, message: &str) -> String {
        if self.0.len() < 4 {
            return message.to_string();
        }
        message.replace(&self.0, "***")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Every backend, one line each: `Variant => name: module::Config,`. The module (a file of
/// this folder, declared here) holds the [`Backend`], its configuration `Config` (which
/// implements [`BackendConfig`]) and its [`BackendSpec`] as `BACKEND`; `name` is the spec's
/// name, which names the `[translate.NAME]` table of project files and is the variant in
/// lower case. The order is the order of help texts, and the first is the default.
///
/// Given the name of a macro that takes this list, it invokes it: [`BackendName`],
/// [`AnyBackend`], [`settings::Settings`] and the project file's `[translate]` table are
/// made from the list that way.
macro_rules! backends {
    ($then:ident) => {
        $then! {
            Tm => tm: memory::MemoryConfig,
            Deepl => deepl: deepl::DeeplConfig,
            Libretranslate => libretranslate: libretranslate::LibreTranslateConfig,
            Openai => openai: openai::OpenAiConfig,
            Command => command: command::CommandConfig,
        }
    };
}
pub(crate) use backends;

/// What a backend is, as data: the module that implements it holds one, as `BACKEND`.
#[derive(Debug)]
pub struct BackendSpec {
    /// The name on the command line, in project files (`[translate.NAME]`) and in cache keys.
    pub name: &'static str,
    /// What the backend is, in a line for help texts.
    pub describe: &'static str,
    /// What a user needs to know to pick the backend and set it up, for `--help`;
    /// `{fallbacks}` stands for the backends a memory can send its misses to (`a|b|c`).
    pub details: &'static str,
    /// The environment variable that holds the backend's key, if it takes one.
    pub key_variable: Option<&'static str>,
    /// Whether a machine translates (not a local memory): its results are worth caching.
    pub machine: bool,
    /// Whether a translation memory can send its misses to it.
    pub fallback: bool,
    /// What the backend cannot do without, when it has no configuration by default.
    pub required: Option<Required>,
}

/// A setting a backend has no default for.
#[derive(Debug)]
pub struct Required {
    /// The setting's name under `[translate]` (`tm.memories`).
    pub key: &'static str,
    /// Why it is needed, as a sentence.
    pub message: &'static str,
    /// What to write in a project file, appended to the message there.
    pub file_hint: &'static str,
}

/// What a backend's configuration does; implemented in the backend's own file.
pub trait BackendConfig: fmt::Debug + Send + Sync {
    /// Builds the backend: an HTTP client, a started program's settings, a loaded memory.
    fn build(&self) -> Result<Arc<dyn Backend>, ConfigError>;

    /// Refuses command-line flags that belong to this backend when the backend is not in
    /// use, or that it cannot do without when it is. Every backend's check runs, in the
    /// order of [`BackendName::ALL`], before any configuration is made.
    fn check_flags(flags: &Flags) -> Result<(), SettingsError>
    where
        Self: Sized,
    {
        let _ = flags;
        Ok(())
    }

    /// The configuration the command line describes, when the backend is in use:
    /// `timeout_secs` is `--timeout` or the default, already checked.
    fn from_flags(
        flags: &Flags,
        from: &Lang,
        to: &Lang,
        timeout_secs: f64,
    ) -> Result<Self, SettingsError>
    where
        Self: Sized;

    /// The configuration used when none is given; `None` when the backend needs settings
    /// that have no default (its [`BackendSpec::required`]).
    fn unconfigured() -> Option<Self>
    where
        Self: Sized;

    /// Where the API key goes, for a backend that takes one.
    fn key(&mut self) -> Option<&mut Option<Secret>> {
        None
    }

    /// Whether the backend cannot work for want of a key.
    fn key_missing(&self) -> bool {
        false
    }

    /// What to do about the missing key; `endpoint` says how to name a local server (a
    /// flag, or a key of the project file).
    fn missing_key_advice(spec: &BackendSpec, endpoint: &str) -> String
    where
        Self: Sized,
    {
        format!(
            "the {} backend needs {} for its own service, or {endpoint} for a local server",
            spec.name,
            spec.key_variable.unwrap_or_default()
        )
    }

    /// The backend that memory misses go to, for a memory with one configured.
    fn fallback(&self) -> Option<&AnyBackend> {
        None
    }

    /// Makes a configuration read from a project file fit its project: `resolve` turns a
    /// path of the file into one relative to the current folder; `source` and `target` are
    /// the project's languages.
    fn in_project(&mut self, resolve: &dyn Fn(&Path) -> PathBuf, source: &Lang, target: &Lang) {
        let _ = (resolve, source, target);
    }
}

/// Makes [`BackendName`] and [`AnyBackend`] from [`backends!`]'s list, and declares the
/// backends' modules.
macro_rules! registry {
    ($($variant:ident => $field:ident: $module:ident :: $config:ident,)*) => {
        $(pub mod $module;)*

        /// The translation backends, by the name the command line and project files give them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum BackendName {
            $($variant,)*
        }

        impl BackendName {
            pub const ALL: &'static [BackendName] = &[$(BackendName::$variant,)*];

            /// What the backend is: its module's `BACKEND`.
            pub fn spec(self) -> &'static BackendSpec {
                match self {
                    $(BackendName::$variant => &$module::BACKEND,)*
                }
            }

            /// The configuration used when none is given (see [`BackendConfig::unconfigured`]).
            pub fn unconfigured(self) -> Option<AnyBackend> {
                match self {
                    $(BackendName::$variant => {
                        <$module::$config as BackendConfig>::unconfigured().map(AnyBackend::$variant)
                    })*
                }
            }

            pub(crate) fn check_flags(self, flags: &Flags) -> Result<(), SettingsError> {
                match self {
                    $(BackendName::$variant => <$module::$config as BackendConfig>::check_flags(flags),)*
                }
            }

            pub(crate) fn config_from_flags(
                self,
                flags: &Flags,
                from: &Lang,
                to: &Lang,
                timeout_secs: f64,
            ) -> Result<AnyBackend, SettingsError> {
                Ok(match self {
                    $(BackendName::$variant => AnyBackend::$variant(
                        <$module::$config as BackendConfig>::from_flags(flags, from, to, timeout_secs)?,
                    ),)*
                })
            }

            /// What to do about the key this backend lacks; `endpoint` says how to name a local
            /// server (a flag, or a key of the project file).
            pub fn missing_key_advice(self, endpoint: &str) -> String {
                match self {
                    $(BackendName::$variant => {
                        <$module::$config as BackendConfig>::missing_key_advice(self.spec(), endpoint)
                    })*
                }
            }

            /// The name the list gives the backend's `[translate.NAME]` table.
            #[cfg(test)]
            fn table(self) -> &'static str {
                match self {
                    $(BackendName::$variant => stringify!($field),)*
                }
            }
        }

        /// The configuration of any backend, tagged by `type`:
        ///
        /// ```
        /// use passerelle::translate::AnyBackend;
        ///
        /// let config: AnyBackend = serde_json::from_str(
        ///     r#"{"type": "openai", "endpoint": "http://localhost:11434/v1", "model": "qwen2.5:7b"}"#,
        /// ).unwrap();
        /// assert_eq!(config.name(), "openai");
        /// ```
        #[derive(Debug, Clone, Deserialize)]
        #[serde(tag = "type", rename_all = "lowercase")]
        pub enum AnyBackend {
            $($variant($module::$config),)*
        }

        impl AnyBackend {
            /// Which backend this configures.
            pub fn kind(&self) -> BackendName {
                match self {
                    $(AnyBackend::$variant(_) => BackendName::$variant,)*
                }
            }

            /// The configuration, for what every backend's does.
            pub fn config(&self) -> &dyn BackendConfig {
                match self {
                    $(AnyBackend::$variant(c) => c,)*
                }
            }

            pub fn config_mut(&mut self) -> &mut dyn BackendConfig {
                match self {
                    $(AnyBackend::$variant(c) => c,)*
                }
            }
        }
    };
}

backends!(registry);

impl AnyBackend {
    /// The name used on the command line and in cache keys.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Builds the backend: an HTTP client, a started program's settings, a loaded memory.
    pub fn build(&self) -> Result<Arc<dyn Backend>, ConfigError> {
        self.config().build()
    }

    /// The backend that memory misses go to, if this is a memory with one configured.
    pub fn fallback(&self) -> Option<&AnyBackend> {
        self.config().fallback()
    }
}

/// A backend configuration that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{backend}: {message}")]
    Invalid {
        backend: &'static str,
        message: String,
    },
    #[error(transparent)]
    Memory(#[from] MemoryError),
}

impl ConfigError {
    pub(crate) fn invalid(backend: &'static str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            backend,
            message: message.into(),
        }
    }
}

/// Everything that can stop a translation run, for callers that want one error type.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// The default request timeout of the HTTP backends: generous, because a local language model
/// on a CPU can take a minute for a batch.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

fn default_timeout_secs() -> f64 {
    DEFAULT_TIMEOUT.as_secs_f64()
}

/// A timeout given in seconds (config files and the CLI accept fractions).
pub(crate) fn timeout_from_secs(backend: &'static str, secs: f64) -> Result<Duration, ConfigError> {
    if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(ConfigError::invalid(
            backend,
            format!("timeout must be between 0 and 86400 seconds, not {secs}"),
        ))
    }
}

/// Whether `term` occurs in `text` as a word (or its plural in -s, -x, -es), ignoring case,
/// typographic apostrophes and no-break spaces: "facture" occurs in "Les factures" and in
/// "l'article", not in "préfacture".
pub(crate) fn contains_term(text: &str, term: &str) -> bool {
    let term = fold(term.trim());
    if term.is_empty() {
        return false;
    }
    let text = fold(text);
    text.match_indices(&term).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let mut rest = &text[i + term.len()..];
        for suffix in ["es", "s", "x"] {
            if let Some(r) = rest.strip_prefix(suffix) {
                if !r.chars().next().is_some_and(char::is_alphanumeric) {
                    rest = r;
                    break;
                }
            }
        }
        !before.is_some_and(char::is_alphanumeric)
            && !rest.chars().next().is_some_and(char::is_alphanumeric)
    })
}

/// Lower case, straight apostrophes, plain spaces: the form terms are compared in.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{2bc}' => '\'',
            '\u{a0}' | '\u{202f}' | '\u{2009}' => ' ',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let key = Secret::new("abcd-1234:fx");
        assert_eq!(format!("{key:?} {key}"), "*** ***");
        let config: AnyBackend =
            serde_json::from_str(r#"{"type": "deepl", "api_key": "abcd-1234:fx"}"#).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("abcd"), "{debug}");
        assert_eq!(
            key.redact("key abcd-1234:fx is invalid"),
            "key *** is invalid"
        );
    }

    #[test]
    fn configs_load_by_type_tag_and_reject_unknown_fields() {
        let c: AnyBackend = serde_json::from_str(
            r#"{"type": "libretranslate", "endpoint": "http://localhost:5000"}"#,
        )
        .unwrap();
        assert_eq!(c.name(), "libretranslate");
        let c: AnyBackend = serde_json::from_str(
            r#"{"type": "tm", "memories": ["a.tmx"], "threshold": 80,
                "fallback": {"type": "openai", "model": "llama3"}}"#,
        )
        .unwrap();
        assert_eq!(c.fallback().map(AnyBackend::name), Some("openai"));
        assert!(serde_json::from_str::<AnyBackend>(r#"{"type": "deepl", "nope": 1}"#).is_err());
        assert!(serde_json::from_str::<AnyBackend>(r#"{"type": "babelfish"}"#).is_err());
    }

    #[test]
    fn each_backend_has_one_name() {
        for &b in BackendName::ALL {
            let by_serde: BackendName = serde_json::from_str(&format!("\"{}\"", b.name())).unwrap();
            assert_eq!((by_serde, b.table()), (b, b.name()));
            assert_eq!(
                b.unconfigured().is_none(),
                b.spec().required.is_some(),
                "{b}"
            );
        }
    }

    #[test]
    fn terms_are_found_as_words() {
        assert!(contains_term("Les factures sont payées.", "facture"));
        assert!(contains_term("L\u{2019}Avoir est émis.", "avoir"));
        assert!(contains_term("the invoice", "Invoice"));
        assert!(!contains_term("La préfacture.", "facture"));
        assert!(!contains_term("facturation", "facture"));
        assert!(contains_term("mot de passe oublié", "mot de passe"));
        assert!(!contains_term("x", " "));
    }

    #[test]
    fn retryable_errors() {
        assert!(BackendError::transient("503").is_retryable());
        assert!(BackendError::RateLimited {
            retry_after: Some(Duration::from_secs(2)),
            message: "slow down".into()
        }
        .is_retryable());
        for e in [
            BackendError::Auth("x".into()),
            BackendError::Quota("x".into()),
            BackendError::BadRequest("x".into()),
            BackendError::TooLarge("x".into()),
            BackendError::Malformed("x".into()),
            BackendError::Failed("x".into()),
        ] {
            assert!(!e.is_retryable(), "{e}");
        }
    }
}
