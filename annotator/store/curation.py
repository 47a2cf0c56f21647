"""``store.curation``: every annotator's version of a merged document, and the curator's
decisions on where they disagree (schema m009).

A version is one annotator's labels of one document as their own project file had them (only
labels a person made or confirmed). Disagreements are computed from the versions
(:mod:`annotator.core.curation`), not stored; what is stored is which of them a curator settled,
by region ``(kind, start, end)``. Settling writes the gold labels (``spans`` / ``sections``) and
the mark in one transaction: see :class:`annotator.core.commands.SettleDisagreement`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from annotator.domain import StaleEdit
from annotator.store.base import Base, marks, now

RegionKey = tuple[str, int, int]  # kind ("entity" or "section"), start, end (code points)


@dataclass(frozen=True)
class Version:
    """One annotator's version of a document: ``spans`` as ``(start, end, label)``, ``sections``
    as ``(block, start, end, label)``; ``origin`` is the project file it came from."""

    annotator: str
    origin: str
    status: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    sections: list[tuple[int, int, int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Settled:
    """A curator's decision on one disagreement: whose version was taken (empty: an edit)."""

    choice: tuple[str, ...]
    curator: str


class Curation:
    def __init__(self, base: Base):
        self._base = base

    # -- versions ------------------------------------------------------------------------------

    def versions(self, doc_id: int) -> dict[str, Version]:
        """A document's versions by annotator name (empty when it was never merged)."""
        return self.versions_of_many([doc_id]).get(doc_id, {})

    def versions_of_many(self, doc_ids: Sequence[int]) -> dict[int, dict[str, Version]]:
        out: dict[int, dict[str, Version]] = {}
        if not doc_ids:
            return out
        rows = self._base.conn.execute(
            "SELECT doc_id, annotator, origin, status, spans, sections FROM versions "
            f"WHERE doc_id IN ({marks(doc_ids)}) ORDER BY doc_id, annotator", list(doc_ids))
        for doc_id, name, origin, status, spans, sections in rows:
            out.setdefault(doc_id, {})[name] = _version(name, origin, status, spans, sections)
        return out

    def merged_documents(self, after: int = 0, limit: int = 200,
                         before: int | None = None) -> list[int]:
        """Ids of documents with two or more versions (where annotators can disagree), in id
        order from after ``after``; with ``before``, backwards from before that id."""
        if before is not None:
            rows = self._base.conn.execute(
                "SELECT doc_id FROM versions WHERE doc_id < ? GROUP BY doc_id "
                "HAVING count(*) >= 2 ORDER BY doc_id DESC LIMIT ?", [before, limit])
        else:
            rows = self._base.conn.execute(
                "SELECT doc_id FROM versions WHERE doc_id > ? GROUP BY doc_id "
                "HAVING count(*) >= 2 ORDER BY doc_id LIMIT ?", [after, limit])
        return [r[0] for r in rows]

    def iter_merged(self, batch: int = 200) -> Iterator[list[int]]:
        last = 0
        while ids := self.merged_documents(last, batch):
            yield ids
            last = ids[-1]

    def put_version(self, conn: sqlite3.Connection, doc_id: int, version: Version) -> None:
        """Store (or replace: merging one file twice stores it once) an annotator's version;
        inside the caller's transaction."""
        conn.execute(
            "INSERT OR REPLACE INTO versions (doc_id, annotator, origin, status, spans, sections, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [doc_id, version.annotator, version.origin, version.status,
             json.dumps([list(s) for s in version.spans], ensure_ascii=False),
             json.dumps([list(s) for s in version.sections], ensure_ascii=False), now()])

    def fingerprint(self) -> tuple:
        """Changes whenever a version or a decision is stored or removed (one cheap query), so
        a window recounts disagreements only then."""
        return self._base.conn.execute(
            "SELECT (SELECT count(*) FROM versions), (SELECT max(rowid) FROM versions), "
            "(SELECT max(created_at) FROM versions), (SELECT count(*) FROM settled), "
            "(SELECT max(rowid) FROM settled)").fetchone()

    # -- settled disagreements -----------------------------------------------------------------

    def settled(self, doc_id: int) -> dict[RegionKey, Settled]:
        rows = self._base.conn.execute(
            'SELECT kind, start, "end", choice, curator FROM settled WHERE doc_id = ?', [doc_id])
        return {(kind, start, end): Settled(tuple(json.loads(choice)), curator)
                for kind, start, end, choice, curator in rows}

    def settle(self, doc_id: int, key: RegionKey, choice: Sequence[str], curator: str) -> None:
        """Mark a disagreement settled (one transaction, the document's revision raised);
        :class:`StaleEdit` when it already is (another window settled it)."""
        with self._base.transaction() as conn:
            try:
                conn.execute(
                    'INSERT INTO settled (doc_id, kind, start, "end", choice, curator, settled_at) '
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [doc_id, *key, json.dumps(list(choice), ensure_ascii=False), curator, now()])
            except sqlite3.IntegrityError as exc:
                raise StaleEdit(f"the disagreement at {key[1]}-{key[2]} of document {doc_id} "
                                "was settled meanwhile") from exc
            self._base.touch(conn, doc_id)

    def unsettle(self, doc_id: int, key: RegionKey) -> None:
        """Undo of :meth:`settle`; :class:`StaleEdit` when it is not settled."""
        with self._base.transaction() as conn:
            gone = conn.execute(
                'DELETE FROM settled WHERE doc_id = ? AND kind = ? AND start = ? AND "end" = ?',
                [doc_id, *key]).rowcount
            if not gone:
                raise StaleEdit(f"the disagreement at {key[1]}-{key[2]} of document {doc_id} "
                                "is no longer settled")
            self._base.touch(conn, doc_id)


def _version(name: str, origin: str, status: str, spans: str, sections: str) -> Version:
    return Version(name, origin, status, [tuple(s) for s in json.loads(spans)],
                   [tuple(s) for s in json.loads(sections)])
