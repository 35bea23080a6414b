//! `passerelle align`: sentence alignment of a text and its translation, written as TSV,
//! JSON lines, a bead list, TMX or a Moses file pair.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::backend::{open_cache, service_failure, translate_segments};
use super::output::Output;
use super::{Failure, Outcome, Verbosity};
use crate::align;
use crate::error::{show_path, Error};
use crate::files;
use crate::formats::{AlignmentFormat, Written};
use crate::glossary::Glossary;
use crate::pipeline::pair::{read_translation, Embedding, PairAligner, Sentences};

const ABOUT_HEAD: &str = "\
Align the sentences of a text with those of its translation, as beads (1-1, 2-1, 1-2, 2-2, \
1-3, 3-1, and 1-0/0-1 for sentences with no counterpart).

The cost of a bead combines sentence lengths (Gale-Church, with the length ratio and \
variance measured on the two documents), evidence that needs no translation (numbers, names \
and cognates, question and exclamation marks, quotes, glossary pairs) and, with \
--translation FILE (or --backend NAME, which makes one with the `translate` options), how much \
of a translation of the source the target shares, and, with --embed-endpoint, how close a \
multilingual sentence encoder puts the two sides. Paragraph breaks present on both sides are \
anchors: a bead may not run across one without strong evidence, and when both sides have the \
same number of paragraphs, paragraph i is aligned with paragraph i unless the evidence is \
overwhelming.

Sentence embeddings (--embed-endpoint URL --embed-model NAME) come from any server speaking \
OpenAI's POST /v1/embeddings: llama.cpp's server (--embeddings), Ollama \
(http://localhost:11434/v1), Hugging Face text-embeddings-inference, vLLM, OpenAI. Every run \
of 1 to --embed-overlaps consecutive sentences of both sides is embedded (each distinct text \
once, in batches of --embed-batch, with the retries of the translation backends) and cached \
in the same file as translations (--cache / --no-cache), so a second run sends nothing. A \
bead scores the cosine of its two sides' vectors, weighed by how well their lengths agree \
(Bertalign's scoring), and beads of up to four sentences a side (3-2, 2-3, 4-1, 1-4) are \
searched too. The key comes from PASSERELLE_EMBED_API_KEY, else OPENAI_API_KEY (none is \
needed for local servers); it is never printed.

Long documents are aligned coarse-to-fine in a band, so time and memory grow linearly \
(100 000 sentences a side is fine).

Every bead gets a confidence in [0, 1]; beads below --review-below are flagged `review` in \
TSV/JSONL/TMX output.

Without --presegmented, both files are split with `passerelle segment` rules for their \
languages. With it, each non-blank line is one sentence and blank lines separate paragraphs \
(the input hunalign, Bleualign and Vecalign take). Any language code is accepted; features \
that need a language fall back to language-independent ones.";

/// The help text, with the formats listed from the library's list.
pub(crate) fn long_about() -> String {
    let formats: Vec<_> = AlignmentFormat::ALL
        .iter()
        .map(|f| (f.name(), f.describe().to_string()))
        .collect();
    format!(
        "{ABOUT_HEAD}\n\nFormats (moses and text write two files: --out PREFIX gives \
         PREFIX.<lang> or PREFIX.<lang>.txt):\n{}\n{ABOUT_TAIL}",
        super::help_list(&formats)
    )
}

const ABOUT_TAIL: &str = "\
Examples:
  passerelle align corpora/microsoft-build/article.fr.txt corpora/microsoft-build/article.en.txt
  passerelle align a.fr b.en --embed-endpoint http://localhost:8080/v1 --embed-model bge-m3
  passerelle align --presegmented --src-lang de --tgt-lang fr --translation mt.fr doc.de doc.fr --format beads
  passerelle align a.fr b.en --format moses --out corpus/train";

#[derive(Debug, Args)]
pub(crate) struct AlignArgs {
    /// The source text (UTF-8).
    #[arg(value_name = "SRC")]
    src: PathBuf,

    /// Its translation (UTF-8).
    #[arg(value_name = "TGT")]
    tgt: PathBuf,

    #[command(flatten)]
    langs: super::Languages,

    /// Both files are already split: one sentence per line, blank lines between paragraphs.
    #[arg(long)]
    presegmented: bool,

    /// A translation of SRC into the target language, one line per source sentence (as
    /// Bleualign's -t); blank lines are ignored. Or let --backend make one.
    #[arg(long, value_name = "FILE", conflicts_with = "backend")]
    translation: Option<PathBuf>,

    #[command(flatten)]
    backend: super::backend::BackendArgs,

    /// A glossary (TSV, CSV or TBX): its term pairs are evidence that two sentences match
    /// (and, with --backend, go to the translation engine).
    #[arg(short, long, value_name = "FILE")]
    glossary: Option<PathBuf>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = AlignmentFormat::Tsv)]
    format: AlignmentFormat,

    /// Write to this file (atomically) instead of standard output; for `moses`, the prefix
    /// of the two files.
    #[arg(short, long, value_name = "PATH")]
    out: Option<PathBuf>,

    /// Flag beads whose confidence is below this for review.
    #[arg(long, default_value_t = 0.5, value_name = "SCORE", value_parser = align::parse_review_threshold)]
    review_below: f32,

    /// Advanced: the cost weights, comma-separated (length, evidence, skip, paragraph,
    /// prior 2-1, prior 2-2, prior 3-1, skip gamma, skip floor, and optionally embedding),
    /// for tuning on gold alignments of your own with `eval align`. `-v` prints the defaults
    /// in use.
    #[arg(long, value_name = "W,...", value_parser = align::CostWeights::parse)]
    cost_weights: Option<align::CostWeights>,

    #[command(flatten)]
    embed: super::backend::EmbedArgs,
}

pub(crate) fn run(args: AlignArgs, verbosity: Verbosity) -> Result<Outcome, Failure> {
    let started = Instant::now();
    if args.format.is_pair() && args.out.is_none() {
        return Err(Error::Input(format!(
            "--format {} writes two files: give their prefix with --out PREFIX",
            args.format
        ))
        .into());
    }
    args.backend.check_lone_flags()?;
    let (from, to) = (&args.langs.src_lang, &args.langs.tgt_lang);
    let src = Sentences::read(&args.src, from, args.presegmented)?;
    let tgt = Sentences::read(&args.tgt, to, args.presegmented)?;
    let glossary =
        Glossary::load_or_empty(args.glossary.as_deref(), from, to)?.term_pairs(from, to);
    let translation = match (&args.translation, args.backend.backend) {
        (Some(path), _) => Some(read_translation(path, src.len())?),
        (None, Some(_)) => {
            let (_, outcome) = translate_segments(
                &args.backend,
                from,
                to,
                &glossary,
                &src.one_line(),
                verbosity,
            )?;
            Some(outcome.translations.into_iter().map(|t| t.text).collect())
        }
        (None, None) => None,
    };
    let embedding = match args.embed.settings() {
        Some(settings) => Some(Embedding::new(
            settings,
            open_cache(&args.backend)?,
            args.backend.base_settings().engine_options(),
        )?),
        None => None,
    };
    let aligner = PairAligner {
        glossary,
        embedding,
        options: align::Options {
            review_below: args.review_below,
            src_lang: from.clone(),
            tgt_lang: to.clone(),
            weights: args.cost_weights,
        },
    };
    let (doc, report) = crate::translate::runtime()?
        .block_on(aligner.align_sentences(
            &show_path(&args.src),
            &src,
            &tgt,
            translation.as_deref(),
            None,
        ))
        .map_err(service_failure)?;
    if verbosity >= Verbosity::Verbose {
        let mut err = std::io::stderr().lock();
        if let Some(embedded) = &report.embedded {
            let _ = writeln!(err, "passerelle: embeddings: {embedded}");
        }
        let _ = writeln!(err, "passerelle: cost weights {}", report.weights);
    }
    let name = args
        .src
        .file_stem()
        .map_or_else(|| "stdin".into(), |s| s.to_string_lossy());
    match args.format.write(&doc, &name) {
        Written::One(bytes) => {
            let mut out = Output::to(args.out.clone());
            out.write_all(&bytes)?;
            out.finish()?;
        }
        Written::Pair(src_bytes, tgt_bytes) => {
            let prefix = args.out.as_ref().expect("checked above");
            let paths = args.format.paths(prefix, from, to);
            files::write_atomic(&paths[0], &src_bytes)?;
            files::write_atomic(&paths[1], &tgt_bytes)?;
        }
    }
    if verbosity >= Verbosity::Verbose || (verbosity >= Verbosity::Normal && args.out.is_some()) {
        let _ = writeln!(
            std::io::stderr(),
            "passerelle: {} + {} sentences, {}, {:.2} s",
            doc.src.len(),
            doc.tgt.len(),
            doc.alignment.summary(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(Outcome::Ok)
}
