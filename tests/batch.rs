//! `passerelle batch`: the beads equal `passerelle align --format jsonl`'s for the same pair and
//! options (hand-made documents, the bundled article, and random documents in a property
//! test), the findings equal `check --format json`'s on that alignment, records stay in input
//! order with `--jobs 2`, every kind of bad line gets its error record, CRLF and a missing final
//! newline, a closed standard output, `--shard` partitions, `--fail-fast`, and every output
//! record matches schemas/batch-output.schema.json.

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::common::{passerelle, repo_root};

const GLOSSARY: &str = "glossary/microsoft-build.tsv";

/// `passerelle batch ARGS` with `input` on standard input: (exit code, stdout, stderr).
fn batch_raw(args: &[&str], input: impl Into<Vec<u8>>) -> (i32, Vec<u8>, String) {
    let output = passerelle()
        .arg("batch")
        .arg("--no-cache")
        .args(args)
        .write_stdin(input.into())
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        output.stdout,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The output records of a run that must succeed, each checked against the output schema.
fn batch(args: &[&str], input: impl Into<Vec<u8>>) -> Vec<Value> {
    let (code, stdout, stderr) = batch_raw(args, input);
    assert_eq!(code, 0, "{stderr}");
    records(&stdout)
}

fn records(stdout: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(stdout).expect("UTF-8 output");
    assert!(text.is_empty() || text.ends_with('\n'), "{text}");
    let validator = output_validator();
    text.lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("each line is JSON");
            let errors: Vec<String> = validator
                .iter_errors(&record)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{line}\n{}", errors.join("\n"));
            record
        })
        .collect()
}

fn schema(name: &str) -> jsonschema::Validator {
    let path = repo_root().join("schemas").join(name);
    let schema: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft202012::new(&schema).expect("the schema compiles")
}

fn output_validator() -> jsonschema::Validator {
    schema("batch-output.schema.json")
}

fn jsonl(records: &[Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

/// A document pair and the `align` flags that match its record.
struct Doc {
    id: String,
    src: String,
    tgt: String,
    presegmented: bool,
    mt: Option<String>,
    langs: Option<(&'static str, &'static str)>,
}

impl Doc {
    fn new(id: &str, src: &str, tgt: &str) -> Doc {
        Doc {
            id: id.into(),
            src: src.into(),
            tgt: tgt.into(),
            presegmented: false,
            mt: None,
            langs: None,
        }
    }

    fn record(&self) -> Value {
        let mut r = json!({"id": self.id, "src": self.src, "tgt": self.tgt});
        if self.presegmented {
            r["presegmented"] = json!(true);
        }
        if let Some(mt) = &self.mt {
            r["mt"] = json!(mt);
        }
        if let Some((s, t)) = self.langs {
            r["src_lang"] = json!(s);
            r["tgt_lang"] = json!(t);
        }
        r
    }

    /// `passerelle align --format jsonl` on the pair (with `extra` flags): its JSON lines.
    fn align(&self, dir: &std::path::Path, extra: &[&str]) -> Vec<Value> {
        let (src, tgt, mt) = (dir.join("src.txt"), dir.join("tgt.txt"), dir.join("mt.txt"));
        fs::write(&src, &self.src).unwrap();
        fs::write(&tgt, &self.tgt).unwrap();
        let mut cmd = passerelle();
        cmd.arg("align")
            .arg(&src)
            .arg(&tgt)
            .args(["--format", "jsonl"]);
        if self.presegmented {
            cmd.arg("--presegmented");
        }
        if let Some(text) = &self.mt {
            fs::write(&mt, text).unwrap();
            cmd.arg("--translation").arg(&mt);
        }
        if let Some((s, t)) = self.langs {
            cmd.args(["--src-lang", s, "--tgt-lang", t]);
        }
        let output = cmd.args(extra).output().expect("runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        fs::write(dir.join("aligned.jsonl"), &output.stdout).unwrap();
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// The bead objects of an `align --format jsonl` output, as batch writes them.
fn bead_shapes(aligned: &[Value]) -> Vec<Value> {
    aligned
        .iter()
        .map(|b| {
            json!({"src": b["src"], "tgt": b["tgt"], "type": b["type"], "score": b["score"],
                   "review": b["review"]})
        })
        .collect()
}

/// A record's findings without their file locations (batch has no files; `check` of an
/// alignment file points into it).
fn without_locations(findings: &Value) -> Vec<Value> {
    findings
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            let mut f = f.clone();
            let object = f.as_object_mut().unwrap();
            object.remove("source_location");
            object.remove("target_location");
            f
        })
        .collect()
}

/// Batch and align (and check, with `glossary`) agree on every document.
fn assert_batch_equals_align(docs: &[Doc], glossary: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let input = jsonl(&docs.iter().map(Doc::record).collect::<Vec<_>>());
    let mut args = vec!["--jobs", "2"];
    let mut align_args = vec![];
    if let Some(g) = glossary {
        args.extend(["--glossary", g]);
        align_args.extend(["--glossary", g]);
    }
    let out = batch(&args, input);
    assert_eq!(out.len(), docs.len());
    for (doc, record) in docs.iter().zip(&out) {
        assert_eq!(record["ok"], json!(true), "{record}");
        assert_eq!(record["id"], json!(doc.id));
        let aligned = doc.align(dir.path(), &align_args);
        assert_eq!(
            record["beads"].as_array().unwrap(),
            &bead_shapes(&aligned),
            "{}",
            doc.id
        );
        // A bead's text is its sentences joined by a space, as in align's output.
        for (bead, a) in record["beads"].as_array().unwrap().iter().zip(&aligned) {
            let text = |side: &str, sentences: &str| -> String {
                let all = record[sentences].as_array().unwrap();
                let parts: Vec<&str> = bead[side]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| all[i.as_u64().unwrap() as usize].as_str().unwrap())
                    .collect();
                parts.join(" ")
            };
            assert_eq!(text("src", "src_sentences"), a["source"].as_str().unwrap());
            assert_eq!(text("tgt", "tgt_sentences"), a["target"].as_str().unwrap());
        }
        // The findings are check's on the same alignment (without a glossary, the rules that
        // need none).
        let mut cmd = passerelle();
        cmd.args(["check", "--format", "json"]);
        if let Some(g) = glossary {
            cmd.args(["--glossary", g]);
        }
        if let Some((s, t)) = doc.langs {
            cmd.args(["--src-lang", s, "--tgt-lang", t]);
        }
        let output = cmd.arg(dir.path().join("aligned.jsonl")).output().unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            without_locations(&record["findings"]),
            without_locations(&report["findings"]),
            "{}",
            doc.id
        );
        for f in record["findings"].as_array().unwrap() {
            assert!(f["source_location"].is_null() && f["target_location"].is_null());
        }
    }
}

fn article() -> Doc {
    let read = |name: &str| {
        fs::read_to_string(repo_root().join("corpora/microsoft-build").join(name)).unwrap()
    };
    Doc::new("article", &read("article.fr.txt"), &read("article.en.txt"))
}

fn hand_made() -> Vec<Doc> {
    let mut docs = vec![
        Doc::new(
            "merge",
            "Le conseil s’est réuni lundi. Il a voté le budget, qui s’élève à 4,5 millions \
             d’euros.\n\nLa séance a duré trois heures et les habitants ont posé des questions.\n",
            "The council met on Monday. It voted on the budget, which amounts to 4.5 million \
             euros.\n\nThe session lasted three hours. Residents asked questions.\n",
        ),
        Doc::new(
            "crlf",
            "« Nous devons écouter », a dit Mme Durand.\r\nLa réunion aura lieu le 12 mars.\r\n\r\nFin.\r\n",
            "“We must listen,” said Ms Durand.\r\nThe meeting will take place on March 12.\r\n\r\nEnd.\r\n",
        ),
        Doc::new("empty-target", "Une phrase. Une autre.", ""),
    ];
    let mut pre = Doc::new(
        "presegmented",
        "Un. Deux.\nTrois.\n\nQuatre.\n",
        "One. Two.\nThree.\n\nFour.\n",
    );
    pre.presegmented = true;
    docs.push(pre);
    let mut mt = Doc::new(
        "mt",
        "Microsoft a annoncé 12 produits. Les développeurs sont contents.",
        "Microsoft announced twelve products. Developers are happy.",
    );
    mt.mt = Some("Microsoft announced 12 products.\nThe developers are happy.\n".into());
    docs.push(mt);
    let mut reversed = Doc::new(
        "en-fr",
        "The cloud is big. Azure grows.",
        "Le nuage est grand. Azure grandit.",
    );
    reversed.langs = Some(("en", "fr"));
    docs.push(reversed);
    docs
}

#[test]
fn beads_equal_align_on_hand_made_documents_and_the_article() {
    let mut docs = hand_made();
    docs.push(article());
    assert_batch_equals_align(&docs, None);
}

#[test]
fn beads_and_findings_equal_align_and_check_with_a_glossary() {
    let mut docs = hand_made();
    let mut planted = article();
    planted.id = "planted".into();
    planted.tgt = planted.tgt.replace("Microsoft", "Microsfot");
    docs.push(article());
    docs.push(planted);
    assert_batch_equals_align(&docs, Some(GLOSSARY));
    let out = batch(
        &["--glossary", GLOSSARY],
        jsonl(&[docs.last().unwrap().record()]),
    );
    assert!(
        !out[0]["findings"].as_array().unwrap().is_empty(),
        "a misspelt name is found"
    );
}

/// Random French-like and English-like documents: sentences of random words, random
/// paragraph breaks, sometimes a sentence with no counterpart.
fn document() -> impl Strategy<Value = (Vec<Vec<String>>, Vec<Vec<String>>)> {
    let word = prop::sample::select(vec![
        "le",
        "chat",
        "dort",
        "Paris",
        "12",
        "nuage",
        "été",
        "Microsoft",
        "données",
        "3,5",
        "and",
        "cloud",
        "the",
        "sleeps",
        "Azure",
        "data",
        "summer",
        "über",
        "naïve",
        "«",
        "»",
    ]);
    let sentence = (
        prop::collection::vec(word, 1..12),
        prop::sample::select(vec![".", "?", "!"]),
    )
        .prop_map(|(words, end)| {
            let mut s = words.join(" ");
            if let Some(first) = s.get(..1) {
                s = first.to_uppercase() + &s[1..];
            }
            s + end
        });
    let paragraph = prop::collection::vec(sentence, 1..5);
    (
        prop::collection::vec(paragraph.clone(), 1..4),
        prop::collection::vec(paragraph, 0..4),
    )
}

fn text(paragraphs: &[Vec<String>], presegmented: bool) -> String {
    let sep = if presegmented { "\n" } else { " " };
    paragraphs
        .iter()
        .map(|p| p.join(sep))
        .collect::<Vec<_>>()
        .join("\n\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn beads_equal_align_on_random_documents(
        docs in prop::collection::vec((document(), any::<bool>()), 1..4)
    ) {
        let docs: Vec<Doc> = docs
            .iter()
            .enumerate()
            .map(|(k, ((src, tgt), presegmented))| {
                let mut doc = Doc::new(
                    &format!("r{k}"),
                    &text(src, *presegmented),
                    &text(tgt, *presegmented),
                );
                doc.presegmented = *presegmented;
                doc
            })
            .collect();
        assert_batch_equals_align(&docs, None);
    }
}

/// `n` records of varied length, so that workers finish out of order.
fn many(n: usize) -> String {
    let records: Vec<Value> = (0..n)
        .map(|k| {
            let repeat = [1, 30, 2, 12, 5][k % 5];
            json!({
                "id": format!("doc-{k:03}"),
                "src": "Le chat dort au soleil. Il fait 25 degrés à Paris. ".repeat(repeat),
                "tgt": "The cat sleeps in the sun. It is 25 degrees in Paris. ".repeat(repeat),
            })
        })
        .collect();
    jsonl(&records)
}

#[test]
fn records_keep_input_order_with_two_jobs() {
    let input = many(60);
    let (code, one, _) = batch_raw(&["--jobs", "1"], input.clone());
    assert_eq!(code, 0);
    let (code, two, _) = batch_raw(&["--jobs", "2"], input);
    assert_eq!(code, 0);
    assert_eq!(one, two, "--jobs 2 writes the same bytes as --jobs 1");
    let ids: Vec<Value> = records(&two).into_iter().map(|r| r["id"].clone()).collect();
    let want: Vec<Value> = (0..60).map(|k| json!(format!("doc-{k:03}"))).collect();
    assert_eq!(ids, want);
}

#[test]
fn every_kind_of_bad_line_gets_its_error_record() {
    let good = json!({"id": "good", "src": "Un.", "tgt": "One."}).to_string();
    let mut input: Vec<u8> = Vec::new();
    let lines: Vec<Vec<u8>> = vec![
        good.clone().into(),
        b"{\"id\": \"cut\", \"src\": ".to_vec(),
        br#"{"id": "no-tgt", "src": "Un."}"#.to_vec(),
        br#"{"id": "typed", "src": "Un.", "tgt": 3}"#.to_vec(),
        br#"{"id": "flag", "src": "Un.", "tgt": "One.", "presegmented": "yes"}"#.to_vec(),
        br#"{"id": "extra", "src": "Un.", "tgt": "One.", "source": "?"}"#.to_vec(),
        br#"{"id": 7, "src": "Un.", "tgt": "One."}"#.to_vec(),
        br#"["id", "src", "tgt"]"#.to_vec(),
        b"{\"id\": \"latin1\", \"src\": \"\xe9t\xe9\", \"tgt\": \"summer\"}".to_vec(),
        Vec::new(),
        format!(
            r#"{{"id": "big", "src": "{}", "tgt": "x"}}"#,
            "a".repeat(500)
        )
        .into(),
        br#"{"id": "lang", "src": "Un.", "tgt": "One.", "tgt_lang": "!!"}"#.to_vec(),
        br#"{"id": "mt", "src": "Un. Deux.", "tgt": "One. Two.", "mt": "One."}"#.to_vec(),
        good.into(),
    ];
    for line in &lines {
        input.extend_from_slice(line);
        input.push(b'\n');
    }
    let out = batch(&["--max-record-bytes", "300", "--jobs", "2"], input);
    assert_eq!(out.len(), lines.len());
    let expect: [(Option<&str>, &str); 12] = [
        (None, "not JSON"),
        (Some("no-tgt"), "missing field `tgt`"),
        (
            Some("typed"),
            "invalid type: integer `3`, expected a string",
        ),
        (Some("flag"), "expected a boolean"),
        (Some("extra"), "unknown field `source`"),
        (None, "invalid type: integer `7`"),
        (None, "expected a JSON object"),
        (None, "invalid UTF-8 at byte 25"),
        (None, "empty line"),
        (None, "longer than the 300 bytes"),
        (Some("lang"), "tgt_lang: '!!' is not a language code"),
        (
            Some("mt"),
            "the translation has 1 lines but the source has 2 sentences",
        ),
    ];
    for (k, (id, message)) in expect.iter().enumerate() {
        let r = &out[k + 1];
        assert_eq!(r["ok"], json!(false), "{r}");
        assert_eq!(r["line"], json!(k + 2), "{r}");
        assert_eq!(r["id"], json!(id), "{r}");
        let error = r["error"].as_str().unwrap();
        assert!(error.contains(message), "line {}: {error}", k + 2);
    }
    for r in [&out[0], &out[lines.len() - 1]] {
        assert_eq!((&r["id"], &r["ok"]), (&json!("good"), &json!(true)));
    }
}

#[test]
fn the_input_schema_accepts_exactly_the_records_batch_aligns() {
    let input = schema("batch-input.schema.json");
    let lines = [
        json!({"id": "a", "src": "Un.", "tgt": "One."}),
        json!({"id": "b", "src": "Un.", "tgt": "One.", "src_lang": "fr", "tgt_lang": "en",
               "presegmented": true, "mt": "One."}),
        json!({"id": "c", "src": "Un."}),
        json!({"id": "d", "src": "Un.", "tgt": "One.", "note": "?"}),
        json!({"id": 4, "src": "Un.", "tgt": "One."}),
    ];
    let out = batch(&[], jsonl(&lines));
    for (line, record) in lines.iter().zip(&out) {
        assert_eq!(input.is_valid(line), record["ok"] == json!(true), "{line}");
    }
}

#[test]
fn crlf_and_a_missing_final_newline_change_nothing() {
    let input = many(6);
    let crlf = input.replace('\n', "\r\n");
    let unterminated = input.trim_end_matches('\n').to_string();
    let (_, want, _) = batch_raw(&[], input);
    assert_eq!(records(&want).len(), 6);
    for variant in [crlf, unterminated] {
        let (code, got, stderr) = batch_raw(&[], variant);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(got, want);
    }
}

#[test]
fn a_closed_standard_output_ends_the_run_without_a_panic() {
    let bin = assert_cmd::cargo::cargo_bin("passerelle");
    let mut child = Command::new(bin)
        .args(["batch", "--no-cache", "--jobs", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Nobody reads: the output pipe is closed before the first record is written.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let input = many(400);
    let writer = std::thread::spawn(move || {
        // The child may stop reading once its output is gone: a write error here is fine.
        let _ = stdin.write_all(input.as_bytes());
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[test]
fn shards_partition_the_input() {
    let mut input = many(30);
    input.push_str("not json\n");
    input.push_str(&format!("{}\n", json!({"id": "lonely", "src": "Un."})));
    let all = batch(&[], input.clone());
    let mut union: Vec<String> = Vec::new();
    let mut sizes = Vec::new();
    for k in 0..3 {
        let shard = format!("{k}/3");
        let part = batch(&["--shard", &shard, "--jobs", "2"], input.clone());
        sizes.push(part.len());
        union.extend(part.iter().map(Value::to_string));
    }
    assert!(sizes.iter().all(|&n| n > 0), "{sizes:?}");
    let mut want: Vec<String> = all.iter().map(Value::to_string).collect();
    assert_eq!(union.len(), want.len(), "the shards are disjoint");
    union.sort();
    want.sort();
    assert_eq!(union, want, "the shards' union is the whole output");
    let (code, _, stderr) = batch_raw(&["--shard", "3/3"], "");
    assert_eq!(code, 2);
    assert!(stderr.contains("0 <= K < N"), "{stderr}");
}

#[test]
fn fail_fast_stops_at_the_first_bad_record_after_writing_it() {
    let mut input = many(5);
    input.push_str("{\"id\": \"bad\", \"src\": \"Un.\"}\n");
    input.push_str(&many(5));
    let (code, stdout, stderr) = batch_raw(&["--fail-fast", "--jobs", "2"], input.clone());
    assert_eq!(code, 2);
    assert!(stderr.contains("line 6"), "{stderr}");
    let out = records(&stdout);
    assert_eq!(out.len(), 6);
    assert_eq!(out[5]["ok"], json!(false));
    assert_eq!(out[5]["id"], json!("bad"));
    // Without it, the run goes on and exits 0.
    let (code, stdout, _) = batch_raw(&["--jobs", "2"], input);
    assert_eq!((code, records(&stdout).len()), (0, 11));
}

#[test]
fn help_describes_the_records() {
    let output = passerelle().args(["batch", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for needed in [
        "--jobs",
        "--shard",
        "FNV-1a",
        "--fail-fast",
        "\"ok\": false",
        "--backend",
    ] {
        assert!(help.contains(needed), "{needed}");
    }
}

#[test]
fn a_translation_memory_translates_records_as_it_does_for_align() {
    let dir = tempfile::tempdir().unwrap();
    let memory = dir.path().join("memory.tsv");
    fs::write(
        &memory,
        "Le chat dort.\tThe cat is sleeping.\nIl pleut à Paris.\tIt is raining in Paris.\n",
    )
    .unwrap();
    let memory = memory.to_string_lossy().into_owned();
    let doc = Doc::new(
        "tm",
        "Le chat dort. Il pleut à Paris. Une phrase sans traduction.",
        "The cat is asleep. It rains in Paris. A sentence. Another one.",
    );
    let out = batch(
        &["--backend", "tm", "--memory", &memory],
        jsonl(&[doc.record()]),
    );
    let aligned = doc.align(
        dir.path(),
        &["--backend", "tm", "--memory", &memory, "--no-cache"],
    );
    assert_eq!(out[0]["beads"].as_array().unwrap(), &bead_shapes(&aligned));
    // The memory's translations are evidence: without them the beads may differ, and the
    // scores do.
    let plain = batch(&[], jsonl(&[doc.record()]));
    assert_ne!(out[0]["beads"], plain[0]["beads"]);
    let (code, _, stderr) = batch_raw(&["--memory", &memory], "");
    assert_eq!(code, 2);
    assert!(stderr.contains("go with --backend"), "{stderr}");
}

/// The schema lists the rules by name; it must list exactly the library's.
#[test]
fn the_output_schema_knows_every_rule() {
    let path = repo_root().join("schemas/batch-output.schema.json");
    let schema: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let listed: Vec<&str> = schema["$defs"]["finding"]["properties"]["rule"]["enum"]
        .as_array()
        .expect("the finding's rule is an enum")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let rules: Vec<&str> = passerelle::check::Rule::ALL
        .iter()
        .map(|r| r.id())
        .collect();
    assert_eq!(listed, rules);
}

#[test]
fn embeddings_are_evidence_as_they_are_for_align() {
    use crate::align::embeddings::{EN, FR};
    use crate::common::embed_server;
    let server = embed_server::start(embed_server::Options::default());
    // Sentence lengths pair these 1-1; the vectors find the 1-2 and the 2-1 (as for align).
    let record = json!({"id": "m", "src": FR, "tgt": EN, "presegmented": true});
    let input = jsonl(std::slice::from_ref(&record));
    let pairs = |records: &[Value]| -> Vec<(Value, Value)> {
        let beads = records[0]["beads"].as_array().expect("beads").clone();
        beads
            .into_iter()
            .map(|b| (b["src"].clone(), b["tgt"].clone()))
            .collect()
    };
    let embedded = batch(
        &["--embed-endpoint", &server.url, "--embed-model", "lexicon"],
        input.clone(),
    );
    let expected = [
        (json!([0]), json!([0, 1])),
        (json!([1]), json!([2])),
        (json!([2, 3]), json!([3])),
    ];
    assert_eq!(pairs(&embedded), expected);
    assert_ne!(pairs(&batch(&[], input.clone())), expected);

    // A server that is down: the record gets its error, with the flag to check.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let down = batch(
        &[
            "--embed-endpoint",
            &url,
            "--embed-model",
            "m",
            "--max-retries",
            "0",
        ],
        input,
    );
    assert_eq!(down[0]["ok"], false);
    let error = down[0]["error"].as_str().unwrap();
    assert!(error.starts_with("embedding failed: "), "{error}");
    assert!(error.contains("--embed-endpoint right?"), "{error}");
}
