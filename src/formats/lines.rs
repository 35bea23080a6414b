//! Two line files read as segment pairs, line i of one against line i of the other, as
//! `passerelle check --src --tgt` takes them: a block at a time, UTF-8 checked per block, each
//! line going straight into its pair, origins (file, line, column) attached afterwards only
//! to the pairs a report points at. Reading only: nothing here checks or writes.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{show_path, Error, Result};
use crate::text::{Origin, Pair, Utf8Error};

/// Pairs line i of `src` with line i of `tgt`, as they are read. Files of different lengths
/// are an error, once the shorter one ends.
///
/// Both files are read a block at a time, each line going straight into its pair: a document
/// of a hundred megabytes is never held twice, once whole and once cut into segments. The
/// pairs come without their origins (file, line and column), which [`Origins::attach`] adds
/// to the pairs a report points at: two paths for each of a million pairs are two million
/// allocations and a hundred megabytes for nothing.
pub struct LinePairs {
    src: PathBuf,
    tgt: PathBuf,
    src_lines: LineReader<Box<dyn Read>>,
    tgt_lines: LineReader<Box<dyn Read>>,
    /// Pairs given so far.
    count: usize,
    /// Where the text of the first line starts in each file.
    first_offsets: (usize, usize),
    done: bool,
}

/// Where line pairs come from, to attach to them after the check; see [`LinePairs`].
pub struct Origins {
    src: PathBuf,
    tgt: PathBuf,
    /// Where the text of the first line starts (3 after a BOM) in each file; later lines
    /// start at 0.
    first_offsets: (usize, usize),
}

impl Origins {
    /// Gives the pairs in `range` their origins, pair i being line i + 1 of both files.
    pub fn attach(&self, pairs: &mut [Pair], range: std::ops::Range<usize>) {
        let end = range.end.min(pairs.len());
        let start = range.start.min(end);
        for (i, pair) in (start..end).zip(&mut pairs[start..end]) {
            if pair.src_origin.is_some() {
                continue;
            }
            let (src_offset, tgt_offset) = if i == 0 { self.first_offsets } else { (0, 0) };
            let origin = |path: &Path, offset: usize| Origin {
                path: path.to_path_buf(),
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                column_offset: Some(offset),
            };
            pair.src_origin = Some(origin(&self.src, src_offset));
            pair.tgt_origin = Some(origin(&self.tgt, tgt_offset));
        }
    }
}

impl LinePairs {
    pub fn open(src: &Path, tgt: &Path) -> Result<LinePairs> {
        if src.as_os_str() == "-" && tgt.as_os_str() == "-" {
            return Err(Error::Input(
                "the source and the target cannot both be standard input".into(),
            ));
        }
        Ok(LinePairs {
            src_lines: LineReader::new(open(src)?, src),
            tgt_lines: LineReader::new(open(tgt)?, tgt),
            src: src.to_path_buf(),
            tgt: tgt.to_path_buf(),
            count: 0,
            first_offsets: (0, 0),
            done: false,
        })
    }

    /// Where the pairs read so far come from.
    pub fn origins(&self) -> Origins {
        Origins {
            src: self.src.clone(),
            tgt: self.tgt.clone(),
            first_offsets: self.first_offsets,
        }
    }

    fn next_pair(&mut self) -> Result<Option<Pair>> {
        let i = self.count;
        match (self.src_lines.next_line()?, self.tgt_lines.next_line()?) {
            (Some((s_off, s)), Some((t_off, t))) => {
                self.count += 1;
                if i == 0 {
                    self.first_offsets = (s_off, t_off);
                }
                Ok(Some(Pair {
                    src: s,
                    tgt: t,
                    src_origin: None,
                    tgt_origin: None,
                    low_confidence: false,
                }))
            }
            (None, None) => Ok(None),
            (s, t) => {
                // One file ended first: count the other's lines for the message.
                let count = |first: bool, reader: &mut LineReader<Box<dyn Read>>| {
                    let mut n = i + usize::from(first);
                    while reader.next_line()?.is_some() {
                        n += 1;
                    }
                    Ok::<usize, Error>(n)
                };
                let src_count = count(s.is_some(), &mut self.src_lines)?;
                let tgt_count = count(t.is_some(), &mut self.tgt_lines)?;
                Err(Error::Input(format!(
                    "{} has {src_count} lines but {} has {tgt_count}; the source and the target \
                     pair line i with line i",
                    show_path(&self.src),
                    show_path(&self.tgt),
                )))
            }
        }
    }
}

impl Iterator for LinePairs {
    type Item = Result<Pair>;

    fn next(&mut self) -> Option<Result<Pair>> {
        if self.done {
            return None;
        }
        let next = self.next_pair().transpose();
        // After the end or an error, nothing more.
        self.done = !matches!(next, Some(Ok(_)));
        next
    }
}

/// A file, or standard input for `-`.
fn open(path: &Path) -> Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
    Ok(Box::new(file))
}

/// Lines of UTF-8 text read from a reader a block at a time. Each block's complete lines are
/// checked as UTF-8 at once, which is much faster than line by line, and cut into their own
/// strings straight away.
pub struct LineReader<R> {
    reader: R,
    path: PathBuf,
    /// Bytes read and not yet cut into lines: `buf[..end]`, where no line ends.
    buf: Vec<u8>,
    end: usize,
    /// Byte offset in the file of `buf[0]`, for the offset of an invalid byte.
    offset: usize,
    eof: bool,
    /// Lines cut and not yet returned, with the offsets of their text.
    lines: std::collections::VecDeque<(usize, String)>,
    first: bool,
}

/// Bytes read at a time.
const BLOCK: usize = 1 << 16;

impl<R: Read> LineReader<R> {
    pub fn new(reader: R, path: &Path) -> LineReader<R> {
        LineReader {
            reader,
            path: path.to_path_buf(),
            buf: vec![0; BLOCK],
            end: 0,
            offset: 0,
            eof: false,
            lines: std::collections::VecDeque::new(),
            first: true,
        }
    }

    /// The next line without its end, with the byte offset where its text starts in the line
    /// (3 for a first line after a BOM, 0 otherwise). A final line break ends the last line;
    /// it does not start an empty one.
    pub fn next_line(&mut self) -> Result<Option<(usize, String)>> {
        loop {
            if let Some(line) = self.lines.pop_front() {
                return Ok(Some(line));
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Reads until `buf` holds a complete line (or the end of the file), and cuts the complete
    /// lines it holds (everything, at the end of the file) into `lines`. `false` when nothing
    /// is left.
    fn fill(&mut self) -> Result<bool> {
        let mut searched = 0;
        let cut = loop {
            if let Some(k) = memchr::memrchr(b'\n', &self.buf[searched..self.end]) {
                break searched + k + 1;
            }
            if self.eof {
                break self.end;
            }
            searched = self.end;
            if self.end == self.buf.len() {
                // A line longer than the buffer.
                self.buf.resize(self.buf.len() * 2, 0);
            }
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::read(&self.path, e)),
            }
        };
        if cut == 0 {
            return Ok(false);
        }
        let text = std::str::from_utf8(&self.buf[..cut]).map_err(|e| Error::Utf8 {
            path: self.path.clone(),
            source: Utf8Error {
                offset: self.offset + e.valid_up_to(),
            },
        })?;
        let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
        let mut start = 0;
        while start < text.len() {
            let end = ends.next().unwrap_or(text.len());
            let line = &text[start..end];
            start = end + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            let first = std::mem::replace(&mut self.first, false);
            self.lines.push_back(match line.strip_prefix('\u{feff}') {
                Some(rest) if first => (3, rest.to_string()),
                _ => (0, line.to_string()),
            });
        }
        self.buf.copy_within(cut..self.end, 0);
        self.end -= cut;
        self.offset += cut;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8]) -> Result<Vec<(usize, String)>> {
        let mut reader = LineReader::new(bytes, Path::new("f.txt"));
        let mut out = Vec::new();
        while let Some(line) = reader.next_line()? {
            out.push(line);
        }
        Ok(out)
    }

    #[test]
    fn lines_keep_offsets_and_ignore_the_final_break() {
        let l = |bytes: &[u8]| -> Vec<(usize, String)> { lines(bytes).unwrap() };
        let owned = |v: &[(usize, &str)]| -> Vec<(usize, String)> {
            v.iter().map(|(o, s)| (*o, s.to_string())).collect()
        };
        assert_eq!(l(b"a\r\nb\n"), owned(&[(0, "a"), (0, "b")]));
        assert_eq!(
            l("\u{feff}a\n\nb".as_bytes()),
            owned(&[(3, "a"), (0, ""), (0, "b")])
        );
        assert_eq!(
            l("a\n\u{feff}b".as_bytes()),
            owned(&[(0, "a"), (0, "\u{feff}b")])
        );
        assert!(l(b"").is_empty());
        assert_eq!(l(b"\n"), owned(&[(0, "")]));
        assert_eq!(l(b"\r"), owned(&[(0, "")]));
    }

    #[test]
    fn lines_longer_than_a_block_and_many_blocks_are_read_whole() {
        let long = "é".repeat(BLOCK);
        let mut text = String::new();
        for i in 0..3 * BLOCK / 10 {
            text += &format!("ligne {i}\n");
        }
        text += &long;
        text += "\nfin";
        let expected: Vec<String> = text.split('\n').map(str::to_string).collect();
        let got: Vec<String> = lines(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn an_invalid_byte_is_reported_at_its_offset_in_the_file() {
        let mut bytes = Vec::new();
        for _ in 0..BLOCK / 8 {
            bytes.extend_from_slice(b"abcdefg\n");
        }
        let at = bytes.len() + 2;
        bytes.extend_from_slice(b"ab\xff\r\n");
        match lines(&bytes) {
            Err(Error::Utf8 { source, .. }) => assert_eq!(source.offset, at),
            other => panic!("{other:?}"),
        }
        match lines(b"ok\r\n\xc3\r\n") {
            Err(Error::Utf8 { source, .. }) => assert_eq!(source.offset, 4),
            other => panic!("{other:?}"),
        }
    }
}
