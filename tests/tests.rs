//! passerelle's integration tests, one module per command. Each runs the real binary (built
//! by cargo for the test) on files in a temporary folder or on the bundled corpus.
//!
//! * `segment`: formats, languages, exit codes, bad input, and the bundled article's
//!   segmentation as a reviewed snapshot (`snapshots/`).
//! * `translate`: every backend against a real HTTP server on 127.0.0.1 speaking its wire
//!   format (headers, fields, batches, glossaries, faults, retries), the cache across runs
//!   (a killed run resumes), an external program, and translation memories.
//! * `check`: the bundled article against its glossary (clean, and with planted mistakes),
//!   every report format as a snapshot, SARIF against the official schema, exit codes for
//!   `--fail-on` and bad input, and the baseline round trip.
//! * `cli`: what every command shares: `--help`, `--version`, completions, usage errors.

mod check;
mod cli;
mod common;
mod segment;
mod translate;
