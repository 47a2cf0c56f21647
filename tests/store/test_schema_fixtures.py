"""A project made by each past schema version opens with today's code and loses nothing
(issue 10, point 9). The fixtures are committed files written by
``tests/data/schemas/make_schema_fixtures.py``; ``expected.json`` is what was written into them."""

from __future__ import annotations

import dataclasses
import json

import pytest
from project_files import SCHEMAS, fingerprint, old_project

from annotator.store import open_store
from annotator.store.connection import APPLICATION_ID, known_migrations

EXPECTED = json.loads((SCHEMAS / "expected.json").read_text(encoding="utf-8"))
FIXTURES = sorted(p.stem for p in SCHEMAS.glob("*.db"))


def test_every_past_schema_version_has_a_fixture():
    """When a migration is added, the version before it becomes past and needs its fixture."""
    past = list(known_migrations()[:-1])
    assert set(past) <= set(FIXTURES), "add the missing versions to make_schema_fixtures.py"
    assert set(FIXTURES) <= set(known_migrations()) and set(FIXTURES) == set(EXPECTED)


def rows(items) -> list[list]:
    """Spans, sections or labels as plain lists, whatever their fields are called now."""
    out = []
    for item in items:
        values = dataclasses.astuple(item) if dataclasses.is_dataclass(item) else tuple(item)
        out.append(list(values))
    return out


@pytest.mark.parametrize("version", FIXTURES)
def test_a_past_version_project_is_upgraded_without_loss(tmp_path, version):
    want = EXPECTED[version]
    path = old_project(tmp_path, version)
    with open_store(path) as store:
        assert store.schema_version() == list(known_migrations())
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        check_documents(store, want)
        check_labels_and_settings(store, want)
        check_later_tables(store, want)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with open_store(path) as again:  # and a second open changes nothing
        assert again.schema_version() == list(known_migrations())


@pytest.mark.parametrize("version", FIXTURES)
def test_a_past_version_project_reads_the_same_read_only_and_stays_unchanged(tmp_path,
                                                                             version):
    want = EXPECTED[version]
    path = old_project(tmp_path, version)
    before = fingerprint(path)
    with open_store(path, read_only=True) as store:
        check_documents(store, want)
        check_labels_and_settings(store, want)
        check_later_tables(store, want)
    assert fingerprint(path) == before


def check_documents(store, want: dict) -> None:
    docs = want["documents"]
    assert store.documents.ids() == [d[0] for d in docs]
    titles = {row["id"]: row["title"] for row in store.documents.page(0, 100)}
    for doc_id, text, digest, source, title, meta, status, created, updated in docs:
        doc = store.documents.get(doc_id)
        assert (doc.text, doc.hash, doc.source, doc.meta) == (text, digest, source, meta)
        assert (doc.status.value, doc.created_at, doc.updated_at) == (status, created, updated)
        assert titles[doc_id] == title
        spans = sorted(want["spans"].get(str(doc_id), []))
        assert sorted(r[:5] for r in rows(store.spans.of(doc_id))) == spans
        sections = want["sections"].get(str(doc_id), [])
        assert [r[:6] for r in rows(store.sections.of(doc_id))] == sections


def check_labels_and_settings(store, want: dict) -> None:
    for kind in ("entity", "section"):
        stored = [[r[1], r[0], *r[2:5]] for r in rows(store.labels.of(kind))]  # kind, name, ...
        assert stored == [label for label in want["labels"] if label[0] == kind]
    assert all(label in want["labels"] for label in want["added_labels"])
    assert all(any(label[:2] == r[:2] and label[2] == r[2] for label in want["labels"])
               for r in want["recoloured"])
    for key, value in want["settings"].items():
        assert store.settings.get(key) == value


def check_later_tables(store, want: dict) -> None:
    """Pre-annotation runs and HTML pages (m002) and merge conflicts (m003), where written."""
    for doc_id, model, _created in want.get("preannotated", []):
        assert store.suggestions.is_preannotated(doc_id, model)
    pages = {doc_id: (html, blocks) for doc_id, html, blocks in want.get("html_pages", [])}
    assert store.suggestions.html_pages(store.documents.ids()) == pages
    conflicts = store.conn.execute(
        "SELECT doc_id, origin, annotators, status, spans, sections, version, created_at, "
        "resolved_at FROM conflicts").fetchall()
    written = [[c[0], c[1], json.dumps(c[2]), c[3], json.dumps(c[4]), json.dumps(c[5]), *c[6:]]
               for c in want.get("conflicts", [])]
    assert [list(c) for c in conflicts] == written
