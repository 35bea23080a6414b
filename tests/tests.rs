//! passerelle's integration tests, one module per command. Each runs the real binary (built
//! by cargo for the test) on files in a temporary folder or on the bundled corpus.
//!
//! * `segment`: formats, languages, exit codes, bad input, and the bundled article's
//!   segmentation as a reviewed snapshot (`snapshots/`).
//! * `align`: every alignment format, the article against its gold, translation, glossary and
//!   embedding evidence (a loopback `/v1/embeddings` server), bad input.
//! * `translate`: every backend against a real HTTP server on 127.0.0.1 speaking its wire
//!   format (headers, fields, batches, glossaries, faults, retries), the cache across runs
//!   (a killed run resumes), an external program, and translation memories; placeholders,
//!   tags and URLs protected through each backend, and a server that mangles them.
//! * `embed`: the embeddings client through the library against an OpenAI-compatible server
//!   on 127.0.0.1 (`common::embed_server`, a French/English/German concept lexicon).
//! * `batch`: JSON lines of document pairs; the beads equal `align`'s (a property test on
//!   random documents too) and the findings `check`'s, input order with `--jobs 2`, every kind
//!   of bad line, CRLF, a closed standard output, `--shard`, `--fail-fast`, and the records
//!   against the JSON Schemas in schemas/.
//! * `check`: the bundled article against its glossary (clean, and with planted mistakes),
//!   every report format as a snapshot (and, without a glossary, placeholder, markup and URL
//!   findings in every format), SARIF against the official schema, exit codes for
//!   `--fail-on` and bad input, and the baseline round trip.
//! * `cli`: what every command shares: `--help`, `--version`, completions, usage errors.
//! * `run`: the whole pipeline on the bundled corpus (outputs as reviewed snapshots), exit
//!   codes, bad project files (file, line, key), unwritable outputs, atomic outputs, a
//!   translation memory and paragraph translation, TMX and XLIFF read back identically, and
//!   the example project files.
//! * `review`: the terminal side-by-side view and the HTML report of alignment files.
//! * `diff`: hand-made alignments with every kind of change, in every format; exit codes;
//!   inputs that cannot be compared.
//! * `report_browser`: the HTML report in headless Chromium through WebDriver (filter,
//!   keyboard, screenshot to docs/report.png); skipped without chromium and chromedriver.
//! * `newcomer`: README's two commands from a fresh copy of the repository.
//! * `numbers`: the library's number scanner against a plain reference scanner (property
//!   tests on generated and arbitrary text).

mod align;
mod batch;
mod check;
mod cli;
mod common;
mod diff;
mod embed;
mod newcomer;
mod numbers;
mod report_browser;
mod review;
mod run;
mod segment;
mod translate;
