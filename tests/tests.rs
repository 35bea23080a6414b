//! passerelle's integration tests, one module per command. Each runs the real binary (built
//! by cargo for the test) on files in a temporary folder or on the bundled corpus.
//!
//! * `segment`: formats, languages, exit codes, bad input, and the bundled article's
//!   segmentation as a reviewed snapshot (`snapshots/`).
//! * `cli`: what every command shares: `--help`, `--version`, completions, usage errors.

mod cli;
mod common;
mod segment;
