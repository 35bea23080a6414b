#!/usr/bin/env python3
"""`passerelle check` at scale: throughput on a large bitext, and how little it depends on
the size of the glossary.

Generates, in a work folder (default target/bench-work/check), a French/English bitext of
1 000 000 segment pairs (about 150 MB, one segment per line in two files) and two glossaries:
10 entries, and 10 000 entries (the same 10 plus 9 990 others, single and multi-word terms,
names and forbidden renderings). Then runs the release binary, on every core (`check` checks
large inputs on all of them) or with --cores 1 on one (`taskset -c 0`, when available), with
each glossary and prints MB/s of bitext (source plus
target bytes) for the whole process and for the check itself (as `passerelle -v` reports it:
compiling the glossary and checking; with --src and --tgt the two files are read and checked
in one pass, so reading them is included), and the ratio between the two glossaries.
Standard library only; numbers are saved to WORK/check_scale.json.

    benches/check_scale.py                 # build, generate (first run only), measure
    benches/check_scale.py --pairs 100000  # smaller
    benches/check_scale.py --runs 3        # best of three runs for each glossary
    benches/check_scale.py --cores 1       # on one core
    benches/check_scale.py --binary B      # another build (a baseline), implies --no-build
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Parallel templates: each slot is filled with aligned choices below. Most pairs are correct
# translations; the rare mistakes make the checker report something, as in real life.
TEMPLATES = [
    ("{name} a présenté la plateforme d'{cloud_fr} de {org} le {day} {month_fr} {year}.",
     "{name} presented {org}'s {cloud_en} platform on {month_en} {day}, {year}."),
    ("Selon {name}, les {crimes_fr} commis depuis {n} ans relèvent de la {word} {word2}.",
     "According to {name}, the {crimes_en} committed over {n} years are a matter of {word} {word2}."),
    ("Le {ministry_fr} a signé {n} contrats pour {amount_fr} € avec {org}.",
     "The {ministry_en} signed {n} contracts for €{amount_en} with {org}."),
    ("Les {employees_fr} de {org} ont organisé une veillée à {hour_fr} devant le siège.",
     "{org} {employees_en} held a vigil at {hour_en} outside the headquarters."),
    ("La {surveillance_fr} et le {word} ne respectent pas nos {terms_fr}.",
     "{surveillance_en} and {word} do not respect our {terms_en}."),
    ("{name} rappelle que le {code_fr} interdit la {word} depuis le {ordinal_fr} mai.",
     "{name} recalls that the {code_en} has forbidden {word} since May {ordinal_en}."),
]

SLOTS = {
    "cloud": [("informatique en nuage", "cloud computing"),
              ("informatique dématérialisée", "cloud computing")],
    "crimes": [("crimes de guerre", "war crimes"), ("crimes contre l'humanité", "crimes against humanity")],
    "ministry": [("ministère israélien de la défense", "Israeli Ministry of Defense")],
    "employees": [("employés", "employees"), ("travailleuses", "workers"), ("ingénieurs en micrologiciel", "firmware engineers")],
    "surveillance": [("surveillance de masse", "Mass surveillance"), ("nettoyage ethnique", "Ethnic cleansing")],
    "terms": [("conditions de service", "terms of service")],
    "code": [("code de conduite", "code of conduct")],
}
NAMES = ["Satya Nadella", "Joe Lopez", "Hossam Nasr", "Anna Hattle", "Brad Smith", "Kevin Scott"]
ORGS = ["Microsoft", "Azure", "OpenAI", "Noaa"]
MONTHS = [("janvier", "January"), ("mars", "March"), ("avril", "April"), ("mai", "May"),
          ("juin", "June"), ("octobre", "October")]

TEN = """fr\ten\tkind\tnote
informatique en nuage\tcloud computing\tterm\t
informatique dématérialisée\tcloud computing\tterm\t
crimes de guerre\twar crimes\tterm\t
crimes contre l'humanité\tcrimes against humanity\tterm\t
ministère israélien de la défense\tIsraeli Ministry of Defense\tterm\t
surveillance de masse\tmass surveillance\tterm\t
nettoyage ethnique\tethnic cleansing\tterm\t
Satya Nadella\t\tname\t
Microsoft\t\tname\t
nettoyage ethnique\tethnic cleaning\tforbidden\t
"""


def pseudo_words(rng, n, syllables):
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def generate(work, pairs, seed=7):
    rng = random.Random(seed)
    fr_syl = ["ba", "cou", "ter", "mon", "ri", "sa", "lé", "vin", "pro", "ca", "dé", "for", "ni", "gu"]
    en_syl = ["ka", "lo", "ster", "min", "pra", "tu", "ven", "do", "rel", "sha", "bi", "gon", "ry"]
    words_fr = pseudo_words(rng, 20000, fr_syl)
    words_en = pseudo_words(rng, 20000, en_syl)
    src = open(work / "src.txt", "w", encoding="utf-8")
    tgt = open(work / "tgt.txt", "w", encoding="utf-8")
    total = 0
    for i in range(pairs):
        fr_t, en_t = TEMPLATES[i % len(TEMPLATES)]
        # Word frequencies in real text follow Zipf's law: a log-uniform rank is close to it.
        k = int(len(words_fr) ** rng.random()) - 1
        fill_fr, fill_en = {}, {}
        for slot, choices in SLOTS.items():
            a, b = rng.choice(choices)
            fill_fr[slot + "_fr"], fill_en[slot + "_en"] = a, b
        day, n = rng.randint(1, 28), rng.randint(2, 90)
        month = rng.choice(MONTHS)
        euros, cents = rng.randint(1, 9999), rng.randint(0, 99)
        hour, minute = rng.randint(13, 20), rng.choice([0, 15, 30, 45])
        ordinal = rng.randint(2, 28)
        common = {
            "name": rng.choice(NAMES), "org": rng.choice(ORGS), "day": day, "n": n,
            "year": rng.randint(1990, 2030), "word": words_fr[k], "word2": words_fr[(k * 7) % len(words_fr)],
        }
        fr = fr_t.format(**common, **fill_fr, month_fr=month[0],
                         amount_fr=f"{euros:,}".replace(",", "\u202f") + f",{cents:02d}",
                         hour_fr=f"{hour} h {minute:02d}" if minute else f"{hour} h",
                         ordinal_fr=f"{ordinal}e" if ordinal > 1 else "1er", **{})
        common["word"], common["word2"] = words_en[k], words_en[(k * 7) % len(words_en)]
        en = en_t.format(**common, **fill_en, month_en=month[1],
                         amount_en=f"{euros:,}.{cents:02d}",
                         hour_en=f"{hour - 12}:{minute:02d} p.m.",
                         ordinal_en=f"{ordinal}th")
        # One pair in a hundred has a mistake.
        if i % 100 == 42:
            en = en.replace("cleansing", "cleaning").replace("computing", "technology")
        src.write(fr + "\n")
        tgt.write(en + "\n")
        total += len(fr.encode()) + len(en.encode()) + 2
    src.close()
    tgt.close()
    (work / "glossary-10.tsv").write_text(TEN, encoding="utf-8")
    lines = [TEN.rstrip("\n")]
    kinds = ["term"] * 8 + ["name", "forbidden"]
    j = 0
    while len(lines) - 1 < 10400:
        kind = kinds[j % len(kinds)]
        if kind == "term" and j % 3 == 0:
            # A single word the bitext uses, rendered as the bitext renders it: the matcher
            # finds many of these, and they are satisfied.
            k = rng.randrange(len(words_fr))
            a, b = words_fr[k], words_en[k]
        else:
            a = " ".join(rng.choice(words_fr) for _ in range(1 + j % 3))
            b = " ".join(rng.choice(words_en) for _ in range(1 + j % 3))
        if kind == "name":
            a = b = a.title()
        lines.append(f"{a}\t{b if kind != 'name' else ''}\t{kind}\t")
        j += 1
    text = "\n".join(lines) + "\n"
    # Random picks can repeat a source term with another rendering: keep the first.
    seen, kept = set(), []
    for line in text.splitlines():
        cols = line.split("\t")
        key = (cols[0].lower(), cols[2] if len(cols) > 2 else "")
        if cols[0] and key in seen and cols[2] != "forbidden":
            continue
        seen.add(key)
        kept.append(line)
    kept = kept[:10001]
    (work / "glossary-10000.tsv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    meta = {"pairs": pairs, "bytes": total, "seed": seed, "generator": 2,
            "glossary_entries": {"10": 10, "10000": len(kept) - 1}}
    (work / "bitext.json").write_text(json.dumps(meta, indent=2))
    return meta


def run_check(binary, work, glossary, runs, cores):
    cmd = [str(binary), "-v", "check", "--glossary", str(glossary),
           "--src", str(work / "src.txt"), "--tgt", str(work / "tgt.txt"),
           "--format", "json", "--fail-on", "never"]
    if cores and shutil.which("taskset"):
        cmd = ["taskset", "-c", ",".join(str(c) for c in range(cores))] + cmd
    best = None
    for _ in range(runs):
        started = time.perf_counter()
        with open(os.devnull, "wb") as sink:
            proc = subprocess.run(cmd, stdout=sink, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - started
        if proc.returncode not in (0, 1):
            sys.exit(f"check failed ({proc.returncode}): {proc.stderr}")
        m = re.search(r"checked in ([\d.]+) ms", proc.stderr)
        check_s = float(m.group(1)) / 1e3 if m else wall
        summary = proc.stderr.strip().splitlines()[-1]
        if best is None or wall < best["wall_s"]:
            best = {"wall_s": wall, "check_s": check_s, "summary": summary, "command": cmd}
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench-work" / "check")
    ap.add_argument("--no-build", action="store_true", help="use target/release/passerelle as is")
    ap.add_argument("--binary", type=Path, help="the passerelle binary to run (no build)")
    ap.add_argument("--cores", type=int, default=0,
                    help="run on this many cores (taskset); 0, the default: on all of them")
    args = ap.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    if not args.no_build and args.binary is None:
        subprocess.run(["cargo", "build", "--release", "--bin", "passerelle"], cwd=ROOT, check=True)
    binary = args.binary or ROOT / "target" / "release" / "passerelle"
    meta_path = work / "bitext.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
    if meta is None or meta.get("pairs") != args.pairs or meta.get("generator") != 2:
        print(f"generating {args.pairs} pairs in {work} ...", file=sys.stderr)
        meta = generate(work, args.pairs)
    mb = meta["bytes"] / 1e6
    print(f"bitext: {meta['pairs']} pairs, {mb:.1f} MB (source + target)")
    results = {}
    for size in ["10", "10000"]:
        r = run_check(binary, work, work / f"glossary-{size}.tsv", args.runs, args.cores)
        results[size] = r
        entries = meta["glossary_entries"][size]
        print(f"glossary {entries:>6} entries: {mb / r['wall_s']:6.1f} MB/s whole process "
              f"({r['wall_s']:.2f} s), {mb / r['check_s']:6.1f} MB/s read and check "
              f"({r['check_s']:.2f} s); {r['summary']}")
    ratio_wall = results["10000"]["wall_s"] / results["10"]["wall_s"]
    ratio_check = results["10000"]["check_s"] / results["10"]["check_s"]
    print(f"10 000 entries vs 10: {ratio_wall:.2f}x the time (whole process), "
          f"{ratio_check:.2f}x (read and check)")
    (work / "check_scale.json").write_text(json.dumps(
        {"bitext": meta, "results": results, "ratio_wall": ratio_wall, "ratio_check": ratio_check},
        indent=2))


if __name__ == "__main__":
    main()
