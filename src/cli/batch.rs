//! `passerelle batch`: JSON lines of document pairs on standard input, one aligned (and, with
//! a glossary, checked) record per line on standard output. The work is
//! `crate::pipeline::batch`'s; this file parses the flags, builds the translation engines a
//! backend needs, and turns the outcome into an exit status.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::builder::TypedValueParser;
use clap::Args;

use super::backend::{self, BackendArgs, EmbedArgs};
use super::{Failure, Outcome, Verbosity};
use crate::align::CostWeights;
use crate::check::{Level, Rule};
use crate::glossary::Glossary;
use crate::pipeline::batch::{self, BatchOptions, Embeddings, Engines, Setup, Shard};
use crate::pipeline::pair::Embedding;
use crate::text::Lang;

pub(crate) const LONG_ABOUT: &str = "\
Align many document pairs at once: JSON lines on standard input, one document pair a line, \
and exactly one JSON line on standard output per input line, in input order whatever --jobs \
is. The same input gives the same bytes, so a task run twice (Spark retries, speculative \
execution) writes the same output.

Input record (schemas/batch-input.schema.json):
  {\"id\": \"doc-1\", \"src\": \"Texte…\", \"tgt\": \"Text…\", \"src_lang\": \"fr\", \"tgt_lang\": \"en\",
   \"presegmented\": false, \"mt\": \"…\"}
id, src and tgt are required; the others have the defaults shown. `presegmented`: one \
sentence a line, blank lines between paragraphs (as align --presegmented). `mt`: a \
translation of src, one line per source sentence, used as align --translation uses it; \
records without it are translated by --backend when one is given. With --embed-endpoint URL \
--embed-model NAME, both sides of every record are embedded and the vectors are evidence, as \
for align --embed-endpoint (translations and vectors share the cache).

Output record (schemas/batch-output.schema.json):
  {\"id\": \"doc-1\", \"ok\": true, \"src_sentences\": [...], \"tgt_sentences\": [...],
   \"beads\": [{\"src\": [0], \"tgt\": [0, 1], \"type\": \"1-2\", \"score\": 0.93, \"review\": false}],
   \"findings\": [...]}
The beads are those `passerelle align --format jsonl` gives for the pair with the same \
options; sentences are on one line each (line breaks inside a sentence become spaces), and a \
bead's text is its sentences joined by a space. `findings` are the objects of `passerelle \
check --format json` on the beads (`segment` is the bead's index): without --glossary, those \
of the rules that need none (numbers, untranslated, length, placeholders, markup, URLs).

A line that cannot be used (not JSON, a missing, mistyped or unknown field, invalid UTF-8, \
longer than --max-record-bytes, a language the glossary lacks, a translation or an \
embedding that failed) \
gets {\"id\": <its id or null>, \"line\": N, \"ok\": false, \"error\": \"...\"} and the run goes \
on. Lines end with \\n or \\r\\n; the last one may have no line end.

--shard K/N keeps the records whose id hashes to K (FNV-1a 64 of the id's UTF-8 bytes, \
modulo N; lines with no readable id go to shard 0): the N shards of an input partition it.

Exit status: 0 when every line got its record (error records included); 2 on a read or \
write error, bad usage, or, with --fail-fast, at the first bad record (after writing its \
error record). A closed standard output ends the run quietly.

Examples:
  passerelle batch < pairs.jsonl > aligned.jsonl
  passerelle batch --jobs 8 --glossary glossary/microsoft-build.tsv < pairs.jsonl
  passerelle batch --shard 0/4 --no-cache < pairs.jsonl > shard-0.jsonl
  passerelle batch --backend tm --memory memory.tmx < pairs.jsonl";

#[derive(Debug, Args)]
pub(crate) struct BatchArgs {
    /// Documents aligned at once [default: the number of cores].
    #[arg(short, long, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    jobs: Option<u16>,

    /// A glossary (TSV, CSV or TBX): its term pairs are alignment evidence (as align
    /// --glossary) and its terms are checked too (as check --glossary).
    #[arg(short, long, value_name = "FILE")]
    glossary: Option<PathBuf>,

    /// Stop at the first bad line, after writing its error record, with exit status 2.
    #[arg(long)]
    fail_fast: bool,

    /// Longest input line, in bytes; a longer one gets an error record.
    #[arg(long, value_name = "BYTES", default_value_t = batch::DEFAULT_MAX_RECORD_BYTES,
          value_parser = clap::value_parser!(u64).range(1..).map(|n| usize::try_from(n).unwrap_or(usize::MAX)))]
    max_record_bytes: usize,

    /// Keep only the records whose id hashes to shard K of N (0 <= K < N).
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,

    /// Flag beads whose confidence is below this for review (as align).
    #[arg(long, default_value_t = 0.5, value_name = "SCORE", value_parser = crate::align::parse_review_threshold)]
    review_below: f32,

    /// Advanced: the cost weights, as align --cost-weights.
    #[arg(long, value_name = "W,...", value_parser = CostWeights::parse)]
    cost_weights: Option<CostWeights>,

    /// Severity of a rule in the findings, or `off` (repeatable), as check --severity.
    #[arg(long = "severity", value_name = "RULE=LEVEL", value_parser = crate::check::parse_severity)]
    severity: Vec<(Rule, Level)>,

    #[command(flatten)]
    backend: BackendArgs,

    #[command(flatten)]
    embed: EmbedArgs,
}

pub(crate) fn run(args: BatchArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let started = Instant::now();
    args.backend.check_lone_flags()?;
    let glossary = args.glossary.as_deref().map(Glossary::load).transpose()?;
    if args.backend.backend.is_some() {
        // Bad flags (a missing key, no --memory) are usage errors, found before any input;
        // the engines themselves are built for the directions the records ask for.
        backend::settings(&args.backend, &Lang::Fr, &Lang::En)?;
    }
    let embed = args.embed.settings();
    // Translations and embeddings share the cache; a run with neither makes none.
    let cache = match args.backend.backend.is_some() || embed.is_some() {
        true => backend::open_cache(&args.backend)?,
        false => None,
    };
    let engines = match args.backend.backend {
        Some(_) => {
            let settings = |from: &Lang, to: &Lang| {
                backend::settings(&args.backend, from, to).map_err(|e| e.to_string())
            };
            let context = args.backend.context.clone();
            let engines = Engines::new(Box::new(settings), context, cache.clone())?;
            Some(engines)
        }
        None => None,
    };
    let embeddings = match embed {
        Some(settings) => {
            let options = args.backend.base_settings().engine_options();
            Some(Embeddings::new(Embedding::new(settings, cache, options)?)?)
        }
        None => None,
    };
    let mut setup = Setup::new(glossary.as_ref());
    setup.translator = engines.as_ref();
    setup.embeddings = embeddings.as_ref();
    setup.review_below = args.review_below;
    setup.weights = args.cost_weights;
    setup.check.severity.extend(args.severity.iter().copied());
    let jobs = args.jobs.map_or_else(batch::all_cores, usize::from);
    let options = BatchOptions {
        jobs,
        max_record_bytes: args.max_record_bytes,
        shard: args.shard,
        fail_fast: args.fail_fast,
    };
    let output = io::BufWriter::with_capacity(1 << 16, io::stdout());
    let result = batch::run(io::stdin().lock(), output, &setup, &options);
    let summary = match result {
        Ok(summary) => summary,
        Err(e) if e.is_broken_pipe() => return Err(Failure::BrokenPipe),
        Err(e) => return Err(Failure::Message(e.to_string())),
    };
    if verbosity >= Verbosity::Verbose || (verbosity >= Verbosity::Normal && summary.errors > 0) {
        let shards = match args.shard {
            Some(s) => format!(
                ", {} in other shards than {}/{}",
                summary.skipped, s.index, s.count
            ),
            None => String::new(),
        };
        let _ = writeln!(
            io::stderr(),
            "passerelle: {} lines, {} records ({} errors){shards}, {jobs} jobs, {:.2} s",
            summary.lines,
            summary.written,
            summary.errors,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(Outcome::Ok)
}
