"""Import and export throughput: whole ``annotator`` processes beside bare ``sqlite3`` + ``json``.

Usage: ``python bench/io.py [--quick] [--docs N] [--keep DIR] [--memory-only]``

The corpus is generated here (news-like paragraphs, 36 entity spans a document) as Prodigy-style
JSONL. Each side runs as its own process on the same corpus, so start-up costs count on both sides:

- import: ``annotator import`` vs. a bare script that parses the JSONL and writes the same rows
  (documents with hash, title, meta and timestamps; spans with source and timestamp) with
  ``executemany`` in one transaction, and checks nothing;
- export doccano: ``annotator export --format doccano`` vs. a bare script that reads the same
  rows and writes the same JSON lines;
- export prodigy: ``annotator export --format prodigy`` vs. a bare script that also tokenizes with
  spaCy's English tokenizer (tokens are part of the format, so they are part of the floor).

Then the peak memory of importing one large Latin-1 file (issue 10: a 50 MB one took 1.1 GB),
a text file (one document) and a JSONL file (one document a line), 50 MB each (20 MB with
``--quick``); target: under 4x the file's size, above an import of a tiny file.
- ``import``: peak RSS of a whole ``annotator import`` process (readers and SQLite);
- ``readers``: peak bytes tracemalloc sees while only the readers run (no store).

Target: every ratio within 2x. ``--quick`` runs 20,000 documents with 720,000 spans through import
and the doccano export in under a minute; the Prodigy export (tokenizing every document on both
sides takes about as long again) runs in the full mode, or with ``--quick --prodigy``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SPANS_PER_DOC = 36

PEOPLE = ["Jane Doe", "Ali Khan", "Zoë Müller", "José Ñúñez", "Wei Chen", "Amara Okafor",
          "Søren Lund", "Priya Raman", "Tom Walsh", "Łukasz Żółć"]
ORGS = ["Rio Tinto", "BHP", "the Federal Reserve", "Reuters", "Acme Mining", "Nordbank",
        "the World Health Organization", "Globex", "Initech", "the city council"]
PLACES = ["Perth", "London", "Santiago", "Lagos", "Mumbai", "Oslo", "Toronto", "Warsaw"]
DATES = ["Monday", "Tuesday", "last week", "on 3 June", "in 2024", "Friday"]
MONEY = ["$2bn", "£40m", "€1.2bn", "$300,000", "A$75m"]
FILLER = ("said in a statement that the deal would be reviewed by regulators before the end of "
          "the quarter, adding that talks with unions were continuing and that no decision had "
          "been taken on the future of the site").split()

BARE_IMPORT = r'''
import datetime, hashlib, json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA synchronous=NORMAL")
conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, text TEXT, hash TEXT UNIQUE, "
             "source TEXT, title TEXT, meta TEXT, status TEXT, created_at TEXT, updated_at TEXT)")
conn.execute('CREATE TABLE spans (id INTEGER PRIMARY KEY, doc_id INTEGER, start INTEGER, '
             '"end" INTEGER, label TEXT, source TEXT, annotator TEXT, created_at TEXT)')
conn.execute("CREATE INDEX idx_spans_doc ON spans(doc_id, start)")
stamp = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
conn.execute("BEGIN")
rows = []
with open(sys.argv[2], encoding="utf-8") as fh:
    for line in fh:
        task = json.loads(line)
        text = task["text"]
        cur = conn.execute(
            "INSERT INTO documents (text, hash, source, title, meta, status, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (text, hashlib.sha256(text.encode()).hexdigest(), sys.argv[2], text[:80],
             json.dumps(task.get("meta", {})), "accepted", stamp, stamp))
        doc_id = cur.lastrowid
        rows += [(doc_id, s["start"], s["end"], s["label"], "imported", None, stamp)
                 for s in task["spans"]]
conn.executemany('INSERT INTO spans (doc_id, start, "end", label, source, annotator, '
                 'created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', rows)
conn.execute("COMMIT")
'''

BARE_EXPORT = r'''
import json, sqlite3, sys
from itertools import groupby
conn = sqlite3.connect(sys.argv[1])
prodigy = sys.argv[3] == "prodigy"
if prodigy:
    import spacy
    tokenizer = spacy.blank("en").tokenizer
rows = conn.execute('SELECT doc_id, start, "end", label FROM spans ORDER BY doc_id, start')
spans = groupby(rows, key=lambda r: r[0])
pending = next(spans, None)
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for doc_id, text, meta in conn.execute("SELECT id, text, meta FROM documents ORDER BY id"):
        mine = []
        if pending is not None and pending[0] == doc_id:
            mine = [[s, e, label] for _, s, e, label in pending[1]]
            pending = next(spans, None)
        if prodigy:  # token indices exactly on the span's edges, or the span is left out
            toks = [{"text": t.text, "start": t.idx, "end": t.idx + len(t), "id": t.i,
                     "ws": bool(t.whitespace_)} for t in tokenizer(text)]
            starts = {t["start"]: t["id"] for t in toks}
            ends = {t["end"]: t["id"] for t in toks}
            rec = {"text": text, "tokens": toks,
                   "spans": [{"start": s, "end": e, "token_start": starts[s],
                              "token_end": ends[e], "label": lab} for s, e, lab in mine
                             if s in starts and e in ends and not text[s].isspace()
                             and not text[e - 1].isspace()],
                   "meta": json.loads(meta)}
        else:
            rec = {"id": doc_id, "text": text, "label": mine, **json.loads(meta)}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
'''


def make_document(rng: random.Random, n: int) -> dict:
    """A news-like article body (headline, byline, paragraphs) with 36 entity spans."""
    parts: list[str] = [f"Story {n}: {rng.choice(ORGS)} faces questions in {rng.choice(PLACES)}",
                        "\n", f"By {rng.choice(PEOPLE)}", "\n"]
    spans = []
    pos = sum(len(p) for p in parts)
    pools = [("PERSON", PEOPLE), ("ORG", ORGS), ("GPE", PLACES), ("DATE", DATES),
             ("MONEY", MONEY)]
    for i in range(SPANS_PER_DOC):
        label, pool = pools[i % len(pools)]
        entity = rng.choice(pool)
        lead = " ".join(rng.sample(FILLER, 3)) + " "
        pos += len(lead)
        spans.append({"start": pos, "end": pos + len(entity), "label": label})
        tail = ". " if i % 6 == 5 else " "
        parts += [lead, entity, tail]
        pos += len(entity) + len(tail)
        if i % 12 == 11:
            parts.append("\n")
            pos += 1
    return {"text": "".join(parts), "spans": spans, "meta": {"source": f"site/{n}.html"},
            "answer": "accept"}


def write_corpus(path: Path, docs: int, seed: int = 7) -> tuple[int, int]:
    rng = random.Random(seed)
    words = 0
    with path.open("w", encoding="utf-8") as fh:
        for n in range(docs):
            doc = make_document(rng, n)
            words += len(doc["text"].split())
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return docs * SPANS_PER_DOC, words


def timed(cmd: list[str], repeat: int, fresh: Path | None = None) -> tuple[float, float]:
    """Best of ``repeat`` runs: ``(wall seconds, CPU seconds of the process)``. The best is the
    run least disturbed by other load; CPU time (user + system, from the kernel's accounting of
    the finished child) is far steadier than wall time on a shared virtual machine, where the
    same command's wall time varies by half. ``fresh`` is a database deleted before each run."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        if fresh is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{fresh}{suffix}").unlink(missing_ok=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return best_wall, best_cpu


Row = tuple[str, tuple[float, float], tuple[float, float]]  # step, ours (wall, cpu), bare


def run(work: Path, docs: int, skip_prodigy: bool, repeat: int) -> list[Row]:
    corpus = work / "corpus.jsonl"
    spans, words = write_corpus(corpus, docs)
    size = corpus.stat().st_size / 1e6
    print(f"corpus: {docs:,} documents, {spans:,} spans, {words:,} words, {size:.0f} MB")
    ours_db, bare_db = work / "ours.db", work / "bare.db"
    annotator = str(BIN / "annotator")
    py = sys.executable
    rows = [("import",
             timed([annotator, "import", "--db", str(ours_db), str(corpus)], repeat, ours_db),
             timed([py, "-c", BARE_IMPORT, str(bare_db), str(corpus)], repeat, bare_db))]
    formats = ["doccano"] if skip_prodigy else ["doccano", "prodigy"]
    for fmt in formats:
        skip = ["--skip-misaligned"] if fmt == "prodigy" else []  # e.g. "A$75m" before "m."
        ours = timed([annotator, "export", "--db", str(ours_db), "--format", fmt, "--out",
                      str(work / f"ours-{fmt}.jsonl"), *skip], repeat)
        bare = timed([py, "-c", BARE_EXPORT, str(bare_db), str(work / f"bare-{fmt}.jsonl"), fmt],
                     repeat)
        rows.append((f"export {fmt}", ours, bare))
    check_exports(work, formats)
    return rows


def check_exports(work: Path, formats: list[str]) -> None:
    """Both sides must have written the same number of lines with the same spans."""
    for fmt in formats:
        ours = (work / f"ours-{fmt}.jsonl").open(encoding="utf-8")
        bare = (work / f"bare-{fmt}.jsonl").open(encoding="utf-8")
        n = 0
        for a, b in zip(ours, bare, strict=True):
            ra, rb = json.loads(a), json.loads(b)
            key = "label" if fmt == "doccano" else "spans"
            got = [(s[0], s[1]) if fmt == "doccano" else (s["start"], s["end"]) for s in ra[key]]
            want = [(s[0], s[1]) if fmt == "doccano" else (s["start"], s["end"]) for s in rb[key]]
            assert ra["text"] == rb["text"] and got == want, f"{fmt} line {n} differs"
            n += 1


# Peak memory of one large legacy-encoded file.

SENTENCES = [
    "Le café de José est très réputé à Montréal, dit Zoë, la propriétaire.",
    "En décembre, la façade de l'hôtel a été rénovée pour 5 000 dollars.",
    "« C'est déjà l'été », a déclaré le maire de Québec à la presse.",
    "Les élèves ont réussi l'examen malgré une grève des enseignants.",
    "Selon l'étude, la hausse des prix a touché les ménages les plus modestes.",
]
READERS_ONLY = r'''
import sys, tracemalloc
from pathlib import Path
from annotator.io.importer import read_file
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
count = sum(1 for _ in read_file(Path(sys.argv[1])))
print(tracemalloc.get_traced_memory()[1] - before, count)
'''


def write_latin1_files(work: Path, size: int) -> tuple[Path, Path]:
    """A Latin-1 text file and a Latin-1 JSONL file of about ``size`` bytes each."""
    rng = random.Random(5)
    text, jsonl = work / "latin1.txt", work / "latin1.jsonl"
    with text.open("wb") as out_text, jsonl.open("wb") as out_jsonl:
        written = 0
        while written < size:
            line = " ".join(rng.sample(SENTENCES, 3))
            out_text.write(line.encode("latin-1") + b"\n")
            out_jsonl.write(b'{"text": "' + line.encode("latin-1") + b'"}\n')
            written += len(line) + 1
    return text, jsonl


def peak_rss(cmd: list[str]) -> int:
    """Peak resident set size of one child process, in bytes (``ru_maxrss`` of that child
    alone, from ``wait4``)."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):  # 1: something was rejected, still a full run
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed:\n{err.read()[-2000:].decode()}")
    return usage.ru_maxrss * 1024


def import_peak(path: Path, db: Path) -> int:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return peak_rss([str(BIN / "annotator"), "import", "--db", str(db), str(path)])


def reader_peak(path: Path) -> int:
    out = subprocess.run([sys.executable, "-c", READERS_ONLY, str(path)], capture_output=True,
                         text=True, check=True)
    return int(out.stdout.split()[0])


def memory_rows(work: Path, size: int) -> list[tuple[str, int, int]]:
    """Rows ``(what, file bytes, peak bytes above the baseline)``."""
    tiny = work / "tiny.txt"
    tiny.write_text("tiny", encoding="utf-8")
    baseline = import_peak(tiny, work / "memory.db")
    rows = []
    for path in write_latin1_files(work, size):
        file_size = path.stat().st_size
        rows.append((f"import {path.suffix[1:]}", file_size,
                     import_peak(path, work / "memory.db") - baseline))
        rows.append((f"readers {path.suffix[1:]}", file_size, reader_peak(path)))
    return rows


def memory_report(rows: list[tuple[str, int, int]]) -> None:
    print("\npeak memory of a Latin-1 file, above an import of a tiny file; target < 4x the "
          "file")
    print(f"{'step':<16}{'file MB':>10}{'peak MB':>10}{'x file':>8}")
    for name, size, peak in rows:
        print(f"{name:<16}{size / 1e6:>10.1f}{peak / 1e6:>10.1f}{peak / size:>8.2f}")
    worst = max(peak / size for _, size, peak in rows)
    print(f"\nworst: {worst:.2f}x the file ({'met' if worst < 4 else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 documents (under a minute)")
    parser.add_argument("--docs", type=int, default=None, help="documents (default 100,000)")
    parser.add_argument("--prodigy", action="store_true",
                        help="with --quick, also time the Prodigy export (tokenizes everything)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per step; best is kept")
    parser.add_argument("--keep", type=Path, help="keep the corpus and databases in this folder")
    parser.add_argument("--memory-only", action="store_true",
                        help="only the peak memory of a large Latin-1 file")
    args = parser.parse_args()
    docs = args.docs or (20_000 if args.quick else 100_000)
    work = args.keep or Path(tempfile.mkdtemp(prefix="annotator-bench-io-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    try:
        if not args.memory_only:
            rows = run(work, docs, skip_prodigy=args.quick and not args.prodigy,
                       repeat=args.repeat)
        memory = memory_rows(work, (20 if args.quick else 50) * 1_000_000)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if rows:
        report(rows, args.repeat)
    memory_report(memory)


def report(rows: list[Row], repeat: int) -> None:
    print(f"\nbest of {repeat} runs each; target: ours / bare <= 2.0")
    print(f"{'step':<16}{'ours wall':>10}{'bare wall':>10}{'ratio':>7}"
          f"{'ours cpu':>10}{'bare cpu':>10}{'ratio':>7}")
    for name, (ow, oc), (bw, bc) in rows:
        print(f"{name:<16}{ow:>10.2f}{bw:>10.2f}{ow / bw:>7.2f}"
              f"{oc:>10.2f}{bc:>10.2f}{oc / bc:>7.2f}")
    wall = max(o[0] / b[0] for _, o, b in rows)
    cpu = max(o[1] / b[1] for _, o, b in rows)
    print(f"\nworst ratio: wall {wall:.2f} ({'met' if wall <= 2.0 else 'NOT met'}), "
          f"cpu {cpu:.2f} ({'met' if cpu <= 2.0 else 'NOT met'})")


if __name__ == "__main__":
    main()
