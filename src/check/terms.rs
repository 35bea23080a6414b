//! The glossary rules: missing-term, forbidden-term and name-mismatch.
//!
//! The glossary is compiled once per language direction into two matchers, one over source
//! forms (terms, names, the source conditions of forbidden entries) and one over target forms
//! (accepted renderings, names as they must appear, forbidden renderings). In the source,
//! terms and names compete leftmost-longest: "ministère israélien de la défense" is one term,
//! not also "israélien"; a name inside a longer name ("Azure" in "No Azure for Apartheid") is
//! not required separately. In the target every occurrence counts, overlapping ones included,
//! since one target phrase may satisfy several source terms. A forbidden rendering inside a
//! longer accepted one ("cloud" inside "cloud computing") is not reported.

use std::collections::{HashMap, HashSet};

use super::{clip, quoted_list, Finding, Options, Rule};
use super::{RuleInfo, Severity};
use crate::glossary::matcher::{Hit, Matcher, MatcherBuilder, Scanner, Verify};
use crate::glossary::{Entry, Glossary, Kind};
use crate::text::{Lang, Pair, Span};

pub(super) const MISSING_TERM: RuleInfo = RuleInfo {
    id: "missing-term",
    default_severity: Severity::Error,
    summary: "Glossary term not rendered as the glossary requires",
    description: "The source contains a glossary term (or an inflected form of it) and the \
        translation contains none of the term's accepted renderings (or their \
        inflected forms). Use one of the renderings the glossary gives, or add an \
        accepted rendering to the glossary.",
    pair_check: None,
    needs_glossary: true,
};

pub(super) const FORBIDDEN_TERM: RuleInfo = RuleInfo {
    id: "forbidden-term",
    default_severity: Severity::Error,
    summary: "Forbidden rendering used in the translation",
    description: "The translation uses a rendering the glossary forbids (everywhere, or where \
        the source contains a given term). Replace it with the accepted rendering.",
    pair_check: None,
    needs_glossary: true,
};

pub(super) const NAME_MISMATCH: RuleInfo = RuleInfo {
    id: "name-mismatch",
    default_severity: Severity::Error,
    summary: "Proper name not written verbatim in the translation",
    description: "A proper name from the glossary appears in the source, but not verbatim in \
        the translation: case, accents and ligatures must be exact (a possessive 's \
        or a French elision next to it is fine).",
    pair_check: None,
    needs_glossary: true,
};

/// What a form stands for; forms are tagged with their index in `Compiled::roles`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A source form of a term entry.
    Term(usize),
    /// A source form of a name entry.
    Name(usize),
    /// A source form of a forbidden entry: the rendering is forbidden only where it occurs.
    Condition(usize),
    /// The k-th accepted target rendering of a term entry.
    Rendering(usize, usize),
    /// A name as it must appear in the target.
    NameTarget(usize),
    /// A forbidden target rendering.
    Forbidden(usize),
}

/// A [`Role`] in twelve bytes rather than twenty-four: the role of every hit is looked up,
/// and with a large glossary the table no longer fits the CPU's cache otherwise. Entry and
/// rendering indices fit in 32 bits (a glossary of four billion entries would not fit in
/// memory).
#[derive(Debug, Clone, Copy)]
struct PackedRole {
    kind: u8,
    entry: u32,
    rendering: u32,
}

impl PackedRole {
    fn of(role: Role) -> PackedRole {
        let (kind, entry, rendering) = match role {
            Role::Term(e) => (0, e, 0),
            Role::Name(e) => (1, e, 0),
            Role::Condition(e) => (2, e, 0),
            Role::Rendering(e, k) => (3, e, k),
            Role::NameTarget(e) => (4, e, 0),
            Role::Forbidden(e) => (5, e, 0),
        };
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        PackedRole {
            kind,
            entry: narrow(entry),
            rendering: narrow(rendering),
        }
    }

    #[inline]
    fn role(self) -> Role {
        let (e, k) = (self.entry as usize, self.rendering as usize);
        match self.kind {
            0 => Role::Term(e),
            1 => Role::Name(e),
            2 => Role::Condition(e),
            3 => Role::Rendering(e, k),
            4 => Role::NameTarget(e),
            _ => Role::Forbidden(e),
        }
    }
}

/// A glossary compiled for one direction.
pub(super) struct Compiled<'g> {
    glossary: &'g Glossary,
    src_lang: Lang,
    tgt_lang: Lang,
    src: Matcher,
    tgt: Matcher,
    roles: Vec<PackedRole>,
    /// For forbidden entries with a source condition: the renderings to use instead.
    suggestions: HashMap<usize, Vec<String>>,
    /// Some forbidden renderings apply whatever the source says, so every target is scanned.
    unconditional_forbidden: bool,
    /// Per entry: whether it has several accepted renderings, whose use is tracked for
    /// consistency. Looked up for every term found, without touching the entry itself.
    several_renderings: Vec<bool>,
}

impl<'g> Compiled<'g> {
    pub fn new(glossary: &'g Glossary, src_lang: &Lang, tgt_lang: &Lang) -> Compiled<'g> {
        let mut src = MatcherBuilder::new(src_lang);
        let mut tgt = MatcherBuilder::new(tgt_lang);
        let mut roles = Vec::new();
        let mut add = |builder: &mut MatcherBuilder, form: &str, role: Role, verify: Verify| {
            // The loader refused forms without words, so this cannot fail for a loaded
            // glossary; a glossary built in code simply loses such a form.
            if builder.add(form, roles.len(), verify).is_ok() {
                roles.push(PackedRole::of(role));
            }
        };
        let case = |entry: &Entry, form: &str| {
            if entry.case_sensitive(form) {
                Verify::CaseSensitive
            } else {
                Verify::Folded
            }
        };
        for (e, entry) in glossary.entries().iter().enumerate() {
            if u32::try_from(e).is_err() {
                // Beyond what a role can name (and what memory can hold).
                break;
            }
            let sources = entry.forms(src_lang);
            let targets = entry.forms(tgt_lang);
            match entry.kind {
                Kind::Term => {
                    if sources.is_empty() || targets.is_empty() {
                        continue;
                    }
                    for form in sources {
                        add(&mut src, form, Role::Term(e), case(entry, form));
                    }
                    for (k, form) in targets.iter().enumerate() {
                        add(&mut tgt, form, Role::Rendering(e, k), case(entry, form));
                    }
                }
                Kind::Name => {
                    if sources.is_empty() {
                        continue;
                    }
                    for form in sources {
                        add(&mut src, form, Role::Name(e), case(entry, form));
                    }
                    let targets = if targets.is_empty() { sources } else { targets };
                    for form in targets {
                        add(&mut tgt, form, Role::NameTarget(e), Verify::Exact);
                    }
                }
                Kind::Forbidden => {
                    if targets.is_empty()
                        || entry.forbidden_in.as_ref().is_some_and(|l| l != tgt_lang)
                    {
                        continue;
                    }
                    for form in sources {
                        add(&mut src, form, Role::Condition(e), case(entry, form));
                    }
                    for form in targets {
                        add(&mut tgt, form, Role::Forbidden(e), case(entry, form));
                    }
                }
            }
        }
        let unconditional_forbidden = roles.iter().any(|r| match r.role() {
            Role::Forbidden(e) => glossary.entries()[e].forms(src_lang).is_empty(),
            _ => false,
        });
        // What to suggest instead of a forbidden rendering: the renderings of the terms whose
        // source is the forbidden entry's. Only those terms are looked at: with a large
        // glossary, collecting every term's renderings would be most of the compiling.
        let forbidden_sources: HashSet<String> = glossary
            .entries()
            .iter()
            .filter(|entry| entry.kind == Kind::Forbidden)
            .flat_map(|entry| entry.forms(src_lang))
            .map(|form| form.to_lowercase())
            .collect();
        let mut term_renderings: HashMap<String, Vec<String>> = HashMap::new();
        if !forbidden_sources.is_empty() {
            for entry in glossary.entries() {
                let (sources, targets) = (entry.forms(src_lang), entry.forms(tgt_lang));
                if entry.kind != Kind::Term || targets.is_empty() {
                    continue;
                }
                for form in sources {
                    let key = form.to_lowercase();
                    if forbidden_sources.contains(&key) {
                        term_renderings
                            .entry(key)
                            .or_default()
                            .extend(targets.iter().cloned());
                    }
                }
            }
        }
        let mut suggestions = HashMap::new();
        for (e, entry) in glossary.entries().iter().enumerate() {
            if entry.kind != Kind::Forbidden {
                continue;
            }
            let mut use_instead: Vec<String> = Vec::new();
            for form in entry.forms(src_lang) {
                for r in term_renderings
                    .get(&form.to_lowercase())
                    .into_iter()
                    .flatten()
                {
                    if !use_instead.contains(r) {
                        use_instead.push(r.clone());
                    }
                }
            }
            if !use_instead.is_empty() {
                suggestions.insert(e, use_instead);
            }
        }
        let several_renderings = glossary
            .entries()
            .iter()
            .map(|entry| entry.forms(tgt_lang).len() > 1)
            .collect();
        Compiled {
            glossary,
            several_renderings,
            src_lang: src_lang.clone(),
            tgt_lang: tgt_lang.clone(),
            src: src.build(),
            tgt: tgt.build(),
            roles,
            suggestions,
            unconditional_forbidden,
        }
    }

    pub fn entry(&self, e: usize) -> &Entry {
        &self.glossary.entries()[e]
    }

    /// The entry's preferred source form.
    pub fn source_term(&self, e: usize) -> &str {
        self.entry(e).preferred(&self.src_lang).unwrap_or("")
    }

    pub fn renderings(&self, e: usize) -> &[String] {
        self.entry(e).forms(&self.tgt_lang)
    }

    fn role(&self, hit: &Hit) -> Role {
        self.roles[hit.tag].role()
    }
}

/// What the glossary matchers found in one pair.
#[derive(Default)]
pub(super) struct PairMatches {
    /// Terms and names of the source, leftmost-longest, verified.
    selected: Vec<Hit>,
    /// Source conditions of forbidden entries, verified.
    conditions: Vec<Hit>,
    /// Every target hit, verified or not.
    target: Vec<Hit>,
    /// Source spans of names, so that a segment made only of names is not "untranslated".
    pub name_spans: Vec<Span>,
    /// For terms with several accepted renderings, the one this pair uses: (entry, rendering
    /// index, source span, target span).
    pub renderings: Vec<(usize, usize, Span, Span)>,
}

/// Scans pairs with reused buffers.
pub(super) struct PairChecker<'c> {
    compiled: &'c Compiled<'c>,
    src: Scanner<'c>,
    tgt: Scanner<'c>,
    hits: Vec<Hit>,
    candidates: Vec<Hit>,
    /// The buffers of the last pair's matches, handed back by [`PairChecker::recycle`]: on
    /// large documents, allocating them afresh for every pair shows in profiles.
    spare: Option<PairMatches>,
}

impl<'c> PairChecker<'c> {
    pub fn new(compiled: &'c Compiled<'c>) -> PairChecker<'c> {
        PairChecker {
            compiled,
            src: compiled.src.scanner(),
            tgt: compiled.tgt.scanner(),
            hits: Vec::new(),
            candidates: Vec::new(),
            spare: None,
        }
    }

    /// Gives back a pair's matches so that the next pair reuses their buffers.
    pub fn recycle(&mut self, matches: PairMatches) {
        self.spare = Some(matches);
    }

    pub fn scan(&mut self, pair: &Pair) -> PairMatches {
        let c = self.compiled;
        let mut m = self.spare.take().unwrap_or_default();
        m.selected.clear();
        m.conditions.clear();
        m.target.clear();
        m.name_spans.clear();
        m.renderings.clear();
        self.hits.clear();
        self.candidates.clear();
        self.src.scan(&pair.src, &mut self.hits);
        for h in self.hits.iter().filter(|h| h.verified) {
            match c.role(h) {
                Role::Term(_) | Role::Name(_) => self.candidates.push(*h),
                Role::Condition(_) => m.conditions.push(*h),
                _ => {}
            }
        }
        leftmost_longest(&mut self.candidates, &mut m.selected);
        if !m.selected.is_empty() || !m.conditions.is_empty() || c.unconditional_forbidden {
            self.tgt.scan(&pair.tgt, &mut m.target);
        }
        let PairMatches {
            selected,
            target,
            name_spans,
            renderings,
            ..
        } = &mut m;
        name_spans.extend(
            selected
                .iter()
                .filter(|h| matches!(c.role(h), Role::Name(_)))
                .map(|h| h.span),
        );
        for h in selected.iter() {
            let Role::Term(e) = c.role(h) else { continue };
            if !c.several_renderings[e]
                || renderings
                    .iter()
                    .any(|r: &(usize, usize, Span, Span)| r.0 == e)
            {
                continue;
            }
            let mut used: Option<(usize, Span)> = None;
            let mut several = false;
            let of_entry =
                |t: &&Hit| t.verified && matches!(c.role(t), Role::Rendering(te, _) if te == e);
            for t in target.iter().filter(of_entry) {
                // "cloud" inside "the cloud" is the longer rendering being used, not a second one.
                let nested = target.iter().filter(of_entry).any(|o| {
                    o.first_token <= t.first_token
                        && o.end_token >= t.end_token
                        && o.end_token - o.first_token > t.end_token - t.first_token
                });
                if nested {
                    continue;
                }
                if let Role::Rendering(te, k) = c.role(t) {
                    if te == e {
                        match used {
                            None => used = Some((k, t.span)),
                            Some((k0, _)) if k0 != k => several = true,
                            _ => {}
                        }
                    }
                }
            }
            if let (Some((k, span)), false) = (used, several) {
                renderings.push((e, k, h.span, span));
            }
        }
        m
    }

    pub fn findings(
        &self,
        segment: usize,
        pair: &Pair,
        m: &PairMatches,
        options: &Options,
        out: &mut Vec<Finding>,
    ) {
        let c = self.compiled;
        for (i, h) in m.selected.iter().enumerate() {
            let role = c.role(h);
            let (rule, e) = match role {
                Role::Term(e) => (Rule::MissingTerm, e),
                Role::Name(e) => (Rule::NameMismatch, e),
                _ => continue,
            };
            // One finding per entry and pair: an earlier hit of the entry had its turn.
            if !options.on(rule) || m.selected[..i].iter().any(|p| c.role(p) == role) {
                continue;
            }
            let satisfies = |t: &Hit| match c.role(t) {
                Role::Rendering(te, _) | Role::NameTarget(te) => te == e,
                _ => false,
            };
            if m.target.iter().any(|t| t.verified && satisfies(t)) {
                continue;
            }
            let near = m.target.iter().find(|t| !t.verified && satisfies(t));
            let found_src = h.span.slice(&pair.src);
            let entry = c.entry(e);
            let canonical = c.source_term(e);
            let finding = match rule {
                Rule::MissingTerm => {
                    let expected = c.renderings(e).to_vec();
                    let mut message = format!("glossary term \"{canonical}\"");
                    if !found_src.eq_ignore_ascii_case(canonical) {
                        message += &format!(" (here \"{found_src}\")");
                    }
                    message += &format!(" needs {} in the translation", quoted_list(&expected));
                    if let Some(n) = near {
                        message += &format!("; \"{}\" differs in case", n.span.slice(&pair.tgt));
                    }
                    Finding::new(rule, segment, canonical, message).expected(expected)
                }
                _ => {
                    let targets = entry.forms(&c.tgt_lang);
                    let expected: Vec<String> = if targets.is_empty() {
                        vec![canonical.to_string()]
                    } else {
                        targets.to_vec()
                    };
                    let mut message = if expected.len() == 1 && expected[0] == canonical {
                        format!("name \"{canonical}\"")
                    } else {
                        format!("name \"{canonical}\" (as {})", quoted_list(&expected))
                    };
                    message += &match near {
                        Some(n) => format!(
                            " is not written verbatim in the translation: found \"{}\"",
                            n.span.slice(&pair.tgt)
                        ),
                        None => " is missing from the translation".to_string(),
                    };
                    Finding::new(rule, segment, canonical, message).expected(expected)
                }
            };
            let finding = with_note(finding, entry);
            out.push(finding.source(h.span).target(near.map(|n| n.span)));
        }
        if options.on(Rule::ForbiddenTerm) {
            self.forbidden(segment, pair, m, out);
        }
    }

    fn forbidden(&self, segment: usize, pair: &Pair, m: &PairMatches, out: &mut Vec<Finding>) {
        let c = self.compiled;
        let mut reported: Vec<(usize, Span)> = Vec::new();
        for t in m.target.iter().filter(|t| t.verified) {
            let Role::Forbidden(e) = c.role(t) else {
                continue;
            };
            if reported.contains(&(e, t.span)) {
                continue;
            }
            let entry = c.entry(e);
            let condition = if entry.forms(&c.src_lang).is_empty() {
                None
            } else {
                match m
                    .conditions
                    .iter()
                    .find(|h| c.role(h) == Role::Condition(e))
                {
                    Some(h) => Some(h),
                    None => continue,
                }
            };
            let inside_accepted = m.target.iter().any(|a| {
                a.verified
                    && matches!(c.role(a), Role::Rendering(..) | Role::NameTarget(_))
                    && a.first_token <= t.first_token
                    && a.end_token >= t.end_token
                    && a.end_token - a.first_token > t.end_token - t.first_token
            });
            if inside_accepted {
                continue;
            }
            reported.push((e, t.span));
            let written = t.span.slice(&pair.tgt);
            let form = c.tgt.forms()[t.form].text.clone();
            let mut message = format!("\"{written}\" is a forbidden rendering");
            if let Some(h) = condition {
                message += &format!(" of \"{}\"", h.span.slice(&pair.src));
            }
            let expected = c.suggestions.get(&e).cloned().unwrap_or_default();
            if !expected.is_empty() {
                message += &format!("; use {}", quoted_list(&expected));
            }
            let mut finding = Finding::new(Rule::ForbiddenTerm, segment, form, message)
                .expected(expected)
                .target(Some(t.span));
            if let Some(h) = condition {
                finding = finding.source(h.span);
            }
            out.push(with_note(finding, entry));
        }
    }
}

fn with_note(mut finding: Finding, entry: &Entry) -> Finding {
    if let Some(note) = &entry.note {
        finding.message += &format!(" (note: {})", clip(note, 120));
    }
    finding
}

/// Keeps, from left to right, the longest hit at each start and drops the hits that overlap
/// a kept one; hits with exactly the kept span (several entries with one form) all stay.
fn leftmost_longest(hits: &mut [Hit], kept: &mut Vec<Hit>) {
    hits.sort_by_key(|h| (h.first_token, std::cmp::Reverse(h.end_token)));
    let mut end = 0u32;
    for h in hits.iter() {
        match kept.last() {
            Some(k) if k.first_token == h.first_token && k.end_token == h.end_token => {
                kept.push(*h)
            }
            _ if h.first_token >= end => {
                end = h.end_token;
                kept.push(*h);
            }
            _ => {}
        }
    }
}
