"""A text longer than the store's large-text threshold is written in pieces (incremental blob
I/O) and reads back exactly, as TEXT, with the same content hash as any other text."""

from __future__ import annotations

from annotator.domain import NewDocument, content_hash
from annotator.store import bulk


def test_a_huge_text_is_stored_whole_and_exact(store, monkeypatch):
    monkeypatch.setattr(bulk, "LARGE_TEXT", 1000)
    monkeypatch.setattr(bulk, "CHUNK", 777)  # pieces that split multi-byte characters' runs
    text = ("Zoë Müller 🇫🇷 joined Rio Tinto in Perth on Monday. 日本\n" * 200)
    small = "A short one."
    ids = store.documents.add([NewDocument(text, "big.txt"), NewDocument(small, "s.txt")]).added
    big = store.documents.get(ids[0])
    assert big.text == text and big.hash == content_hash(text)
    assert store.conn.execute("SELECT typeof(text), length(text) FROM documents WHERE id = ?",
                              [ids[0]]).fetchone() == ("text", len(text))
    assert store.documents.get(ids[1]).text == small
    again = store.documents.add([NewDocument(text, "copy.txt")])
    assert again.added == [] and again.duplicates == [("copy.txt", ids[0])]


def test_the_content_hash_is_the_sha256_of_the_utf8():
    import hashlib

    text = "é" * 3_000_000
    assert content_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
