"""The project schema. It changes only here, one named migration per version.

``sqlite_utils`` records each applied migration in ``_sqlite_migrations``; a project file made by an
older version is upgraded when it is opened. Never edit a migration that has shipped: add one.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from annotator.domain import DEFAULT_ENTITY_LABELS, DEFAULT_SECTION_LABELS

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
