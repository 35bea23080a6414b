//! A bitext read and checked in one go, as `passerelle check` takes it: an alignment file
//! (read whole, then checked), or two line files whose pairs are checked as they are read,
//! each while its text is in the CPU's cache, and which get their places in the files only
//! where a report needs them. Also the baseline file, read with a message that names it.

use std::path::Path;

use crate::check::{self, Baseline, Finding, Options};
use crate::error::{show_path, Error, Result};
use crate::files;
use crate::formats::{self, lines::LinePairs};
use crate::glossary::Glossary;
use crate::text::{Bitext, Lang};

/// Where the bitext comes from.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// An alignment file passerelle wrote (TSV, JSON lines, TMX, XLIFF).
    Alignment(&'a Path),
    /// Line i of `src` against line i of `tgt`.
    Lines { src: &'a Path, tgt: &'a Path },
}

/// Reads and checks `input`. Pairs from line files know where they are in the files when a
/// finding points at them, or all of them with `locate_all` (a JUnit report lists every pair).
pub fn check_input(
    input: Input<'_>,
    src_lang: &Lang,
    tgt_lang: &Lang,
    glossary: &Glossary,
    options: &Options,
    locate_all: bool,
) -> Result<(Bitext, Vec<Finding>)> {
    match input {
        Input::Alignment(path) => {
            let bitext = formats::read_bitext(path, src_lang, tgt_lang)?;
            let findings = check::check(&bitext, glossary, options);
            Ok((bitext, findings))
        }
        Input::Lines { src, tgt } => {
            let mut pairs = LinePairs::open(src, tgt)?;
            let (mut bitext, findings) =
                check::check_pairs(src_lang, tgt_lang, &mut pairs, glossary, options)?;
            let origins = pairs.origins();
            if locate_all {
                let all = 0..bitext.pairs.len();
                origins.attach(&mut bitext.pairs, all);
            } else {
                for f in &findings {
                    origins.attach(&mut bitext.pairs, f.segment..f.segment + 1);
                }
            }
            Ok((bitext, findings))
        }
    }
}

/// Reads a baseline file.
pub fn read_baseline(path: &Path) -> Result<Baseline> {
    Baseline::parse(&files::read_text(path)?)
        .map_err(|e| Error::Input(format!("{}: {e}", show_path(path))))
}
