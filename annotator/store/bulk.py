"""Batched writes for import and pre-annotation: one transaction per batch, never one per span.

A person's single edits go through :mod:`annotator.store.annotations`; these paths trade per-row
checks for ``executemany`` because they write hundreds of thousands of rows at a time. Readers have
already validated offsets (and reported what they dropped), so only identity checks remain here.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from annotator.domain import (
    IMPORTED,
    NewDocument,
    blocks,
    blocks_in_range,
    content_hash,
    title_of,
)
from annotator.store.base import now
from annotator.store.migrations import ENTITY_COLOURS, SECTION_COLOURS
from annotator.store.spans import INSERT_SPAN


@dataclass
class AddResult:
    """What an import batch did: ids added, and duplicates as ``(source, existing id)``."""

    added: list[int] = field(default_factory=list)
    duplicates: list[tuple[str, int]] = field(default_factory=list)


def insert_batch(
    conn: sqlite3.Connection,
    batch: list[NewDocument],
    result: AddResult,
    known_labels: dict[str, set[str]],
) -> None:
    hashes = [content_hash(rec.text) for rec in batch]
    existing = _existing_hashes(conn, hashes)
    span_rows: list[tuple] = []
    section_rows: list[tuple] = []
    stamp = now()
    for rec, digest in zip(batch, hashes, strict=True):
        if digest in existing:
            result.duplicates.append((rec.source, existing[digest]))
            continue
        cur = conn.execute(
            "INSERT INTO documents (text, hash, source, title, meta, status, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [rec.text, digest, rec.source, rec.meta.get("title") or title_of(rec.text),
             json.dumps(rec.meta, ensure_ascii=False), rec.status.value, stamp, stamp],
        )
        doc_id = cur.lastrowid
        assert doc_id is not None
        existing[digest] = doc_id
        result.added.append(doc_id)
        span_rows += [(doc_id, s[0], s[1], s[2], s[3], s[4], stamp) for s in rec.spans]
        section_rows += _section_rows(doc_id, rec, stamp)
        if rec.html is not None:
            conn.execute(
                "INSERT INTO html_pages (doc_id, html, blocks) VALUES (?, ?, ?)",
                [doc_id, rec.html, json.dumps(rec.block_features or [])],
            )
    ensure_labels(conn, "entity", {row[3] for row in span_rows}, known_labels)
    ensure_labels(conn, "section", {row[4] for row in section_rows}, known_labels)
    conn.executemany(
        INSERT_SPAN,
        span_rows,
    )
    conn.executemany(
        'INSERT OR REPLACE INTO sections (doc_id, block, start, "end", label, origin, annotator, '
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        section_rows,
    )


def _section_rows(doc_id: int, rec: NewDocument, stamp: str) -> list[tuple]:
    """Section ranges from a file become per-block tags on the blocks inside each range."""
    if not rec.sections:
        return []
    doc_blocks = blocks(rec.text)
    rows = []
    for start, end, label in rec.sections:
        for b in blocks_in_range(doc_blocks, start, end):
            rows.append((doc_id, b.index, b.start, b.end, label, IMPORTED, rec.annotator,
                         stamp))
    return rows


def _existing_hashes(conn: sqlite3.Connection, hashes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(hashes))
    for i in range(0, len(unique), 500):
        chunk = unique[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(f"SELECT hash, id FROM documents WHERE hash IN ({marks})", chunk)
        found.update(dict(rows.fetchall()))
    return found


def ensure_labels(
    conn: sqlite3.Connection, kind: str, names: set[str], known: dict[str, set[str]]
) -> None:
    """Labels that arrive with imported data join the project's label set, as in Prodigy."""
    for name in sorted(names - known[kind]):
        position = conn.execute(
            "SELECT coalesce(max(position) + 1, 0) FROM labels WHERE kind = ?", [kind]
        ).fetchone()[0]
        if kind == "entity":
            colour = ENTITY_COLOURS[position % len(ENTITY_COLOURS)]
        else:
            colour = SECTION_COLOURS.get(name, "#607d8b")
        conn.execute(
            "INSERT OR IGNORE INTO labels (kind, name, colour, key, position) "
            "VALUES (?, ?, ?, '', ?)",
            [kind, name, colour, position],
        )
        known[kind].add(name)
