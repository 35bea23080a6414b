#!/usr/bin/env python3
"""Placeholder, markup and URL checks: `passerelle check` side by side with translate-toolkit's
pofilter, on hand-written French -> English pairs.

Data: benches/data/qa_pairs.jsonl (--data), one JSON object a line:
  {"id": ..., "src": ..., "tgt": ..., "defect": null | "placeholder" | "markup" | "url",
   "note": ...}
About half the pairs are clean (with traps: reordered placeholders and tags, French "95 %",
%% and {{ }} escapes, URLs before a dot or inside parentheses, translated alt/title, ICU
plurals...), the others carry exactly one defect of the category named.

pofilter: the pairs become one PO file (msgctxt = id, msgid = src, msgstr = tgt), checked with
  pofilter --progress=none --errorlevel=message --language=en \
      -t printf -t pythonbraceformat -t variables -t xmltags -t urls -t emails -i IN -o OUT
A pair is flagged when its unit is in OUT (pofilter writes only failing units, each with
"# (pofilter) TEST: message" comments). Format flags are written the way xgettext or a
developer would mark the source string (see po_flags()):
  #, c-format              the source has a C printf conversion (%s, %d, %.2f, %1$s, %zu...;
                           %% alone does not count, and neither does "% d" with a space: in
                           French text that is "50 % de", not a conversion)
  #, python-format         the source has %(name)s
  #, python-brace-format   the source has {name}, {0}, {} or a {{ / }} escape, and is not an
                           ICU message
  #, sh-format             the source has ${var}
  (none)                   ICU messages ({count, plural, ...}; gettext has no flag for them),
                           and strings without any of the above
translate-toolkit 3.20.4 does not read these flags: every -t test runs on every unit
(--po-flags off writes the PO without them, to check that on another version).
--pofilter-style NAME adds pofilter's --NAME checker style (e.g. gnome or mozilla, whose
`variables` test knows ${var}); by default the standard checker is used, whose `variables`
test has no variable syntax configured and so never fires.

passerelle: the pairs become two files with one segment per line (SRC.txt line i pairs with
TGT.txt line i), checked without a glossary with
  passerelle check --src S --tgt T --src-lang fr --tgt-lang en --format json --fail-on never \
      [--severity RULE=off for every other rule `check --help` lists]
A pair is flagged when a finding with rule placeholder-mismatch, markup-mismatch or
url-mismatch has "segment" equal to its 0-based line index; other rules are ignored. When
`passerelle check --help` does not list placeholder-mismatch yet, or still requires
--glossary, the passerelle column reads "not available: REASON" and nothing fails.

Output (stdout): a Markdown table, one column per tool: pairs flagged, precision, recall,
F1, clean pairs flagged, recall per defect category, wall time (the whole process, start-up
included, best of --runs); then each tool's misses and false alarms by id, with the tests
or rules that fired. Progress goes to stderr; every number, command line and per-pair
verdict goes to OUT/qa_peers.json, next to the PO files and line files.
Exit status: 0 on success, 1 when something failed (bad data, pofilter missing or failing,
a passerelle that claims support but fails), 2 on bad arguments.

Usage:
  python3 -m venv /tmp/qavenv && /tmp/qavenv/bin/pip install translate-toolkit
  benches/qa_peers.py                                  # pofilter from PATH or /tmp/qavenv
  benches/qa_peers.py --pofilter /tmp/qavenv/bin/pofilter --passerelle target/release/passerelle
  benches/qa_peers.py --pofilter-style gnome --runs 5 --out-dir /tmp/qa
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "benches" / "data" / "qa_pairs.jsonl"
DEFAULT_OUT = ROOT / "target" / "bench-work" / "qa"
DEFAULT_PASSERELLE = ROOT / "target" / "debug" / "passerelle"
VENV_POFILTER = Path("/tmp/qavenv/bin/pofilter")

CATEGORIES = ("placeholder", "markup", "url")
RULES = ("placeholder-mismatch", "markup-mismatch", "url-mismatch")
POFILTER_TESTS = ("printf", "pythonbraceformat", "variables", "xmltags", "urls", "emails")
POFILTER_STYLES = ("openoffice", "libreoffice", "mozilla", "drupal", "gnome", "kde", "wx")


class BenchError(Exception):
    """A failure that stops the benchmark (exit status 1)."""


def log(msg):
    print(f"qa_peers: {msg}", file=sys.stderr, flush=True)


def tail(text, n=600):
    text = (text or "").strip()
    return text if len(text) <= n else "..." + text[-n:]


# ---------------------------------------------------------------------------------------------
# Data


def load_pairs(path):
    if not path.is_file():
        raise BenchError(f"data file not found: {path}")
    pairs, seen = [], set()
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise BenchError(f"{where}: not JSON: {e}") from None
            if not isinstance(obj, dict):
                raise BenchError(f"{where}: expected a JSON object")
            for key in ("id", "src", "tgt"):
                if not isinstance(obj.get(key), str) or not obj[key].strip():
                    raise BenchError(f"{where}: '{key}' must be a non-empty string")
            if "defect" not in obj or obj["defect"] not in (None, *CATEGORIES):
                raise BenchError(f"{where}: 'defect' must be null or one of {', '.join(CATEGORIES)}")
            if obj["id"] in seen:
                raise BenchError(f"{where}: duplicate id {obj['id']!r}")
            for key in ("id", "src", "tgt"):
                # One pair per line in the line files, and str.splitlines() must agree with
                # a plain split on "\n".
                if any(c in obj[key] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"):
                    raise BenchError(f"{where}: '{key}' holds a line break; pairs must be single-line")
            seen.add(obj["id"])
            pairs.append(obj)
    if not pairs:
        raise BenchError(f"{path}: no pairs")
    return pairs


# ---------------------------------------------------------------------------------------------
# PO file

# C printf conversion as gettext's c-format knows it, minus the space flag: "50 % de" in French
# text is typography, and a developer would not mark such a string c-format.
PRINTF_RE = re.compile(
    r"%(?:\d+\$)?[-+#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcsSpn]"
)
PYFORMAT_RE = re.compile(r"%\(\w+\)[-+#0 ]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
SHELL_RE = re.compile(r"\$\{\w+\}")
ICU_RE = re.compile(r"\{\s*\w+\s*,\s*(?:plural|select|selectordinal)\s*,")
BRACE_RE = re.compile(r"\{(?:\w+|\d*)(?:![rsa])?(?::[^{}]*)?\}")


def po_flags(src):
    """The gettext format flags for a source string (see the module docstring)."""
    flags = []
    text = src.replace("%%", "")
    if PYFORMAT_RE.search(text):
        flags.append("python-format")
        text = PYFORMAT_RE.sub("", text)
    if PRINTF_RE.search(text):
        flags.append("c-format")
    if not ICU_RE.search(src):
        braces = SHELL_RE.sub("", src)
        if "{{" in braces or "}}" in braces or BRACE_RE.search(braces.replace("{{", "").replace("}}", "")):
            flags.append("python-brace-format")
    if SHELL_RE.search(src):
        flags.append("sh-format")
    return flags


def po_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


def write_po(pairs, path, with_flags):
    out = [
        "# FR->EN placeholder, markup and URL pairs for benches/qa_peers.py",
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: passerelle qa_peers\\n"',
        '"Language: en\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        "",
    ]
    flag_counts = {}
    for p in pairs:
        flags = po_flags(p["src"]) if with_flags else []
        for fl in flags or ["(none)"]:
            flag_counts[fl] = flag_counts.get(fl, 0) + 1
        if flags:
            out.append("#, " + ", ".join(flags))
        out.append("msgctxt " + po_quote(p["id"]))
        out.append("msgid " + po_quote(p["src"]))
        out.append("msgstr " + po_quote(p["tgt"]))
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")
    return flag_counts


def po_unquote(s):
    s = s.strip()
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        raise ValueError(f"not a PO string: {s!r}")
    body, out, i = s[1:-1], [], 0
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
               "f": "\f", "v": "\v"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


POFILTER_NOTE_RE = re.compile(r"^#\s*\(pofilter\)\s*([\w-]+):\s*(.*)$")


def parse_pofilter_output(text):
    """{msgctxt: {test: message}} for the units pofilter wrote."""
    units, notes, ctxt, field = {}, {}, None, None

    def flush():
        nonlocal notes, ctxt, field
        if ctxt is not None:
            units.setdefault(ctxt, {}).update(notes)
        elif notes:
            units.setdefault("", {}).update(notes)   # a unit without msgctxt: the header?
        notes, ctxt, field = {}, None, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#"):
            if field is not None:       # a comment after the strings starts the next unit
                flush()
            m = POFILTER_NOTE_RE.match(line)
            if m:
                notes[m.group(1)] = m.group(2)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            if field is not None and field != "msgctxt":
                flush()
            ctxt, field = po_unquote(rest), "msgctxt"
        elif keyword.startswith("msgid") or keyword.startswith("msgstr"):
            field = keyword
        elif line.startswith('"'):
            if field == "msgctxt":
                ctxt += po_unquote(line)
        # anything else (obsolete entries, #~) is ignored
    flush()
    return units


# ---------------------------------------------------------------------------------------------
# Tools


def timed_run(cmd, runs):
    """Run cmd `runs` times; return (last CompletedProcess, best wall seconds)."""
    best, proc = None, None
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", stdin=subprocess.DEVNULL)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
        if proc.returncode != 0:
            break
    return proc, best


def find_pofilter(arg):
    if arg:
        p = Path(arg)
        if p.is_file():
            return str(p)
        found = shutil.which(arg)
        if found:
            return found
        raise BenchError(f"--pofilter {arg}: not found")
    found = shutil.which("pofilter")
    if found:
        return found
    if VENV_POFILTER.is_file():
        return str(VENV_POFILTER)
    raise BenchError("pofilter not found on PATH nor at /tmp/qavenv/bin/pofilter; install it with\n"
                     "  python3 -m venv /tmp/qavenv && /tmp/qavenv/bin/pip install translate-toolkit\n"
                     "and pass --pofilter /tmp/qavenv/bin/pofilter")


def run_pofilter(exe, pairs, out_dir, style, runs, with_flags):
    po_in, po_out = out_dir / "qa_pairs.po", out_dir / "pofilter-out.po"
    flag_counts = write_po(pairs, po_in, with_flags)
    ver = subprocess.run([exe, "--version"], capture_output=True, text=True)
    version = (ver.stdout or ver.stderr).strip() or "pofilter (unknown version)"
    cmd = [exe, "--progress=none", "--errorlevel=message", "--language=en"]
    for t in POFILTER_TESTS:
        cmd += ["-t", t]
    if style:
        cmd.append(f"--{style}")
    cmd += ["-i", str(po_in), "-o", str(po_out)]
    if po_out.exists():
        po_out.unlink()
    log("running " + " ".join(cmd))
    proc, wall = timed_run(cmd, runs)
    if proc.returncode != 0:
        raise BenchError(f"pofilter exited {proc.returncode}: {tail(proc.stderr or proc.stdout)}")
    if not po_out.is_file():
        raise BenchError(f"pofilter wrote no output file {po_out}: {tail(proc.stderr)}")
    units = parse_pofilter_output(po_out.read_text(encoding="utf-8"))
    ids = {p["id"] for p in pairs}
    unknown = sorted(k for k in units if k not in ids)
    if unknown:
        log(f"warning: pofilter output has units that are not pairs: {unknown}")
    flagged = {k: sorted(v) for k, v in units.items() if k in ids and v}
    messages = {k: v for k, v in units.items() if k in ids and v}
    return {
        "tool": "pofilter",
        "version": version,
        "available": True,
        "command": cmd,
        "wall_s": wall,
        "flagged": flagged,
        "messages": messages,
        "po_flags": flag_counts,
        "stderr": tail(proc.stderr, 2000),
    }


RULE_LINE_RE = re.compile(r"^\s{2,}([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\s+(?:error|warning|info|off)\s", re.M)


def probe_passerelle(exe):
    """(rules listed by `check --help`, None) or (None, reason it is not available)."""
    path = Path(exe)
    if not path.is_file():
        return None, f"no binary at {exe} (cargo build first, or pass --passerelle)"
    try:
        proc = subprocess.run([str(path), "check", "--help"], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"`{exe} check --help` failed: {e}"
    if proc.returncode != 0:
        return None, f"`check --help` exited {proc.returncode}: {tail(proc.stderr, 200)}"
    text = proc.stdout
    if "placeholder-mismatch" not in text:
        return None, "`passerelle check --help` does not list placeholder-mismatch yet"
    usage = re.search(r"^Usage:.*$", text, re.M)
    if usage and re.search(r"(?<!\[)--glossary\b", usage.group(0)):
        return None, "`passerelle check` still requires --glossary"
    return RULE_LINE_RE.findall(text), None


def run_passerelle(exe, pairs, out_dir, runs):
    result = {"tool": "passerelle", "available": False, "flagged": {}, "wall_s": None}
    try:
        ver = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
        result["version"] = ver.stdout.strip() or "passerelle"
    except (OSError, subprocess.TimeoutExpired):
        result["version"] = "passerelle"
    rules, reason = probe_passerelle(exe)
    if reason:
        result["reason"] = reason
        log(f"passerelle not available: {reason}")
        return result
    missing = [r for r in RULES if r not in rules]
    off = [r for r in rules if r not in RULES]
    src, tgt = out_dir / "src.txt", out_dir / "tgt.txt"
    src.write_text("".join(p["src"] + "\n" for p in pairs), encoding="utf-8")
    tgt.write_text("".join(p["tgt"] + "\n" for p in pairs), encoding="utf-8")
    cmd = [exe, "check", "--src", str(src), "--tgt", str(tgt), "--src-lang", "fr",
           "--tgt-lang", "en", "--format", "json", "--fail-on", "never"]
    for r in off:
        cmd += ["--severity", f"{r}=off"]
    log("running " + " ".join(cmd))
    result.update(command=cmd, rules_listed=rules, rules_missing=missing, rules_off=off)
    proc, wall = timed_run(cmd, runs)
    if proc.returncode != 0:
        raise BenchError(f"passerelle check exited {proc.returncode}: {tail(proc.stderr or proc.stdout)}")
    (out_dir / "passerelle.json").write_text(proc.stdout, encoding="utf-8")
    try:
        report = json.loads(proc.stdout)
        findings = report["findings"]
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise BenchError(f"passerelle check printed no JSON report ({e}): {tail(proc.stdout)}") from None
    n_seg = (report.get("summary") or {}).get("segments")
    if isinstance(n_seg, int) and n_seg != len(pairs):
        log(f"warning: passerelle counted {n_seg} segment pairs, the data has {len(pairs)}")
    flagged, messages = {}, {}
    for f in findings:
        rule, seg = f.get("rule"), f.get("segment")
        if rule not in RULES:
            continue
        if not isinstance(seg, int) or not 0 <= seg < len(pairs):
            log(f"warning: {rule} finding with segment {seg!r} outside the {len(pairs)} pairs")
            continue
        pid = pairs[seg]["id"]
        flagged.setdefault(pid, set()).add(rule)
        messages.setdefault(pid, []).append(f"{rule}: {f.get('message', '')}")
    result.update(available=True, wall_s=wall, flagged={k: sorted(v) for k, v in flagged.items()},
                  messages=messages, stderr=tail(proc.stderr, 2000))
    if missing:
        log(f"note: passerelle does not list {', '.join(missing)}; those defects count as misses")
    return result


# ---------------------------------------------------------------------------------------------
# Scoring and report


def score(pairs, flagged):
    defects = [p for p in pairs if p["defect"]]
    clean = [p for p in pairs if not p["defect"]]
    tp = sum(1 for p in defects if p["id"] in flagged)
    fp = sum(1 for p in clean if p["id"] in flagged)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / len(defects) if defects else None
    if precision is None or recall is None:
        f1 = None
    elif precision + recall == 0:
        f1 = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
    per_cat = {}
    for cat in CATEGORIES:
        ids = [p["id"] for p in defects if p["defect"] == cat]
        hit = sum(1 for i in ids if i in flagged)
        per_cat[cat] = {"hit": hit, "total": len(ids), "recall": hit / len(ids) if ids else None}
    return {
        "flagged": len(flagged), "tp": tp, "fp": fp, "defects": len(defects), "clean": len(clean),
        "precision": precision, "recall": recall, "f1": f1, "per_category": per_cat,
        "misses": [p["id"] for p in defects if p["id"] not in flagged],
        "false_alarms": [p["id"] for p in clean if p["id"] in flagged],
    }


def fmt(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


def table(pairs, results):
    n_def = sum(1 for p in pairs if p["defect"])
    cat_totals = {c: sum(1 for p in pairs if p["defect"] == c) for c in CATEGORIES}
    header = ["", *(r["version"] for r in results)]
    rows = [["pairs flagged"], ["precision"], ["recall"], ["F1"], ["clean pairs flagged"]]
    rows += [[f"recall: {c} ({cat_totals[c]})"] for c in CATEGORIES]
    rows += [["wall time"]]
    for r in results:
        if not r["available"]:
            cells = [f"not available: {r['reason']}"] + ["—"] * (len(rows) - 1)
        else:
            s = r["score"]
            cells = [
                f"{s['flagged']}/{len(pairs)}",
                f"{fmt(s['precision'])} ({s['tp']}/{s['tp'] + s['fp']})",
                f"{fmt(s['recall'])} ({s['tp']}/{n_def})",
                fmt(s["f1"]),
                f"{s['fp']}/{s['clean']}",
                *(f"{fmt(s['per_category'][c]['recall'])} ({s['per_category'][c]['hit']}/"
                  f"{s['per_category'][c]['total']})" for c in CATEGORIES),
                f"{r['wall_s']:.3f} s",
            ]
        for row, cell in zip(rows, cells):
            row.append(cell)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def id_list(ids, flagged=None, pairs_by_id=None):
    if not ids:
        return "none"
    out = []
    for i in ids:
        extra = []
        if pairs_by_id and pairs_by_id[i]["defect"]:
            extra.append(pairs_by_id[i]["defect"])
        if flagged and i in flagged:
            extra.append(", ".join(flagged[i]))
        out.append(f"{i} [{'; '.join(extra)}]" if extra else i)
    return ", ".join(out)


def main():
    ap = argparse.ArgumentParser(
        description="passerelle check vs pofilter on FR->EN placeholder/markup/URL pairs.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--passerelle", default=str(DEFAULT_PASSERELLE),
                    help="passerelle binary (default: target/debug/passerelle)")
    ap.add_argument("--pofilter", help="pofilter executable (default: PATH, then /tmp/qavenv/bin/pofilter)")
    ap.add_argument("--data", default=str(DEFAULT_DATA), help="pairs, JSON lines (default: %(default)s)")
    ap.add_argument("--out-dir", default=str(DEFAULT_OUT), help="work folder (default: %(default)s)")
    ap.add_argument("--pofilter-style", choices=POFILTER_STYLES,
                    help="add pofilter's --STYLE checker (default: the standard checker)")
    ap.add_argument("--po-flags", choices=("on", "off"), default="on",
                    help="write #, c-format / python-format / python-brace-format / sh-format flags")
    ap.add_argument("--runs", type=int, default=1, help="run each tool N times, keep the fastest")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    try:
        pairs = load_pairs(Path(args.data))
        out_dir = Path(args.out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        pofilter = find_pofilter(args.pofilter)
        n_def = sum(1 for p in pairs if p["defect"])
        log(f"{len(pairs)} pairs from {args.data}: {len(pairs) - n_def} clean, {n_def} with a defect")

        results = [run_pofilter(pofilter, pairs, out_dir, args.pofilter_style, args.runs,
                                args.po_flags == "on"),
                   run_passerelle(args.passerelle, pairs, out_dir, args.runs)]
    except BenchError as e:
        print(f"qa_peers: error: {e}", file=sys.stderr)
        return 1

    for r in results:
        if r["available"]:
            r["score"] = score(pairs, r["flagged"])

    by_id = {p["id"]: p for p in pairs}
    cats = ", ".join(f"{sum(1 for p in pairs if p['defect'] == c)} {c}" for c in CATEGORIES)
    out = [f"## QA checks on {len(pairs)} FR→EN pairs ({len(pairs) - n_def} clean, "
           f"{n_def} with one defect: {cats})", ""]
    out += table(pairs, results)
    out.append("")
    out.append("A pair is flagged when pofilter writes its unit (tests: "
               + ", ".join(POFILTER_TESTS) + (f"; checker style --{args.pofilter_style}"
                                               if args.pofilter_style else "; standard checker")
               + "), or when passerelle reports " + ", ".join(RULES) + " on its segment. "
               "Wall time is the whole process, start-up included"
               + (f", best of {args.runs} runs." if args.runs > 1 else "."))
    out.append("")
    for r in results:
        name = r["tool"]
        if not r["available"]:
            out.append(f"- **{name}**: not available: {r['reason']}")
            continue
        s = r["score"]
        out.append(f"- **{name}** misses ({len(s['misses'])}): {id_list(s['misses'], None, by_id)}")
        out.append(f"- **{name}** false alarms ({len(s['false_alarms'])}): "
                   f"{id_list(s['false_alarms'], r['flagged'])}")
        if r.get("rules_missing"):
            out.append(f"- **{name}** does not list {', '.join(r['rules_missing'])}")
    out.append("")
    for r in results:
        if r["available"]:
            out.append(f"`{' '.join(Path(c).name if i == 0 else c for i, c in enumerate(r['command']))}`")
    print("\n".join(out))

    pofilter_res = results[0]
    log("PO flags written: " + ", ".join(f"{k} {v}" for k, v in sorted(pofilter_res["po_flags"].items())))
    record = {
        "data": str(args.data),
        "pairs": len(pairs),
        "results": results,
        "per_pair": [
            {"id": p["id"], "defect": p["defect"],
             **{r["tool"]: r["flagged"].get(p["id"], []) for r in results if r["available"]}}
            for p in pairs
        ],
    }
    (out_dir / "qa_peers.json").write_text(json.dumps(record, indent=2, ensure_ascii=False),
                                          encoding="utf-8")
    log(f"details in {out_dir / 'qa_peers.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
