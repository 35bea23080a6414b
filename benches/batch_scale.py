#!/usr/bin/env python3
"""`passerelle batch` throughput: one job, two jobs, and the Spark example in local[2].

Generates, in a work folder (default target/bench-work/batch), a JSON-lines corpus of
document pairs (`--docs`, default 2 000; about 3 KB of bitext each) cut from the bundled
article: its sentences as `passerelle segment --format jsonl` splits them, paired by the hand
alignment corpora/microsoft-build/article.gold.beads. Each document is a random run of 4 to 30
consecutive beads, with its paragraph breaks, so documents differ and 1-2 beads occur where
the gold has them. The corpus is made again only when --docs or the seed change.

Then, in one run, it measures:

* `passerelle batch --jobs 1 --no-cache < corpus`;
* `passerelle batch --jobs 2 --no-cache < corpus` (its output must equal the --jobs 1 output,
  byte for byte: a mismatch fails the bench);
* `examples/spark/align_corpus.py --master local[2]` on the same corpus, run by
  `--spark-python` (default: this Python), when that Python can import pyspark (otherwise the
  row is skipped with a note). Its part files must equal the --jobs 1 output as well.

For each: wall time of the whole process (start-up included; for Spark that is the JVM's
start, about 10 s, which is why its job time, as the script reports it, is shown too),
documents/s and MB/s of input JSON, and memory, two ways. "Peak RSS" comes from
`/usr/bin/time -v` ("Maximum resident set size") when it exists, else from `os.wait4`'s
`ru_maxrss` for the child: the largest single process among those waited for, which for Spark
is the driver's Python (the JVM it starts is not a waited child). "Tree RSS" is the largest
sum of RSS over the whole process tree (for Spark: JVM, Python workers and the passerelle
children), sampled from /proc every 0.1 s ("–" for a run shorter than that).
`--glossary FILE` adds the glossary (findings) to every run.

Output: a Markdown table on stdout (run | wall s | job s | docs/s | MB/s | peak RSS MiB |
tree RSS MiB | wall speed-up vs jobs 1), then the --jobs 2 / --jobs 1 speed-up ratio; everything, with the command lines,
also goes to WORK/batch_scale.json. Progress on stderr. Times mean something only on an idle
machine: the script warns when the load average is above half the CPU count. Exit status 0
on success, 1 when a run fails or outputs differ, 2 for bad arguments or a missing binary.

    benches/batch_scale.py                                   # target/release/passerelle
    benches/batch_scale.py --passerelle target/debug/passerelle --docs 500
    benches/batch_scale.py --spark-python /tmp/sparkvenv/bin/python --runs 3

Standard library only (pyspark only in the Python that runs the Spark example). It does not
build the binary: run `cargo build --release` first, or pass --passerelle.
"""

import argparse
import json
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "corpora" / "microsoft-build"
EXAMPLE = ROOT / "examples" / "spark" / "align_corpus.py"
TIME = Path("/usr/bin/time")


def log(message):
    print(f"batch_scale: {message}", file=sys.stderr, flush=True)


def sentences(binary, path, lang):
    """(paragraph, text) of each sentence, as `passerelle segment --format jsonl` cuts them."""
    r = subprocess.run([str(binary), "segment", "--lang", lang, "--format", "jsonl", str(path)],
                       capture_output=True, check=True)
    out = []
    for line in r.stdout.decode("utf-8").splitlines():
        s = json.loads(line)
        out.append((s["paragraph"], s["text"]))
    return out


def gold_beads(path):
    beads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[([\d,\s]*)\]:\[([\d,\s]*)\](?::.*)?", line)
        if not m:
            raise ValueError(f"{path}: cannot read bead {line!r}")
        beads.append(tuple([int(x) for x in g.split(",") if x.strip()] for g in m.groups()))
    return beads


def side_text(sents, indexes):
    """The sentences, a space between them, a blank line where the paragraph changes."""
    text, last = "", None
    for i in indexes:
        para, s = sents[i]
        if last is not None:
            text += "\n\n" if para != last else " "
        text += s
        last = para
    return text


def generate(binary, docs, seed, path):
    fr = sentences(binary, ARTICLE / "article.fr.txt", "fr")
    en = sentences(binary, ARTICLE / "article.en.txt", "en")
    beads = gold_beads(ARTICLE / "article.gold.beads")
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for n in range(docs):
            size = rng.randint(4, min(30, len(beads)))
            start = rng.randrange(0, len(beads) - size + 1)
            window = beads[start:start + size]
            record = {
                "id": f"doc-{n:06d}",
                "src": side_text(fr, [i for b in window for i in b[0]]),
                "tgt": side_text(en, [j for b in window for j in b[1]]),
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


class TreeSampler(threading.Thread):
    """Samples, every 0.1 s, the summed RSS of a process and all its descendants (/proc)."""

    PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def tree_rss(self):
        children = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read()
                ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            todo += children.get(pid, [])
            try:
                with open(f"/proc/{pid}/statm", "rb") as f:
                    total += int(f.read().split()[1]) * self.PAGE
            except (OSError, ValueError, IndexError):
                pass
        return total

    def run(self):
        while not self.done.wait(0.1):
            if os.path.isdir("/proc"):
                self.peak = max(self.peak, self.tree_rss())


def measure(command, stdin=None, stdout=None, env=None, cwd=None):
    """Run `command`; (wall seconds, peak RSS in MiB, peak tree RSS in MiB, stderr text).
    Raises on failure."""
    use_time = TIME.is_file() and os.access(TIME, os.X_OK)
    argv = [str(TIME), "-v", *command] if use_time else list(command)
    with tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=err, env=env, cwd=cwd)
        sampler = TreeSampler(p.pid)
        sampler.start()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        sampler.done.set()
        sampler.join()
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    rss_kb = usage.ru_maxrss
    if use_time:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        if m:
            rss_kb = int(m.group(1))
        text = text[:text.rfind("\tCommand being timed:")] if "\tCommand being timed:" in text \
            else text
    if p.returncode != 0:
        raise RuntimeError(f"`{shlex.join(command)}` exited with {p.returncode}:\n"
                           f"{text.strip()[-3000:]}")
    return wall, rss_kb / 1024, sampler.peak / 2**20, text


def pyspark_version(python):
    try:
        r = subprocess.run([python, "-c", "import pyspark; print(pyspark.__version__)"],
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passerelle", type=Path, default=ROOT / "target" / "release" / "passerelle",
                    metavar="BIN", help="the passerelle binary (default target/release/passerelle)")
    ap.add_argument("--docs", type=int, default=2000, help="document pairs (default 2000)")
    ap.add_argument("--spark-python", default=sys.executable, metavar="PY",
                    help="Python with pyspark for the Spark row (default: this Python)")
    ap.add_argument("--partitions", type=int, default=4,
                    help="input partitions for the Spark example (default 4)")
    ap.add_argument("--glossary", type=Path, metavar="FILE", help="glossary for every run")
    ap.add_argument("--runs", type=int, default=1, help="keep the fastest of N runs (default 1)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench-work" / "batch",
                    help="work folder (default target/bench-work/batch)")
    args = ap.parse_args()
    if args.docs < 1 or args.runs < 1 or args.partitions < 1:
        ap.error("--docs, --runs and --partitions must be at least 1")

    binary = args.passerelle.resolve()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        log(f"no passerelle binary at {args.passerelle}: run `cargo build --release` or pass "
            f"--passerelle")
        return 2
    probe = subprocess.run([str(binary), "batch", "--help"], capture_output=True)
    if probe.returncode != 0:
        log(f"{binary} has no `batch` subcommand")
        return 2
    if "release" not in binary.parts:
        log("warning: not a release build; the numbers will not mean much")
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    if load > cpus / 2:
        log(f"warning: load average {load:.2f} on {cpus} CPUs: times will be noisy")

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{args.docs}-{args.seed}.jsonl"
    if not corpus.is_file():
        log(f"generating {args.docs} document pairs into {corpus}")
        generate(binary, args.docs, args.seed, corpus.with_suffix(".tmp"))
        corpus.with_suffix(".tmp").replace(corpus)
    size = corpus.stat().st_size
    docs = args.docs

    extra = ["--glossary", str(args.glossary.resolve())] if args.glossary else []
    results, failed = [], False

    def best_of(name, run):
        best = None
        for _ in range(args.runs):
            r = run()
            if best is None or r["wall_s"] < best["wall_s"]:
                best = r
        best["name"] = name
        results.append(best)
        log(f"{name}: {best['wall_s']:.2f} s, peak RSS {best['rss_mib']:.0f} MiB, "
            f"process tree {best['tree_rss_mib']:.0f} MiB")
        return best

    outputs = {}
    for jobs in (1, 2):
        command = [str(binary), "batch", "--jobs", str(jobs), "--no-cache", *extra]
        out = work / f"batch-jobs{jobs}.jsonl"

        def run(command=command, out=out):
            with open(corpus, "rb") as i, open(out, "wb") as o:
                wall, rss, tree, _ = measure(command, stdin=i, stdout=o, env={})
            return {"command": shlex.join(command) + f" < {corpus}", "wall_s": wall,
                    "job_s": None, "rss_mib": rss, "tree_rss_mib": tree}

        log(f"running batch --jobs {jobs}")
        try:
            best_of(f"batch --jobs {jobs}", run)
        except RuntimeError as e:
            log(str(e))
            return 1
        outputs[jobs] = out.read_bytes()
    if outputs[1] != outputs[2]:
        log("FAIL: --jobs 2 output differs from --jobs 1 output")
        failed = True
    lines = outputs[1].count(b"\n")
    if lines != docs:
        log(f"FAIL: batch wrote {lines} lines for {docs} documents")
        failed = True

    spark_note = None
    version = pyspark_version(args.spark_python)
    if version is None:
        spark_note = f"Spark row skipped: {args.spark_python} cannot import pyspark"
        log(spark_note)
    else:
        out_dir = work / "spark-out"
        command = [args.spark_python, str(EXAMPLE), "--input", str(corpus), "--output",
                   str(out_dir), "--passerelle", str(binary), "--master", "local[2]",
                   "--partitions", str(args.partitions), "--overwrite",
                   "--conf", "spark.ui.enabled=false",
                   "--conf", "spark.ui.showConsoleProgress=false"]
        if args.glossary:
            command += ["--glossary", str(args.glossary.resolve())]
        env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1")

        def run_spark():
            wall, rss, tree, err = measure(command, env=env, cwd=work)
            m = re.search(r"align_corpus: .* \((\d+(?:\.\d+)?) s\)\s*$", err, re.M)
            return {"command": shlex.join(command), "wall_s": wall,
                    "job_s": float(m.group(1)) if m else None, "rss_mib": rss,
                    "tree_rss_mib": tree}

        log(f"running the Spark example (pyspark {version}, local[2], "
            f"{args.partitions} partitions)")
        try:
            best_of("Spark local[2]", run_spark)
        except RuntimeError as e:
            log(str(e))
            return 1
        got = b"".join(p.read_bytes() for p in sorted(out_dir.glob("part-*")))
        if got != outputs[1]:
            log("FAIL: the Spark part files differ from the batch --jobs 1 output")
            failed = True

    base = results[0]["wall_s"]
    mb = size / 1e6
    print(f"Corpus: {docs} document pairs, {mb:.1f} MB of JSON lines ({corpus.name}); "
          f"binary {binary}" + (f"; glossary {args.glossary}" if args.glossary else "") + "\n")
    print("| run | wall s | job s | docs/s | MB/s | peak RSS MiB | tree RSS MiB | "
          "wall speed-up vs jobs 1 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        job = r["job_s"]
        rate_s = job if job else r["wall_s"]
        r.update(docs_per_s=docs / rate_s, mb_per_s=mb / rate_s, speedup=base / r["wall_s"])
        tree = f"{r['tree_rss_mib']:.0f}" if r["tree_rss_mib"] else "–"  # run under 0.1 s
        print(f"| {r['name']} | {r['wall_s']:.2f} | {f'{job:.2f}' if job else '–'} | "
              f"{r['docs_per_s']:.0f} | {r['mb_per_s']:.2f} | {r['rss_mib']:.0f} | "
              f"{tree} | "
              f"{r['speedup']:.2f}× |")
    ratio = results[0]["wall_s"] / results[1]["wall_s"]
    print(f"\n--jobs 2 / --jobs 1 speed-up: {ratio:.2f}× (on {cpus} CPUs)")
    print("docs/s and MB/s use the job time where there is one (Spark), else the wall time. "
          "Peak RSS is the largest single process that was waited for (for Spark, the driver's "
          "Python: the JVM is not its waited child); tree RSS is the largest sum over the whole "
          "process tree (JVM, Python workers, passerelle), sampled every 0.1 s.")
    if spark_note:
        print(spark_note)
    (work / "batch_scale.json").write_text(json.dumps({
        "docs": docs, "bytes": size, "corpus": str(corpus), "binary": str(binary),
        "glossary": str(args.glossary) if args.glossary else None, "runs": args.runs,
        "pyspark": version, "cpus": cpus, "load_average": load,
        "rss_from": "/usr/bin/time -v" if TIME.is_file() else "os.wait4 ru_maxrss",
        "results": results, "jobs2_over_jobs1": ratio, "outputs_identical": not failed,
    }, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
