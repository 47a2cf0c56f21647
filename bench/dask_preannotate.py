"""Pre-annotation on a Dask cluster: throughput against the number of workers, beside its limit.

Usage: ``python bench/dask_preannotate.py [--quick | --smoke] [--docs N] [--workers 1,2]
[--batch-size N]`` (``--smoke``: 24 pages, one worker: does it run?)

Same generated news pages as ``bench/preannotate.py``. In one run, on the same texts:

- bare: one process running ``nlp.pipe`` over the texts (the model loaded, ``ner`` only), the
  floor for one worker; the limit for W workers is W times that rate, when the machine has W free
  cores (the writer process needs some too);
- local: ``preannotate`` in this process (read, analyse, write);
- dask W: ``preannotate --dask`` against a ``LocalCluster`` of W single-threaded worker processes,
  each loading the model once (the load happens in ``check_workers`` and is not timed: the clock
  starts at the first batch sent). The writer is this process.

The ratio is ours / (W x bare), in words per wall-clock second. On a 2-core machine two workers
plus the writer share two cores, so the ratio at W=2 is bounded by the machine, not by us; the
table says how many cores there were. Wall-clock figures: other processes on a shared machine slow
every row alike.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from preannotate import corpus, words  # noqa: E402

from annotator.domain import NewDocument  # noqa: E402
from annotator.nlp.pipeline import load_model  # noqa: E402
from annotator.services.preannotation import preannotate  # noqa: E402
from annotator.store import open_store  # noqa: E402


def bare_rate(texts: list[str], batch_size: int) -> float:
    """Words per second of a bare ``nlp.pipe`` over ``texts`` (after a warm-up)."""
    nlp = load_model(None)
    sum(len(doc) for doc in nlp.pipe(texts[:20], batch_size=batch_size))
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))
    assert tokens > 0
    return words(texts) / (time.perf_counter() - start)


def ours_rate(texts: list[str], batch_size: int, folder: Path,
              cluster: str | None) -> tuple[float, int]:
    """Words per second of ``preannotate`` (locally or on ``cluster``), timed from its first
    committed batch (the model is loaded by then, here and on the workers) to the end, over the
    words of the documents after that batch. Returns (rate, documents stored)."""
    name = f"p{len(list(folder.iterdir()))}.db"
    with open_store(folder / name) as store:
        store.documents.add((NewDocument(t, f"doc{i}") for i, t in enumerate(texts)),
                            batch_size=1000)
        first: list[tuple[int, float]] = []

        def on_progress(done: int, total: int, _message: str = "") -> None:
            if total and not first:
                first.append((done, time.perf_counter()))

        report = preannotate(store, batch_size=batch_size, cluster=cluster,
                             progress=on_progress)
        elapsed = time.perf_counter() - first[0][1]
    # batches come back in any order on a cluster: count the words of all but one batch's
    # worth of documents, the same share on every row
    rest = texts[first[0][0]:]
    return words(rest) / elapsed, report.documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a run of well under a minute")
    parser.add_argument("--smoke", action="store_true", help="24 pages, one worker")
    parser.add_argument("--docs", type=int, default=None)
    parser.add_argument("--workers", default=None, help="comma-separated worker counts (1,2)")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    args.workers = args.workers or ("1" if args.smoke else "1,2")
    logging.getLogger("distributed").setLevel(logging.ERROR)
    from distributed import LocalCluster

    texts = corpus(args.docs or (24 if args.smoke else 80 if args.quick else 800))
    n_words = words(texts)
    bare = bare_rate(texts, args.batch_size)
    rows = [("bare nlp.pipe, 1 process", bare, bare, len(texts))]
    with tempfile.TemporaryDirectory() as tmp:
        rate, done = ours_rate(texts, args.batch_size, Path(tmp), None)
        rows.append(("preannotate, local", rate, bare, done))
        for n in (int(w) for w in args.workers.split(",")):
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                              dashboard_address=None, silence_logs=logging.ERROR) as cluster:
                rate, done = ours_rate(texts, args.batch_size, Path(tmp),
                                       cluster.scheduler_address)
            rows.append((f"preannotate --dask, {n} worker{'s' * (n > 1)}", rate, n * bare, done))
    print(f"{len(texts)} generated pages, {n_words:,} words; batches of {args.batch_size}; "
          f"{os.cpu_count()} cores on this machine")
    print(f"{'':<32} {'words/s':>9} {'limit words/s':>14} {'ratio':>6} {'documents':>10}")
    for name, rate, limit, done in rows:
        print(f"{name:<32} {rate:>9,.0f} {limit:>14,.0f} {rate / limit:>6.2f} {done:>10}")
    print("limit: W x the bare rate (perfect scaling); the writer shares the same cores")


if __name__ == "__main__":
    main()
