//! `passerelle align` and `passerelle eval align` from the command line: every output format,
//! the bundled article against its hand-made gold, translation evidence from a file or a
//! backend, glossary evidence in any language pair, sentence embeddings from a loopback
//! server (faults, cache, key, `run` with `[align.embeddings]`), and bad input.

use std::fs;

use predicates::prelude::*;

use crate::common::{passerelle, stdout_of};

const FR: &str =
    "Le chat dort depuis 3 heures.\nIl fait beau à Paris.\n\nMicrosoft a annoncé 12 produits.\n";
const EN: &str =
    "The cat has slept for 3 hours.\nThe weather is nice in Paris.\n\nMicrosoft announced 12 products.\n";

fn pair(dir: &tempfile::TempDir) -> (String, String) {
    let fr = dir.path().join("a.fr");
    let en = dir.path().join("a.en");
    fs::write(&fr, FR).unwrap();
    fs::write(&en, EN).unwrap();
    (
        fr.to_string_lossy().into_owned(),
        en.to_string_lossy().into_owned(),
    )
}

fn align(args: &[&str]) -> String {
    let output = passerelle().arg("align").args(args).output().expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout_of(&output)
}

#[test]
fn beads_format_lists_indices_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, en) = pair(&dir);
    let out = align(&["--presegmented", &fr, &en, "--format", "beads"]);
    let shapes: Vec<&str> = out.lines().map(|l| l.rsplit_once(':').unwrap().0).collect();
    assert_eq!(shapes, ["[0]:[0]", "[1]:[1]", "[2]:[2]"]);
    for line in out.lines() {
        let score: f32 = line.rsplit_once(':').unwrap().1.parse().unwrap();
        assert!((0.0..=1.0).contains(&score), "{line}");
    }
}

#[test]
fn tsv_format_has_text_type_score_and_flag() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, en) = pair(&dir);
    let out = align(&["--presegmented", &fr, &en]);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2][0], "Microsoft a annoncé 12 produits.");
    assert_eq!(rows[2][1], "Microsoft announced 12 products.");
    assert_eq!(rows[2][2], "1-1");
    assert!(rows.iter().all(|r| r.len() == 5));
    // A threshold of 1 flags every bead but the certain ones (the last bead is a paragraph
    // of its own on both sides, so the paragraph anchor makes it certain).
    let flagged = align(&["--presegmented", &fr, &en, "--review-below", "1"]);
    for line in flagged.lines() {
        let certain = line.split('\t').nth(3) == Some("1.000");
        assert_eq!(line.ends_with("\treview"), !certain, "{flagged}");
    }
    assert!(flagged.lines().filter(|l| l.ends_with("\treview")).count() >= 2);
}

#[test]
fn jsonl_format_is_one_object_per_bead() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, en) = pair(&dir);
    let out = align(&["--presegmented", &fr, &en, "--format", "jsonl"]);
    let beads: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(beads.len(), 3);
    assert_eq!(beads[1]["src"], serde_json::json!([1]));
    assert_eq!(beads[1]["tgt"], serde_json::json!([1]));
    assert_eq!(beads[1]["type"], "1-1");
    assert_eq!(beads[1]["source"], "Il fait beau à Paris.");
    assert_eq!(beads[1]["review"], false);
}

#[test]
fn tmx_output_is_read_back_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, en) = pair(&dir);
    let tmx = dir.path().join("a.tmx");
    passerelle()
        .args([
            "align",
            "--presegmented",
            &fr,
            &en,
            "--format",
            "tmx",
            "--out",
        ])
        .arg(&tmx)
        .assert()
        .success();
    let text = fs::read_to_string(&tmx).unwrap();
    assert!(text.contains("<tmx version=\"1.4\">"));
    assert_eq!(text.matches("<tu>").count(), 3);
    assert!(text.contains("<tuv xml:lang=\"en\"><seg>The weather is nice in Paris.</seg></tuv>"));
    // Another command reads it as a bitext.
    let glossary = dir.path().join("g.tsv");
    fs::write(&glossary, "fr\ten\tkind\nchat\tcat\tterm\n").unwrap();
    passerelle()
        .args(["check", "--glossary"])
        .arg(&glossary)
        .arg(&tmx)
        .assert()
        .code(0);
}

#[test]
fn moses_format_writes_two_parallel_files() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, en) = pair(&dir);
    let prefix = dir.path().join("corpus");
    passerelle()
        .args([
            "align",
            "--presegmented",
            &fr,
            &en,
            "--format",
            "moses",
            "--out",
        ])
        .arg(&prefix)
        .assert()
        .success();
    let fr_out = fs::read_to_string(dir.path().join("corpus.fr")).unwrap();
    let en_out = fs::read_to_string(dir.path().join("corpus.en")).unwrap();
    assert_eq!(fr_out.lines().count(), 3);
    assert_eq!(en_out.lines().nth(1), Some("The weather is nice in Paris."));
    passerelle()
        .args(["align", "--presegmented", &fr, &en, "--format", "moses"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--out PREFIX"));
}

/// The bundled article against its English reference: every bead of the hand-made gold.
#[test]
fn the_bundled_article_matches_its_gold_alignment() {
    let dir = tempfile::tempdir().unwrap();
    for glossary in [None, Some("glossary/microsoft-build.tsv")] {
        let hyp = dir.path().join("article.beads");
        let mut cmd = passerelle();
        cmd.args([
            "align",
            "corpora/microsoft-build/article.fr.txt",
            "corpora/microsoft-build/article.en.txt",
            "--format",
            "beads",
            "--out",
        ])
        .arg(&hyp);
        if let Some(g) = glossary {
            cmd.args(["--glossary", g]);
        }
        cmd.assert().success();
        let output = passerelle()
            .args([
                "eval",
                "align",
                "--format",
                "json",
                "--gold",
                "corpora/microsoft-build/article.gold.beads",
            ])
            .arg(&hyp)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let f1 = report["total"]["f1_strict"].as_f64().unwrap();
        assert_eq!(f1, 1.0, "glossary {glossary:?}: {report}");
    }
}

#[test]
fn a_translation_file_is_evidence_and_its_line_count_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, en) = pair(&dir);
    let mt = dir.path().join("mt.en");
    fs::write(
        &mt,
        "The cat sleeps for 3 hours.\nIt is nice in Paris.\nMicrosoft announced 12 products.\n",
    )
    .unwrap();
    let out = align(&[
        "--presegmented",
        &fr,
        &en,
        "--format",
        "beads",
        "--translation",
        mt.to_str().unwrap(),
    ]);
    assert_eq!(out.lines().count(), 3);
    fs::write(&mt, "Only one line.\n").unwrap();
    passerelle()
        .args(["align", "--presegmented", &fr, &en, "--translation"])
        .arg(&mt)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1 lines").and(predicate::str::contains("3 sentences")));
}

#[cfg(unix)]
#[test]
fn a_backend_can_make_the_translation() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, en) = pair(&dir);
    // `cat` as the external engine: the "translation" is the source itself, which still
    // shares numbers and names with the target.
    let out = align(&[
        "--presegmented",
        &fr,
        &en,
        "--format",
        "beads",
        "--backend",
        "command",
        "--no-cache",
        "--",
        "cat",
    ]);
    assert_eq!(out.lines().count(), 3);
    passerelle()
        .args([
            "align",
            &fr,
            &en,
            "--backend",
            "deepl",
            "--translation",
            &fr,
        ])
        .assert()
        .code(2);
    passerelle()
        .args(["align", &fr, &en, "--memory", &fr])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--backend"));
}

#[test]
fn an_empty_side_gives_deletions() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, _) = pair(&dir);
    let empty = dir.path().join("empty.en");
    fs::write(&empty, "").unwrap();
    let out = align(&[
        "--presegmented",
        &fr,
        empty.to_str().unwrap(),
        "--format",
        "beads",
    ]);
    let shapes: Vec<&str> = out.lines().map(|l| l.rsplit_once(':').unwrap().0).collect();
    assert_eq!(shapes, ["[0]:[]", "[1]:[]", "[2]:[]"]);
}

#[test]
fn bad_input_is_exit_2_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, _) = pair(&dir);
    let latin1 = dir.path().join("latin1.en");
    fs::write(&latin1, b"ok\ncaf\xe9\n").unwrap();
    passerelle()
        .args(["align", &fr])
        .arg(&latin1)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "latin1.en: invalid UTF-8 at byte 6",
        ));
    passerelle()
        .args(["align", &fr, "/nonexistent/x.en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/x.en"));
    passerelle()
        .args(["align", &fr, &fr, "--cost-weights", "1,2,3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nine"));
    passerelle()
        .args(["align", &fr, &fr, "--review-below", "2"])
        .assert()
        .code(2);
}

#[test]
fn cost_weights_change_the_alignment() {
    let dir = tempfile::tempdir().unwrap();
    let fr = dir.path().join("b.fr");
    let en = dir.path().join("b.en");
    fs::write(&fr, "Oui.\nLe chat dort sur le canapé depuis des heures.\n").unwrap();
    fs::write(
        &en,
        "Yes, that is entirely and absolutely right, as everybody here knows.\nCat.\n",
    )
    .unwrap();
    let (fr, en) = (fr.to_str().unwrap(), en.to_str().unwrap());
    let default = align(&["--presegmented", fr, en, "--format", "beads"]);
    // Free skipping and an expensive length mismatch: every sentence is left out.
    let out = align(&[
        "--presegmented",
        fr,
        en,
        "--format",
        "beads",
        "--cost-weights",
        "50,0,0,0,9,9,9,1,0",
    ]);
    let shapes: Vec<&str> = out.lines().map(|l| l.rsplit_once(':').unwrap().0).collect();
    assert_eq!(shapes.len(), 4, "{out}");
    assert!(shapes.iter().all(|s| s.contains("[]")), "{out}");
    assert_ne!(out, default);
}

pub(crate) mod embeddings {
    //! `align --embed-endpoint` against an OpenAI-compatible embeddings server on 127.0.0.1
    //! whose vectors come from a concept lexicon (`common::embed_server`).

    use super::*;
    use crate::common::embed_server::{self, Fault, Options, When};

    // The first French sentence is translated by two English ones and the last two French
    // ones by one English sentence; sentence lengths suggest 1-1 pairs throughout.
    pub(crate) const FR: &str = "Le guide est parti avant l'aube vers le glacier avec la corde.\n\
        Au sommet de la montagne, le vent soufflait sur la neige et la glace.\n\
        L'orage a éclaté.\n\
        La nuit est tombée sur la vallée et sur le refuge, loin du village.\n";
    pub(crate) const EN: &str = "The guide left before dawn.\n\
        He went to the glacier with the rope.\n\
        On the mountain summit the wind blew over snow and ice.\n\
        The storm broke, and night fell on the valley and the hut, far from the village.\n";
    const EXPECTED: &str = "[0]:[0,1]\n[1]:[2]\n[2,3]:[3]\n";

    fn files(dir: &tempfile::TempDir) -> (String, String, String) {
        let fr = dir.path().join("m.fr");
        let en = dir.path().join("m.en");
        fs::write(&fr, FR).unwrap();
        fs::write(&en, EN).unwrap();
        let cache = dir.path().join("cache.sqlite");
        let s = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
        (s(fr), s(en), s(cache))
    }

    fn beads(out: &str) -> String {
        out.lines()
            .map(|l| l.rsplit_once(':').map_or(l, |(b, _)| b))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    fn embed_align(
        server: &embed_server::EmbedServer,
        fr: &str,
        en: &str,
        cache: &str,
    ) -> std::process::Output {
        passerelle()
            .args(["align", "-v", "--presegmented", fr, en, "--format", "beads"])
            .args(["--embed-endpoint", &server.url, "--embed-model", "lexicon"])
            .args([
                "--cache",
                cache,
                "--max-retries",
                "2",
                "--retry-base-ms",
                "10",
            ])
            .env_remove("OPENAI_API_KEY")
            .env_remove("PASSERELLE_EMBED_API_KEY")
            .output()
            .expect("runs")
    }

    #[test]
    fn embeddings_recover_an_alignment_that_lengths_get_wrong_and_a_warm_cache_sends_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (fr, en, cache) = files(&dir);
        let server = embed_server::start(Options::default());
        let out = embed_align(&server, &fr, &en, &cache);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(beads(&stdout_of(&out)), EXPECTED);
        let sent = server.texts_received();
        // Runs of up to four sentences of both sides: 4 + 3 + 2 + 1 per side, each text once.
        assert_eq!(sent, 20);
        let without = align(&["--presegmented", &fr, &en, "--format", "beads"]);
        assert_ne!(
            beads(&without),
            EXPECTED,
            "lengths alone should not find it"
        );
        // Same cache: nothing is sent again, and the beads are the same.
        let again = embed_align(&server, &fr, &en, &cache);
        assert!(again.status.success());
        assert_eq!(beads(&stdout_of(&again)), EXPECTED);
        assert_eq!(server.texts_received(), sent);
        // -v says what embedding cost and which weights aligned.
        let err = String::from_utf8_lossy(&again.stderr);
        assert!(
            err.contains("embeddings: 20 texts (20 from cache, 0 sent in 0 requests, 0 retries)"),
            "{err}"
        );
        let weights = passerelle::align::CostWeights::WITH_EMBEDDINGS;
        assert!(err.contains(&format!("cost weights {weights}\n")), "{err}");
    }

    #[test]
    fn retries_then_success_and_batches_split_on_the_servers_limit() {
        let dir = tempfile::tempdir().unwrap();
        let (fr, en, cache) = files(&dir);
        let server = embed_server::start(
            Options {
                max_inputs: Some((4, 400)),
                base64: true,
                shuffle: true,
                ..Options::default()
            }
            .fault(When::Request(0), Fault::ServerError),
        );
        let out = passerelle()
            .args(["align", "--presegmented", &fr, &en, "--format", "beads"])
            .args(["--embed-endpoint", &server.url, "--embed-model", "lexicon"])
            .args([
                "--embed-batch",
                "8",
                "--cache",
                &cache,
                "--retry-base-ms",
                "10",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(beads(&stdout_of(&out)), EXPECTED);
        let requests = server.requests();
        assert_eq!(requests[0].status, 500);
        assert!(requests.iter().all(|r| r.inputs.len() <= 8));
        assert!(
            requests.iter().any(|r| r.status == 400),
            "a batch over the limit"
        );
        assert!(requests
            .iter()
            .filter(|r| r.status == 200)
            .all(|r| r.inputs.len() <= 4));
    }

    #[test]
    fn vectors_of_another_size_a_dead_server_and_a_wrong_key_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let (fr, en, cache) = files(&dir);
        let server = embed_server::start(
            // Every reply: a malformed reply is asked once more before giving up.
            Options::default().fault(When::From(0), Fault::OneWrongDimension(7)),
        );
        let out = embed_align(&server, &fr, &en, &cache);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("dimensions"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");

        // Nothing listens on this port: it was bound, then released.
        let url = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}/v1", listener.local_addr().unwrap())
        };
        let out = passerelle()
            .args(["align", "--presegmented", &fr, &en])
            .args([
                "--embed-endpoint",
                &url,
                "--embed-model",
                "lexicon",
                "--no-cache",
            ])
            .args(["--max-retries", "1", "--retry-base-ms", "10"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--embed-endpoint"), "{err}");

        let server = embed_server::start(Options {
            key: Some("sk-right-0000".into()),
            ..Options::default()
        });
        let out = passerelle()
            .args(["align", "--presegmented", &fr, &en, "--no-cache"])
            .args(["--embed-endpoint", &server.url, "--embed-model", "lexicon"])
            .env("PASSERELLE_EMBED_API_KEY", "sk-wrong-SECRET-1234")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("SECRET"), "{all}");
        assert_eq!(
            server.requests()[0].authorization.as_deref(),
            Some("Bearer sk-wrong-SECRET-1234")
        );
    }

    #[test]
    fn an_unknown_model_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let (fr, en, _) = files(&dir);
        let server = embed_server::start(Options {
            model: Some("lexicon".into()),
            ..Options::default()
        });
        let out = passerelle()
            .args(["align", "--presegmented", &fr, &en, "--no-cache"])
            .args(["--embed-endpoint", &server.url, "--embed-model", "nope"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("nope"), "{err}");
        passerelle()
            .args(["align", &fr, &en, "--embed-model", "x"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--embed-endpoint"));
    }

    #[test]
    fn run_aligns_with_the_projects_embeddings() {
        let dir = tempfile::tempdir().unwrap();
        let (fr, en, cache) = files(&dir);
        let server = embed_server::start(Options::default());
        let project = dir.path().join("passerelle.toml");
        let write = |extra: &str| {
            fs::write(
                &project,
                format!(
                    "[[document]]\nname = \"m\"\nsource = {fr:?}\nreference = {en:?}\npresegmented = true\n\
                     [output]\nformats = [\"jsonl\"]\n[align.embeddings]\nendpoint = {:?}\nmodel = \"lexicon\"\n{extra}",
                    server.url
                ),
            )
            .unwrap();
        };
        write("");
        let out = passerelle()
            .args(["run", "--config"])
            .arg(&project)
            .args(["--cache", &cache])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let jsonl = fs::read_to_string(dir.path().join("out/m.jsonl")).unwrap();
        let shapes: Vec<String> = jsonl
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                format!("{}:{}", v["src"], v["tgt"])
            })
            .collect();
        assert_eq!(shapes, ["[0]:[0,1]", "[1]:[2]", "[2,3]:[3]"]);
        assert_eq!(server.texts_received(), 20);

        write("colour = \"blue\"\n");
        let out = passerelle()
            .args(["run", "--config"])
            .arg(&project)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("colour"));
    }
}

/// Three source sentences for two target ones: the second source sentence belongs with the
/// last one, but the first target sentence is long enough to tempt a 2-1 with the first two.
/// Only the glossary's pairs (on any two of its language columns) show where the break is.
fn glossary_case(
    dir: &tempfile::TempDir,
    src_lang: &str,
    src: &str,
    glossary: &str,
) -> Vec<String> {
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let src = write("g.src", src);
    let fr = write(
        "g.fr",
        "Les factures sont envoyées chaque mois par la poste, sous pli fermé.\n\
         Les mots de passe expirent et les comptes sont fermés sans préavis.\n",
    );
    let glossary = write("g.tsv", glossary);
    let run = |with: bool| {
        let mut args = vec![
            "--presegmented",
            "--src-lang",
            src_lang,
            "--tgt-lang",
            "fr",
            &src,
            &fr,
            "--format",
            "beads",
        ];
        if with {
            args.extend(["-g", &glossary]);
        }
        align(&args)
            .lines()
            .map(|l| l.rsplit_once(':').unwrap().0.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        run(false),
        ["[0,1]:[0]", "[2]:[1]"],
        "lengths alone mislead"
    );
    run(true)
}

#[test]
fn an_english_to_french_alignment_uses_the_glossary_the_other_way_round() {
    let dir = tempfile::tempdir().unwrap();
    let got = glossary_case(
        &dir,
        "en",
        "Invoices are sent.\nPasswords expire yearly.\n\
         Accounts are then closed without notice to the customer.\n",
        "fr\ten\nfacture\tinvoice\ncompte\taccount\nmot de passe\tpassword\n",
    );
    assert_eq!(got, ["[0]:[0]", "[1,2]:[1]"]);
}

#[test]
fn a_german_french_glossary_is_alignment_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let got = glossary_case(
        &dir,
        "de",
        "Die Rechnung geht raus.\nDas Passwort läuft jährlich ab.\n\
         Das Konto wird dann ohne Ankündigung an den Kunden geschlossen.\n",
        "de\tfr\nRechnung\tfacture\nKonto\tcompte\nPasswort\tmot de passe\n",
    );
    assert_eq!(got, ["[0]:[0]", "[1,2]:[1]"]);
}

#[test]
fn a_glossary_without_the_languages_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, en) = pair(&dir);
    let glossary = dir.path().join("de.tsv");
    fs::write(&glossary, "de\tfr\nRechnung\tfacture\n").unwrap();
    passerelle()
        .args(["align", &fr, &en, "-g"])
        .arg(&glossary)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no 'en' column (the glossary has: de, fr)",
        ));
}

#[test]
fn xliff_and_parallel_text_are_alignment_formats_too() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, en) = pair(&dir);
    let xliff = align(&["--presegmented", &fr, &en, "--format", "xliff"]);
    assert!(xliff.contains("<xliff"), "{xliff}");
    assert!(xliff.contains("original=\"a\""), "{xliff}");
    // passerelle reads its own XLIFF back.
    let path = dir.path().join("a.xlf");
    fs::write(&path, &xliff).unwrap();
    let review = passerelle()
        .args(["review", "--width", "100"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        review.status.success(),
        "{}",
        String::from_utf8_lossy(&review.stderr)
    );
    assert!(stdout_of(&review).contains("Microsoft announced 12 products."));

    let prefix = dir.path().join("par");
    align(&[
        "--presegmented",
        &fr,
        &en,
        "--format",
        "text",
        "--out",
        &prefix.to_string_lossy(),
    ]);
    let en_txt = fs::read_to_string(dir.path().join("par.en.txt")).unwrap();
    assert_eq!(en_txt.lines().count(), 3);
    passerelle()
        .args(["align", "--presegmented", &fr, &en, "--format", "text"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--format text writes two files"));
}
