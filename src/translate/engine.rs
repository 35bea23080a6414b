//! The engine that drives a [`Backend`] over a whole text.
//!
//! It answers what it can from the [`Cache`], sends each distinct remaining text once, packed
//! into batches within the backend's [`Capabilities`], with at most `concurrency` requests in
//! flight. A failed request is retried when the error says it may succeed later (rate limits,
//! server errors, timeouts), after the server's `Retry-After` when it sent one and otherwise
//! after an exponential backoff with jitter; a rate limit pauses every worker, not just the one
//! that hit it. Authentication, quota and bad-request errors stop the run at once. A batch too
//! large for the service is split in halves; a reply that does not fit its batch is asked
//! again or split, as the backend's [`MalformedPolicy`] says, and is never used misaligned.
//! Every batch that comes back is stored in the cache in its own transaction before anything
//! else happens, so a request that succeeded is never sent again, even after a crash.
//!
//! Memory misses go to the fallback backend when one is set. The engine does not print: it
//! reports through the [`Progress`] trait, which the CLI implements with a progress bar.
//!
//! The machinery (batches, workers, retries, splits, the cache) is written once, over the
//! crate-private `Batched` trait: translation backends are adapted to it here, and the
//! embeddings client ([`super::embed`]) implements it too.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::cache::{Cache, CacheError, Key, KeyPrefix};
use super::shield::{self, Masked, Shield};
use super::{
    Backend, BackendError, BatchRequest, BoxFuture, Capabilities, Job, MalformedPolicy,
    MemoryMatch, Translation,
};
use crate::text::plural;

/// How hard the engine pushes and how patiently it retries.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineOptions {
    /// Most requests in flight at once.
    pub concurrency: usize,
    /// Most retries of one request after rate limits and transient errors.
    pub max_retries: u32,
    /// The first backoff delay; each retry waits 1.6 times longer (±23 % jitter), as DeepL's
    /// own client does.
    pub base_delay: Duration,
    /// The longest backoff delay.
    pub max_delay: Duration,
    /// The longest `Retry-After` the engine honours; a server asking for more (an hourly or
    /// daily limit) ends the run rather than leaving it hanging.
    pub max_retry_after: Duration,
}

impl Default for EngineOptions {
    fn default() -> EngineOptions {
        EngineOptions {
            concurrency: 4,
            max_retries: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// What the engine reports while it works. Every method has a do-nothing default.
pub trait Progress: Send + Sync {
    /// The run starts with `total` segments.
    fn start(&self, total: usize) {
        let _ = total;
    }
    /// `segments` more segments are translated (or found in the cache).
    fn advance(&self, segments: usize) {
        let _ = segments;
    }
    /// A request failed with `error` and is sent again after `wait`.
    fn retry(&self, backend: &str, error: &BackendError, wait: Duration) {
        let _ = (backend, error, wait);
    }
}

/// One segment's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Translated {
    /// The translation; empty for an empty segment or a memory miss left untranslated.
    pub text: String,
    /// The backend that produced it (the fallback's name for memory misses it translated).
    pub backend: String,
    /// What the translation memory found, when a memory was asked.
    pub memory: Option<MemoryMatch>,
    /// Whether the translation came from the cache.
    pub cached: bool,
    /// No backend translated the segment (a memory miss without a fallback).
    pub untranslated: bool,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub segments: usize,
    /// The backend's work.
    pub primary: BackendStats,
    /// The fallback's work, when memory misses were passed to one.
    pub fallback: Option<BackendStats>,
    /// Segments left untranslated.
    pub untranslated: usize,
}

/// What one backend did in a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackendStats {
    pub backend: String,
    /// Segments given to this backend (blank ones excluded).
    pub segments: usize,
    /// Segments answered by the cache.
    pub from_cache: usize,
    /// Distinct texts the backend translated in this run.
    pub sent: usize,
    /// Requests made, retries included.
    pub requests: usize,
    pub retries: usize,
}

/// `3 from cache, 9 sent in 2 requests, 1 retry`
impl std::fmt::Display for BackendStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} from cache, {} sent in {}, {}",
            self.from_cache,
            self.sent,
            plural(self.requests, "request", "requests"),
            plural(self.retries, "retry", "retries")
        )
    }
}

impl Stats {
    /// Segments answered by the cache, all backends together.
    pub fn from_cache(&self) -> usize {
        self.primary.from_cache + self.fallback.as_ref().map_or(0, |f| f.from_cache)
    }

    /// Requests made, all backends together.
    pub fn requests(&self) -> usize {
        self.primary.requests + self.fallback.as_ref().map_or(0, |f| f.requests)
    }

    /// Retries, all backends together.
    pub fn retries(&self) -> usize {
        self.primary.retries + self.fallback.as_ref().map_or(0, |f| f.retries)
    }
}

/// The result of a run: one [`Translated`] per input text, in order.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub translations: Vec<Translated>,
    pub stats: Stats,
}

impl Outcome {
    /// The translation memory's warnings (a match that lacks a glossary term), with the
    /// index of the segment each is about.
    pub fn memory_warnings(&self) -> impl Iterator<Item = (usize, &String)> {
        self.translations.iter().enumerate().flat_map(|(i, t)| {
            t.memory
                .iter()
                .flat_map(|m| m.warnings.iter())
                .map(move |w| (i, w))
        })
    }

    /// Warnings for people, a line each: segments a memory left untranslated (and, unless
    /// `fallback_given`, how to have them translated: `--fallback` is offered), and memory
    /// matches that lack a glossary term, one line per match when `each`, else counted.
    pub fn warnings(&self, fallback_given: bool, each: bool) -> Vec<String> {
        let mut lines = Vec::new();
        let s = &self.stats;
        if s.untranslated > 0 {
            let hint = match fallback_given {
                true => String::new(),
                false => format!(
                    " (--fallback {} translates them)",
                    super::BackendName::fallback_list()
                ),
            };
            lines.push(format!(
                "warning: {} of {} segments have no match in the memory and are left empty{hint}",
                s.untranslated, s.segments
            ));
        }
        let warned: Vec<(usize, &String)> = self.memory_warnings().collect();
        if each {
            lines.extend(
                warned
                    .iter()
                    .map(|(i, w)| format!("segment {}: {w}", i + 1)),
            );
        } else if !warned.is_empty() {
            lines.push(format!(
                "warning: {} memory matches lack a glossary term (-v lists them; --format jsonl \
                 has them per segment)",
                warned.len()
            ));
        }
        lines
    }

    /// The run in a line for people: segments, backend, matches or requests, cache use.
    pub fn summary(&self, config: &super::AnyBackend) -> String {
        let s = &self.stats;
        let mut parts = Vec::new();
        if let super::AnyBackend::Tm(_) = config {
            let count = |kind: super::MatchKind| {
                self.translations
                    .iter()
                    .filter(|t| {
                        t.backend == "tm" && t.memory.as_ref().is_some_and(|m| m.kind == kind)
                    })
                    .count()
            };
            parts.push(format!(
                "{} exact, {} fuzzy",
                count(super::MatchKind::Exact),
                count(super::MatchKind::Fuzzy)
            ));
            if let Some(f) = &s.fallback {
                parts.push(format!("{} to {} ({f})", f.segments, f.backend));
            }
            parts.push(format!("{} untranslated", s.untranslated));
        } else {
            parts.push(s.primary.to_string());
        }
        format!(
            "{} ({}): {}",
            plural(s.segments, "segment", "segments"),
            config.name(),
            parts.join(", ")
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A backend failed in a way retrying did not or could not fix.
    #[error("{backend}: {error}{}", gave_up(*retries))]
    Backend {
        backend: String,
        error: BackendError,
        /// Retries made for the failing request.
        retries: u32,
        /// Segments translated (and cached) before the failure.
        translated: usize,
    },
    #[error(transparent)]
    Cache(#[from] CacheError),
}

fn gave_up(retries: u32) -> String {
    match retries {
        0 => String::new(),
        1 => " (gave up after 1 retry)".to_string(),
        n => format!(" (gave up after {n} retries)"),
    }
}

impl EngineError {
    pub fn backend_error(&self) -> Option<&BackendError> {
        match self {
            EngineError::Backend { error, .. } => Some(error),
            EngineError::Cache(_) => None,
        }
    }

    /// The error followed by its [advice](EngineError::advice), joined by `separator`.
    pub fn explained(&self, separator: &str, settings: super::SettingsIn) -> String {
        std::iter::once(self.to_string())
            .chain(self.advice(settings))
            .collect::<Vec<_>>()
            .join(separator)
    }

    /// What the person who ran the job can do next, in a line or two: run again (finished
    /// work is cached), check that the server is up at the URL its setting gives (named as
    /// the person gave it: a flag, a key of a project file).
    pub fn advice(&self, settings: super::SettingsIn) -> Vec<String> {
        let EngineError::Backend {
            backend,
            translated,
            error,
            ..
        } = self
        else {
            return Vec::new();
        };
        let mut advice = Vec::new();
        if *translated > 0 {
            let done = if backend == super::embed::NAME {
                "texts embedded"
            } else {
                "segments translated"
            };
            advice.push(format!(
                "{translated} {done} before that are in the cache: run again to send only the rest"
            ));
        }
        if matches!(error, BackendError::Transient { .. })
            && self.to_string().contains("cannot connect")
        {
            advice.push(format!(
                "is the server running, and is {} right?",
                settings.endpoint(backend)
            ));
        }
        advice
    }
}

/// A service the engine can drive: one request per batch of texts, one result per text.
///
/// Translation backends reach the engine through an adapter ([`Backend`] stays the public,
/// object-safe interface); the embeddings client implements it directly.
pub(crate) trait Batched: Send + Sync + 'static {
    /// One text's result.
    type Item: Clone + Send + Sync + 'static;
    /// What the results are called in error messages ("3 translations for 4 segments").
    const RESULTS: &'static str;

    /// Short name, for errors, progress and cache rows.
    fn name(&self) -> &str;
    fn capabilities(&self) -> Capabilities;
    /// See [`Backend::cache_scope`]; `None` keeps results out of the cache.
    fn cache_scope(&self) -> Option<String>;
    /// See [`Backend::prepare`].
    fn prepare<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), BackendError>>;
    /// Sends one batch; exactly one result per text, in order.
    fn call<'a>(
        &'a self,
        job: &'a Job,
        texts: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Self::Item>, BackendError>>;
    /// A result as the cache stores it.
    fn encode(item: &Self::Item) -> Cow<'_, str>;
    /// A result read back from the cache; `None` makes it a miss (the text is sent again).
    fn decode(&self, stored: &str) -> Option<Self::Item>;
}

/// A translation backend as the engine drives it.
struct Translating(Arc<dyn Backend>);

impl Batched for Translating {
    type Item = Translation;
    const RESULTS: &'static str = "translations";

    fn name(&self) -> &str {
        self.0.name()
    }
    fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }
    fn cache_scope(&self) -> Option<String> {
        self.0.cache_scope()
    }
    fn prepare<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), BackendError>> {
        self.0.prepare(job)
    }
    fn call<'a>(
        &'a self,
        job: &'a Job,
        texts: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Translation>, BackendError>> {
        match self.0.capabilities().shield {
            Shield::None => self.0.translate(BatchRequest { job, texts }),
            shield => Box::pin(self.shielded(job, texts, shield)),
        }
    }
    fn encode(item: &Translation) -> Cow<'_, str> {
        Cow::Borrowed(&item.text)
    }
    fn decode(&self, stored: &str) -> Option<Translation> {
        Some(Translation::machine(stored))
    }
}

impl Translating {
    /// Translates `texts` with their placeholders, tags and URLs protected (masked by
    /// markers when the backend does not protect them itself), and checks every
    /// translation against its source ([`shield::damage`]). The texts whose translation
    /// lost or duplicated a token are asked once more, alone; a second damaged translation
    /// is an error ([`BackendError::Mangled`]), never a result, so it is neither written nor
    /// cached.
    async fn shielded(
        &self,
        job: &Job,
        texts: &[String],
        shield: Shield,
    ) -> Result<Vec<Translation>, BackendError> {
        let masked: Vec<Masked> = match shield {
            Shield::Markers => texts.iter().map(|t| Masked::new(t)).collect(),
            Shield::None | Shield::Own => Vec::new(),
        };
        let sent: Vec<String> = match shield {
            Shield::Markers => masked.iter().map(|m| m.text.clone()).collect(),
            Shield::None | Shield::Own => texts.to_vec(),
        };
        let restore = |k: usize, t: &mut Translation| {
            if let Some(m) = masked.get(k) {
                t.text = m.unmask(&t.text);
            }
            shield::damage(&texts[k], &t.text)
        };
        let mut out = self.0.translate(BatchRequest { job, texts: &sent }).await?;
        if out.len() != texts.len() {
            // The engine reports the wrong count.
            return Ok(out);
        }
        let damaged: Vec<usize> = (0..out.len())
            .filter(|&k| restore(k, &mut out[k]).is_some())
            .collect();
        if damaged.is_empty() {
            return Ok(out);
        }
        let again: Vec<String> = damaged.iter().map(|&k| sent[k].clone()).collect();
        let second = self
            .0
            .translate(BatchRequest { job, texts: &again })
            .await?;
        if second.len() != again.len() {
            return Err(BackendError::Malformed(format!(
                "{} translations for {} segments asked again",
                second.len(),
                again.len()
            )));
        }
        for (&k, mut t) in damaged.iter().zip(second) {
            if let Some(d) = restore(k, &mut t) {
                return Err(BackendError::Mangled(format!(
                    "the translation of \"{}\" {d} (asked twice); it is not used",
                    preview(&texts[k])
                )));
            }
            out[k] = t;
        }
        Ok(out)
    }
}

pub struct Engine {
    backend: Arc<dyn Backend>,
    fallback: Option<Arc<dyn Backend>>,
    cache: Option<Arc<Cache>>,
    options: EngineOptions,
    progress: Option<Arc<dyn Progress>>,
}

impl Engine {
    /// The names of the engine's backends (the main one, the fallback) that take no glossary:
    /// their translations are not constrained by one.
    pub fn without_glossary(&self) -> Vec<String> {
        std::iter::once(&self.backend)
            .chain(&self.fallback)
            .filter(|b| !b.capabilities().glossary)
            .map(|b| b.name().to_string())
            .collect()
    }

    pub fn new(backend: Arc<dyn Backend>) -> Engine {
        Engine {
            backend,
            fallback: None,
            cache: None,
            options: EngineOptions::default(),
            progress: None,
        }
    }

    /// Sends the segments that `backend` leaves untranslated (memory misses) to `fallback`.
    pub fn with_fallback(mut self, fallback: Arc<dyn Backend>) -> Engine {
        self.fallback = Some(fallback);
        self
    }

    pub fn with_cache(mut self, cache: Arc<Cache>) -> Engine {
        self.cache = Some(cache);
        self
    }

    pub fn with_options(mut self, options: EngineOptions) -> Engine {
        self.options = options;
        self
    }

    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> Engine {
        self.progress = Some(progress);
        self
    }

    /// Translates `texts`, returning one result per text, in order.
    pub async fn translate(&self, job: &Job, texts: &[String]) -> Result<Outcome, EngineError> {
        let job = Arc::new(job.clone());
        let progress = progress_or_silent(self.progress.clone());
        progress.start(texts.len());
        let mut stats = Stats {
            segments: texts.len(),
            ..Stats::default()
        };
        let mut results: Vec<Option<Translated>> = vec![None; texts.len()];

        let (pending, blank) = split_blank(texts);
        for i in blank {
            results[i] = Some(Translated {
                text: String::new(),
                backend: self.backend.name().to_string(),
                memory: None,
                cached: false,
                untranslated: false,
            });
            progress.advance(1);
        }

        let phase = Phase {
            cache: self.cache.as_ref(),
            options: &self.options,
            progress: &progress,
        };
        let primary = phase
            .run(
                &Arc::new(Translating(self.backend.clone())),
                &job,
                texts,
                &pending,
                &mut stats.primary,
            )
            .await?;
        let mut misses = Vec::new();
        for (i, found) in primary {
            if found.item.is_untranslated() {
                misses.push(i);
            }
            results[i] = Some(found.into_translated(self.backend.name()));
        }

        if let Some(fallback) = &self.fallback {
            if !misses.is_empty() {
                let mut fallback_stats = BackendStats::default();
                let translated = phase
                    .run(
                        &Arc::new(Translating(fallback.clone())),
                        &job,
                        texts,
                        &misses,
                        &mut fallback_stats,
                    )
                    .await?;
                stats.fallback = Some(fallback_stats);
                for (i, found) in translated {
                    let memory = results[i].as_mut().and_then(|r| r.memory.take());
                    let mut t = found.into_translated(fallback.name());
                    t.memory = memory;
                    results[i] = Some(t);
                }
            }
        }

        let translations: Vec<Translated> = results
            .into_iter()
            .map(|r| r.expect("every segment has a result"))
            .collect();
        stats.untranslated = translations.iter().filter(|t| t.untranslated).count();
        Ok(Outcome {
            translations,
            stats,
        })
    }
}

/// The indices of the texts to send and of the blank ones (empty or white space), which no
/// backend is asked about.
pub(crate) fn split_blank(texts: &[String]) -> (Vec<usize>, Vec<usize>) {
    (0..texts.len()).partition(|&i| !texts[i].trim().is_empty())
}

pub(crate) fn progress_or_silent(progress: Option<Arc<dyn Progress>>) -> Arc<dyn Progress> {
    progress.unwrap_or_else(|| Arc::new(Silent))
}

/// One text's result from a [`Phase`].
pub(crate) struct Found<T> {
    pub item: T,
    /// It came from the cache.
    pub cached: bool,
}

impl Found<Translation> {
    fn into_translated(self, backend: &str) -> Translated {
        let untranslated = self.item.is_untranslated();
        Translated {
            text: self.item.text,
            backend: backend.to_string(),
            memory: self.item.memory,
            cached: self.cached,
            untranslated,
        }
    }
}

/// What the phases of one run share.
pub(crate) struct Phase<'a> {
    pub cache: Option<&'a Arc<Cache>>,
    pub options: &'a EngineOptions,
    pub progress: &'a Arc<dyn Progress>,
}

impl Phase<'_> {
    /// Runs the texts at `indices` through one backend; returns (index, result) pairs.
    pub(crate) async fn run<B: Batched>(
        &self,
        backend: &Arc<B>,
        job: &Arc<Job>,
        texts: &[String],
        indices: &[usize],
        stats: &mut BackendStats,
    ) -> Result<Vec<(usize, Found<B::Item>)>, EngineError> {
        let progress = self.progress;
        stats.backend = backend.name().to_string();
        stats.segments = indices.len();
        // Each distinct text is sent once, whatever the number of its occurrences.
        let mut unique: Vec<String> = Vec::new();
        let mut occurrences: Vec<Vec<usize>> = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for &i in indices {
            let u = *seen.entry(texts[i].as_str()).or_insert_with(|| {
                unique.push(texts[i].clone());
                occurrences.push(Vec::new());
                unique.len() - 1
            });
            occurrences[u].push(i);
        }

        let mut found: Vec<Option<(B::Item, bool)>> = vec![None; unique.len()];
        let cache = match (self.cache, backend.cache_scope()) {
            (Some(cache), Some(scope)) => {
                // What the backend ignores does not key its results: a changed glossary does
                // not throw away LibreTranslate's translations.
                let caps = backend.capabilities();
                let keyed = Job {
                    glossary: if caps.glossary {
                        job.glossary.clone()
                    } else {
                        Vec::new()
                    },
                    context: job.context.clone().filter(|_| caps.context),
                    ..Job::clone(job)
                };
                let prefix = KeyPrefix::new(backend.name(), &scope, &keyed);
                let keys: Vec<Key> = unique.iter().map(|t| prefix.key(t)).collect();
                for (u, hit) in cache.get_many(&keys)?.into_iter().enumerate() {
                    if let Some(item) = hit.and_then(|stored| backend.decode(&stored)) {
                        stats.from_cache += occurrences[u].len();
                        progress.advance(occurrences[u].len());
                        found[u] = Some((item, true));
                    }
                }
                Some((cache.clone(), keys))
            }
            _ => None,
        };

        let todo: Vec<usize> = (0..unique.len()).filter(|&u| found[u].is_none()).collect();
        if !todo.is_empty() {
            let shared = Arc::new(Shared {
                backend: backend.clone(),
                job: job.clone(),
                texts: unique,
                weights: occurrences.iter().map(Vec::len).collect(),
                cache,
                options: self.options.clone(),
                progress: progress.clone(),
                queue: Mutex::new(VecDeque::new()),
                results: Mutex::new(vec![None; found.len()]),
                pause_until: Mutex::new(None),
                requests: AtomicUsize::new(0),
                retries: AtomicUsize::new(0),
                sent: AtomicUsize::new(0),
                translated: AtomicUsize::new(0),
                failure: Mutex::new(None),
                cancel: watch::channel(false).0,
            });
            let outcome = run_batches(&shared, &todo).await;
            stats.requests += shared.requests.load(Ordering::Relaxed);
            stats.retries += shared.retries.load(Ordering::Relaxed);
            stats.sent += shared.sent.load(Ordering::Relaxed);
            outcome?;
            let mut results = shared.results.lock().unwrap_or_else(|p| p.into_inner());
            for &u in &todo {
                let item = results[u].take().expect("every batch finished");
                found[u] = Some((item, false));
            }
        }

        let mut out = Vec::with_capacity(indices.len());
        for (u, occ) in occurrences.into_iter().enumerate() {
            let (item, cached) = found[u].take().expect("every text has a result");
            for i in occ {
                out.push((
                    i,
                    Found {
                        item: item.clone(),
                        cached,
                    },
                ));
            }
        }
        Ok(out)
    }
}

struct Silent;
impl Progress for Silent {}

/// What the workers of one phase share.
struct Shared<B: Batched> {
    backend: Arc<B>,
    job: Arc<Job>,
    /// The distinct texts of the phase.
    texts: Vec<String>,
    /// How many segments each distinct text stands for (for progress).
    weights: Vec<usize>,
    cache: Option<(Arc<Cache>, Vec<Key>)>,
    options: EngineOptions,
    progress: Arc<dyn Progress>,
    queue: Mutex<VecDeque<Vec<usize>>>,
    results: Mutex<Vec<Option<B::Item>>>,
    /// Set on a rate limit: no worker sends before then.
    pause_until: Mutex<Option<Instant>>,
    requests: AtomicUsize,
    retries: AtomicUsize,
    sent: AtomicUsize,
    /// Segments translated by this phase so far.
    translated: AtomicUsize,
    failure: Mutex<Option<EngineError>>,
    cancel: watch::Sender<bool>,
}

/// Packs the texts into batches, runs the workers, and returns the first fatal error.
async fn run_batches<B: Batched>(
    shared: &Arc<Shared<B>>,
    todo: &[usize],
) -> Result<(), EngineError> {
    let caps = shared.backend.capabilities();
    let max_texts = caps.max_texts.max(1);
    let max_bytes = caps.max_bytes.max(1);
    {
        let mut queue = shared.queue.lock().unwrap_or_else(|p| p.into_inner());
        let mut batch = Vec::new();
        let mut bytes = 0;
        for &u in todo {
            let len = shared.texts[u].len();
            if !batch.is_empty() && (batch.len() >= max_texts || bytes + len > max_bytes) {
                queue.push_back(std::mem::take(&mut batch));
                bytes = 0;
            }
            batch.push(u);
            bytes += len;
        }
        if !batch.is_empty() {
            queue.push_back(batch);
        }
    }

    // Prepare once (a glossary to create, a language pair to check), with the same retries.
    prepare(shared).await?;

    let workers = shared.options.concurrency.max(1).min(todo.len());
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let shared = shared.clone();
        set.spawn(async move { worker(&shared).await });
    }
    while let Some(joined) = set.join_next().await {
        if let Err(e) = joined {
            if e.is_panic() {
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }
    match shared
        .failure
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

async fn prepare<B: Batched>(shared: &Arc<Shared<B>>) -> Result<(), EngineError> {
    let mut attempt = 0u32;
    loop {
        let error = match shared.backend.prepare(&shared.job).await {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        match decide(shared, &error, attempt) {
            Some(wait) => {
                shared.retries.fetch_add(1, Ordering::Relaxed);
                shared.progress.retry(shared.backend.name(), &error, wait);
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            None => return Err(fatal(shared, error, attempt)),
        }
    }
}

async fn worker<B: Batched>(shared: &Arc<Shared<B>>) {
    let mut cancel = shared.cancel.subscribe();
    loop {
        if *cancel.borrow() {
            return;
        }
        let next = shared
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front();
        let Some(batch) = next else { return };
        // Halves of a split batch are done by the same worker, first half first. The halves
        // of a batch split for a malformed reply are not asked twice before splitting again:
        // the reply was already asked again once.
        let mut stack = vec![(batch, false)];
        while let Some((batch, reasked)) = stack.pop() {
            match run_batch(shared, &batch, reasked, &mut cancel).await {
                BatchEnd::Done => {}
                BatchEnd::Split { malformed } => {
                    let (left, right) = batch.split_at(batch.len() / 2);
                    stack.push((right.to_vec(), malformed));
                    stack.push((left.to_vec(), malformed));
                }
                BatchEnd::Cancelled => return,
                BatchEnd::Failed(e) => {
                    let mut failure = shared.failure.lock().unwrap_or_else(|p| p.into_inner());
                    if failure.is_none() {
                        *failure = Some(e);
                    }
                    shared.cancel.send_replace(true);
                    return;
                }
            }
        }
    }
}

enum BatchEnd {
    Done,
    /// Split in halves, because the batch was too large or (`malformed`) its reply did not fit.
    Split {
        malformed: bool,
    },
    Cancelled,
    Failed(EngineError),
}

async fn run_batch<B: Batched>(
    shared: &Arc<Shared<B>>,
    batch: &[usize],
    mut reasked: bool,
    cancel: &mut watch::Receiver<bool>,
) -> BatchEnd {
    let texts: Vec<String> = batch.iter().map(|&u| shared.texts[u].clone()).collect();
    let policy = shared.backend.capabilities().on_malformed;
    let mut attempt = 0u32;
    // A single segment is always asked again once: it cannot be split.
    reasked &= batch.len() > 1;
    loop {
        if !wait_for_pause(shared, cancel).await {
            return BatchEnd::Cancelled;
        }
        shared.requests.fetch_add(1, Ordering::Relaxed);
        let error = match shared.backend.call(&shared.job, &texts).await {
            Ok(items) if items.len() == texts.len() => {
                return match store(shared, batch, items) {
                    Ok(()) => BatchEnd::Done,
                    Err(e) => BatchEnd::Failed(e.into()),
                };
            }
            Ok(items) => BackendError::Malformed(format!(
                "{} {} for {} segments",
                items.len(),
                B::RESULTS,
                texts.len()
            )),
            Err(e) => e,
        };
        match &error {
            BackendError::TooLarge(_) if batch.len() > 1 => {
                return BatchEnd::Split { malformed: false }
            }
            BackendError::TooLarge(message) => {
                let e = BackendError::TooLarge(format!(
                    "a single segment of {} bytes is over the limit ({message}): \"{}\"",
                    texts[0].len(),
                    preview(&texts[0])
                ));
                return BatchEnd::Failed(fatal(shared, e, attempt));
            }
            BackendError::Malformed(_) if policy != MalformedPolicy::Fail && !reasked => {
                reasked = true;
                shared.retries.fetch_add(1, Ordering::Relaxed);
                shared
                    .progress
                    .retry(shared.backend.name(), &error, Duration::ZERO);
                continue;
            }
            BackendError::Malformed(_)
                if policy == MalformedPolicy::RetryThenSplit && batch.len() > 1 =>
            {
                return BatchEnd::Split { malformed: true };
            }
            _ => {}
        }
        let Some(wait) = decide(shared, &error, attempt) else {
            return BatchEnd::Failed(fatal(shared, error, attempt));
        };
        if matches!(error, BackendError::RateLimited { .. }) {
            // Everyone slows down, not only the worker that was told to.
            let until = Instant::now() + wait;
            let mut pause = shared.pause_until.lock().unwrap_or_else(|p| p.into_inner());
            if pause.is_none_or(|p| p < until) {
                *pause = Some(until);
            }
        }
        shared.retries.fetch_add(1, Ordering::Relaxed);
        shared.progress.retry(shared.backend.name(), &error, wait);
        if !sleep_unless_cancelled(wait, cancel).await {
            return BatchEnd::Cancelled;
        }
        attempt += 1;
    }
}

/// Stores a finished batch (results, then the cache, in one transaction) and reports it.
fn store<B: Batched>(
    shared: &Shared<B>,
    batch: &[usize],
    items: Vec<B::Item>,
) -> Result<(), CacheError> {
    if let Some((cache, keys)) = &shared.cache {
        let encoded: Vec<Cow<'_, str>> = items.iter().map(B::encode).collect();
        let entries: Vec<(Key, &str)> = batch
            .iter()
            .zip(&encoded)
            .map(|(&u, e)| (keys[u], e.as_ref()))
            .collect();
        cache.put_many(shared.backend.name(), &entries)?;
    }
    let segments: usize = batch.iter().map(|&u| shared.weights[u]).sum();
    {
        let mut results = shared.results.lock().unwrap_or_else(|p| p.into_inner());
        for (&u, item) in batch.iter().zip(items) {
            results[u] = Some(item);
        }
    }
    shared.sent.fetch_add(batch.len(), Ordering::Relaxed);
    shared.translated.fetch_add(segments, Ordering::Relaxed);
    shared.progress.advance(segments);
    Ok(())
}

/// How long to wait before retrying after `error`, or `None` to give up.
fn decide<B: Batched>(shared: &Shared<B>, error: &BackendError, attempt: u32) -> Option<Duration> {
    if !error.is_retryable() || attempt >= shared.options.max_retries {
        return None;
    }
    match error.retry_after() {
        Some(wait) if wait > shared.options.max_retry_after => None,
        // A little jitter on top, so that workers told the same time do not all come back at
        // once.
        Some(wait) => Some(wait.mul_f64(1.0 + fastrand::f64() * 0.1)),
        None => Some(backoff(&shared.options, attempt)),
    }
}

/// Exponential backoff: base × 1.6^attempt, capped, ±23 % jitter.
fn backoff(options: &EngineOptions, attempt: u32) -> Duration {
    let secs = options.base_delay.as_secs_f64() * 1.6f64.powi(attempt.min(64) as i32);
    let capped = secs.min(options.max_delay.as_secs_f64());
    let jitter = 1.0 + (fastrand::f64() * 2.0 - 1.0) * 0.23;
    Duration::from_secs_f64(capped * jitter)
}

fn fatal<B: Batched>(shared: &Shared<B>, error: BackendError, retries: u32) -> EngineError {
    let error = match error {
        BackendError::RateLimited {
            retry_after: Some(wait),
            message,
        } if wait > shared.options.max_retry_after => BackendError::RateLimited {
            retry_after: Some(wait),
            message: format!(
                "{message}; the server asks to wait more than {} s, so the run stops here",
                shared.options.max_retry_after.as_secs()
            ),
        },
        other => other,
    };
    EngineError::Backend {
        backend: shared.backend.name().to_string(),
        error,
        retries,
        translated: shared.translated.load(Ordering::Relaxed),
    }
}

/// Waits out a rate-limit pause; false if the run was cancelled meanwhile.
async fn wait_for_pause<B: Batched>(
    shared: &Shared<B>,
    cancel: &mut watch::Receiver<bool>,
) -> bool {
    loop {
        if *cancel.borrow() {
            return false;
        }
        let until = *shared.pause_until.lock().unwrap_or_else(|p| p.into_inner());
        match until {
            Some(until) if until > Instant::now() => {
                if !sleep_unless_cancelled(until - Instant::now(), cancel).await {
                    return false;
                }
            }
            _ => return true,
        }
    }
}

async fn sleep_unless_cancelled(wait: Duration, cancel: &mut watch::Receiver<bool>) -> bool {
    if *cancel.borrow() {
        return false;
    }
    tokio::select! {
        () = tokio::time::sleep(wait) => true,
        _ = cancel.changed() => false,
    }
}

fn preview(text: &str) -> String {
    let cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lang;
    use crate::translate::{BatchRequest, BoxFuture, Capabilities, MatchKind};
    use std::sync::atomic::AtomicU32;

    type Script = Box<dyn Fn(usize, &[String]) -> Option<BackendError> + Send + Sync>;

    /// A scripted in-process backend: answers "EN(text)" unless `script` says otherwise for
    /// the n-th call.
    struct Fake {
        name: &'static str,
        caps: Capabilities,
        calls: Mutex<Vec<Vec<String>>>,
        script: Script,
        in_flight: AtomicU32,
        max_in_flight: AtomicU32,
        delay: Duration,
        cacheable: bool,
        memory_misses: bool,
        /// What the n-th call makes of a text before translating it.
        mangle: fn(usize, &str) -> String,
    }

    impl Fake {
        fn new(max_texts: usize) -> Fake {
            Fake {
                name: "fake",
                caps: Capabilities {
                    max_texts,
                    max_bytes: 1 << 20,
                    glossary: false,
                    context: false,
                    on_malformed: MalformedPolicy::RetryThenSplit,
                    shield: super::Shield::None,
                },
                calls: Mutex::new(Vec::new()),
                script: Box::new(|_, _| None),
                in_flight: AtomicU32::new(0),
                max_in_flight: AtomicU32::new(0),
                delay: Duration::ZERO,
                cacheable: true,
                memory_misses: false,
                mangle: |_, t| t.to_string(),
            }
        }
        fn calls(&self) -> Vec<Vec<String>> {
            self.calls.lock().unwrap().clone()
        }
    }

    impl Backend for Fake {
        fn name(&self) -> &str {
            self.name
        }
        fn capabilities(&self) -> Capabilities {
            self.caps
        }
        fn cache_scope(&self) -> Option<String> {
            self.cacheable.then(String::new)
        }
        fn translate<'a>(
            &'a self,
            req: BatchRequest<'a>,
        ) -> BoxFuture<'a, Result<Vec<Translation>, BackendError>> {
            Box::pin(async move {
                let n = {
                    let mut calls = self.calls.lock().unwrap();
                    calls.push(req.texts.to_vec());
                    calls.len() - 1
                };
                let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                self.max_in_flight.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(self.delay).await;
                self.in_flight.fetch_sub(1, Ordering::SeqCst);
                if let Some(e) = (self.script)(n, req.texts) {
                    return Err(e);
                }
                Ok(req
                    .texts
                    .iter()
                    .map(|t| {
                        if self.memory_misses && t.starts_with('?') {
                            Translation {
                                text: String::new(),
                                memory: Some(MemoryMatch {
                                    kind: MatchKind::None,
                                    score: 40,
                                    memory_source: None,
                                    warnings: vec![],
                                }),
                            }
                        } else {
                            Translation::machine(format!("EN({})", (self.mangle)(n, t)))
                        }
                    })
                    .collect())
            })
        }
    }

    fn fast() -> EngineOptions {
        EngineOptions {
            concurrency: 4,
            max_retries: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(2),
        }
    }

    fn texts(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("Phrase {i}.")).collect()
    }

    fn job() -> Job {
        Job::new(Lang::Fr, Lang::En)
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn batches_respect_limits_and_results_keep_order() {
        let fake = Arc::new(Fake::new(3));
        let engine = Engine::new(fake.clone()).with_options(fast());
        let input = texts(8);
        let out = rt().block_on(engine.translate(&job(), &input)).unwrap();
        let got: Vec<&str> = out.translations.iter().map(|t| t.text.as_str()).collect();
        let want: Vec<String> = input.iter().map(|t| format!("EN({t})")).collect();
        assert_eq!(got, want);
        let mut sizes: Vec<usize> = fake.calls().iter().map(Vec::len).collect();
        sizes.sort();
        assert_eq!(sizes, [2, 3, 3]);
        assert_eq!(out.stats.primary.requests, 3);
        assert_eq!(out.stats.primary.sent, 8);
    }

    #[test]
    fn byte_limits_pack_batches() {
        let mut fake = Fake::new(100);
        fake.caps.max_bytes = 20;
        let fake = Arc::new(fake);
        let engine = Engine::new(fake.clone()).with_options(fast());
        let input: Vec<String> = vec!["a".repeat(8), "b".repeat(8), "c".repeat(8), "d".repeat(30)];
        rt().block_on(engine.translate(&job(), &input)).unwrap();
        let mut sizes: Vec<usize> = fake.calls().iter().map(Vec::len).collect();
        sizes.sort();
        assert_eq!(sizes, [1, 1, 2], "a long text goes alone");
    }

    #[test]
    fn concurrency_is_bounded() {
        let mut fake = Fake::new(1);
        fake.delay = Duration::from_millis(20);
        let fake = Arc::new(fake);
        let options = EngineOptions {
            concurrency: 3,
            ..fast()
        };
        let engine = Engine::new(fake.clone()).with_options(options);
        rt().block_on(engine.translate(&job(), &texts(12))).unwrap();
        assert_eq!(fake.max_in_flight.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn duplicates_and_blank_segments_are_not_sent() {
        let fake = Arc::new(Fake::new(10));
        let engine = Engine::new(fake.clone()).with_options(fast());
        let input: Vec<String> = ["Oui.", "  ", "Oui.", "Non.", ""]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let out = rt().block_on(engine.translate(&job(), &input)).unwrap();
        assert_eq!(fake.calls(), [vec!["Oui.".to_string(), "Non.".to_string()]]);
        let got: Vec<&str> = out.translations.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(got, ["EN(Oui.)", "", "EN(Oui.)", "EN(Non.)", ""]);
    }

    #[test]
    fn transient_errors_are_retried_and_success_is_not_resent() {
        let mut fake = Fake::new(2);
        fake.script = Box::new(|n, _| (n < 2).then(|| BackendError::transient("HTTP 503")));
        let fake = Arc::new(fake);
        let options = EngineOptions {
            concurrency: 1,
            ..fast()
        };
        let engine = Engine::new(fake.clone()).with_options(options);
        let out = rt().block_on(engine.translate(&job(), &texts(4))).unwrap();
        assert_eq!(out.stats.retries(), 2);
        assert_eq!(out.stats.requests(), 4);
        let calls = fake.calls();
        assert_eq!(calls[0], calls[1]);
        assert_eq!(calls[1], calls[2]);
        assert_ne!(
            calls[2], calls[3],
            "the batch that succeeded is not sent again"
        );
    }

    #[test]
    fn retries_are_bounded_and_fatal_errors_stop_at_once() {
        let mut fake = Fake::new(10);
        fake.script = Box::new(|_, _| Some(BackendError::transient("HTTP 503")));
        let fake = Arc::new(fake);
        let engine = Engine::new(fake.clone()).with_options(fast());
        let err = rt()
            .block_on(engine.translate(&job(), &texts(3)))
            .unwrap_err();
        assert_eq!(fake.calls().len(), 4);
        assert_eq!(err.to_string(), "fake: HTTP 503 (gave up after 3 retries)");

        let mut fake = Fake::new(1);
        fake.script = Box::new(|_, _| Some(BackendError::Quota("456".into())));
        let fake = Arc::new(fake);
        let options = EngineOptions {
            concurrency: 1,
            ..fast()
        };
        let engine = Engine::new(fake.clone()).with_options(options);
        let err = rt()
            .block_on(engine.translate(&job(), &texts(5)))
            .unwrap_err();
        assert_eq!(fake.calls().len(), 1);
        assert!(matches!(err.backend_error(), Some(BackendError::Quota(_))));
    }

    #[test]
    fn a_long_retry_after_stops_the_run() {
        let mut fake = Fake::new(10);
        fake.script = Box::new(|_, _| {
            Some(BackendError::RateLimited {
                retry_after: Some(Duration::from_secs(3600)),
                message: "HTTP 429".into(),
            })
        });
        let fake = Arc::new(fake);
        let engine = Engine::new(fake.clone()).with_options(fast());
        let err = rt()
            .block_on(engine.translate(&job(), &texts(2)))
            .unwrap_err();
        assert_eq!(fake.calls().len(), 1);
        assert!(err.to_string().contains("more than 2 s"), "{err}");
    }

    #[test]
    fn too_large_batches_are_split_until_they_fit() {
        let mut fake = Fake::new(8);
        fake.script = Box::new(|_, texts| {
            (texts.len() > 2).then(|| BackendError::TooLarge("HTTP 413".into()))
        });
        let fake = Arc::new(fake);
        let engine = Engine::new(fake.clone()).with_options(fast());
        let input = texts(8);
        let out = rt().block_on(engine.translate(&job(), &input)).unwrap();
        assert_eq!(out.translations[7].text, "EN(Phrase 7.)");
        let ok: usize = fake
            .calls()
            .iter()
            .filter(|c| c.len() <= 2)
            .map(Vec::len)
            .sum();
        assert_eq!(ok, 8, "each text succeeds exactly once");
    }

    #[test]
    fn malformed_replies_are_asked_again_then_split() {
        let mut fake = Fake::new(4);
        // Wrong once for any batch, then wrong for batches of more than one.
        fake.script = Box::new(|n, texts| {
            (n == 0 || texts.len() > 1).then(|| BackendError::Malformed("3 for 4".into()))
        });
        let fake = Arc::new(fake);
        let engine = Engine::new(fake.clone()).with_options(fast());
        let out = rt().block_on(engine.translate(&job(), &texts(4))).unwrap();
        assert_eq!(out.translations[3].text, "EN(Phrase 3.)");
        let sizes: Vec<usize> = fake.calls().iter().map(Vec::len).collect();
        assert_eq!(sizes[..2], [4, 4], "asked again once before splitting");

        let mut fake = Fake::new(4);
        fake.caps.on_malformed = MalformedPolicy::Fail;
        fake.script = Box::new(|_, _| Some(BackendError::Malformed("2 lines for 4".into())));
        let fake = Arc::new(fake);
        let engine = Engine::new(fake.clone()).with_options(fast());
        assert!(rt().block_on(engine.translate(&job(), &texts(4))).is_err());
        assert_eq!(fake.calls().len(), 1);
    }

    #[test]
    fn the_cache_answers_a_second_run() {
        let cache = Arc::new(Cache::in_memory());
        let fake = Arc::new(Fake::new(2));
        let engine = Engine::new(fake.clone())
            .with_options(fast())
            .with_cache(cache.clone());
        let first = rt().block_on(engine.translate(&job(), &texts(5))).unwrap();
        assert_eq!(first.stats.from_cache(), 0);
        assert_eq!(fake.calls().len(), 3);
        let again = rt().block_on(engine.translate(&job(), &texts(6))).unwrap();
        assert_eq!(again.stats.from_cache(), 5);
        assert_eq!(fake.calls().len(), 4);
        assert_eq!(fake.calls()[3], ["Phrase 5.".to_string()]);
        assert!(again.translations[0].cached);
        assert_eq!(again.translations[0].text, "EN(Phrase 0.)");
    }

    #[test]
    fn memory_misses_go_to_the_fallback() {
        let mut memory = Fake::new(10);
        memory.name = "tm";
        memory.cacheable = false;
        memory.memory_misses = true;
        let mut mt = Fake::new(10);
        mt.name = "mt";
        let mt = Arc::new(mt);
        let engine = Engine::new(Arc::new(memory))
            .with_fallback(mt.clone())
            .with_options(fast());
        let input: Vec<String> = ["Connu.", "?Inconnu.", "Connu aussi."]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let out = rt().block_on(engine.translate(&job(), &input)).unwrap();
        assert_eq!(mt.calls(), [vec!["?Inconnu.".to_string()]]);
        assert_eq!(out.translations[1].text, "EN(?Inconnu.)");
        assert_eq!(out.translations[1].backend, "mt");
        assert_eq!(
            out.translations[1].memory.as_ref().map(|m| m.kind),
            Some(MatchKind::None)
        );
        assert_eq!(out.translations[0].backend, "tm");
        let fallback = out.stats.fallback.as_ref().unwrap();
        assert_eq!(
            (fallback.backend.as_str(), fallback.segments, fallback.sent),
            ("mt", 1, 1)
        );
        assert_eq!(out.stats.untranslated, 0);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let options = EngineOptions {
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            ..EngineOptions::default()
        };
        for _ in 0..50 {
            let first = backoff(&options, 0).as_secs_f64();
            assert!((0.77..=1.23).contains(&first), "{first}");
            let third = backoff(&options, 2).as_secs_f64();
            assert!((2.56 * 0.77..=2.56 * 1.23).contains(&third), "{third}");
            assert!(backoff(&options, 30).as_secs_f64() <= 12.3);
        }
    }

    #[test]
    fn protected_tokens_are_masked_restored_and_a_damaged_translation_asked_once_more() {
        let mut fake = Fake::new(10);
        fake.caps.shield = Shield::Markers;
        // The first call drops the second marker.
        fake.mangle = |n, t| match n {
            0 => t.replace("@@PH2@@", ""),
            _ => t.to_string(),
        };
        let fake = Arc::new(fake);
        let engine = Engine::new(fake.clone()).with_options(fast());
        let input = vec!["%s a %d fichiers".to_string(), "Rien.".to_string()];
        let out = rt().block_on(engine.translate(&job(), &input)).unwrap();
        let got: Vec<&str> = out.translations.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(got, ["EN(%s a %d fichiers)", "EN(Rien.)"]);
        assert_eq!(
            fake.calls(),
            [
                vec![
                    "@@PH1@@ a @@PH2@@ fichiers".to_string(),
                    "Rien.".to_string()
                ],
                vec!["@@PH1@@ a @@PH2@@ fichiers".to_string()],
            ]
        );
    }

    #[test]
    fn a_translation_damaged_twice_is_an_error_not_a_result() {
        let mut fake = Fake::new(10);
        fake.caps.shield = Shield::Markers;
        fake.mangle = |_, t| t.replace("@@PH1@@", "@@PH1@@ @@PH1@@");
        let fake = Arc::new(fake);
        let engine = Engine::new(fake.clone()).with_options(fast());
        let input = vec!["Bonjour {name}".to_string()];
        let err = rt().block_on(engine.translate(&job(), &input)).unwrap_err();
        match err.backend_error() {
            Some(BackendError::Mangled(m)) => {
                assert!(m.contains("added {name}"), "{m}");
                assert!(m.contains("Bonjour {name}"), "{m}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(fake.calls().len(), 2, "asked once more, then given up");
        // A backend that protects nothing is not second-guessed (a translation memory).
        let mut fake = Fake::new(10);
        fake.mangle = |_, _| String::new();
        let engine = Engine::new(Arc::new(fake)).with_options(fast());
        let out = rt().block_on(engine.translate(&job(), &input)).unwrap();
        assert_eq!(out.translations[0].text, "EN()");
    }
}
