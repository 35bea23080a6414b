//! An offline translation memory, read from TMX 1.4b files or TSV files of source/target
//! pairs: the default backend, which needs no key and no network.
//!
//! A segment whose normalised form (case, spaces, apostrophes and quotes, French spacing
//! before punctuation) equals a memory entry's is an exact match (100 %). Otherwise the best
//! fuzzy match is the entry with the highest CAT-style percentage, `100 × (1 − Levenshtein
//! distance / longer length)` over normalised characters, rounded down; it is used at or above
//! the threshold (75 % by default). To stay fast on large memories, only the entries sharing
//! the most words with the segment (rarest words first) are scored, and only those whose
//! length could reach the threshold. A segment with no match is reported untranslated with an
//! empty text, never passed through as if it were a translation. Glossary terms are checked in
//! every match and reported as warnings; the memory's translation is never changed.
//!
//! TSV: one pair per line, source language first, then target (more columns are ignored);
//! blank lines and lines starting with `#` are skipped, and a first line naming the two
//! languages (`fr<TAB>en`, or `en<TAB>fr` to swap the columns) is a header.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use serde::Deserialize;

use super::{
    contains_term, AnyBackend, Backend, BackendConfig, BackendError, BackendName, BackendSpec,
    BatchRequest, BoxFuture, Capabilities, ConfigError, Flags, MalformedPolicy, MatchKind,
    MemoryMatch, Required, SettingsError, Shield, TermPair, Translation,
};
use crate::error::{describe_io, show_path};
use crate::text::Lang;

pub const BACKEND: BackendSpec = BackendSpec {
    name: "tm",
    describe: "offline translation memory (TMX or TSV)",
    details: "offline translation memory, the default: no key, no network. --memory FILE (TMX \
              1.4b, or TSV of French<TAB>English; repeatable), exact and fuzzy matches \
              (--threshold PCT, 75 by default). Segments without a match are left empty and \
              counted on stderr, or sent to --fallback {fallbacks}.",
    key_variable: None,
    // A local memory is faster to ask than a cache.
    machine: false,
    fallback: false,
    required: Some(Required {
        key: "tm.memories",
        message: "the tm backend needs a translation memory (TMX, or TSV of source<TAB>target \
                  pairs)",
        file_hint: ": add [translate.tm] with memories = [\"FILE.tmx\"], give the document a \
                    `reference`, or choose another backend",
    }),
};

pub const DEFAULT_THRESHOLD: u8 = 75;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryConfig {
    /// TMX or TSV files; earlier files win when two hold the same source segment.
    #[serde(alias = "memory")]
    pub memories: Vec<PathBuf>,
    /// Lowest fuzzy match percentage used.
    #[serde(default = "default_threshold")]
    pub threshold: u8,
    #[serde(default = "default_source")]
    pub source_lang: String,
    #[serde(default = "default_target")]
    pub target_lang: String,
    /// Where segments without a match go (a machine translation backend).
    pub fallback: Option<Box<AnyBackend>>,
}

fn default_threshold() -> u8 {
    DEFAULT_THRESHOLD
}

fn default_source() -> String {
    "fr".into()
}

fn default_target() -> String {
    "en".into()
}

impl MemoryConfig {
    pub fn new(memories: Vec<PathBuf>) -> MemoryConfig {
        MemoryConfig {
            memories,
            threshold: DEFAULT_THRESHOLD,
            source_lang: default_source(),
            target_lang: default_target(),
            fallback: None,
        }
    }
}

impl BackendConfig for MemoryConfig {
    fn build(&self) -> Result<std::sync::Arc<dyn Backend>, ConfigError> {
        Ok(std::sync::Arc::new(Memory::open(self)?))
    }

    /// `--memory` is for the memory alone, which cannot do without one.
    fn check_flags(flags: &Flags) -> Result<(), SettingsError> {
        let chosen = flags.backend() == BackendName::Tm;
        if !chosen && !flags.memories.is_empty() {
            return Err(SettingsError::new(
                "memory",
                "--memory is for --backend tm (to use a memory before a service, give \
                 --backend tm --fallback NAME)",
            ));
        }
        if chosen && flags.memories.is_empty() {
            return Err(SettingsError::new(
                "memory",
                format!(
                    "the tm backend needs a translation memory: give --memory FILE (TMX, or \
                     TSV of French<TAB>English pairs), or choose a machine translation backend \
                     with --backend {}",
                    BackendName::fallback_list()
                ),
            ));
        }
        Ok(())
    }

    fn from_flags(
        flags: &Flags,
        from: &Lang,
        to: &Lang,
        _timeout_secs: f64,
    ) -> Result<MemoryConfig, SettingsError> {
        let mut memory = MemoryConfig::new(flags.memories.clone());
        memory.threshold = flags.threshold;
        memory.source_lang = from.code().to_string();
        memory.target_lang = to.code().to_string();
        Ok(memory)
    }

    /// There is no default memory.
    fn unconfigured() -> Option<MemoryConfig> {
        None
    }

    fn fallback(&self) -> Option<&AnyBackend> {
        self.fallback.as_deref()
    }

    /// The memories are files beside the project file, in the project's languages.
    fn in_project(&mut self, resolve: &dyn Fn(&Path) -> PathBuf, source: &Lang, target: &Lang) {
        self.memories = self.memories.iter().map(|p| resolve(p)).collect();
        self.source_lang = source.code().to_string();
        self.target_lang = target.code().to_string();
    }
}

/// A memory file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {message}", show_path(path), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct MemoryError {
    pub path: PathBuf,
    /// 1-based line, when the problem is on one.
    pub line: Option<usize>,
    pub message: String,
}

struct Entry {
    source: String,
    target: String,
    norm: String,
    norm_len: usize,
}

pub struct Memory {
    entries: Vec<Entry>,
    exact: HashMap<String, u32>,
    /// Word → entries holding it.
    postings: HashMap<String, Vec<u32>>,
    threshold: u8,
    source_lang: Lang,
    target_lang: Lang,
}

/// How many candidates get the full edit-distance score.
const CANDIDATES: usize = 25;
/// How many postings a lookup reads at most (the rarest words first).
const POSTINGS_BUDGET: usize = 50_000;

impl Memory {
    /// Loads every file of the configuration.
    pub fn open(config: &MemoryConfig) -> Result<Memory, ConfigError> {
        if config.memories.is_empty() {
            return Err(ConfigError::invalid(
                "tm",
                "no translation memory file given",
            ));
        }
        if config.threshold > 100 {
            return Err(ConfigError::invalid(
                "tm",
                format!("the threshold is a percentage, not {}", config.threshold),
            ));
        }
        let lang = |code: &str| {
            Lang::parse(code).ok_or_else(|| {
                ConfigError::invalid("tm", format!("'{code}' is not a language code"))
            })
        };
        let mut memory = Memory {
            entries: Vec::new(),
            exact: HashMap::new(),
            postings: HashMap::new(),
            threshold: config.threshold,
            source_lang: lang(&config.source_lang)?,
            target_lang: lang(&config.target_lang)?,
        };
        for path in &config.memories {
            let text = read(path)?;
            let pairs = if looks_like_xml(path, &text) {
                read_tmx(path, &text, &memory.source_lang, &memory.target_lang)?
            } else {
                read_tsv(path, &text, &memory.source_lang, &memory.target_lang)?
            };
            for (source, target) in pairs {
                memory.add(source, target);
            }
        }
        Ok(memory)
    }

    /// Builds a memory from pairs in memory (for tests and library callers).
    pub fn from_pairs(
        pairs: impl IntoIterator<Item = (String, String)>,
        source_lang: Lang,
        target_lang: Lang,
        threshold: u8,
    ) -> Memory {
        let mut memory = Memory {
            entries: Vec::new(),
            exact: HashMap::new(),
            postings: HashMap::new(),
            threshold: threshold.min(100),
            source_lang,
            target_lang,
        };
        for (s, t) in pairs {
            memory.add(s, t);
        }
        memory
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn add(&mut self, source: String, target: String) {
        let norm = normalize(&source);
        if norm.is_empty() || target.trim().is_empty() || self.exact.contains_key(&norm) {
            return;
        }
        let id = self.entries.len() as u32;
        let mut words: Vec<&str> = words(&norm).collect();
        words.sort_unstable();
        words.dedup();
        for w in words {
            self.postings.entry(w.to_string()).or_default().push(id);
        }
        self.exact.insert(norm.clone(), id);
        self.entries.push(Entry {
            source: source.trim().to_string(),
            target: target.trim().to_string(),
            norm_len: norm.chars().count(),
            norm,
        });
    }

    /// The best match for `text`, with its glossary warnings.
    pub fn lookup(&self, text: &str, glossary: &[TermPair]) -> Translation {
        let query = normalize(text);
        let (kind, score, entry) = match self.exact.get(&query) {
            Some(&id) => (MatchKind::Exact, 100, Some(id)),
            None => match self.best_fuzzy(&query) {
                Some((score, id)) if score >= self.threshold => (MatchKind::Fuzzy, score, Some(id)),
                Some((score, _)) => (MatchKind::None, score, None),
                None => (MatchKind::None, 0, None),
            },
        };
        let Some(id) = entry else {
            return Translation {
                text: String::new(),
                memory: Some(MemoryMatch {
                    kind,
                    score,
                    memory_source: None,
                    warnings: Vec::new(),
                }),
            };
        };
        let entry = &self.entries[id as usize];
        let warnings = glossary
            .iter()
            .filter(|p| contains_term(text, &p.source) && !contains_term(&entry.target, &p.target))
            .map(|p| {
                format!(
                    "glossary: \"{}\" must be rendered \"{}\", which the memory's translation \
                     does not use",
                    p.source, p.target
                )
            })
            .collect();
        Translation {
            text: entry.target.clone(),
            memory: Some(MemoryMatch {
                kind,
                score,
                memory_source: (kind == MatchKind::Fuzzy).then(|| entry.source.clone()),
                warnings,
            }),
        }
    }

    /// The best-scoring candidate: (percentage, entry).
    fn best_fuzzy(&self, query: &str) -> Option<(u8, u32)> {
        let mut qwords: Vec<&str> = words(query).collect();
        qwords.sort_unstable();
        qwords.dedup();
        let mut lists: Vec<&Vec<u32>> = qwords
            .iter()
            .filter_map(|w| self.postings.get(*w))
            .collect();
        lists.sort_by_key(|l| l.len());
        let mut shared: HashMap<u32, u32> = HashMap::new();
        let mut read = 0;
        for list in lists {
            if read > 0 && read + list.len() > POSTINGS_BUDGET {
                break;
            }
            read += list.len();
            for &id in list {
                *shared.entry(id).or_default() += 1;
            }
        }
        let mut candidates: Vec<(u32, u32)> = shared.into_iter().collect();
        // Most shared words first; ties by entry order, for stable results.
        candidates.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let qlen = query.chars().count();
        let mut best: Option<(u8, u32)> = None;
        for &(id, _) in candidates.iter().take(CANDIDATES) {
            let entry = &self.entries[id as usize];
            let (short, long) = (qlen.min(entry.norm_len), qlen.max(entry.norm_len));
            // The distance is at least the length difference: skip what cannot beat the best.
            let bound = (short * 100 / long.max(1)) as u8;
            if best.is_some_and(|(b, _)| bound <= b) {
                continue;
            }
            let score = percent(query, &entry.norm);
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, id));
            }
        }
        best
    }
}

/// CAT-style match percentage between two normalised texts, rounded down.
fn percent(a: &str, b: &str) -> u8 {
    let sim = strsim::normalized_levenshtein(a, b);
    ((sim * 100.0).floor() as u8).min(if a == b { 100 } else { 99 })
}

impl Backend for Memory {
    fn name(&self) -> &str {
        "tm"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            max_texts: 256,
            max_bytes: usize::MAX,
            glossary: true,
            context: false,
            on_malformed: MalformedPolicy::Fail,
            shield: Shield::None,
        }
    }

    fn cache_scope(&self) -> Option<String> {
        None
    }

    fn translate<'a>(
        &'a self,
        req: BatchRequest<'a>,
    ) -> BoxFuture<'a, Result<Vec<Translation>, BackendError>> {
        Box::pin(async move {
            if req.job.source_lang != self.source_lang || req.job.target_lang != self.target_lang {
                return Err(BackendError::BadRequest(format!(
                    "the memory was loaded for {} → {}, not {} → {}",
                    self.source_lang, self.target_lang, req.job.source_lang, req.job.target_lang
                )));
            }
            Ok(req
                .texts
                .iter()
                .map(|t| self.lookup(t, &req.job.glossary))
                .collect())
        })
    }
}

/// The form segments are compared in: lower case, one plain space between words, straight
/// apostrophes and quotes, no space around punctuation (French and English spacing agree).
pub fn normalize(text: &str) -> String {
    let folded = super::fold(text);
    let mut out = String::with_capacity(folded.len());
    let mut pending_space = false;
    for c in folded.chars() {
        let c = match c {
            '«' | '»' | '“' | '”' | '„' => '"',
            c => c,
        };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            let prev_punct = out.chars().next_back().is_some_and(is_punct);
            if !prev_punct && !is_punct(c) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

fn is_punct(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

fn words(norm: &str) -> impl Iterator<Item = &str> {
    norm.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

fn read(path: &Path) -> Result<String, MemoryError> {
    let err = |message: String| MemoryError {
        path: path.to_path_buf(),
        line: None,
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| err(describe_io(&e)))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        err(format!(
            "invalid UTF-8 at byte {}",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

fn looks_like_xml(path: &Path, text: &str) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(ext.as_deref(), Some("tmx" | "xml")) || text.trim_start().starts_with('<')
}

fn read_tsv(
    path: &Path,
    text: &str,
    source: &Lang,
    target: &Lang,
) -> Result<Vec<(String, String)>, MemoryError> {
    let mut pairs = Vec::new();
    let mut swap = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(a), Some(b)) = (cols.next(), cols.next()) else {
            return Err(MemoryError {
                path: path.to_path_buf(),
                line: Some(n + 1),
                message: format!("expected a {source} and an {target} column separated by a tab"),
            });
        };
        if pairs.is_empty() && !swap {
            let (la, lb) = (Lang::parse(a.trim()), Lang::parse(b.trim()));
            if la.as_ref() == Some(source) && lb.as_ref() == Some(target) {
                continue;
            }
            if la.as_ref() == Some(target) && lb.as_ref() == Some(source) {
                swap = true;
                continue;
            }
        }
        let (s, t) = if swap { (b, a) } else { (a, b) };
        pairs.push((s.trim().to_string(), t.trim().to_string()));
    }
    Ok(pairs)
}

/// Reads the translation units of a TMX file: for each `<tu>`, the first variant in the source
/// language and the first in the target language (matched on the primary subtag, `fr-FR` is
/// French). Inline codes (`bpt`, `ept`, `ph`, `it`, `ut`) are left out; `hi` keeps its text.
fn read_tmx(
    path: &Path,
    text: &str,
    source: &Lang,
    target: &Lang,
) -> Result<Vec<(String, String)>, MemoryError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let line_of = |pos: u64| text[..(pos as usize).min(text.len())].matches('\n').count() + 1;
    let err = |pos: u64, message: String| MemoryError {
        path: path.to_path_buf(),
        line: Some(line_of(pos)),
        message,
    };

    let mut pairs = Vec::new();
    let mut saw_tmx = false;
    let mut in_tu = false;
    let mut tuv_lang: Option<Lang> = None;
    let mut in_seg = false;
    let mut skip = 0usize;
    let mut seg = String::new();
    let mut src: Option<String> = None;
    let mut tgt: Option<String> = None;
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| err(pos, format!("not well-formed XML: {e}")))?;
        match event {
            // An empty element (`<ph/>`) has no end to wait for; a started code element has.
            Event::Start(e) if in_seg && is_code(e.local_name().as_ref()) => skip += 1,
            Event::Start(_) | Event::Empty(_) if in_seg => {}
            Event::Start(e) => match e.local_name().as_ref() {
                b"tmx" => saw_tmx = true,
                b"tu" => {
                    in_tu = true;
                    src = None;
                    tgt = None;
                }
                b"tuv" if in_tu => {
                    let lang = e
                        .attributes()
                        .flatten()
                        .find(|a| matches!(a.key.as_ref(), b"xml:lang" | b"lang"))
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()));
                    tuv_lang = lang.as_deref().and_then(Lang::parse);
                }
                b"seg" if tuv_lang.is_some() => {
                    in_seg = true;
                    skip = 0;
                    seg.clear();
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"seg" if in_seg => {
                    in_seg = false;
                    let lang = tuv_lang.as_ref().expect("a seg is read inside a tuv");
                    if lang == source && src.is_none() {
                        src = Some(std::mem::take(&mut seg));
                    } else if lang == target && tgt.is_none() {
                        tgt = Some(std::mem::take(&mut seg));
                    }
                }
                name if in_seg && is_code(name) => skip = skip.saturating_sub(1),
                b"tuv" => tuv_lang = None,
                b"tu" => {
                    in_tu = false;
                    if let (Some(s), Some(t)) = (src.take(), tgt.take()) {
                        pairs.push((s, t));
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_seg && skip == 0 => {
                let t = t
                    .xml_content()
                    .map_err(|e| err(pos, format!("bad text: {e}")))?;
                seg.push_str(&t);
            }
            Event::CData(t) if in_seg && skip == 0 => {
                let t = t
                    .xml_content()
                    .map_err(|e| err(pos, format!("bad CDATA: {e}")))?;
                seg.push_str(&t);
            }
            Event::GeneralRef(r) if in_seg && skip == 0 => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match &*r as &[u8] {
                        b"amp" => Some('&'),
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"quot" => Some('"'),
                        b"apos" => Some('\''),
                        _ => None,
                    },
                    Err(_) => None,
                };
                match resolved {
                    Some(c) => seg.push(c),
                    None => {
                        return Err(err(
                            pos,
                            format!("unknown entity &{};", String::from_utf8_lossy(&r)),
                        ))
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_tmx {
        return Err(MemoryError {
            path: path.to_path_buf(),
            line: None,
            message: "not a TMX file (no <tmx> element)".into(),
        });
    }
    Ok(pairs)
}

/// Inline elements whose content is native code, not text.
fn is_code(name: &[u8]) -> bool {
    matches!(name, b"bpt" | b"ept" | b"ph" | b"it" | b"ut")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory(threshold: u8) -> Memory {
        let pairs = [
            ("La facture est payée.", "The invoice is paid."),
            ("Appuyez sur OK pour continuer.", "Press OK to continue."),
            (
                "Le mot de passe a été modifié.",
                "The password was changed.",
            ),
            (
                "Votre commande a été expédiée hier.",
                "Your order was shipped yesterday.",
            ),
        ];
        Memory::from_pairs(
            pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())),
            Lang::Fr,
            Lang::En,
            threshold,
        )
    }

    fn kind_score(t: &Translation) -> (MatchKind, u8) {
        let m = t.memory.as_ref().unwrap();
        (m.kind, m.score)
    }

    #[test]
    fn exact_matches_ignore_case_spaces_and_quotes() {
        let m = memory(75);
        let t = m.lookup("la  facture est payée.", &[]);
        assert_eq!(t.text, "The invoice is paid.");
        assert_eq!(kind_score(&t), (MatchKind::Exact, 100));
        assert_eq!(
            normalize("L’« avoir »  est\u{a0}émis !"),
            normalize("l'\"avoir\" est émis!")
        );
    }

    #[test]
    fn fuzzy_matches_score_in_range_and_show_their_source() {
        let m = memory(75);
        let t = m.lookup("Votre commande a été expédiée lundi.", &[]);
        let (kind, score) = kind_score(&t);
        assert_eq!(kind, MatchKind::Fuzzy);
        assert!((75..100).contains(&score), "{score}");
        assert_eq!(t.text, "Your order was shipped yesterday.");
        assert_eq!(
            t.memory.unwrap().memory_source.as_deref(),
            Some("Votre commande a été expédiée hier.")
        );
    }

    #[test]
    fn below_the_threshold_or_unmatched_is_untranslated() {
        let m = memory(75);
        let t = m.lookup("Le mot de passe est trop court.", &[]);
        let (kind, score) = kind_score(&t);
        assert_eq!(kind, MatchKind::None);
        assert!(score > 0 && score < 75, "{score}");
        assert_eq!(t.text, "");
        assert!(t.is_untranslated());
        let t = m.lookup("Rien à voir.", &[]);
        assert_eq!(kind_score(&t).0, MatchKind::None);
        assert_eq!(t.text, "");
        // A lower threshold takes the same near-miss.
        let t = memory(50).lookup("Le mot de passe est trop court.", &[]);
        assert_eq!(kind_score(&t).0, MatchKind::Fuzzy);
    }

    #[test]
    fn glossary_terms_are_checked_not_changed() {
        let m = Memory::from_pairs(
            [(
                "La facture est réglée.".to_string(),
                "The bill is settled.".to_string(),
            )],
            Lang::Fr,
            Lang::En,
            75,
        );
        let glossary = [TermPair::new("facture", "invoice")];
        let t = m.lookup("La facture est réglée !", &glossary);
        assert_eq!(t.text, "The bill is settled.");
        let warnings = &t.memory.unwrap().warnings;
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("\"invoice\""), "{warnings:?}");
    }

    #[test]
    fn large_memories_stay_fast() {
        let pairs = (0..50_000).map(|i| {
            (
                format!("Le produit numéro {i} est livré avec le câble {}.", i % 97),
                format!("Product number {i} comes with cable {}.", i % 97),
            )
        });
        let m = Memory::from_pairs(pairs, Lang::Fr, Lang::En, 75);
        let started = std::time::Instant::now();
        for i in 0..200 {
            let t = m.lookup(&format!("Le produit numéro {i} est livré sans câble."), &[]);
            assert_eq!(kind_score(&t).0, MatchKind::Fuzzy);
        }
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    #[test]
    fn tmx_with_inline_codes_and_entities() {
        let tmx = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t"
          adminlang="en-US" srclang="fr-FR" datatype="plaintext"/>
  <body>
    <tu><tuv xml:lang="fr-FR"><seg>Cliquez sur <bpt i="1">&lt;b&gt;</bpt>Enregistrer<ept
          i="1">&lt;/b&gt;</ept> &amp; quittez.</seg></tuv>
        <tuv xml:lang="en-US"><seg>Click <bpt i="1">&lt;b&gt;</bpt>Save<ept
          i="1">&lt;/b&gt;</ept> &amp; quit.</seg></tuv></tu>
    <tu><tuv lang="EN"><seg>Only English.</seg></tuv></tu>
    <tu><tuv xml:lang="fr"><seg>Caf&#233; <ph x="1"/>noir.</seg></tuv>
        <tuv xml:lang="en-GB"><seg>Black coffee.</seg></tuv></tu>
  </body>
</tmx>"#;
        let pairs = read_tmx(Path::new("m.tmx"), tmx, &Lang::Fr, &Lang::En).unwrap();
        assert_eq!(
            pairs,
            [
                (
                    "Cliquez sur Enregistrer & quittez.".to_string(),
                    "Click Save & quit.".to_string()
                ),
                ("Café noir.".to_string(), "Black coffee.".to_string()),
            ]
        );
        let err = read_tmx(
            Path::new("m.tmx"),
            "<tmx><body><tu></body></tmx>",
            &Lang::Fr,
            &Lang::En,
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("m.tmx:1: not well-formed XML"),
            "{err}"
        );
    }

    #[test]
    fn tsv_headers_swap_and_errors() {
        let pairs = read_tsv(
            Path::new("m.tsv"),
            "en\tfr\n# comment\nHello.\tBonjour.\n\n",
            &Lang::Fr,
            &Lang::En,
        )
        .unwrap();
        assert_eq!(pairs, [("Bonjour.".to_string(), "Hello.".to_string())]);
        let err = read_tsv(
            Path::new("m.tsv"),
            "a\tb\nno tab here\n",
            &Lang::Fr,
            &Lang::En,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "m.tsv:2: expected a fr and an en column separated by a tab"
        );
    }
}
