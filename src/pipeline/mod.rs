//! The whole job in one call: for every document of a project ([`config::Config`]), segment
//! the source, translate it or read its reference translation, align, check the result
//! against the glossary, and write the parallel text, the exchange files, the findings and
//! the review report.
//!
//! [`run`] computes every output in memory first and writes only when everything has
//! succeeded, each file atomically: a run that fails (a missing file, a backend error) leaves
//! the previous outputs whole. It reports progress through the [`Progress`] trait and returns
//! a [`Summary`]; it prints nothing, reads no environment variable and picks no exit code
//! (the caller decides from [`Summary::failed`]). Of the library's modules, only this one
//! joins the stages; nothing but the CLI imports it.
//!
//! Where the English comes from, per document:
//! * a `reference`: its sentences are aligned with the source's (glossary pairs help);
//! * a backend, `unit = "sentence"`: each source sentence is translated, so beads are 1-1 by
//!   construction; their confidence is the memory's match score when a memory answered (a
//!   fuzzy match is worth a look) and 1 otherwise; a memory miss is a `1-0` bead;
//! * a backend, `unit = "paragraph"`: paragraphs are translated, the English is segmented
//!   and aligned with the source within the paragraph structure.
//!
//! After aligning, a source sentence and a target sentence both left without counterpart
//! side by side are paired, keeping their low confidence (see `fill_gaps`).

pub mod batch;
pub mod checked;
pub mod config;
pub mod pair;
mod toml_place;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use config::{Config, ConfigError, OutputFormat};

use crate::align::{AlignedDoc, Alignment, Bead, Side};
use crate::check::{self, Finding, Severity};
use crate::error::{show_path, Error};
use crate::files;
use crate::formats::{self, findings, AlignmentFormat};
use crate::glossary::{Glossary, LoadError};
use crate::review::{self, Stats};
use crate::segment::{self, Segmenter};
use crate::text::{one_line, plural, Bitext, Origin, Segment};
use crate::translate::{
    Cache, Engine, Job, MatchKind, SettingsIn, TermPair, TranslateError, Translated,
};
use pair::{side, split, Embedding, PairAligner};

/// A step of the run, as reported to [`Progress::stage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Segment,
    Translate,
    Reference,
    Align,
    Check,
    Write,
}

impl Stage {
    /// What the step does, for progress lines.
    pub fn describe(&self) -> &'static str {
        match self {
            Stage::Segment => "segmenting",
            Stage::Translate => "translating",
            Stage::Reference => "reading the reference",
            Stage::Align => "aligning",
            Stage::Check => "checking",
            Stage::Write => "writing",
        }
    }
}

/// What the run reports while it works. Every method has a do-nothing default.
pub trait Progress: Send + Sync {
    /// A step starts, for one document (`Some(name)`) or for the whole project.
    fn stage(&self, document: Option<&str>, stage: Stage) {
        let _ = (document, stage);
    }

    /// Where the translation engine reports its progress, if anywhere.
    fn translation(&self) -> Option<Arc<dyn crate::translate::Progress>> {
        None
    }
}

/// A [`Progress`] that reports nothing.
pub struct Silent;

impl Progress for Silent {}

/// What the caller decides for the run, beyond the project file.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The cache file for machine translations; `None`: no cache.
    pub cache: Option<PathBuf>,
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Input(#[from] Error),
    #[error(transparent)]
    Glossary(#[from] LoadError),
    #[error(transparent)]
    Translate(#[from] TranslateError),
    #[error("{document}: cannot align: {message}")]
    Align { document: String, message: String },
}

impl PipelineError {
    /// The error, followed on lines of their own by what to do about it when a service failed
    /// (see [`EngineError::advice`]).
    ///
    /// [`EngineError::advice`]: crate::translate::EngineError::advice
    pub fn explained(&self, settings: SettingsIn) -> String {
        match self {
            PipelineError::Translate(TranslateError::Engine(e)) => e.explained("\n", settings),
            other => other.to_string(),
        }
    }
}

/// Where a document's English came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum English {
    Reference(PathBuf),
    /// Translated by this backend (its name).
    Backend(String),
}

/// What happened to one document.
#[derive(Debug, Clone)]
pub struct DocumentSummary {
    pub name: String,
    pub english: English,
    pub stats: Stats,
    /// Segments a translation memory had no match for (left untranslated).
    pub untranslated: usize,
    /// Segments the translation took from the cache.
    pub from_cache: usize,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Summary {
    pub documents: Vec<DocumentSummary>,
    /// All documents together.
    pub stats: Stats,
    /// Findings a baseline accepted (not counted in `stats`).
    pub baselined: usize,
    /// Findings at or above the project's `fail_on`.
    pub failing: usize,
    pub fail_on: Option<Severity>,
    /// The files written, in order.
    pub written: Vec<PathBuf>,
    pub elapsed: Duration,
}

impl Summary {
    /// Whether findings at or above the threshold remain.
    pub fn failed(&self) -> bool {
        self.failing > 0
    }
}

impl Summary {
    /// The run in a few lines for people: per document, findings, files written, time.
    pub fn lines(&self, output_dir: &Path) -> Vec<String> {
        let summary = self;
        let mut lines = Vec::new();
        for d in &summary.documents {
            let s = &d.stats;
            let english = match &d.english {
                English::Reference(p) => format!("aligned with {}", show_path(p)),
                English::Backend(b) => format!("translated by {b}"),
            };
            lines.push(format!(
                "{}: {} + {} sentences ({english}), {} ({}), {} low confidence",
                d.name,
                s.src_sentences,
                s.tgt_sentences,
                plural(s.beads, "bead", "beads"),
                s.kinds_line(),
                s.low_confidence
            ));
            if d.untranslated > 0 {
                lines.push(format!(
                    "warning: {}: {} without a match in the translation memory, left \
                 untranslated (add a fallback backend to translate them)",
                    d.name,
                    plural(d.untranslated, "segment", "segments")
                ));
            }
        }
        let s = &summary.stats;
        let c = s.counts;
        let mut line = format!("check: {c}");
        if !s.rules.is_empty() {
            let rules: Vec<String> = s.rules.iter().map(|(r, n)| format!("{r} {n}")).collect();
            line.push_str(&format!(" ({})", rules.join(", ")));
        }
        if summary.baselined > 0 {
            line.push_str(&format!("; {} accepted by the baseline", summary.baselined));
        }
        if summary.failed() {
            let threshold = summary.fail_on.map_or("never", |t| t.as_str());
            line.push_str(&format!(
                "; {} at or above {threshold}",
                plural(summary.failing, "finding", "findings")
            ));
        }
        lines.push(line);
        let dir = show_path(output_dir);
        let names: Vec<String> = summary
            .written
            .iter()
            .map(|p| {
                p.strip_prefix(output_dir)
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        lines.push(format!(
            "wrote {} to {}: {}",
            plural(summary.written.len(), "file", "files"),
            if dir.ends_with('/') {
                dir
            } else {
                format!("{dir}/")
            },
            names.join(" ")
        ));
        if let Some(report) = summary
            .written
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n == "report.html"))
        {
            lines.push(format!(
                "review: open {} in a browser; {:.2} s in all",
                show_path(report),
                summary.elapsed.as_secs_f64()
            ));
        } else {
            lines.push(format!("{:.2} s in all", summary.elapsed.as_secs_f64()));
        }
        lines
    }
}

/// The English side of a document.
enum Target {
    Reference {
        path: PathBuf,
        text: String,
        segments: Vec<Segment>,
    },
    Translated {
        sentences: Vec<String>,
        backend: String,
    },
}

/// A document once aligned: everything its outputs are made from.
struct Prepared {
    name: String,
    source: PathBuf,
    src_text: String,
    src_segments: Vec<Segment>,
    target: Target,
    alignment: Alignment,
    untranslated: usize,
    from_cache: usize,
}

impl Prepared {
    fn aligned(&self, config: &Config) -> AlignedDoc<'_> {
        let src = self
            .src_segments
            .iter()
            .map(|s| s.span.slice(&self.src_text))
            .collect();
        let tgt = match &self.target {
            Target::Reference { text, segments, .. } => {
                segments.iter().map(|s| s.span.slice(text)).collect()
            }
            Target::Translated { sentences, .. } => sentences.iter().map(String::as_str).collect(),
        };
        AlignedDoc {
            src_lang: config.source_lang.clone(),
            tgt_lang: config.target_lang.clone(),
            src,
            tgt,
            alignment: self.alignment.clone(),
        }
    }

    /// The pairs, with where each side starts in its file.
    fn bitext(&self, config: &Config) -> Bitext {
        let doc = self.aligned(config);
        let mut bitext = doc.to_bitext();
        let src_lines = LineStarts::new(&self.src_text);
        let tgt_lines = match &self.target {
            Target::Reference { text, .. } => Some(LineStarts::new(text)),
            Target::Translated { .. } => None,
        };
        let tgt_file = config
            .output
            .formats
            .contains(&OutputFormat::Alignment(AlignmentFormat::Text))
            .then(|| {
                AlignmentFormat::Text
                    .paths(
                        &config.output.dir.join(&self.name),
                        &config.source_lang,
                        &config.target_lang,
                    )
                    .pop()
                    .expect("parallel text is two files")
            });
        for (k, (pair, bead)) in bitext
            .pairs
            .iter_mut()
            .zip(&self.alignment.beads)
            .enumerate()
        {
            if !bead.src.is_empty() {
                let start = self.src_segments[bead.src.start as usize].span.start;
                pair.src_origin = Some(src_lines.origin(&self.source, start));
            }
            if bead.tgt.is_empty() {
                continue;
            }
            pair.tgt_origin = match (&self.target, &tgt_lines, &tgt_file) {
                (Target::Reference { path, segments, .. }, Some(lines), _) => {
                    let start = segments[bead.tgt.start as usize].span.start;
                    Some(lines.origin(path, start))
                }
                // Translations live in the output's parallel text, line k for bead k.
                (Target::Translated { .. }, _, Some(file)) => Some(Origin {
                    path: file.clone(),
                    line: k as u32 + 1,
                    column_offset: Some(0),
                }),
                _ => None,
            };
        }
        bitext
    }
}

/// Byte offsets where lines start, to turn a span start into an [`Origin`].
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(starts)
    }

    fn origin(&self, path: &Path, offset: usize) -> Origin {
        let line = self.0.partition_point(|&s| s <= offset).max(1);
        Origin {
            path: path.to_path_buf(),
            line: line as u32,
            column_offset: Some(offset - self.0[line - 1]),
        }
    }
}

/// Runs the whole job for `config`; see the module documentation. Each stage is a function
/// below: [`Shared::open`], [`prepare`] per document, [`check_all`], [`render`], [`write`].
pub async fn run(
    config: &Config,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Summary, PipelineError> {
    let started = Instant::now();
    let shared = Shared::open(config, options)?;
    let mut engine: Option<Engine> = None;
    let mut prepared = Vec::with_capacity(config.documents.len());
    for doc in &config.documents {
        prepared.push(prepare(doc, config, &shared, &mut engine, progress).await?);
    }
    progress.stage(None, Stage::Check);
    let checked = check_all(&prepared, config, &shared);
    let (outputs, documents, stats) = render(&prepared, &checked, config, &shared);
    progress.stage(None, Stage::Write);
    let written = write(&config.output.dir, outputs)?;
    Ok(Summary {
        documents,
        stats,
        baselined: checked.baselined,
        failing: checked.failing,
        fail_on: config.check.fail_on,
        written,
        elapsed: started.elapsed(),
    })
}

/// What every document of a run uses: the glossary, the aligner (the glossary's pairs in the
/// project's direction, the embeddings client), the baseline and the cache.
struct Shared {
    glossary: Glossary,
    aligner: PairAligner,
    baseline: Option<check::Baseline>,
    cache: Option<Arc<Cache>>,
}

impl Shared {
    fn open(config: &Config, options: &RunOptions) -> Result<Shared, PipelineError> {
        let (src_lang, tgt_lang) = (&config.source_lang, &config.target_lang);
        let glossary = Glossary::load_or_empty(config.glossary.as_deref(), src_lang, tgt_lang)?;
        let baseline = config
            .check
            .baseline
            .as_deref()
            .map(checked::read_baseline)
            .transpose()?;
        let cache = match &options.cache {
            Some(path) => Some(Arc::new(Cache::open(path).map_err(TranslateError::from)?)),
            None => None,
        };
        let embedding = match &config.embeddings {
            Some(settings) => Some(Embedding::new(
                settings.clone(),
                cache.clone(),
                config.translate.settings.engine_options(),
            )?),
            None => None,
        };
        let aligner = PairAligner {
            glossary: glossary.term_pairs(src_lang, tgt_lang),
            embedding,
            options: config.align.clone(),
        };
        Ok(Shared {
            glossary,
            aligner,
            baseline,
            cache,
        })
    }
}

/// Segments a document and aligns it with its reference, or translates it (building the
/// engine the first time one is needed).
async fn prepare(
    doc: &config::Document,
    config: &Config,
    shared: &Shared,
    engine: &mut Option<Engine>,
    progress: &dyn Progress,
) -> Result<Prepared, PipelineError> {
    let name = doc.name.as_str();
    progress.stage(Some(name), Stage::Segment);
    let src_text = files::read_text(&doc.source)?;
    let src_segments = split(&src_text, &config.source_lang, doc.presegmented);
    let src = side(&src_text, &src_segments);
    let english = match &doc.reference {
        Some(path) => {
            progress.stage(Some(name), Stage::Reference);
            let text = files::read_text(path)?;
            let segments = split(&text, &config.target_lang, doc.presegmented);
            progress.stage(Some(name), Stage::Align);
            let tgt = side(&text, &segments);
            let alignment = align_sides(name, &src, &tgt, shared, progress).await?;
            let target = Target::Reference {
                path: path.clone(),
                text,
                segments,
            };
            TargetSide::aligned(target, alignment)
        }
        None => {
            progress.stage(Some(name), Stage::Translate);
            if engine.is_none() {
                *engine = Some(build_engine(config, shared.cache.clone(), progress)?);
            }
            let engine = engine.as_ref().expect("built above");
            translate(
                name,
                &src_text,
                &src_segments,
                engine,
                config,
                shared,
                progress,
            )
            .await?
        }
    };
    Ok(Prepared {
        name: doc.name.clone(),
        source: doc.source.clone(),
        src_text,
        src_segments,
        target: english.target,
        alignment: english.alignment,
        untranslated: english.untranslated,
        from_cache: english.from_cache,
    })
}

/// A document's English side, aligned with its source, and what making it cost.
struct TargetSide {
    target: Target,
    alignment: Alignment,
    untranslated: usize,
    from_cache: usize,
}

impl TargetSide {
    fn aligned(target: Target, alignment: Alignment) -> TargetSide {
        TargetSide {
            target,
            alignment,
            untranslated: 0,
            from_cache: 0,
        }
    }
}

/// Translates a document sentence by sentence (1-1 beads by construction) or paragraph by
/// paragraph (the English then segmented and aligned within the paragraphs).
async fn translate(
    name: &str,
    src_text: &str,
    src_segments: &[Segment],
    engine: &Engine,
    config: &Config,
    shared: &Shared,
    progress: &dyn Progress,
) -> Result<TargetSide, PipelineError> {
    let job = Job {
        source_lang: config.source_lang.clone(),
        target_lang: config.target_lang.clone(),
        glossary: TermPair::list(&shared.aligner.glossary),
        context: config.translate.settings.context.clone(),
    };
    let texts: Vec<String> = match config.translate.unit {
        config::Unit::Sentence => src_segments
            .iter()
            .map(|s| one_line(s.span.slice(src_text)).into_owned())
            .collect(),
        config::Unit::Paragraph => segment::paragraphs(src_text)
            .map(|p| p.slice(src_text).to_string())
            .collect(),
    };
    let outcome = engine
        .translate(&job, &texts)
        .await
        .map_err(TranslateError::from)?;
    let from_cache = outcome.stats.from_cache();
    if config.translate.unit == config::Unit::Sentence {
        let (target, alignment, untranslated) = sentence_beads(&outcome.translations, config);
        return Ok(TargetSide {
            target,
            alignment,
            untranslated,
            from_cache,
        });
    }
    let segmenter = Segmenter::new(config.target_lang.clone());
    let mut sentences = Vec::new();
    let mut paragraphs = Vec::new();
    for (k, t) in outcome.translations.iter().enumerate() {
        for s in segmenter.segment(&t.text) {
            sentences.push(one_line(s.span.slice(&t.text)).into_owned());
            paragraphs.push(k as u32);
        }
    }
    progress.stage(Some(name), Stage::Align);
    let tgt = Side {
        sentences: sentences.iter().map(String::as_str).collect(),
        paragraphs,
    };
    let src = side(src_text, src_segments);
    let alignment = align_sides(name, &src, &tgt, shared, progress).await?;
    let backend = outcome
        .translations
        .iter()
        .map(|t| t.backend.clone())
        .find(|b| !b.is_empty())
        .unwrap_or_else(|| config.translate.settings.backend.to_string());
    Ok(TargetSide {
        target: Target::Translated { sentences, backend },
        alignment,
        untranslated: outcome.stats.untranslated,
        from_cache,
    })
}

/// The findings of a run: one check over every document, so that consistency spans the
/// project, with where each document's pairs start.
struct Checked {
    combined: Bitext,
    offsets: Vec<usize>,
    findings: Vec<Finding>,
    baselined: usize,
    failing: usize,
}

fn check_all(prepared: &[Prepared], config: &Config, shared: &Shared) -> Checked {
    let mut combined = Bitext {
        src_lang: config.source_lang.clone(),
        tgt_lang: config.target_lang.clone(),
        pairs: Vec::new(),
    };
    let mut offsets = Vec::with_capacity(prepared.len());
    for p in prepared {
        offsets.push(combined.pairs.len());
        combined.pairs.extend(p.bitext(config).pairs);
    }
    let mut findings = check::check(&combined, &shared.glossary, &config.check.options);
    let baselined = shared
        .baseline
        .as_ref()
        .map_or(0, |b| b.filter(&mut findings));
    let mut checked = Checked {
        combined,
        offsets,
        findings,
        baselined,
        failing: 0,
    };
    checked.failing = checked
        .findings
        .iter()
        .filter(|f| checked.report(config).fails(f))
        .count();
    checked
}

impl Checked {
    fn report(&self, config: &Config) -> findings::Report<'_> {
        findings::Report {
            bitext: &self.combined,
            findings: &self.findings,
            baselined: self.baselined,
            fail_on: config.check.fail_on,
        }
    }

    /// Document `d`'s findings, numbered within the document.
    fn of_document(&self, d: usize) -> Vec<Finding> {
        let end = self
            .offsets
            .get(d + 1)
            .copied()
            .unwrap_or(self.combined.pairs.len());
        self.findings
            .iter()
            .filter(|f| (self.offsets[d]..end).contains(&f.segment))
            .map(|f| Finding {
                segment: f.segment - self.offsets[d],
                ..f.clone()
            })
            .collect()
    }
}

/// An output file: where it goes and its bytes.
type Output = (PathBuf, Vec<u8>);

/// Every output in memory (nothing is written if anything before failed), with each
/// document's summary and the totals.
fn render(
    prepared: &[Prepared],
    checked: &Checked,
    config: &Config,
    shared: &Shared,
) -> (Vec<Output>, Vec<DocumentSummary>, Stats) {
    let formats = &config.output.formats;
    let mut outputs: Vec<Output> = Vec::new();
    let mut review_docs = Vec::with_capacity(prepared.len());
    let mut summaries = Vec::with_capacity(prepared.len());
    let mut total = Stats::default();
    for (d, p) in prepared.iter().enumerate() {
        let doc = p.aligned(config);
        let mut rdoc = review::Document::from_aligned(p.name.clone(), &doc);
        rdoc.findings = checked.of_document(d);
        let stats = rdoc.stats();
        total.add(&stats);
        summaries.push(DocumentSummary {
            name: p.name.clone(),
            english: match &p.target {
                Target::Reference { path, .. } => English::Reference(path.clone()),
                Target::Translated { backend, .. } => English::Backend(backend.clone()),
            },
            stats,
            untranslated: p.untranslated,
            from_cache: p.from_cache,
        });
        for format in formats.iter().filter_map(|f| match f {
            OutputFormat::Alignment(a) => Some(*a),
            _ => None,
        }) {
            let paths = format.paths(
                &config.output.dir.join(&p.name),
                &config.source_lang,
                &config.target_lang,
            );
            match format.write(&doc, &p.name) {
                formats::Written::One(bytes) => outputs.push((paths[0].clone(), bytes)),
                formats::Written::Pair(src, tgt) => {
                    outputs.push((paths[0].clone(), src));
                    outputs.push((paths[1].clone(), tgt));
                }
            }
        }
        review_docs.push(rdoc);
    }
    let report = checked.report(config);
    if formats.contains(&OutputFormat::Findings) {
        outputs.push((
            config.output.dir.join("findings.json"),
            findings::to_json(&report),
        ));
    }
    if formats.contains(&OutputFormat::Sarif) {
        outputs.push((
            config.output.dir.join("findings.sarif"),
            formats::sarif::to_sarif(&report, env!("CARGO_PKG_VERSION")),
        ));
    }
    if formats.contains(&OutputFormat::Html) {
        let title = match review_docs.as_slice() {
            [one] => one.name.clone(),
            many => format!("{} documents", many.len()),
        };
        let html = review::html::render(&review::html::Report {
            title: &title,
            documents: &review_docs,
            glossary: config.glossary.as_ref().map(|_| &shared.glossary),
            generator: crate::GENERATOR,
        });
        outputs.push((config.output.dir.join("report.html"), html.into_bytes()));
    }
    (outputs, summaries, total)
}

/// Writes the outputs, each atomically, into `dir` (created if missing).
fn write(dir: &Path, outputs: Vec<Output>) -> Result<Vec<PathBuf>, PipelineError> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Write {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let mut written = Vec::with_capacity(outputs.len());
    for (path, bytes) in outputs {
        files::write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Aligns a document's two sides with the run's evidence (embedding them first when the
/// project says so), its gaps filled.
async fn align_sides(
    name: &str,
    src: &Side<'_>,
    tgt: &Side<'_>,
    shared: &Shared,
    progress: &dyn Progress,
) -> Result<Alignment, PipelineError> {
    let (mut alignment, _) = shared
        .aligner
        .align(name, src, tgt, None, progress.translation())
        .await?;
    fill_gaps(&mut alignment);
    Ok(alignment)
}

/// Pairs a sentence left without counterpart with a target sentence left without one right
/// next to it (a `1-0` bead beside a `0-1` bead) as one `1-1` bead, as Bleualign's gap filler
/// does: in a translation both sentences sit at the same place of the text, and a reviewer
/// is better served by the pair than by two gaps (which the checker reports as
/// untranslated). The bead keeps the gaps' low confidence, so it stays flagged for review.
fn fill_gaps(alignment: &mut Alignment) {
    let beads = std::mem::take(&mut alignment.beads);
    let mut out = Vec::with_capacity(beads.len());
    let mut k = 0;
    while k < beads.len() {
        if let [a, b] = &beads[k..(k + 2).min(beads.len())] {
            let deletion = |x: &Bead| x.src.len() == 1 && x.tgt.is_empty();
            let insertion = |x: &Bead| x.src.is_empty() && x.tgt.len() == 1;
            if (deletion(a) && insertion(b)) || (insertion(a) && deletion(b)) {
                out.push(Bead::new(
                    a.src.start..b.src.end,
                    a.tgt.start..b.tgt.end,
                    a.score.max(b.score),
                ));
                k += 2;
                continue;
            }
        }
        out.push(beads[k].clone());
        k += 1;
    }
    alignment.beads = out;
}

/// Sentence-by-sentence translations as 1-1 beads (1-0 for a memory miss); returns the
/// target, the alignment and the number of misses.
fn sentence_beads(translations: &[Translated], config: &Config) -> (Target, Alignment, usize) {
    let mut sentences = Vec::new();
    let mut beads = Vec::with_capacity(translations.len());
    let mut missed = 0;
    let mut backend = String::new();
    for (i, t) in translations.iter().enumerate() {
        let i = i as u32;
        let j = sentences.len() as u32;
        let text = one_line(t.text.trim()).into_owned();
        if text.is_empty() {
            missed += usize::from(t.untranslated);
            beads.push(Bead::new(i..i + 1, j..j, 0.0));
            continue;
        }
        if backend.is_empty() {
            backend = t.backend.clone();
        }
        let score = match &t.memory {
            Some(m) if m.kind != MatchKind::None && t.backend == "tm" => {
                f32::from(m.score.min(100)) / 100.0
            }
            _ => 1.0,
        };
        sentences.push(text);
        beads.push(Bead::new(i..i + 1, j..j + 1, score));
    }
    let alignment = Alignment {
        beads,
        review_below: config.align.review_below,
    };
    if backend.is_empty() {
        backend = config.translate.settings.backend.to_string();
    }
    (Target::Translated { sentences, backend }, alignment, missed)
}

/// Builds the translation engine the project describes.
fn build_engine(
    config: &Config,
    cache: Option<Arc<Cache>>,
    progress: &dyn Progress,
) -> Result<Engine, PipelineError> {
    let backend_config = config.translate.backend_config()?;
    Ok(config
        .translate
        .settings
        .engine(&backend_config, cache, progress.translation())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_gaps_become_one_flagged_bead() {
        let mut a = Alignment {
            beads: vec![
                Bead::new(0..1, 0..1, 0.9),
                Bead::new(1..1, 1..2, 0.3),
                Bead::new(1..2, 2..2, 0.3),
                Bead::new(2..3, 2..2, 0.3),
                Bead::new(3..4, 2..3, 0.8),
                Bead::new(4..5, 3..3, 0.2),
                Bead::new(5..5, 3..4, 0.3),
            ],
            review_below: 0.5,
        };
        fill_gaps(&mut a);
        assert_eq!(
            a.beads,
            [
                Bead::new(0..1, 0..1, 0.9),
                Bead::new(1..2, 1..2, 0.3),
                Bead::new(2..3, 2..2, 0.3),
                Bead::new(3..4, 2..3, 0.8),
                Bead::new(4..5, 3..4, 0.3),
            ]
        );
        assert!(a.validate(5, 4).is_ok());
        assert!(a.needs_review(&a.beads[1]));
    }

    #[test]
    fn origins_point_at_lines_and_byte_columns() {
        let lines = LineStarts::new("ab\ncdé\nfin");
        let o = lines.origin(Path::new("f"), 4);
        assert_eq!((o.line, o.column_offset), (2, Some(1)));
        let o = lines.origin(Path::new("f"), 0);
        assert_eq!((o.line, o.column_offset), (1, Some(0)));
        let o = lines.origin(Path::new("f"), 8);
        assert_eq!((o.line, o.column_offset), (3, Some(0)));
    }
}
