"""Pre-annotation throughput: ``preannotate`` beside a bare ``nlp.pipe``, same texts.

Usage: ``python bench/preannotate.py [--quick] [--docs N] [--batch-size N]``

The corpus is generated here: news-like pages (menu lines, headline, byline, a dozen paragraphs
full of names, places, money and dates, related links, footer), so both the model and the section
rules have real work. Both sides load the same model with the same components (``ner`` only, as
``load_model`` does) and see the same texts in the same batches.

- bare: ``nlp.pipe(texts, batch_size=N)``, consuming each ``Doc`` (``len(doc)``) and nothing else:
  the floor for running this model on these texts;
- ours: ``preannotate`` on a project holding the same texts: reads them from SQLite,
  runs ``nlp.pipe``, keeps labels in the project's set, computes a section for every block and
  writes entities, sections and the ``preannotated`` marks, one transaction per batch.

The first 50 documents on each side are the warm-up (model load, first-call allocations) and are
not timed. The two sides then take turns batch by batch (the bare pipeline runs inside our progress
callback and its time is taken out of ours), so load from other processes falls on both alike.
Both wall time and this process's CPU time are reported; the verdict uses CPU time, which other
processes on a shared machine disturb far less (wall-clock ratios swing by +-10% on a busy 2-core
box). Target: ours / bare >= 0.9 in words per second.

Then, with ``--n-process 2`` (the default; 0 leaves it out): whole processes, ``annotator
preannotate --n-process 2`` on a fresh copy of the project vs. a bare script that reads the same
texts from it and runs ``nlp.pipe(texts, n_process=2)`` on the same model, consuming each ``Doc``.
CPU seconds there are the process's and its workers' (``wait4`` counts reaped children); model
loading counts on both sides. Same target.

``--smoke``: 60 pages and no ``--n-process`` run (the test suite's check that the bench runs).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus as bench_corpus  # noqa: E402
from measure import measure  # noqa: E402

from annotator.domain import NewDocument  # noqa: E402
from annotator.nlp.pipeline import load_model  # noqa: E402
from annotator.services.preannotation import preannotate  # noqa: E402
from annotator.store import open_store  # noqa: E402


def corpus(n_docs: int, seed: int = 7) -> list[str]:
    """Scraped news pages from bench/corpus.py (8 to 14 paragraphs between menus and footer)."""
    return bench_corpus.pages(n_docs, seed)


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


Clock = tuple[float, float]  # (wall seconds, CPU seconds of this process)


def _now() -> Clock:
    return time.perf_counter(), time.process_time()


def interleaved(texts: list[str], batch_size: int, warm: int, folder: Path) -> tuple[
    list[Clock], list[Clock], Any
]:
    """Per timed batch, (wall, CPU) seconds of bare ``nlp.pipe`` and of ``preannotate``
    over the same texts, the two taking turns so that a busy machine slows both alike.

    ``preannotate`` runs once over the whole project; after it commits a batch, its
    progress callback runs the bare pipeline over the next batch (timed on its own and left out
    of our time). The first ``warm`` documents are the warm-up on both sides."""
    nlp = load_model(None)
    sum(len(doc) for doc in nlp.pipe(texts[:warm], batch_size=batch_size))
    marks: list[tuple[int, Clock, Clock]] = []  # (documents done, callback start, callback end)

    def on_progress(done: int, total: int, _message: str = "") -> None:
        if not total:
            return  # the model is loading: nothing committed yet
        start = _now()
        batch = texts[done:done + batch_size]
        tokens = sum(len(doc) for doc in nlp.pipe(batch, batch_size=batch_size))
        assert tokens > 0 or not batch
        marks.append((done, start, _now()))

    with open_store(folder / "bench.db") as store:
        store.documents.add((NewDocument(t, f"doc{i}") for i, t in enumerate(texts)),
                            batch_size=1000)
        report = preannotate(store, batch_size=batch_size, progress=on_progress)
    bare = [_delta(start, end) for done, start, end in marks[:-1] if done >= warm]
    ours = [_delta(prev[2], cur[1]) for prev, cur in zip(marks, marks[1:], strict=False)
            if prev[0] >= warm]
    return bare, ours, report


BARE_POOL = r'''
import sqlite3, sys
from annotator.nlp.pipeline import load_model  # the same model and components as ours
nlp = load_model(None)
conn = sqlite3.connect(sys.argv[1])
texts = [r[0] for r in conn.execute("SELECT text FROM documents ORDER BY id")]
tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=int(sys.argv[2]),
                                          n_process=int(sys.argv[3])))
assert tokens > 0
'''


def pooled(texts: list[str], batch_size: int, n_process: int, folder: Path) -> tuple[Any, Any]:
    """Whole processes with ``n_process`` workers: ``(ours, bare)`` :class:`measure.Measure`."""
    template, db = folder / "template.db", folder / "pool.db"
    with open_store(template) as store:
        store.documents.add((NewDocument(t, f"doc{i}") for i, t in enumerate(texts)),
                            batch_size=1000)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, db)
    annotator = str(Path(sys.executable).parent / "annotator")
    ours = measure([annotator, "preannotate", "--db", str(db), "--batch-size", str(batch_size),
                    "--n-process", str(n_process)])
    bare = measure([sys.executable, "-c", BARE_POOL, str(template), str(batch_size),
                    str(n_process)])
    return ours, bare


def _delta(start: Clock, end: Clock) -> Clock:
    return end[0] - start[0], end[1] - start[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a run of well under a minute")
    parser.add_argument("--smoke", action="store_true", help="60 pages, no --n-process run")
    parser.add_argument("--n-process", type=int, default=None,
                        help="workers of the whole-process run (default 2; 0: no such run)")
    parser.add_argument("--docs", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--warm-up", type=int, default=50, help="documents, on both sides")
    args = parser.parse_args()
    n_docs = args.docs or (60 if args.smoke else 150 if args.quick else 1000)
    if args.n_process is not None:
        n_process = args.n_process  # 0 (or 1): no whole-process run, as --help says
    else:
        n_process = 0 if args.smoke else 2
    texts = corpus(n_docs)
    warm = -(-args.warm_up // args.batch_size) * args.batch_size  # whole batches
    timed = texts[warm:]
    n_words = words(timed)
    with tempfile.TemporaryDirectory() as tmp:
        bare_batches, ours_batches, report = interleaved(texts, args.batch_size, warm, Path(tmp))
        pool = pooled(texts, args.batch_size, n_process, Path(tmp)) if n_process > 1 else None
    bare_t = tuple(sum(c[k] for c in bare_batches) for k in (0, 1))
    ours_t = tuple(sum(c[k] for c in ours_batches) for k in (0, 1))
    rows = [("bare nlp.pipe (ner only)", bare_t, f"{len(timed)} run", "-", "-"),
            ("preannotate", ours_t, f"{report.documents} stored", report.entities,
             report.sections)]
    print(f"{len(texts)} generated pages, {words(texts):,} words; timed: {len(timed)} pages, "
          f"{n_words:,} words in {len(ours_batches)} batches of {args.batch_size}, after a "
          f"warm-up of {warm}; "
          f"model {report.model}")
    print(f"{'':<26} {'wall s':>7} {'words/s':>8} {'CPU s':>7} {'words/CPU s':>11} "
          f"{'documents':>12} {'entities':>9} {'sections':>9}")
    for name, (wall, cpu), docs, ents, secs in rows:
        print(f"{name:<26} {wall:>7.2f} {n_words / wall:>8,.0f} {cpu:>7.2f} "
              f"{n_words / cpu:>11,.0f} {docs!s:>12} {ents!s:>9} {secs!s:>9}")
    print("(stored counts include the warm-up batch)")
    wall_ratio, cpu_ratio = bare_t[0] / ours_t[0], bare_t[1] / ours_t[1]
    per_batch = sorted(b[1] / o[1] for b, o in zip(bare_batches, ours_batches, strict=True))
    print(f"per-batch CPU ratios: {' '.join(f'{r:.2f}' for r in per_batch)} "
          f"(median {statistics.median(per_batch):.3f})")
    verdict = "met" if cpu_ratio >= 0.9 else "NOT met"
    # Three decimals: 0.8965 is a miss and must not print as "0.90".
    print(f"{'ratio ours / bare':<26} {wall_ratio:>7.3f} (wall)  {cpu_ratio:.3f} (CPU; "
          f"target >= 0.90: {verdict})")
    verdicts = [f"pre-annotation: {verdict}"]
    if pool is not None:
        ours, bare = pool
        words_all = words(texts)
        print(f"\nwhole processes, --n-process {n_process}, {len(texts)} pages, {words_all:,} "
              "words, model loading included; ratio = floor time / our time\n")
        print("| step | ours wall s | floor wall s | ratio wall | ours CPU s | floor CPU s | "
              "ratio CPU | target | verdict |")
        print("|---|---|---|---|---|---|---|---|---|")
        pool_verdict = "met" if bare.cpu / ours.cpu >= 0.9 else "NOT met"
        print(f"| preannotate n-process {n_process} | {ours.wall:.2f} | {bare.wall:.2f} | "
              f"{bare.wall / ours.wall:.3f} | {ours.cpu:.2f} | {bare.cpu:.2f} | "
              f"{bare.cpu / ours.cpu:.3f} | >= 0.90 | {pool_verdict} |")
        verdicts.append(f"pre-annotation n-process {n_process}: {pool_verdict}")
    print("\n" + "; ".join(verdicts))


if __name__ == "__main__":
    main()
