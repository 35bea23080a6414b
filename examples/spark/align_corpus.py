#!/usr/bin/env python3
"""Align a corpus of French/English document pairs on Spark with `passerelle batch`.

The input is JSON lines, one document pair a line, as `passerelle batch` reads them
(schemas/batch-input.schema.json):

    {"id": "doc-1", "src": "Texte français…", "tgt": "English text…"}

The output folder gets `part-00000`, `part-00001`, … : JSON lines, one record per input line,
in input order when the part files are read in name order (schemas/batch-output.schema.json).
Concatenated, they are exactly what one `passerelle batch` process writes for the whole input,
byte for byte: each partition goes through `passerelle batch`, and the `line` of an error
record (which `passerelle batch` counts from the start of its own input, the partition) is
turned back into the line number in the whole input.

With `--pairs-parquet DIR`, a Parquet table gets one row per bead of the aligned documents:
id, bead (0-based index in the document), src_text and tgt_text (the bead's sentences joined
by a space), type ("1-1", "2-1", …), score, review.

How it runs. The binary (and the glossary) are shipped to the executors with
`SparkContext.addFile` and found there with `SparkFiles.get`. Each partition is piped through

    passerelle batch --jobs 1 --no-cache [--glossary G] [extra batch arguments]

with `RDD.pipe(..., checkCode=True)`: a binary that crashes or exits non-zero fails the task,
and Spark runs it again (up to spark.task.maxFailures times; in local mode that is 1 unless the
master is written `local[N,F]`). `--jobs` is spark.task.cpus (1 unless you raise it), since
Spark already runs one task per core. The child gets only the environment variables given
here: `RDD.pipe` starts it with no HOME and no PATH. The API keys that passerelle reads
(DEEPL_AUTH_KEY, LIBRETRANSLATE_API_KEY, OPENAI_API_KEY, PASSERELLE_EMBED_API_KEY) are
forwarded from the driver when set; add others with `--env NAME=VALUE` (or `--env NAME` to copy
the driver's value), e.g. `--env PATH` for `--backend command`.

Run it locally (Python with pyspark, and Java 17 or later):

    pip install pyspark
    cargo build --release
    python examples/spark/align_corpus.py --input corpus.jsonl --output aligned/ \\
        --passerelle target/release/passerelle --master 'local[2]' \\
        --glossary glossary/microsoft-build.tsv --pairs-parquet pairs/
    cat aligned/part-* > aligned.jsonl

On a YARN cluster (input and output on HDFS or S3; the binary must be built for the nodes):

    spark-submit --master yarn --deploy-mode cluster \\
        --files target/release/passerelle,glossary/microsoft-build.tsv \\
        examples/spark/align_corpus.py \\
        --input hdfs:///corpora/in.jsonl --output hdfs:///corpora/aligned \\
        --passerelle passerelle --glossary microsoft-build.tsv \\
        --partitions 200 --pairs-parquet s3a://bucket/pairs

There `--files` puts the binary and the glossary in each container's working directory, and
`--passerelle passerelle` names the shipped copy (a path on the driver machine, or a URI
Spark can read such as hdfs:///tools/passerelle, works too: it is shipped with addFile).
Arguments after `--` go to `passerelle batch` as they are, e.g. a translation backend:
`-- --backend tm --memory memory.tmx`. Relative paths in them are resolved in the
executor's working directory: on YARN, where `--files` puts files; in local mode, the
directory you started from. On a cluster, the executors' Python is PYSPARK_PYTHON (or
spark.pyspark.python), which must exist on the nodes; in local mode this script sets it to
the Python that runs it, so the workers use the same virtualenv.

Partitions: `--partitions N` cuts the input into N pieces (a file that cannot be split, such
as a .gz, is first read whole and then spread over N partitions in order). The input is read
twice: once to count the lines of each partition, once to align them. A directory or a glob
is read in the order Hadoop lists its files, and line numbers count from the start of the
first. Lines are cut at "\\n" only, as `passerelle batch` cuts them, so a "\\r" is passed on
as it is. Lines that are not valid UTF-8 are read with U+FFFD in place of the bad bytes (one
`passerelle batch` process would report them as errors instead).

Options that are not allowed after `--`: --shard (Spark's partitions are the shards),
--glossary (use this script's --glossary, which ships the file). With --fail-fast, the first
bad record fails its task, and so, after the retries, the job.

Exit status: 0 when every line got its record; 1 when the Spark job failed; 2 for bad usage
(missing binary, missing input, output folder already there without --overwrite, ...).
"""

import argparse
import json
import math
import os
import re
import shlex
import subprocess
import sys
import time

PROG = "align_corpus"

# Environment variables passerelle reads, forwarded to the child when the driver has them.
FORWARDED_ENV = (
    "DEEPL_AUTH_KEY",
    "LIBRETRANSLATE_API_KEY",
    "OPENAI_API_KEY",
    "PASSERELLE_EMBED_API_KEY",
)

# Batch options this script sets itself or that cannot work per partition.
REFUSED_BATCH_ARGS = {
    "--shard": "Spark's partitions are the shards",
    "--glossary": "use this script's --glossary, which ships the file to the executors",
    "-g": "use this script's --glossary, which ships the file to the executors",
}

URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class UsageError(Exception):
    pass


def parse_args(argv):
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    else:
        extra = []
    ap = argparse.ArgumentParser(
        prog="align_corpus.py",
        usage="%(prog)s --input IN --output OUT_DIR --passerelle PATH [options] [-- BATCH_ARGS...]",
        description=(
            "Align JSON lines of French/English document pairs on Spark: every partition goes "
            "through `passerelle batch`, and the part files, read in order, equal what one "
            "`passerelle batch` process writes for the whole input."
        ),
        epilog=(
            "Arguments after `--` are passed to `passerelle batch` (e.g. -- --backend tm "
            "--memory tm.tmx, or -- --cache /local/disk/cache.sqlite instead of the default "
            "--no-cache). See the top of this file for spark-submit on YARN."
        ),
    )
    ap.add_argument("--input", required=True, metavar="IN",
                    help="JSON lines, one document pair a line: a file, folder or glob on any "
                         "file system Spark reads (local, hdfs://, s3a://)")
    ap.add_argument("--output", required=True, metavar="OUT_DIR",
                    help="folder for the part-* files (JSON lines, one record per input line)")
    ap.add_argument("--passerelle", required=True, metavar="PATH",
                    help="the passerelle binary for the executors: a path on this machine, a URI "
                         "(hdfs://...), or the name of a file shipped with spark-submit --files")
    ap.add_argument("--master", metavar="URL",
                    help="Spark master, e.g. local[2] or yarn (default: spark-submit's, else "
                         "local[*])")
    ap.add_argument("--glossary", metavar="G",
                    help="glossary (TSV, CSV or TBX), shipped to the executors: its terms become "
                         "alignment evidence and are checked in each record's `findings`")
    ap.add_argument("--pairs-parquet", metavar="DIR",
                    help="also write one Parquet row per bead: id, bead, src_text, tgt_text, "
                         "type, score, review")
    ap.add_argument("--partitions", type=int, metavar="N",
                    help="number of input partitions (default: the input's splits)")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="environment variable for passerelle (repeatable); NAME alone copies "
                         "the driver's value. RDD.pipe gives the child no other variable but "
                         "these and, when the driver has them, " + ", ".join(FORWARDED_ENV))
    ap.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                    help="Spark configuration (repeatable), e.g. spark.ui.enabled=false")
    ap.add_argument("--overwrite", action="store_true",
                    help="replace OUT_DIR and the Parquet folder when they exist")
    args = ap.parse_args(argv)
    args.batch_args = extra
    if args.partitions is not None and args.partitions < 1:
        ap.error("--partitions must be at least 1")
    for a in extra:
        name = a.split("=", 1)[0]
        if name in REFUSED_BATCH_ARGS:
            ap.error(f"{name} is not allowed after `--`: {REFUSED_BATCH_ARGS[name]}")
    return args


def child_env(items):
    env = {k: os.environ[k] for k in FORWARDED_ENV if k in os.environ}
    for item in items:
        if "=" in item:
            name, value = item.split("=", 1)
        else:
            name = item
            if name not in os.environ:
                raise UsageError(f"--env {name}: the driver has no variable {name} to copy")
            value = os.environ[name]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"--env {item!r}: not NAME=VALUE")
        env[name] = value
    return env


# --- the command line, resolved on the executor -------------------------------------------

SHIPPED = "\0shipped\0"  # marks an argument that is the name of a file given to addFile


def executor_command(argv):
    """The command line with each shipped file's path on this executor (SparkFiles.get)."""
    from pyspark import SparkFiles

    parts = []
    for a in argv:
        if a.startswith(SHIPPED):
            name = a[len(SHIPPED):]
            path = SparkFiles.get(name)
            if not os.path.isfile(path):
                raise FileNotFoundError(
                    f"{PROG}: {name} was not shipped to this executor (no {path}); give "
                    f"--passerelle/--glossary a path on the driver or a URI, or ship it with "
                    f"spark-submit --files"
                )
            if not parts and not os.access(path, os.X_OK):
                raise PermissionError(f"{PROG}: {path} is not executable on this executor")
            parts.append(path)
        else:
            parts.append(a)
    return shlex.join(parts)


class PipeCommand(str):
    """The command string for RDD.pipe, whose shipped files are only found on the executor.

    RDD.pipe takes one string, fixed on the driver, but SparkFiles.get gives a different
    folder on each executor (and a different one again in local mode). So the string is
    pickled as a call to `executor_command`: a task that unpickles it on an executor (after
    the worker has set SparkFiles' root folder) gets the command with that executor's paths.
    On the driver it reads as the command with the shipped files' names, for messages.
    """

    def __new__(cls, argv):
        shown = [a[len(SHIPPED):] if a.startswith(SHIPPED) else a for a in argv]
        self = super().__new__(cls, shlex.join(shown))
        self.argv = list(argv)
        return self

    def __reduce__(self):
        return (executor_command, (self.argv,))


# --- renumbering error records ------------------------------------------------------------

ERROR_HINT = re.compile(r'"ok"\s*:\s*false')
WS = re.compile(r"[ \t\n\r]*")


def with_global_line(record, offset):
    """`record` with its top-level `line` raised by `offset` when it is an error record,
    changing nothing else in its bytes (key order, escapes and spacing are passerelle's)."""
    if offset == 0 or not ERROR_HINT.search(record):
        return record
    s = record
    decoder = json.JSONDecoder()  # made here: a decoder cannot be pickled into the task
    try:
        i = WS.match(s, 0).end()
        if s[i] != "{":
            raise ValueError("not a JSON object")
        i = WS.match(s, i + 1).end()
        ok, span = None, None
        while s[i] != "}":
            if s[i] != '"':
                raise ValueError(f"expected a key at {i}")
            key, i = json.decoder.scanstring(s, i + 1)
            i = WS.match(s, i).end()
            if s[i] != ":":
                raise ValueError(f"expected ':' at {i}")
            i = WS.match(s, i + 1).end()
            value, end = decoder.raw_decode(s, i)
            if key == "ok":
                ok = value
            elif key == "line":
                span = (i, end, value)
            i = WS.match(s, end).end()
            if s[i] == ",":
                i = WS.match(s, i + 1).end()
    except (ValueError, IndexError) as e:
        raise RuntimeError(f"{PROG}: passerelle batch wrote a record that is not a JSON object "
                           f"({e}): {record[:300]}") from None
    if ok is not False or span is None:
        return record
    start, end, local = span
    if not isinstance(local, int) or isinstance(local, bool):
        raise RuntimeError(f"{PROG}: error record whose `line` is not a number: {record[:300]}")
    return s[:start] + str(local + offset) + s[end:]


def renumberer(offsets, counts, records_acc, errors_acc):
    def renumber(index, records):
        n = errors = 0
        for record in records:
            n += 1
            if ERROR_HINT.search(record):
                errors += 1
                record = with_global_line(record, offsets[index])
            yield record
        if n != counts[index]:
            raise RuntimeError(
                f"{PROG}: passerelle batch wrote {n} lines for the {counts[index]} lines of "
                f"partition {index}: it must write exactly one per input line"
            )
        records_acc.add(n)
        errors_acc.add(errors)

    return renumber


def bead_rows(beads_acc):
    """For --pairs-parquet: a record's beads as rows (none for an error record)."""

    def rows(record):
        r = json.loads(record)
        if r.get("ok") is not True:
            return
        src, tgt = r["src_sentences"], r["tgt_sentences"]
        for k, bead in enumerate(r["beads"]):
            beads_acc.add(1)
            yield (
                r["id"],
                k,
                " ".join(src[i] for i in bead["src"]),
                " ".join(tgt[j] for j in bead["tgt"]),
                bead["type"],
                float(bead["score"]),
                bool(bead["review"]),
            )

    return rows


# --- driver -----------------------------------------------------------------------------------


def hadoop_fs(sc, path):
    jvm = sc._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p.getFileSystem(sc._jsc.hadoopConfiguration()), p


def input_bytes(sc, path):
    """Total size of the files the input names (a file, a folder or a glob); 0 if none."""
    fs, p = hadoop_fs(sc, path)
    statuses = fs.globStatus(p)
    if not statuses:
        return None
    return sum(fs.getContentSummary(s.getPath()).getLength() for s in statuses)


def prepare_output(sc, path, overwrite, what):
    fs, p = hadoop_fs(sc, path)
    if fs.exists(p):
        if not overwrite:
            raise UsageError(f"{what} {path} already exists (remove it, or pass --overwrite)")
        fs.delete(p, True)


def file_name(path):
    """The name a shipped file has on the executors (YARN's `file#alias` gives `alias`)."""
    return path.split("#", 1)[-1].rstrip("/").rsplit("/", 1)[-1]


def ship(sc, path, what):
    """Ship a file to the executors unless spark-submit did; returns its name there."""
    name = file_name(path)
    shipped = set()
    for key in ("spark.files", "spark.yarn.dist.files"):
        shipped.update(file_name(e) for e in sc.getConf().get(key, "").split(",") if e)
    try:
        shipped.update(file_name(f) for f in sc.listFiles)
    except AttributeError:  # pyspark < 3.4
        pass
    if URI_RE.match(path) and not path.startswith("file:"):
        if name not in shipped:
            sc.addFile(path)
        return name
    local = path[len("file:"):] if path.startswith("file:") else path
    if os.path.isfile(local):
        if name not in shipped:
            sc.addFile(os.path.abspath(local))
        return name
    if name in shipped and "/" not in path:
        return name
    raise UsageError(missing(what, path))


def missing(what, path):
    hint = ""
    if what == "passerelle binary":
        hint = (" (build it with `cargo build --release` and pass target/release/passerelle, "
                "or ship it with spark-submit --files and pass its name)")
    return f"no {what} at {path}{hint}"


def check_binary_here(path):
    """In local mode the executors are this machine: check that the binary runs and has
    `batch`, so that a wrong path fails here with a clear message, not in a task."""
    if not os.access(path, os.X_OK):
        raise UsageError(f"{path} is not executable (chmod +x {shlex.quote(path)})")
    try:
        r = subprocess.run([path, "batch", "--help"], capture_output=True, timeout=60, env={})
    except OSError as e:
        raise UsageError(f"cannot run {path}: {e}") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"{path} batch --help did not answer within 60 s") from None
    if r.returncode != 0:
        said = r.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            f"{path} has no working `batch` subcommand (`batch --help` exited with "
            f"{r.returncode}{': ' + said[0] if said else ''}); it needs a passerelle with "
            f"`passerelle batch`"
        )


def job_failure(e):
    """The useful lines of a failed Spark job's exception."""
    text = str(e)
    keep = [line.strip() for line in text.splitlines()
            if PROG + ":" in line or "PIPE_FUNCTION_EXITED" in line
            or "FileNotFoundError" in line or "PermissionError" in line]
    seen, lines = set(), []
    for line in keep:
        if line not in seen:
            seen.add(line)
            lines.append(line)
    if not lines:
        lines = [line for line in text.splitlines() if line.strip()][:12]
    return "\n  ".join(lines[:8])


def ordered_repartition(lines, n):
    """Spread `lines` over n partitions, keeping their order (for inputs Hadoop cannot split)."""
    keyed = lines.zipWithIndex().map(lambda li: (li[1], li[0]))
    total = keyed.count()
    per = max(1, math.ceil(total / n))
    return keyed.repartitionAndSortWithinPartitions(
        n, partitionFunc=lambda i: i // per, keyfunc=lambda i: i
    ).values()


def run(args):
    from pyspark import SparkConf, StorageLevel
    from pyspark.sql import SparkSession

    env = child_env(args.env)
    # Paths on this machine are checked before Spark starts; a bare name may be a file
    # that spark-submit --files shipped, which only the SparkContext knows.
    for what, path in (("passerelle binary", args.passerelle), ("glossary", args.glossary)):
        if path and not URI_RE.match(path) and "/" in path and not os.path.isfile(path):
            raise UsageError(missing(what, path))

    conf = SparkConf().setAppName("passerelle align_corpus")
    for item in args.conf:
        if "=" not in item:
            raise UsageError(f"--conf {item!r}: not KEY=VALUE")
        conf.set(*item.split("=", 1))
    if args.master:
        conf.setMaster(args.master)
    elif not conf.contains("spark.master"):
        conf.setMaster("local[*]")
    local = conf.get("spark.master").startswith("local")
    if local and "PYSPARK_PYTHON" not in os.environ and not conf.contains("spark.pyspark.python"):
        os.environ["PYSPARK_PYTHON"] = sys.executable

    spark = SparkSession.builder.config(conf=conf).getOrCreate()
    sc = spark.sparkContext
    try:
        size = input_bytes(sc, args.input)
        if size is None:
            raise UsageError(f"no input at {args.input}")
        prepare_output(sc, args.output, args.overwrite, "output folder")
        if args.pairs_parquet:
            prepare_output(sc, args.pairs_parquet, args.overwrite, "Parquet folder")

        binary = ship(sc, args.passerelle, "passerelle binary")
        if local and os.path.isfile(args.passerelle):
            check_binary_here(args.passerelle)
        glossary = ship(sc, args.glossary, "glossary") if args.glossary else None
        if glossary == binary:
            raise UsageError("the glossary and the binary have the same file name")

        argv = [SHIPPED + binary, "batch"]
        extra = args.batch_args
        if not any(a == "--jobs" or a.startswith("--jobs=") for a in extra):
            argv += ["--jobs", str(max(1, int(conf.get("spark.task.cpus", "1"))))]
        if not any(a in ("--no-cache", "--cache") or a.startswith("--cache=") for a in extra):
            argv.append("--no-cache")
        if glossary:
            argv += ["--glossary", SHIPPED + glossary]
        argv += extra
        command = PipeCommand(argv)
        print(f"{PROG}: {command}", file=sys.stderr)

        hconf = {"textinputformat.record.delimiter": "\n"}
        if args.partitions and size:
            hconf["mapreduce.input.fileinputformat.split.maxsize"] = str(
                max(1, size // args.partitions))
        lines = sc.newAPIHadoopFile(
            args.input,
            "org.apache.hadoop.mapreduce.lib.input.TextInputFormat",
            "org.apache.hadoop.io.LongWritable",
            "org.apache.hadoop.io.Text",
            conf=hconf,
        ).values()
        if args.partitions and lines.getNumPartitions() < args.partitions:
            lines = ordered_repartition(lines, args.partitions)

        started = time.monotonic()
        counts = dict(lines.mapPartitionsWithIndex(
            lambda i, it: [(i, sum(1 for _ in it))]).collect())
        counts = [counts.get(i, 0) for i in range(lines.getNumPartitions())]
        offsets = [0]
        for c in counts[:-1]:
            offsets.append(offsets[-1] + c)

        records_acc, errors_acc, beads_acc = (sc.accumulator(0) for _ in range(3))
        out = lines.pipe(command, env=env, checkCode=True).mapPartitionsWithIndex(
            renumberer(offsets, counts, records_acc, errors_acc)
        )
        if args.pairs_parquet:
            out = out.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            out.saveAsTextFile(args.output)
            beads = None
            if args.pairs_parquet:
                from pyspark.sql.types import (BooleanType, DoubleType, IntegerType, StringType,
                                               StructField, StructType)

                schema = StructType([
                    StructField("id", StringType(), False),
                    StructField("bead", IntegerType(), False),
                    StructField("src_text", StringType(), False),
                    StructField("tgt_text", StringType(), False),
                    StructField("type", StringType(), False),
                    StructField("score", DoubleType(), False),
                    StructField("review", BooleanType(), False),
                ])
                table = spark.createDataFrame(out.flatMap(bead_rows(beads_acc)), schema)
                table.write.mode("errorifexists").parquet(args.pairs_parquet)
                beads = beads_acc.value
        except Exception as e:  # Py4JJavaError and friends: one clear message, exit 1
            print(f"{PROG}: the Spark job failed:\n  {job_failure(e)}", file=sys.stderr)
            return 1
        records, errors = records_acc.value, errors_acc.value
        print(
            f"{PROG}: {sum(counts)} lines in {len(counts)} partitions -> {records} records "
            f"({records - errors} aligned, {errors} errors) in {args.output}"
            + (f"; {beads} beads in {args.pairs_parquet}" if beads is not None else "")
            + f" ({time.monotonic() - started:.1f} s)",
            file=sys.stderr,
        )
        return 0
    finally:
        spark.stop()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print(f"{PROG}: pyspark is not installed for {sys.executable} (pip install pyspark)",
              file=sys.stderr)
        return 2
    try:
        return run(args)
    except UsageError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
