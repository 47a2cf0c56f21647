"""Batched writes for import and pre-annotation: one transaction per batch, never one per span.

A person's single edits go through :mod:`annotator.store.annotations`; these paths trade per-row
checks for ``executemany`` because they write hundreds of thousands of rows at a time. Readers have
already validated offsets (and reported what they dropped), so only identity checks remain here.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring

from annotator.domain import (
    IMPORTED,
    LabelKind,
    NewDocument,
    Status,
    blocks,
    blocks_in_range,
    content_hash,
    title_of,
    validate_label_name,
)
from annotator.store.base import chunks, marks, now
from annotator.store.labels import insert_label
from annotator.store.spans import INSERT_SPAN

# (source, line, reason): spans or section tags of a document dropped for their label; the
# document itself went in. The importer reports them as ``path:line: reason``.
Refused = tuple[str, int | None, str]


@dataclass
class AddResult:
    """What an import batch did: ids added, duplicates as ``(source, existing id)``, and labels
    refused (see :data:`Refused`)."""

    added: list[int] = field(default_factory=list)
    duplicates: list[tuple[str, int]] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    # the texts of ``added``, in the same order: a batch's callback may use them while they are
    # in memory (near-duplicate line counts); never gathered over a whole run
    texts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Prepared:
    """A record made ready for :func:`insert_batch` before the write lock is taken: everything
    but its id. ``row`` is the document row after the id, ``sections`` the section rows after
    the document id; ``stamp`` the time of both."""

    rec: NewDocument
    digest: str
    row: tuple
    sections: list[tuple]
    stamp: str


def prepare_batch(batch: list[NewDocument]) -> list[Prepared]:
    """Hashes, titles, meta as JSON and label rows of a batch: the work that needs no lock, so
    that :func:`insert_batch` holds the project's write lock only to write."""
    stamp = now()
    out = []
    append = out.append
    for rec in batch:  # the row after the id (INSERT_DOCUMENT's other eight columns)
        text, meta = rec.text, rec.meta
        digest = content_hash(text)
        row = (text, digest, rec.source, meta.get("title") or title_of(text), meta_json(meta),
               _STATUS_VALUE[rec.status], stamp, stamp)
        append(Prepared(rec, digest, row, _section_rows(rec, stamp) if rec.sections else [],
                        stamp))
    return out


def insert_batch(
    conn: sqlite3.Connection,
    batch: list[Prepared],
    result: AddResult,
    known_labels: dict[str, set[str]],
    fixed: frozenset[LabelKind] = frozenset(),
) -> None:
    """Insert one batch (from :func:`prepare_batch`) inside the caller's transaction. Labels
    new to the project join its label set, except names :func:`validate_label_name` refuses
    and, for the kinds in ``fixed``, any new name: those spans or tags are dropped and told in
    ``result.refused``."""
    new = _insert_new_documents(conn, batch)
    result.added += new.added
    result.duplicates += new.duplicates
    result.texts += new.texts
    if new.added:
        index_documents(conn, new.added[0], new.added[-1], new.large)
    conn.executemany("INSERT INTO html_pages (doc_id, html, blocks) VALUES (?, ?, ?)",
                     new.html_rows)
    span_rows = _admitted(conn, LabelKind.ENTITY, new.span_rows, 3, new.rec_of, known_labels,
                          fixed, result)
    section_rows = _admitted(conn, LabelKind.SECTION, new.section_rows, 4, new.rec_of,
                             known_labels, fixed, result)
    insert_rows(conn, INSERT_SPANS, span_rows)
    conn.executemany(
        'INSERT OR REPLACE INTO sections (doc_id, block, start, "end", label, origin, annotator, '
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        section_rows,
    )


@dataclass(slots=True)
class _NewDocuments:
    """The documents of a batch that went in (``added``, consecutive ids, and their texts) and
    their label and page rows; ``duplicates`` as ``(source, existing id)``; ``large``: the ids
    whose text was written in pieces."""

    added: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, int]] = field(default_factory=list)
    rec_of: dict[int, NewDocument] = field(default_factory=dict)
    doc_rows: list[tuple] = field(default_factory=list)
    large: list[int] = field(default_factory=list)
    large_texts: list[tuple[tuple, str]] = field(default_factory=list)
    span_rows: list[tuple] = field(default_factory=list)
    section_rows: list[tuple] = field(default_factory=list)
    html_rows: list[tuple] = field(default_factory=list)


def _insert_new_documents(conn: sqlite3.Connection, batch: list[Prepared]) -> _NewDocuments:
    """Insert the batch's documents whose text the project does not hold yet (nor an earlier
    one of the batch); a text it holds is a duplicate of that document.

    Tried first without looking the batch's hashes up, inside a savepoint: the ``UNIQUE`` index
    on ``documents.hash`` refuses a text already in the project, and only then is the savepoint
    rolled back and the batch inserted again after the lookup. Most batches hold no duplicate,
    and the lookup (an index search per document, which the insert then makes again) was
    6,000 instructions a document, an eighth of a second of a 100,000-file import. What goes
    in, its ids and the duplicates reported are the same either way."""
    conn.execute("SAVEPOINT new_documents")
    try:
        new = _new_documents(conn, batch, {})
        _insert_planned(conn, new)
    except sqlite3.IntegrityError as exc:
        if "documents.hash" not in str(exc):
            raise  # not ours to handle: the caller's transaction rolls back
        conn.execute("ROLLBACK TO new_documents")
        new = _new_documents(conn, batch, _existing_hashes(conn, [p.digest for p in batch]))
        _insert_planned(conn, new)
    finally:
        if conn.in_transaction:
            conn.execute("RELEASE new_documents")
    return new


def _new_documents(conn: sqlite3.Connection, batch: list[Prepared],
                   existing: dict[str, int]) -> _NewDocuments:
    """What :func:`_insert_new_documents` inserts, given the ids of the hashes the project
    already holds (``existing``, which grows with the batch's own)."""
    new = _NewDocuments()
    # Ids are given here, so that the documents go in with a few statements (not one each) and
    # their spans can name them: the caller's transaction holds the write lock, so nobody else
    # takes the next ids meanwhile.
    next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0]
    for p in batch:
        rec = p.rec
        if p.digest in existing:
            new.duplicates.append((rec.source, existing[p.digest]))
            continue
        doc_id, next_id = next_id, next_id + 1
        row = (doc_id, *p.row)
        if len(rec.text) > LARGE_TEXT:
            new.large_texts.append((row, rec.text))
            new.large.append(doc_id)
        else:
            new.doc_rows.append(row)
        existing[p.digest] = doc_id
        new.added.append(doc_id)
        new.texts.append(rec.text)
        new.rec_of[doc_id] = rec
        if rec.spans:  # (asked first: most imported texts have none, and a list a document
            stamp = p.stamp  # made for nothing was a tenth of this loop)
            new.span_rows += [(doc_id, s[0], s[1], s[2], s[3], s[4], stamp) for s in rec.spans]
        if p.sections:
            new.section_rows += [(doc_id, *s) for s in p.sections]
        if rec.html is not None:
            new.html_rows.append((doc_id, rec.html, json.dumps(rec.block_features or [])))
    return new


def _insert_planned(conn: sqlite3.Connection, new: _NewDocuments) -> None:
    for row, text in new.large_texts:
        _insert_large_document(conn, row, text)
    insert_documents(conn, new.doc_rows)


def _admitted(
    conn: sqlite3.Connection,
    kind: LabelKind,
    rows: list[tuple],
    at: int,
    rec_of: dict[int, NewDocument],
    known: dict[str, set[str]],
    fixed: frozenset[LabelKind],
    result: AddResult,
) -> list[tuple]:
    """The rows whose label (``row[at]``) the project has or takes; the others are told once per
    document and label, with the file and line the document came from."""
    refused = ensure_labels(conn, kind, {row[at] for row in rows}, known, kind in fixed)
    if not refused:
        return rows
    dropped: dict[tuple[int, str], int] = {}
    kept = []
    for row in rows:
        if row[at] in refused:
            dropped[row[0], row[at]] = dropped.get((row[0], row[at]), 0) + 1
        else:
            kept.append(row)
    unit = "span" if kind == LabelKind.ENTITY else "section block"
    for (doc_id, label), n in dropped.items():
        rec = rec_of[doc_id]
        what = f"{n} {unit}{'s' if n > 1 else ''} labelled {label!r} dropped"
        result.refused.append((rec.source, rec.line, f"{what}: {refused[label]}"))
    return kept


# Longer texts are written through SQLite's incremental blob I/O, a megabyte of UTF-8 at a time:
# binding the whole text would hold its UTF-8 twice more (Python's cached copy and SQLite's), and a
# 50 MB file would take over 4x its size to import.
LARGE_TEXT = 2_000_000  # characters
CHUNK = 1 << 20


_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps without a new encoder a call
_string = encode_basestring  # a JSON string literal, as the encoder above writes one (C)
INSERT_DOCUMENT = ("INSERT INTO documents (id, text, hash, source, title, meta, status, "
                   "created_at, updated_at) VALUES ")
# a status's stored value by a dict lookup: Status.value is a property, about 1,700
# instructions a call, the lookup a quarter of that (prepare_batch asks it of every text)
_STATUS_VALUE = {s: s.value for s in Status}
INSERT_SPANS = INSERT_SPAN[:INSERT_SPAN.index("VALUES") + len("VALUES ")]  # seven columns


def index_documents(conn: sqlite3.Connection, first: int, last: int,
                    large: Collection[int] = ()) -> None:
    """Add the documents with ids ``first`` to ``last`` (just inserted, texts written) to the
    list's full-text index (``documents_fts``), in one statement.

    Whoever inserts documents calls this (migration ``m011_index_by_batch``): FTS5 writes what
    it gathered as a new segment at the end of every statement that changed it, so one
    statement per batch, not one per row (as a trigger or ``executemany`` does), costs a third
    of the CPU. What is indexed is :data:`INDEXED_TEXT` (``m015_fts6_one_column_index``);
    changes and deletions are kept by the index's triggers, which use the same expression.

    ``large``: ids among them whose text is long (:data:`LARGE_TEXT`), each indexed by a
    statement of its own that reads the text once: :data:`INDEXED_TEXT` names the text twice
    (is the title in it; then the text), and SQLite reads a column once for each, so a 20 MB
    text was held twice (21 MB more at the peak of importing it). Whether its title is in it
    is asked first, by SQLite itself, so the words are the very ones the triggers delete."""
    if not large:
        conn.execute(f"INSERT INTO documents_fts (rowid, text) SELECT id, {INDEXED_TEXT} "
                     "FROM documents WHERE id BETWEEN ? AND ?", [first, last])
        return
    conn.execute(f"INSERT INTO documents_fts (rowid, text) SELECT id, {INDEXED_TEXT} "
                 f"FROM documents WHERE id BETWEEN ? AND ? AND id NOT IN ({marks(large)})",
                 [first, last, *large])
    for doc_id in large:
        inside = conn.execute("SELECT instr(text, title) > 0 FROM documents WHERE id = ?",
                              [doc_id]).fetchone()[0]
        indexed = "text" if inside else "title || char(10) || text"
        conn.execute(f"INSERT INTO documents_fts (rowid, text) SELECT id, {indexed} "
                     "FROM documents WHERE id = ?", [doc_id])


# What the full-text index holds of a document (m015): its text, led by its title when the text
# does not contain it (a title is most often the text's first line: indexed once, not twice).
# The index keeps no copy, so its triggers delete a document's words by this same expression.
INDEXED_TEXT = ("CASE WHEN instr(documents.text, documents.title) THEN documents.text "
                "ELSE documents.title || char(10) || documents.text END")


def insert_documents(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Insert document rows (``INSERT_DOCUMENT``'s nine columns each) with
    :func:`insert_rows`. :func:`index_documents` then indexes them."""
    insert_rows(conn, INSERT_DOCUMENT, rows)


def insert_rows(conn: sqlite3.Connection, head: str, rows: list[tuple], tail: str = "") -> None:
    """Insert ``rows`` (tuples of as many values as ``head``, an ``INSERT ... VALUES `` without
    its values, names columns) as few statements of many rows as SQLite's limit on bound
    values allows, never one statement per row: each statement is a round of SQLite's and
    Python's per-call work. Measured on 1,000,000 span rows: ``executemany`` 2.4-2.5 CPU s,
    statements of many rows 1.6 s, the values bound the same way. ``tail`` ends each
    statement (an ``ON CONFLICT`` clause)."""
    if not rows:
        return
    columns = len(rows[0])
    per = max(1, min(_MAX_ROWS, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // columns))
    for start in range(0, len(rows), per):
        chunk = rows[start:start + per]
        conn.execute(_insert_rows_sql(head, columns, len(chunk)) + tail,
                     [v for row in chunk for v in row])


_MAX_ROWS = 500  # rows per statement: beyond this a bigger statement saves nothing measurable


@functools.lru_cache(maxsize=64)
def _insert_rows_sql(head: str, columns: int, n: int) -> str:
    return head + ", ".join(["(" + ", ".join(["?"] * columns) + ")"] * n)


def meta_json(meta: dict) -> str:
    """``meta`` as stored: ``json.dumps(meta, ensure_ascii=False)``. A meta of text values
    only (a text file's ``{"source": path}``, most scraped pages') is written by hand, the same
    characters at a third of the encoder's cost (its Python-level setup per call); anything
    else goes through the encoder."""
    try:
        if len(meta) == 1:  # a text file's {"source": path}: no list, no join
            for key, value in meta.items():
                return "{" + _string(key) + ": " + _string(value) + "}"
        return "{" + ", ".join([_string(k) + ": " + _string(v) for k, v in meta.items()]) + "}"
    except TypeError:  # a value (or key) that is not text
        return _encode(meta)


def _insert_large_document(conn: sqlite3.Connection, row: tuple, text: str) -> None:
    """Insert a document row whose text (``row[1]``) is written in pieces through blob I/O."""
    conn.execute(INSERT_DOCUMENT + "(?, CAST(zeroblob(?) AS TEXT), ?, ?, ?, ?, ?, ?, ?)",
                 (row[0], _utf8_length(text), *row[2:]))
    with conn.blobopen("documents", "text", row[0]) as blob:
        for piece in _pieces(text):
            blob.write(piece.encode("utf-8"))


def _pieces(text: str) -> Iterator[str]:
    """``text`` in slices of about ``CHUNK`` characters, never splitting a surrogate pair (a
    stored text has none: readers reject lone surrogates)."""
    for start in range(0, len(text), CHUNK):
        yield text[start:start + CHUNK]


def _utf8_length(text: str) -> int:
    return sum(len(piece.encode("utf-8")) for piece in _pieces(text))


def _section_rows(rec: NewDocument, stamp: str) -> list[tuple]:
    """Section ranges from a file become per-block tags on the blocks inside each range (rows
    after the document id)."""
    if not rec.sections:
        return []
    doc_blocks = blocks(rec.text)
    rows = []
    for start, end, label in rec.sections:
        for b in blocks_in_range(doc_blocks, start, end):
            rows.append((b.index, b.start, b.end, label, IMPORTED, rec.annotator, stamp))
    return rows


def _existing_hashes(conn: sqlite3.Connection, hashes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(hashes))
    for chunk in chunks(unique):
        rows = conn.execute(f"SELECT hash, id FROM documents WHERE hash IN ({marks(chunk)})",
                            chunk)
        found.update(dict(rows.fetchall()))
    return found


def ensure_labels(
    conn: sqlite3.Connection, kind: str, names: set[str], known: dict[str, set[str]],
    closed: bool = False,
) -> dict[str, str]:
    """Labels that arrive with imported data join the project's label set, as in Prodigy;
    ``known`` (names per kind already in the project) grows with them.

    Returns the names that did not join, each with the reason: names
    :func:`~annotator.domain.validate_label_name` refuses, and with ``closed`` (the label set
    was fixed for this import) every new name. The caller drops what carries them."""
    kind = LabelKind(kind)
    refused: dict[str, str] = {}
    for name in sorted(names - known[kind], key=str):
        reason = validate_label_name(name)
        if reason is None and closed:
            allowed = ", ".join(sorted(known[kind])) or "none"
            reason = f"{name!r} is not in the {kind} label set given for this import ({allowed})"
        if reason is not None:
            refused[name] = reason
            continue
        if conn.execute("SELECT 1 FROM labels WHERE kind = ? AND name = ?",
                        [kind.value, name]).fetchone() is None:  # else another writer added it
            insert_label(conn, kind, name)
        known[kind].add(name)
    return refused
