#!/usr/bin/env python3
"""Two builds of passerelle side by side: segment, align and check on the same inputs, runs
interleaved (old, new, old, new, ...) so that a noisy machine slows both alike, and the ratio
of the fastest runs printed per task. For refactors that must not cost speed: build the old
commit in a worktree (`git worktree add /tmp/before REV && cargo build --release` there) and
give both binaries.

Inputs are made from the bundled article (corpora/microsoft-build), tiled to a size that
takes long enough to time: the French text for `segment`, both sides for `align`, and the
aligned article with the bundled glossary for `check`. The outputs of the two builds are
compared too: a task whose output differs is reported, since a refactor should not change it.

    python3 benches/compare_builds.py --old /tmp/before/target/release/passerelle \\
        --new target/release/passerelle
"""

import argparse
import hashlib
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "corpora" / "microsoft-build"
GLOSSARY = ROOT / "glossary" / "microsoft-build.tsv"


def tile(src: pathlib.Path, dst: pathlib.Path, copies: int) -> None:
    text = src.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    dst.write_text(text * copies, encoding="utf-8")


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    # check exits 1 when it has findings; anything else is a failure.
    if done.returncode not in (0, 1):
        sys.exit(f"compare_builds: {' '.join(cmd)} failed ({done.returncode}):\n"
                 f"{done.stderr.decode(errors='replace')}")
    return elapsed, hashlib.sha256(done.stdout).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", required=True, help="the passerelle binary before the change")
    ap.add_argument("--new", required=True, help="the passerelle binary after it")
    ap.add_argument("--runs", type=int, default=5, help="runs of each binary per task")
    ap.add_argument("--copies", type=int, default=40,
                    help="copies of the article in each input (default 40)")
    ap.add_argument("--work", default=str(ROOT / "target" / "compare-builds"),
                    help="scratch folder")
    args = ap.parse_args()
    for b in (args.old, args.new):
        if not pathlib.Path(b).is_file():
            sys.exit(f"compare_builds: no binary at {b}")

    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    fr, en, aligned = work / "fr.txt", work / "en.txt", work / "aligned.tsv"
    tile(ARTICLE / "article.fr.txt", fr, args.copies)
    tile(ARTICLE / "article.en.txt", en, args.copies)
    subprocess.run([args.new, "align", str(ARTICLE / "article.fr.txt"),
                    str(ARTICLE / "article.en.txt"), "--out", str(work / "one.tsv")],
                   check=True, stderr=subprocess.DEVNULL)
    one = (work / "one.tsv").read_text(encoding="utf-8")
    aligned.write_text(one * (args.copies * 10), encoding="utf-8")

    tasks = {
        "segment fr": ["segment", str(fr)],
        "align fr/en": ["align", str(fr), str(en)],
        "check (glossary)": ["check", "--glossary", str(GLOSSARY), "--format", "json",
                             str(aligned)],
    }
    sizes = {"segment fr": fr.stat().st_size,
             "align fr/en": fr.stat().st_size + en.stat().st_size,
             "check (glossary)": aligned.stat().st_size}
    print(f"{'task':<18} {'MB':>6} {'old s':>8} {'new s':>8} {'new/old':>8}  output")
    for name, rest in tasks.items():
        best = {"old": float("inf"), "new": float("inf")}
        digests = {}
        for _ in range(args.runs):
            for which in ("old", "new"):
                elapsed, digest = timed([getattr(args, which)] + rest)
                best[which] = min(best[which], elapsed)
                digests[which] = digest
        same = "same" if digests["old"] == digests["new"] else "DIFFERS"
        print(f"{name:<18} {sizes[name] / 1e6:>6.1f} {best['old']:>8.3f} {best['new']:>8.3f} "
              f"{best['new'] / best['old']:>8.2f}  {same}")


if __name__ == "__main__":
    main()
