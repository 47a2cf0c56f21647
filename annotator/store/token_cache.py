"""The token cache (``store.tokens``): each document's tokens by one tokenizer, so the token
exports read them instead of tokenizing again (spaCy's tokenizer is most of a prodigy, spacy or
conll export's time).

Rows are token runs (:func:`annotator.domain.pack_token_runs`), keyed by the tokenizer's name
(:func:`annotator.nlp.tokens.tokenizer_id`): a reader gets only the tokens of the tokenizer it
names, never another's. Written by pre-annotation (its model's tokenizer, when that is the
exports' one) and by :func:`annotator.services.token_cache.cache_tokens`; the schema removes a
document's row when the document goes or its text changes (``m014_exp2_token_cache``).

A project made before the cache (and opened read-only, so not upgraded) has no table: reads then
find nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from annotator.store.base import Base, marks


class TokenCache:
    """``store.tokens``: cached token runs of documents, by tokenizer."""

    def __init__(self, base: Base):
        self._base = base

    def of_many(self, doc_ids: Sequence[int], tokenizer: str) -> dict[int, bytes]:
        """``{doc_id: token runs}`` of those of ``doc_ids`` whose tokens by ``tokenizer`` are
        cached (the others are left out)."""
        if not doc_ids:
            return {}
        try:
            rows = self._base.conn.execute(
                f"SELECT c.doc_id, c.runs FROM token_cache c JOIN tokenizers t "
                f"ON t.id = c.tokenizer WHERE t.name = ? AND c.doc_id IN ({marks(doc_ids)})",
                [tokenizer, *doc_ids])
            return dict(rows)
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # a project from before the cache, read-only
                return {}
            raise

    def put_many(self, tokenizer: str, runs: Iterable[tuple[int, bytes]]) -> int:
        """Store ``(doc_id, token runs)`` by ``tokenizer`` (replacing what a document held, by
        any tokenizer), in one transaction (or the caller's). Returns the rows written."""
        rows = list(runs)
        if not rows:
            return 0
        with self._base.transaction() as conn:
            write_runs(conn, tokenizer, rows)
        return len(rows)

    def missing(self, tokenizer: str, batch_size: int = 500) -> Iterator[list[tuple[int, str]]]:
        """``(doc_id, text)`` of the documents without tokens by ``tokenizer``, in id order, a
        batch at a time (each batch read when asked for: rows written meanwhile count)."""
        last = 0
        while True:
            rows = self._base.conn.execute(
                "SELECT d.id, d.text FROM documents d WHERE d.id > ? AND NOT EXISTS ("
                "SELECT 1 FROM token_cache c JOIN tokenizers t ON t.id = c.tokenizer "
                "WHERE c.doc_id = d.id AND t.name = ?) ORDER BY d.id LIMIT ?",
                [last, tokenizer, batch_size]).fetchall()
            if not rows:
                return
            yield rows
            last = rows[-1][0]

    def count(self, tokenizer: str) -> int:
        """Documents whose tokens by ``tokenizer`` are cached."""
        try:
            return self._base.conn.execute(
                "SELECT count(*) FROM token_cache c JOIN tokenizers t ON t.id = c.tokenizer "
                "WHERE t.name = ?", [tokenizer]).fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return 0
            raise

    @staticmethod
    def _tokenizer(conn: sqlite3.Connection, name: str) -> int:
        conn.execute("INSERT OR IGNORE INTO tokenizers (name) VALUES (?)", [name])
        return conn.execute("SELECT id FROM tokenizers WHERE name = ?", [name]).fetchone()[0]


def write_runs(conn: sqlite3.Connection, tokenizer: str, rows: list[tuple[int, bytes]]) -> None:
    """Store ``(doc_id, token runs)`` by ``tokenizer`` inside the caller's transaction
    (:meth:`TokenCache.put_many`, and a pre-annotation batch with its suggestions)."""
    key = TokenCache._tokenizer(conn, tokenizer)
    conn.executemany(
        "INSERT OR REPLACE INTO token_cache (doc_id, tokenizer, runs) VALUES (?, ?, ?)",
        [(doc_id, key, blob) for doc_id, blob in rows])
