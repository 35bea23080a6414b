//! `passerelle batch`: many document pairs as JSON lines, one output line per input line.
//!
//! Each input line is a record `{"id", "src", "tgt", "src_lang"?, "tgt_lang"?,
//! "presegmented"?, "mt"?}` (schemas/batch-input.schema.json). A record goes the way
//! `passerelle align` takes one pair ([`super::pair`]: split, translation lines or a
//! [`Engines`], [`align_sentences`]), so the beads are the ones `align` gives for the same
//! pair and options; the beads are then checked as `passerelle check` does (without a glossary,
//! by the rules that need none) and the findings are the objects of `check --format json`. The
//! output record is `{"id", "ok": true, "src_sentences", "tgt_sentences", "beads", "findings"}`, or
//! `{"id", "line", "ok": false, "error"}` for a line that cannot be used
//! (schemas/batch-output.schema.json).
//!
//! [`run`] streams: a reader (the calling thread) cuts the input into lines of at most
//! `max_record_bytes`, `jobs` worker threads process them, and a writer thread puts the
//! results back in input order. At most a window of `4 × jobs` records is in flight between
//! reading and writing, so memory stays bounded whatever the input's length, and the output
//! is the same bytes whatever `jobs` is. [`Shard`] keeps the records whose id hashes to one
//! shard. This module prints nothing and picks no exit code; it makes no request itself
//! (translations and sentence embeddings come from the caller's [`Engines`] and
//! [`Embeddings`]).

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::pair::{align_sentences, translation_lines, Embedding, Sentences};
use crate::align::{self, CostWeights, Evidence, Overlaps};
use crate::check::{self, Checker};
use crate::formats::findings::{json_findings, JsonFinding, Report};
use crate::formats::jsonl::BeadShape;
use crate::glossary::Glossary;
use crate::text::Lang;
use crate::translate::settings::Settings;
use crate::translate::{AnyBackend, Cache, Engine, Job, SettingsIn, TermPair};

/// The default largest input line, in bytes (64 MiB).
pub const DEFAULT_MAX_RECORD_BYTES: usize = 64 << 20;

/// Records in flight per worker: enough that a long document does not leave the other workers
/// idle while the writer waits for it, few enough that memory stays small.
const WINDOW_PER_JOB: usize = 4;

/// The engines of a `--backend`, one per language direction the records ask for (a
/// translation memory is loaded for its direction), sharing one cache and one async runtime.
pub struct Engines<'a> {
    /// The settings of a direction, or why the flags cannot give them.
    settings: Box<SettingsFor<'a>>,
    context: Option<String>,
    cache: Option<Arc<Cache>>,
    runtime: tokio::runtime::Runtime,
    engines: Mutex<HashMap<(Lang, Lang), Built>>,
}

/// The settings of one language direction, or why the flags cannot give them.
pub type SettingsFor<'a> =
    dyn Fn(&Lang, &Lang) -> Result<(Settings, AnyBackend), String> + Sync + 'a;

/// An engine for one direction, or why it could not be built (said again for each record).
type Built = Result<Arc<Engine>, String>;

impl<'a> Engines<'a> {
    /// `context` describes the text for the backends that take one.
    pub fn new(
        settings: Box<SettingsFor<'a>>,
        context: Option<String>,
        cache: Option<Arc<Cache>>,
    ) -> Result<Engines<'a>, crate::translate::TranslateError> {
        let runtime = crate::translate::runtime()?;
        Ok(Engines {
            settings,
            context,
            cache,
            runtime,
            engines: Mutex::new(HashMap::new()),
        })
    }

    fn engine(&self, from: &Lang, to: &Lang) -> Result<Arc<Engine>, String> {
        let mut map = self.engines.lock().unwrap_or_else(|e| e.into_inner());
        map.entry((from.clone(), to.clone()))
            .or_insert_with(|| {
                let (settings, config) = (self.settings)(from, to)?;
                let engine = settings
                    .engine(&config, self.cache.clone(), None)
                    .map_err(|e| e.to_string())?;
                Ok(Arc::new(engine))
            })
            .clone()
    }

    /// Translates the sentences of a record that has no `mt`, one translation per sentence in
    /// order; `glossary` holds the term pairs (source, target) the engine should respect.
    /// Called from several worker threads at once. `Err` is the reason in one line.
    pub fn translate(
        &self,
        from: &Lang,
        to: &Lang,
        glossary: &[(String, String)],
        sentences: &[String],
    ) -> Result<Vec<String>, String> {
        let engine = self.engine(from, to)?;
        let job = Job {
            source_lang: from.clone(),
            target_lang: to.clone(),
            glossary: TermPair::list(glossary),
            context: self.context.clone(),
        };
        let outcome = self
            .runtime
            .block_on(engine.translate(&job, sentences))
            // One line: an error record holds the reason and what to do about it.
            .map_err(|e| e.explained("; ", SettingsIn::Flags))?;
        Ok(outcome.translations.into_iter().map(|t| t.text).collect())
    }
}

/// Sentence embeddings for every record (as `align --embed-endpoint`), with the async runtime
/// that drives the client from the worker threads.
pub struct Embeddings {
    embedding: Embedding,
    runtime: tokio::runtime::Runtime,
}

impl Embeddings {
    pub fn new(embedding: Embedding) -> Result<Embeddings, crate::translate::TranslateError> {
        Ok(Embeddings {
            embedding,
            runtime: crate::translate::runtime()?,
        })
    }

    /// Both sides' vectors; `Err` is the reason in one line, with what to do about it.
    fn sides(&self, id: &str, src: &[&str], tgt: &[&str]) -> Result<(Overlaps, Overlaps), String> {
        let (src, tgt, _) = self
            .runtime
            .block_on(self.embedding.sides(id, src, tgt, None))
            .map_err(|e| e.explained(SettingsIn::Flags).replace('\n', "; "))?;
        Ok((src, tgt))
    }
}

/// Why one input line got an error record instead of an alignment.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecordError {
    #[error("the line is longer than the {max} bytes a record may have (--max-record-bytes)")]
    TooLarge { max: usize },
    #[error("invalid UTF-8 at byte {offset} of the line")]
    Utf8 { offset: usize },
    #[error("empty line: expected a JSON object")]
    Empty,
    #[error("not JSON: {0}")]
    NotJson(String),
    /// A missing, mistyped or unknown field.
    #[error("invalid record: {0}")]
    Invalid(String),
    #[error("{field}: '{code}' is not a language code (expected e.g. fr, en, de, pt-BR)")]
    Lang { field: &'static str, code: String },
    #[error("glossary: {0}")]
    Glossary(String),
    #[error("mt: {0}")]
    Mt(String),
    #[error("translation failed: {0}")]
    Translate(String),
    #[error("embedding failed: {0}")]
    Embed(String),
    #[error("cannot align: {0}")]
    Align(String),
}

/// Why a run stopped before every line got its record.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("cannot read the input: {0}")]
    Read(#[source] io::Error),
    #[error("cannot write the output: {0}")]
    Write(#[source] io::Error),
    #[error("cannot start the worker threads: {0}")]
    Threads(String),
    /// With `fail_fast`: the first bad record, once its error record is written.
    #[error("line {line}: {error} (stopped there: fail fast)")]
    BadRecord { line: u64, error: RecordError },
}

impl BatchError {
    /// The reader of the output went away (`| head`): not the batch's fault.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, BatchError::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// `--shard K/N`: keep the records whose id hashes to K (0 ≤ K < N). The hash is FNV-1a,
/// 64 bits, of the id's UTF-8 bytes, taken modulo N ([`shard_of`]): stable across runs,
/// machines and versions, so the N shards of a corpus partition it. A line whose id cannot be
/// read (not JSON, no string `id`) belongs to shard 0, so that it gets its error record once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Whether a record with this id (`None`: unreadable) belongs to the shard.
    pub fn keeps(&self, id: Option<&str>) -> bool {
        id.map_or(0, |id| shard_of(id, self.count)) == self.index
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("expected K/N with 0 <= K < N, e.g. 0/4, not '{s}'");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// The shard (0..count) of a record id: FNV-1a 64 of its UTF-8 bytes, modulo `count`.
pub fn shard_of(id: &str, count: u64) -> u64 {
    fnv1a64(id.as_bytes()) % count.max(1)
}

/// The 64-bit FNV-1a hash: simple enough to compute the same way in any language (a Spark
/// job, a shell script) to find a record's shard.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// The number of cores: worker threads when the caller does not say.
pub fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How the run goes.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Worker threads (at least 1; [`all_cores`] by default on the command line).
    pub jobs: usize,
    /// Longest input line; a longer one gets an error record and is not kept in memory.
    pub max_record_bytes: usize,
    pub shard: Option<Shard>,
    /// Stop at the first bad record (after writing its error record).
    pub fail_fast: bool,
}

impl Default for BatchOptions {
    fn default() -> BatchOptions {
        BatchOptions {
            jobs: 1,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            shard: None,
            fail_fast: false,
        }
    }
}

/// What every record is aligned and checked with: the same for the whole run.
pub struct Setup<'g> {
    /// Its term pairs are alignment evidence (as `align --glossary`), and the beads are checked
    /// against it (as `check`): records get `findings`.
    pub glossary: Option<&'g Glossary>,
    /// Translates records without `mt` (as `align --backend`); `None`: no translation evidence
    /// for them.
    pub translator: Option<&'g Engines<'g>>,
    /// Sentence embeddings as evidence for every record (as `align --embed-endpoint`).
    pub embeddings: Option<&'g Embeddings>,
    /// As `align --review-below`.
    pub review_below: f32,
    /// As `align --cost-weights`.
    pub weights: Option<CostWeights>,
    /// Rule severities for the findings.
    pub check: check::Options,
    /// What the glossary gives per language direction, made once for the run.
    directions: Mutex<HashMap<(Lang, Lang), Arc<Direction<'g>>>>,
}

/// The glossary for one direction: term pairs for the aligner (and the translator) and the
/// compiled checker; or why the glossary cannot serve it.
struct Direction<'g> {
    pairs: Vec<(String, String)>,
    checker: Option<Checker<'g>>,
    /// `Setup::check`, with the glossary rules off when there is no glossary.
    options: check::Options,
    missing: Option<String>,
}

/// What a run without a glossary checks against: no terms, so only the rules that need none.
static NO_GLOSSARY: std::sync::LazyLock<Glossary> =
    std::sync::LazyLock::new(|| Glossary::from_entries(Vec::new(), Vec::new()));

impl<'g> Setup<'g> {
    /// No translator, no embeddings, `align`'s default review threshold and weights, every
    /// rule at its default severity.
    pub fn new(glossary: Option<&'g Glossary>) -> Setup<'g> {
        Setup {
            glossary,
            translator: None,
            embeddings: None,
            review_below: align::Options::default().review_below,
            weights: None,
            check: check::Options::default(),
            directions: Mutex::new(HashMap::new()),
        }
    }

    fn direction(&self, src: &Lang, tgt: &Lang) -> Arc<Direction<'g>> {
        let mut map = self.directions.lock().unwrap_or_else(|e| e.into_inner());
        let key = (src.clone(), tgt.clone());
        if let Some(d) = map.get(&key) {
            return Arc::clone(d);
        }
        // Built under the lock: the first record of a direction compiles the glossary once,
        // and the other workers wait for it rather than compile it again.
        let direction = match self.glossary {
            None => Direction {
                pairs: Vec::new(),
                checker: Some(Checker::new(&NO_GLOSSARY, src, tgt)),
                options: self.check.clone().without_glossary(),
                missing: None,
            },
            Some(g) => match g.require(src, tgt) {
                Ok(()) => Direction {
                    pairs: g.term_pairs(src, tgt),
                    checker: Some(Checker::new(g, src, tgt)),
                    options: self.check.clone(),
                    missing: None,
                },
                Err(e) => Direction {
                    pairs: Vec::new(),
                    checker: None,
                    options: self.check.clone(),
                    missing: Some(e.to_string()),
                },
            },
        };
        let direction = Arc::new(direction);
        map.insert(key, Arc::clone(&direction));
        direction
    }
}

/// One input record.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    id: String,
    src: String,
    tgt: String,
    #[serde(default = "default_src_lang")]
    src_lang: String,
    #[serde(default = "default_tgt_lang")]
    tgt_lang: String,
    #[serde(default)]
    presegmented: bool,
    #[serde(default)]
    mt: Option<String>,
}

fn default_src_lang() -> String {
    "fr".into()
}

fn default_tgt_lang() -> String {
    "en".into()
}

/// Just the id of a record that failed to parse as a whole, to name it in its error record.
#[derive(Deserialize)]
struct IdOnly {
    id: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct Aligned<'a> {
    id: &'a str,
    ok: bool,
    src_sentences: Vec<String>,
    tgt_sentences: Vec<String>,
    beads: Vec<BeadShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    findings: Option<Vec<JsonFinding<'a>>>,
}

#[derive(Serialize)]
struct Failed<'a> {
    id: Option<&'a str>,
    line: u64,
    ok: bool,
    error: String,
}

/// The output line for one input line, without its newline; `error` for an error record.
#[derive(Debug, Clone, PartialEq)]
pub struct Produced {
    pub json: Vec<u8>,
    pub error: Option<RecordError>,
}

/// One input line, as [`LineReader`] cuts it: its 1-based number and its bytes (without the
/// line end), or why it was not kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub number: u64,
    pub bytes: Result<Vec<u8>, RecordError>,
}

/// Cuts input into lines at `\n` (a `\r` before it is dropped; the last line may lack its
/// `\n`), never holding more than `max` bytes of one line: the rest of a longer line is read
/// and dropped, and the line comes as [`RecordError::TooLarge`].
pub struct LineReader<R> {
    input: R,
    max: usize,
    number: u64,
    done: bool,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(input: R, max: usize) -> LineReader<R> {
        LineReader {
            input,
            max,
            number: 0,
            done: false,
        }
    }

    /// The next line, or `None` at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        if self.done {
            return Ok(None);
        }
        let mut buf = Vec::new();
        let (mut length, mut any, mut too_large) = (0usize, false, false);
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                self.done = true;
                if !any {
                    return Ok(None);
                }
                break;
            }
            any = true;
            let newline = memchr::memchr(b'\n', chunk);
            let take = newline.unwrap_or(chunk.len());
            length += take;
            if !too_large {
                // One byte of slack for the `\r` of a CRLF line end, dropped below.
                if length > self.max.saturating_add(1) {
                    too_large = true;
                    buf = Vec::new();
                } else {
                    buf.extend_from_slice(&chunk[..take]);
                }
            }
            self.input.consume(take + usize::from(newline.is_some()));
            if newline.is_some() {
                break;
            }
        }
        self.number += 1;
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        let bytes = if too_large || buf.len() > self.max {
            Err(RecordError::TooLarge { max: self.max })
        } else {
            Ok(buf)
        };
        Ok(Some(Line {
            number: self.number,
            bytes,
        }))
    }
}

/// The output line for `line`, or `None` when the record belongs to another shard.
pub fn process(line: &Line, setup: &Setup<'_>, shard: Option<Shard>) -> Option<Produced> {
    let failed = |id: Option<&str>, error: RecordError| {
        let keep = shard.is_none_or(|s| s.keeps(id));
        keep.then(|| error_record(id, line.number, error))
    };
    let bytes = match &line.bytes {
        Ok(bytes) => bytes,
        Err(e) => return failed(None, e.clone()),
    };
    // A byte order mark is fine at the start of the input, as in every other input.
    let bytes = match line.number {
        1 => bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes),
        _ => bytes,
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.valid_up_to();
            return failed(None, RecordError::Utf8 { offset });
        }
    };
    if text.trim().is_empty() {
        return failed(None, RecordError::Empty);
    }
    if !text.trim_start().starts_with('{') {
        // Serde would take an array of the fields' values for a record: only objects are.
        let error = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(_) => RecordError::Invalid("expected a JSON object".into()),
            Err(e) => RecordError::NotJson(e.to_string()),
        };
        return failed(None, error);
    }
    let record: Input = match serde_json::from_str(text) {
        Ok(record) => record,
        Err(e) => {
            let id = serde_json::from_str::<IdOnly>(text).ok().and_then(|r| r.id);
            let id = id.as_ref().and_then(|v| v.as_str());
            let error = match e.classify() {
                serde_json::error::Category::Data => RecordError::Invalid(e.to_string()),
                _ => RecordError::NotJson(e.to_string()),
            };
            return failed(id, error);
        }
    };
    if !shard.is_none_or(|s| s.keeps(Some(&record.id))) {
        return None;
    }
    let id = record.id.clone();
    Some(match aligned(record, setup) {
        Ok(json) => Produced { json, error: None },
        Err(error) => error_record(Some(&id), line.number, error),
    })
}

fn error_record(id: Option<&str>, line: u64, error: RecordError) -> Produced {
    let record = Failed {
        id,
        line,
        ok: false,
        error: error.to_string(),
    };
    Produced {
        json: to_json(&record),
        error: Some(error),
    }
}

fn to_json(record: &impl Serialize) -> Vec<u8> {
    // Records hold strings, numbers and booleans only (and finite scores): this cannot fail.
    serde_json::to_vec(record).unwrap_or_default()
}

fn lang(field: &'static str, code: &str) -> Result<Lang, RecordError> {
    Lang::parse(code).ok_or_else(|| RecordError::Lang {
        field,
        code: code.to_string(),
    })
}

/// Segments, translates (or reads `mt`), aligns and checks one record, as `align` and
/// `check` would: its output line.
fn aligned(record: Input, setup: &Setup<'_>) -> Result<Vec<u8>, RecordError> {
    let src_lang = lang("src_lang", &record.src_lang)?;
    let tgt_lang = lang("tgt_lang", &record.tgt_lang)?;
    let direction = setup.direction(&src_lang, &tgt_lang);
    if let Some(missing) = &direction.missing {
        return Err(RecordError::Glossary(missing.clone()));
    }
    let src = Sentences::split(record.src, &src_lang, record.presegmented);
    let tgt = Sentences::split(record.tgt, &tgt_lang, record.presegmented);
    let src_sentences = src.one_line();
    let translation = match (&record.mt, setup.translator) {
        (Some(mt), _) => Some(translation_lines(mt, src.len()).map_err(RecordError::Mt)?),
        (None, Some(translator)) => {
            let lines = translator
                .translate(&src_lang, &tgt_lang, &direction.pairs, &src_sentences)
                .map_err(RecordError::Translate)?;
            Some(lines)
        }
        (None, None) => None,
    };
    let vectors = match setup.embeddings {
        Some(e) => Some(
            e.sides(&record.id, &src.side().sentences, &tgt.side().sentences)
                .map_err(RecordError::Embed)?,
        ),
        None => None,
    };
    let evidence = Evidence {
        translation: translation.as_deref(),
        glossary: &direction.pairs,
        embeddings: vectors
            .as_ref()
            .map(|(src, tgt)| align::Embeddings { src, tgt }),
    };
    let options = align::Options {
        review_below: setup.review_below,
        src_lang,
        tgt_lang,
        weights: setup.weights,
    };
    let doc = align_sentences(&src, &tgt, evidence, &options)
        .map_err(|e| RecordError::Align(e.to_string()))?;
    let beads = doc
        .alignment
        .beads
        .iter()
        .map(|b| BeadShape::of(&doc.alignment, b))
        .collect();
    let bitext;
    let found;
    let findings = match &direction.checker {
        Some(checker) => {
            bitext = doc.to_bitext();
            found = checker.check(&bitext, &direction.options);
            let report = Report {
                bitext: &bitext,
                findings: &found,
                baselined: 0,
                fail_on: None,
            };
            Some(json_findings(&report))
        }
        None => None,
    };
    Ok(to_json(&Aligned {
        id: &record.id,
        ok: true,
        src_sentences,
        tgt_sentences: tgt.one_line(),
        beads,
        findings,
    }))
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Input lines read.
    pub lines: u64,
    /// Records written (ok and errors).
    pub written: u64,
    /// Error records among them.
    pub errors: u64,
    /// Lines of other shards, not written.
    pub skipped: u64,
}

struct Work {
    seq: u64,
    line: Line,
}

struct Done {
    seq: u64,
    line: u64,
    produced: Option<Produced>,
}

/// Reads JSON lines from `input` and writes one record per line (per kept line, with a shard)
/// to `output`, in input order, processing `options.jobs` lines at a time. Returns when the
/// input ends, or at the first read or write error, or (with `fail_fast`) after writing the
/// first error record.
pub fn run<R, W>(
    input: R,
    output: W,
    setup: &Setup<'_>,
    options: &BatchOptions,
) -> Result<Summary, BatchError>
where
    R: BufRead,
    W: Write + Send,
{
    let jobs = options.jobs.max(1);
    let window = jobs * WINDOW_PER_JOB;
    let stop = AtomicBool::new(false);
    let (work_tx, work_rx) = mpsc::sync_channel::<Work>(window);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    // A token per record allowed in flight: the reader takes one per line, the writer gives
    // it back once the line's record is written (or skipped).
    let (token_tx, token_rx) = mpsc::sync_channel::<()>(window);
    for _ in 0..window {
        // The channel holds `window` tokens: these sends cannot block or fail.
        let _ = token_tx.send(());
    }
    // The workers are the threads of a pool of their own: the aligner's inner parallel loops
    // (rayon) then run on the worker that called them instead of on every core, so `jobs`
    // documents use `jobs` cores, and `--jobs 1` (one Spark task per core) uses one.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|k| format!("passerelle-batch-{k}"))
        .build()
        .map_err(|e| BatchError::Threads(e.to_string()))?;
    std::thread::scope(|scope| {
        let (work_rx, stop_ref) = (&work_rx, &stop);
        scope.spawn(move || {
            pool.broadcast(|_| work(work_rx, done_tx.clone(), stop_ref, setup, options.shard));
            // The writer stops once every sender, this one included, is gone.
            drop(done_tx);
        });
        let stop_ref = &stop;
        let writer = scope
            .spawn(move || write_in_order(done_rx, output, token_tx, stop_ref, options.fail_fast));
        let read = read_lines(input, options.max_record_bytes, work_tx, token_rx, &stop);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(BatchError::Write(io::Error::other("the writer failed"))));
        // A read error comes first: the writer only stopped because of it.
        let lines = read?;
        let mut summary = written?;
        summary.lines = lines;
        Ok(summary)
    })
}

/// A worker: processes lines until the reader has no more.
fn work(
    work_rx: &Mutex<mpsc::Receiver<Work>>,
    done_tx: mpsc::Sender<Done>,
    stop: &AtomicBool,
    setup: &Setup<'_>,
    shard: Option<Shard>,
) {
    loop {
        let work = match work_rx.lock() {
            Ok(rx) => rx.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(Work { seq, line }) = work else { break };
        let produced = if stop.load(Ordering::Relaxed) {
            None
        } else {
            process(&line, setup, shard)
        };
        let done = Done {
            seq,
            line: line.number,
            produced,
        };
        if done_tx.send(done).is_err() {
            break;
        }
    }
}

/// The reader: hands lines to the workers while tokens allow. Returns the lines read.
fn read_lines<R: BufRead>(
    input: R,
    max: usize,
    work_tx: mpsc::SyncSender<Work>,
    token_rx: mpsc::Receiver<()>,
    stop: &AtomicBool,
) -> Result<u64, BatchError> {
    let mut reader = LineReader::new(input, max);
    let mut seq = 0;
    while !stop.load(Ordering::Relaxed) && token_rx.recv().is_ok() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let line = match reader.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                return Err(BatchError::Read(e));
            }
        };
        if work_tx.send(Work { seq, line }).is_err() {
            break;
        }
        seq += 1;
    }
    Ok(seq)
}

/// The writer: puts records back in input order and writes them, flushing whenever it would
/// wait, so that a slow input still gets its records as they are ready.
fn write_in_order<W: Write>(
    done_rx: mpsc::Receiver<Done>,
    mut output: W,
    token_tx: mpsc::SyncSender<()>,
    stop: &AtomicBool,
    fail_fast: bool,
) -> Result<Summary, BatchError> {
    let mut summary = Summary::default();
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    let fail = |e: io::Error| {
        stop.store(true, Ordering::Relaxed);
        BatchError::Write(e)
    };
    loop {
        let done = match done_rx.try_recv() {
            Ok(done) => done,
            Err(mpsc::TryRecvError::Empty) => {
                output.flush().map_err(fail)?;
                match done_rx.recv() {
                    Ok(done) => done,
                    Err(_) => break,
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => break,
        };
        pending.insert(done.seq, done);
        while let Some(done) = pending.remove(&next) {
            next += 1;
            match done.produced {
                None => summary.skipped += 1,
                Some(produced) => {
                    output.write_all(&produced.json).map_err(fail)?;
                    output.write_all(b"\n").map_err(fail)?;
                    summary.written += 1;
                    if let Some(error) = produced.error {
                        summary.errors += 1;
                        if fail_fast {
                            stop.store(true, Ordering::Relaxed);
                            output.flush().map_err(fail)?;
                            return Err(BatchError::BadRecord {
                                line: done.line,
                                error,
                            });
                        }
                    }
                }
            }
            // Never blocks: at most `window` tokens exist. The reader may be gone.
            let _ = token_tx.send(());
        }
    }
    output.flush().map_err(fail)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<Line> {
        let mut reader = LineReader::new(input, max);
        let mut out = Vec::new();
        while let Some(line) = reader.next_line().unwrap() {
            out.push(line);
        }
        out
    }

    #[test]
    fn lines_are_cut_at_newlines_with_crlf_and_without_a_final_newline() {
        let got = lines(b"a\r\nbb\n\nccc", 10);
        let bytes: Vec<_> = got.iter().map(|l| l.bytes.clone().unwrap()).collect();
        assert_eq!(bytes, [&b"a"[..], b"bb", b"", b"ccc"]);
        assert_eq!(got[3].number, 4);
        assert!(lines(b"", 10).is_empty());
        assert_eq!(lines(b"x\n", 10).len(), 1);
    }

    #[test]
    fn a_line_over_the_limit_is_dropped_not_kept() {
        // A reader with a tiny buffer: the long line arrives in many pieces.
        let input = format!("{}\nok\n", "x".repeat(100));
        let reader = io::BufReader::with_capacity(7, input.as_bytes());
        let mut reader = LineReader::new(reader, 10);
        let first = reader.next_line().unwrap().unwrap();
        assert_eq!(first.bytes, Err(RecordError::TooLarge { max: 10 }));
        let second = reader.next_line().unwrap().unwrap();
        assert_eq!((second.number, second.bytes), (2, Ok(b"ok".to_vec())));
        // Exactly the limit is fine, CRLF or not.
        let got = lines(b"0123456789\r\n0123456789A\r\n", 10);
        assert!(got[0].bytes.is_ok());
        assert!(got[1].bytes.is_err());
    }

    #[test]
    fn shards_follow_fnv1a() {
        // FNV-1a 64 test vectors: "" and "a".
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(shard_of("a", 7), 0xaf63_dc4c_8601_ec8c % 7);
        assert_eq!("1/3".parse::<Shard>(), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shard = Shard { index: 0, count: 3 };
        assert!(shard.keeps(None));
    }

    #[test]
    fn bad_records_say_what_is_wrong_and_keep_their_id() {
        let setup = Setup::new(None);
        let run = |text: &str| {
            let line = Line {
                number: 7,
                bytes: Ok(text.as_bytes().to_vec()),
            };
            let out = process(&line, &setup, None).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&out.json).unwrap();
            (v, out.error.unwrap())
        };
        let (v, e) = run(r#"{"id": "x", "src": "Un."}"#);
        assert_eq!((v["id"].as_str(), v["line"].as_u64()), (Some("x"), Some(7)));
        assert!(matches!(e, RecordError::Invalid(m) if m.contains("missing field `tgt`")));
        let (v, e) = run(r#"{"id": "y", "src": 3, "tgt": ""}"#);
        assert_eq!(v["id"].as_str(), Some("y"));
        assert!(matches!(e, RecordError::Invalid(_)));
        let (v, e) = run(r#"{"id": "z", "src": "#);
        assert!(v["id"].is_null());
        assert!(matches!(e, RecordError::NotJson(_)));
        let (_, e) = run(r#"{"id": "w", "src": "a", "tgt": "b", "src_lang": "??"}"#);
        assert!(matches!(
            e,
            RecordError::Lang {
                field: "src_lang",
                ..
            }
        ));
        let (_, e) = run(r#"{"id": "v", "src": "Un.", "tgt": "One.", "mt": "a\nb"}"#);
        assert!(matches!(e, RecordError::Mt(_)));
    }

    #[test]
    fn the_output_is_in_input_order_whatever_the_jobs() {
        let mut input = String::new();
        for k in 0..40 {
            let src = "Il pleut. ".repeat(k % 7 + 1);
            let tgt = "It rains. ".repeat(k % 5 + 1);
            input.push_str(&format!(r#"{{"id":"d{k}","src":"{src}","tgt":"{tgt}"}}"#));
            input.push('\n');
        }
        let setup = Setup::new(None);
        let mut outputs = Vec::new();
        for jobs in [1, 3] {
            let mut out = Vec::new();
            let options = BatchOptions {
                jobs,
                ..BatchOptions::default()
            };
            let summary = run(input.as_bytes(), &mut out, &setup, &options).unwrap();
            assert_eq!((summary.lines, summary.written), (40, 40));
            outputs.push(out);
        }
        assert_eq!(outputs[0], outputs[1]);
        let ids: Vec<String> = String::from_utf8(outputs.remove(0))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
            .collect();
        let want: Vec<String> = (0..40).map(|k| format!("\"d{k}\"")).collect();
        assert_eq!(ids, want);
    }
}
