"""Bulk import writes (issue 12): documents go in as multi-row statements, so the full-text index
is written once per batch, and every document is still indexed and stored exactly as given."""

from __future__ import annotations

import sqlite3

from project_files import old_project

from annotator.domain import NewDocument, Span
from annotator.store import bulk, documents, near_dups, open_store


def test_every_document_of_a_batch_of_several_statements_is_stored_and_indexed(store,
                                                                               monkeypatch):
    monkeypatch.setattr(bulk, "_MAX_ROWS", 3)  # 10 new documents: statements of 3, 3, 3, 1
    monkeypatch.setattr(bulk, "LARGE_TEXT", 200)  # and one written in pieces between them
    texts = [f"Harbour story {i}\nThe port of town{i} reopened." for i in range(10)]
    texts.insert(4, "Quarry closes\n" + "The council met again. " * 20)
    store.documents.add([NewDocument(texts[0], "first.txt")])
    records = [NewDocument(t, f"{i}.txt", spans=[Span(0, 7, "ORG")]) for i, t in enumerate(texts)]
    result = store.documents.add(records, batch_size=1000)
    assert result.duplicates == [("0.txt", 1)]
    assert result.added == list(range(2, 12))
    rows = store.conn.execute("SELECT id, text, source FROM documents ORDER BY id").fetchall()
    assert rows == [(1, texts[0], "first.txt")] + [
        (i + 1, t, f"{i}.txt") for i, t in enumerate(texts) if i > 0]
    for i in range(1, 10):
        assert store.documents.list_query(text=f"town{i}").ids(0, 10) == [i + 1 + (i >= 4)]
    assert store.documents.list_query(text="quarry closes").ids(0, 10) == [5]
    assert store.documents.list_query(text="harbour").count() == 10
    assert store.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 10
    assert store.conn.execute("INSERT INTO documents_fts (documents_fts) VALUES "
                              "('integrity-check')").fetchall() == []


def test_batches_keep_their_minimum_size_however_long_the_lock_is_held(store, monkeypatch):
    records = [NewDocument(f"Story number {i}", f"{i}.txt") for i in range(95)]
    sizes: list[int] = []
    store.documents.add(records, batch_size=40, lock_seconds=0.0, min_batch=30,
                        on_batch=lambda step: sizes.append(len(step.added)))
    assert sizes == [30, 30, 30, 5]  # by lock time alone every batch would be one document
    sizes.clear()
    store.documents.add([NewDocument(f"Other story {i}", f"o{i}.txt") for i in range(25)],
                        lock_seconds=0.0, on_batch=lambda step: sizes.append(len(step.added)))
    assert sizes == [20, 1, 1, 1, 1, 1]  # without a minimum: 20 to start, then by lock time


def test_a_batch_ends_early_once_its_texts_are_long(store, monkeypatch):
    monkeypatch.setattr(documents, "BATCH_CHARS", 100)
    records = [NewDocument(f"Story {i}: " + "words " * 10, f"{i}.txt") for i in range(7)]
    sizes: list[int] = []
    store.documents.add(records, batch_size=50, min_batch=50,
                        on_batch=lambda step: sizes.append(len(step.added)))
    assert sizes == [2, 2, 2, 1]  # 70 characters each: the second passes 100


def test_a_project_from_before_m011_finds_the_same_and_indexes_what_comes_next(tmp_path):
    path = old_project(tmp_path, "m010_near_duplicates")  # its index kept by the insert trigger
    with sqlite3.connect(path) as conn:
        before = {word: [r[0] for r in conn.execute(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rowid",
            [word])] for word in ("lisbon", "zurich", "nasa", "kraków", "cookie")}
    conn.close()
    assert all(before.values())
    with open_store(path) as store:
        assert store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                  "name = 'documents_fts_insert'").fetchall() == []
        for word, ids in before.items():
            assert store.documents.list_query(text=word).ids(0, 100) == ids
        new = store.documents.add([NewDocument("Lisbon tram strike\nNo trams ran.", "n.txt")])
        assert store.documents.list_query(text="lisbon").ids(0, 100) == before["lisbon"] + \
            new.added
        assert store.conn.execute("INSERT INTO documents_fts (documents_fts) VALUES "
                                  "('integrity-check')").fetchall() == []


def test_near_duplicate_signing_reads_a_huge_text_only_up_to_its_cap(store, monkeypatch):
    monkeypatch.setattr(near_dups, "TEXT_CHARS", 50)
    text = "Quarry closes\n" + "The council met again. " * 20
    store.documents.add([NewDocument(text, "long.txt"), NewDocument("Short one", "s.txt")])
    assert store.near_dups.uncounted_ids() == [1, 2]
    assert store.near_dups.texts([2, 1]) == [(1, text[:50]), (2, "Short one")]


def test_spans_of_a_batch_go_in_as_statements_of_many_rows_in_order(store, monkeypatch):
    monkeypatch.setattr(bulk, "_MAX_ROWS", 4)  # 9 spans: statements of 4, 4, 1
    text = "Ana met Bo and Cy in Rome, then Dee, Eve and Flo in Oslo; Gus and Hal stayed home."
    names = ["Ana", "Bo", "Cy", "Rome", "Dee", "Eve", "Flo", "Oslo", "Gus"]
    spans = [Span(text.index(n), text.index(n) + len(n), "GPE" if n in ("Rome", "Oslo")
                  else "PERSON") for n in names]
    store.documents.add([NewDocument(text, "a.txt", spans=spans[:5]),
                         NewDocument(text + " More.", "b.txt", spans=spans[5:])])
    rows = store.conn.execute('SELECT id, doc_id, start, "end", label, origin FROM spans '
                              "ORDER BY id").fetchall()
    assert [r[0] for r in rows] == list(range(1, 10))  # ids in the order given
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        (1 if i < 5 else 2, s.start, s.end, s.label) for i, s in enumerate(spans)]
    assert {r[5] for r in rows} == {"human"}  # Span's own origin, as given


def test_insert_rows_writes_nothing_for_no_rows(store):
    bulk.insert_rows(store.conn, bulk.INSERT_SPANS, [])  # no statement, no error
    assert store.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 0


def test_duplicates_are_found_by_the_hash_index_exactly_as_by_a_lookup(store, monkeypatch):
    """A batch goes in without looking its hashes up first; a text already in the project,
    wherever it is in the batch (a later statement, a text written in pieces), makes the batch
    go in again after the lookup: the same ids, rows, duplicates and index as always, and
    nothing of the first try left behind."""
    monkeypatch.setattr(bulk, "_MAX_ROWS", 3)
    monkeypatch.setattr(bulk, "LARGE_TEXT", 200)
    long_text = "Quarry closes\n" + "The council met again. " * 20
    texts = [f"Harbour story {i}\nThe port of town{i} reopened." for i in range(12)]
    store.documents.add([NewDocument(texts[7], "old-7.txt"), NewDocument(long_text, "old.txt")])
    lookups: list[int] = []
    real = bulk._existing_hashes
    monkeypatch.setattr(bulk, "_existing_hashes",
                        lambda conn, hashes: lookups.append(len(hashes)) or real(conn, hashes))
    batch = [NewDocument(t, f"{i}.txt", spans=[Span(0, 7, "ORG")]) for i, t in enumerate(texts)]
    batch.insert(3, NewDocument(texts[1], "again-1.txt"))  # a duplicate inside the batch
    batch.insert(9, NewDocument(long_text, "again-long.txt"))
    result = store.documents.add(batch, batch_size=1000)
    assert lookups == [len(batch)]  # tried without, then once with the lookup
    assert result.duplicates == [("again-1.txt", 4), ("7.txt", 1), ("again-long.txt", 2)]
    assert result.added == list(range(3, 14))
    rows = store.conn.execute("SELECT id, source FROM documents ORDER BY id").fetchall()
    assert rows == [(1, "old-7.txt"), (2, "old.txt")] + [
        (3 + n, f"{i}.txt") for n, i in enumerate(i for i in range(12) if i != 7)]
    assert store.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 11
    assert store.documents.list_query(text="harbour").count() == 12
    assert store.conn.execute("INSERT INTO documents_fts (documents_fts) VALUES "
                              "('integrity-check')").fetchall() == []
    lookups.clear()
    fresh = store.documents.add([NewDocument("A story of its own.", "new.txt")])
    assert (fresh.added, fresh.duplicates, lookups) == ([14], [], [])  # no duplicate: no lookup
