"""The token exports (prodigy, conll, spacy) on every core: documents are tokenized and turned into
their finished output in worker processes, a chunk at a time, and the exporting process writes
the chunks in document order.

Why: spaCy's tokenizer and the per-token Python around it are most (80-90%) of these exports (about
100-140 CPU s for 1,000,000 spans on this project's bench machine); one process cannot finish
them in the 60 s that issue 12 asks. The exporting process stays the one reader of the project
and the one writer of the output: it reads a chunk of items (text, spans, sections, meta: a few
KB a document), a worker sends back the chunk's finished text (JSON lines, CoNLL lines) or what
``DocBin.add`` stored of each Doc, and the problems it found, in the order one process meets
them.
The output is byte for byte what the one-process export writes (tests/test_export_pool.py).

Memory stays bounded: at most ``2 * workers + 1`` chunks of :data:`CHUNK_DOCS` documents are in
flight. Progress and a stop go through the caller, which counts documents as it writes each
chunk; leaving early (a stop, an error) cancels the chunks not started and waits for the few
running (well under a second).

Workers are forked where that is safe (the command line: they inherit spaCy and the tokenizer
already built) and spawned elsewhere (the window), see :mod:`annotator.nlp.processes`. A
spawned worker imports spaCy itself (1.5-3 CPU s), so the window's exports need more documents
before a pool pays (:func:`export_workers`). A daemonic process cannot start children:
there the export runs in one process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from annotator.domain import Misaligned
from annotator.io.export import Item, encode_record, export_meta
from annotator.nlp.processes import cpu_count, pool_map, start_method

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

CHUNK_DOCS = 50  # documents a worker turns into output at a time (about 0.1 s of work)
MAX_WORKERS = 8
# Fewer documents than this and a pool costs more than it saves. Measured (13:59, load 6.5-7, on
# bench/corpus.py articles, ~1.2 ms of CPU a document for conll or prodigy): a forked pool costs
# ~0.08 CPU s; two forked workers already finish sooner at 300 documents (conll 0.92 -> 0.71 s
# wall, prodigy 1.31 -> 1.07 s) and at 1,000 (4.30 -> 3.21, 5.30 -> 3.35), for +2-10% CPU. A
# spawned worker imports spaCy first (2.5-2.8 CPU s under that load), which about half a core
# on ~5,000 documents wins back; 10,000 leaves a margin.
PARALLEL_MIN_DOCS = {"fork": 500, "spawn": 10000}
# Formats whose chunks a worker can make: the JSONL ones that tokenize, and the file ones.
POOLED_FORMATS = ("prodigy", "conll", "spacy")


def export_workers(fmt: str, documents: int, requested: int | None = None) -> int:
    """Worker processes for exporting ``documents`` documents as ``fmt``: ``requested`` if
    given; else one per idle core (at most one per core) when there are enough documents for a
    pool to pay, and at least one core is idle; 1 (no pool) for other formats and in a daemonic
    process (it may not start children).

    Why idle cores: a worker only shortens the export if it gets a core of its own. With the
    cores already busy (measured at load 3-7 on 2 cores, bench/export.py and 1,000,000-span
    conll runs) the pool finished no sooner and cost 10-15% more CPU (pipes, each worker's own
    tokenizer caches)."""
    if fmt not in POOLED_FORMATS:
        return 1
    if requested is None:
        enough = documents >= PARALLEL_MIN_DOCS[start_method()]
        # A core half idle counts: the load average lags (a job that just ended still shows).
        requested = min(cpu_count(), MAX_WORKERS, round(idle_cores()) + 1) if enough else 1
    if requested > 1 and _daemonic():
        log.info("export: in a daemonic process, so in one process")
        return 1
    return max(1, requested)


def idle_cores() -> float:
    """Cores no runnable process took over the last minute (the load average; this process
    counts itself once it has run a while)."""
    try:
        return cpu_count() - os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average on this system
        return float(cpu_count())


def _daemonic() -> bool:
    import multiprocessing  # here: every export imports this module, few start a pool

    return multiprocessing.current_process().daemon


def chunked(items: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """``items`` as lists of ``size`` (default :data:`CHUNK_DOCS`; the last one shorter), read
    lazily."""
    size = size or CHUNK_DOCS
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def ordered_map(work: Callable[[list[Any]], R], chunks: Iterable[list[Any]], workers: int,
                lang: str) -> Iterator[R]:
    """``work(chunk)`` for each chunk, in order, computed in ``workers`` processes a few chunks
    ahead (``work`` must be picklable: a module-level function or a ``functools.partial`` of
    one). Closing the generator cancels the chunks not started."""
    method = start_method()
    log.debug("export: %d %s workers", workers, method)
    if method == "fork":
        # Build the tokenizer here, once, for every worker to inherit (else each builds its
        # own: ~0.7 CPU s each); pool_map keeps the collector off what they inherit.
        _warm(lang)
    yield from pool_map(work, chunks, workers, method, _start_worker, (lang,))


def _start_worker(lang: str) -> None:
    """A worker's start: :func:`_warm`, and srsly's codec lists built once for the worker's
    life (:func:`annotator.nlp.docbin.cached_msgpack_codecs`; a forked worker inherits them
    from the export). Why: entered per chunk, a spawned worker rebuilt them for every chunk of
    50 documents (~1.6 ms: ~3 CPU s a 1,000,000-span export from the window)."""
    _warm(lang)
    from annotator.nlp.docbin import keep_msgpack_codecs

    keep_msgpack_codecs()  # the worker process ends with the pool


def _warm(lang: str) -> None:
    """Build the tokenizer and its piece tokenizer (the special cases' patterns) before the
    first chunk (a forked worker has them already; each worker fills its own piece memo)."""
    from annotator.nlp.piece_tokens import pieces_of
    from annotator.nlp.tokens import blank_pipeline

    pieces_of(blank_pipeline(lang))


# -- the work of one chunk, in a worker -----------------------------------------------------------
# Each returns plain data: the chunk's output, how many documents and records (JSON lines; a
# document for the other formats) it holds, and the problems in the order the one-process export
# reports them.

Chunk = tuple[Any, int, int, list[Misaligned]]


def jsonl_chunk(fmt: str, lang: str, items: list[Item]) -> Chunk:
    """The JSON lines of ``items`` in ``fmt`` (a JSONL format of
    :mod:`annotator.services.export_formats`) as one string, and the number of records."""
    from annotator.services.export_formats import JSONL_FORMATS

    problems: list[Misaligned] = []
    writer = JSONL_FORMATS[fmt](lang, problems.append)
    lines = [encode_record(record) for item in items for record in writer(item)]
    return "".join(lines), len(items), len(lines), problems


def conll_chunk(lang: str, items: list[Item]) -> Chunk:
    """The CoNLL text of ``items`` as one string, and the number of documents."""
    from annotator.io.conll import conll_writer
    from annotator.nlp.tokens import make_tokenizer

    problems: list[Misaligned] = []
    write = conll_writer(make_tokenizer(lang), problems.append)
    return "".join(write(item) for item in items), len(items), len(items), problems


def docbin_items(sided: list[tuple[str, Item]]) -> list[tuple]:
    """Each ``(side, item)`` as the plain tuple :func:`docbin_chunk` takes: ``(side, doc_id,
    text, spans as (start, end, label), sections as (block, start, end, label), export meta,
    cached token runs)``, with one string object per label (pickled once a chunk).

    Why: pickling the items themselves (a Document dataclass with its Status, Span named tuples,
    Section dataclasses) and unpickling them in the worker cost ~90 us a document, a tenth of
    the DocBin work; these tuples cost ~10 us (bench/export.py, issue 12)."""
    labels: dict[str, str] = {}
    return [(side, item.doc.id, item.doc.text,
             [(s.start, s.end, labels.setdefault(s.label, s.label)) for s in item.spans],
             [(s.block, s.start, s.end, labels.setdefault(s.label, s.label))
              for s in item.sections],
             export_meta(item.doc), item.tokens)
            for side, item in sided]


def docbin_chunk(lang: str, section_labels: list[str], items: list[tuple]) -> Chunk:
    """The DocBin entries of :func:`docbin_items`' tuples, as
    :func:`annotator.nlp.docbin.pack_chunk` gives them (``(entries per output, spans that did
    not align per document)``), and the number of documents."""
    from annotator.domain import Section
    from annotator.nlp.docbin import cached_msgpack_codecs, pack_chunk
    from annotator.nlp.tokens import blank_pipeline

    nlp = blank_pipeline(lang)
    items = [(side, doc_id, text, spans, [Section(*sec) for sec in sections], meta, runs)
             for side, doc_id, text, spans, sections, meta, runs in items]
    with cached_msgpack_codecs():
        entries, bad = pack_chunk(nlp, items, section_labels)
    return (entries, bad), len(items), len(items), [b for one in bad for b in one]
