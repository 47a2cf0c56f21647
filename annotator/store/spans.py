"""Entity spans of documents: reads and validated, value-addressed edits.

A span is addressed by its identity ``(document, start, end)`` (spans of a document never
overlap), never by row id: undo re-inserts rows, which get new ids. An edit that names a span
which is no longer there exactly as the caller saw it (another window, another process changed
it) raises :class:`~annotator.domain.StaleEdit` and changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from annotator.domain import LabelKind, Span, SpanError, StaleEdit, overlapping, validate_span
from annotator.store.base import Base, now

# In Span's field order, so a row is a Span with no reshuffling.
SPAN_COLUMNS = 'start, "end", label, origin, annotator, id'
INSERT_SPAN = ('INSERT INTO spans (doc_id, start, "end", label, origin, annotator, created_at) '
               "VALUES (?, ?, ?, ?, ?, ?, ?)")


class Spans:
    """``store.spans``: the entity spans of the project's documents."""

    def __init__(self, base: Base):
        self._base = base

    def of(self, doc_id: int) -> list[Span]:
        """A document's spans in text order (empty for an unknown document)."""
        rows = self._base.conn.execute(
            f'SELECT {SPAN_COLUMNS} FROM spans WHERE doc_id = ? ORDER BY start, "end"', [doc_id]
        )
        new = tuple.__new__  # Span._make without its Python frame: a 300,000-span page opens faster
        return [new(Span, r) for r in rows]

    def of_many(self, doc_ids: Sequence[int], provenance: bool = True) -> dict[int, list[Span]]:
        """Spans of many documents in one query (exports read a batch at a time).

        Reads the id range in index order rather than an ``IN`` list, which makes SQLite sort:
        three times faster on a big project; rows of documents outside ``doc_ids`` are skipped.
        With ``provenance=False`` only offsets and labels are read (half the cost, for exports
        that write nothing else); those spans carry ``origin=""`` and no annotator or id."""
        out: dict[int, list[Span]] = {d: [] for d in doc_ids}
        if not doc_ids:
            return out
        # Without provenance the constant fields come from SQL, so that each row is a slice
        # (in C), not a tuple built in Python.
        columns = SPAN_COLUMNS if provenance else 'start, "end", label, \'\', NULL, NULL'
        rows = self._base.conn.execute(
            f"SELECT doc_id, {columns} FROM spans WHERE doc_id BETWEEN ? AND ? "
            "ORDER BY doc_id, start",
            [min(doc_ids), max(doc_ids)],
        )
        new = tuple.__new__  # Span._make without its Python frame: half the cost per row
        for row in rows:
            bucket = out.get(row[0])
            if bucket is None:
                continue
            bucket.append(new(Span, row[1:]))
        return out

    def add(self, doc_id: int, span: Span) -> tuple[Span, list[Span]]:
        """Store a span a person made; it replaces the spans it overlaps, in one transaction.

        Returns ``(stored span with its id, replaced spans)``. Raises ``KeyError`` (no such
        document) or :class:`SpanError` (bad offsets, unknown label)."""
        with self._base.transaction():
            removed, added = self.replace(
                doc_id, remove=overlapping(self.of(doc_id), span.start, span.end), add=[span]
            )
        return added[0], removed

    def replace(
        self, doc_id: int, remove: Iterable[Span] = (), add: Iterable[Span] = ()
    ) -> tuple[list[Span], list[Span]]:
        """Remove spans and add spans in one transaction: the primitive behind every span edit
        and its undo. Spans to remove are found by identity and must still be exactly as given
        (label, origin, annotator), else :class:`StaleEdit`. Each new span is validated
        (:class:`SpanError`: outside the text, empty, unknown label, or overlapping a span that
        stays); ``KeyError`` for an unknown document. Returns ``(removed, added)`` as stored,
        with their ids. Nothing changes when it raises."""
        base = self._base
        length = len(base.text_of(doc_id))
        entity_labels = set(base.label_names(LabelKind.ENTITY))
        with base.transaction() as conn:
            removed = [_delete(conn, doc_id, span) for span in remove]
            added = [_insert(conn, doc_id, span, length, entity_labels) for span in add]
            _remember_rejections(conn, doc_id, removed, added)
            base.touch(conn, doc_id)
        return removed, added

    def remove(self, doc_id: int, span: Span) -> Span:
        """Delete one span (found by identity); :class:`StaleEdit` when it is not there."""
        removed, _ = self.replace(doc_id, remove=[span])
        return removed[0]

    def label_counts(self) -> list[tuple[str, int, int]]:
        """``(label, count, confirmed count)``, most used first."""
        return _label_counts(self._base.conn, "spans")


def _delete(conn: sqlite3.Connection, doc_id: int, span: Span) -> Span:
    row = conn.execute(
        f'SELECT {SPAN_COLUMNS} FROM spans WHERE doc_id = ? AND start = ? AND "end" = ?',
        [doc_id, span.start, span.end],
    ).fetchone()
    if row is None or not Span._make(row).same_as(span):
        found = "nothing" if row is None else repr(Span._make(row)[:5])
        raise StaleEdit(f"span {span.start}-{span.end} {span.label} has changed since it was "
                        f"shown (the project now has {found} there)")
    conn.execute("DELETE FROM spans WHERE id = ?", [row[5]])
    return Span._make(row)


def _insert(conn: sqlite3.Connection, doc_id: int, span: Span, length: int,
            labels: set[str]) -> Span:
    validate_span(length, span.start, span.end)
    if span.label not in labels:
        raise SpanError(f"unknown entity label {span.label!r}")
    # Only the spans that overlap, found through the (doc_id, start) index: a person's edit on a
    # document with 1,000 spans must not read all of them.
    clash = conn.execute(
        f'SELECT {SPAN_COLUMNS} FROM spans WHERE doc_id = ? AND start < ? AND "end" > ? LIMIT 1',
        [doc_id, span.end, span.start],
    ).fetchone()
    if clash:
        raise SpanError(f"span {span.start}-{span.end} overlaps {Span._make(clash)}")
    cur = conn.execute(INSERT_SPAN, [doc_id, span.start, span.end, span.label, span.origin,
                                     span.annotator, now()])
    return span.with_id(cur.lastrowid)


def _remember_rejections(conn: sqlite3.Connection, doc_id: int, removed: list[Span],
                         added: list[Span]) -> None:
    """A suggestion a person removed (deleted, relabelled, resized) is kept as a rejection of
    ``(start, end, label)``, so no model suggests it again; a span added back with the same
    label (undo, or the person changing their mind) lifts it."""
    kept = {(s.start, s.end, s.label) for s in added}
    stamp = now()
    conn.executemany(
        'INSERT OR IGNORE INTO rejected_spans (doc_id, start, "end", label, origin, created_at) '
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(doc_id, s.start, s.end, s.label, s.origin, stamp) for s in removed
         if s.is_suggestion and (s.start, s.end, s.label) not in kept])
    conn.executemany(
        'DELETE FROM rejected_spans WHERE doc_id = ? AND start = ? AND "end" = ? AND label = ?',
        [(doc_id, *key) for key in kept])


def _label_counts(conn: sqlite3.Connection, table: str) -> list[tuple[str, int, int]]:
    rows = conn.execute(
        f"SELECT label, count(*), sum(annotator IS NOT NULL OR origin = 'human') "
        f"FROM {table} GROUP BY label ORDER BY count(*) DESC"
    )
    return [tuple(r) for r in rows]
