//! What bounded concurrency and the cache buy: 2 000 sentences translated through the library
//! engine against a loopback LibreTranslate-compatible server that answers each request after
//! 200 ms, with batches of at most 25 sentences (80 requests), at `--concurrency 8` and 1; then
//! the same text again with a warm cache, counting the requests the server receives.
//!
//! Run with `cargo bench --bench translate_concurrency`. It prints the wall times, the speed-up
//! (expected: at least 6×) and the requests of the warm run (expected: 0), and exits non-zero
//! when either expectation fails. Nothing leaves 127.0.0.1.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use passerelle::segment::Segmenter;
use passerelle::text::Lang;
use passerelle::translate::libretranslate::LibreTranslateConfig;
use passerelle::translate::{AnyBackend, Cache, Engine, EngineOptions, Job};
use serde_json::{json, Value};

const SENTENCES: usize = 2_000;
const LATENCY: Duration = Duration::from_millis(200);
const BATCH: usize = 25;

/// A LibreTranslate-compatible server: `GET /languages` at once, `POST /translate` after
/// [`LATENCY`]. Returns its address and its count of translate requests.
fn start_server(rt: &tokio::runtime::Runtime) -> (SocketAddr, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route(
            "/languages",
            axum::routing::get(|| async {
                axum::Json(json!([
                    {"code": "fr", "name": "French", "targets": ["en"]},
                    {"code": "en", "name": "English", "targets": ["fr"]},
                ]))
            }),
        )
        .route(
            "/translate",
            axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(LATENCY).await;
                    let out: Vec<String> = body["q"]
                        .as_array()
                        .map(|q| {
                            q.iter()
                                .map(|t| format!("EN {}", t.as_str().unwrap_or("")))
                                .collect()
                        })
                        .unwrap_or_default();
                    axum::Json(json!({ "translatedText": out }))
                }
            }),
        );
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, count)
}

fn main() -> ExitCode {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (addr, requests) = start_server(&rt);

    // 2 000 sentences, as the sentence unit of `passerelle translate` produces them.
    let text: String = (0..SENTENCES)
        .map(|i| {
            let sep = if i % 10 == 9 { "\n\n" } else { " " };
            format!(
                "La phrase numéro {i} parle de la facture n° {}.{sep}",
                i * 7
            )
        })
        .collect();
    let sentences: Vec<String> = Segmenter::new(Lang::Fr)
        .segment(&text)
        .iter()
        .map(|s| s.span.slice(&text).to_string())
        .collect();
    assert_eq!(sentences.len(), SENTENCES);

    let config = AnyBackend::Libretranslate(LibreTranslateConfig {
        endpoint: Some(format!("http://{addr}")),
        max_texts: BATCH,
        max_bytes: 1 << 20,
        ..LibreTranslateConfig::default()
    });
    let job = Job::new(Lang::Fr, Lang::En);
    let run = |concurrency: usize, cache: Option<Arc<Cache>>| {
        let mut engine = Engine::new(config.build().unwrap()).with_options(EngineOptions {
            concurrency,
            ..EngineOptions::default()
        });
        if let Some(cache) = cache {
            engine = engine.with_cache(cache);
        }
        let before = requests.load(Ordering::SeqCst);
        let started = Instant::now();
        let outcome = rt
            .block_on(engine.translate(&job, &sentences))
            .expect("the loopback server answers");
        let elapsed = started.elapsed();
        assert_eq!(outcome.translations.len(), SENTENCES);
        assert_eq!(outcome.translations[5].text, format!("EN {}", sentences[5]));
        (elapsed, requests.load(Ordering::SeqCst) - before)
    };

    println!(
        "translate_concurrency: {SENTENCES} sentences, batches of {BATCH}, server latency {} ms",
        LATENCY.as_millis()
    );
    let (t8, n8) = run(8, None);
    println!(
        "  concurrency 8: {:>6.2} s, {n8} requests",
        t8.as_secs_f64()
    );
    let (t1, n1) = run(1, None);
    println!(
        "  concurrency 1: {:>6.2} s, {n1} requests",
        t1.as_secs_f64()
    );
    let speedup = t1.as_secs_f64() / t8.as_secs_f64();
    println!("  speed-up 8 vs 1: {speedup:.2}x (expected >= 6x)");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("translations.sqlite");
    let (cold, cold_requests) = run(8, Some(Arc::new(Cache::open(&path).unwrap())));
    // A new handle on the same file, as a second `passerelle translate` would open it.
    let (warm, warm_requests) = run(8, Some(Arc::new(Cache::open(&path).unwrap())));
    println!(
        "  cache: cold run {:.2} s, {cold_requests} requests; warm run {:.3} s, {warm_requests} \
         requests (expected 0)",
        cold.as_secs_f64(),
        warm.as_secs_f64()
    );

    if speedup >= 6.0 && warm_requests == 0 {
        println!("  ok");
        ExitCode::SUCCESS
    } else {
        println!("  FAILED");
        ExitCode::FAILURE
    }
}
