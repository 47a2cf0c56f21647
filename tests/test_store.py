"""The project store: schema, pragmas, span rules, sections, statuses, migrations."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from annotator.domain import HUMAN, NewDocument, Span, SpanError, StaleEdit, Status
from annotator.store import open_store
from annotator.store.migrations import migrations

TEXT = "Rio Tinto hired Jane Doe in Perth.\nBy Ali Khan\n\nRead more: Gold rush"


@pytest.fixture
def doc(store) -> int:
    return store.documents.add([NewDocument(TEXT, "t.txt")]).added[0]


def test_project_file_uses_wal_foreign_keys_and_busy_timeout(store):
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert store.schema_version() == [m.name for m in migrations._migrations]


def test_default_label_set_has_colours_and_keys(store):
    entities = store.labels.of("entity")
    assert [lab.name for lab in entities] == [
        "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "DATE", "MONEY"]
    assert [lab.key for lab in entities][:3] == ["1", "2", "3"]
    assert store.labels.names("section") == ["boilerplate", "body", "byline", "related_links"]
    assert all(lab.colour.startswith("#") for lab in store.labels.of("section"))
    assert store.settings.get("model") == "en_core_web_sm"


def test_span_outside_text_empty_or_reversed_is_refused(store, doc):
    for start, end in [(-1, 3), (0, len(TEXT) + 1), (5, 5), (6, 2)]:
        with pytest.raises(SpanError):
            store.spans.add(doc, Span(start, end, "ORG"))
    assert store.spans.of(doc) == []


def test_span_with_unknown_label_is_refused(store, doc):
    with pytest.raises(SpanError, match="unknown entity label"):
        store.spans.add(doc, Span(0, 3, "NOPE"))


def test_new_span_replaces_the_spans_it_overlaps(store, doc):
    store.spans.add(doc, Span(0, 3, "ORG"))
    store.spans.add(doc, Span(4, 9, "ORG"))
    store.spans.add(doc, Span(16, 24, "PERSON"))
    stored, replaced = store.spans.add(doc, Span(0, 9, "ORG"))
    assert sorted((s.start, s.end) for s in replaced) == [(0, 3), (4, 9)]
    assert [(s.start, s.end, s.label) for s in store.spans.of(doc)] == [
        (0, 9, "ORG"), (16, 24, "PERSON")]
    assert stored.id is not None and stored.origin == HUMAN


def test_touching_spans_do_not_overlap(store, doc):
    store.spans.add(doc, Span(0, 3, "ORG"))
    _, replaced = store.spans.add(doc, Span(3, 9, "ORG"))
    assert replaced == [] and len(store.spans.of(doc)) == 2


def test_replacing_spans_is_one_transaction(store, doc):
    store.spans.add(doc, Span(0, 9, "ORG"))
    keep = store.spans.of(doc)[0]
    with pytest.raises(SpanError):
        store.spans.replace(doc, remove=[keep], add=[Span(28, 33, "GPE"), Span(30, 99, "GPE")])
    assert store.spans.of(doc) == [keep]


def test_replacing_spans_refuses_overlap_with_a_span_that_stays(store, doc):
    store.spans.add(doc, Span(0, 9, "ORG"))
    with pytest.raises(SpanError, match="overlaps"):
        store.spans.replace(doc, add=[Span(4, 12, "ORG")])


def test_a_span_is_removed_by_identity_not_row_id_and_a_changed_one_is_stale(store, doc):
    """Undo names spans as the person saw them; a row re-inserted with a new id is still found,
    and a span another window relabelled meanwhile is refused, with nothing changed."""
    shown, _ = store.spans.add(doc, Span(0, 9, "ORG"))
    store.spans.add(doc, Span(28, 33, "GPE"))
    store.spans.replace(doc, remove=[shown], add=[shown.with_id(None)])  # new row id
    assert store.spans.of(doc)[0].id != shown.id
    store.spans.remove(doc, shown)
    assert [s.label for s in store.spans.of(doc)] == ["GPE"]
    store.spans.add(doc, Span(0, 9, "PERSON"))
    with pytest.raises(StaleEdit):
        store.spans.remove(doc, shown)
    assert [s.label for s in store.spans.of(doc)] == ["PERSON", "GPE"]


def test_editing_marks_a_new_document_in_progress(store, doc):
    assert store.documents.get(doc).status == Status.NEW
    store.spans.add(doc, Span(0, 9, "ORG"))
    assert store.documents.get(doc).status == Status.IN_PROGRESS


def test_sections_tag_blocks_and_clear_them(store, doc):
    previous = store.sections.set(doc, [0, 1], "body")
    assert previous == []
    assert [(s.block, s.start, s.end, s.label) for s in store.sections.of(doc)] == [
        (0, 0, 34, "body"), (1, 35, 46, "body")]
    before = store.sections.set(doc, [1], "byline")
    assert [(s.block, s.label) for s in before] == [(1, "body")]
    store.sections.set(doc, [0], None)
    assert [(s.block, s.label) for s in store.sections.of(doc)] == [(1, "byline")]
    store.sections.replace(doc, store.sections.of(doc)[-1:], [1], before)
    assert [(s.block, s.label) for s in store.sections.of(doc)] == [(1, "body")]


def test_sections_refuse_unknown_block_or_label(store, doc):
    with pytest.raises(SpanError):
        store.sections.set(doc, [3], "body")  # the blank line is not a block: only 3 blocks
    with pytest.raises(SpanError):
        store.sections.set(doc, [0], "sidebar")


def test_accepting_confirms_remaining_suggestions_in_the_annotators_name(store, doc):
    store.spans.replace(doc, add=[Span(0, 9, "ORG", origin="model:en_core_web_sm@3.8.0")])
    assert store.spans.of(doc)[0].is_suggestion
    store.documents.set_status(doc, Status.ACCEPTED, annotator="maria")
    span = store.spans.of(doc)[0]
    assert span.confirmed and span.annotator == "maria"
    assert store.documents.get(doc).status == Status.ACCEPTED


def test_confirm_suggestions_and_undo(store, doc):
    store.spans.replace(doc, add=[Span(0, 9, "ORG", origin="pattern")])
    store.sections.set(doc, [0], "body", origin="rules")
    confirmed = store.suggestions.confirm(doc, "maria")
    assert confirmed.spans == ((0, 9),) and confirmed.blocks == (0,)
    assert store.spans.of(doc)[0].annotator == "maria"
    store.suggestions.unconfirm(doc, confirmed)
    assert store.spans.of(doc)[0].annotator is None and store.sections.of(doc)[0].annotator is None


def test_deleting_a_document_cascades_to_its_labels(store, doc):
    store.spans.add(doc, Span(0, 9, "ORG"))
    store.sections.set(doc, [0], "body")
    with store.transaction() as conn:
        conn.execute("DELETE FROM documents WHERE id = ?", [doc])
    assert store.spans.of(doc) == [] and store.sections.of(doc) == []


def test_lazy_listing_pages_filters_and_counts(store):
    store.documents.add([NewDocument(f"Story number {i} about Perth mining", f"{i}.txt")
                         for i in range(50)])
    store.documents.set_status(3, Status.ACCEPTED)
    page = store.documents.page(offset=10, limit=5)
    assert [row["id"] for row in page] == [11, 12, 13, 14, 15]
    assert store.documents.count(status=Status.ACCEPTED) == 1
    assert store.documents.count(text="number 4") == 1  # words: not 40-49
    assert store.documents.count(text="Story numb") == 50  # the last word from 3 letters on
    assert store.documents.status_counts()[Status.NEW] == 49


def test_iter_documents_streams_in_batches(store):
    store.documents.add([NewDocument(f"doc {i}", f"{i}.txt") for i in range(25)])
    batches = list(store.documents.iter(batch_size=10))
    assert [len(b) for b in batches] == [10, 10, 5]


def test_migration_from_the_first_schema_version_keeps_data(tmp_path):
    """A project file made by the first version is upgraded in place when opened."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = Database(conn)
    first = migrations._migrations[0].name
    later = [m.name for m in migrations._migrations[1:]]
    migrations.apply(db, stop_before=later[0])
    conn.execute(
        "INSERT INTO documents (text, hash, source, title, meta, status, created_at, updated_at) "
        "VALUES ('Old text', 'h', 'old.txt', 'Old', '{}', 'accepted', 'x', 'x')")
    conn.execute('INSERT INTO spans (doc_id, start, "end", label, source, created_at) '
                 "VALUES (1, 0, 3, 'ORG', 'human', 'x')")
    conn.close()
    with open_store(path) as store:
        assert store.schema_version() == [first, *later]
        assert store.documents.get(1).status == Status.ACCEPTED
        assert [(s.start, s.end) for s in store.spans.of(1)] == [(0, 3)]
        tables = set(store.db.table_names())
        assert {"preannotated", "html_pages"} <= tables


def test_reopening_a_project_applies_nothing_twice(tmp_path):
    path = tmp_path / "p.db"
    open_store(path).close()
    with open_store(path) as store:
        names = store.schema_version()
        assert len(names) == len(set(names))
