//! `passerelle segment`: sentences of a text, one per line or as JSON lines with byte spans.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::files;
use crate::segment::{one_line, Segmenter};
use crate::text::Lang;

pub(crate) const LONG_ABOUT: &str = "\
Split text into sentences, keeping byte spans into the original.

Paragraphs are blocks separated by blank lines; a line break inside a paragraph is a \
boundary only when it looks deliberate (a heading, a list item), not when it is wrapping. \
French rules know abbreviations (M., Mme, etc., cf., p. ex., c.-à-d., av. J.-C., n°), \
initials, ordinals, decimal commas, guillemets with no-break spaces, speech tags after \
quotes, and sentences glued together by scraped HTML (\"lundi.Joe Lopez\", \"Azure ?»Chers\"). \
English has its own list (Mr., U.S., e.g., a.m.). Any other language code uses \
language-independent rules.

Formats:
  text   one sentence per line (a line break inside a sentence becomes a space),
         a blank line between paragraphs
  jsonl  one object per sentence: {\"id\", \"paragraph\", \"start\", \"end\", \"text\"}, where
         start/end are byte offsets into the input and text is the exact slice

Examples:
  passerelle segment corpora/microsoft-build/article.fr.txt
  passerelle segment --lang en --format jsonl article.en.txt
  echo 'Il est parti.Elle reste.' | passerelle segment";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SegmentFormat {
    /// One sentence per line, a blank line between paragraphs.
    Text,
    /// One JSON object per sentence, with byte offsets.
    Jsonl,
}

#[derive(Debug, Args)]
pub(crate) struct SegmentArgs {
    /// The text to segment, UTF-8 (`-` for standard input).
    #[arg(value_name = "FILE", default_value = "-")]
    input: PathBuf,

    /// Language of the text: `fr`, `en`, or any other code (language-independent rules).
    #[arg(short, long, default_value = "fr", value_name = "LANG")]
    lang: Lang,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = SegmentFormat::Text)]
    format: SegmentFormat,

    /// Write the output to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    out: Option<PathBuf>,
}

#[derive(Serialize)]
struct Record<'a> {
    id: u32,
    paragraph: u32,
    start: usize,
    end: usize,
    text: &'a str,
}

pub(crate) fn run(args: SegmentArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let started = Instant::now();
    let text = files::read_text(&args.input)?;
    let segmenter = Segmenter::new(args.lang);
    let mut out = Output::to(args.out);
    let mut failure = None;
    let mut sentences = 0usize;
    let mut last_paragraph = None;
    segmenter.for_each(&text, |seg| {
        if failure.is_some() {
            return;
        }
        sentences += 1;
        let sentence = seg.span.slice(&text);
        let written = match args.format {
            SegmentFormat::Text => {
                let new_paragraph = last_paragraph.is_some_and(|p| p != seg.paragraph);
                last_paragraph = Some(seg.paragraph);
                (if new_paragraph {
                    out.write_all(b"\n")
                } else {
                    Ok(())
                })
                .and_then(|()| out.write_all(one_line(sentence).as_bytes()))
                .and_then(|()| out.write_all(b"\n"))
            }
            SegmentFormat::Jsonl => {
                let record = Record {
                    id: seg.id,
                    paragraph: seg.paragraph,
                    start: seg.span.start,
                    end: seg.span.end,
                    text: sentence,
                };
                serde_json::to_writer(&mut out, &record)
                    .map_err(|e| Failure::from(std::io::Error::from(e)))
                    .and_then(|()| out.write_all(b"\n"))
            }
        };
        if let Err(e) = written {
            failure = Some(e);
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
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
