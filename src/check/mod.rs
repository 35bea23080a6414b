//! Checking a translation: glossary terms, names, forbidden renderings, numbers, untranslated
//! segments, consistency, length, placeholders, markup and URLs, pair by pair over a
//! [`Bitext`].
//!
//! [`check`] runs every [`Rule`] that [`Options`] leaves on and returns [`Finding`]s in
//! document order, each with a byte span into the pair's source and target text where there
//! is something to point at, and a [`fingerprint`](Finding::fingerprint) that stays the same
//! when unrelated segments are added or removed (for baselines and SARIF); [`check_pairs`]
//! does the same for pairs still being read, checking each as it comes. Each rule family
//! has its own file: [`terms`] (missing-term, forbidden-term, name-mismatch), [`numbers`]
//! (number-mismatch), [`untranslated`], [`consistency`] (inconsistent-translation),
//! [`length`] (length-ratio), [`placeholders`] (placeholder-mismatch), [`markup`]
//! (markup-mismatch) and [`urls`] (url-mismatch), the last three on the tokens
//! [`crate::protect`] finds, compared by [`protected`]. [`baseline`] reads and writes the
//! accepted findings. This module decides nothing about output formats or exit codes, and
//! prints nothing.

pub mod baseline;
mod protected;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::glossary::Glossary;
use crate::text::{Bitext, Lang, Pair, Span};

pub use baseline::{Baseline, BaselineError};

/// What a rule is, for people and for SARIF: its id, default severity and texts. Each rule
/// family's file defines one per rule; [`rules!`] lists them.
#[derive(Debug)]
pub struct RuleInfo {
    /// The stable id used on the command line, in reports and in baselines.
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line on what the rule finds.
    pub summary: &'static str,
    /// What the rule checks and how to fix what it finds.
    pub description: &'static str,
    /// For a rule that looks at one pair at a time and needs neither the glossary nor the
    /// rest of the document: the check, run on every pair whose source and target are both
    /// non-blank, while the rule is on.
    pub pair_check: Option<PairCheck>,
    /// Whether the rule means anything without a glossary; [`Options::without_glossary`]
    /// turns the ones that do not off. inconsistent-translation counts as needing one: it
    /// is mostly about glossary terms rendered in several ways.
    pub needs_glossary: bool,
}

/// A rule that judges one pair alone: `(segment, pair, findings)`.
pub type PairCheck = fn(usize, &Pair, &mut Vec<Finding>);

/// The one list of rules, a line per rule family's file (which the line declares): adding a
/// rule is its file (with its [`RuleInfo`]) plus one line here. The order is the order of
/// `--help`, SARIF and of findings on the same segment.
macro_rules! rules {
    ($(mod $module:ident { $($variant:ident => $info:ident),* $(,)? })*) => {
        $(mod $module;)*

        /// A check, by its stable id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum Rule {
            $($($variant,)*)*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$($(Rule::$variant,)*)*];

            /// What the rule is.
            pub fn info(&self) -> &'static RuleInfo {
                match self {
                    $($(Rule::$variant => &$module::$info,)*)*
                }
            }
        }
    };
}

rules! {
    mod terms { MissingTerm => MISSING_TERM, ForbiddenTerm => FORBIDDEN_TERM, NameMismatch => NAME_MISMATCH }
    mod numbers { NumberMismatch => NUMBER_MISMATCH }
    mod untranslated { Untranslated => UNTRANSLATED }
    mod consistency { InconsistentTranslation => INCONSISTENT_TRANSLATION }
    mod length { LengthRatio => LENGTH_RATIO }
    mod placeholders { PlaceholderMismatch => PLACEHOLDER_MISMATCH }
    mod markup { MarkupMismatch => MARKUP_MISMATCH }
    mod urls { UrlMismatch => URL_MISMATCH }
}

impl Rule {
    /// The stable id used on the command line, in reports and in baselines.
    pub fn id(&self) -> &'static str {
        self.info().id
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    pub fn default_severity(&self) -> Severity {
        self.info().default_severity
    }

    /// One line on what the rule finds.
    pub fn summary(&self) -> &'static str {
        self.info().summary
    }

    /// What the rule checks and how to fix what it finds.
    pub fn description(&self) -> &'static str {
        self.info().description
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for Rule {
    type Err = String;

    fn from_str(s: &str) -> Result<Rule, String> {
        Rule::from_id(s).ok_or_else(|| {
            let ids: Vec<&str> = Rule::ALL.iter().map(Rule::id).collect();
            format!("unknown rule '{s}' (expected one of: {})", ids.join(", "))
        })
    }
}

/// A rule's severity as `--severity RULE=LEVEL` gives it (`length-ratio=off`).
pub fn parse_severity(s: &str) -> Result<(Rule, Level), String> {
    let (rule, level) = s
        .split_once('=')
        .ok_or_else(|| format!("expected RULE=LEVEL, e.g. length-ratio=off, not '{s}'"))?;
    Ok((rule.trim().parse()?, level.trim().parse()?))
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// When a check fails (exit status 1): at findings of this severity or above, or never. The
/// one list behind `check --fail-on`, `run --fail-on` and `[check] fail_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub const ALL: [FailOn; 4] = [FailOn::Error, FailOn::Warning, FailOn::Info, FailOn::Never];

    pub fn name(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Info => "info",
            FailOn::Never => "never",
        }
    }

    pub fn from_name(name: &str) -> Option<FailOn> {
        FailOn::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The lowest severity that fails; `None` for never.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's configured level: a severity, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl std::str::FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Level, String> {
        match s {
            "error" => Ok(Level::Error),
            "warning" => Ok(Level::Warning),
            "info" => Ok(Level::Info),
            "off" => Ok(Level::Off),
            _ => Err(format!(
                "unknown level '{s}' (expected error, warning, info or off)"
            )),
        }
    }
}

/// Bounds of the length-ratio rule, relative to the usual ratio for the language pair
/// (target characters / source characters: about 0.88 from French to English).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LengthRatio {
    /// A target shorter than `min` × the usual length is reported.
    pub min: f64,
    /// A target longer than `max` × the usual length is reported.
    pub max: f64,
    /// Sources shorter than this many characters are not judged: short segments vary too much.
    pub min_chars: usize,
}

impl Default for LengthRatio {
    fn default() -> LengthRatio {
        LengthRatio {
            min: 0.5,
            max: 2.0,
            min_chars: 20,
        }
    }
}

/// What to check and how seriously. Plain data, so that a configuration file can hold it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Per-rule levels overriding the rules' default severities.
    pub severity: BTreeMap<Rule, Level>,
    pub length_ratio: LengthRatio,
}

impl Options {
    /// The severity findings of `rule` get, or `None` when the rule is off.
    pub fn severity_of(&self, rule: Rule) -> Option<Severity> {
        match self.severity.get(&rule) {
            None => Some(rule.default_severity()),
            Some(Level::Error) => Some(Severity::Error),
            Some(Level::Warning) => Some(Severity::Warning),
            Some(Level::Info) => Some(Severity::Info),
            Some(Level::Off) => None,
        }
    }

    /// These options for a check without a glossary: the rules that need one
    /// ([`RuleInfo::needs_glossary`]) are off, whatever they were set to; the others keep
    /// their levels.
    pub fn without_glossary(mut self) -> Options {
        for rule in Rule::ALL.iter().filter(|r| r.info().needs_glossary) {
            self.severity.insert(*rule, Level::Off);
        }
        self
    }

    fn on(&self, rule: Rule) -> bool {
        self.severity_of(rule).is_some()
    }
}

/// Something wrong with one segment pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// 0-based index of the pair in the bitext.
    pub segment: usize,
    /// What the finding is about: the glossary source term, the forbidden rendering, the
    /// name, the number as written in the source, or the start of the source segment.
    pub term: String,
    /// One sentence for people.
    pub message: String,
    /// Where in the pair's source text, when there is a place to point at.
    pub source_span: Option<Span>,
    /// Where in the pair's target text, when there is a place to point at.
    pub target_span: Option<Span>,
    /// The accepted renderings, when the glossary gives some.
    pub expected: Vec<String>,
    /// Identifies the finding across runs: the rule, the term and the source segment's text
    /// (not its position), with a counter for repeats. Stable when other segments change.
    pub fingerprint: String,
}

impl Finding {
    fn new(rule: Rule, segment: usize, term: impl Into<String>, message: String) -> Finding {
        Finding {
            rule,
            severity: rule.default_severity(),
            segment,
            term: term.into(),
            message,
            source_span: None,
            target_span: None,
            expected: Vec::new(),
            fingerprint: String::new(),
        }
    }

    fn source(mut self, span: Span) -> Finding {
        self.source_span = Some(span);
        self
    }

    fn target(mut self, span: Option<Span>) -> Finding {
        self.target_span = span;
        self
    }

    fn expected(mut self, expected: Vec<String>) -> Finding {
        self.expected = expected;
        self
    }
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

/// `2 errors, 1 warning, 0 notes`
impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, {}, {}",
            crate::text::plural(self.errors, "error", "errors"),
            crate::text::plural(self.warnings, "warning", "warnings"),
            crate::text::plural(self.infos, "note", "notes")
        )
    }
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }

    /// The most serious severity present.
    pub fn worst(&self) -> Option<Severity> {
        if self.errors > 0 {
            Some(Severity::Error)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else if self.infos > 0 {
            Some(Severity::Info)
        } else {
            None
        }
    }
}

/// Checks every pair of `bitext` against `glossary` and the glossary-free rules; returns the
/// findings in document order (by segment, then rule, then position).
pub fn check(bitext: &Bitext, glossary: &Glossary, options: &Options) -> Vec<Finding> {
    Checker::new(glossary, &bitext.src_lang, &bitext.tgt_lang).check(bitext, options)
}

/// A glossary compiled once for one language direction, to check many documents with it
/// (`passerelle batch` checks each document of a corpus on its own): compiling a glossary of
/// ten thousand entries costs more than checking a short document. [`check`] is
/// `Checker::new(..).check(..)`. A checker can be shared between threads.
pub struct Checker<'g> {
    compiled: terms::Compiled<'g>,
}

impl<'g> Checker<'g> {
    pub fn new(glossary: &'g Glossary, src_lang: &Lang, tgt_lang: &Lang) -> Checker<'g> {
        Checker {
            compiled: terms::Compiled::new(glossary, src_lang, tgt_lang),
        }
    }

    /// What [`check`] gives for `bitext`, whose languages must be the checker's. A large
    /// bitext is checked on every core of the current rayon pool (see [`Run::block`]).
    pub fn check(&self, bitext: &Bitext, options: &Options) -> Vec<Finding> {
        let mut run = Run::new(&self.compiled, options, &bitext.src_lang, &bitext.tgt_lang);
        run.block(0, &bitext.pairs);
        run.finish(bitext)
    }
}

/// Like [`check`], for pairs that are still being read: each pair is checked soon after it
/// is read, while its text is likely still in the CPU's cache, then kept. Returns the bitext
/// the pairs make and the same findings [`check`] gives for it, or the first error `pairs`
/// yields. On a large document this saves fetching every pair from memory a second time.
///
/// Pairs are read in blocks ([`BLOCK_PAIRS`] pairs or [`BLOCK_BYTES`] bytes): while the
/// rayon pool checks one block, this thread reads the next, so reading the files overlaps
/// checking. A document of fewer than [`PARALLEL_FROM`] pairs is checked on this thread
/// alone; the findings are the same either way (see [`Part`]).
pub fn check_pairs<E>(
    src_lang: &Lang,
    tgt_lang: &Lang,
    pairs: impl IntoIterator<Item = Result<Pair, E>>,
    glossary: &Glossary,
    options: &Options,
) -> Result<(Bitext, Vec<Finding>), E> {
    let compiled = terms::Compiled::new(glossary, src_lang, tgt_lang);
    let mut run = Run::new(&compiled, options, src_lang, tgt_lang);
    let mut bitext = Bitext {
        src_lang: src_lang.clone(),
        tgt_lang: tgt_lang.clone(),
        pairs: Vec::new(),
    };
    let mut pairs = pairs.into_iter();
    let mut block = read_block(&mut pairs)?;
    while !block.is_empty() {
        let start = bitext.pairs.len();
        let next = if block.len() < PARALLEL_FROM || rayon::current_num_threads() < 2 {
            // A short document (or the short tail of one): no threads for it.
            run.block(start, &block);
            read_block(&mut pairs)
        } else {
            let (rules, spares) = (&run.rules, &run.spares);
            let current = &block;
            let mut parts = Vec::new();
            let next = rayon::in_place_scope(|scope| {
                scope.spawn(|_| parts = rules.parallel(start, current, spares));
                read_block(&mut pairs)
            });
            run.absorb(parts);
            next
        };
        bitext.pairs.append(&mut block);
        block = next?;
    }
    let findings = run.finish(&bitext);
    Ok((bitext, findings))
}

/// Pairs read at a time by [`check_pairs`], at most: enough for every core to have many
/// [`CHUNK_PAIRS`] chunks to take, few enough that a block's text is a few megabytes.
const BLOCK_PAIRS: usize = 16 * 1024;
/// Source and target bytes after which [`check_pairs`] stops adding pairs to a block, so
/// that documents of long segments also overlap reading and checking.
const BLOCK_BYTES: usize = 4 << 20;
/// Pairs a rayon task checks together, with one set of scratch buffers: a few milliseconds
/// of work, which dwarfs the cost of the task.
const CHUNK_PAIRS: usize = 512;
/// Fewer pairs than this are checked on the calling thread: waking workers costs more than
/// it saves on a short document, and documents in `passerelle batch` are mostly short (its
/// workers are already busy with other documents).
const PARALLEL_FROM: usize = 2 * CHUNK_PAIRS;

/// The next block of pairs from `pairs`: empty at the end.
fn read_block<E>(pairs: &mut impl Iterator<Item = Result<Pair, E>>) -> Result<Vec<Pair>, E> {
    let mut block = Vec::new();
    let mut bytes = 0;
    while block.len() < BLOCK_PAIRS && bytes < BLOCK_BYTES {
        let Some(pair) = pairs.next() else { break };
        let pair = pair?;
        bytes += pair.src.len() + pair.tgt.len();
        block.push(pair);
    }
    Ok(block)
}

/// What a check needs to judge any pair, the same for every pair and every thread: the
/// glossary and the options, and which rules are on, looked up once (a check judges
/// millions of pairs).
struct Rules<'c> {
    compiled: &'c terms::Compiled<'c>,
    options: &'c Options,
    src_lang: &'c Lang,
    tgt_lang: &'c Lang,
    /// The rules on that judge each pair alone ([`RuleInfo::pair_check`]).
    pair_checks: Vec<PairCheck>,
    want_terms: bool,
    untranslated_on: bool,
    numbers_on: bool,
    length_on: bool,
    consistency_on: bool,
}

/// Buffers reused from pair to pair by one thread; they hold nothing a finding depends on.
struct Scratch<'c> {
    term_checker: terms::PairChecker<'c>,
    number_checker: numbers::Checker,
}

/// Scratch buffers not in use, for the tasks of a parallel check to borrow.
type Spares<'c> = std::sync::Mutex<Vec<Scratch<'c>>>;

/// Scratch buffers borrowed from [`Spares`] by one task, given back when it ends.
struct Borrowed<'s, 'c> {
    spares: &'s Spares<'c>,
    rules: &'s Rules<'c>,
    scratch: Option<Scratch<'c>>,
}

impl<'s, 'c> Borrowed<'s, 'c> {
    fn take(spares: &'s Spares<'c>, rules: &'s Rules<'c>) -> Borrowed<'s, 'c> {
        // A poisoned lock only means another task panicked; its buffers are still buffers.
        let spare = match spares.lock() {
            Ok(mut list) => list.pop(),
            Err(poisoned) => poisoned.into_inner().pop(),
        };
        Borrowed {
            spares,
            rules,
            scratch: spare,
        }
    }

    fn get(&mut self) -> &mut Scratch<'c> {
        let rules = self.rules;
        self.scratch.get_or_insert_with(|| rules.scratch())
    }
}

impl Drop for Borrowed<'_, '_> {
    fn drop(&mut self) {
        if let Some(scratch) = self.scratch.take() {
            match self.spares.lock() {
                Ok(mut list) => list.push(scratch),
                Err(poisoned) => poisoned.into_inner().push(scratch),
            }
        }
    }
}

/// What checking a run of consecutive pairs gives: their findings, in the order the rules
/// found them, and what the document-wide consistency rule learnt from them. The parts of
/// consecutive runs, appended in document order ([`Part::append`]), are exactly the part of
/// the whole run, which is what makes a parallel check give the sequential one's findings.
#[derive(Default)]
struct Part {
    findings: Vec<Finding>,
    consistency: consistency::Tracker,
}

impl Part {
    /// Appends `later`, the part of the pairs that follow this part's.
    fn append(&mut self, later: Part) {
        if self.findings.is_empty() {
            self.findings = later.findings;
        } else {
            self.findings.extend(later.findings);
        }
        self.consistency.append(later.consistency);
    }
}

/// The state of a check going through a document: the rules, this thread's buffers, and
/// the part of the pairs checked so far.
struct Run<'c> {
    rules: Rules<'c>,
    scratch: Scratch<'c>,
    /// The buffers of parallel checks' tasks, kept from block to block.
    spares: Spares<'c>,
    part: Part,
}

impl<'c> Run<'c> {
    fn new(
        compiled: &'c terms::Compiled<'c>,
        options: &'c Options,
        src_lang: &'c Lang,
        tgt_lang: &'c Lang,
    ) -> Run<'c> {
        let glossary_rules = [Rule::MissingTerm, Rule::ForbiddenTerm, Rule::NameMismatch];
        let untranslated_on = options.on(Rule::Untranslated);
        let consistency_on = options.on(Rule::InconsistentTranslation);
        let rules = Rules {
            compiled,
            options,
            src_lang,
            tgt_lang,
            pair_checks: Rule::ALL
                .iter()
                .filter(|r| options.on(**r))
                .filter_map(|r| r.info().pair_check)
                .collect(),
            want_terms: glossary_rules.iter().any(|r| options.on(*r))
                || consistency_on
                || untranslated_on,
            untranslated_on,
            numbers_on: options.on(Rule::NumberMismatch),
            length_on: options.on(Rule::LengthRatio),
            consistency_on,
        };
        Run {
            scratch: rules.scratch(),
            rules,
            spares: Spares::default(),
            part: Part::default(),
        }
    }

    /// Checks `pairs`, the pairs from index `start` on, which follow those checked so far:
    /// on this thread when they are few, else on the rayon pool's threads, in chunks whose
    /// parts are appended in order.
    fn block(&mut self, start: usize, pairs: &[Pair]) {
        if pairs.len() < PARALLEL_FROM || rayon::current_num_threads() < 2 {
            for (i, pair) in pairs.iter().enumerate() {
                self.rules
                    .pair(&mut self.scratch, &mut self.part, start + i, pair);
            }
        } else {
            let parts = self.rules.parallel(start, pairs, &self.spares);
            self.absorb(parts);
        }
    }

    /// Appends the parts of pairs that follow those checked so far, in document order.
    fn absorb(&mut self, parts: Vec<Part>) {
        for part in parts {
            self.part.append(part);
        }
    }

    /// The findings of the whole document, `bitext` being the pairs checked.
    fn finish(self, bitext: &Bitext) -> Vec<Finding> {
        let Run { rules, part, .. } = self;
        let Part {
            mut findings,
            consistency,
        } = part;
        if rules.consistency_on {
            consistency.finish(rules.compiled, bitext, &mut findings);
        }
        let options = rules.options;
        findings.retain_mut(|f| match options.severity_of(f.rule) {
            Some(s) => {
                f.severity = s;
                true
            }
            None => false,
        });
        // Findings with a place in the source first: what is missing from the translation
        // reads before what it adds.
        let key = |f: &Finding| {
            let src = f.source_span.is_none();
            (f.segment, f.rule, src, f.source_span, f.target_span)
        };
        findings.sort_by_key(key);
        fingerprint_all(bitext, &mut findings);
        findings
    }
}

impl<'c> Rules<'c> {
    fn scratch(&self) -> Scratch<'c> {
        Scratch {
            term_checker: terms::PairChecker::new(self.compiled),
            number_checker: numbers::Checker::default(),
        }
    }

    /// The parts of `pairs` (from index `start` on), checked in chunks on the rayon pool's
    /// threads and returned in document order. Each task borrows scratch buffers from
    /// `spares` and gives them back, so that their caches stay warm from block to block: the
    /// glossary matcher's word cache, cold, costs a fold and a stem lookup for every word,
    /// which with a large glossary made a parallel check slower than one thread.
    fn parallel(&self, start: usize, pairs: &[Pair], spares: &Spares<'c>) -> Vec<Part> {
        use rayon::prelude::*;
        pairs
            .par_chunks(CHUNK_PAIRS)
            .enumerate()
            .map_init(
                || Borrowed::take(spares, self),
                |scratch, (k, chunk)| {
                    let mut part = Part::default();
                    let first = start + k * CHUNK_PAIRS;
                    for (i, pair) in chunk.iter().enumerate() {
                        self.pair(scratch.get(), &mut part, first + i, pair);
                    }
                    part
                },
            )
            .collect()
    }

    /// Checks the pair at `index`, adding what it finds to `part`.
    fn pair(&self, scratch: &mut Scratch<'c>, part: &mut Part, index: usize, pair: &Pair) {
        if is_blank(&pair.src) {
            // Nothing to translate: an insertion, or blank lines paired with blank lines.
            return;
        }
        let tgt_blank = is_blank(&pair.tgt);
        let findings = &mut part.findings;
        let matches = if self.want_terms {
            Some(scratch.term_checker.scan(pair))
        } else {
            None
        };
        if let Some(m) = matches.as_ref().filter(|_| !tgt_blank) {
            // An empty target is one untranslated finding, not one per term.
            scratch
                .term_checker
                .findings(index, pair, m, self.options, findings);
        }
        // Both texts' words hashed once, for untranslated copies and consistency.
        let src_words = (self.untranslated_on || self.consistency_on)
            .then(|| consistency::words_hash(&pair.src));
        let tgt_words = src_words
            .filter(|_| !tgt_blank)
            .map(|_| consistency::words_hash(&pair.tgt).0);
        if self.untranslated_on {
            let names = matches
                .as_ref()
                .map_or(&[][..], |m| m.name_spans.as_slice());
            // Texts with the same words hash alike; equal hashes are confirmed word by word.
            let copied = !tgt_blank
                && src_words.map(|w| w.0) == tgt_words
                && untranslated::same_words(&pair.src, &pair.tgt);
            let blank_or_copied = (tgt_blank, copied);
            let langs = (self.src_lang, self.tgt_lang);
            untranslated::check(index, pair, blank_or_copied, names, langs, findings);
        }
        if !tgt_blank {
            for check in &self.pair_checks {
                check(index, pair, findings);
            }
            if self.numbers_on {
                scratch
                    .number_checker
                    .check(index, pair, self.src_lang, self.tgt_lang, findings);
            }
            if self.length_on {
                let bounds = &self.options.length_ratio;
                length::check(index, pair, self.src_lang, self.tgt_lang, bounds, findings);
            }
            if self.consistency_on {
                if let Some(m) = &matches {
                    part.consistency.observe_terms(index, m);
                }
                if let (Some(src), Some(tgt)) = (src_words, tgt_words) {
                    part.consistency.observe_segment(index, src, tgt);
                }
            }
        }
        if let Some(m) = matches {
            scratch.term_checker.recycle(m);
        }
    }
}

/// Whether `text` is empty or only whitespace; most texts start with a letter, which
/// settles it at once.
fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_alphanumeric() => false,
        Some(_) => text.trim().is_empty(),
    }
}

/// Gives each finding its fingerprint: rule, term and the source segment's words, so that a
/// finding keeps its identity when other segments move; repeats get a counter.
fn fingerprint_all(bitext: &Bitext, findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for f in findings.iter_mut() {
        let src = bitext.pairs.get(f.segment).map_or("", |p| p.src.as_str());
        let mut h = Sha256::new();
        h.update(b"passerelle/v1\0");
        h.update(f.rule.id().as_bytes());
        h.update(b"\0");
        h.update(f.term.as_bytes());
        h.update(b"\0");
        for word in src.split_whitespace() {
            h.update(word.as_bytes());
            h.update(b" ");
        }
        let digest = h.finalize();
        let base: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        let n = seen.entry(base.clone()).or_insert(0);
        f.fingerprint = if *n == 0 { base } else { format!("{base}:{n}") };
        *n += 1;
    }
}

pub(crate) use crate::text::clip;

/// `"a"`, or `"a", "b" or "c"`, for messages.
pub(crate) fn quoted_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        n => format!("{} or {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

#[cfg(test)]
mod tests;
