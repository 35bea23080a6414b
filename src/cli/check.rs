//! `passerelle check`: a bitext against a glossary, reported for people (compiler-style
//! diagnostics, coloured on a terminal) or for CI (JSON, SARIF, JUnit, GitHub annotations),
//! with the exit status set by `--fail-on` and accepted findings kept in a baseline.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::{ArgGroup, Args};

use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::check::{FailOn, Level, Options, Rule};
use crate::error::show_path;
use crate::formats::findings::{Report, Summary};
use crate::formats::human::summary_line;
use crate::formats::FindingsFormat;
use crate::pipeline::checked::{run_check, CheckJob, Input};
use crate::text::plural;

const ABOUT_HEAD: &str = "\
Check a translation against a glossary: terms, names, forbidden renderings, numbers, \
untranslated segments, consistency, length, placeholders, tags and URLs. Without \
--glossary, only the rules that need none run. Terms match whole words only, in any \
inflection (plural, feminine: Snowball stemming per word), after Unicode NFC, case folding \
(all-caps acronyms and names keep their case), apostrophe, quote and no-break space folding \
and French elision splitting.

Input: an alignment file passerelle wrote (TSV, JSON lines or TMX), or --src and --tgt, two \
files with one segment per line (line i against line i; blank lines pair with blank lines).";

/// The help text, with the rules and formats listed from the library's own lists.
pub(crate) fn long_about() -> String {
    let rules = Rule::ALL.iter().map(|r| {
        (
            r.id(),
            format!("{:<8} {}", r.default_severity().as_str(), r.summary()),
        )
    });
    let rules: Vec<_> = rules.collect();
    let formats: Vec<_> = FindingsFormat::ALL
        .iter()
        .map(|f| (f.name(), f.describe().to_string()))
        .collect();
    format!(
        "{ABOUT_HEAD}\n\nRules (id, default severity):\n{}Change a severity with --severity \
         RULE=error|warning|info|off (repeatable).\n\nFormats:\n{}\n{ABOUT_TAIL}",
        super::help_list(&rules),
        super::help_list(&formats)
    )
}

const ABOUT_TAIL: &str = "\
Exit status: 0 no finding at or above --fail-on (default error; `never` always 0); \
1 findings at or above it; 2 bad usage or bad input (a malformed glossary is reported as \
file:line: what is wrong, and nothing is checked).

Baseline: --write-baseline FILE records every current finding as accepted (and exits 0); \
--baseline FILE drops the findings it records, so CI fails only on new ones. Findings are \
identified by rule, term and source text, not by position.

Examples:
  passerelle check --glossary glossary/microsoft-build.tsv \\
      --src corpora/microsoft-build/article.fr.txt --tgt corpora/microsoft-build/article.en.txt
  passerelle check -g glossary.tsv aligned.tsv --format sarif -o results.sarif
  passerelle check -g glossary.tbx aligned.tmx --fail-on warning --severity length-ratio=off
  passerelle check -g glossary.tsv aligned.jsonl --write-baseline .passerelle-baseline.json
  passerelle check -g glossary.tsv aligned.jsonl --baseline .passerelle-baseline.json
  passerelle check aligned.tsv --format github";

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("input").required(true).args(["alignment", "src"])))]
pub(crate) struct CheckArgs {
    /// An alignment file passerelle wrote: TSV, JSON lines or TMX.
    #[arg(value_name = "ALIGNMENT", conflicts_with_all = ["src", "tgt"])]
    alignment: Option<PathBuf>,

    /// Source text, one segment per line (paired with --tgt line by line).
    #[arg(long, value_name = "SRC", requires = "tgt")]
    src: Option<PathBuf>,

    /// Translation, one segment per line.
    #[arg(long, value_name = "TGT", requires = "src")]
    tgt: Option<PathBuf>,

    /// The glossary: TSV or CSV with a header row (fr, en, kind, note, case), or TBX.
    /// Without it, the rules that need no glossary run.
    #[arg(short, long, value_name = "FILE")]
    glossary: Option<PathBuf>,

    #[command(flatten)]
    langs: super::Languages,

    /// Report format.
    #[arg(short, long, value_enum, default_value_t = FindingsFormat::Human)]
    format: FindingsFormat,

    /// Exit with status 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    fail_on: FailOn,

    /// Severity of a rule, or `off` (repeatable): e.g. --severity length-ratio=off.
    #[arg(long = "severity", value_name = "RULE=LEVEL", value_parser = crate::check::parse_severity)]
    severity: Vec<(Rule, Level)>,

    /// Drop the findings this baseline file accepts.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Write every current finding to this baseline file, and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,

    /// Write the report to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: CheckArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let started = Instant::now();
    let input = match (&args.alignment, &args.src, &args.tgt) {
        (Some(path), _, _) => Input::Alignment(path),
        (None, Some(src), Some(tgt)) => Input::Lines { src, tgt },
        _ => {
            return Err(Failure::Message(
                "give an ALIGNMENT file, or --src and --tgt".into(),
            ))
        }
    };
    let mut options = Options::default();
    options.severity.extend(args.severity.iter().copied());
    let checked = run_check(CheckJob {
        input,
        src_lang: &args.langs.src_lang,
        tgt_lang: &args.langs.tgt_lang,
        glossary: args.glossary.as_deref(),
        options,
        baseline: args.baseline.as_deref(),
        write_baseline: args.write_baseline.as_deref(),
        locate_all: args.format.lists_every_pair(),
    })?;

    let report = Report {
        bitext: &checked.bitext,
        findings: &checked.findings,
        baselined: checked.baselined,
        fail_on: args.fail_on.threshold(),
    };
    let mut out = Output::to(args.out.clone());
    out.write_all(&args.format.render(&report, out.colour()))?;
    out.finish()?;

    let summary = Summary::of(&report);
    if verbosity >= Verbosity::Verbose {
        let pairs = &checked.bitext.pairs;
        let bytes: usize = pairs.iter().map(|p| p.src.len() + p.tgt.len()).sum();
        let secs = checked.check_time.as_secs_f64();
        let _ =
            writeln!(
            std::io::stderr(),
            "passerelle: {} glossary entries, {} segment pairs, {bytes} bytes {}checked in {:.1} \
             ms ({:.1} MB/s); {:.1} ms in all",
            checked.glossary_entries,
            pairs.len(),
            if args.alignment.is_none() { "read and " } else { "" },
            secs * 1e3,
            bytes as f64 / 1e6 / secs.max(1e-9),
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    if verbosity >= Verbosity::Normal && args.format != FindingsFormat::Human {
        let _ = writeln!(std::io::stderr(), "passerelle: {}", summary_line(&summary));
    }
    if let (Some(path), Some(n)) = (&args.write_baseline, checked.written_to_baseline) {
        if verbosity >= Verbosity::Normal {
            let _ = writeln!(
                std::io::stderr(),
                "passerelle: wrote {} to {}",
                plural(n, "accepted finding", "accepted findings"),
                show_path(path)
            );
        }
    }
    // The process ends right after: freeing a document of millions of segments string by
    // string would only delay the exit (by a tenth of a second for a million pairs). The
    // memory goes back to the system with the process.
    std::mem::forget(checked);
    Ok(match (&args.write_baseline, summary.failed) {
        (Some(_), _) | (None, false) => Outcome::Ok,
        (None, true) => Outcome::Findings,
    })
}
