//! An OpenAI-compatible embeddings server on 127.0.0.1, for tests of the embeddings client and
//! of the commands that use it.
//!
//! `POST /v1/embeddings` answers `{"object": "list", "data": [{"object": "embedding",
//! "index": i, "embedding": [...]}], "model", "usage"}`, errors are OpenAI's
//! `{"error": {"message", "type", "param", "code"}}`, and `GET /v1/models` lists the model.
//! Vectors come from a deterministic "concept lexicon" ([`embed`]): a French, an English and a
//! German sentence about the same things get nearly the same vector. [`Options`] switches on
//! what real servers do (base64 answers, shuffled or missing indices, unnormalised vectors, a
//! batch limit, a key, one model) and faults by request number ([`Fault`], [`When`]). Every
//! request is recorded ([`EmbedServer::requests`]).
//!
//! ```ignore
//! let server = embed_server::start(Options::default().fault(When::Request(0), Fault::ServerError));
//! let endpoint = server.url.clone(); // "http://127.0.0.1:PORT/v1"
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Response};
use base64::Engine as _;
use serde_json::{json, Value};

/// The concepts, each with its words in French, English and German (and a few variants).
const CONCEPTS: &[&[&str]] = &[
    &["montagne", "mountain", "berg", "massif", "mont"],
    &["glacier", "gletscher"],
    &["corde", "rope", "seil"],
    &["sommet", "summit", "gipfel", "cime"],
    &["neige", "snow", "schnee"],
    &["tempête", "orage", "storm", "sturm", "gewitter"],
    &["vallée", "vallon", "valley", "tal"],
    &["guide", "bergführer", "führer"],
    &["nuit", "night", "nacht"],
    &["aube", "aurore", "dawn", "daybreak", "morgengrauen"],
    &["camp", "campement", "bivouac", "lager", "biwak"],
    &["glace", "ice", "eis"],
    &["vent", "wind"],
    &["soleil", "sun", "sonne"],
    &["froid", "cold", "kalt", "kälte"],
    &[
        "alpiniste",
        "grimpeur",
        "climber",
        "mountaineer",
        "bergsteiger",
        "kletterer",
    ],
    &["arête", "ridge", "grat"],
    &["rocher", "roche", "rock", "fels", "felsen"],
    &["tente", "tent", "zelt"],
    &["village", "dorf"],
    &["rivière", "fleuve", "river", "fluss"],
    &["forêt", "forest", "wald"],
    &["lac", "lake", "bergsee"],
    &["sentier", "chemin", "path", "trail", "pfad", "weg"],
    &["pont", "bridge", "brücke"],
    &["brouillard", "fog", "nebel"],
    &["pluie", "rain", "regen"],
    &["matin", "morning", "morgen"],
    &["soir", "evening", "abend"],
    &["jour", "journée", "day", "tag"],
    &["refuge", "cabane", "hut", "hütte"],
    &["danger", "dangereux", "dangerous", "gefahr", "gefährlich"],
    &[
        "chute", "tomber", "tombe", "fall", "fell", "sturz", "stürzen",
    ],
    &[
        "descente",
        "descendre",
        "descend",
        "descent",
        "abstieg",
        "absteigen",
    ],
    &[
        "ascension",
        "monter",
        "grimper",
        "climb",
        "climbed",
        "ascent",
        "aufstieg",
        "klettern",
    ],
    &["ami", "amie", "friend", "freund", "freundin"],
    &["eau", "water", "wasser"],
    &["nourriture", "repas", "food", "meal", "essen"],
    &["lumière", "light", "licht"],
    &["peur", "fear", "angst"],
    &["secours", "sauvetage", "rescue", "rettung"],
    &["hélicoptère", "helicopter", "hubschrauber"],
    &["carte", "map", "karte"],
    &["chaussure", "botte", "boot", "stiefel"],
    &["crevasse", "gletscherspalte", "spalte"],
    &["avalanche", "lawine"],
    &["attendre", "attendent", "wait", "waited", "warten"],
];

/// Buckets for words outside the lexicon, so that no text gets a zero vector.
const HASH_BUCKETS: usize = 8;
/// How much an unknown word weighs against a concept (1).
const HASH_WEIGHT: f32 = 0.05;

/// The lexicon's vectors' dimension: one per concept, plus the unknown-word buckets.
pub const DIMENSION: usize = CONCEPTS.len() + HASH_BUCKETS;

fn lexicon() -> &'static HashMap<&'static str, usize> {
    static LEXICON: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut map = HashMap::new();
        for (c, words) in CONCEPTS.iter().enumerate() {
            for w in *words {
                assert!(map.insert(*w, c).is_none(), "'{w}' is in two concepts");
            }
        }
        map
    })
}

/// The concept of a word, trying it as it is and then without a plural ending.
fn concept(word: &str) -> Option<usize> {
    let lexicon = lexicon();
    std::iter::once(word)
        .chain(
            ["s", "x", "en", "n", "e"]
                .iter()
                .filter_map(|end| word.strip_suffix(end)),
        )
        .find_map(|w| lexicon.get(w).copied())
}

/// A text's unit vector: the counts of its concepts, plus a small deterministic component
/// (FNV-1a) for each other word. Deterministic, language-independent for the lexicon's words.
pub fn embed(text: &str) -> Vec<f32> {
    let mut v = vec![0.0f32; DIMENSION];
    let lower = text.to_lowercase();
    let mut words = 0;
    for word in lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        match concept(word) {
            Some(c) => v[c] += 1.0,
            None => {
                let hash = word.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                });
                v[CONCEPTS.len() + (hash % HASH_BUCKETS as u64) as usize] += HASH_WEIGHT;
            }
        }
    }
    if words == 0 {
        v[CONCEPTS.len()] = HASH_WEIGHT;
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter().map(|x| x / norm).collect()
}

/// The cosine of two vectors (0 when either is zero).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// Which requests a fault hits, counting the server's embeddings requests from 0 in the order
/// they arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// That request only.
    Request(usize),
    /// That request and every later one (a server that dies).
    From(usize),
}

/// What a faulty request gets instead of its vectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 with `Retry-After: N`.
    RateLimited { retry_after_secs: u64 },
    /// 500.
    ServerError,
    /// 401 whose message echoes the key the client sent.
    Unauthorized,
    /// Every vector of the reply has this dimension.
    WrongDimension(usize),
    /// The reply's last vector has this dimension, the others the lexicon's.
    OneWrongDimension(usize),
}

/// How the server behaves. `Options::default()` is a well-behaved server: any model, no key,
/// float arrays in order with their indices, unit vectors, no batch limit, no faults.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only this model exists: others get 404 `model '...' not found`.
    pub model: Option<String>,
    /// Requests must carry `Authorization: Bearer KEY`; others get 401 echoing what they sent.
    pub key: Option<String>,
    /// Answer base64 strings of little-endian f32, whatever `encoding_format` says.
    pub base64: bool,
    /// List the reply's vectors in reverse order (each keeps its `index`).
    pub shuffle: bool,
    /// Leave `index` out of the reply (vectors in input order).
    pub omit_index: bool,
    /// Multiply the vectors by this (1 = unit vectors).
    pub scale: f32,
    /// More inputs than this in one request are refused with this status: 400 "at most N
    /// inputs per request", or 413.
    pub max_inputs: Option<(usize, u16)>,
    pub faults: Vec<(When, Fault)>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            model: None,
            key: None,
            base64: false,
            shuffle: false,
            omit_index: false,
            scale: 1.0,
            max_inputs: None,
            faults: Vec::new(),
        }
    }
}

impl Options {
    /// Adds a fault; the first that matches a request wins.
    pub fn fault(mut self, when: When, fault: Fault) -> Options {
        self.faults.push((when, fault));
        self
    }

    fn fault_for(&self, n: usize) -> Option<&Fault> {
        self.faults.iter().find_map(|(when, fault)| {
            let hit = match *when {
                When::Request(r) => n == r,
                When::From(r) => n >= r,
            };
            hit.then_some(fault)
        })
    }
}

/// One embeddings request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub model: String,
    pub inputs: Vec<String>,
    pub encoding_format: Option<String>,
    pub authorization: Option<String>,
    /// The status the server answered with.
    pub status: u16,
    pub at: Instant,
}

pub struct EmbedServer {
    /// The API base, `http://127.0.0.1:PORT/v1`: what `--embed-endpoint` takes.
    pub url: String,
    log: Arc<Mutex<Vec<Received>>>,
}

impl EmbedServer {
    /// Every embeddings request so far, in the order they arrived.
    pub fn requests(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }

    /// How many texts the server was sent, all requests together (refused ones included).
    pub fn texts_received(&self) -> usize {
        self.requests().iter().map(|r| r.inputs.len()).sum()
    }

    /// The texts of the requests the server answered with vectors.
    pub fn texts_answered(&self) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter(|r| r.status == 200)
            .flat_map(|r| r.inputs)
            .collect()
    }
}

struct Inner {
    options: Options,
    log: Arc<Mutex<Vec<Received>>>,
}

/// Starts a server on 127.0.0.1 (a free port) in its own thread; it lives until the test
/// process ends.
pub fn start(options: Options) -> EmbedServer {
    let log: Arc<Mutex<Vec<Received>>> = Arc::default();
    let inner = Arc::new(Inner {
        options,
        log: log.clone(),
    });
    let app = axum::Router::new()
        .route("/v1/embeddings", axum::routing::post(embeddings))
        .route("/v1/models", axum::routing::get(models))
        .with_state(inner);
    let addr = super::serve(app);
    EmbedServer {
        url: format!("http://{addr}/v1"),
        log,
    }
}

fn reply(status: u16, body: &Value, headers: &[(&str, String)]) -> Response<Body> {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, value);
    }
    builder.body(Body::from(body.to_string())).unwrap()
}

fn error(status: u16, message: &str, kind: &str, param: Value, code: &str) -> Response<Body> {
    let body = json!({"error": {"message": message, "type": kind, "param": param, "code": code}});
    reply(status, &body, &[])
}

async fn models(State(inner): State<Arc<Inner>>) -> Response<Body> {
    let id = inner.options.model.as_deref().unwrap_or("lexicon");
    let body =
        json!({"object": "list", "data": [{"id": id, "object": "model", "owned_by": "test"}]});
    reply(200, &body, &[])
}

async fn embeddings(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let inputs: Vec<String> = match &request["input"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect(),
        _ => Vec::new(),
    };
    let model = request["model"].as_str().unwrap_or_default().to_string();
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let received = Received {
        model: model.clone(),
        inputs: inputs.clone(),
        encoding_format: request["encoding_format"].as_str().map(str::to_string),
        authorization: authorization.clone(),
        status: 0,
        at: Instant::now(),
    };
    let n = {
        let mut log = inner.log.lock().unwrap();
        log.push(received);
        log.len() - 1
    };
    let response = answer(&inner.options, n, &request, &model, &inputs, authorization);
    inner.log.lock().unwrap()[n].status = response.status().as_u16();
    response
}

fn answer(
    options: &Options,
    n: usize,
    request: &Value,
    model: &str,
    inputs: &[String],
    authorization: Option<String>,
) -> Response<Body> {
    let sent_key = authorization
        .as_deref()
        .map(|a| a.strip_prefix("Bearer ").unwrap_or(a).to_string());
    let unauthorized = || {
        error(
            401,
            &format!(
                "Incorrect API key provided: {}. You can find your API key in your account.",
                sent_key.as_deref().unwrap_or("(none)")
            ),
            "invalid_request_error",
            Value::Null,
            "invalid_api_key",
        )
    };
    if let Some(key) = &options.key {
        if sent_key.as_deref() != Some(key.as_str()) {
            return unauthorized();
        }
    }
    let mut dimension = None;
    let mut one_dimension = None;
    match options.fault_for(n) {
        Some(Fault::RateLimited { retry_after_secs }) => {
            let body = json!({"error": {
                "message": "Rate limit reached for requests", "type": "requests",
                "param": null, "code": "rate_limit_exceeded"}});
            return reply(429, &body, &[("retry-after", retry_after_secs.to_string())]);
        }
        Some(Fault::ServerError) => {
            return error(
                500,
                "The server had an error while processing your request.",
                "server_error",
                Value::Null,
                "server_error",
            )
        }
        Some(Fault::Unauthorized) => return unauthorized(),
        Some(Fault::WrongDimension(d)) => dimension = Some(*d),
        Some(Fault::OneWrongDimension(d)) => one_dimension = Some(*d),
        None => {}
    }
    if let Some(only) = &options.model {
        if model != only {
            return error(
                404,
                &format!("model '{model}' not found"),
                "invalid_request_error",
                json!("model"),
                "model_not_found",
            );
        }
    }
    if let Some((max, status)) = options.max_inputs {
        if inputs.len() > max {
            let message = match status {
                413 => "Payload Too Large".to_string(),
                _ => format!("at most {max} inputs per request"),
            };
            return error(
                status,
                &message,
                "invalid_request_error",
                json!("input"),
                "",
            );
        }
    }
    let base64 = options.base64 || request["encoding_format"] == "base64";
    let last = inputs.len().saturating_sub(1);
    let mut data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let mut v: Vec<f32> = embed(text).iter().map(|x| x * options.scale).collect();
            let size = match (dimension, one_dimension) {
                (Some(d), _) => Some(d),
                (None, Some(d)) if i == last => Some(d),
                _ => None,
            };
            if let Some(d) = size {
                v.resize(d, 0.5);
            }
            let embedding = if base64 {
                let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                json!(base64::engine::general_purpose::STANDARD.encode(bytes))
            } else {
                json!(v)
            };
            let mut item = json!({"object": "embedding", "index": i, "embedding": embedding});
            if options.omit_index {
                item.as_object_mut().unwrap().remove("index");
            }
            item
        })
        .collect();
    if options.shuffle {
        data.reverse();
    }
    let tokens: usize = inputs.iter().map(|t| t.split_whitespace().count()).sum();
    let body = json!({
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    });
    reply(200, &body, &[])
}
