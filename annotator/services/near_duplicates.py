"""Find wire-copy near-duplicates and keep their groups up to date: the job run after an import
(and by ``annotator near-duplicates``).

1. Count in how many documents each prose line appears, for every document not counted yet
   (a line many pages share is their site's template), then sign every document that has no
   signature yet (:mod:`annotator.nlp.near_dups`), a batch per transaction each, so a stopped
   run keeps what it did and the next one goes on from there. Counting every new document
   before signing any means a whole import's pages inform each other's templates.
2. Load every signature, make LSH candidate pairs that involve at least one new document, keep
   those whose body shingles mostly lie inside each other, and join them with the groups already
   stored (union-find): a reprint imported today joins last week's group.
3. Write the group ids that changed in one transaction.

A group's id is its smallest document id.

Counting and signing (most of the CPU time) run in one worker process per core for a large job
(:mod:`annotator.services.near_dup_batches`): each reads its batch from the project file and
sends back line counts or signature rows, which this process stores in batch order, so the
result is the same as one process's, byte for byte. The three views' candidates are made side by
side the same way. 100,000 documents: about 55 s of CPU, shared by the 2 cores of the
development machine (see ``bench/near_duplicates.py`` and the README for the wall time).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.core.changes import Changes
from annotator.core.tasks import Cancelled, Progress, ShouldStop, never, no_progress
from annotator.domain import count
from annotator.nlp import near_dups as nd
from annotator.services.near_dup_batches import BatchRunner, batches_of, worker_count
from annotator.store import Store

log = logging.getLogger(__name__)

SIGN_BATCH = 2000  # documents signed per transaction


@dataclass
class GroupingReport:
    """What a grouping run did: documents signed, candidate and verified pairs among them, the
    documents whose group changed, and the number of groups (2+ documents) now stored."""

    signed: int = 0
    candidates: int = 0
    pairs: int = 0
    changed: list[int] = field(default_factory=list)
    groups: int = 0
    grouped_documents: int = 0
    workers: int = 1  # processes that counted and signed

    @property
    def changes(self) -> Changes:
        return Changes(documents=frozenset(self.changed), origin="near-duplicates")

    def text(self) -> str:
        return (f"Near-duplicates: {count(self.groups, 'group')} of "
                f"{count(self.grouped_documents, 'document')} "
                f"({count(self.signed, 'document')} signed, {len(self.changed)} regrouped)")


def group_documents(store: Store, *, progress: Progress = no_progress,
                    should_stop: ShouldStop = never, batch_size: int = SIGN_BATCH,
                    workers: int | None = None) -> GroupingReport:
    """Sign unsigned documents and update the groups (see the module docstring). A stop
    between batches raises :class:`Cancelled` with the report so far (signatures committed,
    groups not yet updated: the next run does it).

    ``workers``: processes that count and sign (None: one per core for a large job, see
    :func:`near_dup_batches.worker_count`); this process stays the only writer, storing the
    batches in order, so any number of workers gives the same signatures and groups."""
    report = GroupingReport()
    store.near_dups.ensure_params(nd.PARAMS)
    uncounted = store.near_dups.uncounted_ids()
    n = worker_count(store, len(uncounted) + store.near_dups.count_unsigned(), workers)
    report.workers = n
    started = time.perf_counter()
    with BatchRunner(store, n) as runner:
        # 1: count the prose lines (and sign the documents with none: see count_batch)
        def store_counts(result: tuple[list[int], dict[int, int], list[int]]) -> int:
            ids, counts, blank = result
            store.near_dups.add_line_counts(ids, counts, blank, nd.BLANK_ROW)
            report.signed += len(blank)
            return len(ids)

        _pass(runner, count_batch, batches_of(uncounted, batch_size), store_counts,
              len(uncounted), "Reading", progress, should_stop, report)
        counted = time.perf_counter()
        unsigned = store.near_dups.unsigned_ids()  # 2: sign, knowing the template

        def store_signatures(rows: list) -> int:
            store.near_dups.add_signatures(rows)
            report.signed += len(rows)
            return len(rows)

        _pass(runner, sign_batch, batches_of(unsigned, batch_size), store_signatures,
              len(unsigned), "Signing", progress, should_stop, report)
        signed = time.perf_counter()
        _regroup(store, report, runner)
    log.info("near-duplicates in %d processes: counted %d documents in %.1f s, signed %d in "
             "%.1f s, compared and grouped in %.1f s", n, len(uncounted), counted - started,
             report.signed, signed - counted, time.perf_counter() - signed)
    return report


def _pass(runner: BatchRunner, work: Callable, batches: Iterable[list[int]],
          keep: Callable[[Any], int], total: int, verb: str, progress: Progress,
          should_stop: ShouldStop, report: GroupingReport) -> None:
    """One pass over ``batches``: the workers run ``work``, this process stores each result in
    order with ``keep`` (which returns the documents it covered), reports progress and stops
    between batches (:class:`Cancelled` with the report so far)."""
    done = 0
    for result in runner.map(work, batches):
        done += keep(result)
        progress(done, total, f"{verb} for near-duplicates: {done} of {total}")
        if should_stop():
            raise Cancelled(report)


def count_batch(store: Store, ids: list[int]) -> tuple[list[int], dict[int, int], list[int]]:
    """Pass 1 for a batch of documents (run by a worker, reading only): ``(ids, {prose line
    hash: documents of the batch with it}, the documents with no prose line)``.

    A document without a prose line has empty bodies in every view whatever the line counts
    say, so its signature is known now (:data:`nd.BLANK_ROW`): it is stored with its row and
    pass 2 never reads the document again (short texts, headline lists and bare link pages;
    every article of the synthetic import bench is one)."""
    counts: Counter[int] = Counter()
    blank = []
    for doc_id, text in store.near_dups.texts(ids):
        keys = nd.line_keys(text)
        if keys:
            counts.update(keys)
        else:
            blank.append(doc_id)
    return ids, dict(counts), blank


def sign_batch(store: Store, ids: list[int]) -> list[tuple[int, bytes, int]]:
    """Pass 2 for a batch of counted documents (run by a worker, reading only): their stored
    signature rows ``(doc_id, signature bytes, view 0's shingles)``."""
    batch = store.near_dups.texts(ids)
    parsed = [nd.prose_of(text) for _, text in batch]
    keys = {line: nd.line_key(line) for lines, prose in parsed
            for line in {lines[i].strip() for i in prose}}
    counts = store.near_dups.line_counts(sorted(set(keys.values())))
    shared = {line: counts.get(key, 1) for line, key in keys.items()}
    sigs = _signed_views([nd.views_from(lines, prose, shared) for lines, prose in parsed])
    return list(zip([doc_id for doc_id, _ in batch], _packed(sigs), sigs[0].sizes.tolist(),
                    strict=True))


def _regroup(store: Store, report: GroupingReport, runner: BatchRunner) -> None:
    """Compare the documents not compared yet (group NULL) with every signed one, each view
    in a process of ``runner``. Documents with no prose line (:data:`nd.BLANK_ROW`), which
    can pair with none, were put in no group when counted and are not read back (their
    signatures were 78 MB of the 100,000-document import bench's, all its articles being
    such); one counted by an older version (group NULL) is compared as any other."""
    ids, stored, sizes, groups = store.near_dups.all_signatures(
        skip_alone=(nd.BLANK_ROW[0], nd.BLANK_SIGNATURE))  # stored now; by older versions
    if not ids:
        return
    n = len(ids)
    fresh = np.array([g is None for g in groups])
    if not fresh.any():
        return
    blob = b"".join([sig or nd.BLANK_SIGNATURE for sig in stored])  # blank: stored as b""
    views = runner.spread(view_pairs, [(sig, fresh) for sig in _unpacked(blob, n)])
    report.candidates = sum(candidates for candidates, _ in views)
    found = nd.unique_pairs(np.concatenate([pairs for _, pairs in views]), n)
    report.pairs = len(found)
    index = {doc_id: i for i, doc_id in enumerate(ids)}
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, g in enumerate(groups):  # the groups already stored stay together
        if g and g in index:
            parent[root(i)] = root(index[g])
    for a, b in found.tolist():
        parent[root(a)] = root(b)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    new: dict[int, int] = {}
    for m in members.values():
        gid = ids[m[0]] if len(m) > 1 else 0  # rows are in id order: m[0] is the smallest
        for i in m:
            if groups[i] != gid:
                new[ids[i]] = gid
    if new:
        store.near_dups.set_groups(new)
    report.changed = sorted(ids[index[d]] for d, g in new.items() if (groups[index[d]] or 0) != g)
    grouped = [m for m in members.values() if len(m) > 1]
    report.groups = len(grouped)
    report.grouped_documents = sum(len(m) for m in grouped)
    log.info("%s", report.text())


def view_pairs(sig: nd.Signatures, fresh: np.ndarray) -> tuple[int, np.ndarray]:
    """One view's LSH candidate pairs with at least one ``fresh`` document: their number, and
    those that verify (a pair any view finds and verifies is a near duplicate)."""
    pairs = nd.candidate_pairs(nd.band_keys(sig.values, sig.sizes), fresh)
    return len(pairs), nd.verified(pairs, sig)


def _signed_views(views: list[list[str]]) -> list[nd.Signatures]:
    """The signatures of each view (``views[doc][view]`` bodies), a body that is in several
    views of a document (most often the two runs are one) signed once."""
    distinct: dict[str, int] = {}
    where = np.array([[distinct.setdefault(body, len(distinct)) for body in v] for v in views],
                     dtype=np.int64).reshape(len(views), nd.VIEWS)
    sig = nd.sign_bodies(list(distinct))
    return [nd.Signatures(sig.values[where[:, k]], sig.sizes[where[:, k]])
            for k in range(nd.VIEWS)]


_ROW_BYTES = nd.SIGNATURE_BYTES  # a stored signature: every view's bins, then sizes


def _packed(sigs: list[nd.Signatures]) -> list[bytes]:
    """Each document's stored signature: the :data:`nd.VIEWS` views' ``uint16`` bins one
    after the other, then their shingle counts as ``uint32`` (little-endian); the blank one
    (no shingle in any view, :data:`nd.BLANK_SIGNATURE`) as no bytes, as counting stores it
    (:data:`nd.BLANK_ROW`). Built as one array for the batch (a few numpy calls, not a few per
    document)."""
    n = len(sigs[0])
    if not n:
        return []
    values = np.concatenate([s.values for s in sigs], axis=1).astype("<u2")
    sizes = np.stack([s.sizes for s in sigs], axis=1).astype("<u4")
    rows = np.concatenate([values.view(np.uint8).reshape(n, -1),
                           sizes.view(np.uint8).reshape(n, -1)], axis=1).tobytes()
    blank = nd.BLANK_ROW[0]
    return [blank if row == nd.BLANK_SIGNATURE else row
            for row in (rows[i:i + _ROW_BYTES] for i in range(0, n * _ROW_BYTES, _ROW_BYTES))]


def _unpacked(blob: bytes, n: int) -> list[nd.Signatures]:
    """The :data:`nd.VIEWS` views of ``n`` stored signatures (see :func:`_packed`). Rows of
    another shape cannot be here: ``ensure_params`` drops them when the version changes."""
    if len(blob) != n * _ROW_BYTES:
        raise ValueError(f"near-duplicate signatures of {len(blob)} bytes for {n} documents "
                         f"(expected {_ROW_BYTES} each)")
    rows = np.frombuffer(blob, dtype=np.uint8).reshape(n, _ROW_BYTES)
    values = rows[:, :nd.VIEWS * nd.BINS * 2].copy().view("<u2").reshape(n, nd.VIEWS, nd.BINS)
    sizes = rows[:, nd.VIEWS * nd.BINS * 2:].copy().view("<u4").astype(np.int64)
    return [nd.Signatures(np.ascontiguousarray(values[:, k]), sizes[:, k])
            for k in range(nd.VIEWS)]
