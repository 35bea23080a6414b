//! Sentence embeddings from an OpenAI-compatible server (OpenAI, Ollama, llama.cpp, vLLM,
//! text-embeddings-inference): `POST {endpoint}/embeddings` with
//! `{"model", "input": [...], "encoding_format": "float"}`, and `Authorization: Bearer` only
//! when a key is set.
//!
//! Requests go through the translation engine's machinery, not a copy of it: batches of at
//! most `batch` texts, bounded concurrency, retries (`Retry-After` honoured, a rate limit
//! pauses every worker), batches split when the server says they are too large, and the same
//! SQLite [`Cache`] file as translations (backend `embeddings`, keyed by endpoint, model,
//! prefix and text, the vector stored as base64 of little-endian `f32`). Identical texts are
//! sent once; a second run with the same cache sends nothing.
//!
//! Replies may hold float arrays or base64 strings, whatever was asked (some servers ignore
//! `encoding_format`). Vectors are put back in input order by their `index` (by position when
//! the server gives none), checked to have one non-zero dimension across the whole run,
//! cached vectors included, and L2-normalised. Blank texts are not sent: they get a zero
//! vector of the run's dimension, which the aligner reads as "no evidence".
//!
//! This module does not read keys from the environment (the CLI does and hands a [`Secret`]
//! over), choose a model, or compare vectors (the aligner does).

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde::Deserialize;

use super::cache::Cache;
use super::engine::{
    progress_or_silent, split_blank, BackendStats, Batched, EngineError, EngineOptions, Phase,
    Progress,
};
use super::http::{self, Reply};
use super::{
    default_timeout_secs, timeout_from_secs, BackendError, BoxFuture, Capabilities, ConfigError,
    Job, MalformedPolicy, Secret,
};
use crate::text::Lang;

/// The name of this client in errors, progress and cache rows.
pub const NAME: &str = "embeddings";
/// Texts per request unless configured otherwise.
pub const DEFAULT_BATCH: usize = 64;
/// The most texts per request OpenAI takes, and so the most `batch` may be.
pub const MAX_BATCH: usize = 2048;
/// Most bytes of text in one request: far under OpenAI's 300 000 tokens per request, so that
/// a batch of long paragraphs is cut in several requests rather than refused.
const MAX_BYTES: usize = 256 * 1024;

/// What the client needs; a config file section loads straight into it (unknown keys are
/// errors). The key is never serialised, printed or cached.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbedConfig {
    /// Base URL as OpenAI's clients take it: `https://api.openai.com/v1`,
    /// `http://localhost:11434/v1` (Ollama), `http://127.0.0.1:8080/v1` (llama.cpp).
    pub endpoint: String,
    pub model: String,
    #[serde(default)]
    pub api_key: Option<Secret>,
    /// Most texts per request, 1 to 2048.
    #[serde(default = "default_batch")]
    pub batch: usize,
    /// Put before every text sent (E5 models want `"query: "` or `"passage: "`).
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: f64,
}

fn default_batch() -> usize {
    DEFAULT_BATCH
}

impl EmbedConfig {
    /// A configuration with the defaults: no key, batches of 64, no prefix, a 120 s timeout.
    pub fn new(endpoint: impl Into<String>, model: impl Into<String>) -> EmbedConfig {
        EmbedConfig {
            endpoint: endpoint.into(),
            model: model.into(),
            api_key: None,
            batch: DEFAULT_BATCH,
            prefix: None,
            timeout_secs: default_timeout_secs(),
        }
    }

    /// Takes the key, when none is set, from the first of `PASSERELLE_EMBED_API_KEY` and
    /// `OPENAI_API_KEY` that `lookup` (given the variable's name) knows: one key may serve
    /// both translation and embeddings, or the embeddings server may have its own.
    pub fn fill_key(&mut self, lookup: impl Fn(&str) -> Option<Secret>) {
        if self.api_key.is_none() {
            self.api_key = ["PASSERELLE_EMBED_API_KEY", "OPENAI_API_KEY"]
                .into_iter()
                .find_map(lookup);
        }
    }
}

/// The vectors of a run, one per input text, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedded {
    /// Unit vectors, all of `dimension` numbers; zero vectors for blank texts (and for the
    /// rare text a server gives a zero vector).
    pub vectors: Vec<Vec<f32>>,
    /// The run's dimension; 0 when every text was blank (the vectors are then empty).
    pub dimension: usize,
    pub stats: BackendStats,
}

/// An OpenAI-compatible embeddings client.
pub struct Embedder {
    client: Arc<Client>,
}

struct Client {
    endpoint: String,
    url: String,
    model: String,
    /// Empty for none.
    prefix: String,
    api_key: Option<Secret>,
    batch: usize,
    http: reqwest::Client,
    timeout: Duration,
}

impl fmt::Debug for Embedder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.client;
        f.debug_struct("Embedder")
            .field("endpoint", &c.endpoint)
            .field("model", &c.model)
            .field("prefix", &c.prefix)
            .field("api_key", &c.api_key)
            .field("batch", &c.batch)
            .finish()
    }
}

impl Embedder {
    /// Checks the configuration (an http(s) endpoint, a model, a batch of 1 to 2048 texts, a
    /// sane timeout) and builds the HTTP client. Nothing is sent yet.
    pub fn new(config: EmbedConfig) -> Result<Embedder, ConfigError> {
        let endpoint = http::endpoint(NAME, &config.endpoint)?;
        let model = config.model.trim().to_string();
        if model.is_empty() {
            return Err(ConfigError::invalid(NAME, "the model name is empty"));
        }
        if !(1..=MAX_BATCH).contains(&config.batch) {
            return Err(ConfigError::invalid(
                NAME,
                format!(
                    "batch must be between 1 and {MAX_BATCH} texts, not {}",
                    config.batch
                ),
            ));
        }
        let timeout = timeout_from_secs(NAME, config.timeout_secs)?;
        Ok(Embedder {
            client: Arc::new(Client {
                url: http::join(&endpoint, "/embeddings"),
                endpoint,
                model,
                prefix: config.prefix.unwrap_or_default(),
                api_key: config.api_key,
                batch: config.batch,
                http: http::client(timeout)?,
                timeout,
            }),
        })
    }

    /// The endpoint, without a trailing slash.
    pub fn endpoint(&self) -> &str {
        &self.client.endpoint
    }

    pub fn model(&self) -> &str {
        &self.client.model
    }

    /// Embeds `texts`: one unit vector per text, in order. Vectors found in `cache` are not
    /// asked for, and every batch that comes back is stored in it at once. Blank texts get a
    /// zero vector of the run's dimension without being sent.
    pub async fn embed(
        &self,
        texts: &[String],
        cache: Option<Arc<Cache>>,
        options: &EngineOptions,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<Embedded, EngineError> {
        let progress = progress_or_silent(progress);
        progress.start(texts.len());
        let (pending, blank) = split_blank(texts);
        if !blank.is_empty() {
            progress.advance(blank.len());
        }
        let run = Arc::new(Run {
            client: self.client.clone(),
            dimension: Mutex::new(None),
        });
        let phase = Phase {
            cache: cache.as_ref(),
            options,
            progress: &progress,
        };
        let mut stats = BackendStats::default();
        let found = phase
            .run(&run, &Arc::new(neutral_job()), texts, &pending, &mut stats)
            .await?;
        // Every vector has the run's dimension: `Run` refuses replies and cache entries of
        // another.
        let dimension = found.first().map_or(0, |(_, f)| f.item.len());
        let mut vectors = vec![Vec::new(); texts.len()];
        for (i, f) in found {
            vectors[i] = f.item;
        }
        for i in blank {
            vectors[i] = vec![0.0; dimension];
        }
        Ok(Embedded {
            vectors,
            dimension,
            stats,
        })
    }
}

/// The job every embedding run uses: cache keys depend on the text, not on languages.
fn neutral_job() -> Job {
    let undetermined = Lang::Other("und".into());
    Job::new(undetermined.clone(), undetermined)
}

impl Client {
    async fn request(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BackendError> {
        let input: Vec<Cow<'_, str>> = texts
            .iter()
            .map(|t| match self.prefix.as_str() {
                "" => Cow::Borrowed(t.as_str()),
                prefix => Cow::Owned(format!("{prefix}{t}")),
            })
            .collect();
        let body = serde_json::json!({
            "model": self.model,
            "input": input,
            "encoding_format": "float",
        });
        let mut request = self.http.post(&self.url).json(&body);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key.expose());
        }
        let reply = http::send(request, &self.url, self.timeout).await?;
        if !reply.status.is_success() {
            return Err(self.error(&reply));
        }
        let response: Response = reply.json(NAME).map_err(|e| match (e, &self.api_key) {
            (BackendError::Malformed(m), Some(key)) => BackendError::Malformed(key.redact(&m)),
            (e, _) => e,
        })?;
        read_vectors(response.data, texts.len())
    }

    /// What an error reply means: see [`http::ApiError`] for the body, [`http::classify`] for
    /// the usual codes. A refusal that says the batch has too many or too long inputs is
    /// "too large", so that the engine splits the batch; an unknown model says which.
    fn error(&self, reply: &Reply) -> BackendError {
        let body = http::ApiError::read(reply, self.api_key.as_ref());
        let status = reply.status.as_u16();
        let head = match body.message.as_str() {
            "" => format!("HTTP {status}"),
            message => format!("HTTP {status}: {message}"),
        };
        if body.is_quota() {
            return BackendError::Quota(head);
        }
        let lower = body.message.to_lowercase();
        let error = match status {
            401 | 403 => BackendError::Auth(format!(
                "{head} (set PASSERELLE_EMBED_API_KEY or OPENAI_API_KEY to a key {} accepts)",
                self.endpoint
            )),
            400 | 413 | 422 if says_too_large(&lower) => BackendError::TooLarge(head),
            404 => BackendError::BadRequest(self.model_error(&head, &lower)),
            400..=499 if says_unknown_model(&lower) => {
                BackendError::BadRequest(self.model_error(&head, &lower))
            }
            _ => http::classify(reply, body.message),
        };
        http::obey_should_retry(reply, error)
    }

    fn model_error(&self, head: &str, lower: &str) -> String {
        let mut text = format!(
            "{head} (is '{}' an embedding model this server has? check --embed-model; \
             GET {}/models lists them",
            self.model, self.endpoint
        );
        if !lower.contains("model") {
            text.push_str("; and is the endpoint the base of an OpenAI-compatible API (it usually ends in /v1)?");
        }
        text.push(')');
        text
    }
}

/// Whether a refusal says the request holds too many or too long inputs.
fn says_too_large(lower: &str) -> bool {
    const PHRASES: [&str; 10] = [
        "too many input",
        "too many text",
        "batch too large",
        "batch is too large",
        "too large",
        "too long",
        "maximum context length",
        "dimensions or less",
        "maximum allowed batch size",
        "exceeds the maximum",
    ];
    let about_batch = lower.contains("batch size")
        && (lower.contains("exceed") || lower.contains('>') || lower.contains("greater"));
    let input_limit = lower.contains("input")
        && ["maximum", "at most", "max ", "up to", "no more than"]
            .iter()
            .any(|p| lower.contains(p));
    PHRASES.iter().any(|p| lower.contains(p)) || about_batch || input_limit
}

/// Whether a refusal says the model does not exist on this server.
fn says_unknown_model(lower: &str) -> bool {
    lower.contains("model")
        && [
            "not found",
            "does not exist",
            "unknown",
            "no such",
            "invalid model",
            "not available",
            "try pulling",
        ]
        .iter()
        .any(|p| lower.contains(p))
}

#[derive(Deserialize)]
struct Response {
    data: Vec<Datum>,
}

#[derive(Deserialize)]
struct Datum {
    #[serde(default)]
    index: Option<usize>,
    embedding: Embedding,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Embedding {
    Floats(Vec<f32>),
    Base64(String),
}

impl Embedding {
    fn into_floats(self) -> Result<Vec<f32>, String> {
        let vector = match self {
            Embedding::Floats(v) => v,
            Embedding::Base64(text) => decode_base64(&text)?,
        };
        if vector.iter().any(|x| !x.is_finite()) {
            return Err("it holds a number that is not finite".into());
        }
        Ok(vector)
    }
}

/// The reply's vectors in input order, checked and normalised.
fn read_vectors(data: Vec<Datum>, expected: usize) -> Result<Vec<Vec<f32>>, BackendError> {
    let malformed = BackendError::Malformed;
    if data.len() != expected {
        return Err(malformed(format!(
            "{} vectors for {expected} texts",
            data.len()
        )));
    }
    let indexed = data.iter().filter(|d| d.index.is_some()).count();
    if indexed != 0 && indexed != data.len() {
        return Err(malformed(
            "some vectors have an \"index\" and others do not".into(),
        ));
    }
    let mut slots: Vec<Option<Vec<f32>>> = vec![None; expected];
    for (position, datum) in data.into_iter().enumerate() {
        let i = datum.index.unwrap_or(position);
        if i >= expected {
            return Err(malformed(format!(
                "vector index {i} is out of range for {expected} texts"
            )));
        }
        if slots[i].is_some() {
            return Err(malformed(format!("vector index {i} appears twice")));
        }
        let vector = datum
            .embedding
            .into_floats()
            .map_err(|why| malformed(format!("vector {i}: {why}")))?;
        slots[i] = Some(vector);
    }
    let mut vectors = slots
        .into_iter()
        .enumerate()
        .map(|(i, v)| v.ok_or_else(|| malformed(format!("vector index {i} is missing"))))
        .collect::<Result<Vec<_>, _>>()?;
    let dimension = vectors.first().map_or(0, Vec::len);
    if expected > 0 && dimension == 0 {
        return Err(malformed("the server returned empty vectors".into()));
    }
    if let Some((i, v)) = vectors
        .iter()
        .enumerate()
        .find(|(_, v)| v.len() != dimension)
    {
        return Err(malformed(format!(
            "vectors of {dimension} and {} dimensions in one reply (vector {i})",
            v.len()
        )));
    }
    for v in &mut vectors {
        normalise(v);
    }
    Ok(vectors)
}

/// Scales `v` to length 1; a zero vector stays zero.
fn normalise(v: &mut [f32]) {
    let norm = v
        .iter()
        .map(|&x| f64::from(x) * f64::from(x))
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 && norm.is_finite() {
        for x in v {
            *x = (f64::from(*x) / norm) as f32;
        }
    }
}

/// Base64 with or without padding, as servers send it.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Little-endian `f32`s from base64 (OpenAI's `encoding_format: "base64"`, and the cache).
fn decode_base64(text: &str) -> Result<Vec<f32>, String> {
    let bytes = LENIENT
        .decode(text.trim())
        .map_err(|e| format!("not base64 ({e})"))?;
    if bytes.len() % 4 != 0 {
        return Err(format!(
            "{} bytes of base64 data are not a whole number of 32-bit floats",
            bytes.len()
        ));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

fn encode_base64(vector: &[f32]) -> String {
    let bytes: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
    STANDARD.encode(bytes)
}

/// Where the run's dimension was first seen, for the error message when another turns up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Cache,
    Reply,
}

/// One embedding run as the engine drives it: the client, and the dimension every vector of
/// the run must have.
struct Run {
    client: Arc<Client>,
    dimension: Mutex<Option<(usize, Seen)>>,
}

impl Run {
    /// Accepts a reply's dimension if it is the run's (or the first).
    fn check_dimension(&self, dimension: usize) -> Result<(), BackendError> {
        let mut seen = self.dimension.lock().unwrap_or_else(|p| p.into_inner());
        match *seen {
            None => {
                *seen = Some((dimension, Seen::Reply));
                Ok(())
            }
            Some((d, _)) if d == dimension => Ok(()),
            Some((d, Seen::Reply)) => Err(BackendError::Failed(format!(
                "the server returned vectors of {d} and {dimension} dimensions; is \
                 --embed-model the same model for every request?"
            ))),
            Some((d, Seen::Cache)) => Err(BackendError::Failed(format!(
                "the server returned vectors of {dimension} dimensions, the cache holds \
                 vectors of {d} for the same endpoint and model; is --embed-model the same \
                 model as before? (a cache from another model? use another --cache)"
            ))),
        }
    }
}

impl Batched for Run {
    type Item = Vec<f32>;
    const RESULTS: &'static str = "vectors";

    fn name(&self) -> &str {
        NAME
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            max_texts: self.client.batch,
            max_bytes: MAX_BYTES,
            glossary: false,
            context: false,
            on_malformed: MalformedPolicy::RetryOnce,
            shield: super::Shield::None,
        }
    }

    fn cache_scope(&self) -> Option<String> {
        let c = &self.client;
        Some(format!("{}|{}|{}", c.endpoint, c.model, c.prefix))
    }

    fn prepare<'a>(&'a self, _job: &'a Job) -> BoxFuture<'a, Result<(), BackendError>> {
        Box::pin(async { Ok(()) })
    }

    fn call<'a>(
        &'a self,
        _job: &'a Job,
        texts: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Vec<f32>>, BackendError>> {
        Box::pin(async move {
            let vectors = self.client.request(texts).await?;
            if let Some(first) = vectors.first() {
                self.check_dimension(first.len())?;
            }
            Ok(vectors)
        })
    }

    fn encode(item: &Vec<f32>) -> Cow<'_, str> {
        Cow::Owned(encode_base64(item))
    }

    /// A cached vector; one that cannot be read, or of another dimension than the run's
    /// first, is a miss and is asked for again (and then checked against the run's).
    fn decode(&self, stored: &str) -> Option<Vec<f32>> {
        let vector = decode_base64(stored).ok()?;
        if vector.is_empty() || vector.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let mut seen = self.dimension.lock().unwrap_or_else(|p| p.into_inner());
        match *seen {
            None => *seen = Some((vector.len(), Seen::Cache)),
            Some((d, _)) if d != vector.len() => return None,
            Some(_) => {}
        }
        Some(vector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use reqwest::StatusCode;

    #[test]
    fn the_embeddings_key_prefers_its_own_variable() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| Secret::new(*v))
            }
        };
        let key = |config: &EmbedConfig| config.api_key.as_ref().map(|k| k.expose().to_string());
        let mut c = EmbedConfig::new("http://127.0.0.1:1/v1", "m");
        c.fill_key(env(&[
            ("OPENAI_API_KEY", "sk-o"),
            ("PASSERELLE_EMBED_API_KEY", "sk-e"),
        ]));
        assert_eq!(key(&c).as_deref(), Some("sk-e"));
        let mut c = EmbedConfig::new("http://127.0.0.1:1/v1", "m");
        c.fill_key(env(&[("OPENAI_API_KEY", "sk-o")]));
        assert_eq!(key(&c).as_deref(), Some("sk-o"));
        // A key the configuration gives is kept.
        c.fill_key(env(&[("PASSERELLE_EMBED_API_KEY", "sk-e")]));
        assert_eq!(key(&c).as_deref(), Some("sk-o"));
    }

    fn data(json: &str) -> Vec<Datum> {
        serde_json::from_str::<Response>(json).unwrap().data
    }

    fn embedder() -> Embedder {
        let mut config = EmbedConfig::new("http://127.0.0.1:9/v1/", "nomic-embed-text");
        config.api_key = Some(Secret::new("sk-unit-SECRET42"));
        Embedder::new(config).unwrap()
    }

    fn run() -> Run {
        Run {
            client: embedder().client,
            dimension: Mutex::new(None),
        }
    }

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn openai_error(status: u16, message: &str) -> BackendError {
        let body = serde_json::json!({"error": {
            "message": message, "type": "invalid_request_error", "param": null, "code": null
        }});
        embedder().client.error(&reply(status, &body.to_string()))
    }

    #[test]
    fn base64_decodes_little_endian_floats_with_or_without_padding() {
        // 1.0 = 00 00 80 3f, -2.0 = 00 00 00 c0.
        assert_eq!(decode_base64("AACAPwAAAMA=").unwrap(), [1.0, -2.0]);
        assert_eq!(decode_base64("AACAPwAAAMA").unwrap(), [1.0, -2.0]);
        assert_eq!(encode_base64(&[1.0, -2.0]), "AACAPwAAAMA=");
        let v = vec![0.25f32, -0.5, 1e-7, 3.0];
        assert_eq!(decode_base64(&encode_base64(&v)).unwrap(), v);
        assert!(decode_base64("AACA").unwrap_err().contains("3 bytes"));
        assert!(decode_base64("not base64!")
            .unwrap_err()
            .contains("not base64"));
        // Both shapes in one reply read the same.
        let got = read_vectors(
            data(
                r#"{"data": [{"index": 0, "embedding": "AACAPwAAAMA="},
                              {"index": 1, "embedding": [1.0, -2.0]}]}"#,
            ),
            2,
        )
        .unwrap();
        assert_eq!(got[0], got[1]);
    }

    #[test]
    fn vectors_are_put_back_in_order_by_index() {
        let got = read_vectors(
            data(
                r#"{"data": [{"index": 2, "embedding": [0, 0, 1]},
                             {"index": 0, "embedding": [1, 0, 0]},
                             {"index": 1, "embedding": [0, 1, 0]}]}"#,
            ),
            3,
        )
        .unwrap();
        assert_eq!(got, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]);
        // Without indices: position order.
        let got = read_vectors(
            data(r#"{"data": [{"embedding": [0, 2]}, {"embedding": [3, 0]}]}"#),
            2,
        )
        .unwrap();
        assert_eq!(got, [[0.0, 1.0], [1.0, 0.0]]);
        for (json, why) in [
            (
                r#"{"data": [{"index": 0, "embedding": [1]}, {"index": 0, "embedding": [1]}]}"#,
                "index 0 appears twice",
            ),
            (
                r#"{"data": [{"index": 0, "embedding": [1]}, {"index": 2, "embedding": [1]}]}"#,
                "index 2 is out of range",
            ),
            (
                r#"{"data": [{"index": 0, "embedding": [1]}]}"#,
                "1 vectors for 2 texts",
            ),
            (
                r#"{"data": [{"index": 1, "embedding": [1]}, {"embedding": [1]}]}"#,
                "others do not",
            ),
        ] {
            let err = read_vectors(data(json), 2).unwrap_err();
            assert!(matches!(err, BackendError::Malformed(_)), "{json}");
            assert!(err.to_string().contains(why), "{json}: {err}");
        }
    }

    #[test]
    fn dimensions_agree_within_a_reply_and_across_a_run() {
        let err = read_vectors(
            data(r#"{"data": [{"embedding": [1, 0]}, {"embedding": [1, 0, 0]}]}"#),
            2,
        )
        .unwrap_err();
        assert!(matches!(err, BackendError::Malformed(_)));
        assert!(err.to_string().contains("2 and 3 dimensions"), "{err}");
        let err = read_vectors(data(r#"{"data": [{"embedding": []}]}"#), 1).unwrap_err();
        assert!(err.to_string().contains("empty vectors"), "{err}");

        let replies = run();
        replies.check_dimension(384).unwrap();
        replies.check_dimension(384).unwrap();
        let err = replies.check_dimension(512).unwrap_err();
        assert!(!err.is_retryable());
        assert!(err.to_string().contains("384 and 512"), "{err}");

        // A cached vector sets the run's dimension; one of another size is a miss, and a
        // reply of another size names both.
        let cached = run();
        let four = encode_base64(&[0.5; 4]);
        assert_eq!(cached.decode(&four), Some(vec![0.5; 4]));
        assert_eq!(cached.decode(&encode_base64(&[0.5; 3])), None);
        assert_eq!(cached.decode("%%%"), None);
        let err = cached.check_dimension(3).unwrap_err().to_string();
        assert!(
            err.contains("vectors of 3 dimensions") && err.contains("vectors of 4"),
            "{err}"
        );
        assert!(err.contains("--cache"), "{err}");
    }

    #[test]
    fn vectors_are_normalised_and_zero_stays_zero() {
        let got = read_vectors(
            data(r#"{"data": [{"embedding": [3, 4]}, {"embedding": [0, 0]}]}"#),
            2,
        )
        .unwrap();
        assert_eq!(got[0], [0.6, 0.8]);
        assert_eq!(got[1], [0.0, 0.0]);
        let err = read_vectors(
            data(r#"{"data": [{"embedding": "AACAfw=="}]}"#), // +inf
            1,
        )
        .unwrap_err();
        assert!(err.to_string().contains("not finite"), "{err}");
    }

    #[test]
    fn refusals_are_classified_for_the_engine() {
        for message in [
            "at most 2048 inputs per request",
            "'$.input' is invalid: 'input' array must be 2048 dimensions or less",
            "batch size 100 exceeds the limit of 32",
            "batch size 100 > maximum allowed batch size 32",
            "Too many inputs",
            "input is too long",
            "This model's maximum context length is 8192 tokens, however you requested 9000",
        ] {
            let e = openai_error(400, message);
            assert!(matches!(e, BackendError::TooLarge(_)), "{message}: {e:?}");
        }
        assert!(matches!(
            openai_error(413, "payload too large"),
            BackendError::TooLarge(_)
        ));
        for (status, message) in [
            (404, "model 'xyz' not found"),
            (400, "The model `xyz` does not exist"),
            (404, "Not Found"),
        ] {
            let e = openai_error(status, message);
            let text = e.to_string();
            assert!(matches!(e, BackendError::BadRequest(_)), "{message}: {e:?}");
            assert!(text.contains("'nomic-embed-text'"), "{text}");
            assert!(text.contains("--embed-model"), "{text}");
            assert!(text.contains("GET http://127.0.0.1:9/v1/models"), "{text}");
        }
        assert!(openai_error(404, "Not Found").to_string().contains("/v1"));
        assert!(matches!(
            openai_error(400, "invalid encoding_format"),
            BackendError::BadRequest(_)
        ));
        let auth = openai_error(401, "Incorrect API key provided: sk-unit-SECRET42");
        assert!(matches!(auth, BackendError::Auth(_)));
        assert!(!auth.to_string().contains("SECRET42"), "{auth}");
        assert!(openai_error(503, "loading model").is_retryable());
        let mut limited = reply(429, r#"{"error": {"message": "slow down"}}"#);
        limited
            .headers
            .insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(
            embedder().client.error(&limited).retry_after(),
            Some(Duration::from_secs(3))
        );
        let quota =
            serde_json::json!({"error": {"message": "no credit", "code": "insufficient_quota"}});
        assert!(matches!(
            embedder().client.error(&reply(429, &quota.to_string())),
            BackendError::Quota(_)
        ));
        // A plain-text body is quoted.
        let e = embedder().client.error(&reply(502, "Bad gateway"));
        assert!(
            e.is_retryable() && e.to_string().contains("Bad gateway"),
            "{e}"
        );
    }

    #[test]
    fn configurations_are_checked_and_keys_never_print() {
        let bad = |f: fn(&mut EmbedConfig)| {
            let mut c = EmbedConfig::new("http://127.0.0.1:8080/v1", "m");
            f(&mut c);
            Embedder::new(c).unwrap_err().to_string()
        };
        assert!(bad(|c| c.endpoint = "127.0.0.1:8080".into()).contains("not an http"));
        assert!(bad(|c| c.model = " ".into()).contains("model name is empty"));
        assert!(bad(|c| c.batch = 0).contains("between 1 and 2048"));
        assert!(bad(|c| c.batch = 2049).contains("not 2049"));
        assert!(bad(|c| c.timeout_secs = 0.0).contains("timeout"));

        let config: EmbedConfig = serde_json::from_str(
            r#"{"endpoint": "http://127.0.0.1:8080/v1/", "model": "bge-m3", "api_key": "sk-abc-123"}"#,
        )
        .unwrap();
        assert_eq!(config.batch, DEFAULT_BATCH);
        let embedder = Embedder::new(config.clone()).unwrap();
        assert_eq!(embedder.endpoint(), "http://127.0.0.1:8080/v1");
        assert_eq!(embedder.client.url, "http://127.0.0.1:8080/v1/embeddings");
        for debug in [format!("{config:?}"), format!("{embedder:?}")] {
            assert!(!debug.contains("sk-abc"), "{debug}");
        }
        assert!(serde_json::from_str::<EmbedConfig>(
            r#"{"endpoint": "http://x/v1", "model": "m", "dims": 3}"#
        )
        .is_err());
    }
}
