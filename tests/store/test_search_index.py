"""The list's full-text index of one column (migration ``m015_fts6_one_column_index``, issue 12):
each document's words once (its text, led by its title only when the text does not hold it),
no copy of the text, kept exact by its writers and triggers through every way a document is
added, changed or removed; an older project's index is rebuilt that way when it is opened.

The strongest check here compares the live index with one built afresh from the documents as
they are now (:func:`assert_index_is_exact`): a trigger that deleted a document's words with
other values than it was indexed with would leave stale words behind, which a search may not
show at once but the index's vocabulary does."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from project_files import old_project
from sqlite_utils import Database

from annotator.domain import NewDocument
from annotator.nlp import near_dup_lines as lines
from annotator.services.merging import merge
from annotator.store import bulk, open_store
from annotator.store.migrations import migrations

FRESH = "fresh_fts"


def instances(conn: sqlite3.Connection, table: str) -> list[tuple]:
    """Every (term, document, column, offset) the index holds, in order."""
    vocab = f"{table}_vocab"
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocab} USING "
                 f"fts5vocab(main, {table}, 'instance')")
    try:
        return conn.execute(f"SELECT term, doc, col, offset FROM temp.{vocab} "
                            "ORDER BY term, doc, offset").fetchall()
    finally:
        conn.execute(f"DROP TABLE temp.{vocab}")


def assert_index_is_exact(store) -> None:
    """The index holds exactly what indexing today's documents afresh gives, and is sound."""
    conn = store.conn
    conn.execute(f"CREATE VIRTUAL TABLE {FRESH} USING fts5(text, content='', columnsize=0, "
                 "tokenize='unicode61 remove_diacritics 2', prefix='3')")
    try:
        conn.execute(f"INSERT INTO {FRESH} (rowid, text) SELECT id, {bulk.INDEXED_TEXT} "
                     "FROM documents")
        assert instances(conn, "documents_fts") == instances(conn, FRESH)
    finally:
        conn.execute(f"DROP TABLE {FRESH}")
    assert conn.execute("INSERT INTO documents_fts (documents_fts) VALUES "
                        "('integrity-check')").fetchall() == []


def found(store, text: str) -> list[int]:
    query = store.documents.list_query(None, text)
    ids = query.ids(0, 1000)
    assert query.count() == len(ids)
    return ids


def test_the_index_has_one_column_and_no_copy_of_the_text(store):
    sql = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'"
                             ).fetchone()[0]
    assert "content=''" in sql and "columnsize=0" in sql and "prefix='3'" in sql
    assert [r[1] for r in store.conn.execute("PRAGMA table_info(documents_fts)")] == ["text"]
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert "documents_fts_content" not in tables and "documents_fts_docsize" not in tables


def test_a_title_inside_the_text_is_indexed_once_and_one_of_its_own_is_found(store):
    text = "Harbour reopens after the storm\nThe port of Brest reopened on Monday."
    store.documents.add([
        NewDocument(text, "a.txt"),  # its title is its first line
        NewDocument("Dockers voted on Monday.", "b.jsonl", meta={"title": "Quarry strike"}),
    ])
    assert store.conn.execute("SELECT title FROM documents ORDER BY id").fetchall() == [
        ("Harbour reopens after the storm",), ("Quarry strike",)]
    harbour = [r for r in instances(store.conn, "documents_fts") if r[0] == "harbour"]
    assert harbour == [("harbour", 1, "text", 0)]  # once, not once more for the title
    assert found(store, "harbour reopens") == [1]
    assert found(store, "quarry strike") == [2]  # a title the text does not hold
    assert found(store, "quarr") == [2]
    assert found(store, "dockers voted") == [2]
    assert found(store, "monday") == [1, 2]
    assert_index_is_exact(store)


def test_changed_and_removed_documents_leave_no_word_behind(store, tmp_path):
    store.documents.add([NewDocument(t, f"{i}.txt") for i, t in enumerate([
        "Lisbon port strike ends\nDockers in Lisbon voted on Monday.",
        "Perth floods\nRain closed roads around Perth.",
        "Zoë Müller joins Rio Tinto\nThe miner named her chief in Perth.",
    ])])
    with store.transaction() as conn:
        conn.execute("UPDATE documents SET title = 'Renamed headline' WHERE id = 1")
        conn.execute("UPDATE documents SET title = 'Rain closed' WHERE id = 2")  # inside the text
        conn.execute("UPDATE documents SET text = 'Zoë Müller leaves Rio Tinto' WHERE id = 3")
    assert found(store, "renamed headline") == [1] and found(store, "lisbon") == [1]
    assert found(store, "perth floods") == [2]  # the old title is still the text's first line
    assert found(store, "miner named") == [] and found(store, "zoe muller leaves") == [3]
    assert found(store, "joins rio") == [3]  # its title, no longer in its text, leads it now
    assert_index_is_exact(store)
    other = tmp_path / "other.db"
    with open_store(other) as theirs:
        theirs.documents.add([NewDocument("Glencore buys a smelter", "g.txt")])
    merge(store, [other])
    with store.transaction() as conn:
        conn.execute("DELETE FROM documents WHERE id IN (1, 3)")
    assert found(store, "renamed") == [] and found(store, "rio tinto") == []
    assert found(store, "joins") == []
    assert len(found(store, "glencore")) == 1
    assert_index_is_exact(store)


_words = st.sampled_from(["Lisbon", "port", "Zoë", "Müller", "strike", "café", "Perth", "a",
                          "1984", "rain"])
_texts = st.lists(_words, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(st.tuples(_texts, st.one_of(st.none(), _texts)), min_size=1, max_size=5,
                     unique_by=lambda d: d[0]),
       changes=st.lists(st.tuples(st.sampled_from(["title", "text", "delete"]),
                                  st.integers(0, 4), _texts), max_size=6))
def test_any_mix_of_imports_edits_and_deletions_keeps_the_index_exact(tmp_path_factory, docs,
                                                                      changes):
    path = tmp_path_factory.mktemp("p") / "p.db"
    with open_store(path) as store:
        added = store.documents.add([
            NewDocument(text, f"{i}.txt", meta={"title": title} if title else {})
            for i, (text, title) in enumerate(docs)]).added
        with store.transaction() as conn:
            for what, which, value in changes:
                doc_id = added[which % len(added)]
                if what == "delete":
                    conn.execute("DELETE FROM documents WHERE id = ?", [doc_id])
                else:  # a text may now equal another's: the hash is not what is checked
                    conn.execute(f"UPDATE OR IGNORE documents SET {what} = ? WHERE id = ?",
                                 [value, doc_id])
        assert_index_is_exact(store)


def old_schema_project(path, title_of_its_own: bool = True) -> None:
    """A project as m014 left it (title and text indexed as two columns), with one document
    whose title its text does not hold."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations.apply(Database(conn, execute_plugins=False),
                     stop_before="m015_fts6_one_column_index")
    stamp = "2026-01-01T00:00:00+00:00"
    rows = [(1, "Dockers in Lisbon voted on Monday.", "h1", "a.jsonl", "Quarry strike ends"),
            (2, "Perth floods\nRain closed roads around Perth.", "h2", "b.txt", "Perth floods")]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO documents (id, text, hash, source, title, meta, status, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, '{}', 'new', ?, ?)",
                     [(*r, stamp, stamp) for r in rows])
    conn.execute("INSERT INTO documents_fts (rowid, title, text) SELECT id, title, text "
                 "FROM documents")  # as m011-m014 importers indexed
    conn.execute("COMMIT")
    conn.close()


@pytest.mark.parametrize("version", ["m008_list_search", "m013_imp2_fts_merge16",
                                     "m014_exp2_token_cache"])
def test_an_older_project_is_indexed_again_and_searches_the_same(tmp_path, version):
    path = old_project(tmp_path, version)
    words = ("lisbon", "zurich", "nasa", "krakow", "cookie", "marina costa", "ana souz")
    with open_store(path, read_only=True) as before:  # its own two-column index, untouched
        expected = {word: found(before, word) for word in words}
    assert all(expected.values())
    with open_store(path) as store:
        assert "m015_fts6_one_column_index" in store.schema_version()
        assert {word: found(store, word) for word in words} == expected
        assert_index_is_exact(store)
        config = dict(store.conn.execute("SELECT k, v FROM documents_fts_config"))
        assert config["automerge"] == 32
        new = store.documents.add([NewDocument("Lisbon tram strike\nNo trams ran.", "n.txt")])
        assert found(store, "lisbon") == expected["lisbon"] + new.added
        assert_index_is_exact(store)


def test_an_old_projects_title_of_its_own_is_still_found_after_the_upgrade(tmp_path):
    path = tmp_path / "old.db"
    old_schema_project(path)
    with open_store(path, read_only=True) as before:
        assert found(before, "quarry strike") == [1] and found(before, "perth floods") == [2]
    with open_store(path) as store:
        assert found(store, "quarry strike") == [1]  # the title the text does not hold
        assert found(store, "quarry strike ends dockers") == [1]  # leads its one column
        assert found(store, "perth floods") == [2] and found(store, "rain closed") == [2]
        assert_index_is_exact(store)
        with store.transaction() as conn:  # the new triggers delete what m015 indexed
            conn.execute("UPDATE documents SET title = 'Pier closes' WHERE id = 1")
            conn.execute("DELETE FROM documents WHERE id = 2")
        assert found(store, "quarry") == [] and found(store, "pier closes") == [1]
        assert found(store, "perth") == []
        assert_index_is_exact(store)


def test_an_import_batch_counts_its_lines_without_looking_its_documents_up(store):
    """``NearDups.add_lines_of_added``: what the grouping's own count stores, in the batch's
    transaction, and refused outside one."""
    prose = "The harbour board met on Tuesday to decide the future of the old ferry pier."
    texts = [f"Pier story {i}\n{prose}\nBy A. Writer" for i in range(3)] + ["Headline only"]
    added = store.documents.add([NewDocument(t, f"{i}.txt") for i, t in enumerate(texts)],
                                in_batch=lambda step: store.near_dups.add_lines_of_added(
                                    {d: lines.line_keys(t) for d, t in
                                     zip(step.added, step.texts, strict=True)},
                                    lines.BLANK_ROW)).added
    assert store.conn.execute("SELECT docs FROM near_dup_lines").fetchall() == [(3,)]
    rows = store.conn.execute("SELECT doc_id, signature, shingles, grp FROM near_dups "
                              "ORDER BY doc_id").fetchall()
    assert rows == [(d, None, 0, None) for d in added[:3]] + [(added[3], b"", 0, 0)]
    with pytest.raises(RuntimeError):
        store.near_dups.add_lines_of_added({added[0]: set()}, lines.BLANK_ROW)


def test_a_long_text_is_indexed_by_a_statement_of_its_own_with_the_same_words(store,
                                                                               monkeypatch):
    """Texts written in pieces (``bulk.LARGE_TEXT``) are indexed one by one, reading the text
    once (the 50 MB import's memory), with exactly the words the batch's statement gives."""
    monkeypatch.setattr(bulk, "LARGE_TEXT", 100)
    long_text = "Harbour works begin in Brest\n" + "The council met again. " * 20
    store.documents.add([
        NewDocument(long_text, "long.txt"),  # title inside its text
        NewDocument("Short one about Brest", "s.txt"),
        NewDocument("Dockers voted. " * 20, "t.jsonl", meta={"title": "Quarry strike"}),
    ])
    assert found(store, "harbour works") == [1] and found(store, "brest") == [1, 2]
    assert found(store, "quarry strike dockers") == [3] and found(store, "council met") == [1]
    assert_index_is_exact(store)
    with store.transaction() as conn:
        conn.execute("DELETE FROM documents WHERE id IN (1, 3)")
    assert found(store, "council") == [] and found(store, "quarry") == []
    assert_index_is_exact(store)
