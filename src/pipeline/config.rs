//! The project file, `passerelle.toml`: which documents to process, in which languages, with
//! which glossary, where the English comes from, what to write and how strictly to check.
//!
//! The file is read with the `toml` crate into structs that refuse unknown keys, so that a
//! typo is an error rather than a silently ignored setting; every error names the file, the
//! line and the dotted key (`passerelle.toml:7: translate.deepl.formality: unknown variant
//! ...`). Relative paths are resolved against the folder holding the file, and stay relative
//! when that folder is given relatively, so that locations in reports stay
//! repository-relative. This module reads no environment variable: API keys are added by the
//! caller ([`Config::fill_keys`]).
//!
//! ```toml
//! source_lang = "fr"
//! target_lang = "en"
//! glossary = "glossary/terms.tsv"
//!
//! [[document]]
//! name = "article"
//! source = "docs/article.fr.txt"
//! reference = "docs/article.en.txt"   # align against an existing translation
//!
//! [translate]                          # for documents without a reference
//! backend = "tm"                       # tm | deepl | libretranslate | openai | command
//! [translate.tm]
//! memories = ["memory.tmx"]
//!
//! [check]
//! fail_on = "error"
//! severity = { length-ratio = "off" }
//!
//! [output]
//! dir = "out"
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::check::{self, FailOn, LengthRatio, Level, Rule, Severity};
use crate::error::{describe_io, show_path};
use crate::formats::AlignmentFormat;
use crate::text::{Lang, LineIndex};
use crate::translate::embed::EmbedConfig;
use crate::translate::{AnyBackend, SettingsIn};

/// The name `passerelle run` looks for in the current folder.
pub const FILE_NAME: &str = "passerelle.toml";

/// A project file that cannot be used, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}{}{message}", show_path(path), line.map(|l| format!(":{l}")).unwrap_or_default(),
        key.as_ref().map(|k| format!(": {k}: ")).unwrap_or_else(|| ": ".into()))]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line, when the problem is on one.
    pub line: Option<usize>,
    /// The dotted key (`translate.deepl.formality`, `document[1].source`), when there is one.
    pub key: Option<String>,
    pub message: String,
}

/// A project, as the file describes it, with paths resolved.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project file itself.
    pub path: PathBuf,
    pub source_lang: Lang,
    pub target_lang: Lang,
    pub glossary: Option<PathBuf>,
    pub documents: Vec<Document>,
    pub translate: Translate,
    pub align: crate::align::Options,
    /// `[align.embeddings]`, when the project aligns with sentence embeddings.
    pub embeddings: Option<EmbedSettings>,
    pub check: Check,
    pub output: Output,
}

/// One document of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The base name of its output files (`NAME.tsv`, `NAME.tmx`...).
    pub name: String,
    pub source: PathBuf,
    /// An existing translation to align against; without one, the English comes from
    /// [`Translate`].
    pub reference: Option<PathBuf>,
    /// The files hold one sentence per line (blank lines between paragraphs) already.
    pub presegmented: bool,
    /// 1-based line of the `[[document]]` entry, for messages.
    pub line: usize,
}

pub use crate::translate::settings::{BackendName, Settings, SettingsError};
pub use crate::translate::Unit;

/// Whether and where machine translations are cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cache {
    /// The caller's default location.
    Default,
    Off,
    At(PathBuf),
}

/// How the English is obtained for documents without a reference.
#[derive(Debug, Clone)]
pub struct Translate {
    /// Who translates and how: the same settings the command line fills.
    pub settings: Settings,
    pub unit: Unit,
    pub cache: Cache,
    /// Line of `[translate]` (or 1), for messages about it.
    line: usize,
    path: PathBuf,
}

/// What to check and when to fail.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub options: check::Options,
    /// Findings at or above this fail the run (`None`: never).
    pub fail_on: Option<Severity>,
    /// Findings recorded in this file are accepted.
    pub baseline: Option<PathBuf>,
}

/// Where the outputs go, and which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub dir: PathBuf,
    pub formats: BTreeSet<OutputFormat>,
}

/// One kind of output file: an alignment format (one per document), or a project-wide file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutputFormat {
    /// Per document, in any of the alignment formats ([`AlignmentFormat`]).
    Alignment(AlignmentFormat),
    /// `findings.json`.
    Findings,
    /// `findings.sarif`.
    Sarif,
    /// `report.html`.
    Html,
}

impl OutputFormat {
    /// What a project writes when its file names no formats: every format but the bead list
    /// and the Moses pair, which corpus builders ask for by name.
    pub const DEFAULT: [OutputFormat; 8] = [
        OutputFormat::Alignment(AlignmentFormat::Text),
        OutputFormat::Alignment(AlignmentFormat::Tsv),
        OutputFormat::Alignment(AlignmentFormat::Jsonl),
        OutputFormat::Alignment(AlignmentFormat::Tmx),
        OutputFormat::Alignment(AlignmentFormat::Xliff),
        OutputFormat::Findings,
        OutputFormat::Sarif,
        OutputFormat::Html,
    ];

    pub fn from_name(name: &str) -> Option<OutputFormat> {
        match name {
            "findings" => Some(OutputFormat::Findings),
            "sarif" => Some(OutputFormat::Sarif),
            "html" => Some(OutputFormat::Html),
            other => AlignmentFormat::from_name(other).map(OutputFormat::Alignment),
        }
    }
}

impl<'de> Deserialize<'de> for OutputFormat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OutputFormat, D::Error> {
        let name = String::deserialize(d)?;
        OutputFormat::from_name(&name).ok_or_else(|| {
            let known: Vec<&str> = AlignmentFormat::ALL
                .iter()
                .map(|f| f.name())
                .chain(["findings", "sarif", "html"])
                .collect();
            serde::de::Error::custom(format!(
                "unknown format '{name}' (expected one of: {})",
                known.join(", ")
            ))
        })
    }
}

// ---------------------------------------------------------------------------------------
// The file as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "fr", deserialize_with = "lang")]
    source_lang: Lang,
    #[serde(default = "en", deserialize_with = "lang")]
    target_lang: Lang,
    glossary: Option<PathBuf>,
    #[serde(default)]
    document: Vec<Spanned<RawDocument>>,
    translate: Option<Spanned<RawTranslate>>,
    #[serde(default)]
    align: RawAlign,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    output: RawOutput,
}

fn fr() -> Lang {
    Lang::Fr
}

fn en() -> Lang {
    Lang::En
}

fn lang<'de, D: Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
    let code = String::deserialize(d)?;
    code.parse().map_err(serde::de::Error::custom)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    #[serde(deserialize_with = "document_name")]
    name: String,
    source: PathBuf,
    reference: Option<PathBuf>,
    #[serde(default)]
    presegmented: bool,
}

/// A name usable as the start of a file name, on every platform.
fn document_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let name = String::deserialize(d)?;
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(name)
    } else {
        Err(serde::de::Error::custom(format!(
            "'{name}' cannot name output files: use letters, digits, '-', '_' and '.' \
             (not first)"
        )))
    }
}

/// Makes `[translate]`, with a `[translate.NAME]` table per backend, from
/// [`crate::translate::backends!`]'s list.
macro_rules! raw_translate {
    ($($variant:ident => $field:ident: $module:ident :: $config:ident,)*) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RawTranslate {
            #[serde(default)]
            backend: BackendName,
            #[serde(default)]
            unit: Unit,
            fallback: Option<BackendName>,
            context: Option<String>,
            #[serde(default = "concurrency", deserialize_with = "concurrency_in_range")]
            concurrency: usize,
            #[serde(default = "max_retries")]
            max_retries: u32,
            cache: Option<RawCache>,
            $($field: Option<crate::translate::$module::$config>,)*
        }

        impl RawTranslate {
            /// The backends' tables, taken out.
            fn take_backends(&mut self) -> Vec<AnyBackend> {
                let mut configs = Vec::new();
                $(configs.extend(self.$field.take().map(AnyBackend::$variant));)*
                configs
            }
        }
    };
}

crate::translate::backends!(raw_translate);

fn concurrency() -> usize {
    4
}

fn max_retries() -> u32 {
    5
}

fn concurrency_in_range<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let n = usize::deserialize(d)?;
    if (1..=256).contains(&n) {
        Ok(n)
    } else {
        Err(serde::de::Error::custom(format!(
            "concurrency must be between 1 and 256, not {n}"
        )))
    }
}

/// `cache = true`, `cache = false` or `cache = "path/to/file.sqlite"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawCache {
    On(bool),
    At(PathBuf),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlign {
    #[serde(default = "review_below", deserialize_with = "score")]
    review_below: f32,
    #[serde(default)]
    embeddings: Option<RawEmbeddings>,
}

impl Default for RawAlign {
    fn default() -> RawAlign {
        RawAlign {
            review_below: review_below(),
            embeddings: None,
        }
    }
}

/// `[align.embeddings]`: an OpenAI-compatible embeddings server whose sentence vectors the
/// aligner uses as evidence.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmbeddings {
    endpoint: String,
    model: String,
    #[serde(default)]
    batch: Option<usize>,
    #[serde(default)]
    prefix: Option<String>,
    #[serde(default = "overlaps", deserialize_with = "overlap_count")]
    overlaps: usize,
    #[serde(default)]
    timeout_secs: Option<f64>,
}

fn overlaps() -> usize {
    crate::align::DEFAULT_OVERLAPS
}

fn overlap_count<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let n = usize::deserialize(d)?;
    if (1..=crate::align::MAX_OVERLAPS).contains(&n) {
        Ok(n)
    } else {
        Err(serde::de::Error::custom(format!(
            "overlaps must be between 1 and {}, not {n}",
            crate::align::MAX_OVERLAPS
        )))
    }
}

pub use super::pair::EmbedSettings;

fn review_below() -> f32 {
    crate::align::Options::default().review_below
}

fn score<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    crate::align::review_threshold(f64::deserialize(d)?).map_err(serde::de::Error::custom)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    fail_on: RawFailOn,
    baseline: Option<PathBuf>,
    #[serde(default)]
    severity: BTreeMap<Rule, Level>,
    #[serde(default)]
    length_ratio: LengthRatio,
}

/// `[check] fail_on`, read by hand rather than derived: a derived enum answers a number with
/// toml's "wanted string or table", which does not say what was found nor what would do.
#[derive(Default, Clone, Copy)]
struct RawFailOn(FailOn);

impl<'de> Deserialize<'de> for RawFailOn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawFailOn, D::Error> {
        let name = String::deserialize(d)?;
        FailOn::from_name(&name).map(RawFailOn).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown severity '{name}': use error, warning, info or never"
            ))
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    #[serde(default = "out")]
    dir: PathBuf,
    #[serde(default = "all_formats")]
    formats: Vec<OutputFormat>,
}

impl Default for RawOutput {
    fn default() -> RawOutput {
        RawOutput {
            dir: out(),
            formats: all_formats(),
        }
    }
}

fn out() -> PathBuf {
    PathBuf::from("out")
}

fn all_formats() -> Vec<OutputFormat> {
    OutputFormat::DEFAULT.to_vec()
}

// ---------------------------------------------------------------------------------------

impl Config {
    /// The project file to use: `given`, else passerelle.toml in the current folder.
    pub fn find(given: Option<&Path>) -> Result<PathBuf, ConfigError> {
        let path = given.map_or_else(|| PathBuf::from(FILE_NAME), Path::to_path_buf);
        if given.is_none() && !path.exists() {
            return Err(ConfigError {
                path,
                line: None,
                key: None,
                message: "no such file in this folder: run from a project's root, or give \
                          --config FILE (examples/ has project files to start from)"
                    .into(),
            });
        }
        Ok(path)
    }

    /// Fills in the API keys the file leaves out (it should: keys belong in the environment)
    /// from `lookup`, given a variable's name, for the backends and embeddings the run uses;
    /// `Err` names the key still missing and how to give it.
    pub fn fill_keys(
        &mut self,
        lookup: impl Fn(&str) -> Option<crate::translate::Secret>,
    ) -> Result<(), ConfigError> {
        if let Some(e) = &mut self.embeddings {
            e.client.fill_key(&lookup);
        }
        if !self.needs_backend() {
            return Ok(());
        }
        let path = self.path.clone();
        self.translate
            .settings
            .fill_keys(&lookup, SettingsIn::ProjectFile)
            .map_err(|e| ConfigError {
                path,
                line: None,
                key: None,
                message: e.message,
            })
    }

    /// Reads and validates a project file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read(path)
            .map_err(|e| ConfigError {
                path: path.to_path_buf(),
                line: None,
                key: None,
                message: describe_io(&e),
            })
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|e| ConfigError {
                    path: path.to_path_buf(),
                    line: None,
                    key: None,
                    message: format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
                })
            })?;
        Config::parse(path, &text)
    }

    /// Parses project-file text as if read from `path` (relative paths in it are resolved
    /// against `path`'s folder).
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let place = super::toml_place::locate(text, &e);
            ConfigError {
                path: path.to_path_buf(),
                line: place.line,
                key: place.key,
                message: place.message,
            }
        })?;
        let index = LineIndex::new(text);
        let line_of = |span: std::ops::Range<usize>| index.line_col(text, span.start).0;
        let base = path.parent().unwrap_or(Path::new(""));
        let resolve = |p: &Path| -> PathBuf {
            if p.is_absolute() || base.as_os_str().is_empty() {
                p.to_path_buf()
            } else {
                tidy(&base.join(p))
            }
        };
        let error = |line: usize, key: String, message: String| ConfigError {
            path: path.to_path_buf(),
            line: Some(line),
            key: Some(key),
            message,
        };

        if raw.document.is_empty() {
            return Err(ConfigError {
                path: path.to_path_buf(),
                line: None,
                key: Some("document".into()),
                message: "no documents: add a [[document]] table with `name` and `source`".into(),
            });
        }
        let mut documents: Vec<Document> = Vec::new();
        for (k, doc) in raw.document.iter().enumerate() {
            let line = line_of(doc.span());
            let doc = doc.get_ref();
            if let Some(first) = documents.iter().find(|d| d.name == doc.name) {
                return Err(error(
                    line,
                    format!("document[{k}].name"),
                    format!(
                        "'{}' is already the name of the document on line {}; names pick the \
                         output files and must differ",
                        doc.name, first.line
                    ),
                ));
            }
            documents.push(Document {
                name: doc.name.clone(),
                source: resolve(&doc.source),
                reference: doc.reference.as_deref().map(resolve),
                presegmented: doc.presegmented,
                line,
            });
        }

        let translate = match raw.translate {
            Some(t) => {
                let line = line_of(t.span());
                let mut t = t.into_inner();
                let mut settings = Settings {
                    backend: t.backend,
                    fallback: t.fallback,
                    context: t.context.take(),
                    concurrency: t.concurrency,
                    max_retries: t.max_retries,
                    ..Settings::default()
                };
                for mut config in t.take_backends() {
                    config
                        .config_mut()
                        .in_project(&resolve, &raw.source_lang, &raw.target_lang);
                    settings.set_config(config);
                }
                let translate = Translate {
                    settings,
                    unit: t.unit,
                    cache: match t.cache {
                        None | Some(RawCache::On(true)) => Cache::Default,
                        Some(RawCache::On(false)) => Cache::Off,
                        Some(RawCache::At(p)) => Cache::At(resolve(&p)),
                    },
                    line,
                    path: path.to_path_buf(),
                };
                // Contradictions are told now; what is missing only when a document needs it.
                if let Err(e) = translate.settings.backend_config() {
                    if e.key == "fallback" {
                        return Err(translate.error(e));
                    }
                }
                translate
            }
            None => Translate {
                settings: Settings::default(),
                unit: Unit::Sentence,
                cache: Cache::Default,
                line: 0,
                path: path.to_path_buf(),
            },
        };

        let check = Check {
            options: check::Options {
                severity: raw.check.severity,
                length_ratio: raw.check.length_ratio,
            },
            fail_on: raw.check.fail_on.0.threshold(),
            baseline: raw.check.baseline.as_deref().map(resolve),
        };
        let output = Output {
            dir: resolve(&raw.output.dir),
            formats: raw.output.formats.into_iter().collect(),
        };
        Ok(Config {
            path: path.to_path_buf(),
            source_lang: raw.source_lang.clone(),
            target_lang: raw.target_lang.clone(),
            glossary: raw.glossary.as_deref().map(resolve),
            documents,
            translate,
            align: crate::align::Options {
                review_below: raw.align.review_below,
                src_lang: raw.source_lang.clone(),
                tgt_lang: raw.target_lang.clone(),
                // The aligner's own choices for what the file does not set.
                ..crate::align::Options::default()
            },
            embeddings: raw.align.embeddings.as_ref().map(|e| {
                let mut client = EmbedConfig::new(e.endpoint.clone(), e.model.clone());
                client.batch = e.batch.unwrap_or(client.batch);
                client.prefix = e.prefix.clone();
                client.timeout_secs = e.timeout_secs.unwrap_or(client.timeout_secs);
                EmbedSettings {
                    client,
                    overlaps: e.overlaps,
                }
            }),
            check,
            output,
        })
    }

    /// Whether some document needs a translation backend (has no reference).
    pub fn needs_backend(&self) -> bool {
        self.documents.iter().any(|d| d.reference.is_none())
    }

    /// The cache file a run uses: none when nothing worth caching is done (every document
    /// has a reference, or only a local memory translates, and there are no embeddings) or
    /// when `off`; else `given` (the command line's), the project's `[translate] cache`, or
    /// the platform's default.
    pub fn cache_path(
        &self,
        given: Option<&Path>,
        off: bool,
    ) -> Result<Option<PathBuf>, ConfigError> {
        let machine = self.embeddings.is_some()
            || (self.needs_backend() && self.translate.settings.machine());
        Ok(match (given, off, &self.translate.cache) {
            _ if !machine => None,
            (_, true, _) | (None, false, Cache::Off) => None,
            (Some(p), false, _) => Some(p.to_path_buf()),
            (None, false, Cache::At(p)) => Some(p.clone()),
            (None, false, Cache::Default) => Some(
                crate::translate::Cache::default_path().ok_or_else(|| ConfigError {
                    path: self.path.clone(),
                    line: None,
                    key: Some("translate.cache".into()),
                    message: "no cache folder on this platform: give --cache PATH or --no-cache"
                        .into(),
                })?,
            ),
        })
    }
}

impl Translate {
    /// The backend configuration to build, its fallback included.
    pub fn backend_config(&self) -> Result<AnyBackend, ConfigError> {
        self.settings.backend_config().map_err(|e| self.error(e))
    }

    /// A settings error as one about the project file, with a hint in its terms.
    fn error(&self, e: SettingsError) -> ConfigError {
        let hint = BackendName::ALL
            .iter()
            .filter_map(|b| b.spec().required.as_ref())
            .find(|r| r.key == e.key)
            .map_or("", |r| r.file_hint);
        ConfigError {
            path: self.path.clone(),
            line: (self.line > 0).then_some(self.line),
            key: Some(format!("translate.{}", e.key)),
            message: format!("{}{hint}", e.message),
        }
    }
}

/// `examples/../corpora/a.txt` as `corpora/a.txt`: paths from a project file in a subfolder
/// end up in messages and in SARIF, whose consumers (code scanning) match them against the
/// repository's files literally. `DIR/..` is folded only when DIR is a real folder, not a
/// symbolic link, for which `..` would lead elsewhere.
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let foldable = matches!(out.components().next_back(), Some(Component::Normal(_)))
                    && !std::fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink());
                if foldable {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("proj/passerelle.toml"), text)
    }

    const MINIMAL: &str = "[[document]]\nname = \"a\"\nsource = \"a.fr.txt\"\n";

    #[test]
    fn only_machine_work_is_cached_and_the_command_line_wins() {
        let memory = "[translate]\nbackend = \"tm\"\ncache = \"c.sqlite\"\n[translate.tm]\nmemories = [\"m.tmx\"]\n";
        let c = parse(&format!("{MINIMAL}{memory}")).unwrap();
        assert_eq!(c.cache_path(Some(Path::new("x")), false).unwrap(), None);
        let deepl = "[translate]\nbackend = \"deepl\"\ncache = \"c.sqlite\"\n";
        let c = parse(&format!("{MINIMAL}{deepl}")).unwrap();
        let path = |given: Option<&str>, off| c.cache_path(given.map(Path::new), off).unwrap();
        assert_eq!(path(None, false), Some("proj/c.sqlite".into()));
        assert_eq!(path(Some("x.sqlite"), false), Some("x.sqlite".into()));
        assert_eq!(path(None, true), None);
        let reference = "[[document]]\nname = \"a\"\nsource = \"a.fr\"\nreference = \"a.en\"\n";
        let c = parse(&format!("{reference}{deepl}")).unwrap();
        assert_eq!(c.cache_path(None, false).unwrap(), None);
    }

    #[test]
    fn defaults_and_resolved_paths() {
        let c = parse(MINIMAL).unwrap();
        assert_eq!(c.source_lang, Lang::Fr);
        assert_eq!(c.target_lang, Lang::En);
        assert_eq!(c.documents[0].source, Path::new("proj/a.fr.txt"));
        assert_eq!(c.documents[0].line, 1);
        assert_eq!(c.output.dir, Path::new("proj/out"));
        assert_eq!(c.output.formats.len(), OutputFormat::DEFAULT.len());
        assert_eq!(c.check.fail_on, Some(Severity::Error));
        assert_eq!(c.translate.settings.backend, BackendName::Tm);
        assert!(c.needs_backend());
        let top = Config::parse(Path::new("passerelle.toml"), MINIMAL).unwrap();
        assert_eq!(top.documents[0].source, Path::new("a.fr.txt"));
        // A project in a subfolder naming files beside it: no `sub/../` in paths.
        let sub = Config::parse(
            Path::new("sub/passerelle.toml"),
            "[[document]]\nname = \"a\"\nsource = \"../c/a.fr.txt\"\n\n[output]\ndir = \"./../../out\"\n",
        )
        .unwrap();
        assert_eq!(sub.documents[0].source, Path::new("c/a.fr.txt"));
        assert_eq!(sub.output.dir, Path::new("../out"));
    }

    #[test]
    fn unknown_keys_name_line_and_key() {
        let e = parse(&format!("{MINIMAL}\n[translate]\nbackend = \"deepl\"\n\n[translate.deepl]\nformality = \"less\"\nnope = 1\n")).unwrap_err();
        assert_eq!(e.line, Some(10));
        assert_eq!(e.key.as_deref(), Some("translate.deepl.nope"));
        assert!(
            e.to_string()
                .starts_with("proj/passerelle.toml:10: translate.deepl.nope: unknown field `nope`"),
            "{e}"
        );
        let e = parse(&format!("colour = 1\n{MINIMAL}")).unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(1), Some("colour")));
    }

    #[test]
    fn wrong_types_name_line_and_key() {
        let e = parse(&format!("{MINIMAL}\n[align]\nreview_below = \"low\"\n")).unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(6), Some("align.review_below"))
        );
        let e = parse(&format!(
            "{MINIMAL}[[document]]\nname = \"b\"\nsource = 3\n"
        ))
        .unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(6), Some("document[1].source")),
            "{e}"
        );
        let e = parse(&format!(
            "{MINIMAL}\n[check]\nseverity = {{ length-ratio = \"loud\" }}\n"
        ))
        .unwrap_err();
        assert_eq!(e.line, Some(6), "{e}");
        assert_eq!(e.key.as_deref(), Some("check.severity"), "{e}");
        let e = parse(&format!("{MINIMAL}\n[check]\nfail_on = 1\n")).unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(6), Some("check.fail_on")),
            "{e}"
        );
        assert!(e.message.starts_with("invalid type: integer `1`"), "{e}");
        let e = parse(&format!("{MINIMAL}\n[check]\nfail_on = \"errors\"\n")).unwrap_err();
        assert!(
            e.message.contains("use error, warning, info or never"),
            "{e}"
        );
    }

    #[test]
    fn values_are_validated_where_they_are() {
        let e = parse(&format!("source_lang = \"français\"\n{MINIMAL}")).unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(1), Some("source_lang")));
        let e = parse(&format!("{MINIMAL}\n[align]\nreview_below = 1.5\n")).unwrap_err();
        assert!(e.message.contains("between 0 and 1"), "{e}");
        let e = parse("[[document]]\nname = \"../x\"\nsource = \"a\"\n").unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(2), Some("document[0].name"))
        );
        let e = parse(&format!("{MINIMAL}{MINIMAL}")).unwrap_err();
        assert!(e.message.contains("already the name"), "{e}");
        let e = parse("").unwrap_err();
        assert!(e.message.contains("no documents"), "{e}");
        let e = parse(&format!("{MINIMAL}[[document]]\nname = \"b\"\n")).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("document[1].source"), "{e}");
    }

    #[test]
    fn backends_and_fallbacks() {
        use crate::translate::AnyBackend;
        let c = parse(&format!(
            "{MINIMAL}\n[translate]\nbackend = \"tm\"\nfallback = \"openai\"\n\n[translate.tm]\nmemories = [\"m.tmx\"]\n\n[translate.openai]\nendpoint = \"http://localhost:11434/v1\"\nmodel = \"qwen2.5:7b\"\n"
        ))
        .unwrap();
        let mut t = c.translate.clone();
        let key = |v: &str| (v == "OPENAI_API_KEY").then(|| crate::translate::Secret::new("k"));
        t.settings.fill_keys(key, SettingsIn::ProjectFile).unwrap();
        match t.backend_config().unwrap() {
            AnyBackend::Tm(m) => {
                assert_eq!(m.memories, [PathBuf::from("proj/m.tmx")]);
                assert_eq!(m.fallback.as_deref().map(AnyBackend::name), Some("openai"));
            }
            other => panic!("{other:?}"),
        }
        let c = parse(MINIMAL).unwrap();
        let e = c.translate.backend_config().unwrap_err();
        assert!(e.message.contains("needs a translation memory"), "{e}");
        let e = parse(&format!(
            "{MINIMAL}[translate]\nbackend = \"deepl\"\nfallback = \"openai\"\n"
        ))
        .unwrap_err();
        assert!(e.message.contains("fallback is for the tm backend"), "{e}");
        let e = parse(&format!("{MINIMAL}[translate]\nbackend = \"babelfish\"\n")).unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(5), Some("translate.backend")),
            "{e}"
        );
        let c = parse(&format!("{MINIMAL}[translate]\ncache = false\n")).unwrap();
        assert_eq!(c.translate.cache, Cache::Off);
        let c = parse(&format!("{MINIMAL}[translate]\ncache = \"c.sqlite\"\n")).unwrap();
        assert_eq!(c.translate.cache, Cache::At("proj/c.sqlite".into()));
    }
}
