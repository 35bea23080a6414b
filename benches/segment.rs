//! Criterion bench of the segmenter library function on the bundled article, repeated to
//! about 1 MB (French) and on its English reference. Throughput is reported in bytes/s.
//! The side-by-side comparison with peer tools is `benches/segment_peers.py`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use passerelle::segment::Segmenter;
use passerelle::text::Lang;

fn corpus(name: &str, target: usize) -> String {
    let path = format!(
        "{}/corpora/microsoft-build/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let one = std::fs::read_to_string(&path).expect("bundled corpus");
    let mut text = String::with_capacity(target + one.len());
    while text.len() < target {
        text.push_str(&one);
        text.push_str("\n\n");
    }
    text
}

fn segment(c: &mut Criterion) {
    let mut group = c.benchmark_group("segment");
    for (lang, file) in [(Lang::Fr, "article.fr.txt"), (Lang::En, "article.en.txt")] {
        let text = corpus(file, 1 << 20);
        let segmenter = Segmenter::new(lang.clone());
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("article", lang.code()),
            &text,
            |b, text| {
                b.iter(|| {
                    let mut n = 0usize;
                    segmenter.for_each(text, |_| n += 1);
                    n
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, segment);
criterion_main!(benches);
