//! `passerelle segment`: sentences of a text, one per line or as JSON lines with byte spans.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::files;
use crate::formats::sentences::{SentenceFormat, SentenceWriter};
use crate::segment::Segmenter;
use crate::text::Lang;

const ABOUT_HEAD: &str = "\
Split text into sentences, keeping byte spans into the original.

Paragraphs are blocks separated by blank lines; a line break inside a paragraph is a \
boundary only when it looks deliberate (a heading, a list item), not when it is wrapping. \
French rules know abbreviations (M., Mme, etc., cf., p. ex., c.-à-d., av. J.-C., n°), \
initials, ordinals, decimal commas, guillemets with no-break spaces, speech tags after \
quotes, and sentences glued together by scraped HTML (\"lundi.Joe Lopez\", \"Azure ?»Chers\"). \
English has its own list (Mr., U.S., e.g., a.m.); German too (z. B., usw., Dr., ordinals \
such as \"am 3. Mai\", „…“ and »…« quotes). Any other language code uses \
language-independent rules.";

/// The help text, with the formats listed from the library's list.
pub(crate) fn long_about() -> String {
    let formats = SentenceFormat::ALL.map(|f| (f.name(), f.describe().to_string()));
    format!(
        "{ABOUT_HEAD}\n\nFormats:\n{}\n{ABOUT_TAIL}",
        super::help_list(&formats)
    )
}

const ABOUT_TAIL: &str = "\
Examples:
  passerelle segment corpora/microsoft-build/article.fr.txt
  passerelle segment --lang en --format jsonl article.en.txt
  echo 'Il est parti.Elle reste.' | passerelle segment";

#[derive(Debug, Args)]
pub(crate) struct SegmentArgs {
    /// The text to segment, UTF-8 (`-` for standard input).
    #[arg(value_name = "FILE", default_value = "-")]
    input: PathBuf,

    /// Language of the text: `fr`, `en`, `de`, or any other code (language-independent rules).
    #[arg(short, long, default_value = "fr", value_name = "LANG")]
    lang: Lang,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = SentenceFormat::Text)]
    format: SentenceFormat,

    /// Write the output to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: SegmentArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let started = Instant::now();
    let text = files::read_text(&args.input)?;
    let segmenter = Segmenter::new(args.lang);
    let mut out = SentenceWriter::new(Output::to(args.out), args.format);
    let mut failure = None;
    let mut sentences = 0usize;
    segmenter.for_each(&text, |seg| {
        if failure.is_none() {
            sentences += 1;
            failure = out.write(&text, &seg).err();
        }
    });
    if let Some(e) = failure {
        return Err(e.into());
    }
    let out = out.into_inner();
    out.finish()?;
    if verbosity >= Verbosity::Verbose {
        let secs = started.elapsed().as_secs_f64();
        let _ = writeln!(
            std::io::stderr(),
            "passerelle: {sentences} sentences, {} bytes, {:.1} ms ({:.1} MB/s)",
            text.len(),
            secs * 1e3,
            text.len() as f64 / 1e6 / secs.max(1e-9)
        );
    }
    Ok(Outcome::Ok)
}
