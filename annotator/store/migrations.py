"""The project schema. It changes only here, one named migration per version.

``sqlite_utils`` records each applied migration in ``_sqlite_migrations``; a project file made by an
older version is upgraded when it is opened. Never edit a migration that has shipped: add one.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import UTC, datetime

from sqlite_utils import Database, Migrations

from annotator.domain import DEFAULT_ENTITY_LABELS, DEFAULT_SECTION_LABELS

log = logging.getLogger(__name__)
migrations = Migrations("annotator")

# Okabe-Ito and Paul Tol's colour-blind safe palettes, light enough for black text.
ENTITY_COLOURS = (
    "#7eb6e8", "#f2b462", "#8fd18f", "#e8a0c8", "#c9b3f0",
    "#f0e37a", "#9ad9d0", "#f29b8c", "#b8c48a", "#d8c2a0",
)
SECTION_COLOURS = {
    "boilerplate": "#9e9e9e",
    "body": "#2e86c1",
    "byline": "#d68910",
    "related_links": "#8e44ad",
}


@migrations()
def m001_initial(db: Database) -> None:
    """Documents, entity spans, per-block sections, the label set and project settings."""
    db.execute(
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            meta TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new','in_progress','accepted','rejected','skipped')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX idx_documents_status ON documents(status)")
    db.execute(
        """CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            source TEXT NOT NULL,
            annotator TEXT,
            created_at TEXT NOT NULL,
            CHECK ("end" > start AND start >= 0)
        )"""
    )
    db.execute("CREATE INDEX idx_spans_doc ON spans(doc_id, start)")
    db.execute(
        """CREATE TABLE sections (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            block INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            source TEXT NOT NULL,
            annotator TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (doc_id, block)
        )"""
    )
    db.execute(
        """CREATE TABLE labels (
            kind TEXT NOT NULL CHECK (kind IN ('entity','section')),
            name TEXT NOT NULL,
            color TEXT NOT NULL,
            key TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (kind, name)
        )"""
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    rows = [
        ("entity", name, ENTITY_COLOURS[i % len(ENTITY_COLOURS)], str((i + 1) % 10), i)
        for i, name in enumerate(DEFAULT_ENTITY_LABELS)
    ]
    rows += [
        ("section", name, SECTION_COLOURS.get(name, "#607d8b"), f"Ctrl+{i + 1}", i)
        for i, name in enumerate(DEFAULT_SECTION_LABELS)
    ]
    db.conn.executemany(
        "INSERT INTO labels (kind, name, color, key, position) VALUES (?, ?, ?, ?, ?)", rows
    )
    db.conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)",
        [("model", "en_core_web_sm"), ("lang", "en")],
    )


@migrations()
def m002_preannotation_runs(db: Database) -> None:
    """Which model version has looked at which document, so re-runs add nothing and an
    interrupted run resumes where it stopped (a document with no entities is still done)."""
    db.execute(
        """CREATE TABLE preannotated (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, model)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX idx_sections_doc ON sections(doc_id, block)")
    # HTML imports keep the page and per-block features (tag, link density) for section rules.
    db.execute(
        """CREATE TABLE html_pages (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            html TEXT NOT NULL,
            blocks TEXT NOT NULL DEFAULT '[]'
        )"""
    )


@migrations()
def m003_merge_conflicts(db: Database) -> None:
    """Labels of one document from another annotator's project file that disagree with ours.

    ``annotator merge`` keeps the target's labels and stores the other whole version here (status,
    spans and sections as JSON, each with its source and annotator, and the file it came from), so
    nothing is overwritten and a curator can compare and choose. ``version`` (a hash of the status
    and labels) makes merging the same file twice store one row; ``resolved_at`` closes it.
    """
    db.execute(
        """CREATE TABLE conflicts (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            origin TEXT NOT NULL,
            annotators TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL,
            spans TEXT NOT NULL DEFAULT '[]',
            sections TEXT NOT NULL DEFAULT '[]',
            version TEXT NOT NULL,
            created_at TEXT NOT NULL,
            resolved_at TEXT,
            UNIQUE (doc_id, version)
        )"""
    )


@migrations()
def m004_origin_and_colour(db: Database) -> None:
    """One name per meaning: a span's or section's provenance is its ``origin`` (``source`` is
    the file a document came from), and ``colour`` is spelled as in the code."""
    db.execute("ALTER TABLE spans RENAME COLUMN source TO origin")
    db.execute("ALTER TABLE sections RENAME COLUMN source TO origin")
    db.execute("ALTER TABLE labels RENAME COLUMN color TO colour")


@migrations()
def m005_document_revision(db: Database) -> None:
    """A counter per document, raised by every write to it or its labels: an editing session
    compares it with the revision it last saw, so an edit made on a view that another window or
    process has changed meanwhile is refused instead of silently undoing their work."""
    db.execute("ALTER TABLE documents ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")


@migrations()
def m007_rejected_suggestions(db: Database) -> None:
    """Suggestions a person deleted or changed, by ``(document, start, end, label)``: a new model
    version never suggests them again, and training uses them as negatives (spaCy's
    ``incorrect_spans_key``). Re-adding the same span with the same label removes the row."""
    db.execute(
        """CREATE TABLE rejected_spans (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            origin TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, start, "end", label)
        ) WITHOUT ROWID"""
    )


@migrations()
def m008_list_search(db: Database) -> None:
    """The document list's text filter and scrolling on 100,000 documents.

    ``documents_fts`` is a full-text index (SQLite FTS5) of each document's title and text, so
    the filter finds words among every text in milliseconds instead of scanning them all (LIKE
    read 100,000 texts in 0.2-0.8 s). It keeps no copy of the text (``content='documents'``):
    triggers index a document when it is inserted, and re-index it if its title or text is ever
    updated or the row deleted, whichever code writes it (import, merge, later features).
    ``unicode61 remove_diacritics 2`` folds case and accents ("zoe" finds "Zoë"); ``prefix='3'``
    keeps a three-letter prefix such as "lis" (as typed) to one lookup.

    ``idx_documents_id`` lists the ids alone, so a page deep in the list ("OFFSET 99,800") steps
    over small index entries instead of every document's row with its text (190 ms -> 1 ms)."""
    db.execute(
        """CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, text, content='documents', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='3'
        )"""
    )
    db.execute(
        """CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END"""
    )
    db.execute(
        """CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
        END"""
    )
    db.execute(
        """CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END"""
    )
    db.execute("INSERT INTO documents_fts (documents_fts) VALUES ('rebuild')")
    db.execute("CREATE INDEX idx_documents_id ON documents(id)")


@migrations()
def m009_span_level_curation(db: Database) -> None:
    """Every annotator's version of a merged document, and which disagreements a curator settled.

    ``versions`` holds one row per document and annotator (the names on that person's labels, or
    their file's name): status, and the confirmed spans ``[[start, end, label]]`` and sections
    ``[[block, start, end, label]]`` as JSON. Disagreements are not stored: they are computed from
    the versions (a region of overlapping spans, or a block, where the versions differ).
    ``settled`` records a curator's decision on one, by its region ``(kind, start, end)``:
    ``choice`` is the JSON list of the annotators whose version was taken (empty for an edit).

    Projects merged before this kept a conflicting document as whole versions in ``conflicts``:
    each open one becomes a version here, beside the document's own labels as the target's
    version, so the window shows their disagreements span by span. ``conflicts`` stays as it was.
    """
    db.execute(
        """CREATE TABLE versions (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            origin TEXT NOT NULL,
            status TEXT NOT NULL,
            spans TEXT NOT NULL DEFAULT '[]',
            sections TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, annotator)
        )"""
    )
    db.execute(
        """CREATE TABLE settled (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('entity', 'section')),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            choice TEXT NOT NULL DEFAULT '[]',
            curator TEXT NOT NULL,
            settled_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, kind, start, "end")
        )"""
    )
    _versions_from_conflicts(db)


def _versions_from_conflicts(db: Database) -> None:
    """Open whole-document conflicts (m003) as versions: the document's confirmed labels are the
    target's version, each open conflict row another; names are the annotators on each."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    conn = db.conn
    open_rows = conn.execute(
        "SELECT c.doc_id, c.origin, c.annotators, c.status, c.spans, c.sections, d.status "
        "FROM conflicts c JOIN documents d ON d.id = c.doc_id WHERE c.resolved_at IS NULL "
        "ORDER BY c.id").fetchall()
    seen: dict[int, set[str]] = {}
    for doc_id, origin, annotators, status, spans, sections, doc_status in open_rows:
        names = seen.setdefault(doc_id, set())
        if not names:
            own = conn.execute(
                'SELECT start, "end", label, annotator FROM spans WHERE doc_id = ? AND '
                "(annotator IS NOT NULL OR origin = 'human') ORDER BY start", [doc_id]).fetchall()
            own_sections = conn.execute(
                'SELECT block, start, "end", label, annotator FROM sections WHERE doc_id = ? AND '
                "(annotator IS NOT NULL OR origin = 'human') ORDER BY block", [doc_id]).fetchall()
            who = sorted({r[-1] for r in own + own_sections if r[-1]}) or ["target"]
            _insert_version(conn, doc_id, ", ".join(who), "this project", doc_status,
                            [list(r[:3]) for r in own], [list(r[:4]) for r in own_sections],
                            stamp, names)
        theirs, their_sections = json.loads(spans), json.loads(sections)
        who = ", ".join(json.loads(annotators)) or origin
        _insert_version(conn, doc_id, who, origin, status,
                        [[r["start"], r["end"], r["label"]] for r in theirs],
                        [[r["block"], r["start"], r["end"], r["label"]] for r in their_sections],
                        stamp, names)


def _insert_version(conn, doc_id: int, name: str, origin: str, status: str, spans: list,
                    sections: list, stamp: str, names: set[str]) -> None:
    unique, n = name, 2
    while unique in names:
        unique, n = f"{name} ({n})", n + 1
    names.add(unique)
    conn.execute(
        "INSERT INTO versions (doc_id, annotator, origin, status, spans, sections, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [doc_id, unique, origin, status, json.dumps(spans, ensure_ascii=False),
         json.dumps(sections, ensure_ascii=False), stamp])


@migrations()
def m010_near_duplicates(db: Database) -> None:
    """Wire-copy near-duplicates: each document's MinHash signature (``BINS`` little-endian
    ``uint16`` values; NULL while its lines are counted but it is not signed yet), its number of
    distinct body shingles, and its group (the smallest document id of the group; 0 when it has
    no near duplicate; NULL until compared). ``near_dup_lines`` counts in how many documents
    each prose line (by a 64-bit hash) appears: a line many pages share is their site's template,
    not their story. The LSH bands are computed from the signature when needed."""
    db.execute(
        """CREATE TABLE near_dups (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            signature BLOB,
            shingles INTEGER NOT NULL DEFAULT 0,
            grp INTEGER
        )"""
    )
    db.execute("CREATE INDEX idx_near_dups_grp ON near_dups(grp) WHERE grp > 0")
    db.execute(
        """CREATE TABLE near_dup_lines (
            hash INTEGER PRIMARY KEY,
            docs INTEGER NOT NULL
        )"""
    )


@migrations()
def m011_index_by_batch(db: Database) -> None:
    """The full-text index (``m008_list_search``) is written by whoever inserts documents, a
    batch at a time, instead of by a trigger a row at a time.

    Why: an insert trigger hands FTS5 each new row as it is written, and with it, for a text
    written afterwards through blob I/O (a 50 MB file), a placeholder of the text's full size:
    SQLite holds another copy of it for the trigger, 55 MB more at the peak of such an import.
    Importers (:mod:`annotator.store.bulk`) and merges (:mod:`annotator.store.merge`) now index
    the rows they add with one ``INSERT INTO documents_fts ... SELECT`` per batch, once the
    texts are in (:func:`annotator.store.bulk.index_documents`). The update and delete
    triggers stay: any writer that changes or removes a document keeps the index right."""
    db.execute("DROP TRIGGER documents_fts_insert")


@migrations()
def m012_imp_fts_merge(db: Database) -> None:
    """The full-text index merges its segments 8 at a time instead of FTS5's default 4.

    Why: every import batch adds a segment to the index (:func:`annotator.store.bulk.
    index_documents`), and FTS5 merges segments of one level once there are ``automerge`` of
    them, so each indexed word is rewritten once per level it climbs. With 4, a 100,000-
    document import (500 batches) spent 40% of its indexing CPU merging; with 8 the levels are
    half as many (measured: 6.1 -> 4.4 CPU s, one statement for the whole corpus 3.6 s). A
    search reads at most twice as many segments per level: a prefix filter over those 100,000
    documents took 3.3 ms instead of 3.0. The index's content is the same."""
    db.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('automerge', 8)")


@migrations()
def m013_imp2_fts_merge16(db: Database) -> None:
    """The full-text index merges its segments 16 at a time (``m012_imp_fts_merge`` made it 8).

    Why: a command-line import now writes batches of 1,000 documents (100 index segments for
    100,000 documents), and with 8 a segment climbs two merge levels where with 16 it climbs
    one. Measured on the 100,000 texts of the import bench, indexed 1,000 at a time, commits
    included: 3.8 -> 3.0-3.1 CPU s (one statement for all: 2.7-2.9). Searches over them took
    the same time (prefix, word and phrase filters, 0.1-28 ms, within a few per cent either
    way). The index's content is the same."""
    db.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('automerge', 16)")


@migrations()
def m014_exp2_token_cache(db: Database) -> None:
    """The token cache: each document's tokens by one tokenizer, as token runs
    (:func:`annotator.domain.pack_token_runs`: about a byte a token), so the token exports
    (prodigy, spacy, conll) read them instead of tokenizing again. ``tokenizers`` names each
    tokenizer once (e.g. ``spacy-3.8.18/blank-en``); a document holds the tokens of one
    tokenizer at a time, and only a reader asking for that very tokenizer gets them.
    Stale tokens cannot stay: a removed document takes its row along (foreign key), and a
    changed text removes it (trigger)."""
    db.execute(
        """CREATE TABLE tokenizers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        )"""
    )
    db.execute(
        """CREATE TABLE token_cache (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            tokenizer INTEGER NOT NULL REFERENCES tokenizers(id),
            runs BLOB NOT NULL
        )"""
    )
    db.execute(
        """CREATE TRIGGER token_cache_text_changed AFTER UPDATE OF text ON documents
           WHEN new.text IS NOT old.text BEGIN
             DELETE FROM token_cache WHERE doc_id = old.id;
           END"""
    )


@migrations()
def m015_fts6_one_column_index(db: Database) -> None:
    """The full-text index (``m008_list_search``) holds each document's words once: one column,
    the text, led by the title only when the text does not contain it, no copy of either
    (``content=''``) and no per-row token counts (``columnsize=0``).

    Why: the title is most often the text's own first line (``title_of``), so indexing it as a
    second column indexed those words twice, each with its own position lists; and the token
    counts are only for ranking, which the list never does (it lists by id). Measured on the
    100,000 texts of the import bench, indexed 5,000 at a time with commits: 2.1-2.7 -> 1.3-1.6
    CPU s, the index 43 -> 26 MB. What the filter finds is the same: a phrase is matched in the
    text, or in a title the text does not hold (a JSONL or HTML title of its own), which is
    now the start of that one column. The prefix index of three letters stays: on a corpus with
    a real vocabulary a three-letter prefix without it took 120-160 ms of SQL alone.

    Contentless, the index is kept by its writers: importers and merges index what they add
    (:func:`annotator.store.bulk.index_documents`), and the triggers delete a changed or removed
    document's old words with the very values it was indexed with (FTS5's ``'delete'``). Every
    existing document is indexed again here; merging stays 16 segments at a time (m013)."""
    db.execute("DROP TRIGGER IF EXISTS documents_fts_delete")
    db.execute("DROP TRIGGER IF EXISTS documents_fts_update")
    db.execute("DROP TABLE documents_fts")
    db.execute(
        """CREATE VIRTUAL TABLE documents_fts USING fts5(
            text, content='', columnsize=0,
            tokenize='unicode61 remove_diacritics 2', prefix='3'
        )"""
    )
    for key, value in (("automerge", 32), ("crisismerge", 64), ("hashsize", 8 << 20)):
        db.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES (?, ?)", [key, value])
    indexed = "CASE WHEN instr({0}.text, {0}.title) THEN {0}.text " \
              "ELSE {0}.title || char(10) || {0}.text END"
    db.execute(
        f"""CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, text)
                VALUES ('delete', old.id, {indexed.format('old')});
        END"""
    )
    db.execute(
        f"""CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, text)
                VALUES ('delete', old.id, {indexed.format('old')});
            INSERT INTO documents_fts (rowid, text) VALUES (new.id, {indexed.format('new')});
        END"""
    )
    db.execute(f"INSERT INTO documents_fts (rowid, text) SELECT id, {indexed.format('documents')} "
               "FROM documents")


# m001's check on a document's status, as it stands in the table's SQL, and the same test as
# comparisons (m016_txt8_status_check)
STATUS_IN_LIST = "CHECK (status IN ('new','in_progress','accepted','rejected','skipped'))"
STATUS_COMPARED = ("CHECK (status = 'new' OR status = 'in_progress' OR status = 'accepted' "
                   "OR status = 'rejected' OR status = 'skipped')")


@migrations()
def m016_txt8_status_check(db: Database) -> None:
    """A document's status is checked by five comparisons instead of an ``IN`` list: the same
    five values allowed, nothing else changed.

    Why: SQLite runs a CHECK's ``IN (...)`` of more than two values by building a temporary
    table of the values, and in a CHECK (unlike in a query) it builds it again for every row
    written: 10,700 instructions a document inserted, a fifth of a second of a 100,000-file
    import (measured by instruction counts: 200,000 rows of a bare table took 2.97 G with the
    ``IN`` list, 0.86 G with the comparisons, 0.83 G with no check at all). Every status
    update paid it too.

    How: SQLite cannot alter a constraint, and rebuilding ``documents`` (every text; ten tables
    refer to it) to change an expression would be slow and risky; so the table's SQL is edited
    in place, SQLite's own procedure for changing a CHECK (``writable_schema``, then the schema
    version raised so every connection reads it again). The stored rows are untouched and
    already pass the new check, which is the old one. A file whose SQL does not hold the old
    check as written, or a SQLite that refuses schema edits (``SQLITE_DBCONFIG_DEFENSIVE``),
    keeps the old check: slower to write, the same rule."""
    conn = db.conn
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' "
                       "AND name = 'documents'").fetchone()
    if row is None or row[0].count(STATUS_IN_LIST) != 1:
        return
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        try:
            conn.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = "
                         "'documents'", [row[0].replace(STATUS_IN_LIST, STATUS_COMPARED)])
        except sqlite3.DatabaseError:  # schema edits refused: nothing changed
            log.info("documents.status keeps its IN-list check (schema edits refused)")
            return
        conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
