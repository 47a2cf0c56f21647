"""Section tags: one label per block (one non-blank line) of a document.

A section is addressed by its identity ``(document, block)``. Every write is one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from annotator.domain import HUMAN, LabelKind, Section, SpanError, StaleEdit, blocks
from annotator.store.base import Base, marks, now
from annotator.store.spans import _label_counts

SECTION_COLUMNS = 'id, block, start, "end", label, origin, annotator'
INSERT_SECTION = ('INSERT INTO sections (doc_id, block, start, "end", label, origin, annotator, '
                  "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


def row_to_section(row: Sequence) -> Section:
    sec_id, block, start, end, label, origin, annotator = row
    return Section(block, start, end, label, origin, annotator, sec_id)


class Sections:
    """``store.sections``: the section tags of the project's documents."""

    def __init__(self, base: Base):
        self._base = base

    def of(self, doc_id: int) -> list[Section]:
        """A document's section tags in block order."""
        rows = self._base.conn.execute(
            f"SELECT {SECTION_COLUMNS} FROM sections WHERE doc_id = ? ORDER BY block", [doc_id]
        )
        return [row_to_section(r) for r in rows]

    def of_many(self, doc_ids: Sequence[int]) -> dict[int, list[Section]]:
        out: dict[int, list[Section]] = {d: [] for d in doc_ids}
        if not doc_ids:
            return out
        rows = self._base.conn.execute(
            f"SELECT doc_id, {SECTION_COLUMNS} FROM sections WHERE doc_id IN ({marks(doc_ids)}) "
            "ORDER BY doc_id, block",
            list(doc_ids),
        )
        for row in rows:
            out[row[0]].append(row_to_section(row[1:]))
        return out

    def set(
        self,
        doc_id: int,
        block_indices: Iterable[int],
        label: str | None,
        origin: str = HUMAN,
        annotator: str | None = None,
    ) -> list[Section]:
        """Tag blocks with a section label (``None`` clears them), in one transaction.

        Returns the sections the blocks had before. Raises ``KeyError`` (no such document) or
        :class:`SpanError` (unknown label, no such block)."""
        base = self._base
        doc_blocks = blocks(base.text_of(doc_id))
        if label is not None and label not in base.label_names(LabelKind.SECTION):
            raise SpanError(f"unknown section label {label!r}")
        wanted = sorted(set(block_indices))
        for index in wanted:
            if not 0 <= index < len(doc_blocks):
                raise SpanError(f"block {index} does not exist (document has {len(doc_blocks)})")
        with base.transaction() as conn:
            previous = _delete(conn, doc_id, wanted)
            if label is not None:
                stamp = now()
                conn.executemany(INSERT_SECTION, [
                    (doc_id, i, doc_blocks[i].start, doc_blocks[i].end, label, origin, annotator,
                     stamp)
                    for i in wanted
                ])
            base.touch(conn, doc_id)
        return previous

    def replace(self, doc_id: int, expected: Iterable[Section], block_indices: Iterable[int],
                sections: Iterable[Section]) -> None:
        """Put blocks back as ``sections`` say (undo and redo of :meth:`set`), in one
        transaction, provided the blocks still hold exactly ``expected``; otherwise
        :class:`StaleEdit` (someone else changed them) and nothing changes."""
        wanted = sorted(set(block_indices))
        with self._base.transaction() as conn:
            now_there = _delete(conn, doc_id, wanted)
            if _shape(now_there) != _shape(expected):
                raise StaleEdit(f"the sections of document {doc_id} have changed since they "
                                "were shown")
            conn.executemany(INSERT_SECTION, [
                (doc_id, s.block, s.start, s.end, s.label, s.origin, s.annotator, now())
                for s in sections
            ])
            self._base.touch(conn, doc_id)

    def label_counts(self) -> list[tuple[str, int, int]]:
        """``(label, count, confirmed count)``, most used first."""
        return _label_counts(self._base.conn, "sections")


def _shape(sections: Iterable[Section]) -> list[tuple]:
    return sorted((s.block, s.label, s.origin, s.annotator) for s in sections)


def _delete(conn: sqlite3.Connection, doc_id: int, block_indices: list[int]) -> list[Section]:
    if not block_indices:
        return []
    rows = conn.execute(
        f"SELECT {SECTION_COLUMNS} FROM sections WHERE doc_id = ? "
        f"AND block IN ({marks(block_indices)})",
        [doc_id, *block_indices],
    ).fetchall()
    conn.execute(f"DELETE FROM sections WHERE doc_id = ? AND block IN ({marks(block_indices)})",
                 [doc_id, *block_indices])
    return [row_to_section(r) for r in rows]
