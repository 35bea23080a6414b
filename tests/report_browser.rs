//! The review report in a real browser: headless Chromium driven through `chromedriver` over
//! the W3C WebDriver protocol (plain HTTP/1.1 on 127.0.0.1, spoken here with a small blocking
//! client). The report of the bundled project, with two planted glossary mistakes, is loaded
//! from disk; the test checks that every bead is a row, that the flagged beads are marked,
//! that glossary terms and violations are highlighted with their hover text, that the filter
//! (checkbox or `f`) hides the others, that `j`/`k` move the focus between flagged beads and
//! that the page prints, and saves a screenshot to `docs/report.png` (the one README shows).
//!
//! Without `chromium` and `chromedriver` (Debian packages `chromium` and `chromium-driver`)
//! the test says so and passes, unless `PASSERELLE_REQUIRE_BROWSER=1` (set by `.ci/run`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::repo_root;
use crate::run::Project;

/// An executable on `PATH`.
fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// `chromedriver`, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request with a JSON body; returns the status and the JSON reply.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; \
         charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut chunked = false;
    let mut length: Option<usize> = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().ok();
        }
    }
    let mut bytes = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).unwrap();
            bytes.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        bytes.resize(n, 0);
        reader.read_exact(&mut bytes).unwrap();
    } else {
        reader.read_to_end(&mut bytes).unwrap();
    }
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value)
}

/// A WebDriver session.
struct Session<'d> {
    driver: &'d Driver,
    id: String,
}

impl Session<'_> {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let full = format!("/session/{}{path}", self.id);
        let (status, reply) = http(self.driver.port, method, &full, body.as_ref());
        assert_eq!(status, 200, "{method} {path}: {reply}");
        reply["value"].clone()
    }

    fn script(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    fn press(&self, key: &str) {
        self.call(
            "POST",
            "/actions",
            Some(
                json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
                    { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }
                ]}]}),
            ),
        );
    }

    fn active_id(&self) -> String {
        self.script("return document.activeElement ? document.activeElement.id : '';")
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = http(
            self.driver.port,
            "DELETE",
            &format!("/session/{}", self.id),
            None,
        );
    }
}

fn start_driver(chromedriver: &Path) -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            let (status, reply) = http(port, "GET", "/status", None);
            if status == 200 && reply["value"]["ready"] == true {
                return driver;
            }
        }
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Decodes standard base64 (what the screenshot endpoint returns).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn the_report_works_in_headless_chromium() {
    let required = std::env::var("PASSERELLE_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let chromedriver = find(&["chromedriver"]);
    let chromium = find(&["chromium", "chromium-browser", "google-chrome", "chrome"]);
    let (Some(chromedriver), Some(chromium)) = (chromedriver, chromium) else {
        assert!(
            !required,
            "PASSERELLE_REQUIRE_BROWSER=1 but chromium and chromedriver are not both on PATH \
             (Debian: apt-get install chromium chromium-driver)"
        );
        eprintln!(
            "skipped: the report's browser test needs chromium and chromedriver on PATH \
             (Debian: apt-get install chromium chromium-driver)"
        );
        return;
    };

    // The bundled project, with two glossary mistakes planted so that two beads have findings
    // (the aligner is sure of every bead of the article, so findings are what flags them).
    let p = Project::new();
    let en = p.read("corpora/microsoft-build/article.en.txt");
    p.write(
        "corpora/microsoft-build/article.en.txt",
        &en.replace("ethnic cleansing", "ethnic cleaning")
            .replace("war crimes", "war offences"),
    );
    assert_eq!(p.run(&["run", "-q"]).status.code(), Some(1));
    let jsonl = p.read("out/microsoft-build.jsonl");
    let beads = jsonl.lines().count();
    let findings: Value = serde_json::from_str(&p.read("out/findings.json")).unwrap();
    let mut flagged: Vec<usize> = jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| serde_json::from_str::<Value>(l).unwrap()["review"] == true)
        .map(|(k, _)| k)
        .collect();
    let with_findings: Vec<usize> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["segment"].as_u64().unwrap() as usize)
        .collect();
    assert!(with_findings.len() >= 2, "{findings}");
    flagged.extend(&with_findings);
    flagged.sort_unstable();
    flagged.dedup();

    let driver = start_driver(&chromedriver);
    let profile = tempfile::tempdir().unwrap();
    let capabilities = json!({ "capabilities": { "alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium.to_string_lossy(),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    }}});
    let (status, reply) = http(driver.port, "POST", "/session", Some(&capabilities));
    assert_eq!(status, 200, "new session: {reply}");
    let session = Session {
        driver: &driver,
        id: reply["value"]["sessionId"].as_str().unwrap().to_string(),
    };
    let report = p.path("out/report.html").canonicalize().unwrap();
    session.call(
        "POST",
        "/url",
        Some(json!({ "url": format!("file://{}", report.display()) })),
    );
    assert_eq!(
        session.script("return document.title;"),
        "Alignment review: microsoft-build"
    );

    // Every bead is a row; the flagged ones are marked, findings included.
    let rows = session.script("return document.querySelectorAll('tr.bead').length;");
    assert_eq!(rows, beads);
    let marked = session
        .script("return Array.from(document.querySelectorAll('tr.bead.flagged')).map(r => r.id);");
    let expected: Vec<String> = flagged.iter().map(|k| format!("d0-b{k}")).collect();
    assert_eq!(marked, json!(expected));
    for k in &with_findings {
        let classes = session.script(&format!(
            "return document.getElementById('d0-b{k}').className;"
        ));
        assert!(
            classes.as_str().unwrap().contains("has-findings"),
            "{classes}"
        );
    }
    // Glossary terms are highlighted in both languages, the entry on hover; a violation is
    // marked where it is, with the rule and the expected rendering on hover.
    let terms = session.script(
        "return ['td.src', 'td.tgt'].map(c => document.querySelectorAll(c + ' mark.term').length);",
    );
    assert!(
        terms[0].as_u64() > Some(0) && terms[1].as_u64() > Some(0),
        "{terms}"
    );
    let term_title = session.script("return document.querySelector('td.src mark.term').title;");
    assert!(
        term_title.as_str().unwrap().starts_with("glossary "),
        "{term_title}"
    );
    let hover = with_findings
        .iter()
        .map(|k| {
            let title = session.script(&format!(
                "return Array.from(document.querySelectorAll('#d0-b{k} td.tgt mark.bad')).map(m => m.title).join('\\n');"
            ));
            title.as_str().unwrap().to_string()
        })
        .collect::<Vec<String>>()
        .join("\n");
    assert!(
        hover.contains("forbidden-term") && hover.contains("expected: ethnic cleansing"),
        "{hover}"
    );
    let summary =
        session.script("return document.querySelector('#count-beads .value').textContent;");
    assert_eq!(summary, beads.to_string());
    let hidden = "return Array.from(document.querySelectorAll('tr.bead')).filter(r => getComputedStyle(r).display === 'none').length;";
    assert_eq!(session.script(hidden), 0);

    // The filter hides the beads that are not flagged.
    let checkbox = session.call(
        "POST",
        "/element",
        Some(json!({ "using": "css selector", "value": "#only-flagged" })),
    );
    let element = checkbox
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        .unwrap()
        .to_string();
    session.call(
        "POST",
        &format!("/element/{element}/click"),
        Some(json!({})),
    );
    assert_eq!(session.script(hidden), beads - flagged.len());

    // j and k move the focus between flagged beads.
    session.press("j");
    assert_eq!(session.active_id(), expected[0]);
    session.press("j");
    assert_eq!(session.active_id(), expected[1]);
    session.press("k");
    assert_eq!(session.active_id(), expected[0]);

    // `f` toggles the filter too.
    session.press("f");
    assert_eq!(session.script(hidden), 0);
    session.press("f");
    assert_eq!(session.script(hidden), beads - flagged.len());

    // It prints (to PDF here): the page has no script-only content that breaks printing.
    let pdf = base64(
        session
            .call("POST", "/print", Some(json!({})))
            .as_str()
            .unwrap(),
    );
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");

    // The screenshot README shows: the filtered report with the first flagged bead focused.
    session.script("window.scrollTo(0, 0);");
    let png = base64(session.call("GET", "/screenshot", None).as_str().unwrap());
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let docs = repo_root().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    passerelle::files::write_atomic(&docs.join("report.png"), &png).unwrap();
}
