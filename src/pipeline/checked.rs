//! Alignment files and line files read for checking and review. A bitext read and checked in
//! one go, as `passerelle check` takes it: an alignment file (read whole, then checked), or two
//! line files whose pairs are checked as they are read, each while its text is in the CPU's
//! cache, and which get their places in the files only where a report needs them. The
//! baseline file, read with a message that names it. [`run_check`] puts these together. An
//! alignment file as a review [`Document`], as `review` and `diff` take it.

use std::path::Path;

use crate::check::{self, Baseline, Finding, Options};
use crate::error::{show_path, Error, Result};
use crate::files;
use crate::formats::{self, aligned, lines::LinePairs};
use crate::glossary::Glossary;
use crate::review::Document;
use crate::text::{Bitext, Lang};

/// Where the bitext comes from.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// An alignment file passerelle wrote (TSV, JSON lines, TMX, XLIFF).
    Alignment(&'a Path),
    /// Line i of `src` against line i of `tgt`.
    Lines { src: &'a Path, tgt: &'a Path },
}

/// Reads and checks `input`. Pairs from line files know where they are in the files when a
/// finding points at them, or all of them with `locate_all` (a JUnit report lists every pair).
pub fn check_input(
    input: Input<'_>,
    src_lang: &Lang,
    tgt_lang: &Lang,
    glossary: &Glossary,
    options: &Options,
    locate_all: bool,
) -> Result<(Bitext, Vec<Finding>)> {
    match input {
        Input::Alignment(path) => {
            let bitext = formats::read_bitext(path, src_lang, tgt_lang)?;
            let findings = check::check(&bitext, glossary, options);
            Ok((bitext, findings))
        }
        Input::Lines { src, tgt } => {
            let mut pairs = LinePairs::open(src, tgt)?;
            let (mut bitext, findings) =
                check::check_pairs(src_lang, tgt_lang, &mut pairs, glossary, options)?;
            let origins = pairs.origins();
            if locate_all {
                let all = 0..bitext.pairs.len();
                origins.attach(&mut bitext.pairs, all);
            } else {
                for f in &findings {
                    origins.attach(&mut bitext.pairs, f.segment..f.segment + 1);
                }
            }
            Ok((bitext, findings))
        }
    }
}

/// A check as `passerelle check` runs it.
pub struct CheckJob<'a> {
    pub input: Input<'a>,
    pub src_lang: &'a Lang,
    pub tgt_lang: &'a Lang,
    /// The glossary file; without one, only the rules that need none run.
    pub glossary: Option<&'a Path>,
    /// Rule severities.
    pub options: Options,
    /// Findings this baseline file accepts are left out.
    pub baseline: Option<&'a Path>,
    /// Every current finding is written to this baseline file, as accepted.
    pub write_baseline: Option<&'a Path>,
    /// Every pair learns where it is in the line files, not only those with findings.
    pub locate_all: bool,
}

/// What a check found, and what it took.
#[derive(Debug)]
pub struct Checked {
    pub bitext: Bitext,
    /// The findings the baseline did not accept.
    pub findings: Vec<Finding>,
    /// How many findings the baseline accepted.
    pub baselined: usize,
    /// How many findings were written to the new baseline, when one was asked for.
    pub written_to_baseline: Option<usize>,
    pub glossary_entries: usize,
    /// Reading (for line files, which are checked as they are read) and checking.
    pub check_time: std::time::Duration,
}

/// Runs `job`: the glossary and the baseline are read before the bitext, so that a mistake in
/// either is reported before any long read.
pub fn run_check(job: CheckJob<'_>) -> Result<Checked, CheckError> {
    let (glossary, options) = glossary_for(job.glossary, job.src_lang, job.tgt_lang, job.options)?;
    let baseline = job.baseline.map(read_baseline).transpose()?;
    let started = std::time::Instant::now();
    let (bitext, mut findings) = check_input(
        job.input,
        job.src_lang,
        job.tgt_lang,
        &glossary,
        &options,
        job.locate_all,
    )?;
    let check_time = started.elapsed();
    if let Some(path) = job.write_baseline {
        files::write_atomic(path, &Baseline::write(&findings))?;
    }
    let written_to_baseline = job.write_baseline.map(|_| findings.len());
    let baselined = baseline.as_ref().map_or(0, |b| b.filter(&mut findings));
    Ok(Checked {
        bitext,
        findings,
        baselined,
        written_to_baseline,
        glossary_entries: glossary.len(),
        check_time,
    })
}

/// The glossary a check uses, the file's or an empty one, and `options` fitted to it: without
/// a file, only the rules that need no glossary run.
pub fn glossary_for(
    path: Option<&Path>,
    src_lang: &Lang,
    tgt_lang: &Lang,
    options: Options,
) -> Result<(Glossary, Options), crate::glossary::LoadError> {
    let glossary = Glossary::load_or_empty(path, src_lang, tgt_lang)?;
    let options = match path {
        Some(_) => options,
        None => options.without_glossary(),
    };
    Ok((glossary, options))
}

/// Why a check could not run.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Input(#[from] Error),
    #[error(transparent)]
    Glossary(#[from] crate::glossary::LoadError),
}

/// Reads a baseline file.
pub fn read_baseline(path: &Path) -> Result<Baseline> {
    Baseline::parse(&files::read_text(path)?)
        .map_err(|e| Error::Input(format!("{}: {e}", show_path(path))))
}

/// An alignment file (JSON lines, TSV, TMX, XLIFF) as a review document named by its path.
pub fn read_document(path: &Path, src_lang: &Lang, tgt_lang: &Lang) -> Result<Document> {
    let file = aligned::read(path, src_lang, tgt_lang)?;
    Ok(Document::new(
        show_path(path),
        src_lang,
        tgt_lang,
        file.records,
    ))
}

/// [`read_document`] for comparing alignments: the file must hold every bead, those with an
/// empty side too, which TMX leaves out.
pub fn read_whole_document(path: &Path, src_lang: &Lang, tgt_lang: &Lang) -> Result<Document> {
    let file = aligned::read(path, src_lang, tgt_lang)?;
    if !file.complete {
        return Err(Error::Input(format!(
            "{}: {} files leave out beads with an empty side, so they cannot be compared: use \
             the JSON lines, XLIFF or TSV alignment",
            show_path(path),
            file.format_name()
        )));
    }
    Ok(Document::new(
        show_path(path),
        src_lang,
        tgt_lang,
        file.records,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_job_writes_and_then_applies_its_baseline() {
        let dir = tempfile::tempdir().unwrap();
        let (src, tgt) = (dir.path().join("a.fr"), dir.path().join("a.en"));
        std::fs::write(&src, "Il a 12 ans.\nBonjour.\n").unwrap();
        std::fs::write(&tgt, "He is 13.\nHello.\n").unwrap();
        let baseline = dir.path().join("baseline.json");
        let (fr, en) = (Lang::Fr, Lang::En);
        let job = |baseline_in, baseline_out| CheckJob {
            input: Input::Lines {
                src: &src,
                tgt: &tgt,
            },
            src_lang: &fr,
            tgt_lang: &en,
            glossary: None,
            options: Options::default(),
            baseline: baseline_in,
            write_baseline: baseline_out,
            locate_all: false,
        };
        let first = run_check(job(None, Some(&baseline))).unwrap();
        assert_eq!(first.bitext.pairs.len(), 2);
        assert_eq!(first.glossary_entries, 0);
        assert!(!first.findings.is_empty(), "the number differs");
        assert_eq!(first.written_to_baseline, Some(first.findings.len()));
        let second = run_check(job(Some(&baseline), None)).unwrap();
        assert!(second.findings.is_empty());
        assert_eq!(second.baselined, first.findings.len());
        assert_eq!(second.written_to_baseline, None);
        let missing = dir.path().join("nope.json");
        let e = run_check(job(Some(&missing), None))
            .unwrap_err()
            .to_string();
        assert!(e.contains("nope.json"), "{e}");
    }

    #[test]
    fn documents_are_named_by_their_path_and_a_comparison_needs_every_bead() {
        let dir = tempfile::tempdir().unwrap();
        let tsv = dir.path().join("a.tsv");
        std::fs::write(&tsv, "Un.\tOne.\t1-1\t0.9\t\nDeux.\t\t1-0\t0.2\treview\n").unwrap();
        let (fr, en) = (Lang::Fr, Lang::En);
        let doc = read_whole_document(&tsv, &fr, &en).unwrap();
        assert_eq!(doc.name, show_path(&tsv));
        assert_eq!(doc.beads.len(), 2);
        let tmx = dir.path().join("a.tmx");
        std::fs::write(
            &tmx,
            "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"fr\"/><body>\
             <tu><tuv xml:lang=\"fr\"><seg>Un.</seg></tuv><tuv xml:lang=\"en\"><seg>One.</seg>\
             </tuv></tu></body></tmx>\n",
        )
        .unwrap();
        assert_eq!(read_document(&tmx, &fr, &en).unwrap().beads.len(), 1);
        let e = read_whole_document(&tmx, &fr, &en).unwrap_err().to_string();
        assert!(e.contains("a.tmx: TMX files leave out beads"), "{e}");
    }
}
