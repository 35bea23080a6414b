#!/usr/bin/env python3
"""`passerelle align` side by side with peer sentence aligners: quality and scale.

Data: the Bleualign German-French evaluation set (Text+Berg), read from the shared bench
folder and never copied into the repository:
  BENCH/bleualign/vecalign/testN.de|fr        the 7 test documents (N = 0..6)
  BENCH/bleualign/gold/testN.gold.beads       their gold alignments
  BENCH/bleualign/split/testN.de-fr.europarlfull   MT of testN.de into French
  BENCH/bleualign/bleualign-eval/eval1957.*   the dev document (with --dev)
  BENCH/score.py                              the shared scorer (strict/lax P/R/F1)

Steps:
  1. cargo build --release --bin passerelle
  2. Quality: `passerelle align SRC TGT --presegmented --src-lang de --tgt-lang fr
     [--translation MT] --format beads` on each test document, with the europarlfull MT and
     without MT (and on the dev document with --dev). The hypotheses are scored with both
     `passerelle eval align --format json` and the shared score.py; the two must give the
     same counts (a warning is printed if not). Strict P/R/F1 and lax F1 are micro-averaged
     over the documents; wall s is the sum of the runs' wall times (process start-up
     included), peak RSS the largest of the runs. The peers' figures measured earlier on this
     machine (from BENCH/bleualign/README.md) and the published ones are printed beside them
     as reference rows. The bundled article (corpora/microsoft-build) is aligned and scored
     against its hand-made gold as well.
     Embeddings (with --embed-endpoint URL or --embed-serve): two more configurations,
     `--embed-endpoint URL --embed-model NAME --cache WORK/.../embed-cache.sqlite -v` without
     and with the MT. Each runs twice over the documents with the same cache file, deleted
     before the first run: the cold run embeds (its `-v` line `passerelle: embeddings: N texts
     (K from cache, S sent in R requests, X retries), D dimensions, T s` gives "embed s (cold)",
     T summed over the documents; its beads are the ones scored), the warm run finds every
     vector in the cache and sends nothing, so its wall time ("wall s (warm)") is the alignment
     alone. Peak RSS is the larger of the two runs'. Without an embed option (or with
     --skip-embed) these rows are left out and a note says so. They are not run at scale:
     embedding 20 000 or 80 000 sentences a side takes hours with the CPU-only encoder.
  3. Scale: the 7 test documents (source, target and MT) are concatenated in order and
     repeated, whole documents at a time, until both sides hold at least N sentences
     (N = 20000 and 80000 by default; --sizes changes it). The gold is tiled the same way
     with its indices offset, so F1 is reported at scale too. passerelle runs without and
     with MT on each size; the table gives wall time, peak RSS, F1, the ratio to the
     20 000 time and whether each target is met.
  4. hunalign: when env HUNALIGN names a hunalign binary, it runs on the test documents and
     on the scale documents up to --hunalign-max sentences (default 40000: hunalign crashes
     or runs for more than 25 minutes at 80 000), as the bench README describes: `-utf`, an
     empty dictionary file, the tokenised text as is, its ladder output converted to beads.
     Without HUNALIGN the reference figures of the bench README are printed instead.

Measurement: each aligner is started by a small fresh interpreter (`python -I -S`, about
10 MB) that spawns it and reads its resource usage with os.wait4(): a child spawned from a
big process inherits that process's peak in ru_maxrss, and this script grows while it tiles
the documents. The launcher's own peak (its VmHWM when it spawns the child) is therefore a
floor: a run that stays below it is shown as "<= N". MB are MiB (KiB / 1024, like /usr/bin/time). The 1 GB target is 10^9 bytes.

Output: progress on stderr; on stdout one Markdown block (tables, targets, the exact
command) ready to paste into a README. Every number goes to WORK/align_peers.json. Exit
status: 0 on success, 1 when something failed (bench folder missing, build failure, a
passerelle run or a scoring failing), 2 on bad arguments. A peer (hunalign) crashing is a
result, not a failure.

Usage (from anywhere; paths are relative to the repository root):
  benches/align_peers.py                          # build, quality, 20k and 80k
  benches/align_peers.py --dev                    # also the dev document
  benches/align_peers.py --sizes 20000,80000,100000
  benches/align_peers.py --skip-scale             # quality and article only
  HUNALIGN=/opt/hunalign/src/hunalign/hunalign benches/align_peers.py
  benches/align_peers.py --bench /path/to/bench/align --work /tmp/align-work
  benches/align_peers.py --skip-scale --embed-endpoint http://127.0.0.1:8731/v1
  benches/align_peers.py --skip-scale --embed-serve   # starts BENCH/../embed/serve_use.py

Options:
  --bench DIR      the align bench folder (holding score.py and bleualign/); default
                   $PASSERELLE_BENCH/align when PASSERELLE_BENCH is set, else
                   ../shared/bench/align relative to the repository root
  --work DIR       scratch folder (default target/bench-work/align under the repository)
  --sizes LIST     sentences a side for the scale runs (default 20000,80000)
  --runs N         run each scale measurement N times and keep the fastest (default 1)
  --dev            also align and score the dev document (eval1957)
  --skip-quality / --skip-scale   leave out a step
  --no-build       use the existing release binary
  --timeout S      give up on a run after S seconds (default 3600)
  --hunalign-max N largest size hunalign is run on (default 40000)
  --embed-endpoint URL   an OpenAI-compatible embeddings server already running (base URL,
                   e.g. http://127.0.0.1:8731/v1): adds the embedding rows
  --embed-serve    start BENCH/../embed/serve_use.py (`--port 0 --port-file F`) for the run,
                   wait until GET /v1/models answers, stop it at exit (even on error)
  --embed-python P the python that runs serve_use.py (default $PASSERELLE_EMBED_PYTHON,
                   else /tmp/embed-venv/bin/python)
  --embed-model NAME     model name passed to --embed-model (default use-multilingual-v3)
  --skip-embed     no embedding rows, even with the options above
Standard library only.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import shlex
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEST_DOCS = list(range(7))
MT_NAME = "europarlfull"
ARTICLE_DIR = REPO / "corpora" / "microsoft-build"
GB = 10 ** 9

# Targets from the issue.
TARGET_F1_MT = 0.90          # Vecalign + LASER's published strict F1 is 0.902
TARGET_F1_NO_MT = 0.80
TARGET_F1_EMBED_MT = 0.94    # embeddings + MT (Bertalign + LaBSE's published strict F1 is 0.936)
TARGET_F1_EMBED = 0.92       # embeddings alone
DEFAULT_EMBED_MODEL = "use-multilingual-v3"
DEFAULT_EMBED_PYTHON = "/tmp/embed-venv/bin/python"
EMBED_SERVER_START_TIMEOUT = 600.0   # seconds for serve_use.py to load its model and answer
TARGET_SPEEDUP_VS_HUNALIGN = 5.0   # at 20 000 sentences a side
TARGET_RATIO_80K = 4.5             # time at 80 000 / time at 20 000
TARGET_RSS_80K_BYTES = GB

# Reference figures, from BENCH/bleualign/README.md (measured on this 2-core machine, scored
# with the same definitions: strict P/R/F1, lax F1, wall s summed over the 7 runs, largest
# peak RSS) and the peers' own READMEs (published, not re-run).
REFERENCE_ROWS = [
    {"system": "Gale–Church (PyPI `galechurch` 0.1.0)", "p": 0.678, "r": 0.693, "f1": 0.686,
     "lax_f1": 0.799, "wall_s": 0.5, "rss_mb": 14, "kind": "reference: bench README"},
    {"system": "hunalign (empty dictionary)", "p": 0.723, "r": 0.782, "f1": 0.751,
     "lax_f1": 0.868, "wall_s": 0.5, "rss_mb": 11, "kind": "reference: bench README"},
    {"system": "Bleualign + `europarlfull` MT", "p": 0.829, "r": 0.786, "f1": 0.807,
     "lax_f1": 0.948, "wall_s": 3.0, "rss_mb": 22, "kind": "reference: bench README"},
    {"system": "Vecalign + LASER", "p": 0.899, "r": 0.904, "f1": 0.902, "lax_f1": 0.986,
     "wall_s": None, "rss_mb": None, "kind": "reference: published"},
    {"system": "Bertalign + LaBSE", "p": 0.932, "r": 0.941, "f1": 0.936, "lax_f1": 0.989,
     "wall_s": None, "rss_mb": None, "kind": "reference: published"},
]
# hunalign at scale (bench README): the whole test set concatenated n times, one document.
HUNALIGN_SCALE_REFERENCE = {
    20000: {"wall_s": 25.0, "rss_mb": 715.0, "note": "25 s, 715 MB"},
    40000: {"wall_s": 64.0, "rss_mb": 1.8 * 1024, "note": "64 s, 1.8 GB"},
    80000: {"wall_s": None, "rss_mb": None,
            "note": "crashed (SIGSEGV after 45 s) in one run, > 25 min in another"},
}
HUNALIGN_SCALE_F1_NOTE = "strict F1 0.748 up to 40k"


class BenchError(Exception):
    """A failure that stops the benchmark with a clear message."""


def log(msg=""):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Arguments

def default_bench():
    env = os.environ.get("PASSERELLE_BENCH")
    if env:
        return Path(env) / "align"
    return REPO.parent / "shared" / "bench" / "align"


def parse_sizes(text):
    try:
        sizes = [int(x.replace("_", "")) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes wants comma-separated integers, not {text!r}")
    if not sizes or any(n <= 0 for n in sizes):
        raise argparse.ArgumentTypeError("--sizes wants positive integers")
    return sorted(set(sizes))


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Benchmark `passerelle align` against peer aligners on the Bleualign "
                    "German-French test set (quality) and on tiled copies of it (scale).",
        epilog="See the module docstring (or benches/README.md) for the details.")
    ap.add_argument("--bench", type=Path, default=None,
                    help="align bench folder (score.py, bleualign/); default "
                         "$PASSERELLE_BENCH/align or ../shared/bench/align from the repo root")
    ap.add_argument("--work", type=Path, default=REPO / "target" / "bench-work" / "align",
                    help="scratch folder (default target/bench-work/align)")
    ap.add_argument("--sizes", type=parse_sizes, default=[20000, 80000],
                    help="sentences a side for the scale runs (default 20000,80000)")
    ap.add_argument("--runs", type=int, default=1,
                    help="runs per scale measurement, the fastest kept (default 1)")
    ap.add_argument("--dev", action="store_true", help="also the dev document (eval1957)")
    ap.add_argument("--skip-quality", action="store_true", help="no quality step")
    ap.add_argument("--skip-scale", action="store_true", help="no scale step")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build")
    ap.add_argument("--timeout", type=float, default=3600.0,
                    help="seconds before a run is killed (default 3600)")
    ap.add_argument("--hunalign-max", type=int, default=40000,
                    help="largest scale size hunalign runs on (default 40000)")
    g = ap.add_argument_group(
        "embeddings", "Rows with sentence embeddings from an OpenAI-compatible /v1/embeddings server "
                      "(test set only, not at scale). Without --embed-endpoint or --embed-serve they "
                      "are left out.")
    srv = g.add_mutually_exclusive_group()
    srv.add_argument("--embed-endpoint", metavar="URL",
                     help="base URL of a running server, e.g. http://127.0.0.1:8731/v1")
    srv.add_argument("--embed-serve", action="store_true",
                     help="start BENCH/../embed/serve_use.py for the run (port 0, stopped at exit)")
    g.add_argument("--embed-python", metavar="PATH",
                   default=os.environ.get("PASSERELLE_EMBED_PYTHON") or DEFAULT_EMBED_PYTHON,
                   help="python that runs serve_use.py with --embed-serve (default "
                        f"$PASSERELLE_EMBED_PYTHON, else {DEFAULT_EMBED_PYTHON})")
    g.add_argument("--embed-model", metavar="NAME", default=DEFAULT_EMBED_MODEL,
                   help=f"model name for --embed-model (default {DEFAULT_EMBED_MODEL})")
    g.add_argument("--skip-embed", action="store_true",
                   help="no embedding rows, even with --embed-endpoint/--embed-serve")
    a = ap.parse_args(argv)
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    if a.timeout <= 0:
        ap.error("--timeout must be positive")
    if a.embed_endpoint is not None:
        if not re.match(r"https?://[^/]+", a.embed_endpoint):
            ap.error(f"--embed-endpoint wants an http(s) URL, not {a.embed_endpoint!r}")
        a.embed_endpoint = a.embed_endpoint.rstrip("/")
    if not a.embed_model.strip():
        ap.error("--embed-model must not be empty")
    if a.bench is None:
        a.bench = default_bench()
    return a


def embed_wanted(a):
    """Whether the embedding rows run: an embed option, no --skip-embed, a quality step."""
    return bool(a.embed_endpoint or a.embed_serve) and not a.skip_embed and not a.skip_quality


# ---------------------------------------------------------------------------------------
# Helpers

def run(cmd, **kw):
    """subprocess.run with a clear error when the program is missing."""
    try:
        return subprocess.run(cmd, **kw)
    except FileNotFoundError as e:
        raise BenchError(f"cannot run {cmd[0]!r}: {e.strerror}") from None


def git_describe():
    try:
        # --no-optional-locks: never touch the index (others work in this tree)
        p = subprocess.run(["git", "--no-optional-locks", "-C", str(REPO), "describe",
                            "--always", "--dirty"], capture_output=True, text=True, timeout=20)
        return p.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def target_dir():
    env = os.environ.get("CARGO_TARGET_DIR")
    if env:
        p = Path(env)
        return p if p.is_absolute() else REPO / p
    return REPO / "target"


def cpu_model():
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8", errors="replace"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def warn_if_busy():
    try:
        load = os.getloadavg()[0]
    except OSError:
        return
    cpus = os.cpu_count() or 1
    if load > 0.5 * cpus:
        log(f"  warning: load average {load:.1f} on {cpus} CPUs: other work is running, "
            f"times will be noisy (--runs N keeps the fastest of N)")


def count_lines(path):
    """Sentences of a presegmented file: its non-blank lines (what --presegmented reads)."""
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                n += 1
    return n


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def fmt(x, digits=3):
    return "n/a" if x is None else f"{x:.{digits}f}"


def fmt_s(x):
    if x is None:
        return "—"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def fmt_mb(run_res):
    """Peak RSS cell: MiB, '<= N' when the run stayed under the launcher's floor."""
    if run_res is None or run_res.get("peak_rss_kib") is None:
        return "—"
    mb = run_res["peak_rss_kib"] / 1024
    text = f"{mb:.0f}" if mb >= 10 else f"{mb:.1f}"
    return ("≤ " + text) if run_res.get("peak_rss_at_floor") else text


def yes_no(ok):
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


# ---------------------------------------------------------------------------------------
# Setup

def check_bench(bench):
    if not bench.is_dir():
        raise BenchError(f"align bench folder not found: {bench} (pass --bench DIR, or set "
                         f"PASSERELLE_BENCH to the folder that holds align/)")
    need = [bench / "score.py"]
    b = bench / "bleualign"
    for n in TEST_DOCS:
        need += [b / "vecalign" / f"test{n}.de", b / "vecalign" / f"test{n}.fr",
                 b / "gold" / f"test{n}.gold.beads", b / "split" / f"test{n}.de-fr.{MT_NAME}"]
    missing = [str(p.relative_to(bench)) for p in need if not p.is_file()]
    if missing:
        raise BenchError(f"bench folder {bench} lacks: {', '.join(missing)}")


def dev_files(bench):
    b = bench / "bleualign"
    files = {"src": b / "bleualign-eval" / "eval1957.de", "tgt": b / "bleualign-eval" / "eval1957.fr",
             "mt": b / "bleualign-eval" / f"eval1957.{MT_NAME}.fr", "gold": b / "gold" / "dev.gold.beads"}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise BenchError(f"--dev: missing {', '.join(missing)}")
    return files


def test_files(bench, n):
    b = bench / "bleualign"
    return {"src": b / "vecalign" / f"test{n}.de", "tgt": b / "vecalign" / f"test{n}.fr",
            "mt": b / "split" / f"test{n}.de-fr.{MT_NAME}", "gold": b / "gold" / f"test{n}.gold.beads"}


def cargo_build(no_build):
    binary = target_dir() / "release" / "passerelle"
    if no_build:
        log("--no-build: using the existing binary")
    else:
        cmd = ["cargo", "build", "--release", "--bin", "passerelle"]
        log("building: " + " ".join(cmd))
        p = run(cmd, cwd=REPO)
        if p.returncode != 0:
            raise BenchError(f"cargo build failed (exit {p.returncode}); see the messages above")
    if not binary.is_file():
        raise BenchError(f"{binary} is missing" + (" (run without --no-build)" if no_build
                                                   else " after cargo build (CARGO_TARGET_DIR?)"))
    return binary


def snapshot(binary, work):
    """Copy the binary into the work dir: every run of this session then uses the same build,
    even if someone rebuilds target/release/passerelle meanwhile."""
    dest = work / "bin" / "passerelle"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp")
    shutil.copy2(binary, tmp)
    os.replace(tmp, dest)
    digest = hashlib.sha256(dest.read_bytes()).hexdigest()
    return dest, digest


def find_hunalign():
    path = os.environ.get("HUNALIGN")
    if not path:
        return None
    p = Path(path)
    if not p.is_absolute():
        found = shutil.which(path)
        p = Path(found) if found else p.resolve()
    if not (p.is_file() and os.access(p, os.X_OK)):
        raise BenchError(f"HUNALIGN={path}: not an executable file")
    return p


# ---------------------------------------------------------------------------------------
# Embedding server

def http_json(url, timeout=10.0):
    """GET url and decode its JSON; never through a proxy (the servers are local)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as r:
        return json.loads(r.read().decode("utf-8"))


def list_models(endpoint):
    """GET ENDPOINT/models -> the model ids (OpenAI's shape); raises on any failure."""
    body = http_json(endpoint + "/models")
    return [m.get("id") for m in body.get("data", []) if isinstance(m, dict)]


def server_stats(endpoint):
    """serve_use.py's GET /stats (requests, texts), or None when the server has no such route."""
    base = re.sub(r"/v1$", "", endpoint)
    try:
        st = http_json(base + "/stats", timeout=5.0)
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return st if isinstance(st, dict) and "texts" in st else None


def stats_delta(before, after):
    if before is None or after is None:
        return None
    return {k: after[k] - before[k] for k in after if isinstance(after.get(k), int)
            and isinstance(before.get(k), int)}


class EmbedServer:
    """serve_use.py started by this script on a free port, stopped by stop() (idempotent)."""

    def __init__(self, python, script, work):
        self.python, self.script, self.work = python, script, work
        self.proc = None
        self.endpoint = None
        self.log_path = work / "embed-server.log"
        self.port_file = work / "embed-server.port"
        self.startup_s = None

    def cmd(self):
        return [str(self.python), str(self.script), "--port", "0", "--port-file", str(self.port_file)]

    def log_tail(self, n=5):
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(lines[-n:])

    def start(self, timeout=EMBED_SERVER_START_TIMEOUT):
        if not self.script.is_file():
            raise BenchError(f"--embed-serve: {self.script} not found (it is looked for at "
                             f"BENCH/../embed/serve_use.py)")
        if not (Path(self.python).is_file() and os.access(self.python, os.X_OK)):
            raise BenchError(f"--embed-serve: python {self.python} not found or not executable "
                             f"(--embed-python PATH or env PASSERELLE_EMBED_PYTHON; serve_use.py's "
                             f"docstring says how to make the venv)")
        self.port_file.unlink(missing_ok=True)
        log("embeddings: starting " + " ".join(self.cmd()) + f" (log: {self.log_path})")
        t0 = time.perf_counter()
        with open(self.log_path, "wb") as logf:
            # own session: a Ctrl-C on the terminal reaches this script, which stops the server
            self.proc = subprocess.Popen(self.cmd(), stdin=subprocess.DEVNULL, stdout=logf,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        last_err = "no port file yet"
        while True:
            code = self.proc.poll()
            if code is not None:
                raise BenchError(f"--embed-serve: serve_use.py exited with status {code} before "
                                 f"answering: {self.log_tail()}")
            if time.perf_counter() - t0 > timeout:
                raise BenchError(f"--embed-serve: serve_use.py did not answer GET /v1/models within "
                                 f"{timeout:.0f} s ({last_err}): {self.log_tail()}")
            port = None
            try:
                port = int(self.port_file.read_text().strip())
            except (OSError, ValueError):
                pass
            if port:
                endpoint = f"http://127.0.0.1:{port}/v1"
                try:
                    list_models(endpoint)
                    self.endpoint = endpoint
                    break
                except (OSError, ValueError, urllib.error.URLError) as e:
                    last_err = f"GET {endpoint}/models: {e}"
            time.sleep(0.25)
        self.startup_s = round(time.perf_counter() - t0, 2)
        log(f"embeddings: serve_use.py (pid {self.proc.pid}) answers at {self.endpoint} "
            f"after {self.startup_s} s")
        return self.endpoint

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        log(f"embeddings: stopping serve_use.py (pid {self.proc.pid})")
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def setup_embeddings(a, server):
    """Endpoint and model for the embedding rows; checks that the server answers."""
    if server is not None:
        endpoint = server.start()
    else:
        endpoint = a.embed_endpoint
    try:
        models = list_models(endpoint)
    except (OSError, ValueError, urllib.error.URLError) as e:
        raise BenchError(f"embedding server {endpoint}: GET {endpoint}/models failed: {e}") from None
    if a.embed_model not in models:
        log(f"  warning: {endpoint}/models lists {models}, not {a.embed_model!r} (--embed-model)")
    info = {"status": "run", "endpoint": endpoint, "model": a.embed_model, "models_listed": models,
            "served_by_script": server is not None}
    if server is not None:
        info.update({"server_cmd": server.cmd(), "server_log": str(server.log_path),
                     "server_startup_s": server.startup_s})
    log(f"embeddings: model {a.embed_model} at {endpoint}")
    return info


# `passerelle align -v` prints, per run, on stderr:
#   passerelle: embeddings: N texts (K from cache, S sent in R requests, X retries), D dimensions, T s
EMBED_LINE = re.compile(
    r"embeddings:\s*(?P<texts>\d+)\s+texts?\s*\(\s*(?P<cached>\d+)\s+from\s+cache,\s*"
    r"(?P<sent>\d+)\s+sent\s+in\s+(?P<requests>\d+)\s+requests?,\s*(?P<retries>\d+)\s+retr(?:y|ies)\s*\),"
    r"\s*(?P<dimensions>\d+)\s+dimensions?,\s*(?P<seconds>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*s\b")
EMBED_COUNTS = ("texts", "cached", "sent", "requests", "retries")


def parse_embed_lines(text):
    """The embedding lines of a `-v` stderr, summed (counts and seconds; dimensions as a list
    of the distinct values); None when there is none."""
    found = [m.groupdict() for m in EMBED_LINE.finditer(text)]
    if not found:
        return None
    out = {k: sum(int(f[k]) for f in found) for k in EMBED_COUNTS}
    out["dimensions"] = sorted({int(f["dimensions"]) for f in found})
    out["seconds"] = round(sum(float(f["seconds"]) for f in found), 3)
    out["lines"] = len(found)
    return out


def sum_embed_stats(stats):
    """Sum per-document parse_embed_lines() results (None entries are skipped)."""
    stats = [x for x in stats if x]
    if not stats:
        return None
    out = {k: sum(x[k] for x in stats) for k in EMBED_COUNTS}
    out["dimensions"] = sorted({d for x in stats for d in x["dimensions"]})
    out["seconds"] = round(sum(x["seconds"] for x in stats), 3)
    out["lines"] = sum(x["lines"] for x in stats)
    return out


# ---------------------------------------------------------------------------------------
# Measured runs

# A child started with vfork/posix_spawn (what subprocess does) inherits the high-water
# mark of its parent's memory at exec time in ru_maxrss. So each aligner is started by this
# small, fresh interpreter (python -I -S, ~10 MB), whose own peak is reported as the floor.
SPAWN_HELPER = r"""
import json, os, resource, signal, sys, time
out, err, timeout, cmd = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
fin = os.open(os.devnull, os.O_RDONLY)
fout = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
ferr = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
# The floor is this launcher's own high-water mark (VmHWM), which the child inherits at exec.
# Not getrusage(RUSAGE_SELF): that one already holds the peak of the big script that started us.
floor = None
try:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            floor = int(line.split()[1])
except (OSError, ValueError, IndexError):
    pass
if floor is None:
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
try:
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, fin, 0), (os.POSIX_SPAWN_DUP2, fout, 1),
        (os.POSIX_SPAWN_DUP2, ferr, 2), (os.POSIX_SPAWN_CLOSE, fin),
        (os.POSIX_SPAWN_CLOSE, fout), (os.POSIX_SPAWN_CLOSE, ferr)])
except OSError as e:
    print(json.dumps({"spawn_error": f"{cmd[0]}: {e.strerror}"}))
    sys.exit(0)
timed_out = []
def on_alarm(signum, frame):
    timed_out.append(1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
signal.signal(signal.SIGALRM, on_alarm)
signal.setitimer(signal.ITIMER_REAL, timeout)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
signal.setitimer(signal.ITIMER_REAL, 0)
code = os.waitstatus_to_exitcode(status)
print(json.dumps({"exit": code, "timed_out": bool(timed_out), "wall_s": wall,
                  "maxrss_kib": ru.ru_maxrss, "floor_kib": floor,
                  "user_s": ru.ru_utime, "sys_s": ru.ru_stime}))
"""


def measured(cmd, out_path, err_path, timeout):
    """Run cmd (stdout to out_path, stderr to err_path); wall time and peak RSS (wait4).

    Returns a dict with ok=False and an error message when the command fails."""
    p = run([sys.executable, "-I", "-S", "-c", SPAWN_HELPER, str(out_path), str(err_path),
             str(timeout)] + [str(c) for c in cmd], capture_output=True)
    lines = p.stdout.decode("utf-8", errors="replace").strip().splitlines()
    try:
        m = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        helper_err = p.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise BenchError(f"measuring helper failed (exit {p.returncode}): "
                         f"{' | '.join(helper_err[-3:])}") from None
    if "spawn_error" in m:
        return {"ok": False, "error": f"cannot run {m['spawn_error']}", "cmd": [str(c) for c in cmd]}
    res = {"ok": m["exit"] == 0 and not m["timed_out"], "exit": m["exit"],
           "timed_out": m["timed_out"], "wall_s": round(m["wall_s"], 3),
           "user_s": round(m["user_s"], 3), "sys_s": round(m["sys_s"], 3),
           "peak_rss_kib": m["maxrss_kib"], "peak_rss_floor_kib": m["floor_kib"],
           "peak_rss_at_floor": m["maxrss_kib"] <= m["floor_kib"] + 256,  # KiB of slack: the
           # launcher grows a little between reading its VmHWM and spawning
           "cmd": [str(c) for c in cmd]}
    if not res["ok"]:
        try:
            tail = Path(err_path).read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            tail = []
        if m["timed_out"]:
            why = f"killed after {timeout:.0f} s (--timeout)"
        elif m["exit"] < 0:
            why = f"killed by signal {-m['exit']}"
        else:
            why = f"exit {m['exit']}"
        res["error"] = why + (": " + " | ".join(tail[-3:]) if tail else "")
    return res


def passerelle_cmd(binary, src, tgt, mt, embed=None, cache=None):
    """The align command; embed = {"endpoint", "model"} adds the embedding options, the cache
    file and -v (for the `embeddings:` timing line)."""
    cmd = [binary, "align", src, tgt, "--presegmented", "--src-lang", "de", "--tgt-lang", "fr"]
    if mt is not None:
        cmd += ["--translation", mt]
    if embed is not None:
        cmd += ["--embed-endpoint", embed["endpoint"], "--embed-model", embed["model"],
                "--cache", cache, "-v"]
    return cmd + ["--format", "beads"]


def hunalign_cmd(binary, empty_dict, src, tgt):
    return [binary, "-utf", empty_dict, src, tgt]


def ladder_to_beads(ladder_path, beads_path, n_src, n_tgt):
    """hunalign's ladder (rungs `i<TAB>j<TAB>score`) -> beads between consecutive rungs."""
    rungs = []
    with open(ladder_path, encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            try:
                i, j = int(parts[0]), int(parts[1])
            except (ValueError, IndexError):
                raise BenchError(f"{ladder_path}:{lineno}: not a ladder rung: {line.strip()[:80]!r}")
            rungs.append((i, j))
    if not rungs or rungs[0] != (0, 0):
        rungs.insert(0, (0, 0))
    if rungs[-1] != (n_src, n_tgt):
        rungs.append((n_src, n_tgt))
    out = []
    for (i0, j0), (i1, j1) in zip(rungs, rungs[1:]):
        if i1 < i0 or j1 < j0:
            raise BenchError(f"{ladder_path}: ladder goes backwards at ({i0},{j0}) -> ({i1},{j1})")
        if i1 == i0 and j1 == j0:
            continue
        out.append("[" + ",".join(map(str, range(i0, i1))) + "]:["
                   + ",".join(map(str, range(j0, j1))) + "]")
    Path(beads_path).write_text("\n".join(out) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Scoring: passerelle eval align and the shared score.py, which must agree

COUNT_MAP = [  # (passerelle counts path, score.py counts path)
    (("precision", "strict_right"), ("precision_counts", "strict_tp")),
    (("precision", "strict_wrong"), ("precision_counts", "strict_fp")),
    (("precision", "lax_right"), ("precision_counts", "lax_tp")),
    (("precision", "lax_wrong"), ("precision_counts", "lax_fp")),
    (("recall", "strict_right"), ("recall_counts", "strict_hit")),
    (("recall", "strict_wrong"), ("recall_counts", "strict_miss")),
    (("recall", "lax_right"), ("recall_counts", "lax_hit")),
    (("recall", "lax_wrong"), ("recall_counts", "lax_miss")),
    (("gold_beads",), ("gold_beads",)),
    (("hyp_beads",), ("hyp_beads",)),
]
SCORE_KEYS = ["precision_strict", "recall_strict", "f1_strict", "precision_lax", "recall_lax", "f1_lax"]


def dig(d, path):
    for k in path:
        d = d[k]
    return d


def score(binary, score_py, golds, hyps, label):
    """Score with both scorers; returns score.py's numbers plus the agreement check."""
    golds, hyps = [str(g) for g in golds], [str(h) for h in hyps]
    cmd = [str(binary), "eval", "align", "--format", "json"]
    for g in golds:
        cmd += ["--gold", g]
    p = run(cmd + hyps, capture_output=True, text=True)
    if p.returncode != 0:
        raise BenchError(f"passerelle eval align failed for {label} (exit {p.returncode}): "
                         f"{p.stderr.strip()[-400:]}")
    try:
        ours = json.loads(p.stdout)
    except json.JSONDecodeError:
        raise BenchError(f"passerelle eval align for {label}: output is not JSON: {p.stdout[:200]!r}")
    p = run([sys.executable, str(score_py), "--json", "-g", *golds, "-t", *hyps],
            capture_output=True, text=True)
    if p.returncode != 0:
        raise BenchError(f"score.py failed for {label} (exit {p.returncode}): {p.stderr.strip()[-400:]}")
    try:
        shared = json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchError(f"score.py for {label}: last line is not JSON: {p.stdout[-200:]!r}")
    disagreements = []
    for ours_path, shared_path in COUNT_MAP:
        try:
            a, b = dig(ours["counts"], ours_path), dig(shared, shared_path)
        except (KeyError, TypeError):
            disagreements.append(f"{'.'.join(ours_path)}: missing in passerelle's JSON")
            continue
        if a != b:
            disagreements.append(f"{'.'.join(ours_path)}: passerelle {a}, score.py {b}")
    for k in SCORE_KEYS:
        a, b = ours.get("total", {}).get(k), shared.get(k)
        if a is None or b is None or abs(a - b) > 1e-9:
            disagreements.append(f"{k}: passerelle {a}, score.py {b}")
    if disagreements:
        log(f"  WARNING: passerelle eval align and score.py disagree on {label}: "
            + "; ".join(disagreements))
    res = {k: shared[k] for k in SCORE_KEYS}
    res.update({"docs": shared["docs"], "gold_beads": shared["gold_beads"],
                "hyp_beads": shared["hyp_beads"], "precision_counts": shared["precision_counts"],
                "recall_counts": shared["recall_counts"],
                "scorers_agree": not disagreements, "disagreements": disagreements,
                "passerelle_eval_total": ours.get("total")})
    return res


# ---------------------------------------------------------------------------------------
# Quality

def run_docs(name, docs, make_cmd, out_dir, timeout, convert=None):
    """Run one system over a list of documents; summed wall, largest peak RSS."""
    out_dir.mkdir(parents=True, exist_ok=True)
    hyps, per_doc, errors = [], [], []
    for doc in docs:
        out = out_dir / f"{doc['name']}.{'ladder' if convert else 'beads'}"
        err = out_dir / f"{doc['name']}.stderr"
        r = measured(make_cmd(doc), out, err, timeout)
        r["doc"] = doc["name"]
        r["stderr_file"] = str(err)
        per_doc.append(r)
        if not r["ok"]:
            errors.append(f"{doc['name']}: {r['error']}")
            log(f"  {name} on {doc['name']}: FAILED: {r['error']}")
            continue
        if convert:
            beads = out_dir / f"{doc['name']}.beads"
            convert(out, beads, doc)
            out = beads
        hyps.append(out)
    ok = [r for r in per_doc if r["ok"]]
    return {"hyps": hyps, "per_doc": per_doc, "errors": errors,
            "wall_s": round(sum(r["wall_s"] for r in ok), 3) if ok else None,
            "peak_rss_kib": max((r["peak_rss_kib"] for r in ok), default=None),
            "peak_rss_at_floor": all(r["peak_rss_at_floor"] for r in ok) if ok else False}


def remove_cache(cache):
    """Delete an SQLite cache file and its journal/WAL siblings, so the next run is cold."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(cache) + suffix).unlink(missing_ok=True)


def embed_stats_of(runs):
    """Parse each run's `-v` embedding line (from its stderr file) into run["embed"]."""
    for r in runs:
        try:
            text = Path(r["stderr_file"]).read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        r["embed"] = parse_embed_lines(text)
    return sum_embed_stats(r["embed"] for r in runs)


def same_outputs(hyps_a, hyps_b):
    return len(hyps_a) == len(hyps_b) and all(Path(x).read_bytes() == Path(y).read_bytes()
                                              for x, y in zip(hyps_a, hyps_b))


def run_embedded(label, docs, make_cmd, out_dir, timeout, embed):
    """An embedding configuration: a cold run (fresh cache file) then a warm one (same file).

    Returns (cold, warm, info): run_docs() results (warm None when the cold run failed) and the
    embedding counts of both, summed over the documents, with the server's /stats deltas."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = out_dir / "embed-cache.sqlite"
    remove_cache(cache)
    info = {"cache": str(cache)}
    before = server_stats(embed["endpoint"])
    cold = run_docs(label + " (cold)", docs, lambda d: make_cmd(d, cache), out_dir / "cold", timeout)
    mid = server_stats(embed["endpoint"])
    info["cold"] = embed_stats_of(cold["per_doc"])
    info["server_stats_cold"] = stats_delta(before, mid)
    if cold["errors"]:
        return cold, None, info
    warm = run_docs(label + " (warm)", docs, lambda d: make_cmd(d, cache), out_dir / "warm", timeout)
    info["warm"] = embed_stats_of(warm["per_doc"])
    info["server_stats_warm"] = stats_delta(mid, server_stats(embed["endpoint"]))
    return cold, warm, info


def quality(a, binary, hunalign, score_py, work, results, embed=None):
    docs = []
    for n in TEST_DOCS:
        f = test_files(a.bench, n)
        docs.append({"name": f"test{n}", **f, "n_src": count_lines(f["src"]), "n_tgt": count_lines(f["tgt"])})
    sets = [("test", docs)]
    if a.dev:
        f = dev_files(a.bench)
        sets.append(("dev", [{"name": "dev", **f, "n_src": count_lines(f["src"]),
                              "n_tgt": count_lines(f["tgt"])}]))
    # (label, key, make_cmd(doc, cache), convert, target F1, with embeddings)
    systems = []
    if embed is not None:
        systems += [
            ("passerelle + embeddings + `europarlfull` MT", "passerelle-embed-mt",
             lambda d, c: passerelle_cmd(binary, d["src"], d["tgt"], d["mt"], embed, c), None,
             TARGET_F1_EMBED_MT, True),
            (f"passerelle + embeddings (`{embed['model']}`)", "passerelle-embed",
             lambda d, c: passerelle_cmd(binary, d["src"], d["tgt"], None, embed, c), None,
             TARGET_F1_EMBED, True),
        ]
    systems += [
        ("passerelle + `europarlfull` MT", "passerelle-mt",
         lambda d, c: passerelle_cmd(binary, d["src"], d["tgt"], d["mt"]), None, TARGET_F1_MT, False),
        ("passerelle without MT", "passerelle", lambda d, c: passerelle_cmd(binary, d["src"], d["tgt"], None),
         None, TARGET_F1_NO_MT, False),
    ]
    if hunalign:
        empty = work / "empty.dic"
        empty.write_text("", encoding="utf-8")
        systems.append(("hunalign (empty dictionary)", "hunalign",
                        lambda d, c: hunalign_cmd(hunalign, empty, d["src"], d["tgt"]),
                        lambda lad, beads, d: ladder_to_beads(lad, beads, d["n_src"], d["n_tgt"]), None,
                        False))
    failures = []
    for set_name, set_docs in sets:
        results.setdefault("quality_sentences", {})[set_name] = {
            "src": sum(d["n_src"] for d in set_docs), "tgt": sum(d["n_tgt"] for d in set_docs)}
        rows = []
        for label, key, make_cmd, convert, target, embedded in systems:
            log(f"quality ({set_name}): {label}")
            out_dir = work / "quality" / set_name / key
            warm = info = None
            if embedded:
                r, warm, info = run_embedded(label, set_docs, make_cmd, out_dir, a.timeout, embed)
            else:
                r = run_docs(label, set_docs, lambda d: make_cmd(d, None), out_dir, a.timeout, convert)
            row = {"system": label, "key": key, "target_f1": target, "wall_s": r["wall_s"],
                   "peak_rss_kib": r["peak_rss_kib"], "peak_rss_at_floor": r["peak_rss_at_floor"],
                   "runs": r["per_doc"], "errors": list(r["errors"]), "embeddings": embedded}
            if embedded:
                # wall s (warm): the alignment alone; embed s (cold): what -v says the cold run
                # spent embedding; peak RSS: the larger of the two runs'; scores: the cold run's.
                row.update({"wall_s_cold": r["wall_s"], "embed": info,
                            "embed_s": info["cold"]["seconds"] if info.get("cold") else None,
                            "wall_s": None, "runs_warm": None})
                if warm is not None:
                    row["errors"] += ["warm run: " + e for e in warm["errors"]]
                    row["runs_warm"] = warm["per_doc"]
                    row["wall_s"] = warm["wall_s"]
                    peaks = [x for x in (r["peak_rss_kib"], warm["peak_rss_kib"]) if x is not None]
                    row["peak_rss_kib"] = max(peaks, default=None)
                    row["peak_rss_at_floor"] = r["peak_rss_at_floor"] and warm["peak_rss_at_floor"]
                warnings = []
                if not row["errors"]:
                    missing = [x["doc"] for x in r["per_doc"] + warm["per_doc"] if not x.get("embed")]
                    if missing:
                        warnings.append("no `embeddings:` line in the -v output of "
                                        + ", ".join(sorted(set(missing))))
                    if info.get("warm") and info["warm"]["sent"]:
                        warnings.append(f"the warm run sent {info['warm']['sent']} texts "
                                        f"in {info['warm']['requests']} requests")
                    row["warm_output_identical"] = same_outputs(r["hyps"], warm["hyps"])
                    if not row["warm_output_identical"]:
                        warnings.append("the warm run's beads differ from the cold run's")
                        row["scores_warm"] = score(binary, score_py, [d["gold"] for d in set_docs],
                                                   warm["hyps"], f"{label} ({set_name}, warm)")
                row["warnings"] = warnings
                for w in warnings:
                    log(f"  WARNING: {label} ({set_name}): {w}")
            if row["errors"]:
                row["scores"] = None
                if key.startswith("passerelle"):
                    failures.append(f"{label} ({set_name}): " + "; ".join(row["errors"]))
            else:
                row["scores"] = score(binary, score_py, [d["gold"] for d in set_docs], r["hyps"],
                                      f"{label} ({set_name})")
                s = row["scores"]
                row["per_doc_f1"] = {}
                for d, h in zip(set_docs, r["hyps"]):
                    one = (s if len(set_docs) == 1 else
                           score(binary, score_py, [d["gold"]], [h], f"{label} ({d['name']})"))
                    row["per_doc_f1"][d["name"]] = one["f1_strict"]
                log(f"  strict P {s['precision_strict']:.3f} R {s['recall_strict']:.3f} "
                    f"F1 {s['f1_strict']:.3f}, lax F1 {s['f1_lax']:.3f}; {r['wall_s']:.2f} s; per document "
                    + ", ".join(f"{k} {v:.3f}" for k, v in row["per_doc_f1"].items()))
                if embedded:
                    c, w = info.get("cold"), info.get("warm")
                    log(f"  cold: {row['wall_s_cold']:.2f} s wall, "
                        + (f"{c['seconds']:.2f} s embedding ({c['texts']} texts, {c['cached']} from "
                           f"cache, {c['sent']} sent in {c['requests']} requests, {c['retries']} retries, "
                           f"{'/'.join(map(str, c['dimensions']))} dimensions)" if c else "no embedding line")
                        + f"; warm: {row['wall_s']:.2f} s wall, "
                        + (f"{w['sent']} texts sent, {w['seconds']:.2f} s embedding" if w else "no embedding line"))
            if target is not None and row["scores"] is not None:
                row["target_met"] = row["scores"]["f1_strict"] >= target
            rows.append(row)
        results["quality"][set_name] = rows
    return failures


def article(binary, score_py, work, timeout, results):
    src, tgt, gold = (ARTICLE_DIR / "article.fr.txt", ARTICLE_DIR / "article.en.txt",
                      ARTICLE_DIR / "article.gold.beads")
    for p in (src, tgt, gold):
        if not p.is_file():
            raise BenchError(f"bundled article file missing: {p}")
    out_dir = work / "article"
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [binary, "align", src, tgt, "--format", "beads"]
    log("bundled article: " + " ".join(str(c) for c in cmd))
    r = measured(cmd, out_dir / "article.beads", out_dir / "article.stderr", timeout)
    res = {"cmd": shlex.join(["target/release/passerelle", "align",
                              str(src.relative_to(REPO)), str(tgt.relative_to(REPO)), "--format", "beads"]),
           "run": r}
    if not r["ok"]:
        log(f"  FAILED: {r['error']}")
        results["article"] = res
        return [f"bundled article: {r['error']}"]
    s = score(binary, score_py, [gold], [out_dir / "article.beads"], "bundled article")
    res["scores"] = s
    right = s["precision_counts"]["strict_tp"]
    gold_linked = s["recall_counts"]["strict_hit"] + s["recall_counts"]["strict_miss"]
    res["all_right"] = (right == s["gold_beads"] == s["hyp_beads"]
                        and s["recall_counts"]["strict_miss"] == 0)
    res["right"], res["gold_linked"] = right, gold_linked
    log(f"  {right} of {s['hyp_beads']} hypothesis beads right, {s['gold_beads']} gold beads; "
        f"strict F1 {s['f1_strict']:.3f}")
    results["article"] = res
    return []


# ---------------------------------------------------------------------------------------
# Scale

def load_test_set(bench):
    docs = []
    for n in TEST_DOCS:
        f = test_files(bench, n)
        src, tgt, mt = read_lines(f["src"]), read_lines(f["tgt"]), read_lines(f["mt"])
        src = [s for s in src if s.strip()]
        tgt = [t for t in tgt if t.strip()]
        mt = [m for m in mt if m.strip()]
        if len(mt) != len(src):
            raise BenchError(f"{f['mt']}: {len(mt)} lines but {f['src']} has {len(src)} sentences")
        gold = []
        for line in read_lines(f["gold"]):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            left, right = line.split(":")[:2]
            parse = lambda t: [int(x) for x in t.strip()[1:-1].replace(" ", "").split(",") if x]
            gold.append((parse(left), parse(right)))
        docs.append({"name": f"test{n}", "src": src, "tgt": tgt, "mt": mt, "gold": gold})
    return docs


def build_tiled(docs, size, out_dir):
    """Concatenate the documents in order, cycling, until both sides hold >= size sentences."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {k: out_dir / f"tiled.{k}" for k in ("de", "fr", "mt", "gold")}
    meta_path = out_dir / "tiled.json"
    n_src = n_tgt = 0
    pieces = 0
    plan = []
    while n_src < size or n_tgt < size:
        d = docs[pieces % len(docs)]
        plan.append((d, n_src, n_tgt))
        n_src += len(d["src"])
        n_tgt += len(d["tgt"])
        pieces += 1
    meta = {"size": size, "src_sentences": n_src, "tgt_sentences": n_tgt, "documents": pieces,
            "full_cycles": pieces // len(docs), "extra_documents": pieces % len(docs)}
    try:
        if json.loads(meta_path.read_text()) == meta and all(p.is_file() for p in paths.values()):
            return paths, meta
    except (OSError, ValueError):
        pass
    with open(paths["de"], "w", encoding="utf-8") as fde, \
            open(paths["fr"], "w", encoding="utf-8") as ffr, \
            open(paths["mt"], "w", encoding="utf-8") as fmt_, \
            open(paths["gold"], "w", encoding="utf-8") as fg:
        for d, so, to in plan:
            fde.write("\n".join(d["src"]) + "\n")
            ffr.write("\n".join(d["tgt"]) + "\n")
            fmt_.write("\n".join(d["mt"]) + "\n")
            fg.write("".join("[" + ",".join(str(i + so) for i in s) + "]:["
                             + ",".join(str(j + to) for j in t) + "]\n" for s, t in d["gold"]))
    meta_path.write_text(json.dumps(meta))
    return paths, meta


def best_of(runs_n, fn):
    best = None
    for _ in range(runs_n):
        r = fn()
        if not r["ok"]:
            return r
        if best is None or r["wall_s"] < best["wall_s"]:
            best = r
    return best


def scale(a, binary, hunalign, score_py, work, results):
    failures = []
    log("scale: loading the test documents")
    docs = load_test_set(a.bench)
    empty = work / "empty.dic"
    empty.write_text("", encoding="utf-8")
    rows = []
    for size in a.sizes:
        d = work / "scale" / str(size)
        paths, meta = build_tiled(docs, size, d)
        log(f"scale {size}: {meta['src_sentences']} German / {meta['tgt_sentences']} French sentences "
            f"({meta['documents']} documents: {meta['full_cycles']} copies of the test set "
            f"+ {meta['extra_documents']})")
        systems = [("passerelle without MT", "passerelle", passerelle_cmd(binary, paths["de"], paths["fr"], None)),
                   ("passerelle + `europarlfull` MT", "passerelle-mt",
                    passerelle_cmd(binary, paths["de"], paths["fr"], paths["mt"]))]
        if hunalign:
            if size <= a.hunalign_max:
                systems.append(("hunalign (empty dictionary)", "hunalign",
                                hunalign_cmd(hunalign, empty, paths["de"], paths["fr"])))
            else:
                log(f"  hunalign not run at {size} (> --hunalign-max {a.hunalign_max})")
        for label, key, cmd in systems:
            warn_if_busy()
            log(f"  {label}: " + " ".join(str(c) for c in cmd))
            out = d / (f"{key}.ladder" if key == "hunalign" else f"{key}.beads")
            r = best_of(a.runs, lambda: measured(cmd, out, d / f"{key}.stderr", a.timeout))
            row = {"size": size, **meta, "system": label, "key": key, "run": r}
            if not r["ok"]:
                log(f"    FAILED: {r['error']}")
                if key.startswith("passerelle"):
                    failures.append(f"{label} at {size}: {r['error']}")
                row["scores"] = None
            else:
                if key == "hunalign":
                    beads = d / "hunalign.beads"
                    ladder_to_beads(out, beads, meta["src_sentences"], meta["tgt_sentences"])
                    out = beads
                row["scores"] = score(binary, score_py, [paths["gold"]], [out], f"{label} at {size}")
                log(f"    {r['wall_s']:.2f} s, peak {r['peak_rss_kib'] / 1024:.0f} MB, "
                    f"strict F1 {row['scores']['f1_strict']:.3f}")
            rows.append(row)
    # ratios and targets
    by = {(r["key"], r["size"]): r for r in rows}
    base = min(a.sizes, key=lambda n: abs(n - 20000))
    for r in rows:
        ok = r["run"]["ok"]
        b = by.get((r["key"], base))
        if ok and b and b["run"]["ok"] and r["size"] != base:
            r["ratio_to_base"] = round(r["run"]["wall_s"] / b["run"]["wall_s"], 2)
        if not r["key"].startswith("passerelle"):
            continue
        targets = {}
        if r["size"] == 20000:
            h = by.get(("hunalign", 20000))
            if h and h["run"]["ok"] and ok:
                sp = h["run"]["wall_s"] / r["run"]["wall_s"]
                targets["speedup_vs_hunalign"] = {"value": round(sp, 1), "against": "hunalign, same run",
                                                  "met": sp >= TARGET_SPEEDUP_VS_HUNALIGN}
            elif ok:
                sp = HUNALIGN_SCALE_REFERENCE[20000]["wall_s"] / r["run"]["wall_s"]
                targets["speedup_vs_hunalign"] = {"value": round(sp, 1),
                                                  "against": "hunalign reference figure (25 s, bench README)",
                                                  "met": sp >= TARGET_SPEEDUP_VS_HUNALIGN}
        if r["size"] == 80000 and ok:
            b = by.get((r["key"], 20000))
            if b and b["run"]["ok"]:
                ratio = r["run"]["wall_s"] / b["run"]["wall_s"]
                targets["ratio_80k_20k"] = {"value": round(ratio, 2), "met": ratio <= TARGET_RATIO_80K}
            rss = r["run"]["peak_rss_kib"] * 1024
            targets["peak_rss_under_1gb"] = {"value_mb": round(rss / 2 ** 20), "met": rss < TARGET_RSS_80K_BYTES}
        r["targets"] = targets
    results["scale"] = {"base_size": base, "rows": rows}
    return failures


# ---------------------------------------------------------------------------------------
# Report

def quality_table(rows, with_references):
    """The quality table; with embedding rows, "wall s (warm)" and "embed s (cold)" columns."""
    embed = any(r.get("embeddings") for r in rows)
    head = ["system", "strict P", "strict R", "strict F1", "lax F1",
            "wall s (warm)" if embed else "wall s"] + (["embed s (cold)"] if embed else []) + [
            "peak RSS MB", "target"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        s = r["scores"]
        embed_cell = []
        if embed:
            embed_cell = [("n/a" if r.get("embed_s") is None else fmt_s(r["embed_s"]))
                          if r.get("embeddings") else "—"]
        if s is None:
            cells = [r["system"], "failed", "", "", "", ""] + [""] * len(embed_cell) + [
                "", "; ".join(r["errors"])[:80]]
        else:
            tgt = ""
            if r.get("target_f1") is not None:
                tgt = f"F1 ≥ {r['target_f1']:.2f}: {yes_no(r.get('target_met'))}"
            cells = [r["system"], fmt(s["precision_strict"]), fmt(s["recall_strict"]),
                     f"**{s['f1_strict']:.3f}**", fmt(s["f1_lax"]), fmt_s(r["wall_s"])] + embed_cell + [
                     fmt_mb({"peak_rss_kib": r["peak_rss_kib"], "peak_rss_at_floor": r["peak_rss_at_floor"]}),
                     tgt]
        out.append("| " + " | ".join(cells) + " |")
    if with_references:
        for ref in REFERENCE_ROWS:
            cells = [f"{ref['system']} *({ref['kind']})*", fmt(ref["p"]), fmt(ref["r"]), fmt(ref["f1"]),
                     fmt(ref["lax_f1"]), fmt_s(ref["wall_s"])] + (["—"] if embed else []) + [
                     "—" if ref["rss_mb"] is None else str(ref["rss_mb"]), ""]
            out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def fmt_duration(seconds):
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def embed_note(results, sizes):
    """The paragraph under the quality table about the embedding rows (or their absence)."""
    e = results.get("embeddings") or {}
    status = e.get("status")
    if status == "not requested":
        return ("Embedding rows not run: pass `--embed-endpoint URL` (an OpenAI-compatible "
                "`/v1/embeddings` server) or `--embed-serve` (starts `serve_use.py` from the bench "
                "folder) to add them.")
    if status == "skipped":
        return f"Embedding rows not run ({e.get('reason')})."
    if status != "run":
        return None
    where = (f"`serve_use.py` started by the script at {e['endpoint']}" if e.get("served_by_script")
             else f"the server at {e['endpoint']}")
    text = (f"**Embeddings**: `--embed-endpoint URL --embed-model {e['model']}` ({where}, "
            "OpenAI-compatible `/v1/embeddings`, CPU only). Each embedding configuration runs "
            "twice over the documents with the same `--cache` file, new for the first run: "
            "*embed s (cold)* is the embedding time the first run's `-v` line reports, summed "
            "over the documents; *wall s (warm)* is the second run, which finds every vector in "
            "the cache and sends nothing: the alignment alone. Strict/lax scores are the cold "
            "run's; peak RSS is the larger of the two runs'.")
    rows = [r for rows in results["quality"].values() for r in rows if r.get("embeddings")]
    details = []
    for r in rows:
        c, w = (r.get("embed") or {}).get("cold"), (r.get("embed") or {}).get("warm")
        if not c:
            continue
        part = (f"{r['system']}: cold run {fmt_s(r.get('wall_s_cold'))} s wall, {c['texts']} texts "
                f"({c['cached']} from cache, {c['sent']} sent in {c['requests']} requests, "
                f"{c['retries']} retries), {'/'.join(map(str, c['dimensions']))} dimensions")
        if w is not None:
            part += f"; warm run {w['sent']} sent"
        details.append(part)
    if details:
        text += " " + "; ".join(details) + "."
    warns = [f"{r['system']}: {w}" for r in rows for w in r.get("warnings", [])]
    if warns:
        text += " **Warnings:** " + "; ".join(warns) + "."
    # Embeddings at scale: an estimate from the cold run of the embeddings-only row.
    est, longest = "", None
    alone = next((r for r in results["quality"].get("test", []) if r.get("key") == "passerelle-embed"), None)
    c = (alone or {}).get("embed", {}).get("cold") if alone else None
    if c and c["sent"] and c["seconds"] > 0:
        rate = c["sent"] / c["seconds"]
        n = results.get("quality_sentences", {}).get("test") or {"src": 991, "tgt": 1011}
        per_sentence = c["texts"] / (n["src"] + n["tgt"])
        sizes = sorted(set(sizes) | {20000, 80000})
        guesses = [f"{n:,}".replace(",", " ") + " a side ≈ " + fmt_duration(2 * n * per_sentence / rate)
                   for n in sizes]
        longest = 2 * sizes[-1] * per_sentence / rate
        est = (f" (at the cold run's {rate:.0f} texts/s and {per_sentence:.1f} texts per sentence: "
               + ", ".join(guesses) + ")")
    text += (" Embeddings are not run at scale: embedding 20 000 or 80 000 sentences a side would "
             + ("take hours" if longest is None or longest >= 3600 else "take too long")
             + f" with this CPU-only encoder{est}.")
    return text


def scale_table(scale_res, sizes, hunalign):
    rows = scale_res["rows"]
    base = scale_res["base_size"]
    head = ["sentences a side (de / fr)", "system", "strict F1", "lax F1", "wall s",
            f"× {base // 1000}k time", "peak RSS MB", "targets"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for size in sizes:
        size_rows = [r for r in rows if r["size"] == size]
        if not size_rows:
            continue
        first = size_rows[0]
        where = f"{size:,} ({first['src_sentences']:,} / {first['tgt_sentences']:,})".replace(",", " ")
        for r in size_rows:
            run_res = r["run"]
            if not run_res["ok"]:
                cells = [where, r["system"], "", "", "", "", "", "failed: " + run_res["error"][:70]]
            else:
                s = r["scores"]
                tg = []
                for name, t in r.get("targets", {}).items():
                    if name == "speedup_vs_hunalign":
                        tg.append(f"speed-up vs {'hunalign' if 'same' in t['against'] else 'hunalign ref. 25 s'}: "
                                  f"{t['value']}× (≥ 5×): {yes_no(t['met'])}")
                    elif name == "ratio_80k_20k":
                        tg.append(f"{t['value']}× the 20k time (≤ 4.5×): {yes_no(t['met'])}")
                    elif name == "peak_rss_under_1gb":
                        tg.append(f"peak < 1 GB: {yes_no(t['met'])}")
                cells = [where, r["system"], fmt(s["f1_strict"]), fmt(s["f1_lax"]), fmt_s(run_res["wall_s"]),
                         f"{r['ratio_to_base']:.2f}" if "ratio_to_base" in r else ("1" if size == base else "—"),
                         fmt_mb(run_res), "; ".join(tg)]
            out.append("| " + " | ".join(cells) + " |")
        ran_hunalign = any(r["key"] == "hunalign" for r in size_rows)
        ref = HUNALIGN_SCALE_REFERENCE.get(size)
        if not ran_hunalign and ref is not None:
            cells = [f"{size:,}".replace(",", " "),
                     "hunalign *(reference figure, bench README)*",
                     "0.748" if size <= 40000 else "—", "—", fmt_s(ref["wall_s"]), "—",
                     "—" if ref["rss_mb"] is None else f"{ref['rss_mb']:.0f}",
                     ref["note"] if ref["wall_s"] is None else ""]
            out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def command_line(argv):
    env = []
    for var in ("PASSERELLE_BENCH", "HUNALIGN", "PASSERELLE_EMBED_PYTHON"):
        if os.environ.get(var) and (var != "PASSERELLE_EMBED_PYTHON" or "--embed-serve" in argv):
            env.append(f"{var}={shlex.quote(os.environ[var])}")
    return " ".join(env + ["benches/align_peers.py"] + [shlex.quote(x) for x in argv])


def report(results, a, argv):
    m = results["machine"]
    q = results["quality"]
    intro = (f"Measured {results['date']} on {m['cpus']} × {m['cpu']}, passerelle "
             f"{results['passerelle_version']}; Bleualign German–French test set (7 documents, "
             "991 / 1011 sentences, 916 gold beads), scored with the shared `score.py` (strict/lax, "
             "micro-averaged; `passerelle eval align` "
             + ("agrees" if results.get("scorers_agree", True) else "**DISAGREES — see the JSON**")
             + ").")
    if q:
        intro += (" Quality tables: wall s is summed over the runs (process start-up included), "
                  "peak RSS is the largest run's.")
    intro += " Peak RSS in MiB (“≤ N”: below the measuring launcher's own floor)."
    lines = ["### Sentence alignment (`benches/align_peers.py`)", "", intro, ""]
    if "test" in q:
        lines += ["**Quality, test set**", "", quality_table(q["test"], True), ""]
    note = embed_note(results, a.sizes) if q else None
    if note:
        lines += [note, ""]
    if "dev" in q:
        lines += ["**Quality, dev document (eval1957, 422 gold beads)**", "", quality_table(q["dev"], False), ""]
    art = results.get("article")
    if art:
        if art.get("scores"):
            s = art["scores"]
            lines += [f"**Bundled article** (`{art['cmd']}` against `article.gold.beads`): "
                      f"{art['right']} of {s['gold_beads']} gold beads found exactly, "
                      f"{s['hyp_beads']} beads written; strict P {s['precision_strict']:.3f} "
                      f"R {s['recall_strict']:.3f} F1 {s['f1_strict']:.3f}. "
                      f"Target every bead right: {yes_no(art['all_right'])}.", ""]
        else:
            lines += [f"**Bundled article**: the run failed ({art['run'].get('error')}).", ""]
    sc = results.get("scale")
    if sc:
        lines += ["**Scale**: the 7 test documents concatenated in order and repeated, whole "
                  "documents at a time, until both sides reach the size; gold tiled the same way "
                  "(one document). hunalign "
                  + ("ran in the same session (`-utf`, empty dictionary, ladder output)."
                     if results.get("hunalign") else
                     f"is not installed (set `HUNALIGN=/path/to/hunalign`): its rows are the bench "
                     f"README's figures ({HUNALIGN_SCALE_F1_NOTE}).")
                  + (" The embedding configurations are not run at scale (see the note under the "
                     "quality table)." if (results.get("embeddings") or {}).get("status") == "run" else ""),
                  "",
                  scale_table(sc, a.sizes, results.get("hunalign")), ""]
    lines += ["Targets: strict F1 ≥ 0.94 with embeddings and MT, ≥ 0.92 with embeddings alone "
              "(Bertalign + LaBSE: 0.936), "
              "≥ 0.90 with MT alone (Vecalign + LASER: 0.902) and ≥ 0.80 with neither; "
              "at 20 000 a side ≥ 5× faster than hunalign; at 80 000 a side ≤ 4.5× the 20 000 time "
              "and peak RSS under 1 GB (10⁹ bytes).", ""]
    if results["failures"]:
        lines += ["**Failures:** " + "; ".join(results["failures"]), ""]
    lines += ["```sh", "cargo build --release --bin passerelle   # the script does this itself",
              command_line(argv), "```"]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------

def on_sigterm(signum, frame):
    # SystemExit unwinds main(), whose finally stops the embedding server
    raise SystemExit(128 + signum)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    a = parse_args(argv)
    server = None
    if a.embed_serve and embed_wanted(a):
        server = EmbedServer(Path(a.embed_python), (a.bench.resolve().parent / "embed" / "serve_use.py").resolve(),
                             a.work.resolve())
    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        return run_bench(a, argv, server)
    finally:
        if server is not None:
            server.stop()
        signal.signal(signal.SIGTERM, previous)


def run_bench(a, argv, server):
    a.bench = a.bench.resolve()
    work = a.work.resolve()
    check_bench(a.bench)
    if a.dev:
        dev_files(a.bench)
    score_py = a.bench / "score.py"
    hunalign = find_hunalign()
    work.mkdir(parents=True, exist_ok=True)
    built = cargo_build(a.no_build)
    binary, digest = snapshot(built, work)
    log(f"using a copy of {built}: {binary} (sha256 {digest[:12]})")
    p = run([str(binary), "--version"], capture_output=True, text=True)
    version = (p.stdout.strip().removeprefix("passerelle ") or "?") + f" ({git_describe() or 'no git'})"
    results = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
               "command": command_line(argv), "bench": str(a.bench), "work": str(work),
               "passerelle_version": version, "binary": str(built), "binary_copy": str(binary),
               "binary_sha256": digest,
               "hunalign": str(hunalign) if hunalign else None,
               "machine": {"cpus": os.cpu_count(), "cpu": cpu_model(), "platform": platform.platform(),
                           "python": platform.python_version()},
               "targets": {"f1_with_mt": TARGET_F1_MT, "f1_without_mt": TARGET_F1_NO_MT,
                           "f1_embeddings_with_mt": TARGET_F1_EMBED_MT, "f1_embeddings": TARGET_F1_EMBED,
                           "speedup_vs_hunalign_20k": TARGET_SPEEDUP_VS_HUNALIGN,
                           "time_ratio_80k_20k": TARGET_RATIO_80K, "peak_rss_80k_bytes": TARGET_RSS_80K_BYTES},
               "references": {"quality": REFERENCE_ROWS,
                              "hunalign_scale": {str(k): v for k, v in HUNALIGN_SCALE_REFERENCE.items()}},
               "quality": {}, "failures": []}
    log(f"passerelle {version}; bench {a.bench}; work {work}"
        + (f"; hunalign {hunalign}" if hunalign else "; no HUNALIGN: reference figures for hunalign"))
    failures = []
    embed = None
    if embed_wanted(a):
        results["embeddings"] = setup_embeddings(a, server)
        embed = {"endpoint": results["embeddings"]["endpoint"], "model": a.embed_model}
    elif a.skip_embed:
        results["embeddings"] = {"status": "skipped", "reason": "`--skip-embed`"}
    elif a.embed_endpoint or a.embed_serve:
        results["embeddings"] = {"status": "skipped", "reason": "`--skip-quality`"}
    else:
        results["embeddings"] = {"status": "not requested"}
    if embed is None:
        log("embeddings: " + {"skipped": "rows skipped (" + results["embeddings"].get("reason", "") + ")",
                              "not requested": "no --embed-endpoint/--embed-serve: embedding rows skipped"}
            [results["embeddings"]["status"]])
    if not a.skip_quality:
        warn_if_busy()
        failures += quality(a, binary, hunalign, score_py, work, results, embed)
        failures += article(binary, score_py, work, a.timeout, results)
    if not a.skip_scale:
        failures += scale(a, binary, hunalign, score_py, work, results)
    agree = True
    for rows in results["quality"].values():
        agree &= all(r["scores"]["scorers_agree"] for r in rows if r.get("scores"))
    for r in results.get("scale", {}).get("rows", []):
        if r.get("scores"):
            agree &= r["scores"]["scorers_agree"]
    if results.get("article", {}).get("scores"):
        agree &= results["article"]["scores"]["scorers_agree"]
    results["scorers_agree"] = agree
    results["failures"] = failures
    out_json = work / "align_peers.json"
    out_json.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    text = report(results, a, argv)
    log(f"results saved to {out_json}")
    log("")
    print(text)
    if not agree:
        log("WARNING: the two scorers disagreed somewhere (see above and the JSON)")
    if failures:
        log("FAILED: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        log(f"align_peers: error: {e}")
        sys.exit(1)
    except KeyboardInterrupt:
        log("align_peers: interrupted")
        sys.exit(130)
