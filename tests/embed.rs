//! The embeddings client (`passerelle::translate::embed`) through the library, against a real
//! OpenAI-compatible server on 127.0.0.1 (`common::embed_server`): order, base64 and shuffled
//! replies, retries, wrong dimensions, batch limits and splits, the cache across runs (a run
//! that dies half-way resumes), the key, an unknown model, the prefix, and duplicates.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use passerelle::translate::embed::{EmbedConfig, Embedded, Embedder, DEFAULT_BATCH};
use passerelle::translate::{BackendError, Cache, EngineError, EngineOptions, Secret};

use crate::common::embed_server::{self, cosine, EmbedServer, Fault, Options, When, DIMENSION};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Small delays, so that retries do not slow the tests down.
fn fast() -> EngineOptions {
    EngineOptions {
        concurrency: 1,
        max_retries: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        ..EngineOptions::default()
    }
}

fn config(server: &EmbedServer) -> EmbedConfig {
    EmbedConfig::new(server.url.clone(), "lexicon-embed")
}

fn embed_with(
    config: EmbedConfig,
    texts: &[String],
    cache: Option<Arc<Cache>>,
    options: &EngineOptions,
) -> Result<Embedded, EngineError> {
    let embedder = Embedder::new(config).unwrap();
    rt().block_on(embedder.embed(texts, cache, options, None))
}

fn embed(server: &EmbedServer, texts: &[String]) -> Result<Embedded, EngineError> {
    embed_with(config(server), texts, None, &fast())
}

fn strings(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| t.to_string()).collect()
}

/// French sentences, their English translations, and sentences about other things.
const FRENCH: [&str; 4] = [
    "Le guide attache la corde avant l'aube sur le glacier.",
    "La tempête de neige a surpris les alpinistes près du sommet.",
    "Nous avons dressé la tente au camp, au fond de la vallée.",
    "Le refuge était froid pendant la nuit.",
];
const ENGLISH: [&str; 4] = [
    "The guide ties the rope before dawn on the glacier.",
    "The snow storm caught the climbers near the summit.",
    "We pitched the tent at the camp, at the bottom of the valley.",
    "The hut was cold during the night.",
];

fn corpus() -> Vec<String> {
    FRENCH
        .iter()
        .chain(&ENGLISH)
        .map(|t| t.to_string())
        .collect()
}

fn assert_unit(v: &[f32]) {
    let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-5, "norm {norm}");
}

fn assert_same(a: &[Vec<f32>], b: &[Vec<f32>]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.len(), y.len());
        for (p, q) in x.iter().zip(y) {
            assert!((p - q).abs() < 1e-6, "{x:?} != {y:?}");
        }
    }
}

fn backend_error(err: &EngineError) -> &BackendError {
    err.backend_error()
        .unwrap_or_else(|| panic!("not a backend error: {err}"))
}

#[test]
fn vectors_come_back_in_input_order_normalised_and_close_across_languages() {
    // The server answers vectors three times too long: the client normalises them.
    let server = embed_server::start(Options {
        scale: 3.0,
        ..Options::default()
    });
    let texts = corpus();
    let out = embed(&server, &texts).unwrap();
    assert_eq!(out.dimension, DIMENSION);
    assert_eq!(out.vectors.len(), texts.len());
    for (text, v) in texts.iter().zip(&out.vectors) {
        assert_unit(v);
        let want = embed_server::embed(text);
        assert!(cosine(v, &want) > 0.9999, "{text}: not its own vector");
    }
    let (fr, en) = out.vectors.split_at(FRENCH.len());
    for (i, french) in FRENCH.iter().enumerate() {
        let same = cosine(&fr[i], &en[i]);
        assert!(same > 0.9, "{french} / {}: {same}", ENGLISH[i]);
        for (j, english) in ENGLISH.iter().enumerate().filter(|&(j, _)| j != i) {
            let other = cosine(&fr[i], &en[j]);
            assert!(other < 0.5, "{french} / {english}: {other}");
        }
    }
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        1,
        "8 texts fit in one batch of {DEFAULT_BATCH}"
    );
    assert_eq!(requests[0].inputs, texts);
    assert_eq!(requests[0].model, "lexicon-embed");
    assert_eq!(requests[0].encoding_format.as_deref(), Some("float"));
    assert_eq!(requests[0].authorization, None, "no key, no header");
    assert_eq!(
        (
            out.stats.backend.as_str(),
            out.stats.sent,
            out.stats.requests
        ),
        ("embeddings", 8, 1)
    );
}

#[test]
fn base64_replies_decode_to_the_same_vectors_as_float_replies() {
    let texts = corpus();
    let floats = embed(&embed_server::start(Options::default()), &texts).unwrap();
    let server = embed_server::start(Options {
        base64: true,
        ..Options::default()
    });
    let base64 = embed(&server, &texts).unwrap();
    assert_eq!(
        server.requests()[0].encoding_format.as_deref(),
        Some("float"),
        "the server ignores what was asked"
    );
    assert_eq!(base64.dimension, floats.dimension);
    assert_same(&base64.vectors, &floats.vectors);
}

#[test]
fn shuffled_or_missing_indices_still_give_input_order() {
    let texts = corpus();
    let plain = embed(&embed_server::start(Options::default()), &texts).unwrap();
    let shuffled = embed(
        &embed_server::start(Options {
            shuffle: true,
            ..Options::default()
        }),
        &texts,
    )
    .unwrap();
    assert_same(&shuffled.vectors, &plain.vectors);
    let unindexed = embed(
        &embed_server::start(Options {
            omit_index: true,
            ..Options::default()
        }),
        &texts,
    )
    .unwrap();
    assert_same(&unindexed.vectors, &plain.vectors);
}

#[test]
fn a_rate_limit_is_retried_after_retry_after() {
    let server = embed_server::start(Options::default().fault(
        When::Request(0),
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    ));
    let texts = corpus();
    let out = embed(&server, &texts).unwrap();
    assert_eq!((out.stats.requests, out.stats.retries), (2, 1));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].status, 429);
    let waited = requests[1].at - requests[0].at;
    assert!(
        waited >= Duration::from_millis(950) && waited < Duration::from_secs(3),
        "waited {waited:?}, not the 1 s asked (backoff is 10 ms)"
    );
    assert_eq!(out.vectors.len(), texts.len());
}

#[test]
fn a_server_error_is_retried() {
    let server =
        embed_server::start(Options::default().fault(When::Request(0), Fault::ServerError));
    let texts = corpus();
    let out = embed(&server, &texts).unwrap();
    assert_eq!(out.stats.retries, 1);
    let statuses: Vec<u16> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [500, 200]);
    assert_eq!(server.requests()[0].inputs, server.requests()[1].inputs);
    assert!(cosine(&out.vectors[0], &embed_server::embed(&texts[0])) > 0.9999);
}

#[test]
fn a_vector_of_another_size_is_a_clear_error() {
    let texts = corpus();
    // A later reply of another size than the first.
    let server =
        embed_server::start(Options::default().fault(When::From(1), Fault::WrongDimension(3)));
    let err = embed_with(
        EmbedConfig {
            batch: 2,
            ..config(&server)
        },
        &texts,
        None,
        &fast(),
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&format!("vectors of {DIMENSION} and 3 dimensions")),
        "{message}"
    );
    assert!(message.starts_with("embeddings: "), "{message}");
    assert!(message.contains("--embed-model"), "{message}");
    assert!(matches!(backend_error(&err), BackendError::Failed(_)));
    assert_eq!(server.requests().len(), 2, "the run stops at the bad reply");

    // One vector of another size inside a reply.
    let server =
        embed_server::start(Options::default().fault(When::From(0), Fault::OneWrongDimension(7)));
    let err = embed(&server, &texts).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&format!("{DIMENSION} and 7 dimensions")),
        "{message}"
    );
    assert!(matches!(backend_error(&err), BackendError::Malformed(_)));
}

#[test]
fn a_batch_too_large_for_the_server_is_split() {
    let texts: Vec<String> = (0..10)
        .map(|i| format!("{} (copie {i})", FRENCH[i % 4]))
        .collect();
    for status in [400, 413] {
        let server = embed_server::start(Options {
            max_inputs: Some((4, status)),
            ..Options::default()
        });
        let out = embed_with(
            EmbedConfig {
                batch: 10,
                ..config(&server)
            },
            &texts,
            None,
            &fast(),
        )
        .unwrap();
        let requests = server.requests();
        assert_eq!(requests[0].inputs.len(), 10);
        assert_eq!(requests[0].status, status);
        for r in &requests {
            assert_eq!(r.status == 200, r.inputs.len() <= 4, "{status}: {r:?}");
        }
        let mut answered = server.texts_answered();
        answered.sort();
        let mut want = texts.clone();
        want.sort();
        assert_eq!(answered, want, "{status}: each text answered exactly once");
        for (text, v) in texts.iter().zip(&out.vectors) {
            assert!(cosine(v, &embed_server::embed(text)) > 0.9999);
        }
    }
}

fn open(path: &Path) -> Option<Arc<Cache>> {
    Some(Arc::new(Cache::open(path).unwrap()))
}

#[test]
fn the_cache_answers_a_second_run_and_a_run_that_died_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let texts = corpus();
    let server = embed_server::start(Options::default());
    let first = embed_with(config(&server), &texts, open(&path), &fast()).unwrap();
    assert_eq!(first.stats.from_cache, 0);
    assert_eq!(server.requests().len(), 1);

    let again = embed_with(config(&server), &texts, open(&path), &fast()).unwrap();
    assert_eq!(server.requests().len(), 1, "nothing is sent again");
    assert_eq!(again.stats.from_cache, texts.len());
    assert_eq!(again.dimension, first.dimension);
    assert_eq!(again.vectors, first.vectors, "cached vectors are exact");

    // Another prefix misses the cache.
    let other = EmbedConfig {
        prefix: Some("passage: ".into()),
        ..config(&server)
    };
    embed_with(other, &texts, open(&path), &fast()).unwrap();
    assert_eq!(server.requests().len(), 2);

    // A run whose server fails for good after the first batch (its second request gets a
    // 401, which stops the run) ...
    let path = dir.path().join("resume.sqlite");
    let flaky =
        embed_server::start(Options::default().fault(When::Request(1), Fault::Unauthorized));
    let batched = EmbedConfig {
        batch: 3,
        ..config(&flaky)
    };
    let err = embed_with(batched.clone(), &texts, open(&path), &fast()).unwrap_err();
    assert!(
        matches!(backend_error(&err), BackendError::Auth(_)),
        "{err}"
    );
    assert_eq!(flaky.texts_answered(), texts[..3]);
    let before = flaky.requests().len();
    assert_eq!(before, 2);
    // ... leaves its finished batch in the cache: the next run sends only the rest.
    let resumed = embed_with(batched, &texts, open(&path), &fast()).unwrap();
    let sent: Vec<Vec<String>> = flaky.requests()[before..]
        .iter()
        .map(|r| r.inputs.clone())
        .collect();
    assert_eq!(sent, [texts[3..6].to_vec(), texts[6..].to_vec()]);
    assert_eq!(flaky.texts_received(), 3 + 3 + (texts.len() - 3));
    assert_eq!(resumed.stats.from_cache, 3);
    assert_same(&resumed.vectors, &first.vectors);

    // A cache filled by a model of another dimension, under the same endpoint and name (the
    // server's first reply has 5 dimensions, later ones the lexicon's): a clear error.
    let path = dir.path().join("other-model.sqlite");
    let swapped =
        embed_server::start(Options::default().fault(When::Request(0), Fault::WrongDimension(5)));
    let small = embed_with(config(&swapped), &texts[..2], open(&path), &fast()).unwrap();
    assert_eq!(small.dimension, 5);
    let err = embed_with(config(&swapped), &texts[..3], open(&path), &fast()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&format!("vectors of {DIMENSION} dimensions"))
            && message.contains("vectors of 5 ")
            && message.contains("--cache"),
        "{message}"
    );
    assert_eq!(swapped.requests().len(), 2);
}

#[test]
fn the_key_is_sent_as_a_bearer_token_and_never_shown() {
    const KEY: &str = "sk-test-SECRET123";
    let server = embed_server::start(Options {
        key: Some(KEY.into()),
        ..Options::default()
    });
    let with_key = |server: &EmbedServer, key: &str| EmbedConfig {
        api_key: Some(Secret::new(key)),
        ..config(server)
    };
    let texts = corpus();
    embed_with(with_key(&server, KEY), &texts, None, &fast()).unwrap();
    assert_eq!(
        server.requests()[0].authorization.as_deref(),
        Some("Bearer sk-test-SECRET123")
    );

    // A wrong key: the server's message echoes it.
    let err = embed_with(with_key(&server, "sk-test-WRONG456"), &texts, None, &fast()).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        matches!(backend_error(&err), BackendError::Auth(_)),
        "{shown}"
    );
    assert!(shown.contains("Incorrect API key provided: ***"), "{shown}");
    assert!(!shown.contains("WRONG456"), "{shown}");

    // The right key, refused by a server that echoes it back.
    let echo = embed_server::start(
        Options {
            key: Some(KEY.into()),
            ..Options::default()
        }
        .fault(When::From(0), Fault::Unauthorized),
    );
    let config = with_key(&echo, KEY);
    let debug = format!("{config:?} {:?}", Embedder::new(config.clone()).unwrap());
    assert!(!debug.contains("SECRET123"), "{debug}");
    let err = embed_with(config, &texts, None, &fast()).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("HTTP 401"), "{shown}");
    assert!(!shown.contains("SECRET123"), "{shown}");
}

#[test]
fn an_unknown_model_is_named() {
    let server = embed_server::start(Options {
        model: Some("nomic-embed-text".into()),
        ..Options::default()
    });
    let err = embed_with(
        EmbedConfig::new(server.url.clone(), "xyz"),
        &corpus(),
        None,
        &fast(),
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(matches!(backend_error(&err), BackendError::BadRequest(_)));
    assert!(message.contains("model 'xyz' not found"), "{message}");
    assert!(message.contains("is 'xyz' an embedding model"), "{message}");
    assert!(message.contains("--embed-model"), "{message}");
    assert!(
        message.contains(&format!("GET {}/models", server.url)),
        "{message}"
    );
    assert_eq!(server.requests().len(), 1, "not retried");
}

#[test]
fn the_prefix_is_put_before_every_text() {
    let server = embed_server::start(Options::default());
    let texts = corpus();
    let out = embed_with(
        EmbedConfig {
            prefix: Some("query: ".into()),
            ..config(&server)
        },
        &texts,
        None,
        &fast(),
    )
    .unwrap();
    let want: Vec<String> = texts.iter().map(|t| format!("query: {t}")).collect();
    assert_eq!(server.requests()[0].inputs, want);
    assert!(cosine(&out.vectors[0], &embed_server::embed(&want[0])) > 0.9999);
}

#[test]
fn identical_texts_are_sent_once_blank_ones_never_and_batches_keep_their_size() {
    let server = embed_server::start(Options::default());
    let mut texts: Vec<String> = Vec::new();
    for i in 0..30 {
        texts.push(match i % 5 {
            0 => FRENCH[0].to_string(),
            1 => "   ".to_string(),
            _ => format!("{} ({i})", ENGLISH[i % 4]),
        });
    }
    let options = EngineOptions {
        concurrency: 3,
        ..fast()
    };
    let out = embed_with(
        EmbedConfig {
            batch: 4,
            ..config(&server)
        },
        &texts,
        None,
        &options,
    )
    .unwrap();
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.inputs.len() <= 4), "{requests:?}");
    let mut sent = server.texts_answered();
    let count = sent.len();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), count, "every text is sent once");
    assert_eq!(count, 1 + 18, "one for the six copies, none for the blanks");
    assert_eq!(out.stats.segments, 24);
    assert_eq!(out.stats.sent, 19);
    for (text, v) in texts.iter().zip(&out.vectors) {
        assert_eq!(v.len(), DIMENSION);
        if text.trim().is_empty() {
            assert!(
                v.iter().all(|&x| x == 0.0),
                "a blank text has a zero vector"
            );
        } else {
            assert!(cosine(v, &embed_server::embed(text)) > 0.9999, "{text}");
        }
    }

    // Nothing but blanks: nothing is sent, and there is no dimension.
    let out = embed(&server, &strings(&["", " \n"])).unwrap();
    assert_eq!(out.dimension, 0);
    assert_eq!(out.vectors, [Vec::<f32>::new(), Vec::new()]);
    assert_eq!(server.requests().len(), requests.len());
}
