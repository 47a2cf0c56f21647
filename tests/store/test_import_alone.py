"""A command-line import with nobody watching (issue 12, point 1): bigger batches while no
window holds the project open, asked of the system without taking a lock; near-duplicate line
counts commit with their batch; documents with no prose line are compared as they are counted;
meta written by hand exactly as ``json.dumps`` writes it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain import NewDocument
from annotator.nlp import near_dup_lines as lines
from annotator.services.importing import import_paths
from annotator.services.near_duplicates import group_documents
from annotator.store import bulk, open_store, presence

HOLD = ("import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
        "fcntl.lockf(fd, fcntl.LOCK_SH)\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n")

needs_linux = pytest.mark.skipif(not presence._CAN_ASK, reason="held_open asks only on "
                                 "64-bit Linux (elsewhere it answers True)")


@pytest.fixture
def window(tmp_path):
    """Another process holding the project open as a window does (a shared lock on
    ``p.db-open``) until the test ends."""
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "p.db-open")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    yield child
    child.stdin.close()
    child.wait(timeout=10)


def many(n: int, tag: str = "Story") -> list[NewDocument]:
    return [NewDocument(f"{tag} {i} of the harbour board", f"{tag}{i}.txt") for i in range(n)]


@needs_linux
def test_held_open_sees_another_process_s_window_lock_and_takes_none(tmp_path, window):
    project = tmp_path / "p.db"
    assert presence.held_open(project)
    mine = presence.Presence(project)  # our own probe is not disturbed by having asked
    assert mine.others
    mine.release()
    window.stdin.close()
    window.wait(timeout=10)
    assert not presence.held_open(project)  # the file stays, its lock went with the process


def test_held_open_is_false_without_the_flag_file(tmp_path):
    assert not presence.held_open(tmp_path / "p.db")


@needs_linux
@pytest.mark.parametrize(("watched", "documents", "sizes"), [
    (False, 2500, [1000, 1000, 500]),  # nobody waits for the lock: the large batches
    (True, 500, [200, 200, 100]),  # a window might: the usual ones
])
def test_batches_grow_while_no_window_holds_the_project(tmp_path, request, watched, documents,
                                                        sizes):
    if watched:
        request.getfixturevalue("window")
    store = open_store(tmp_path / "p.db")
    seen: list[int] = []
    store.documents.add(many(documents), batch_size=200, min_batch=200, alone_batch=1000,
                        on_batch=lambda step: seen.append(len(step.added)))
    assert seen == sizes
    store.close()


def test_what_runs_inside_a_batch_commits_with_it_or_not_at_all(store):
    seen: list[int] = []

    def inside(step) -> None:
        seen.append(len(step.added))
        with store.transaction() as conn:  # joins the batch's transaction
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('n', ?)",
                         [str(sum(seen))])
        if len(seen) == 2:
            raise RuntimeError("stop in the second batch")

    with pytest.raises(RuntimeError):
        store.documents.add(many(30), batch_size=10, min_batch=10, in_batch=inside)
    assert seen == [10, 10]
    assert store.documents.count() == 10  # the second batch went back whole
    assert store.settings.get("n") == "10"


def two_reprints_and_headlines(tmp_path, headlines: int):
    """A folder with two wire copies of one story (a.txt, b.txt) and ``headlines`` files of a
    headline alone (short0.txt ...): no prose line, so nothing to compare."""
    body = ("The harbour board met on Tuesday to decide the future of the old ferry pier. "
            "Members argued for an hour about repairs, costs and the summer timetable. ")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(f"Pier to close\n{body}\nBy A. Writer", encoding="utf-8")
    (folder / "b.txt").write_text(f"Ferry pier closes\n{body}\nFrom the wires", encoding="utf-8")
    for i in range(headlines):
        (folder / f"short{i}.txt").write_text(f"Headline {i} only", encoding="utf-8")
    return folder


def test_blank_documents_are_compared_when_counted_and_prose_ones_after(store, tmp_path):
    folder = two_reprints_and_headlines(tmp_path, 3)
    report = import_paths(store, [folder], near_duplicates=False)
    ids = dict(store.conn.execute("SELECT source, id FROM documents"))
    short = [ids[str(folder / f"short{i}.txt")] for i in range(3)]
    # counted as an importer counts (the grouping run then only compares)
    keys = {i: lines.line_keys(store.documents.get(i).text) for i in report.added_ids}
    with store.transaction():  # nothing counted them yet, as in the batch that added them
        store.near_dups.add_lines_of_added(keys, lines.BLANK_ROW)
    groups = dict(store.conn.execute("SELECT doc_id, grp FROM near_dups"))
    assert [groups[i] for i in short] == [0, 0, 0]  # compared already: no shingle, no pair
    assert groups[ids[str(folder / "a.txt")]] is None  # prose: not compared yet
    store.conn.execute("UPDATE near_dups SET grp = NULL WHERE doc_id = ?", [short[0]])  # as an
    grouping = group_documents(store, workers=1)  # older version left it: compared as any
    groups = dict(store.conn.execute("SELECT doc_id, grp FROM near_dups"))
    pair = sorted([ids[str(folder / "a.txt")], ids[str(folder / "b.txt")]])
    assert store.near_dups.groups() == [pair]
    assert [groups[i] for i in short] == [0, 0, 0]
    assert grouping.groups == 1 and grouping.changed == pair


def test_a_blank_signature_is_stored_as_no_bytes_and_old_full_ones_still_read(store, tmp_path):
    """Documents with no prose line are signed with no bytes (not 780 zero bytes: 78 MB and a
    fifth of the CPU of the 100,000-file import bench); rows older versions stored as zero bytes
    are still skipped when compared, and read as any other when not compared yet."""
    folder = two_reprints_and_headlines(tmp_path, 4)
    import_paths(store, [folder])
    ids = dict(store.conn.execute("SELECT source, id FROM documents"))
    short = [ids[str(folder / f"short{i}.txt")] for i in range(4)]
    rows = dict(store.conn.execute("SELECT doc_id, signature FROM near_dups"))
    assert [rows[i] for i in short] == [b""] * 4
    assert {len(rows[ids[str(folder / n)]]) for n in ("a.txt", "b.txt")} == {780}
    # as an older version stored them: 780 zero bytes, one compared, one not yet
    store.conn.execute("UPDATE near_dups SET signature = ? WHERE doc_id IN (?, ?)",
                       [lines.BLANK_SIGNATURE, short[0], short[1]])
    store.conn.execute("UPDATE near_dups SET grp = NULL WHERE doc_id IN (?, ?)",
                       [short[1], short[2]])
    signed, _, _, _ = store.near_dups.all_signatures(
        skip_alone=(lines.BLANK_ROW[0], lines.BLANK_SIGNATURE))
    assert short[0] not in signed and short[3] not in signed
    assert short[1] in signed and short[2] in signed  # not compared yet: read, b"" or not
    group_documents(store, workers=1)
    pair = sorted([ids[str(folder / "a.txt")], ids[str(folder / "b.txt")]])
    assert store.near_dups.groups() == [pair]
    groups = dict(store.conn.execute("SELECT doc_id, grp FROM near_dups"))
    assert [groups[i] for i in short] == [0, 0, 0, 0]


def test_the_full_text_index_merges_32_segments_at_a_time_of_a_batch_each(store):
    """m015 (after m013's 16): a 100,000-document import in batches of 5,000 makes 20 segments,
    one a batch (a pending hash of 8 MiB holds a batch), and none is merged during it."""
    config = dict(store.conn.execute("SELECT k, v FROM documents_fts_config"))
    assert (config["automerge"], config["crisismerge"], config["hashsize"]) == (32, 64, 8 << 20)


_values = st.one_of(st.text(), st.integers(), st.none(), st.booleans(),
                    st.lists(st.text(), max_size=2))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.one_of(st.text(), st.integers()), _values, max_size=4))
def test_meta_is_stored_as_json_dumps_writes_it(meta):
    assert bulk.meta_json(meta) == json.dumps(meta, ensure_ascii=False)


def test_near_dup_rows_of_long_runs_of_ids_are_the_rows_one_at_a_time(store):
    """An import batch's ids come in runs (consecutive): a run of ``LONG_RUN`` or more gets its
    rows from one statement, the others row by row, and every document gets the same row."""
    from annotator.store import near_dups

    store.documents.add(many(130))
    ids = [r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
    prose = set(ids[60:61]) | set(ids[70:])  # runs: 60 blank, 1 prose, 9 blank, 60 prose
    keys = {i: ({5, i} if i in prose else set()) for i in ids}
    with store.transaction():
        store.near_dups.add_lines_of_added(keys, lines.BLANK_ROW)
    rows = {r[0]: r[1:] for r in store.conn.execute(
        "SELECT doc_id, signature, shingles, grp FROM near_dups")}
    assert rows == {i: (None, 0, None) if i in prose else (b"", 0, 0) for i in ids}
    assert dict(store.conn.execute("SELECT hash, docs FROM near_dup_lines")) == \
        {5: 61, **{i: 1 for i in prose}}
    assert near_dups.LONG_RUN <= 60 < 130


def test_bigger_batches_alone_still_end_at_their_characters(tmp_path, monkeypatch):
    """Batches while no window holds the project grow to ``alone_batch`` documents, and end
    early once their texts pass ``ALONE_BATCH_CHARS`` characters (not ``BATCH_CHARS``)."""
    from annotator.store import documents

    monkeypatch.setattr(documents, "BATCH_CHARS", 50)
    monkeypatch.setattr(documents, "ALONE_BATCH_CHARS", 200)
    store = open_store(tmp_path / "p.db")
    sizes: list[int] = []
    store.documents.add(many(20), batch_size=1000, min_batch=1000, alone_batch=1000,
                        on_batch=lambda step: sizes.append(len(step.added)))
    store.close()
    each = len(many(1)[0].text)
    assert sizes[0] == -(-200 // each) and sum(sizes) == 20
