"""A write the project file refuses (locked by another writer, read-only, disk full) is shown to
the person, is not drawn as done, and succeeds when pressed again; bulk writers hold the lock
briefly enough that labelling goes on during an import."""

from __future__ import annotations

import json
import threading
import time

import pytest

from annotator.core.session import Session
from annotator.domain import NewDocument
from annotator.services.importing import import_paths
from annotator.store import StorageError, open_store

TEXT = "Lumen Ltd hired Marina Costa in Porto on Monday."


class View:
    def __init__(self):
        self.failed, self.messages = [], []

    def show_write_failed(self, text):
        self.failed.append(text)

    def show_message(self, text):
        self.messages.append(text)

    def __getattr__(self, name):
        return lambda *args: None


@pytest.fixture
def session(tmp_path):
    path = tmp_path / "p.db"
    with open_store(path) as store:
        store.documents.add([NewDocument(text=TEXT, source="a.txt"),
                             NewDocument(text="Another article.", source="b.txt")])
    store = open_store(path, interactive=True)
    s = Session(store, annotator="ana", view=View())
    s.open_document(1)
    yield s
    store.close()


def _label(session) -> list:
    start = TEXT.index("Porto")
    return session.label_range(start, start + 5, "GPE", snap=False)


def test_a_label_pressed_while_another_writer_holds_the_lock_fails_visibly_and_retries(session):
    other = open_store(session.store.path)
    other.conn.execute("BEGIN IMMEDIATE")
    try:
        assert _label(session) == []
    finally:
        other.conn.execute("ROLLBACK")
        other.close()
    assert "Press the key again to retry" in session.view.failed[-1]
    assert session.spans == [] and session.store.spans.of(1) == []  # not drawn, not saved
    assert not session.undo_stack.can_undo
    assert [s.label for s in _label(session)] == ["GPE"]  # pressed again: saved
    assert [s.label for s in session.store.spans.of(1)] == ["GPE"]


def test_a_read_only_project_refuses_the_label_visibly(session):
    session.store.conn.execute("PRAGMA query_only = ON")  # what a read-only file does to writes
    assert _label(session) == []
    assert "readonly" in session.view.failed[-1] and session.spans == []
    session.store.conn.execute("PRAGMA query_only = OFF")
    assert _label(session)


def test_a_full_disk_refuses_the_label_visibly(session):
    conn = session.store.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
    with pytest.raises(StorageError, match="full"):
        for i in range(1_000_000):  # fill what room the span pages have left (document 2)
            conn.execute('INSERT INTO spans (doc_id, start, "end", label, origin, created_at) '
                         "VALUES (2, ?, ?, 'ORG', 'human', '')", [i, i + 1])
    assert _label_many(session) is False
    assert "full" in session.view.failed[-1]


def _label_many(session) -> bool:
    """Label words until one fails; a full disk fails at once or within a few edits."""
    for word in ("Lumen", "Marina", "Porto", "Monday"):
        start = TEXT.index(word)
        if not session.label_range(start, start + len(word), "ORG", snap=False):
            return False
    return True


def test_labelling_goes_on_during_a_large_import(session, tmp_path):
    """Every label made while an import of thousands of documents runs is saved; none waits
    past the window's one-second lock timeout."""
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as fh:
        for i in range(4000):
            text = f"Article {i}: Lumen Ltd hired Marina Costa in Porto on day {i}. " * 8
            spans = [{"start": k * 63, "end": k * 63 + 9, "label": "ORG"} for k in range(8)]
            fh.write(json.dumps({"text": text, "spans": spans}) + "\n")
    done = threading.Event()

    def run() -> None:
        with open_store(session.store.path) as writer:
            import_paths(writer, [big])
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    saved = 0
    deadline = time.monotonic() + 300  # an import starved by the labels fails, never hangs
    try:
        while not done.is_set():
            assert time.monotonic() < deadline, f"the import made no end ({saved} labels)"
            start = TEXT.index("Porto")
            label = "GPE" if saved % 2 else "LOC"
            assert session.label_range(start, start + 5, label, snap=False), \
                session.view.failed
            saved += 1
    finally:
        thread.join()
    assert saved > 3 and not session.view.failed
    assert session.store.documents.count() == 4002
