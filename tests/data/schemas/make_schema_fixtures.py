"""Write one small project file per past schema version, as the annotator of that version left it.

    python tests/data/schemas/make_schema_fixtures.py [--force]

Each ``<migration>.db`` holds the schema made by the migrations up to and including that one (and
no later one), application id 0 and WAL journal mode, as annotator wrote files before it set an
application id; then documents of every status, spans and sections of every kind of provenance,
an added label, a changed colour and changed settings, written with that version's own column
names. ``expected.json`` records what was written, so ``tests/store/test_schema_fixtures.py`` can
check that the current code, upgrading each file, finds all of it intact.

Committed files are outputs: the script writes only the fixtures that are missing (``--force``
rewrites all), because a fixture's point is to be what an old version wrote. To add the fixture of
a version that just became past, add it to ``VERSIONS``, the rows its migration brought to
``_extras`` and any renamed column to ``_columns``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotator.store.migrations import migrations

HERE = Path(__file__).resolve().parent
# (fixture name = the last migration applied, the next migration to stop before or None)
VERSIONS = [
    ("m001_initial", "m002_preannotation_runs"),
    ("m002_preannotation_runs", "m003_merge_conflicts"),
    ("m003_merge_conflicts", "m004_origin_and_colour"),
    ("m004_origin_and_colour", "m005_document_revision"),
    ("m005_document_revision", "m007_rejected_suggestions"),
    ("m007_rejected_suggestions", "m008_list_search"),
    ("m008_list_search", "m009_span_level_curation"),
    ("m009_span_level_curation", "m010_near_duplicates"),
    ("m010_near_duplicates", "m011_index_by_batch"),
    ("m011_index_by_batch", "m012_imp_fts_merge"),
    ("m012_imp_fts_merge", "m013_imp2_fts_merge16"),
    ("m013_imp2_fts_merge16", "m014_exp2_token_cache"),
    ("m014_exp2_token_cache", "m015_fts6_one_column_index"),
    ("m015_fts6_one_column_index", "m016_txt8_status_check"),
]
MODEL = "model:en_core_web_sm@3.8.0"
T0, T1 = "2024-05-01T09:00:00+00:00", "2024-05-02T17:30:00+00:00"

TEXTS = [
    ("Marina Costa flew to Rio de Janeiro.\nShe met Acme Corp on Monday.", "new",
     {"url": "https://example.org/a"}),
    ("By Lena Ortiz\nThe Kraków 🚀 startup Żabka Labs raised €5m.\nRead more", "in_progress",
     {"lang": "pl", "tags": ["tech", "funding"]}),
    ("Cookie notice\nPresident Ana Souza visited Lisbon.\nRelated: Porto floods",
     "accepted", {"site": "news.example", "nested": {"depth": [1, 2, {"x": None}]}}),
    ("Advertisement\nThe café in Zürich closed.", "rejected", {}),
    ("Breaking\nNASA launched Artemis.\n東京 reporter Kenji Sato", "skipped",
     {"meta": "ünïcödé"}),
    ("Weather: sunny in Nairobi.", "in_progress", {"source_id": 42}),
]


def _doc(i: int, text: str, status: str, meta: dict[str, Any]) -> list[Any]:
    """A documents row: id, text, hash, source, title, meta, status, created_at, updated_at."""
    title = text.split("\n")[0]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return [i, text, digest, f"corpus/article-{i}.txt", title, meta, status, T0, T1]


def _span(text: str, word: str, label: str, source: str, annotator: str | None) -> list[Any]:
    start = text.index(word)
    return [start, start + len(word), label, source, annotator]


def _content() -> dict[str, Any]:
    """Documents, spans (start, end, label, source, annotator) and sections (block, start, end,
    label, source, annotator) by document id, and the label and settings changes."""
    docs = [_doc(i + 1, *item) for i, item in enumerate(TEXTS)]
    t = {d[0]: d[1] for d in docs}
    spans = {
        1: [_span(t[1], "Marina Costa", "PERSON", MODEL, None),
            _span(t[1], "Rio de Janeiro", "GPE", "human", "ana"),
            _span(t[1], "Acme Corp", "ORG", "pattern", None),
            _span(t[1], "Monday", "DATE", MODEL, "ana")],
        2: [_span(t[2], "Lena Ortiz", "PERSON", "human", "ana"),
            _span(t[2], "Kraków", "GPE", "imported", "imported"),
            _span(t[2], "Żabka Labs", "ORG", "imported", None),
            _span(t[2], "€5m", "MONEY", MODEL, None)],
        3: [_span(t[3], "Ana Souza", "PERSON", "human", "bo"),
            _span(t[3], "Lisbon", "GPE", MODEL, "bo")],
        4: [_span(t[4], "Zürich", "GPE", "rules", None)],
        5: [_span(t[5], "NASA", "ORG", MODEL, None),
            _span(t[5], "Artemis", "PRODUCT_LINE", "human", "ana"),
            _span(t[5], "Kenji Sato", "PERSON", "imported", "prodigy-user")],
    }
    sections: dict[int, list[list[Any]]] = {}
    plans = {2: ["byline", "body", "related_links"], 3: ["boilerplate", "body", "headline"],
             5: ["boilerplate", "body", "byline"]}
    for doc_id, labels in plans.items():
        rows, pos = [], 0
        for block, (line, label) in enumerate(zip(t[doc_id].split("\n"), labels, strict=True)):
            source, who = ("human", "ana") if block % 2 else ("rules", None)
            rows.append([block, pos, pos + len(line), label, source, who])
            pos += len(line) + 1
        sections[doc_id] = rows
    return {
        "documents": docs, "spans": spans, "sections": sections,
        "added_labels": [["entity", "PRODUCT_LINE", "#123456", "w", 10],
                         ["section", "headline", "#ff00aa", "Ctrl+5", 4]],
        "recoloured": [["entity", "PERSON", "#abcdef"]],
        "settings": {"model": "en_core_web_md", "lang": "pt", "annotator": "ana"},
    }


def _reached(name: str) -> list[str]:
    names = [version for version, _ in VERSIONS]
    return names[: names.index(name) + 1]


def _columns(name: str) -> dict[str, str]:
    """Column names as of that version: m004 renamed source -> origin and color -> colour."""
    renamed = "m004_origin_and_colour" in _reached(name)
    return {"origin": "origin" if renamed else "source", "colour": "colour" if renamed else "color"}


def _extras(name: str) -> dict[str, Any]:
    """Rows of the tables a version's migration added: m002 pre-annotation runs and HTML pages,
    m003 merge conflicts."""
    out: dict[str, Any] = {}
    reached = _reached(name)
    if "m002_preannotation_runs" in reached:
        out["preannotated"] = [[1, "en_core_web_sm@3.8.0", T0], [5, "en_core_web_sm@3.8.0", T0]]
        out["html_pages"] = [[4, "<p>Advertisement</p><p>The café in Zürich closed.</p>",
                              [{"tag": "p", "link_density": 0.0}, {"tag": "p",
                                                                   "link_density": 0.5}]]]
    if "m003_merge_conflicts" in reached:
        out["conflicts"] = [[3, "/home/bo/bo.db", ["cy"], "rejected",
                             [{"start": 0, "end": 6, "label": "ORG", "source": "human",
                               "annotator": "cy"}], [], "v-1", T1, None]]
    return out


def _write(db_path: Path, name: str, stop_before: str | None) -> dict[str, Any]:
    db_path.unlink(missing_ok=True)
    conn = sqlite3.connect(str(db_path), isolation_level=None)
    conn.execute("PRAGMA page_size = 1024")  # small files; the page size is not part of a schema
    conn.execute("PRAGMA journal_mode = WAL")  # as every version opened its files
    migrations.apply(Database(conn, execute_plugins=False), stop_before=stop_before)
    content = _content() | _extras(name)
    conn.execute("BEGIN")
    _insert(conn, content, _columns(name))
    if "m015_fts6_one_column_index" in _reached(name):  # one column (bulk.INDEXED_TEXT)
        conn.execute("INSERT INTO documents_fts (rowid, text) SELECT id, CASE WHEN "
                     "instr(text, title) THEN text ELSE title || char(10) || text END "
                     "FROM documents")
    elif "m011_index_by_batch" in _reached(name):  # importers index what they insert
        conn.execute("INSERT INTO documents_fts (rowid, title, text) "
                     "SELECT id, title, text FROM documents")
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return content


def _insert(conn: sqlite3.Connection, c: dict[str, Any], col: dict[str, str]) -> None:
    for d in c["documents"]:
        conn.execute("INSERT INTO documents (id, text, hash, source, title, meta, status, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [*d[:5], json.dumps(d[5]), *d[6:]])
    for doc_id, rows in c["spans"].items():
        conn.executemany(f'INSERT INTO spans (doc_id, start, "end", label, {col["origin"]}, '
                         f"annotator, created_at) VALUES ({doc_id}, ?, ?, ?, ?, ?, '{T0}')", rows)
    for doc_id, rows in c["sections"].items():
        conn.executemany('INSERT INTO sections (doc_id, block, start, "end", label, '
                         f"{col['origin']}, annotator, created_at) "
                         f"VALUES ({doc_id}, ?, ?, ?, ?, ?, ?, '{T0}')", rows)
    conn.executemany(f"INSERT INTO labels (kind, name, {col['colour']}, key, position) "
                     "VALUES (?, ?, ?, ?, ?)", c["added_labels"])
    for kind, label, colour in c["recoloured"]:
        conn.execute(f"UPDATE labels SET {col['colour']} = ? WHERE kind = ? AND name = ?",
                     [colour, kind, label])
    conn.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                     list(c["settings"].items()))
    for row in c.get("preannotated", []):
        conn.execute("INSERT INTO preannotated (doc_id, model, created_at) VALUES (?, ?, ?)", row)
    for doc_id, html, blocks in c.get("html_pages", []):
        conn.execute("INSERT INTO html_pages (doc_id, html, blocks) VALUES (?, ?, ?)",
                     [doc_id, html, json.dumps(blocks)])
    for row in c.get("conflicts", []):
        conn.execute("INSERT INTO conflicts (doc_id, origin, annotators, status, spans, "
                     "sections, version, created_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                     "?, ?)", [row[0], row[1], json.dumps(row[2]), row[3], json.dumps(row[4]),
                               json.dumps(row[5]), *row[6:]])


def labels_of(conn: sqlite3.Connection) -> list[list[Any]]:
    """The label table as written (kind, name, colour, key, position), for expected.json."""
    return [list(r) for r in conn.execute("SELECT * FROM labels ORDER BY kind, position")]


def main() -> None:
    force = "--force" in sys.argv[1:]
    listing = HERE / "expected.json"
    expected: dict[str, Any] = {}
    if listing.exists() and not force:
        expected = json.loads(listing.read_text(encoding="utf-8"))
    for name, stop_before in VERSIONS:
        path = HERE / f"{name}.db"
        if path.exists() and name in expected and not force:
            print(f"{path.name}: kept")
            continue
        content = _write(path, name, stop_before)
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
            content["labels"] = labels_of(conn)
            content["schema"] = [r[0] for r in conn.execute(
                "SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        conn.close()
        for sidecar in ("-wal", "-shm"):
            path.with_name(path.name + sidecar).unlink(missing_ok=True)
        expected[name] = content
        print(f"{path.name}: {path.stat().st_size} bytes, schema {content['schema']}")
    listing.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n",
                                        encoding="utf-8")


if __name__ == "__main__":
    main()
