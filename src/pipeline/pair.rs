//! One document pair, from its two texts to its alignment: the route `passerelle align`,
//! `passerelle batch` and `passerelle run` share, so that all give the same beads for the same
//! pair and evidence. A text is split into sentences ([`Sentences`]: segmented, or one
//! sentence a line when presegmented), a translation of the source is read line by line
//! ([`translation_lines`]), and the two sides are aligned with the job's evidence
//! ([`PairAligner`]: glossary pairs, and sentence embeddings fetched from a server when the job
//! has one) or with whatever evidence the caller has ([`align_sentences`]). Translating is the
//! caller's.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::PipelineError;
use crate::align::{self, AlignedDoc, Alignment, CostWeights, Evidence, Overlaps, Side};
use crate::segment::{self, Segmenter};
use crate::text::{one_line, Lang, Segment};
use crate::translate::embed::{EmbedConfig, Embedder};
use crate::translate::{BackendStats, Cache, EngineOptions, Progress, TranslateError};

/// A text and its sentences.
#[derive(Debug, Clone)]
pub struct Sentences {
    pub lang: Lang,
    pub text: String,
    pub segments: Vec<Segment>,
}

impl Sentences {
    /// Reads a file and splits it as [`Sentences::split`] does.
    pub fn read(
        path: &std::path::Path,
        lang: &Lang,
        presegmented: bool,
    ) -> crate::Result<Sentences> {
        Ok(Sentences::split(
            crate::files::read_text(path)?,
            lang,
            presegmented,
        ))
    }

    /// Splits `text` with the segmentation rules of `lang`; when `presegmented`, each non-blank
    /// line is a sentence and blank lines separate paragraphs.
    pub fn split(text: String, lang: &Lang, presegmented: bool) -> Sentences {
        let segments = split(&text, lang, presegmented);
        Sentences {
            lang: lang.clone(),
            text,
            segments,
        }
    }

    pub fn len(&self) -> usize {
        self.segments.len()
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The sentences and their paragraphs, as the aligner takes them.
    pub fn side(&self) -> Side<'_> {
        side(&self.text, &self.segments)
    }

    /// Each sentence on one line (line breaks inside it as spaces), as a translation engine
    /// is sent them.
    pub fn one_line(&self) -> Vec<String> {
        self.segments
            .iter()
            .map(|s| one_line(s.span.slice(&self.text)).into_owned())
            .collect()
    }
}

/// The sentences of `text` by the rules of `lang`, or its lines when it is `presegmented`
/// (each non-blank line a sentence, blank lines between paragraphs).
pub fn split(text: &str, lang: &Lang, presegmented: bool) -> Vec<Segment> {
    if presegmented {
        segment::lines(text)
    } else {
        Segmenter::new(lang.clone()).segment(text)
    }
}

/// The sentences and their paragraphs, as the aligner takes them.
pub fn side<'t>(text: &'t str, segments: &[Segment]) -> Side<'t> {
    Side {
        sentences: segments.iter().map(|s| s.span.slice(text)).collect(),
        paragraphs: segments.iter().map(|s| s.paragraph).collect(),
    }
}

/// A translation of the source given as text, one line per source sentence (Bleualign's
/// `-t`); blank lines are ignored. `Err` says how the line count differs from `sentences`.
pub fn translation_lines(text: &str, sentences: usize) -> Result<Vec<String>, String> {
    let lines: Vec<String> = segment::lines(text)
        .iter()
        .map(|s| s.span.slice(text).to_string())
        .collect();
    if lines.len() != sentences {
        return Err(format!(
            "the translation has {} lines but the source has {sentences} sentences",
            lines.len()
        ));
    }
    Ok(lines)
}

/// Reads a translation file for [`translation_lines`]; an error names the file.
pub fn read_translation(path: &std::path::Path, sentences: usize) -> crate::Result<Vec<String>> {
    translation_lines(&crate::files::read_text(path)?, sentences)
        .map_err(|e| crate::Error::Input(format!("{}: {e}", crate::error::show_path(path))))
}

/// The sentence embeddings a job aligns with, as `[align.embeddings]` of a project file and
/// `align --embed-*` give them.
#[derive(Debug, Clone)]
pub struct EmbedSettings {
    /// The client's settings; the key is added by the caller (never from a file).
    pub client: EmbedConfig,
    /// Runs of up to this many consecutive sentences are embedded.
    pub overlaps: usize,
}

/// Sentence embeddings as alignment evidence: the client, the longest run of consecutive
/// sentences embedded as one text, and how requests run (cache, retries), set up once for a
/// job.
pub struct Embedding {
    embedder: Embedder,
    overlaps: usize,
    cache: Option<Arc<Cache>>,
    options: EngineOptions,
}

/// What embedding a pair cost, for people.
#[derive(Debug, Clone)]
pub struct EmbedReport {
    pub stats: BackendStats,
    /// The vectors' dimension (0 when every text was blank).
    pub dimensions: usize,
    pub elapsed: Duration,
}

/// `12 texts (3 from cache, 9 sent in 2 requests, 0 retries), 512 dimensions, 0.41 s`
impl std::fmt::Display for EmbedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} texts ({}), {} dimensions, {:.2} s",
            self.stats.segments,
            self.stats,
            self.dimensions,
            self.elapsed.as_secs_f64()
        )
    }
}

impl Embedding {
    pub fn new(
        settings: EmbedSettings,
        cache: Option<Arc<Cache>>,
        options: EngineOptions,
    ) -> Result<Embedding, TranslateError> {
        Ok(Embedding {
            embedder: Embedder::new(settings.client)?,
            overlaps: settings.overlaps,
            cache,
            options,
        })
    }

    /// Embeds every run of 1..=`overlaps` consecutive sentences of both sides (in one run of
    /// the client, so that a text found on both sides is sent once) and hands the vectors over
    /// in the aligner's shape: the one place where the embeddings client meets the aligner.
    /// `name` names the pair in errors.
    pub async fn sides(
        &self,
        name: &str,
        src: &[&str],
        tgt: &[&str],
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<(Overlaps, Overlaps, EmbedReport), PipelineError> {
        let started = Instant::now();
        let one_line: Vec<String> = src
            .iter()
            .chain(tgt)
            .map(|s| one_line(s).into_owned())
            .collect();
        let (src_lines, tgt_lines) = one_line.split_at(src.len());
        fn as_str(v: &[String]) -> Vec<&str> {
            v.iter().map(String::as_str).collect()
        }
        let mut texts = Overlaps::texts(&as_str(src_lines), self.overlaps);
        let src_count = texts.len();
        texts.extend(Overlaps::texts(&as_str(tgt_lines), self.overlaps));
        let mut embedded = self
            .embedder
            .embed(&texts, self.cache.clone(), &self.options, progress)
            .await
            .map_err(TranslateError::from)?;
        let tgt_vectors = embedded.vectors.split_off(src_count);
        let make = |n: usize, vectors: Vec<Vec<f32>>| {
            Overlaps::new(n, self.overlaps, vectors).map_err(|e| PipelineError::Align {
                document: name.to_string(),
                message: e.to_string(),
            })
        };
        let src_vectors = make(src.len(), embedded.vectors)?;
        let tgt_vectors = make(tgt.len(), tgt_vectors)?;
        let report = EmbedReport {
            stats: embedded.stats,
            dimensions: src_vectors.dim().max(tgt_vectors.dim()),
            elapsed: started.elapsed(),
        };
        Ok((src_vectors, tgt_vectors, report))
    }
}

/// What a job aligns every pair with beyond the two texts: the glossary's term pairs (source,
/// target), sentence embeddings when the job has a server for them, and the aligner's options.
/// `align` and `run` build one from their flags or project file.
pub struct PairAligner {
    pub glossary: Vec<(String, String)>,
    pub embedding: Option<Embedding>,
    pub options: align::Options,
}

/// How a pair was aligned, for people.
#[derive(Debug, Clone)]
pub struct AlignReport {
    /// The cost weights used.
    pub weights: CostWeights,
    /// What embedding the pair cost, when it was embedded.
    pub embedded: Option<EmbedReport>,
}

impl PairAligner {
    /// Aligns one pair of sides, `translation` being a translation of each source sentence
    /// when the caller has one. `name` names the pair in errors.
    pub async fn align(
        &self,
        name: &str,
        src: &Side<'_>,
        tgt: &Side<'_>,
        translation: Option<&[String]>,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<(Alignment, AlignReport), PipelineError> {
        let embedded = match &self.embedding {
            Some(e) => Some(
                e.sides(name, &src.sentences, &tgt.sentences, progress)
                    .await?,
            ),
            None => None,
        };
        let evidence = Evidence {
            translation,
            glossary: &self.glossary,
            embeddings: embedded
                .as_ref()
                .map(|(src, tgt, _)| align::Embeddings { src, tgt }),
        };
        let weights = self.options.weights_for(&evidence);
        let alignment =
            align::align(src, tgt, evidence, &self.options).map_err(|e| PipelineError::Align {
                document: name.to_string(),
                message: e.to_string(),
            })?;
        let report = AlignReport {
            weights,
            embedded: embedded.map(|(_, _, report)| report),
        };
        Ok((alignment, report))
    }

    /// [`PairAligner::align`] for two texts' sentences, as the exchange formats take them.
    pub async fn align_sentences<'a>(
        &self,
        name: &str,
        src: &'a Sentences,
        tgt: &'a Sentences,
        translation: Option<&[String]>,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<(AlignedDoc<'a>, AlignReport), PipelineError> {
        let sides = (src.side(), tgt.side());
        let (alignment, report) = self
            .align(name, &sides.0, &sides.1, translation, progress)
            .await?;
        Ok((aligned_doc(src, tgt, sides, alignment), report))
    }
}

fn aligned_doc<'a>(
    src: &Sentences,
    tgt: &Sentences,
    (src_side, tgt_side): (Side<'a>, Side<'a>),
    alignment: Alignment,
) -> AlignedDoc<'a> {
    AlignedDoc {
        src_lang: src.lang.clone(),
        tgt_lang: tgt.lang.clone(),
        src: src_side.sentences,
        tgt: tgt_side.sentences,
        alignment,
    }
}

/// Aligns the two sides with the evidence at hand.
pub fn align_sentences<'a>(
    src: &'a Sentences,
    tgt: &'a Sentences,
    evidence: Evidence,
    options: &align::Options,
) -> Result<AlignedDoc<'a>, align::AlignError> {
    let sides = (src.side(), tgt.side());
    let alignment = align::align(&sides.0, &sides.1, evidence, options)?;
    Ok(aligned_doc(src, tgt, sides, alignment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presegmented_text_keeps_its_lines_and_paragraphs() {
        let s = Sentences::split("Un. Deux.\nTrois.\n\nQuatre.\n".into(), &Lang::Fr, true);
        let side = s.side();
        assert_eq!(side.sentences, ["Un. Deux.", "Trois.", "Quatre."]);
        assert_eq!(side.paragraphs, [0, 0, 1]);
        let s = Sentences::split("Un. Deux.\nTrois.".into(), &Lang::Fr, false);
        assert_eq!(s.len(), 3);
        assert_eq!(s.one_line()[1], "Deux.");
    }

    #[test]
    fn a_translation_must_have_a_line_per_sentence() {
        assert_eq!(translation_lines("a\n\nb\n", 2).unwrap(), ["a", "b"]);
        let e = translation_lines("a\n", 2).unwrap_err();
        assert!(e.contains("1 lines but the source has 2"), "{e}");
    }

    #[test]
    fn a_translation_file_is_named_in_its_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mt.en");
        std::fs::write(&path, "One.\n").unwrap();
        assert_eq!(read_translation(&path, 1).unwrap(), ["One."]);
        let e = read_translation(&path, 2).unwrap_err().to_string();
        assert!(e.contains("mt.en: the translation has 1 lines"), "{e}");
    }

    #[test]
    fn the_pair_aligner_reports_the_weights_its_evidence_called_for() {
        let src = Sentences::split("Il pleut. Le ciel est gris.".into(), &Lang::Fr, false);
        let tgt = Sentences::split("It rains. The sky is grey.".into(), &Lang::En, false);
        let mut aligner = PairAligner {
            glossary: vec![("ciel".into(), "sky".into())],
            embedding: None,
            options: align::Options::default(),
        };
        let runtime = crate::translate::runtime().unwrap();
        let translation = ["It rains.".to_string(), "The sky is grey.".to_string()];
        for (mt, weights) in [
            (None, CostWeights::WITHOUT_TRANSLATION),
            (Some(&translation[..]), CostWeights::WITH_TRANSLATION),
        ] {
            let (doc, report) = runtime
                .block_on(aligner.align_sentences("doc", &src, &tgt, mt, None))
                .unwrap();
            assert_eq!(report.weights, weights);
            assert!(report.embedded.is_none());
            assert_eq!(doc.alignment.beads.len(), 2);
        }
        aligner.options.weights = Some(CostWeights::WITH_EMBEDDINGS);
        let (_, report) = runtime
            .block_on(aligner.align_sentences("doc", &src, &tgt, None, None))
            .unwrap();
        assert_eq!(report.weights, CostWeights::WITH_EMBEDDINGS);
    }

    #[test]
    fn aligned_sentences_cover_both_sides() {
        let src = Sentences::split("Il pleut. Le ciel est gris.".into(), &Lang::Fr, false);
        let tgt = Sentences::split("It rains. The sky is grey.".into(), &Lang::En, false);
        let doc =
            align_sentences(&src, &tgt, Evidence::default(), &align::Options::default()).unwrap();
        assert!(doc.alignment.validate(2, 2).is_ok());
        assert_eq!(doc.tgt, ["It rains.", "The sky is grey."]);
    }
}
