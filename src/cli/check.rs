//! `passerelle check`: a bitext against a glossary, reported for people (compiler-style
//! diagnostics, coloured on a terminal) or for CI (JSON, SARIF, JUnit, GitHub annotations),
//! with the exit status set by `--fail-on` and accepted findings kept in a baseline.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anstyle::{AnsiColor, Style};
use clap::{ArgGroup, Args, ValueEnum};
use unicode_width::UnicodeWidthStr;

use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::check::{self, Baseline, FailOn, Level, Options, Rule, Severity};
use crate::error::{show_path, Error};
use crate::files;
use crate::formats::findings::{Report, Summary};
use crate::formats::{self, findings, junit, sarif};
use crate::glossary::Glossary;
use crate::text::{Bitext, Lang, Origin, Pair, Span, Utf8Error};

pub(crate) const LONG_ABOUT: &str = "\
Check a translation against a glossary: terms, names, forbidden renderings, numbers, \
untranslated segments, consistency and length. Terms match whole words only, in any \
inflection (plural, feminine: Snowball stemming per word), after Unicode NFC, case folding \
(all-caps acronyms and names keep their case), apostrophe, quote and no-break space folding \
and French elision splitting.

Input: an alignment file passerelle wrote (TSV, JSON lines or TMX), or --src and --tgt, two \
files with one segment per line (line i against line i; blank lines pair with blank lines).

Rules (id, default severity):
  missing-term              error    the source has a glossary term, the target none of its
                                     renderings
  forbidden-term            error    the target uses a forbidden rendering
  name-mismatch             error    a glossary name is not verbatim in the target
  number-mismatch           error    a number in the source has no equal in the target
                                     (3,5 = 3.5; 1 000 = 1,000; 14 h 30 = 2:30 p.m.; 50e = 50th)
  untranslated              error    the target is empty or a copy of the source
  inconsistent-translation  warning  a term or a segment translated differently elsewhere
  length-ratio              info     the target is far shorter or longer than expected
Change a severity with --severity RULE=error|warning|info|off (repeatable).

Formats:
  human   compiler-style diagnostics with the term underlined (colour on a terminal)
  json    {\"findings\": [{rule, severity, segment, term, message, source_span,
          target_span, expected, fingerprint, source_location, target_location}],
          \"summary\": {...}}
  sarif   SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif)
  junit   JUnit XML, one test case per segment pair
  github  ::error file=...,line=...:: workflow annotations for GitHub Actions

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
  passerelle check -g glossary.tsv aligned.jsonl --baseline .passerelle-baseline.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    /// Compiler-style diagnostics for people.
    Human,
    /// One JSON document with the findings and a summary.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML for CI dashboards.
    Junit,
    /// GitHub Actions workflow annotations.
    Github,
}

/// The library's `FailOn`, as clap offers it (`check` and `run` take it).
impl ValueEnum for FailOn {
    fn value_variants<'a>() -> &'a [Self] {
        &FailOn::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

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
    #[arg(short, long, value_name = "FILE")]
    glossary: PathBuf,

    /// Language of the source.
    #[arg(long, default_value = "fr", value_name = "LANG")]
    src_lang: Lang,

    /// Language of the translation.
    #[arg(long, default_value = "en", value_name = "LANG")]
    tgt_lang: Lang,

    /// Report format.
    #[arg(short, long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,

    /// Exit with status 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    fail_on: FailOn,

    /// Severity of a rule, or `off` (repeatable): e.g. --severity length-ratio=off.
    #[arg(long = "severity", value_name = "RULE=LEVEL", value_parser = parse_severity)]
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

fn parse_severity(s: &str) -> Result<(Rule, Level), String> {
    let (rule, level) = s
        .split_once('=')
        .ok_or_else(|| format!("expected RULE=LEVEL, e.g. length-ratio=off, not '{s}'"))?;
    Ok((rule.trim().parse()?, level.trim().parse()?))
}

pub(crate) fn run(args: CheckArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let started = Instant::now();
    let glossary = Glossary::load_for(&args.glossary, &args.src_lang, &args.tgt_lang)
        .map_err(|e| Failure::Message(e.to_string()))?;
    // An alignment file is read whole, then checked; two line files are checked as they are
    // read, each pair while its text is in the CPU's cache.
    enum Input {
        Bitext(Bitext),
        Lines(Box<LinePairs>),
    }
    let input = match (&args.alignment, &args.src, &args.tgt) {
        (Some(path), _, _) => {
            Input::Bitext(formats::read_bitext(path, &args.src_lang, &args.tgt_lang)?)
        }
        (None, Some(src), Some(tgt)) => Input::Lines(Box::new(LinePairs::open(src, tgt)?)),
        _ => {
            return Err(Failure::Message(
                "give an ALIGNMENT file, or --src and --tgt".into(),
            ))
        }
    };
    let baseline = match &args.baseline {
        Some(path) => {
            let text = files::read_text(path)?;
            Some(
                Baseline::parse(&text)
                    .map_err(|e| Failure::Message(format!("{}: {e}", show_path(path))))?,
            )
        }
        None => None,
    };
    let mut options = Options::default();
    for (rule, level) in &args.severity {
        options.severity.insert(*rule, *level);
    }

    let checked = Instant::now();
    let (bitext, mut findings) = match input {
        Input::Bitext(bitext) => {
            let findings = check::check(&bitext, &glossary, &options);
            (bitext, findings)
        }
        Input::Lines(mut pairs) => {
            let (mut bitext, findings) = check::check_pairs(
                &args.src_lang,
                &args.tgt_lang,
                pairs.as_mut(),
                &glossary,
                &options,
            )?;
            let origins = pairs.origins();
            // Only the reports' locations use where a pair is in the files: JUnit has one
            // test case per pair, the others point at findings.
            if args.format == CheckFormat::Junit {
                let all = 0..bitext.pairs.len();
                origins.attach(&mut bitext.pairs, all);
            } else {
                for f in &findings {
                    origins.attach(&mut bitext.pairs, f.segment..f.segment + 1);
                }
            }
            (bitext, findings)
        }
    };
    let check_time = checked.elapsed();
    let read_while_checking = args.alignment.is_none();
    if let Some(path) = &args.write_baseline {
        files::write_atomic(path, &Baseline::write(&findings))?;
    }
    let baselined = baseline.as_ref().map_or(0, |b| b.filter(&mut findings));

    let report = Report {
        bitext: &bitext,
        findings: &findings,
        baselined,
        fail_on: args.fail_on.threshold(),
    };
    let to_stdout = args.out.as_ref().is_none_or(|p| p.as_os_str() == "-");
    let bytes = match args.format {
        CheckFormat::Human => {
            let colour = to_stdout
                && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
            human(&report, colour)
        }
        CheckFormat::Json => findings::to_json(&report),
        CheckFormat::Sarif => sarif::to_sarif(&report, env!("CARGO_PKG_VERSION")),
        CheckFormat::Junit => junit::to_junit(&report),
        CheckFormat::Github => findings::to_github(&report),
    };
    let mut out = Output::to(args.out.clone());
    out.write_all(&bytes)?;
    out.finish()?;

    let summary = Summary::of(&report);
    if verbosity >= Verbosity::Verbose {
        let bytes: usize = bitext.pairs.iter().map(|p| p.src.len() + p.tgt.len()).sum();
        let secs = check_time.as_secs_f64();
        let _ = writeln!(
            std::io::stderr(),
            "passerelle: {} glossary entries, {} segment pairs, {bytes} bytes {}checked in {:.1} \
             ms ({:.1} MB/s); {:.1} ms in all",
            glossary.len(),
            bitext.pairs.len(),
            if read_while_checking { "read and " } else { "" },
            secs * 1e3,
            bytes as f64 / 1e6 / secs.max(1e-9),
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    if verbosity >= Verbosity::Normal && args.format != CheckFormat::Human {
        let _ = writeln!(std::io::stderr(), "passerelle: {}", summary_line(&summary));
    }
    // The process ends right after: freeing a document of millions of segments string by
    // string would only delay the exit (by a tenth of a second for a million pairs). The
    // memory goes back to the system with the process.
    std::mem::forget(bitext);
    if let Some(path) = &args.write_baseline {
        if verbosity >= Verbosity::Normal {
            let _ = writeln!(
                std::io::stderr(),
                "passerelle: wrote {} accepted finding{} to {}",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" },
                show_path(path)
            );
        }
        return Ok(Outcome::Ok);
    }
    Ok(if summary.failed {
        Outcome::Findings
    } else {
        Outcome::Ok
    })
}

/// Pairs line i of `src` with line i of `tgt`, as they are read. Files of different lengths
/// are an error, once the shorter one ends.
///
/// Both files are read a block at a time, each line going straight into its pair: a document
/// of a hundred megabytes is never held twice, once whole and once cut into segments. The
/// pairs come without their origins (file, line and column), which [`Origins::attach`] adds
/// to the pairs a report points at: two paths for each of a million pairs are two million
/// allocations and a hundred megabytes for nothing.
struct LinePairs {
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
struct Origins {
    src: PathBuf,
    tgt: PathBuf,
    /// Where the text of the first line starts (3 after a BOM) in each file; later lines
    /// start at 0.
    first_offsets: (usize, usize),
}

impl Origins {
    /// Gives the pairs in `range` their origins, pair i being line i + 1 of both files.
    fn attach(&self, pairs: &mut [Pair], range: std::ops::Range<usize>) {
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
    fn open(src: &Path, tgt: &Path) -> Result<LinePairs, Failure> {
        if src.as_os_str() == "-" && tgt.as_os_str() == "-" {
            return Err(Failure::Message(
                "--src and --tgt cannot both be standard input".into(),
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
    fn origins(&self) -> Origins {
        Origins {
            src: self.src.clone(),
            tgt: self.tgt.clone(),
            first_offsets: self.first_offsets,
        }
    }

    fn next_pair(&mut self) -> Result<Option<Pair>, Failure> {
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
                Err(Failure::Lib(Error::Input(format!(
                    "{} has {src_count} lines but {} has {tgt_count}; --src and --tgt pair line \
                     i with line i",
                    show_path(&self.src),
                    show_path(&self.tgt),
                ))))
            }
        }
    }
}

impl Iterator for LinePairs {
    type Item = Result<Pair, Failure>;

    fn next(&mut self) -> Option<Result<Pair, Failure>> {
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
fn open(path: &Path) -> Result<Box<dyn Read>, Error> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
    Ok(Box::new(file))
}

/// Lines of UTF-8 text read from a reader a block at a time. Each block's complete lines are
/// checked as UTF-8 at once, which is much faster than line by line, and cut into their own
/// strings straight away.
struct LineReader<R> {
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
    fn new(reader: R, path: &Path) -> LineReader<R> {
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
    fn next_line(&mut self) -> Result<Option<(usize, String)>, Error> {
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
    fn fill(&mut self) -> Result<bool, Error> {
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

fn summary_line(s: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {}, {} in {}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "note"),
        plural(s.segments, "segment pair")
    );
    if s.baselined > 0 {
        line += &format!(" ({} accepted by the baseline)", s.baselined);
    }
    line
}

/// How far around a span the human report shows, in characters.
const CONTEXT: usize = 32;

/// Compiler-style diagnostics, one block per finding, then a summary line.
fn human(report: &Report<'_>, colour: bool) -> Vec<u8> {
    let paint = |style: Style, text: &str| -> String {
        if colour {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    };
    let severity_style = |s: Severity| {
        let c = match s {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        };
        Style::new().fg_color(Some(c.into())).bold()
    };
    let bold = Style::new().bold();
    let blue = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    let mut out = String::new();
    for f in report.findings {
        let style = severity_style(f.severity);
        let label = match f.severity {
            Severity::Info => "note",
            s => s.as_str(),
        };
        out += &format!(
            "{}: {}\n",
            paint(style, &format!("{label}[{}]", f.rule.id())),
            paint(bold, &f.message)
        );
        let mut place = format!("segment {}", f.segment);
        if let Some(l) = report.source_location(f) {
            place += &format!(", source {}", show_location(&l));
        }
        match report.target_location(f) {
            Some(l) => {
                out += &format!("  {} {} ({place})\n", paint(blue, "-->"), show_location(&l))
            }
            None => out += &format!("  {} {place}\n", paint(blue, "-->")),
        }
        let Some(pair) = report.bitext.pairs.get(f.segment) else {
            continue;
        };
        let gutter = |name: &str| paint(blue, &format!("{name:>5} |"));
        out += &format!("{}\n", gutter(""));
        for (name, text, span) in [
            ("src", &pair.src, f.source_span),
            ("tgt", &pair.tgt, f.target_span),
        ] {
            let (shown, underline) = excerpt(text, span);
            out += &format!("{} {shown}\n", gutter(name));
            if let Some((pad, width)) = underline {
                out += &format!(
                    "{} {}{}\n",
                    gutter(""),
                    " ".repeat(pad),
                    paint(style, &"^".repeat(width.max(1)))
                );
            }
        }
        if !f.expected.is_empty() {
            out += &format!(
                "{} expected: {}\n",
                paint(blue, "      ="),
                f.expected.join(" | ")
            );
        }
        out.push('\n');
    }
    let summary = Summary::of(report);
    let worst = report.counts().worst();
    let line = summary_line(&summary);
    out += &match worst {
        Some(s) => format!("{}: {line}\n", paint(severity_style(s), "check")),
        None => format!("check: {line}\n"),
    };
    out.into_bytes()
}

fn show_location(l: &findings::Location) -> String {
    match l.column {
        Some(c) => format!("{}:{}:{c}", l.path, l.line),
        None => format!("{}:{}", l.path, l.line),
    }
}

/// The part of `text` around `span` on one line (whitespace runs shown as one space), and
/// where to underline the span in it: (display columns before, display width).
fn excerpt(text: &str, span: Option<Span>) -> (String, Option<(usize, usize)>) {
    let flat = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect()
    };
    let Some(span) = span.filter(|s| text.get(s.range()).is_some()) else {
        let trimmed = text.trim();
        let head: String = trimmed.chars().take(2 * CONTEXT + 16).collect();
        let more = if head.len() < trimmed.len() {
            "…"
        } else {
            ""
        };
        return (format!("{}{more}", flat(&head)), None);
    };
    let before = &text[..span.start];
    let after = &text[span.end..];
    let before_chars: Vec<char> = before.chars().collect();
    let skip = before_chars.len().saturating_sub(CONTEXT);
    let mut lead: String = before_chars[skip..].iter().collect();
    lead = lead.trim_start().to_string();
    let lead = if skip > 0 { format!("…{lead}") } else { lead };
    let tail: String = after.chars().take(CONTEXT).collect();
    let tail_more = if tail.len() < after.len() { "…" } else { "" };
    let lead = flat(&lead);
    let middle = flat(span.slice(text));
    let shown = format!("{lead}{middle}{}{tail_more}", flat(tail.trim_end()));
    (shown, Some((lead.width(), middle.width())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8]) -> Result<Vec<(usize, String)>, Error> {
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

    #[test]
    fn excerpts_underline_the_span() {
        let text =
            "Selon lui, le discours de la plateforme d'informatique en nuage de l'entreprise, Azure, a été";
        let start = text.find("informatique").unwrap();
        let span = Span::new(start, start + "informatique en nuage".len());
        let (shown, underline) = excerpt(text, Some(span));
        let (pad, width) = underline.unwrap();
        assert_eq!(width, 21);
        let shown_chars: Vec<char> = shown.chars().collect();
        let underlined: String = shown_chars[pad..pad + width].iter().collect();
        assert_eq!(underlined, "informatique en nuage");
        assert!(
            shown.starts_with('…') && shown.ends_with("a été"),
            "{shown}"
        );
    }

    #[test]
    fn severity_flags_parse() {
        assert_eq!(
            parse_severity("length-ratio=off"),
            Ok((Rule::LengthRatio, Level::Off))
        );
        assert!(parse_severity("length-ratio").is_err());
        assert!(parse_severity("nope=error")
            .unwrap_err()
            .contains("unknown rule 'nope'"));
        assert!(parse_severity("untranslated=fatal")
            .unwrap_err()
            .contains("unknown level"));
    }
}
