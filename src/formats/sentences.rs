//! Sentences as `passerelle segment` writes them, one at a time as the segmenter finds them:
//! plain lines (a blank line between paragraphs) or JSON lines with byte spans into the input.
//! Writing only.

use std::io::{self, Write};

use serde::Serialize;

use crate::text::{one_line, Segment};

/// The formats sentences are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentenceFormat {
    Text,
    Jsonl,
}

impl SentenceFormat {
    pub const ALL: [SentenceFormat; 2] = [SentenceFormat::Text, SentenceFormat::Jsonl];

    pub fn name(self) -> &'static str {
        match self {
            SentenceFormat::Text => "text",
            SentenceFormat::Jsonl => "jsonl",
        }
    }

    /// What the format holds, in one line for help texts.
    pub fn describe(self) -> &'static str {
        match self {
            SentenceFormat::Text => {
                "a sentence a line (inner line breaks as spaces), a blank line between paragraphs"
            }
            SentenceFormat::Jsonl => {
                "{\"id\", \"paragraph\", \"start\", \"end\", \"text\"}: byte offsets into the input"
            }
        }
    }
}

#[derive(Serialize)]
struct Record<'a> {
    id: u32,
    paragraph: u32,
    start: usize,
    end: usize,
    text: &'a str,
}

/// Writes sentences in one format, remembering the paragraph of the last one.
pub struct SentenceWriter<W> {
    out: W,
    format: SentenceFormat,
    last_paragraph: Option<u32>,
}

impl<W: Write> SentenceWriter<W> {
    pub fn new(out: W, format: SentenceFormat) -> SentenceWriter<W> {
        SentenceWriter {
            out,
            format,
            last_paragraph: None,
        }
    }

    /// The writer written to.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Writes `segment` of `text`.
    pub fn write(&mut self, text: &str, segment: &Segment) -> io::Result<()> {
        let sentence = segment.span.slice(text);
        match self.format {
            SentenceFormat::Text => {
                if self.last_paragraph.is_some_and(|p| p != segment.paragraph) {
                    self.out.write_all(b"\n")?;
                }
                self.last_paragraph = Some(segment.paragraph);
                self.out.write_all(one_line(sentence).as_bytes())?;
            }
            SentenceFormat::Jsonl => {
                let record = Record {
                    id: segment.id,
                    paragraph: segment.paragraph,
                    start: segment.span.start,
                    end: segment.span.end,
                    text: sentence,
                };
                serde_json::to_writer(&mut self.out, &record)?;
            }
        }
        self.out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Segmenter;
    use crate::text::Lang;

    fn written(format: SentenceFormat, text: &str) -> String {
        let mut w = SentenceWriter::new(Vec::new(), format);
        for s in Segmenter::new(Lang::Fr).segment(text) {
            w.write(text, &s).unwrap();
        }
        String::from_utf8(w.out).unwrap()
    }

    #[test]
    fn paragraphs_are_kept_and_spans_point_into_the_input() {
        let text = "Un.\nDeux.\n\nTrois é.";
        assert_eq!(
            written(SentenceFormat::Text, text),
            "Un.\nDeux.\n\nTrois é.\n"
        );
        let jsonl = written(SentenceFormat::Jsonl, text);
        let last: serde_json::Value = serde_json::from_str(jsonl.lines().last().unwrap()).unwrap();
        assert_eq!(last["paragraph"], 1);
        let (start, end) = (
            last["start"].as_u64().unwrap(),
            last["end"].as_u64().unwrap(),
        );
        assert_eq!(&text[start as usize..end as usize], "Trois é.");
    }
}
