"""Machine suggestions in bulk: model and pattern entities, rule-based sections, and the
``preannotated`` bookkeeping that makes a pre-annotation run idempotent and resumable.

One transaction per batch of documents. Inside it we re-read the spans and sections that are there
now, so a span a person adds in the app while the model runs is respected: a suggestion never
replaces or overlaps an existing span (a person's, an import's or an earlier suggestion's), and a
section suggestion only fills a block that has no section yet. The batch's documents are marked as
done for the run key in the same transaction, so an interrupted run resumes exactly after the last
committed batch and a re-run adds nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.domain import HUMAN, RULES, Span, Status
from annotator.store.base import Base, marks, now
from annotator.store.spans import INSERT_SPAN
from annotator.store.token_cache import write_runs

# Finished documents are a person's decision; new suggestions there would leak into the export.
PREANNOTATE_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.SKIPPED)


@dataclass
class DocSuggestions:
    """What the machine proposes for one document: entity spans and ``(block, start, end, label)``
    section tags, all with their source already set."""

    doc_id: int
    spans: list[Span] = field(default_factory=list)
    sections: list[tuple[int, int, int, str]] = field(default_factory=list)
    section_origin: str = RULES


@dataclass(frozen=True)
class Confirmed:
    """What "Apply suggestions" (or accepting) confirmed: span identities ``(start, end)`` and
    block numbers, so that undo can un-confirm exactly those, whatever their row ids are now."""

    spans: tuple[tuple[int, int], ...] = ()
    blocks: tuple[int, ...] = ()


class Suggestions:
    """``store.suggestions``: machine suggestions in bulk, and confirming them."""

    def __init__(self, base: Base):
        self._base = base
        self.conn = base.conn

    def transaction(self):
        return self._base.transaction()

    def count_pending(
        self, run_key: str, statuses: Sequence[Status] = PREANNOTATE_STATUSES
    ) -> int:
        """Documents in ``statuses`` not yet pre-annotated under ``run_key``."""
        sql, params = _pending_sql("count(*)", run_key, statuses)
        return self.conn.execute(sql, params).fetchone()[0]

    def iter_pending(
        self,
        run_key: str,
        batch_size: int,
        statuses: Sequence[Status] = PREANNOTATE_STATUSES,
    ) -> Iterator[list[tuple[int, str]]]:
        """``(doc_id, text)`` batches of documents not yet done under ``run_key``, in id order.

        Pages by id, so a batch committed meanwhile is never read again and nothing is skipped."""
        last = 0
        while True:
            sql, params = _pending_sql("d.id, d.text", run_key, statuses, after=last)
            rows = self.conn.execute(f"{sql} ORDER BY d.id LIMIT ?", [*params, batch_size])
            batch = [(r[0], r[1]) for r in rows]
            if not batch:
                return
            yield batch
            last = batch[-1][0]

    def html_pages(self, doc_ids: Sequence[int]) -> dict[int, tuple[str, list[dict]]]:
        """``doc_id -> (html, per-block features)`` for the documents that came from HTML."""
        if not doc_ids:
            return {}
        rows = self.conn.execute(
            f"SELECT doc_id, html, blocks FROM html_pages WHERE doc_id IN ({marks(doc_ids)})",
            list(doc_ids),
        )
        return {r[0]: (r[1], json.loads(r[2] or "[]")) for r in rows}

    def is_preannotated(self, doc_id: int, run_key: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM preannotated WHERE doc_id = ? AND model = ?", [doc_id, run_key]
        ).fetchone()
        return row is not None

    def add(
        self, run_key: str, batch: Iterable[DocSuggestions], replace_models: str | None = None,
        token_runs: tuple[str, list[tuple[int, bytes]]] | None = None,
    ) -> tuple[int, int]:
        """Store a batch of suggestions and mark its documents done under ``run_key``, in one
        transaction. Returns ``(spans stored, sections stored)``.

        A suggestion a person rejected (``rejected_spans``: same offsets and label) is never
        stored again. With ``replace_models`` (the new model's origin, ``model:ner-N``) the
        documents' unconfirmed suggestions of every other model are removed first: a new model
        version replaces the old one's suggestions, never a person's spans. ``token_runs``
        (tokenizer name, ``(doc_id, runs)``): the documents' tokens for the token cache, in the
        same transaction (:func:`annotator.store.token_cache.write_runs`)."""
        items = list(batch)
        if not items:
            return 0, 0
        ids = [s.doc_id for s in items]
        stamp = now()

        def write(conn: sqlite3.Connection) -> tuple[int, int]:  # may run twice: giving_way
            if replace_models:
                conn.execute(
                    f"DELETE FROM spans WHERE doc_id IN ({marks(ids)}) AND annotator IS NULL "
                    "AND origin LIKE 'model:%' AND origin != ?", [*ids, replace_models])
            taken = _existing_spans(conn, ids)
            refused = self.rejected(ids)
            span_rows = [
                (s.doc_id, sp.start, sp.end, sp.label, sp.origin, None, stamp)
                for s in items
                for sp in _free_spans(
                    [c for c in s.spans
                     if (c.start, c.end, c.label) not in refused.get(s.doc_id, ())],
                    taken.get(s.doc_id, []))
            ]
            conn.executemany(INSERT_SPAN, span_rows)
            before = conn.total_changes
            conn.executemany(
                'INSERT OR IGNORE INTO sections (doc_id, block, start, "end", label, origin, '
                "annotator, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                [(s.doc_id, b, start, end, label, s.section_origin, stamp)
                 for s in items for b, start, end, label in s.sections],
            )
            n_sections = conn.total_changes - before
            conn.executemany(
                "INSERT OR IGNORE INTO preannotated (doc_id, model, created_at) VALUES (?, ?, ?)",
                [(i, run_key, stamp) for i in ids],
            )
            self._base.bump(conn, ids)
            if token_runs is not None and token_runs[1]:
                write_runs(conn, *token_runs)
            return len(span_rows), n_sections

        return self._base.giving_way(write)

    def rejected(self, doc_ids: Sequence[int]) -> dict[int, set[tuple[int, int, str]]]:
        """``doc_id -> {(start, end, label)}`` of the suggestions a person rejected."""
        out: dict[int, set[tuple[int, int, str]]] = {}
        if not doc_ids:
            return out
        rows = self.conn.execute(
            f'SELECT doc_id, start, "end", label FROM rejected_spans '
            f"WHERE doc_id IN ({marks(doc_ids)})", list(doc_ids))
        for doc_id, start, end, label in rows:
            out.setdefault(doc_id, set()).add((start, end, label))
        return out

    def confirm(self, doc_id: int, annotator: str) -> Confirmed:
        """Confirm every remaining suggestion of a document in the name of ``annotator``, in
        one transaction ("Apply suggestions"; accepting does it too). Returns what it confirmed,
        for undo. ``KeyError`` for an unknown document."""
        base = self._base
        base.text_of(doc_id)
        with base.transaction() as conn:
            spans = conn.execute(
                'SELECT start, "end" FROM spans WHERE doc_id = ? AND annotator IS NULL '
                "AND origin != ?", [doc_id, HUMAN]).fetchall()
            blocks = conn.execute(
                "SELECT block FROM sections WHERE doc_id = ? AND annotator IS NULL "
                "AND origin != ?", [doc_id, HUMAN]).fetchall()
            for table in ("spans", "sections"):
                conn.execute(f"UPDATE {table} SET annotator = ? WHERE doc_id = ? AND "
                             "annotator IS NULL AND origin != ?", [annotator, doc_id, HUMAN])
            base.touch(conn, doc_id)
        return Confirmed(tuple(map(tuple, spans)), tuple(b[0] for b in blocks))

    def unconfirm(self, doc_id: int, confirmed: Confirmed) -> None:
        """Undo of :meth:`confirm`: those spans and blocks become suggestions again."""
        with self._base.transaction() as conn:
            conn.executemany('UPDATE spans SET annotator = NULL WHERE doc_id = ? AND start = ? '
                             'AND "end" = ?', [(doc_id, s, e) for s, e in confirmed.spans])
            conn.executemany("UPDATE sections SET annotator = NULL WHERE doc_id = ? AND "
                             "block = ?", [(doc_id, b) for b in confirmed.blocks])
            self._base.bump(conn, [doc_id])


def _pending_sql(
    columns: str, run_key: str, statuses: Sequence[Status], after: int | None = None
) -> tuple[str, list[Any]]:
    where = [f"d.status IN ({marks(statuses)})",
             "NOT EXISTS (SELECT 1 FROM preannotated p WHERE p.doc_id = d.id AND p.model = ?)"]
    params: list[Any] = [s.value for s in statuses] + [run_key]
    if after is not None:
        where.append("d.id > ?")
        params.append(after)
    return f"SELECT {columns} FROM documents d WHERE {' AND '.join(where)}", params


def _existing_spans(conn: sqlite3.Connection, doc_ids: list[int]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = {}
    rows = conn.execute(
        f'SELECT doc_id, start, "end" FROM spans WHERE doc_id IN ({marks(doc_ids)})', doc_ids
    )
    for doc_id, start, end in rows:
        out.setdefault(doc_id, []).append((start, end))
    return out


def _free_spans(candidates: Iterable[Span], taken: list[tuple]) -> list[Span]:
    """Candidates that overlap neither a stored span nor an earlier candidate, in text order.

    Spans are sorted, so one sweep suffices: each doc has a few dozen spans at most per batch, but a
    long document can have thousands, hence no quadratic scan."""
    occupied = sorted(taken)
    out: list[Span] = []
    j = 0
    last_end = -1
    for span in sorted(candidates, key=lambda s: (s.start, s.end)):
        while j < len(occupied) and occupied[j][1] <= span.start:
            j += 1
        if j < len(occupied) and occupied[j][0] < span.end:
            continue  # overlaps a stored span
        if span.start < last_end:
            continue  # overlaps a candidate already kept
        out.append(span)
        last_end = span.end
    return out
