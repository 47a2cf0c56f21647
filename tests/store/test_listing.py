"""The document list's queries (issue 12, point 4): the text filter goes through the full-text
index, which follows every way a document is written; pages found from an anchor are the pages
found from the top; row lookups and "next unfinished" are single queries."""

from __future__ import annotations

from project_files import old_project

from annotator.domain import NewDocument, Status
from annotator.store import bulk, open_store
from annotator.store.listing import fts_query
from annotator.store.merge import merge_project

TEXTS = [
    "Zoë Müller joins Rio Tinto\nThe miner named her chief in Perth.",
    "Lisbon port strike ends\nDockers in Lisbon voted on Monday.",
    "Perth floods\nRain closed roads around Perth.",
    "Markets: the $ fell\nTraders sold the dollar.",
]


def filtered(store, text: str, status: Status | None = None) -> list[int]:
    query = store.documents.list_query(status, text)
    ids = query.ids(0, 1000)
    assert query.count() == len(ids)
    return ids


def test_the_query_is_one_phrase_whose_last_word_is_a_prefix_from_three_letters():
    assert fts_query("Rio Tin") == '"Rio Tin" *'
    assert fts_query("Rio Ti") == '"Rio Ti"'  # a short last word is matched whole
    assert fts_query("Lisbon ") == '"Lisbon"'  # a space after it: the word is complete
    assert fts_query('say "NEAR(a b)" OR -xyz') == '"say NEAR a b OR xyz" *'  # no syntax
    assert fts_query("$ — !") is None


def test_the_text_filter_finds_words_case_and_accents_folded(store):
    store.documents.add([NewDocument(t, f"{i}.txt") for i, t in enumerate(TEXTS)])
    assert filtered(store, "perth") == [1, 3]
    assert filtered(store, "zoe muller") == [1]  # accents and case folded
    assert filtered(store, "Lisb") == [2]  # the start of a word
    assert filtered(store, "miner named her") == [1]
    assert filtered(store, "named miner") == []  # the words in the order typed
    assert filtered(store, "Rio Tinto,") == [1]  # punctuation typed is ignored
    assert filtered(store, "$") == [4]  # no word in it: a substring scan
    store.documents.set_status(3, Status.ACCEPTED)
    assert filtered(store, "Perth", Status.ACCEPTED) == [3]
    assert filtered(store, "Perth", Status.NEW) == [1]


def test_documents_are_found_however_they_arrive_or_change(store, tmp_path, monkeypatch):
    store.documents.add([NewDocument(TEXTS[0], "a.txt")])
    assert filtered(store, "Kraków") == []
    store.documents.add([NewDocument("Żabka Labs opens in Kraków", "b.txt")])  # an import
    assert filtered(store, "krakow") == [2]
    monkeypatch.setattr(bulk, "LARGE_TEXT", 100)  # written in pieces after its row
    long_text = "Harbour works\n" + "The council met again. " * 20 + "Quarry closes."
    big = store.documents.add([NewDocument(long_text, "long.txt")]).added[0]
    assert filtered(store, "quarry closes") == [big]
    assert filtered(store, "Harbour") == [big]
    other = tmp_path / "other.db"
    with open_store(other) as theirs:
        theirs.documents.add([NewDocument("Glencore buys a smelter", "g.txt")])
    merge_project(store, other)  # a merge
    assert len(filtered(store, "glencore")) == 1
    with store.transaction() as conn:  # any later writer: the triggers follow
        conn.execute("UPDATE documents SET title = 'Renamed headline' WHERE id = 1")
        conn.execute("DELETE FROM documents WHERE id = 2")
    assert filtered(store, "renamed headline") == [1] and filtered(store, "krakow") == []
    assert store.conn.execute("INSERT INTO documents_fts (documents_fts) VALUES "
                              "('integrity-check')").fetchall() == []


def test_an_older_project_gets_the_index_of_its_documents(tmp_path):
    path = old_project(tmp_path, "m004_origin_and_colour")
    with open_store(path, read_only=True) as before:  # not upgraded: a substring scan
        expected = filtered(before, "Lisbon")
    with open_store(path) as store:
        assert expected and filtered(store, "Lisbon") == expected


def test_pages_from_an_anchor_are_the_pages_from_the_top(store):
    store.documents.add([NewDocument(f"Story {i} in {'Perth' if i % 3 else 'Oslo'}", f"{i}")
                         for i in range(300)])
    for i in range(1, 301, 4):
        store.documents.set_status(i, Status.ACCEPTED)
    for status, text in [(None, ""), (Status.NEW, ""), (None, "Perth"), (Status.NEW, "perth"),
                         (None, "in Osl")]:
        query = store.documents.list_query(status, text)
        every = query.ids(0, 1000)
        assert len(every) == query.count() > 0
        for offset in (0, 7, 50, len(every) - 3):
            for row in range(0, offset + 1, 13):
                assert query.ids(offset, 20, (row, every[row])) == every[offset:offset + 20]
        for row in (0, 17, len(every) - 1):
            assert query.row_of(every[row]) == row
        missing = [i for i in range(1, 301) if i not in every][:1]
        assert [query.row_of(i) for i in missing] == [None] * len(missing)


def test_next_unfinished_skips_finished_and_the_open_document_and_wraps(store):
    store.documents.add([NewDocument(f"Story {i} about Perth", f"{i}") for i in range(10)])
    for doc_id in (4, 5, 6, 9, 10):
        store.documents.set_status(doc_id, Status.ACCEPTED if doc_id % 2 else Status.REJECTED)
    store.documents.set_status(7, Status.SKIPPED)  # skipped is not finished
    for text in ("", "perth"):
        query = store.documents.list_query(None, text)
        assert query.next_unfinished(3) == 7
        assert query.next_unfinished(7, skip=8) == 1  # wraps round
        assert query.next_unfinished(0, skip=1) == 2
    assert store.documents.list_query(Status.ACCEPTED).next_unfinished(0) is None
    assert store.documents.list_query(Status.SKIPPED).next_unfinished(8) == 7
