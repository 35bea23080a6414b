#!/usr/bin/env python3
"""End-to-end test: the Spark example gives exactly what one `passerelle batch` process gives.

In a temporary folder (or --keep DIR), it generates 40 small French/English document pairs,
the same every run: two or three paragraphs each, accents, French and English quotes, numbers,
some pairs where two sentences of one side are one sentence on the other (2-1 and 1-2 beads),
one with CRLF line ends, one presegmented, one with a machine translation, one with explicit
languages. Two bad lines sit among them, away from the first partition: a record without
`tgt` and a line that is not JSON. A small glossary goes with them. Then it:

1. runs `passerelle batch --jobs 1 --no-cache --glossary G` once, in one process, with an
   empty environment (no HOME, no PATH), and `--jobs 2`, which must write the same bytes;
   and once without --glossary, whose findings must come from no glossary rule;
2. runs examples/spark/align_corpus.py with this same Python (which needs pyspark and
   Java 17+), `--master local[2]`, 4 partitions, the glossary and `--pairs-parquet`;
3. checks that the part files, read in name order, equal the one-process output line for
   line, parsed and as raw bytes; that there are exactly 2 error records, with the global
   line numbers of the bad lines and the right ids, in partitions after the first; that the
   Parquet table has one row per bead of the ok records, with the beads' texts; and, when
   the `jsonschema` package is importable, that every output record matches
   schemas/batch-output.schema.json (and the input lines batch-input.schema.json).

Prints the timings. Exit status: 0 when everything matches, 1 on the first mismatch (with what
differs), 2 when it cannot run (no binary, no pyspark, no java). About 30 s on 2 cores.

    /tmp/sparkvenv/bin/python tests/spark/check_spark.py --passerelle target/debug/passerelle
"""

import argparse
import collections
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "spark" / "align_corpus.py"
SCHEMAS = ROOT / "schemas"
NBSP = "\u202f"  # narrow no-break space, before « » ; : ! ? in French typography

# Sentence pairs (French, English), by topic; a document takes a run of one topic.
TOPICS = [
    [
        ("Le conseil municipal s’est réuni lundi soir à l’hôtel de ville.",
         "The city council met on Monday evening at the town hall."),
        ("Il a voté le budget de l’année prochaine, qui s’élève à 4,5 millions d’euros.",
         "It voted on next year’s budget, which amounts to 4.5 million euros."),
        ("La séance a duré près de trois heures.", "The session lasted almost three hours."),
        ("Les habitants ont posé de nombreuses questions sur la nouvelle bibliothèque.",
         "Residents asked many questions about the new library."),
        (f"«{NBSP}Nous devons écouter les citoyens{NBSP}», a déclaré la maire, Mme Durand.",
         "“We must listen to the citizens,” said the mayor, Ms Durand."),
        ("La prochaine réunion aura lieu le 12 mars.", "The next meeting will take place on March 12."),
        ("Le procès-verbal sera publié en ligne.", "The minutes will be published online."),
    ],
    [
        ("Le réseau de transport sera modernisé d’ici 2027.",
         "The transport network will be modernised by 2027."),
        ("Les bus électriques arriveront en septembre.", "Electric buses will arrive in September."),
        ("Le prix du ticket ne changera pas.", "The ticket price will not change."),
        ("Des pistes cyclables seront ajoutées le long du canal.",
         "Cycle lanes will be added along the canal."),
        ("Les commerçants craignent une baisse de la fréquentation.",
         "Shopkeepers fear a drop in footfall."),
        ("La préfecture n’a pas encore répondu à leur lettre.",
         "The prefecture has not yet replied to their letter."),
        ("Le débat reprendra après l’été.", "The debate will resume after the summer."),
    ],
    [
        ("L’informatique en nuage coûte cher aux petites entreprises.",
         "Cloud computing is expensive for small businesses."),
        ("Le service informatique migre vers l’informatique en nuage.",
         "The IT department is moving to cloud computing."),
        ("Satya Nadella a présenté les nouveautés de la conférence.",
         "Satya Nadella presented the conference’s announcements."),
        ("Les développeurs peuvent désormais déployer leurs applications en un clic.",
         "Developers can now deploy their applications in one click."),
        (f"Pourquoi attendre{NBSP}? La version d’essai est gratuite pendant 30 jours.",
         "Why wait? The trial version is free for 30 days."),
        ("Le code source est disponible sur GitHub.", "The source code is available on GitHub."),
        ("Une équipe de 150 ingénieurs y a travaillé pendant deux ans.",
         "A team of 150 engineers worked on it for two years."),
    ],
    [
        ("La récolte de pommes a été excellente cette année.",
         "The apple harvest was excellent this year."),
        ("Les producteurs ont vendu 12\u00a0000 tonnes à l’étranger.",
         "Growers sold 12,000 tonnes abroad."),
        ("Le cidre de Normandie reste très apprécié.", "Cider from Normandy remains very popular."),
        ("Les prix ont cependant baissé de 8\u00a0% en un an.",
         "Prices have, however, fallen by 8% in a year."),
        ("Œufs, crème et beurre complètent la production locale.",
         "Eggs, cream and butter round out local production."),
        ("Le marché de Noël ouvrira le 1er décembre.",
         "The Christmas market will open on December 1."),
    ],
]

GLOSSARY = """fr\ten\tkind\tnote
informatique en nuage\tcloud computing\tterm\t
conseil municipal\tcity council\tterm\t
bibliothèque\tlibrary\tterm\t
Satya Nadella\t\tname\t
"""

BAD_NO_TGT = 14  # 1-based input lines of the two bad records
BAD_NOT_JSON = 31


def merge(a, b, joiner):
    """Two sentences as one: 'A. B.' -> 'A, joiner b.'"""
    return a.rstrip(".") + joiner + b[0].lower() + b[1:]


def generate(rng):
    """The input lines (without line ends) and, for each, the id expected in its output."""
    docs = []
    for n in range(40):
        topic = TOPICS[n % len(TOPICS)]
        k = rng.randint(4, len(topic))
        start = 0 if n == 28 else rng.randrange(0, len(topic) - k + 1)
        pairs = topic[start:start + k]
        fr = [p[0] for p in pairs]
        en = [p[1] for p in pairs]
        # paragraphs: 2 or 3, cut at the same sentences on both sides
        cuts = sorted(rng.sample(range(1, k), 2 if k >= 5 and n % 3 == 0 else 1))
        paragraphs = [(fr[a:b], en[a:b]) for a, b in zip([0] + cuts, cuts + [k])]
        if n % 4 == 1:  # two English sentences of a paragraph merged: a 2-1 bead
            for i, (f, e) in enumerate(paragraphs):
                if len(e) >= 2:
                    paragraphs[i] = (f, [merge(e[0], e[1], ", and ")] + e[2:])
                    break
        elif n % 4 == 2:  # two French sentences merged: a 1-2 bead
            for i, (f, e) in enumerate(paragraphs):
                if len(f) >= 2:
                    paragraphs[i] = ([merge(f[0], f[1], " et ")] + f[2:], e)
                    break
        record = {"id": f"doc-{n:03d}"}
        if n == 9:  # presegmented: one sentence a line, blank lines between paragraphs
            record["src"] = "\n\n".join("\n".join(f) for f, _ in paragraphs)
            record["tgt"] = "\n\n".join("\n".join(e) for _, e in paragraphs)
            record["presegmented"] = True
        else:
            nl = "\r\n" if n == 5 else "\n"  # one document with CRLF line ends
            record["src"] = (nl + nl).join(" ".join(f) for f, _ in paragraphs) + nl
            record["tgt"] = (nl + nl).join(" ".join(e) for _, e in paragraphs) + nl
        if n == 16:  # a machine translation of the source, one line per source sentence
            record["mt"] = "\n".join(e for _, es in paragraphs for e in es)
            if len(record["mt"].split("\n")) != sum(len(f) for f, _ in paragraphs):
                del record["mt"]  # only where the sentence counts agree
        if n == 23:
            record.update({"src_lang": "fr", "tgt_lang": "en", "presegmented": False})
        if n == 28:  # the glossary's "city council" rendered otherwise: a missing-term finding
            record["tgt"] = record["tgt"].replace("city council", "town council")
        docs.append(record)
    lines, ids = [], []
    for record in docs:
        if len(lines) + 1 == BAD_NO_TGT:
            lines.append(json.dumps({"id": "bad-no-tgt", "src": "Il manque la traduction."},
                                    ensure_ascii=False))
            ids.append("bad-no-tgt")
        if len(lines) + 1 == BAD_NOT_JSON:
            lines.append('{"id": "broken", "src": "pas de fin"')  # not JSON: cut short
            ids.append(None)
        lines.append(json.dumps(record, ensure_ascii=False))
        ids.append(record["id"])
    return lines, ids


class Failure(Exception):
    pass


def need(cond, message):
    if not cond:
        raise Failure(message)


def short(value, n=400):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= n else text[:n] + "…"


def run_batch(binary, infile, args):
    """`passerelle batch ARGS < infile` with an empty environment: (stdout lines, seconds)."""
    t0 = time.monotonic()
    with open(infile, "rb") as stdin:
        r = subprocess.run([str(binary), "batch", *args], stdin=stdin, capture_output=True,
                           env={})
    seconds = time.monotonic() - t0
    need(r.returncode == 0,
         f"`passerelle batch {' '.join(args)}` exited with {r.returncode}: "
         f"{r.stderr.decode('utf-8', 'replace').strip()[-2000:]}")
    out = r.stdout.decode("utf-8")
    need(out == "" or out.endswith("\n"), "passerelle batch output does not end with a newline")
    return out.splitlines(), r.stdout, seconds


def parse_all(lines, what):
    records = []
    for n, line in enumerate(lines, 1):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise Failure(f"{what}, line {n}, is not JSON ({e}): {short(line)}") from None
    return records


def read_parquet(path):
    """Rows (tuples) and column names of a Parquet folder: with pyarrow, else with Spark."""
    if importlib.util.find_spec("pyarrow") is not None:
        import pyarrow.parquet as pq

        table = pq.read_table(str(path))
        columns = table.column_names
        data = table.to_pydict()
        return [tuple(data[c][i] for c in columns) for i in range(table.num_rows)], columns
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[1]").appName("check_spark-read")
             .config("spark.ui.enabled", "false").getOrCreate())
    try:
        table = spark.read.parquet(str(path))
        return [tuple(r) for r in table.collect()], table.columns
    finally:
        spark.stop()


def check_schemas(input_lines, records):
    try:
        import jsonschema
    except ImportError:
        return "schemas not checked (no jsonschema module)"
    out = jsonschema.Draft202012Validator(
        json.loads((SCHEMAS / "batch-output.schema.json").read_text(encoding="utf-8")))
    inp = jsonschema.Draft202012Validator(
        json.loads((SCHEMAS / "batch-input.schema.json").read_text(encoding="utf-8")))
    for v in (out, inp):
        v.check_schema(v.schema)
    for n, record in enumerate(records, 1):
        errors = sorted(out.iter_errors(record), key=lambda e: list(e.absolute_path))
        need(not errors, f"output line {n} does not match batch-output.schema.json: "
                         f"{errors[0].message if errors else ''} at "
                         f"{'/'.join(map(str, errors[0].absolute_path)) if errors else ''}: "
                         f"{short(record)}")
    for n, (line, record) in enumerate(zip(input_lines, records), 1):
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError:
            continue
        valid = inp.is_valid(parsed)
        need(valid == bool(record.get("ok")),
             f"input line {n} {'matches' if valid else 'does not match'} "
             f"batch-input.schema.json but its output record has ok={record.get('ok')}")
    return "schemas checked"


def main():
    ap = argparse.ArgumentParser(
        description="End-to-end test of examples/spark/align_corpus.py against one "
                    "`passerelle batch` process.")
    ap.add_argument("--passerelle", required=True, type=Path, metavar="BIN",
                    help="the passerelle binary (with the `batch` subcommand)")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="work in DIR and keep the files there (default: a temporary folder, "
                         "removed at the end)")
    ap.add_argument("--partitions", type=int, default=4,
                    help="input partitions for Spark (default 4; at least 3)")
    args = ap.parse_args()

    binary = args.passerelle.resolve()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        print(f"check_spark: no executable passerelle binary at {args.passerelle}",
              file=sys.stderr)
        return 2
    if importlib.util.find_spec("pyspark") is None:
        print(f"check_spark: pyspark is not installed for {sys.executable}; run this test with "
              f"a Python that has it (python3 -m venv V && V/bin/pip install pyspark pyarrow "
              f"jsonschema)", file=sys.stderr)
        return 2
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        print("check_spark: Spark needs Java 17 or later (no java on PATH, no JAVA_HOME)",
              file=sys.stderr)
        return 2
    if args.partitions < 3:
        ap.error("--partitions must be at least 3")

    started = time.monotonic()
    timings = []
    if args.keep:
        work = args.keep.resolve()
        work.mkdir(parents=True, exist_ok=True)
        for sub in ("out", "pairs"):
            shutil.rmtree(work / sub, ignore_errors=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="passerelle-spark-"))
    try:
        lines, ids = generate(random.Random(20261206))
        infile = work / "in.jsonl"
        infile.write_bytes("".join(line + "\n" for line in lines).encode("utf-8"))
        glossary = work / "glossary.tsv"
        glossary.write_text(GLOSSARY, encoding="utf-8")
        size = infile.stat().st_size

        # 1. one process
        expected_lines, expected_bytes, s = run_batch(
            binary, infile, ["--jobs", "1", "--no-cache", "--glossary", str(glossary)])
        timings.append(("batch --jobs 1", s))
        need(len(expected_lines) == len(lines),
             f"passerelle batch wrote {len(expected_lines)} lines for {len(lines)} input lines")
        (work / "batch.jsonl").write_bytes(expected_bytes)
        _, jobs2_bytes, s = run_batch(
            binary, infile, ["--jobs", "2", "--no-cache", "--glossary", str(glossary)])
        timings.append(("batch --jobs 2", s))
        need(jobs2_bytes == expected_bytes,
             "passerelle batch --jobs 2 does not write the same bytes as --jobs 1")
        plain_lines, _, s = run_batch(binary, infile, ["--jobs", "1", "--no-cache"])
        timings.append(("batch, no glossary", s))
        glossary_rules = {"missing-term", "forbidden-term", "name-mismatch",
                          "inconsistent-translation"}
        for n, record in enumerate(parse_all(plain_lines, "batch output without --glossary"), 1):
            if record.get("ok") is not True:
                continue
            rules = {f.get("rule") for f in record.get("findings", [])}
            need("findings" in record and not rules & glossary_rules,
                 f"without --glossary, output line {n} lacks `findings` or has a glossary "
                 f"rule's: {short(record)}")

        expected = parse_all(expected_lines, "passerelle batch output")
        ok = [r for r in expected if r.get("ok") is True]
        errors = [r for r in expected if r.get("ok") is False]
        need(len(ok) + len(errors) == len(expected), "a record has no boolean `ok`")
        for n, (want_id, record) in enumerate(zip(ids, expected), 1):
            need(record.get("id") == want_id,
                 f"output line {n} has id {record.get('id')!r}, expected {want_id!r}")
        need(len(errors) == 2,
             f"expected 2 error records (a record without tgt, a line that is not JSON), got "
             f"{len(errors)}: " + "; ".join(short(r, 200) for r in errors))
        got_error_lines = sorted(r.get("line") for r in errors)
        need(got_error_lines == [BAD_NO_TGT, BAD_NOT_JSON],
             f"error records have lines {got_error_lines}, expected {[BAD_NO_TGT, BAD_NOT_JSON]}")
        for r in ok:
            need("findings" in r, f"with --glossary, record {r['id']} has no `findings`")
        need(any(r["findings"] for r in ok),
             "no finding at all, though doc-028 renders «conseil municipal» as «town council»")

        # 2. Spark
        out, pairs = work / "out", work / "pairs"
        env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1")  # stay on the loopback interface
        command = [sys.executable, str(EXAMPLE), "--input", str(infile), "--output", str(out),
                   "--passerelle", str(binary), "--master", "local[2]",
                   "--glossary", str(glossary), "--pairs-parquet", str(pairs),
                   "--partitions", str(args.partitions),
                   "--conf", "spark.ui.enabled=false",
                   "--conf", "spark.ui.showConsoleProgress=false"]
        t0 = time.monotonic()
        spark = subprocess.run(command, capture_output=True, text=True, cwd=work, env=env)
        timings.append(("Spark example (local[2])", time.monotonic() - t0))
        (work / "spark.stderr.txt").write_text(spark.stderr, encoding="utf-8")
        need(spark.returncode == 0,
             f"the Spark example exited with {spark.returncode}:\n{spark.stderr.strip()[-4000:]}")

        # 3. compare
        parts = sorted(out.glob("part-*"))
        need(len(parts) >= 3, f"expected at least 3 part files in {out}, found {len(parts)}")
        got_bytes = b"".join(p.read_bytes() for p in parts)
        got_lines = got_bytes.decode("utf-8").splitlines()
        need(len(got_lines) == len(expected_lines),
             f"Spark wrote {len(got_lines)} records, passerelle batch {len(expected_lines)}")
        got = parse_all(got_lines, "Spark output")
        for n, (x, y) in enumerate(zip(expected, got), 1):
            need(x == y, f"record {n} differs:\n  batch: {short(x)}\n  spark: {short(y)}")
        for n, (x, y) in enumerate(zip(expected_lines, got_lines), 1):
            need(x == y, f"line {n} holds the same record but not the same bytes:\n"
                         f"  batch: {short(x)}\n  spark: {short(y)}")
        need(got_bytes == expected_bytes, "the part files differ from batch output in bytes")
        first_part = len(parts[0].read_text(encoding="utf-8").splitlines())
        for r in errors:
            need(r["line"] > first_part,
                 f"bad line {r['line']} is in the first partition, whose line numbers need no "
                 f"change: the test would not check the renumbering")

        t0 = time.monotonic()
        rows, columns = read_parquet(pairs)
        timings.append(("read Parquet", time.monotonic() - t0))
        want_columns = ["id", "bead", "src_text", "tgt_text", "type", "score", "review"]
        need(columns == want_columns, f"Parquet columns are {columns}, expected {want_columns}")
        want_rows = []
        for r in ok:
            for k, bead in enumerate(r["beads"]):
                want_rows.append((
                    r["id"], k,
                    " ".join(r["src_sentences"][i] for i in bead["src"]),
                    " ".join(r["tgt_sentences"][j] for j in bead["tgt"]),
                    bead["type"], float(bead["score"]), bool(bead["review"]),
                ))
        need(len(rows) == len(want_rows),
             f"Parquet has {len(rows)} rows for {len(want_rows)} beads of the ok records")
        have, want = collections.Counter(rows), collections.Counter(want_rows)
        if have != want:
            missing = list((want - have).elements())[:1]
            extra = list((have - want).elements())[:1]
            raise Failure(f"Parquet rows differ from the beads: missing {missing}, "
                          f"unexpected {extra}")

        schemas = check_schemas(lines, expected)
        types = collections.Counter(b["type"] for r in ok for b in r["beads"])
        findings = sum(len(r["findings"]) for r in ok)
        print(f"check_spark: OK: {len(lines)} lines ({size} bytes): {len(ok)} aligned, "
              f"{len(errors)} errors (lines {BAD_NO_TGT} and {BAD_NOT_JSON}); {len(want_rows)} "
              f"beads ({', '.join(f'{t}: {c}' for t, c in sorted(types.items()))}), "
              f"{findings} findings; {len(parts)} part files identical to one `passerelle "
              f"batch`; Parquet rows match; {schemas}")
        timings.append(("total", time.monotonic() - started))
        for what, s in timings:
            print(f"check_spark: {what:<26} {s:6.2f} s")
        return 0
    except Failure as e:
        print(f"check_spark: FAIL: {e}", file=sys.stderr)
        if not args.keep:
            print("check_spark: (run with --keep DIR to keep the files)", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"check_spark: files in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
