//! Criterion bench of `passerelle::check::check`: the bundled article's bitext (French
//! paragraphs against the English reference, repeated to about 1 MB) against the bundled
//! glossary, a 10-entry glossary and a 10 000-entry one, so that the cost of glossary size
//! shows. Throughput is in bytes of bitext (source plus target). Also two parts alone: number
//! extraction, and scanning the texts for the 10 000-entry glossary's forms. See
//! benches/README.md, and benches/check_scale.py for a million pairs through the command.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use passerelle::check::{check, Options};
use passerelle::glossary::matcher::{MatcherBuilder, Verify};
use passerelle::glossary::Glossary;
use passerelle::numbers;
use passerelle::text::{Bitext, Lang, Pair};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bitext(target_bytes: usize) -> Bitext {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).expect("bundled corpus");
    let fr = read("corpora/microsoft-build/article.fr.txt");
    let en = read("corpora/microsoft-build/article.en.txt");
    let lines: Vec<(String, String)> = fr
        .lines()
        .zip(en.lines())
        .map(|(f, e)| (f.to_string(), e.to_string()))
        .collect();
    let mut pairs = Vec::new();
    let mut bytes = 0;
    while bytes < target_bytes {
        for (f, e) in &lines {
            bytes += f.len() + e.len();
            pairs.push(Pair {
                src: f.clone(),
                tgt: e.clone(),
                ..Pair::default()
            });
        }
    }
    Bitext {
        src_lang: Lang::Fr,
        tgt_lang: Lang::En,
        pairs,
    }
}

/// The bundled glossary's first `n` entries, then synthetic ones (pseudo-words that the text
/// does not contain, one to three words each) up to `n`.
fn glossary(n: usize) -> Glossary {
    let text =
        std::fs::read_to_string(root().join("glossary/microsoft-build.tsv")).expect("glossary");
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let header = lines.remove(0);
    lines.truncate(n);
    let syllables = [
        "ka", "lo", "ster", "mi", "pra", "tu", "ven", "do", "rel", "sha", "bi", "gon",
    ];
    let mut state = 7u64;
    let mut word = || {
        let mut w = String::new();
        for _ in 0..3 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            w.push_str(syllables[(state >> 33) as usize % syllables.len()]);
        }
        w
    };
    let mut k = 0;
    while lines.len() < n {
        let words = 1 + k % 3;
        let fr: Vec<String> = (0..words).map(|_| word()).collect();
        let en: Vec<String> = (0..words).map(|_| word()).collect();
        lines.push(format!("{}x{k}\t{}\tterm\t\t", fr.join(" "), en.join(" ")));
        k += 1;
    }
    let tsv = format!("{header}\n{}\n", lines.join("\n"));
    Glossary::parse(Path::new("bench.tsv"), &tsv).expect("valid synthetic glossary")
}

fn bench(c: &mut Criterion) {
    let bitext = bitext(1 << 20);
    let bytes: usize = bitext.pairs.iter().map(|p| p.src.len() + p.tgt.len()).sum();
    let options = Options::default();
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    let bundled = Glossary::load(&root().join("glossary/microsoft-build.tsv")).expect("glossary");
    group.bench_function("article/bundled-glossary", |b| {
        b.iter(|| check(black_box(&bitext), &bundled, &options))
    });
    for n in [10, 10_000] {
        let g = glossary(n);
        group.bench_function(format!("article/glossary-{n}"), |b| {
            b.iter(|| check(black_box(&bitext), &g, &options))
        });
    }
    let large = glossary(10_000);
    let matchers = [(&Lang::Fr, true), (&Lang::En, false)].map(|(lang, source)| {
        let mut builder = MatcherBuilder::new(lang);
        for (k, entry) in large.entries().iter().enumerate() {
            for form in entry.forms(lang) {
                // Forms without words cannot be looked for; a glossary loads none.
                let _ = builder.add(form, k, Verify::Folded);
            }
        }
        (builder.build(), source)
    });
    group.bench_function("glossary-10000/scan", |b| {
        b.iter(|| {
            let mut hits = Vec::new();
            for (matcher, source) in &matchers {
                let mut scanner = matcher.scanner();
                for p in &bitext.pairs {
                    scanner.scan(if *source { &p.src } else { &p.tgt }, &mut hits);
                }
            }
            hits.len()
        })
    });
    group.bench_function("numbers/extract", |b| {
        b.iter(|| {
            bitext
                .pairs
                .iter()
                .map(|p| {
                    numbers::extract(&p.src, &Lang::Fr).len()
                        + numbers::extract(&p.tgt, &Lang::En).len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
