//! `passerelle run`: the whole job for a project file (`passerelle.toml`): segment, translate
//! or read the reference, align, check, and write the parallel text, TMX, XLIFF, findings and
//! the review report. This file finds the project file, adds API keys from the environment,
//! picks the cache, prints progress and the summary, and sets the exit status; the work is
//! `crate::pipeline`'s.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::backend::{env_key, Bar};
use super::{Failure, Outcome, Verbosity};
use crate::check::FailOn;
use crate::pipeline::config::Config;
use crate::pipeline::{self, Progress, RunOptions, Stage};
use crate::translate::SettingsIn;

pub(crate) const LONG_ABOUT: &str = "\
Run the whole job for a project: for each document of the project file, segment the source, \
obtain the English (align an existing reference translation, or translate with a backend), \
align, check against the glossary, and write the outputs.

The project file (passerelle.toml in the current folder, or --config FILE) names the \
documents, the languages, the glossary, how the English is obtained, the outputs and the \
check severities; unknown keys and wrong types are errors that name the file, line and key. \
Relative paths in it are relative to its folder.

Outputs, in the output folder (out/ by default), per document NAME:
  NAME.fr.txt, NAME.en.txt  parallel text: line i of one is the translation of line i
                            of the other (empty lines where a sentence has no counterpart)
  NAME.tsv, NAME.jsonl      the alignment, with bead types, confidences and review flags
  NAME.tmx                  TMX 1.4b translation memory (OmegaT, Okapi, Trados...)
  NAME.xlf                  XLIFF 2.0 (bead indices and confidence kept in metadata)
and for the whole project:
  findings.json, findings.sarif   the glossary check (as `passerelle check`)
  report.html                     the review report: open it in a browser

Everything is computed before anything is written, and each file is replaced atomically: \
a run that fails leaves the previous outputs whole.

API keys come from the environment, never from the file: DEEPL_AUTH_KEY, \
LIBRETRANSLATE_API_KEY, OPENAI_API_KEY.

Exit status: 0 no finding at or above the threshold ([check] fail_on, default error, or \
--fail-on); 1 findings at or above it; 2 bad usage, a bad project file, bad input, an output \
folder that cannot be written, or a backend that failed.

Examples:
  passerelle run
  passerelle run --config examples/passerelle.deepl.toml
  passerelle run --out-dir /tmp/review --fail-on warning";

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The project file [default: passerelle.toml in the current folder].
    #[arg(short, long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Write the outputs to this folder instead of the project's [output] dir.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,

    /// Exit with status 1 when a finding at or above this severity remains (overrides the
    /// project's [check] fail_on).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,

    /// Cache file for machine translations (default: the project's [translate] cache, else
    /// passerelle/translations.sqlite in the platform's cache folder).
    #[arg(long, value_name = "PATH")]
    cache: Option<PathBuf>,

    /// Neither read nor write the translation cache.
    #[arg(long, conflicts_with = "cache")]
    no_cache: bool,
}

pub(crate) fn run(args: RunArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let mut config = Config::load(&Config::find(args.config.as_deref())?)?;
    if let Some(dir) = &args.out_dir {
        config.output.dir = dir.clone();
    }
    if let Some(fail_on) = args.fail_on {
        config.check.fail_on = fail_on.threshold();
    }
    config.fill_keys(env_key)?;
    let options = RunOptions {
        cache: config.cache_path(args.cache.as_deref(), args.no_cache)?,
    };

    let terminal = std::io::stderr().is_terminal();
    let reporter = Reporter {
        lines: verbosity >= Verbosity::Verbose || (verbosity == Verbosity::Normal && terminal),
        bar: Bar::new(verbosity),
    };
    let result = crate::translate::runtime()?.block_on(pipeline::run(&config, &options, &reporter));
    reporter.bar.hide();
    let summary = result.map_err(|e| Failure::Message(e.explained(SettingsIn::ProjectFile)))?;
    if verbosity > Verbosity::Quiet {
        let mut err = std::io::stderr().lock();
        for line in summary.lines(&config.output.dir) {
            let _ = writeln!(err, "passerelle: {line}");
        }
    }
    Ok(if summary.failed() {
        Outcome::Findings
    } else {
        Outcome::Ok
    })
}

/// Progress on standard error: a line per stage, and a bar while translating.
struct Reporter {
    lines: bool,
    bar: Arc<Bar>,
}

impl Progress for Reporter {
    fn stage(&self, document: Option<&str>, stage: Stage) {
        if !self.lines {
            return;
        }
        let line = match document {
            Some(d) => format!("passerelle: {d}: {}…", stage.describe()),
            None => format!("passerelle: {}…", stage.describe()),
        };
        // A translation bar has done its job once the next step starts.
        self.bar.hide();
        let _ = writeln!(std::io::stderr(), "{line}");
    }

    fn translation(&self) -> Option<Arc<dyn crate::translate::Progress>> {
        Some(self.bar.clone())
    }
}
