"""What a person has confirmed, read for training a model: accepted documents with all their
entity spans, and unfinished documents with the spans a person made or confirmed.

A document's spans after it was accepted are the person's whole answer (accepting confirms the
remaining suggestions). In an unfinished document only spans with an annotator (or origin
``human``) are known to be right; the rest of its text is unknown, not "no entity".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from annotator.domain import Status
from annotator.store.base import Base, chunks, marks

# The head of an HTML page is enough to find its canonical link.
HTML_HEAD_CHARS = 20_000
_UNFINISHED = (Status.NEW, Status.IN_PROGRESS, Status.SKIPPED)


@dataclass
class ConfirmedDoc:
    """One document with confirmed entities. ``complete`` for an accepted document; ``spans``
    are ``(start, end, label)``; ``rejected`` the suggestions a person removed; ``html_head``
    the start of the page it came from (for its canonical host), or ``None``."""

    doc_id: int
    text: str
    source: str
    meta: dict[str, Any]
    complete: bool
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    rejected: list[tuple[int, int, str]] = field(default_factory=list)
    html_head: str | None = None


class ConfirmedData:
    """``store.confirmed``-style reads over the shared connection (see the module docstring)."""

    def __init__(self, base: Base):
        self.conn = base.conn

    def documents(self) -> list[ConfirmedDoc]:
        """Accepted documents and unfinished ones with at least one confirmed span, in id order."""
        rows = self.conn.execute(
            "SELECT id, text, source, meta, status FROM documents d WHERE status = ? OR "
            "(status IN (?, ?, ?) AND EXISTS (SELECT 1 FROM spans s WHERE s.doc_id = d.id AND "
            "(s.annotator IS NOT NULL OR s.origin = 'human'))) ORDER BY id",
            [Status.ACCEPTED.value, *(s.value for s in _UNFINISHED)]).fetchall()
        docs = [ConfirmedDoc(r[0], r[1], r[2], json.loads(r[3] or "{}"),
                             r[4] == Status.ACCEPTED.value) for r in rows]
        by_id = {d.doc_id: d for d in docs}
        for chunk in chunks(list(by_id)):
            for doc_id, start, end, label, origin, annotator in self.conn.execute(
                    f'SELECT doc_id, start, "end", label, origin, annotator FROM spans '
                    f"WHERE doc_id IN ({marks(chunk)}) ORDER BY doc_id, start", chunk):
                doc = by_id[doc_id]
                if doc.complete or annotator is not None or origin == "human":
                    doc.spans.append((start, end, label))
            for doc_id, start, end, label in self.conn.execute(
                    f'SELECT doc_id, start, "end", label FROM rejected_spans '
                    f"WHERE doc_id IN ({marks(chunk)})", chunk):
                by_id[doc_id].rejected.append((start, end, label))
            for doc_id, head in self.conn.execute(
                    f"SELECT doc_id, substr(html, 1, {HTML_HEAD_CHARS}) FROM html_pages "
                    f"WHERE doc_id IN ({marks(chunk)})", chunk):
                by_id[doc_id].html_head = head
        return docs

    def unlabelled(self, limit: int, exclude: set[int]) -> list[tuple[int, str, str]]:
        """Up to ``limit`` ``(doc_id, text, source)`` of unfinished documents no person has
        labelled (rehearsal text for fine-tuning), spread over the project by id."""
        rows = self.conn.execute(
            "SELECT id, text, source FROM documents d WHERE status IN (?, ?, ?) AND NOT EXISTS "
            "(SELECT 1 FROM spans s WHERE s.doc_id = d.id AND "
            "(s.annotator IS NOT NULL OR s.origin = 'human')) ORDER BY id",
            [s.value for s in _UNFINISHED]).fetchall()
        rows = [r for r in rows if r[0] not in exclude]
        step = max(1, len(rows) // max(limit, 1))
        return [tuple(r) for r in rows[::step][:limit]]

