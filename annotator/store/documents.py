"""Documents: reads for lists and exports, status changes, and batched inserts."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from annotator.domain import Document, LabelKind, NewDocument, Status
from annotator.store.base import Base, chunks, marks, now
from annotator.store.bulk import LARGE_TEXT, AddResult, Prepared, insert_batch, prepare_batch
from annotator.store.listing import ListQuery
from annotator.store.person_first import PersonAsked

log = logging.getLogger(__name__)

# How long a bulk write may hold the project's write lock per transaction: a person's label
# waits at most about this long while an import, a pre-annotation or a merge runs.
LOCK_SECONDS = 0.05
# While documents are added, the write-ahead log is copied into the project file once it holds
# this many pages (SQLite's default is 1,000, 4 MB): every batch rewrites the same index pages
# (the hash index's, at random places; the full-text index's), and a page written by several
# batches between two checkpoints is copied once. Measured on 100,000 .txt files: 21.0 -> 18.6
# CPU s of store work (4,000 pages saved nothing). The log may grow to about 40 MB meanwhile.
BULK_CHECKPOINT_PAGES = 10_000
# A batch ends early once its texts pass this many characters, so that whole batches of long
# articles never hold much of a file in memory at once.
BATCH_CHARS = 4_000_000
# ... and a batch while no window holds the project open (``alone_batch``) at this many: each
# commit rewrites every page of the hash index its batch touched (5,000 hashes at random places
# touch nearly every one), so fewer, larger batches write it fewer times.
ALONE_BATCH_CHARS = 16_000_000
# SQLite's page cache (KiB) while documents are added, instead of its 2 MB: each batch looks
# up and inserts hashes at random places of the hash index (8 MB at 100,000 documents), and
# with 2 MB nearly every one read its page from the operating system again. Measured on
# 100,000 .txt files: see the README's import figures. Not for a batch with a text written
# in pieces (bulk.LARGE_TEXT): the cache would keep up to this much of it in memory.
BULK_CACHE_KIB = 32_768
DOC_COLUMNS = "id, text, hash, source, meta, status, created_at, updated_at, revision"


def row_to_document(row: sqlite3.Row | tuple) -> Document:
    doc_id, text, hash_, source, meta, status, created, updated, revision = row
    return Document(doc_id, text, hash_, source, json.loads(meta), Status(status), created, updated,
                    revision)


class Documents:
    """``store.documents``: the project's documents."""

    def __init__(self, base: Base):
        self._base = base
        self._cache = -2000  # the connection's page cache size, as add() found it

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._base.conn

    def get(self, doc_id: int) -> Document:
        """One document; ``KeyError`` when there is none with that id."""
        row = self._conn.execute(f"SELECT {DOC_COLUMNS} FROM documents WHERE id = ?", [doc_id])
        found = row.fetchone()
        if found is None:
            raise KeyError(f"no document {doc_id}")
        return row_to_document(found)

    def ids(self, statuses: list[Status] | None = None) -> list[int]:
        where, params = _status_filter(statuses)
        rows = self._conn.execute(f"SELECT id FROM documents {where} ORDER BY id", params)
        return [r[0] for r in rows]

    def iter(
        self, statuses: list[Status] | None = None, batch_size: int = 500
    ) -> Iterator[list[Document]]:
        """Documents in id order, a batch at a time, so exports never hold the project in memory."""
        where, params = _status_filter(statuses)
        where = f"{where} AND id > ?" if where else "WHERE id > ?"
        last = 0
        while True:
            rows = self._conn.execute(
                f"SELECT {DOC_COLUMNS} FROM documents {where} ORDER BY id LIMIT ?",
                [*params, last, batch_size],
            ).fetchall()
            if not rows:
                return
            yield [row_to_document(r) for r in rows]
            last = rows[-1][0]

    def count(self, status: Status | None = None, text: str = "") -> int:
        """How many documents match the list's filters (``TypeError``: status not a Status)."""
        return self.list_query(status, text).count()

    def list_query(self, status: Status | None = None, text: str = "") -> ListQuery:
        """The document list under a filter, read a window at a time (see
        :mod:`annotator.store.listing`). ``TypeError`` when ``status`` is not a Status."""
        return ListQuery(self._conn, status, text)

    def page(
        self, offset: int, limit: int, status: Status | None = None, text: str = ""
    ) -> list[dict[str, Any]]:
        """One page of the document list: id, title, status and entity count; never the text.
        ``TypeError`` when ``status`` is not a :class:`Status` (or ``None``)."""
        ids = self.list_query(status, text).ids(offset, limit)
        rows = self.rows_of(ids)
        return [rows[i] for i in ids if i in rows]

    def rows_of(self, doc_ids: list[int]) -> dict[int, dict[str, Any]]:
        """List rows (as :meth:`page` gives them) of the given documents, by id."""
        out: dict[int, dict[str, Any]] = {}
        for chunk in chunks(doc_ids):
            rows = self._conn.execute(
                f"SELECT {_LIST_COLUMNS} FROM documents d WHERE d.id IN ({marks(chunk)})", chunk)
            out.update((r[0], _list_row(r)) for r in rows)
        return out

    def revisions(self, doc_ids: list[int]) -> dict[int, int]:
        """The current revision of each document (see :class:`annotator.domain.Document`)."""
        out: dict[int, int] = {}
        for chunk in chunks(doc_ids):
            out.update(self._conn.execute(
                f"SELECT id, revision FROM documents WHERE id IN ({marks(chunk)})", chunk))
        return out

    def revision_and_status(self, doc_id: int) -> tuple[int, Status] | None:
        """A document's revision and status (``None``: no such document): what an edit's
        transaction reads before and after it writes."""
        row = self._conn.execute("SELECT revision, status FROM documents WHERE id = ?",
                                 [doc_id]).fetchone()
        return None if row is None else (row[0], Status(row[1]))

    def status_counts(self) -> dict[Status, int]:
        rows = self._conn.execute("SELECT status, count(*) FROM documents GROUP BY status")
        counts = {s: 0 for s in Status}
        counts.update({Status(s): n for s, n in rows})
        return counts

    def set_status(self, doc_id: int, status: Status, annotator: str | None = None) -> None:
        """Change a document's status. Accepting confirms its remaining suggestions in the name
        of ``annotator``, so they count as a person's labels from then on. ``KeyError`` for an
        unknown document."""
        with self._base.transaction() as conn:
            cur = conn.execute(
                "UPDATE documents SET status = ?, updated_at = ?, revision = revision + 1 "
                "WHERE id = ?",
                [Status(status).value, now(), doc_id],
            )
            if cur.rowcount == 0:
                raise KeyError(f"no document {doc_id}")
            if status == Status.ACCEPTED and annotator:
                for table in ("spans", "sections"):
                    conn.execute(
                        f"UPDATE {table} SET annotator = ? WHERE doc_id = ? AND annotator IS NULL",
                        [annotator, doc_id],
                    )

    def add(
        self,
        records: Iterable[NewDocument],
        batch_size: int = 1000,
        on_batch: Callable[[AddResult], None] | None = None,
        lock_seconds: float = LOCK_SECONDS,
        fixed_labels: Iterable[LabelKind] = (),
        min_batch: int = 1,
        in_batch: Callable[[AddResult], None] | None = None,
        alone_batch: int = 0,
    ) -> AddResult:
        """Insert documents with their spans and sections, skipping texts already present.

        Labels the records bring join the label set, except refused names and any new name of
        a kind in ``fixed_labels``; what carries them is dropped and listed in
        ``result.refused`` (see :func:`annotator.store.bulk.insert_batch`).

        Each batch is one transaction: a crash loses at most the batch in flight, never what was
        committed before. Batches are sized so that each holds the write lock for about
        ``lock_seconds`` (at most ``batch_size`` documents, at least ``min_batch`` unless they
        pass :data:`BATCH_CHARS` characters of text): a person
        labelling in the window meanwhile waits no longer than that. What needs no lock (hashes,
        titles) is done before the transaction. ``min_batch`` is for imports no window waits on
        (the command line's): on a loaded machine the lock time alone shrinks batches to a few
        dozen documents, and each commit costs a full-text index segment and a sync.
        ``alone_batch``: documents per transaction while no window holds the project open
        (asked before each batch, :meth:`~annotator.store.person_first.PersonFirst.watched`):
        nobody waits for the lock then, and every commit rewrites the pages all batches share
        (the hash index's leaves at random places, the full-text index's newest segment).
        ``on_batch`` is called after each commit (progress, cancellation); what it raises ends
        the run with every earlier batch kept. ``in_batch`` is called with the batch's result
        inside its transaction, once its rows are written: what it writes commits with the
        documents or not at all (an importer's near-duplicate line counts), and costs no
        commit of its own."""
        result = AddResult()
        known = {kind: set(self._base.label_names(kind)) for kind in ("entity", "section")}
        fixed = frozenset(LabelKind(k) for k in fixed_labels)
        min_batch = max(1, min(min_batch, batch_size))
        previous = self._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        self._cache = self._conn.execute("PRAGMA cache_size").fetchone()[0]
        self._conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        try:
            with self._base.syncing_after_commit():  # the lock is not held while it syncs
                self._add(iter(records), result, batch_size, (in_batch, on_batch),
                          lock_seconds, known, fixed, (min_batch, alone_batch))
        finally:
            self._conn.execute(f"PRAGMA wal_autocheckpoint = {int(previous)}")
            self._conn.execute(f"PRAGMA cache_size = {int(self._cache)}")
        return result

    def _add(self, it: Iterator[NewDocument], result: AddResult, batch_size: int,
             calls: tuple[Callable[[AddResult], None] | None, ...], lock_seconds: float,
             known: dict[str, set[str]], fixed: frozenset[LabelKind],
             sizes: tuple[int, int]) -> None:
        """:meth:`add`'s batches, each one transaction; ``calls`` is ``(in_batch, on_batch)``,
        ``sizes`` ``(min_batch, alone_batch)``. What a batch left when it gave way to the
        window (:meth:`_write`) is the next batch."""
        in_batch, on_batch = calls
        min_batch, alone_batch = sizes
        size = max(min_batch, min(batch_size, 20))
        left: list[Prepared] = []
        while True:
            if left:
                prepared, left = left, []
            else:
                alone = bool(alone_batch) and not self._base.person.watched()
                batch = (_take(it, max(size, alone_batch), ALONE_BATCH_CHARS) if alone
                         else _take(it, size))
                if not batch:
                    return
                self._size_cache(batch)
                prepared = prepare_batch(batch)
                del batch
            step, held, left = self._write(prepared, known, fixed, in_batch)
            written = len(prepared) - len(left)
            size = max(min_batch, min(batch_size, int(written * lock_seconds / max(held, 1e-4))))
            result.added += step.added
            result.duplicates += step.duplicates
            result.refused += step.refused
            del prepared  # its records are freed before on_batch (an importer collects there)
            if on_batch is not None:
                on_batch(step)

    def _write(self, prepared: list[Prepared], known: dict[str, set[str]],
               fixed: frozenset[LabelKind], in_batch: Callable[[AddResult], None] | None,
               ) -> tuple[AddResult, float, list[Prepared]]:
        """The batch, or its first part, in one transaction; returns what it did, the seconds
        it held the write lock (not what it waited for the lock, nor the log's sync after its
        commit) and what it left for the next batch.

        The batch gives way to the window (:meth:`~annotator.store.base.Base.try_giving_way`):
        when a label is pressed meanwhile, the batch stops and rolls back, and its first half
        is written after the label (the rest is the next batch), giving way again if asked
        again. The label waits a few milliseconds, and so does the next one: the second try of
        a whole batch never gave way, and with the import at a low CPU priority on a busy
        machine it held the lock for up to 300-450 ms, which the next label key waited for.
        One document gives way once, then is written (:meth:`~annotator.store.base.Base.
        giving_way`): a person labelling without a pause slows an import, never stops it.
        ``known`` (the label names the batch may add to) is put back for every try."""
        before = {kind: set(names) for kind, names in known.items()}
        began: list[float] = []
        part = prepared

        def write(conn: sqlite3.Connection) -> AddResult:
            began.append(time.perf_counter())  # the lock is held from here
            known.update({kind: set(names) for kind, names in before.items()})
            step = AddResult()
            insert_batch(conn, part, step, known, fixed)
            if in_batch is not None and step.added:
                in_batch(step)
            return step

        while len(part) > 1:
            try:
                step = self._base.try_giving_way(write)
                break
            except PersonAsked:
                log.debug("a batch of %d documents rolled back for the window", len(part))
                part = part[:len(part) // 2]
        else:
            step = self._base.giving_way(write)
        return step, time.perf_counter() - began[-1] - self._base.last_sync, prepared[len(part):]

    def _size_cache(self, batch: list[NewDocument]) -> None:
        """:data:`BULK_CACHE_KIB` of page cache for this batch, or the connection's own when a
        text of it is written in pieces (a larger cache would hold more of it)."""
        large = any(len(rec.text) > LARGE_TEXT for rec in batch)
        self._conn.execute(f"PRAGMA cache_size = {int(self._cache) if large else -BULK_CACHE_KIB}")


def _take(it: Iterator[NewDocument], size: int, most_chars: int | None = None
          ) -> list[NewDocument]:
    """The next ``size`` records, or fewer once their texts pass ``most_chars`` characters
    (:data:`BATCH_CHARS` when not given)."""
    most_chars = BATCH_CHARS if most_chars is None else most_chars
    batch: list[NewDocument] = []
    chars = 0
    for rec in it:
        batch.append(rec)
        chars += len(rec.text)
        if len(batch) >= size or chars >= most_chars:
            break
    return batch


_LIST_COLUMNS = ("d.id, d.title, d.status, "
                 "(SELECT count(*) FROM spans s WHERE s.doc_id = d.id) AS n_spans")


_STATUS = {s.value: s for s in Status}  # a dict lookup, not an enum call, per listed row


def _list_row(r: tuple) -> dict[str, Any]:
    return {"id": r[0], "title": r[1], "status": _STATUS[r[2]], "n_spans": r[3]}


def _status_filter(statuses: list[Status] | None) -> tuple[str, list[Any]]:
    if not statuses:
        return "", []
    marks = ", ".join("?" for _ in statuses)
    return f"WHERE status IN ({marks})", [Status(s).value for s in statuses]
