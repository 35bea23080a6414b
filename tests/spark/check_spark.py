#!/usr/bin/env python3
"""The Spark example gives what one `passerelle batch` process gives.

Generates a few dozen small French/English document pairs (deterministic: the same file every
run), with 1-1 documents, merged and split sentences, paragraphs, a presegmented record, one
with a machine translation, glossary terms, and two bad lines (a record without `tgt` and a
line that is not JSON). Then:

1. runs `passerelle batch --jobs 1 --glossary G < IN.jsonl` directly;
2. runs examples/spark/align_corpus.py with --master local[2], several partitions, the same
   glossary and --pairs-parquet, with this same Python (which must have pyspark);
3. reads the part files back in name order and checks that the records are the same, line by
   line (byte for byte, and parsed) and as multisets by id, and that the Parquet table has one
   row per bead of the ok records, with the beads' texts.

Exits 1 with a message on the first mismatch, 2 on bad usage (no binary, no pyspark).

    python tests/spark/check_spark.py --passerelle target/debug/passerelle
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

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "examples" / "spark" / "align_corpus.py"
SCHEMAS = ROOT / "schemas"

# Parallel sentences: (French, English). Groups below merge some of them.
PAIRS = [
    ("Le conseil municipal s'est réuni lundi soir.", "The city council met on Monday evening."),
    ("Il a voté le budget de l'année prochaine.", "It voted on next year's budget."),
    ("La séance a duré trois heures.", "The session lasted three hours."),
    ("Les habitants ont posé de nombreuses questions.", "Residents asked many questions."),
    ("Le maire a promis une nouvelle bibliothèque.", "The mayor promised a new library."),
    ("Elle ouvrira ses portes en 2027.", "It will open its doors in 2027."),
    ("Le coût est estimé à 4,5 millions d'euros.", "The cost is estimated at 4.5 million euros."),
    ("Les travaux commenceront au printemps.", "Work will begin in the spring."),
    ("Une partie du parc sera fermée.", "Part of the park will be closed."),
    ("Les associations ont salué ce projet.", "Local associations welcomed the project."),
    ("Certains élus demandent un référendum.", "Some councillors are calling for a referendum."),
    ("« Nous devons écouter les citoyens », a déclaré Mme Durand.",
     "\u201cWe must listen to the citizens,\u201d said Ms Durand."),
    ("La prochaine réunion aura lieu le 12 mars.", "The next meeting will take place on March 12."),
    ("Le procès-verbal sera publié en ligne.", "The minutes will be published online."),
    ("L'informatique en nuage coûte cher à la ville.", "Cloud computing is expensive for the city."),
    ("Le service informatique migre vers l'informatique en nuage.",
     "The IT department is moving to the cloud."),
    ("Le réseau de transport sera modernisé.", "The transport network will be modernised."),
    ("Les bus électriques arriveront en septembre.", "Electric buses will arrive in September."),
    ("Le prix du ticket ne changera pas.", "The ticket price will not change."),
    ("Des pistes cyclables seront ajoutées.", "Cycle lanes will be added."),
    ("Les commerçants craignent une baisse de la fréquentation.",
     "Shopkeepers fear a drop in footfall."),
    ("La préfecture n'a pas encore répondu.", "The prefecture has not yet replied."),
    ("Le débat reprendra après l'été.", "The debate will resume after the summer."),
    ("Satya Nadella n'était pas présent.", "Satya Nadella was not present."),
]

GLOSSARY = """fr\ten\tkind\tnote
informatique en nuage\tcloud computing\tterm\t
conseil municipal\tcity council\tterm\t
bibliothèque\tlibrary\tterm\t
Satya Nadella\t\tname\t
"""


def generate(rng):
    """The input lines, in order. Bad lines sit in the middle, so that they are not in the
    first partition (their `line` must be renumbered)."""
    lines = []

    def add(record):
        lines.append(json.dumps(record, ensure_ascii=False))

    def pick(k):
        start = rng.randrange(0, len(PAIRS) - k + 1)
        return PAIRS[start : start + k]

    for n in range(40):
        kind = n % 5
        sents = pick(rng.randint(2, 6))
        fr = [p[0] for p in sents]
        en = [p[1] for p in sents]
        if kind == 1 and len(en) >= 2:  # two English sentences merged into one
            i = rng.randrange(0, len(en) - 1)
            en[i : i + 2] = [en[i].rstrip(".") + ", and " + en[i + 1][0].lower() + en[i + 1][1:]]
        elif kind == 2 and len(fr) >= 2:  # two French sentences merged into one
            i = rng.randrange(0, len(fr) - 1)
            fr[i : i + 2] = [fr[i].rstrip(".") + " et " + fr[i + 1][0].lower() + fr[i + 1][1:]]
        if kind == 3 and len(fr) >= 4:  # two paragraphs
            cut = len(fr) // 2
            src = " ".join(fr[:cut]) + "\n\n" + " ".join(fr[cut:])
            tgt = " ".join(en[:cut]) + "\n\n" + " ".join(en[cut:])
        else:
            src, tgt = " ".join(fr), " ".join(en)
        add({"id": f"doc-{n:03d}", "src": src, "tgt": tgt})
        if n == 7:
            sents = PAIRS[0:4]
            add({
                "id": "preseg-1",
                "src": "\n".join(p[0] for p in sents[:2]) + "\n\n" + "\n".join(p[0] for p in sents[2:]),
                "tgt": "\n".join(p[1] for p in sents[:2]) + "\n\n" + "\n".join(p[1] for p in sents[2:]),
                "src_lang": "fr",
                "tgt_lang": "en",
                "presegmented": True,
            })
        if n == 12:
            sents = PAIRS[4:8]
            add({
                "id": "with-mt",
                "src": " ".join(p[0] for p in sents),
                "tgt": " ".join(p[1] for p in sents),
                "mt": " ".join(p[1] for p in sents),
            })
        if n == 21:
            add({"id": "bad-no-tgt", "src": "Il manque la traduction."})
        if n == 29:
            lines.append("this line is not JSON")
    return lines


def fail(message):
    print(f"check_spark: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def parse_lines(lines, what):
    records = []
    for n, line in enumerate(lines, 1):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as e:
            fail(f"{what} line {n} is not JSON ({e}): {line[:200]}")
    return records


def first_difference(a, b):
    for n, (x, y) in enumerate(zip(a, b), 1):
        if x != y:
            return n, x, y
    return None


def validate_schemas(records):
    """With the jsonschema package (optional): every output record matches the schema."""
    try:
        import jsonschema
    except ImportError:
        return "schemas not checked (no jsonschema)"
    schema = json.loads((SCHEMAS / "batch-output.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for n, record in enumerate(records, 1):
        errors = sorted(validator.iter_errors(record), key=lambda e: list(e.path))
        if errors:
            fail(f"output line {n} does not match batch-output.schema.json: {errors[0].message}")
    return "schemas checked"


def read_parquet(path):
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("check_spark-read")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        table = spark.read.parquet(str(path))
        return [tuple(r) for r in table.collect()], table.columns
    finally:
        spark.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--passerelle", required=True, type=Path, help="the passerelle binary")
    ap.add_argument("--partitions", type=int, default=4, help="input partitions for Spark (4)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()

    binary = args.passerelle.resolve()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        print(f"check_spark: no executable passerelle binary at {args.passerelle}", file=sys.stderr)
        sys.exit(2)
    if importlib.util.find_spec("pyspark") is None:
        print(f"check_spark: pyspark is not installed for {sys.executable}", file=sys.stderr)
        sys.exit(2)

    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="passerelle-spark-"))
    try:
        lines = generate(random.Random(20250601))
        infile = work / "IN.jsonl"
        infile.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        glossary = work / "glossary.tsv"
        glossary.write_text(GLOSSARY, encoding="utf-8")

        t0 = time.monotonic()
        with infile.open("rb") as stdin:
            direct = subprocess.run(
                [str(binary), "batch", "--jobs", "1", "--glossary", str(glossary)],
                stdin=stdin,
                capture_output=True,
            )
        batch_s = time.monotonic() - t0
        if direct.returncode != 0:
            fail(f"passerelle batch exited with {direct.returncode}: "
                 f"{direct.stderr.decode(errors='replace').strip()[-2000:]}")
        expected_lines = direct.stdout.decode("utf-8").splitlines()
        if len(expected_lines) != len(lines):
            fail(f"passerelle batch wrote {len(expected_lines)} lines for {len(lines)} input lines")

        out, parquet = work / "out", work / "pairs"
        t0 = time.monotonic()
        spark = subprocess.run(
            [sys.executable, str(EXAMPLE), "--input", str(infile), "--output", str(out),
             "--passerelle", str(binary), "--master", "local[2]", "--glossary", str(glossary),
             "--pairs-parquet", str(parquet), "--min-partitions", str(args.partitions)],
            capture_output=True,
            text=True,
            cwd=work,
        )
        spark_s = time.monotonic() - t0
        if spark.returncode != 0:
            fail(f"the Spark example exited with {spark.returncode}:\n{spark.stderr.strip()[-4000:]}")

        parts = sorted(out.glob("part-*"))
        if not parts:
            fail(f"no part files in {out}")
        got_lines = []
        for p in parts:
            got_lines += p.read_text(encoding="utf-8").splitlines()

        if len(got_lines) != len(expected_lines):
            fail(f"Spark wrote {len(got_lines)} records, passerelle batch {len(expected_lines)}")
        expected = parse_lines(expected_lines, "batch output")
        got = parse_lines(got_lines, "Spark output")
        diff = first_difference(expected, got)
        if diff:
            n, x, y = diff
            fail(f"record {n} differs:\n  batch: {json.dumps(x, ensure_ascii=False)[:400]}\n"
                 f"  spark: {json.dumps(y, ensure_ascii=False)[:400]}")
        diff = first_difference(expected_lines, got_lines)
        if diff:
            fail(f"line {diff[0]} has the same record but not the same bytes:\n"
                 f"  batch: {diff[1][:400]}\n  spark: {diff[2][:400]}")

        def by_id(records):
            return collections.Counter(
                (r.get("id"), json.dumps(r, sort_keys=True, ensure_ascii=False)) for r in records
            )

        if by_id(expected) != by_id(got):
            fail("the records differ as multisets by id")

        ok = [r for r in expected if r.get("ok") is True]
        errors = [r for r in expected if r.get("ok") is False]
        if len(ok) + len(errors) != len(expected):
            fail("a record has no boolean `ok`")
        if len(errors) != 2:
            fail(f"expected 2 error records (a record without tgt, a line that is not JSON), "
                 f"got {len(errors)}: " + "; ".join(json.dumps(r, ensure_ascii=False) for r in errors))
        for n, (line, record) in enumerate(zip(lines, expected), 1):
            try:
                want = json.loads(line).get("id")
            except json.JSONDecodeError:
                want = None
            if record.get("id") != want:
                fail(f"output line {n} has id {record.get('id')!r}, input line {n} has {want!r}")
        for r in errors:
            n = r.get("line")
            if not isinstance(n, int) or not 1 <= n <= len(lines):
                fail(f"error record with a bad line number: {r}")
            if r.get("id") is not None:
                if json.loads(lines[n - 1]).get("id") != r["id"]:
                    fail(f"error record's line {n} does not hold id {r['id']}")

        want_rows = collections.Counter()
        for r in ok:
            for k, bead in enumerate(r["beads"]):
                want_rows[(
                    r["id"], k,
                    " ".join(r["src_sentences"][i] for i in bead["src"]),
                    " ".join(r["tgt_sentences"][j] for j in bead["tgt"]),
                    bead["type"], float(bead["score"]), bool(bead["review"]),
                )] += 1
        rows, columns = read_parquet(parquet)
        want_columns = ["id", "bead", "source", "target", "type", "score", "review"]
        if columns != want_columns:
            fail(f"Parquet columns are {columns}, expected {want_columns}")
        if len(rows) != sum(want_rows.values()):
            fail(f"Parquet has {len(rows)} rows for {sum(want_rows.values())} beads of ok records")
        if collections.Counter(rows) != want_rows:
            missing = list((want_rows - collections.Counter(rows)).elements())[:1]
            extra = list((collections.Counter(rows) - want_rows).elements())[:1]
            fail(f"Parquet rows differ from the beads: missing {missing}, unexpected {extra}")

        schemas = validate_schemas(expected)
        print(
            f"check_spark: OK: {len(lines)} records ({len(ok)} ok, {len(errors)} errors), "
            f"{sum(want_rows.values())} beads, {len(parts)} part files identical to one "
            f"`passerelle batch`; {schemas}; batch {batch_s:.2f} s, Spark example {spark_s:.1f} s, "
            f"total {time.monotonic() - started:.1f} s"
        )
    finally:
        if args.keep:
            print(f"check_spark: kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
