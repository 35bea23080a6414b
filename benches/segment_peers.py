#!/usr/bin/env python3
"""Compare `passerelle segment` with peer sentence segmenters: accuracy and throughput.

Tools compared (names for --tools):
  passerelle         target/release/passerelle segment --lang L -
  sentencex          the `sentencex` Rust crate (examples/peer_sentencex.rs)
  unicode-seg        the `unicode-segmentation` crate, UAX #29 (examples/peer_uax29.rs)
  pysbd              pySBD (PyPI `pysbd`, clean=False), in a private virtualenv
  sentence-splitter  Moses splitter port (PyPI `sentence-splitter`), same virtualenv
Every peer wrapper first cuts its input into blank-line paragraphs, segments each
paragraph and prints one sentence per line (a blank line between paragraphs), like
`passerelle segment` does.

Accuracy: the shared scorer `score.py` of the bench folder is run for each tool on
golden_en.jsonl + golden_en_extra.jsonl (--lang en) and on golden_fr.jsonl,
golden_fr_nbsp.jsonl and golden_fr_ud.jsonl (--lang fr); its last (JSON) line is read.
"EN exact (48+4)" shows both English files; "F1 EN" is micro-averaged over both.

Throughput: each tool runs once over a French corpus of at least 20 MB (stdin from the
file, stdout to a file in the work dir). MB/s = corpus bytes / 1e6 / wall seconds of the
whole process (interpreter start-up included); peak RSS is the child's ru_maxrss from
os.wait4() (shown in MiB, like /usr/bin/time's KB / 1024). The child is started by a small
fresh interpreter, because a spawned child's ru_maxrss includes its parent's peak at exec
time; that launcher's own peak (~10 MB) is therefore a floor ("≤ N" in the table).

Usage (from the repository root):
  benches/segment_peers.py                      # everything; builds the corpus if needed
  benches/segment_peers.py --skip-slow          # no pySBD corpus run (it takes minutes)
  benches/segment_peers.py --tools passerelle,sentencex --corpus fr.txt

Options:
  --suites DIR   bench folder with score.py and the golden_*.jsonl files
                 (default: $PASSERELLE_BENCH/segment if PASSERELLE_BENCH is set,
                 else ../shared/bench/segment relative to the repository root)
  --corpus FILE  French text (>= 20 MB) for the throughput runs. Without it, the corpus
                 is built once from Debian French documentation packages (manpages-fr,
                 manpages-fr-dev, debian-reference-fr, developers-reference-fr,
                 debian-faq-fr, maint-guide-fr, libreoffice-help-fr) fetched with
                 `apt-get download`, and cached as WORK/fr-corpus.txt
  --work DIR     scratch folder: venv, wrappers, downloads, outputs, results JSON
                 (default: target/bench-work under the repository root)
  --skip-slow    skip pySBD's corpus run
  --tools LIST   comma-separated subset of the tools above
  --runs N       corpus runs per tool, the fastest kept (default 1: each tool runs once)

Output: a Markdown table on stdout, then ratio lines (passerelle MB/s / each peer's MB/s,
passerelle peak RSS / corpus size); all numbers go to WORK/segment_peers.json, and the
failing cases of each run to WORK/failures/. Progress goes to stderr. Exit status: 0 on
success, 1 if anything failed (build, venv, a tool erroring), 2 on bad arguments.
Needs only the Python standard library (plus cargo, and apt-get/dpkg-deb/groff to build
the corpus).
"""

import argparse
import datetime
import gzip
import html.parser
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

EN_SUITES = ["golden_en.jsonl", "golden_en_extra.jsonl"]
FR_SUITES = ["golden_fr.jsonl", "golden_fr_nbsp.jsonl", "golden_fr_ud.jsonl"]
ALL_SUITES = EN_SUITES + FR_SUITES

TOOL_ORDER = ["passerelle", "sentencex", "unicode-seg", "pysbd", "sentence-splitter"]
TOOL_ALIASES = {
    "passerelle": "passerelle",
    "sentencex": "sentencex", "sentencex-rs": "sentencex", "peer_sentencex": "sentencex",
    "unicode-seg": "unicode-seg", "unicode-segmentation": "unicode-seg", "uax29": "unicode-seg",
    "peer_uax29": "unicode-seg",
    "pysbd": "pysbd",
    "sentence-splitter": "sentence-splitter", "sentence_splitter": "sentence-splitter",
    "moses": "sentence-splitter",
}
PY_TOOLS = {"pysbd", "sentence-splitter"}

DEBIAN_PACKAGES = ["manpages-fr", "manpages-fr-dev", "debian-reference-fr", "developers-reference-fr",
                   "debian-faq-fr", "maint-guide-fr", "libreoffice-help-fr"]
CORPUS_TARGET_BYTES = 20_000_000


class BenchError(Exception):
    """A failure to report in one clear line (exit status 1)."""


def log(msg):
    print(f"[segment_peers] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Peer wrappers (written into the work dir, run by the venv's interpreter)

PY_WRAPPER_COMMON = r'''
import re
import sys

_PARA = re.compile(r'\n(?:[^\S\n]*\n)+')        # one or more blank (or blank-looking) lines
_LINEBREAK = re.compile(r'[ \t]*(?:\r\n|\r|\n)+[ \t]*')


def paragraphs(text):
    for para in _PARA.split(text):
        if para.strip():
            yield para.strip('\r\n')


def main(segment):
    text = sys.stdin.buffer.read().decode('utf-8', errors='replace')
    out = []
    for para in paragraphs(text):
        sents = [_LINEBREAK.sub(' ', s).strip() for s in segment(para)]
        sents = [s for s in sents if s]
        if not sents:
            continue
        if out:
            out.append('')
        out.extend(sents)
    data = '\n'.join(out) + ('\n' if out else '')
    sys.stdout.buffer.write(data.encode('utf-8'))
'''

PY_WRAPPERS = {
    "pysbd": PY_WRAPPER_COMMON + r'''

if __name__ == '__main__':
    import pysbd
    lang = sys.argv[1] if len(sys.argv) > 1 else 'fr'
    seg = pysbd.Segmenter(language=lang, clean=False)
    main(seg.segment)
''',
    "sentence-splitter": PY_WRAPPER_COMMON + r'''

if __name__ == '__main__':
    import warnings
    warnings.simplefilter('ignore')
    from sentence_splitter import SentenceSplitter
    lang = sys.argv[1] if len(sys.argv) > 1 else 'fr'
    splitter = SentenceSplitter(language=lang)
    main(splitter.split)
''',
}


# ---------------------------------------------------------------------------------------
# Helpers

def run(cmd, **kw):
    """subprocess.run with a clear error when the program is missing."""
    try:
        return subprocess.run(cmd, **kw)
    except FileNotFoundError as e:
        raise BenchError(f"cannot run {cmd[0]!r}: {e.strerror}") from None


def cargo_lock_version(name):
    lock = REPO / "Cargo.lock"
    try:
        text = lock.read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r'\[\[package\]\]\nname = "' + re.escape(name) + r'"\nversion = "([^"]+)"', text)
    return m.group(1) if m else None


def crate_version():
    try:
        text = (REPO / "Cargo.toml").read_text(encoding="utf-8")
    except OSError:
        return "?"
    m = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M)
    return m.group(1) if m else "?"


def git_describe():
    try:
        p = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                           capture_output=True, text=True, timeout=20)
        return p.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def target_dir():
    env = os.environ.get("CARGO_TARGET_DIR")
    if env:
        p = Path(env)
        return p if p.is_absolute() else REPO / p
    return REPO / "target"


# ---------------------------------------------------------------------------------------
# Setup: suites, build, venv

def check_suites(suites):
    if not suites.is_dir():
        raise BenchError(f"suites folder not found: {suites} "
                         f"(pass --suites DIR or set PASSERELLE_BENCH to the folder holding segment/)")
    missing = [n for n in ["score.py"] + ALL_SUITES if not (suites / n).is_file()]
    if missing:
        raise BenchError(f"suites folder {suites} lacks: {', '.join(missing)}")


def cargo_build():
    cmd = ["cargo", "build", "--release", "--bin", "passerelle",
           "--example", "peer_sentencex", "--example", "peer_uax29"]
    log("building: " + " ".join(cmd))
    p = run(cmd, cwd=REPO)
    if p.returncode != 0:
        raise BenchError(f"cargo build failed (exit {p.returncode}); see the messages above")
    tdir = target_dir() / "release"
    bins = {"passerelle": tdir / "passerelle",
            "sentencex": tdir / "examples" / "peer_sentencex",
            "unicode-seg": tdir / "examples" / "peer_uax29"}
    for name, path in bins.items():
        if not path.is_file():
            raise BenchError(f"cargo build succeeded but {path} is missing (CARGO_TARGET_DIR?)")
    return bins


def venv_python(work):
    venv = work / "venv"
    return venv, venv / "bin" / "python"


def setup_venv(work):
    """Create WORK/venv with pysbd and sentence-splitter (reused when they import)."""
    venv, py = venv_python(work)
    probe = [str(py), "-c", "import pysbd, sentence_splitter"]
    if py.exists() and run(probe, capture_output=True).returncode == 0:
        log(f"reusing virtualenv {venv}")
    else:
        if not py.exists():
            log(f"creating virtualenv {venv}")
            p = run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True)
            if p.returncode != 0:
                raise BenchError(f"cannot create a virtualenv in {venv}: {p.stderr.strip()} "
                                 f"(on Debian: apt-get install python3-venv)")
        log("pip install pysbd sentence-splitter (into the virtualenv)")
        p = run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                 "pysbd", "sentence-splitter"], capture_output=True, text=True)
        if p.returncode != 0:
            tail = "\n".join((p.stderr or p.stdout).strip().splitlines()[-15:])
            raise BenchError(f"pip install of pysbd / sentence-splitter failed (exit {p.returncode}); "
                             f"is PyPI reachable?\n{tail}")
        p = run(probe, capture_output=True, text=True)
        if p.returncode != 0:
            raise BenchError(f"pysbd / sentence-splitter installed but do not import:\n{p.stderr.strip()}")
    p = run([str(py), "-c", "import importlib.metadata as m; "
             "print(m.version('pysbd')); print(m.version('sentence-splitter'))"],
            capture_output=True, text=True)
    vers = p.stdout.split() if p.returncode == 0 else []
    return py, {"pysbd": vers[0] if len(vers) > 0 else "?",
                "sentence-splitter": vers[1] if len(vers) > 1 else "?"}


def write_wrappers(work):
    paths = {}
    for name, code in PY_WRAPPERS.items():
        path = work / f"peer_{name.replace('-', '_')}.py"
        path.write_text(code.lstrip(), encoding="utf-8")
        paths[name] = path
    return paths


# ---------------------------------------------------------------------------------------
# Corpus builder

_ASCII_WS = re.compile(r"[ \t\r\n\f\v]+")        # NBSP and narrow NBSP are kept: French typography
_TAG_SPLIT = re.compile(r"^(\S.{0,30}?) {3,}(\S.*)$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
FR_STOP = set("""le la les l un une des du de d au aux et ou est sont être été a ont avec pour
par dans sur sous en ne n pas plus que qu qui quoi dont où ce cet cette ces se s son sa ses
leur leurs il ils elle elles on nous vous je j y si mais comme aussi peut tout tous toutes
votre vos notre nos lorsque quand afin ainsi""".split())
EN_STOP = set("""the of and to is are was were be been this that with for from by on in it its
as an or not which you your can will should must these those have has""".split())
BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
              "table", "tr", "td", "th", "thead", "tbody", "caption", "blockquote", "section",
              "article", "header", "footer", "nav", "aside", "main", "figure", "figcaption",
              "form", "hr", "br", "body", "title", "address", "center", "details", "summary",
              "fieldset", "legend", "dialog", "menu", "option", "select", "textarea", "label"}
SKIP_TAGS = {"script", "style", "pre", "head", "noscript", "template", "svg", "math", "object"}


class HtmlParas(html.parser.HTMLParser):
    """Collects text paragraphs: block elements end paragraphs; code-ish blocks are skipped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras, self.buf, self.skip = [], [], 0

    def flush(self):
        if self.buf:
            text = _ASCII_WS.sub(" ", "".join(self.buf)).strip()
            if text:
                self.paras.append(text)
            self.buf = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self.flush()
            self.skip += 1
        elif tag in BLOCK_TAGS:
            self.flush()

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            self.buf = []
        elif tag in BLOCK_TAGS:
            self.flush()

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)


def html_paragraphs(raw):
    p = HtmlParas()
    try:
        p.feed(raw)
        p.close()
    except Exception:  # noqa: BLE001 - malformed HTML: keep what was parsed
        pass
    p.flush()
    return p.paras


_ROFF_ESCAPES = [
    (re.compile(r"\\f(?:\[[^\]]*\]|\(..|.)"), ""), (re.compile(r"\\s[+-]?\d"), ""),
    (re.compile(r"\\\((?:em|en)"), "—"), (re.compile(r"\\\((?:lq|Lq)"), "“"),
    (re.compile(r"\\\((?:rq|Rq)"), "”"), (re.compile(r"\\\(aq"), "'"), (re.compile(r"\\\(bu"), "•"),
    (re.compile(r"\\\(Fo"), "«"), (re.compile(r"\\\(Fc"), "»"), (re.compile(r"\\\(co"), "©"),
    (re.compile(r"\\\(..|\\\[[^\]]*\]|\\\*(?:\(..|\[[^\]]*\]|.)"), ""),
    (re.compile(r"\\[-e]"), lambda m: "-" if m.group(0) == "\\-" else "\\"),
    (re.compile(r"\\[~ 0]"), "\u00a0"), (re.compile(r"\\[&|^:%c,/]"), ""),
]


def roff_to_text(src):
    """A small man(7) stripper, used when groff is missing or fails: one paragraph per line."""
    lines, cur, nofill, tag = [], [], False, False

    def flush():
        if cur:
            lines.append(" ".join(cur))
            cur.clear()

    def add(text):
        nonlocal tag
        cur.append(text)
        if tag:             # the line after .TP is the tag: a paragraph of its own
            flush()
            tag = False

    def unescape(s):
        for rx, rep in _ROFF_ESCAPES:
            s = rx.sub(rep, s)
        return s

    for line in src.splitlines():
        if line.startswith(('.\\"', "'\\\"", '\\"')):
            continue
        if line.startswith((".", "'")):
            parts = line[1:].strip().split(None, 1)
            if not parts:
                continue
            macro, args = parts[0], (parts[1] if len(parts) > 1 else "")
            if macro == "nf":
                flush()
                nofill = True
            elif macro == "fi":
                nofill = False
            elif macro in ("B", "I", "SM", "SB"):
                if not nofill:
                    add(unescape(args.replace('"', "")))
            elif macro in ("BR", "RB", "IR", "RI", "BI", "IB"):
                if not nofill:
                    words = re.findall(r'"[^"]*"|\S+', args)
                    add(unescape("".join(w.strip('"') for w in words)))
            else:  # SH, SS, PP, LP, P, TP, IP, HP, sp, br, RS, RE, TH and the rest
                flush()
                tag = macro == "TP"
            continue
        if nofill:
            continue
        add(unescape(line))
    flush()
    return "\n".join(lines)


def man_to_text(path, use_groff):
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return ""
    head = raw[:200].lstrip()
    if head.startswith(b".so ") and len(raw) < 300:      # a redirect to another page
        return ""
    if use_groff:
        try:
            p = subprocess.run(["groff", "-k", "-t", "-man", "-Tutf8", "-rLL=8000n", "-P-cbu"],
                               input=raw, capture_output=True, timeout=60)
            if p.returncode == 0 and p.stdout.strip():
                out = p.stdout.decode("utf-8", errors="replace")
                out = re.sub(r".\x08", "", out)                    # any overstriking left
                return re.sub(r"\x1b\[[0-9;]*m", "", out)
        except (OSError, subprocess.SubprocessError):
            pass
    return roff_to_text(raw.decode("utf-8", errors="replace"))


def man_paragraphs(text):
    """groff output with a very long line length: each output line is one filled paragraph."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        m = _TAG_SPLIT.match(line)       # ".TP" tag on the same line as its description
        if m:
            line = m.group(2)
        out.append(_ASCII_WS.sub(" ", line).strip())
    return out


def looks_french_prose(p):
    if len(p) < 40 or len(p) > 20000 or "   " in p:
        return False
    if not (p[0].isalnum() or p[0] in "«“\"(‘"):
        return False
    if p[-1] not in ".!?:;…»)”":
        return False
    nonspace = [c for c in p if not c.isspace()]
    if sum(c.isalpha() for c in nonspace) < 0.75 * len(nonspace):
        return False
    words = [w.lower() for w in _WORD.findall(p)]
    if len(words) < 6:
        return False
    fr = sum(1 for w in words if w in FR_STOP or w.split("'")[0].split("’")[0] in FR_STOP)
    en = sum(1 for w in words if w in EN_STOP)
    return fr >= 3 and fr >= 0.15 * len(words) and fr > 2 * en


def download_debs(debdir):
    """apt-get download each package (retrying after `apt-get update` when root). Returns paths."""
    debdir.mkdir(parents=True, exist_ok=True)
    if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        return {}, {p: "apt-get / dpkg-deb not found" for p in DEBIAN_PACKAGES}

    def have(pkg):
        found = sorted(debdir.glob(f"{pkg}_*.deb"))
        return found[-1] if found else None

    def fetch(pkgs):
        errs = {}
        for pkg in pkgs:
            if have(pkg):
                continue
            p = run(["apt-get", "download", "-q", pkg], cwd=debdir, capture_output=True, text=True)
            if p.returncode != 0 or not have(pkg):
                lines = [ln for ln in p.stderr.splitlines() if ln.startswith("E:")] or \
                    p.stderr.strip().splitlines()[-1:]
                errs[pkg] = " ".join(lines).strip() or f"exit {p.returncode}"
        return errs

    errs = fetch(DEBIAN_PACKAGES)
    if errs and hasattr(os, "geteuid") and os.geteuid() == 0:
        log(f"apt-get download failed for {', '.join(errs)}; running apt-get update and retrying")
        run(["apt-get", "update", "-q"], capture_output=True)
        errs = fetch(list(errs))
    return {p: have(p) for p in DEBIAN_PACKAGES if have(p)}, errs


def build_corpus(work, target_bytes):
    out = work / "fr-corpus.txt"
    meta_path = work / "fr-corpus.json"
    if out.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("bytes") == out.stat().st_size and meta.get("target_bytes") == target_bytes:
            log(f"reusing cached corpus {out}")
            return out, meta
    log("building the French corpus from Debian documentation packages (cached afterwards)")
    debs, errs = download_debs(work / "debs")
    for pkg, err in errs.items():
        log(f"  not available: {pkg}: {err}")
    if not debs:
        raise BenchError("could not download any Debian French documentation package "
                         f"({', '.join(DEBIAN_PACKAGES)}); pass --corpus FILE with a French "
                         "text of at least 20 MB")
    use_groff = shutil.which("groff") is not None
    if not use_groff:
        log("  groff not found: man pages go through a small built-in roff stripper")
    seen, paras, per_pkg = set(), [], {}
    for pkg, deb in debs.items():
        root = work / "src" / pkg
        if not root.is_dir():
            root.mkdir(parents=True, exist_ok=True)
            p = run(["dpkg-deb", "-x", str(deb), str(root)], capture_output=True, text=True)
            if p.returncode != 0:
                log(f"  dpkg-deb -x {deb.name} failed: {p.stderr.strip()}")
                continue
        files = sorted(f for f in root.rglob("*") if f.is_file() and not f.is_symlink())
        man_files = [f for f in files if "/man/" in f.as_posix()
                     and re.search(r"/man\d\w*/[^/]+\.\d\w*(\.gz)?$", f.as_posix())]
        html_files = [f for f in files if re.search(r"\.x?html?(\.gz)?$", f.name)]
        texts = []
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as ex:
            texts += [("man", t) for t in ex.map(lambda f: man_to_text(f, use_groff), man_files)]
        for f in html_files:
            raw = f.read_bytes()
            if f.suffix == ".gz":
                raw = gzip.decompress(raw)
            texts.append(("html", raw.decode("utf-8", errors="replace")))
        n_before, b_before = len(paras), sum(len(x.encode()) for x in paras)
        for kind, text in texts:
            cands = man_paragraphs(text) if kind == "man" else html_paragraphs(text)
            for para in cands:
                if para not in seen and looks_french_prose(para):
                    seen.add(para)
                    paras.append(para)
        added = paras[n_before:]
        per_pkg[pkg] = {"deb": deb.name, "man_pages": len(man_files), "html_files": len(html_files),
                        "paragraphs": len(added),
                        "bytes": sum(len(x.encode()) for x in paras) - b_before}
        log(f"  {deb.name}: {len(man_files)} man pages, {len(html_files)} HTML files -> "
            f"{len(added)} new paragraphs")
    if not paras:
        raise BenchError("no French paragraphs could be extracted; pass --corpus FILE")
    unique = "\n\n".join(paras) + "\n\n"
    unique_bytes = len(unique.encode("utf-8"))
    copies = target_bytes // unique_bytes
    chunks, size = [unique] * copies, unique_bytes * copies
    n_paras = len(paras) * copies
    for para in paras:              # top up paragraph by paragraph until the target is reached
        if size >= target_bytes:
            break
        piece = para + "\n\n"
        chunks.append(piece)
        size += len(piece.encode("utf-8"))
        n_paras += 1
    data = "".join(chunks).rstrip("\n") + "\n"
    tmp = out.with_suffix(".tmp")
    tmp.write_text(data, encoding="utf-8")
    tmp.replace(out)
    meta = {"path": str(out), "bytes": out.stat().st_size, "target_bytes": target_bytes,
            "paragraphs": n_paras, "unique_paragraphs": len(paras), "unique_bytes": unique_bytes,
            "repeats": round(out.stat().st_size / unique_bytes, 2), "packages": per_pkg,
            "unavailable": errs, "man_converter": "groff" if use_groff else "built-in roff stripper"}
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return out, meta


def corpus_meta_for_file(path):
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    n = sum(1 for p in re.split(r"\n(?:[^\S\n]*\n)+", text) if p.strip())
    return {"path": str(path), "bytes": len(data), "paragraphs": n, "built": False}


# ---------------------------------------------------------------------------------------
# Measurements

def score(suites, gold, tool, cmd, work):
    fails = work / "failures" / f"{tool}.{gold.replace('.jsonl', '')}.jsonl"
    fails.parent.mkdir(parents=True, exist_ok=True)
    full = [sys.executable, str(suites / "score.py"), str(suites / gold), "--label", tool,
            "--failures", str(fails), "--"] + cmd
    p = run(full, capture_output=True, text=True)
    lines = [ln for ln in p.stdout.splitlines() if ln.strip()]
    if p.returncode != 0 or not lines:
        raise BenchError(f"score.py failed for {tool} on {gold} (exit {p.returncode}): "
                         f"{p.stderr.strip()[-500:]}")
    try:
        res = json.loads(lines[-1])
    except json.JSONDecodeError:
        raise BenchError(f"score.py for {tool} on {gold}: last line is not JSON: {lines[-1][:200]}")
    res["summary"] = lines[-2] if len(lines) > 1 else ""
    return res


# Peak RSS: a child started with vfork/posix_spawn (what subprocess does) inherits the
# high-water mark of its parent's memory at exec time in ru_maxrss. This script holds
# hundreds of MB after building the corpus, so the child is started by a fresh, small
# interpreter (python -I -S, ~10 MB), whose own peak is reported as the floor of the number.
SPAWN_HELPER = r"""
import json, os, resource, sys, time
src, dst, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
fin = os.open(src, os.O_RDONLY)
fout = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
t0 = time.perf_counter()
try:
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, fin, 0), (os.POSIX_SPAWN_DUP2, fout, 1),
        (os.POSIX_SPAWN_CLOSE, fin), (os.POSIX_SPAWN_CLOSE, fout)])
except OSError as e:
    print(json.dumps({"spawn_error": f"{cmd[0]}: {e.strerror}"}))
    sys.exit(0)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
print(json.dumps({"exit": os.waitstatus_to_exitcode(status), "wall_s": wall, "maxrss_kib": ru.ru_maxrss,
                  "floor_kib": floor, "user_s": ru.ru_utime, "sys_s": ru.ru_stime}))
"""


def throughput(cmd, corpus, out_path):
    """Run cmd once with the corpus on stdin; wall time and the child's peak RSS (wait4)."""
    p = run([sys.executable, "-I", "-S", "-c", SPAWN_HELPER, str(corpus), str(out_path)] + cmd,
            capture_output=True)
    lines = p.stdout.decode("utf-8", errors="replace").strip().splitlines()
    err = p.stderr.decode("utf-8", errors="replace").strip().splitlines()
    try:
        m = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchError(f"measuring helper failed (exit {p.returncode}): {' | '.join(err[-3:])}") from None
    if "spawn_error" in m:
        raise BenchError(f"cannot run {m['spawn_error']}")
    if m["exit"] != 0:
        raise BenchError(f"exit {m['exit']}: {' | '.join(err[-3:])}")
    sentences = 0
    with open(out_path, "rb") as f:
        for line in f:
            if line.strip():
                sentences += 1
    size = corpus.stat().st_size
    wall = m["wall_s"]
    return {"wall_s": round(wall, 3), "mb_per_s": round(size / 1e6 / wall, 3),
            "peak_rss_kib": m["maxrss_kib"], "peak_rss_mib": round(m["maxrss_kib"] / 1024, 1),
            "peak_rss_floor_kib": m["floor_kib"],
            "peak_rss_at_floor": m["maxrss_kib"] <= m["floor_kib"],
            "user_s": round(m["user_s"], 3), "sys_s": round(m["sys_s"], 3),
            "sentences": sentences, "output": str(out_path)}


def warn_if_busy():
    """Throughput numbers are only meaningful on an otherwise idle machine."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return
    cpus = os.cpu_count() or 1
    if load > 0.5 * cpus:
        log(f"  warning: load average {load:.1f} on {cpus} CPUs: other work is running, "
            f"throughput numbers will be noisy (--runs N keeps the fastest of N)")


# ---------------------------------------------------------------------------------------
# Report

def fmt_exact(r):
    if not r:
        return "n/a"
    n = r["cases"]
    return f"{r['exact']}/{n} ({r['exact'] / n:.0%})" if n else "0/0"


def f1_of(results):
    tp = sum(r["tp"] for r in results)
    fp = sum(r["fp"] for r in results)
    fn = sum(r["fn"] for r in results)
    p = tp / (tp + fp) if tp + fp else 1.0
    rc = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * rc / (p + rc) if p + rc else 0.0


def table(rows):
    head = ["tool", "EN exact (48+4)", "FR exact", "FR-nbsp exact", "FR-UD exact", "F1 EN", "F1 FR",
            "F1 FR-nbsp", "F1 FR-UD", "MB/s", "peak RSS MB"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        s = row["suites"]
        en = [s.get(g) for g in EN_SUITES]
        if all(en):
            en_exact = f"{en[0]['exact']}/{en[0]['cases']} + {en[1]['exact']}/{en[1]['cases']}"
            f1_en = f"{f1_of(en):.3f}"
        else:
            en_exact = f1_en = "n/a"
        tp = row.get("throughput")
        if tp is None:
            mbs = rss = row.get("throughput_note", "n/a")
        else:
            mbs, rss = f"{tp['mb_per_s']:.2f}", f"{tp['peak_rss_mib']:.0f}"
            if tp.get("peak_rss_at_floor"):
                rss = "≤ " + rss      # the launcher's own peak: the tool used no more than this
        cells = [row["label"], en_exact] + [fmt_exact(s.get(g)) for g in FR_SUITES] + [f1_en] + \
            [f"{s[g]['f1']:.3f}" if s.get(g) else "n/a" for g in FR_SUITES] + [mbs, rss]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def ratio_lines(rows, corpus_bytes):
    by = {r["tool"]: r for r in rows}
    pas = by.get("passerelle")
    if not pas or not pas.get("throughput"):
        return ["(no passerelle throughput: ratios not computed)"]
    out = []
    pm = pas["throughput"]["mb_per_s"]
    for r in rows:
        if r["tool"] == "passerelle":
            continue
        if r.get("throughput"):
            out.append(f"passerelle MB/s / {r['label']} MB/s = {pm / r['throughput']['mb_per_s']:.2f}x")
        else:
            out.append(f"passerelle MB/s / {r['label']} MB/s = n/a ({r.get('throughput_note', 'not run')})")
    rss = pas["throughput"]["peak_rss_kib"] * 1024
    out.append(f"passerelle peak RSS / corpus size = {rss / corpus_bytes:.2f} "
               f"({rss / 1e6:.1f} MB / {corpus_bytes / 1e6:.1f} MB)")
    return out


# ---------------------------------------------------------------------------------------

def parse_args(argv):
    env = os.environ.get("PASSERELLE_BENCH")
    default_suites = Path(env) / "segment" if env else (REPO / ".." / "shared" / "bench" / "segment")
    ap = argparse.ArgumentParser(description="Accuracy and throughput of passerelle segment vs peers.",
                                 epilog="See the module docstring (or benches/README.md) for details.")
    ap.add_argument("--suites", type=Path, default=default_suites,
                    help="folder with score.py and golden_*.jsonl (default: $PASSERELLE_BENCH/segment, "
                         "else ../shared/bench/segment from the repository root)")
    ap.add_argument("--corpus", type=Path, help="French text of >= 20 MB (default: build one into WORK)")
    ap.add_argument("--work", type=Path, default=REPO / "target" / "bench-work",
                    help="scratch folder (default: target/bench-work under the repository root)")
    ap.add_argument("--skip-slow", action="store_true", help="skip pySBD's corpus run (minutes)")
    ap.add_argument("--tools", help="comma-separated subset of: " + ", ".join(TOOL_ORDER))
    ap.add_argument("--runs", type=int, default=1, metavar="N",
                    help="corpus runs per tool; the fastest is kept (default 1)")
    a = ap.parse_args(argv)
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    if a.tools:
        chosen = set()
        for t in a.tools.split(","):
            t = t.strip().lower()
            if not t:
                continue
            if t not in TOOL_ALIASES:
                ap.error(f"unknown tool {t!r}; choose from {', '.join(TOOL_ORDER)}")
            chosen.add(TOOL_ALIASES[t])
        a.tools = [t for t in TOOL_ORDER if t in chosen]
        if not a.tools:
            ap.error("--tools is empty")
    else:
        a.tools = list(TOOL_ORDER)
    return a


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    suites = a.suites.resolve()
    work = a.work.resolve()
    check_suites(suites)
    if a.corpus and not a.corpus.is_file():
        raise BenchError(f"corpus file not found: {a.corpus}")
    work.mkdir(parents=True, exist_ok=True)

    # corpus first: the slowest set-up step that can fail for reasons outside the repository
    if a.corpus:
        corpus = a.corpus.resolve()
        cmeta = corpus_meta_for_file(corpus)
        if cmeta["bytes"] < CORPUS_TARGET_BYTES:
            log(f"warning: {corpus} is {cmeta['bytes'] / 1e6:.1f} MB, less than the 20 MB asked for")
    else:
        corpus, cmeta = build_corpus(work, CORPUS_TARGET_BYTES)
        cmeta["built"] = True
    log(f"corpus: {corpus} — {cmeta['bytes']:,} bytes ({cmeta['bytes'] / 1e6:.1f} MB), "
        f"{cmeta['paragraphs']:,} paragraphs"
        + (f" ({cmeta['unique_paragraphs']:,} unique, {cmeta['unique_bytes'] / 1e6:.1f} MB unique, "
           f"x{cmeta['repeats']})" if "unique_paragraphs" in cmeta else ""))

    bins = cargo_build()
    versions = {"passerelle": f"{crate_version()} ({git_describe() or 'no git'})",
                "sentencex": cargo_lock_version("sentencex") or "?",
                "unicode-seg": cargo_lock_version("unicode-segmentation") or "?"}
    wrappers, vpy = {}, None
    if PY_TOOLS & set(a.tools):
        vpy, pyvers = setup_venv(work)
        versions.update(pyvers)
        wrappers = write_wrappers(work)

    def command(tool, lang):
        if tool == "passerelle":
            return [str(bins["passerelle"]), "segment", "--lang", lang, "-"]
        if tool in ("sentencex", "unicode-seg"):
            return [str(bins[tool]), lang]
        return [str(vpy), str(wrappers[tool]), lang]

    labels = {"passerelle": f"passerelle {versions['passerelle']}",
              "sentencex": f"sentencex crate {versions['sentencex']} (Rust)",
              "unicode-seg": f"unicode-segmentation {versions['unicode-seg']} (Rust, UAX#29)",
              "pysbd": f"pysbd {versions.get('pysbd', '?')}",
              "sentence-splitter": f"sentence-splitter {versions.get('sentence-splitter', '?')} (Moses)"}

    rows, failed = [], []
    for tool in a.tools:
        row = {"tool": tool, "label": labels[tool], "suites": {},
               "commands": {"en": command(tool, "en"), "fr": command(tool, "fr")}}
        rows.append(row)
        for gold in ALL_SUITES:
            lang = "en" if gold in EN_SUITES else "fr"
            try:
                res = score(suites, gold, tool, command(tool, lang), work)
            except BenchError as e:
                log(f"ERROR: {e}")
                failed.append(f"{tool} / {gold}")
                continue
            row["suites"][gold] = res
            log(f"  {res['summary']}")
            if res["errors"]:
                failed.append(f"{tool} / {gold}: {res['errors']} case(s) errored")
        if tool == "pysbd" and a.skip_slow:
            row["throughput"], row["throughput_note"] = None, "skipped"
            log("pysbd corpus run skipped (--skip-slow)")
            continue
        log(f"{tool}: throughput run over the corpus" + (f" ({a.runs} runs)" if a.runs > 1 else "")
            + (" (pySBD: about 2 minutes per run)" if tool == "pysbd" else ""))
        warn_if_busy()
        try:
            runs = []
            for _ in range(a.runs):
                runs.append(throughput(command(tool, "fr"), corpus, work / f"corpus-out.{tool}.txt"))
                t = runs[-1]
                log(f"  {t['wall_s']:.2f} s, {t['mb_per_s']:.2f} MB/s, peak RSS {t['peak_rss_mib']:.0f} MiB, "
                    f"{t['sentences']:,} sentences")
            row["throughput"] = dict(min(runs, key=lambda r: r["wall_s"]))
            row["throughput"]["runs_wall_s"] = [r["wall_s"] for r in runs]
        except BenchError as e:
            log(f"ERROR: {tool} corpus run: {e}")
            row["throughput"], row["throughput_note"] = None, "error"
            failed.append(f"{tool} / corpus run")

    tbl = table(rows)
    ratios = ratio_lines(rows, cmeta["bytes"])
    print(tbl)
    print()
    for line in ratios:
        print(line)
    en48 = [f"{r['label'].split(' (')[0]} {r['suites']['golden_en.jsonl']['f1']:.3f}"
            for r in rows if r["suites"].get("golden_en.jsonl")]
    if en48:
        print("F1 EN on golden_en.jsonl alone (48 cases, as in the bench README): " + ", ".join(en48))
    print()
    print(f"Corpus: {cmeta['bytes'] / 1e6:.1f} MB, {cmeta['paragraphs']:,} paragraphs ({corpus}). "
          f"EN exact = golden_en + golden_en_extra; F1 EN is micro-averaged over both. "
          f"Peak RSS in MiB (ru_maxrss / 1024).")

    result = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
              "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                          "python": platform.python_version(),
                          "loadavg_at_end": list(os.getloadavg()) if hasattr(os, "getloadavg") else None},
              "suites": str(suites), "corpus": cmeta, "versions": versions,
              "skip_slow": a.skip_slow, "runs": a.runs, "tools": rows, "table": tbl, "ratios": ratios,
              "failed": failed}
    out_json = work / "segment_peers.json"
    out_json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    log(f"results saved to {out_json}")
    if failed:
        log("FAILED: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"segment_peers: error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("segment_peers: interrupted", file=sys.stderr)
        sys.exit(130)
