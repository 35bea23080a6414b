//! The `passerelle` command line: argument parsing, output and exit codes.
//!
//! This is the only module that prints, reads the environment or decides how the process
//! exits; each subcommand parses its arguments and calls the library. Exit codes: 0 success,
//! 1 findings at or above the failure threshold (or differences, for `diff`), 2 bad usage,
//! bad input, or a backend that failed after its retries. A closed pipe (`| head`) is not an
//! error.

mod align;
mod backend;
mod batch;
mod check;
mod diff;
mod eval;
mod output;
mod review;
mod run;
mod segment;
mod translate;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::Error;

/// Exit status for a clean run.
pub const EXIT_OK: u8 = 0;
/// Exit status for findings at or above the failure threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status for bad usage, bad input, or a failed backend.
pub const EXIT_ERROR: u8 = 2;

/// Offers a list of the library's on the command line: clap takes the type's `ALL`, each
/// value's name and, where given, its description as help.
macro_rules! value_enum {
    ($($ty:ty => $help:expr),* $(,)?) => {$(
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &<$ty>::ALL
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                let help: Option<fn(Self) -> &'static str> = $help;
                let value = clap::builder::PossibleValue::new(self.name());
                Some(match help {
                    Some(help) => value.help(help(*self)),
                    None => value,
                })
            }
        }
    )*};
}

value_enum!(
    crate::check::FailOn => None,
    crate::formats::AlignmentFormat => None,
    crate::formats::FindingsFormat => None,
    crate::formats::scores::ScoreFormat => None,
    crate::formats::sentences::SentenceFormat => None,
    crate::formats::translations::TranslationFormat => None,
    crate::review::diff::DiffFormat => Some(crate::review::diff::DiffFormat::describe),
    crate::translate::Unit => Some(crate::translate::Unit::describe),
    crate::translate::settings::BackendName => Some(crate::translate::settings::BackendName::describe),
    crate::translate::deepl::EnglishVariant => Some(crate::translate::deepl::EnglishVariant::describe),
    crate::translate::deepl::Formality => Some(crate::translate::deepl::Formality::describe),
    crate::translate::command::CommandFormat => Some(crate::translate::command::CommandFormat::describe),
);

/// Lines `  NAME  description` for help texts, the names padded to one width and long
/// descriptions wrapped under themselves: the lists of rules, formats and backends come from
/// the library, so help cannot fall behind it.
fn help_list(items: &[(&str, String)]) -> String {
    const WIDTH: usize = 94;
    let width = items.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let indent = " ".repeat(width + 4);
    let mut out = String::new();
    for (name, what) in items {
        let mut line = format!("  {name:width$} ");
        // Split on single spaces so that padding inside a description (a column) survives.
        for word in what.split(' ') {
            if line.chars().count() + 1 + word.chars().count() > WIDTH && line.trim() != *name {
                out.push_str(line.trim_end());
                out.push('\n');
                line = indent.clone();
            } else {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `--src-lang` and `--tgt-lang`, as `check` and `review` take them.
#[derive(Debug, clap::Args)]
struct Languages {
    /// Language of the source.
    #[arg(long, default_value = "fr", value_name = "LANG")]
    src_lang: crate::text::Lang,

    /// Language of the translation.
    #[arg(long, default_value = "en", value_name = "LANG")]
    tgt_lang: crate::text::Lang,
}

const ABOUT: &str =
    "French/English parallel text: segment, translate, align, check terminology, review";

const LONG_ABOUT: &str = "\
passerelle turns French text into reviewed, aligned French/English parallel text and keeps \
translations honest against a glossary.

Pipeline: segment -> translate -> align -> check -> review. Each stage is a subcommand, and \
`passerelle run` does them all for a project file (passerelle.toml); every input is UTF-8 text \
(a BOM and CRLF line ends are fine) and `-` reads standard input.

Exit status: 0 success; 1 findings at or above the failure threshold (or differences, for \
`diff`); 2 bad usage, bad input or a failed backend.";

#[derive(Debug, Parser)]
#[command(name = "passerelle", version, about = ABOUT, long_about = LONG_ABOUT, propagate_version = true)]
pub struct Cli {
    /// Print more about what is done (counts, timings) on standard error; repeat for more.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    /// Print nothing on standard error but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Split text into sentences (French, English, or generic rules for other languages).
    #[command(long_about = segment::long_about())]
    Segment(segment::SegmentArgs),

    /// Translate a text with a translation memory, DeepL, LibreTranslate, an OpenAI-compatible
    /// server or an external program.
    #[command(long_about = translate::long_about())]
    Translate(translate::TranslateArgs),

    /// Align the sentences of a text with those of its translation (TSV, JSONL, beads, TMX,
    /// Moses).
    #[command(long_about = align::long_about())]
    Align(align::AlignArgs),

    /// Align many document pairs: JSON lines in, one aligned (and checked) record per line out,
    /// on every core.
    #[command(long_about = batch::LONG_ABOUT)]
    Batch(batch::BatchArgs),

    /// Check a translation against a glossary: terms, names, numbers, untranslated segments;
    /// reports for people or CI (JSON, SARIF, JUnit, GitHub annotations).
    #[command(long_about = check::long_about())]
    Check(check::CheckArgs),

    /// Run the whole job for a project file (passerelle.toml): segment, translate or align with
    /// a reference, check, and write parallel text, TMX, XLIFF, findings and a review report.
    #[command(long_about = run::LONG_ABOUT)]
    Run(run::RunArgs),

    /// Show an alignment side by side in the terminal, or write its HTML review report.
    #[command(long_about = review::LONG_ABOUT)]
    Review(review::ReviewArgs),

    /// Compare two alignments of the same text: changed, split, merged, added, removed beads.
    #[command(long_about = diff::LONG_ABOUT)]
    Diff(diff::DiffArgs),

    /// Measure quality against hand-made references (`eval align`: P/R/F1 of alignments).
    #[command(long_about = eval::LONG_ABOUT, subcommand)]
    Eval(eval::EvalCommand),

    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(long_about = "Print a shell completion script on standard output.\n\n\
        Examples:\n  passerelle completions bash > ~/.local/share/bash-completion/completions/passerelle\n  \
        passerelle completions zsh > ~/.zfunc/_passerelle\n  \
        passerelle completions fish > ~/.config/fish/completions/passerelle.fish")]
    Completions {
        /// The shell to write completions for.
        shell: clap_complete::Shell,
    },
}

/// How chatty the command is on standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// What a command wants the process to do when it has finished.
pub(crate) enum Outcome {
    Ok,
    /// Findings at or above the failure threshold: exit status 1.
    Findings,
}

/// A command failure: a library error, or the reader of standard output went away.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    #[error(transparent)]
    Lib(#[from] Error),
    #[error(transparent)]
    Glossary(#[from] crate::glossary::LoadError),
    #[error(transparent)]
    Translate(#[from] crate::translate::TranslateError),
    #[error(transparent)]
    Project(#[from] crate::pipeline::ConfigError),
    #[error(transparent)]
    Check(#[from] crate::pipeline::checked::CheckError),
    #[error(transparent)]
    Diff(#[from] crate::review::diff::DiffError),
    /// Standard output was closed by the reader: stop quietly.
    #[error("broken pipe")]
    BrokenPipe,
    /// A failure already put in words (bad usage, a backend's error with advice).
    #[error("{0}")]
    Message(String),
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_OK });
        }
    };
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, 0) => Verbosity::Normal,
        _ => Verbosity::Verbose,
    };
    let result = match cli.command {
        Command::Segment(args) => segment::run(args, verbosity),
        Command::Check(args) => check::run(args, verbosity),
        Command::Align(args) => align::run(args, verbosity),
        Command::Batch(args) => batch::run(args, verbosity),
        Command::Eval(command) => eval::run(command, verbosity),
        Command::Translate(args) => translate::run(args, verbosity),
        Command::Run(args) => run::run(args, verbosity),
        Command::Review(args) => review::run(args, verbosity),
        Command::Diff(args) => diff::run(args, verbosity),
        Command::Completions { shell } => completions(shell),
    };
    match result {
        Ok(Outcome::Ok) | Err(Failure::BrokenPipe) => ExitCode::from(EXIT_OK),
        Ok(Outcome::Findings) => ExitCode::from(EXIT_FINDINGS),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "passerelle: error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn completions(shell: clap_complete::Shell) -> Result<Outcome, Failure> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "passerelle", &mut buf);
    let mut out = output::Output::stdout();
    out.write_all(&buf)?;
    out.finish()?;
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_lists_pad_names_and_wrap_under_the_description() {
        let long = "word ".repeat(30);
        let text = help_list(&[("a", "x  y".into()), ("long-name", long.trim().into())]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "  a          x  y");
        assert!(lines.len() > 2, "{text}");
        assert!(lines.iter().all(|l| l.chars().count() <= 94), "{text}");
        assert!(lines[2].starts_with("             word"), "{text}");
    }
}
