"""The document list's queries: one filter (status, text) read a window at a time, in id order.

The window shows 100,000 documents by asking only for what is on screen, so each question here
costs about the same wherever the list is scrolled:

- ``count()``: the status index or the full-text index counts, never the texts;
- ``ids(offset, limit, anchor)``: the ids of rows ``offset .. offset+limit``, stepping from a
  known ``anchor = (row, id)`` over small index entries (``idx_documents_id``, the status index,
  or the full-text index's own list), never over the documents' rows with their texts;
- ``row_of(doc_id)`` and ``next_unfinished(after_id)``: seeks, not scans.

The text filter matches words (SQLite FTS5, migration ``m008_list_search``; since
``m015_fts6_one_column_index`` one column of each document's words, its title leading it only
when its text does not hold it): the words typed, in that order and next to each other, case
and accents folded ("zoe muller" finds "Zoë Müller"); the last word, from three letters on,
also as the start of a longer word ("lisb" finds "Lisbon"), unless the text typed ends with a
space. A word shorter than three letters is matched
whole. A filter with no letter or digit in it ("$", "—") falls back to a substring scan of every
title and text, as does a project file too old to have the index (opened read-only).
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from annotator.domain import Status

UNFINISHED = tuple(s for s in Status if not s.finished)
MIN_PREFIX = 3  # shorter last words are matched whole: a one-letter prefix reads most of the index
_WORD = re.compile(r"[^\W_]+")

Anchor = tuple[int, int]  # (row, id) of a row whose place in the list is known


def fts_query(text: str) -> str | None:
    """The FTS5 query for what a person typed, or ``None`` when it has no word in it.

    The whole text is one quoted phrase (FTS5 tokenizes it as it tokenized the documents, so
    punctuation between words is ignored and nothing typed is read as query syntax); ``*``
    after it makes its last word a prefix."""
    words = _WORD.findall(text)
    if not words:
        return None
    phrase = '"' + " ".join(words).replace('"', '""') + '"'
    prefix = len(words[-1]) >= MIN_PREFIX and not text[-1:].isspace()
    return phrase + (" *" if prefix else "")


def has_search_index(conn: sqlite3.Connection) -> bool:
    """Whether the project file has the full-text index (migration ``m008_list_search``)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                        "AND name = 'documents_fts'").fetchone() is not None


class ListQuery:
    """The documents that pass one filter, in id order (the list's rows).

    ``status``: only documents with that status (None: any); ``text``: see the module docstring.
    Raises ``TypeError`` for a status that is not a :class:`Status` (before any query)."""

    def __init__(self, conn: sqlite3.Connection, status: Status | None = None, text: str = "",
                 indexed: bool | None = None):
        if status is not None and not isinstance(status, Status):
            raise TypeError(f"status must be a Status or None, not {status!r}")
        self._conn = conn
        self.status = status
        self.text = text.strip()
        if indexed is None:
            indexed = has_search_index(conn)
        self._indexed = indexed
        self._match = fts_query(self.text) if self.text and indexed else None
        self._like = bool(self.text) and self._match is None

    # -- the ids of the filter, as SQL ------------------------------------------------------------

    def _source(self, id_clause: str = "", statuses: tuple[Status, ...] | None = None,
                ) -> tuple[str, list[Any]]:
        """``SELECT <id> FROM ... WHERE <filter> [AND <id id_clause>]`` and its parameters, with
        the id column named ``id``; ``statuses`` narrows the filter's status further."""
        wanted = statuses if statuses is not None else \
            ((self.status,) if self.status is not None else None)
        if self._match is not None:
            sql = "SELECT f.rowid AS id FROM documents_fts f"
            where, params = ["documents_fts MATCH ?"], [self._match]
            if wanted is not None:  # the index drives; one seek per match for its status
                sql += " CROSS JOIN documents d"
                where.append(f"d.id = f.rowid AND d.status IN ({_marks(wanted)})")
                params += [s.value for s in wanted]
            column = "f.rowid"
        else:
            # by the ids alone (idx_documents_id) unless the status index serves
            narrow = " INDEXED BY idx_documents_id" if self._indexed and wanted is None else ""
            sql, where, params = f"SELECT id FROM documents{narrow}", [], []
            if wanted is not None:
                where.append(f"status IN ({_marks(wanted)})")
                params += [s.value for s in wanted]
            if self._like:
                where.append("(title LIKE ? OR text LIKE ?)")
                params += [f"%{self.text}%"] * 2
            column = "id"
        if id_clause:
            where.append(f"{column} {id_clause}")
        return f"{sql} WHERE {' AND '.join(where)}" if where else sql, params

    # -- what the list asks ---------------------------------------------------------------------

    def count(self) -> int:
        """How many documents pass the filter."""
        sql, params = self._source()
        if self._match is not None and self.status is None:
            return self._conn.execute("SELECT count(*) FROM documents_fts "
                                      "WHERE documents_fts MATCH ?", [self._match]).fetchone()[0]
        return self._conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]

    def ids(self, offset: int, limit: int, anchor: Anchor | None = None) -> list[int]:
        """Ids of the rows ``offset`` to ``offset + limit - 1`` (fewer at the end). ``anchor``:
        a row at or before ``offset`` and its id, so the query steps from there."""
        row, first = anchor if anchor is not None and anchor[0] <= offset else (0, 0)
        sql, params = self._source(">= ?")
        rows = self._conn.execute(f"{sql} ORDER BY id LIMIT ? OFFSET ?",
                                  [*params, first, limit, offset - row])
        return [r[0] for r in rows]

    def row_of(self, doc_id: int) -> int | None:
        """The row of a document in this list, or ``None`` when it does not pass the filter."""
        sql, params = self._source("= ?")
        if self._conn.execute(sql, [*params, doc_id]).fetchone() is None:
            return None
        sql, params = self._source("< ?")
        return self._conn.execute(f"SELECT count(*) FROM ({sql})",
                                  [*params, doc_id]).fetchone()[0]

    def next_unfinished(self, after_id: int, skip: int | None = None) -> int | None:
        """The id of the first unfinished document in the list after ``after_id``, wrapping round
        to the top; ``skip``: an id not to return (the open document). ``None``: none left."""
        statuses = tuple(s for s in UNFINISHED if self.status in (None, s))
        if not statuses:
            return None
        for clause, bound in (("> ?", after_id), (">= ?", 0)):
            for candidate in self._first_unfinished(statuses, clause, bound, skip):
                return candidate
        return None

    def _first_unfinished(self, statuses: tuple[Status, ...], clause: str, bound: int,
                          skip: int | None) -> list[int]:
        if self._match is None and not self._like:
            # one seek per status in the status index, then the smallest
            found = []
            for status in statuses:
                sql, params = self._source(f"{clause} AND id != ?", (status,))
                row = self._conn.execute(f"{sql} ORDER BY id LIMIT 1",
                                         [*params, bound, -1 if skip is None else skip])
                found += [r[0] for r in row]
            return sorted(found)[:1]
        sql, params = self._source(clause, statuses)
        rows = self._conn.execute(f"{sql} ORDER BY id LIMIT 2", [*params, bound]).fetchall()
        return [r[0] for r in rows if r[0] != skip][:1]


def _marks(items: tuple[Any, ...]) -> str:
    return ", ".join("?" for _ in items)
