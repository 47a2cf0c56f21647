"""What the file keeps when a process dies: every edit a session acknowledged survives a SIGKILL
(100 kills, integrity checked each time); a killed import or pre-annotation resumes with no
duplicates; two processes labelling at once never see "database is locked" and lose nothing."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import crash_editor
import pytest

from annotator.domain import NewDocument
from annotator.services.importing import ALONE_BATCH
from annotator.store import open_store

WORDS = ("Lumen", "Porto", "Monday", "Marina", "Costa", "Vale", "Lisbon", "Reuters")
TEXT = " ".join(f"{WORDS[i % len(WORDS)]}{i}" for i in range(3000))
KILLS = int(os.environ.get("ANNOTATOR_CRASH_KILLS", "100"))

# A session that labels words one after another and prints each edit once it is acknowledged
# (the call returned: committed, as the window would then draw it).
EDITOR = """
import json, random, sys
from annotator.core.session import Session
from annotator.store import open_store
path, doc_id, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = open_store(path)
session = Session(store, annotator=f"proc{seed}")
session.open_document(doc_id)
text = session.doc.text
words, start = [], 0
for word in text.split(" "):
    words.append((start, start + len(word)))
    start += len(word) + 1
rng = random.Random(seed)
rng.shuffle(words)
labels = ["PERSON", "ORG", "GPE", "LOC"]
print("ready", flush=True)
for i, (s, e) in enumerate(words):
    label = labels[i % 4]
    if session.label_range(s, e, label, snap=False):
        print(json.dumps([s, e, label]), flush=True)
    else:
        print("refused", flush=True)
"""


def _project(path: Path, docs: int = 1) -> None:
    with open_store(path) as store:
        store.documents.add([NewDocument(text=f"{i} {TEXT}", source=f"d{i}")
                             for i in range(docs)])


def _editor(path: Path, script: Path, doc_id: int, seed: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(script), str(path), str(doc_id), str(seed)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _acknowledged(lines: list[str]) -> set[tuple]:
    return {tuple(json.loads(line)) for line in lines if line.startswith("[")}


def _stored(path: Path, doc_id: int) -> set[tuple]:
    with open_store(path) as store:
        return {(s.start, s.end, s.label) for s in store.spans.of(doc_id)}


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _forking_editors():
    """A forkserver context whose server has imported the editor's loop (and so the session
    and the store): 100 kills cost 100 forks, not 100 interpreter starts."""
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    # crash_editor is not on the server's path (3.11 does not pass sys.path to it): the
    # child imports that small module, with everything it needs already imported; and each
    # child imports the parent's __main__ (pytest's), so the server has pytest too
    ctx.set_forkserver_preload(["pytest", "annotator.core.session", "annotator.store"])
    return ctx


@pytest.mark.slow
@pytest.mark.parametrize("window", [False, True], ids=["session", "window-connection"])
def test_no_acknowledged_edit_is_lost_when_the_process_is_killed(tmp_path, window):
    """``window``: the editor writes through the window's connection, which commits without
    syncing and leaves the sync to its keeper thread: a killed process loses nothing either
    (a third of the kills: the same code path, and the suite's time)."""
    path = tmp_path / "p.db"
    _project(path)
    ctx = _forking_editors()
    rng = random.Random(1)
    acknowledged: set[tuple] = set()
    kills = KILLS // 3 if window else KILLS
    for kill in range(kills):
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=crash_editor.label_words,
                           args=(str(path), 1, kill, send, window))
        proc.start()
        send.close()
        assert receive.recv() == "ready"
        deadline = time.monotonic() + rng.uniform(0.02, 0.25)
        while time.monotonic() < deadline:
            time.sleep(0.005)
        proc.kill()
        proc.join()
        while receive.poll():  # sent before the kill: acknowledged too
            try:
                message = receive.recv()
            except EOFError:
                break
            if isinstance(message, list):
                acknowledged.add(tuple(message))
        receive.close()
        stored = _stored(path, 1)
        # a later edit may replace an earlier one on the same word, never lose it silently
        assert {(s, e) for s, e, _ in acknowledged} <= {(s, e) for s, e, _ in stored}
        assert _integrity(path) == "ok"
        acknowledged = stored
    assert len(acknowledged) > kills  # the loop made real progress between kills


def test_two_processes_labelling_at_once_lose_nothing(tmp_path):
    path = tmp_path / "p.db"
    _project(path, docs=2)
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    procs = [_editor(path, script, doc_id, doc_id) for doc_id in (1, 2)]
    time.sleep(3)
    outputs = []
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
        outputs.append(proc.communicate()[0].splitlines())
    for doc_id, lines in zip((1, 2), outputs, strict=True):
        assert "refused" not in lines  # never "database is locked", never refused
        acknowledged = _acknowledged(lines)
        assert acknowledged and acknowledged <= _stored(path, doc_id)
    assert _integrity(path) == "ok"


def _big_jsonl(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"Report {i}: Lumen Ltd opened an office in Porto on Monday. " * 4
            fh.write(json.dumps({"text": text, "spans": [
                {"start": 11 + len(str(i)), "end": 20 + len(str(i)), "label": "ORG"}]}) + "\n")


def _count(db: Path, sql: str) -> int:
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created yet


def _kill_mid_run(cmd: list[str], db: Path, sql: str) -> None:
    """Start ``cmd`` and SIGKILL it as soon as ``sql`` counts some committed work."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _count(db, sql) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.kill()
    proc.wait()


def test_a_killed_import_resumes_with_no_duplicates(tmp_path):
    # a command-line import commits every ALONE_BATCH documents: more than one batch, so the
    # kill can land between two commits
    n = ALONE_BATCH + ALONE_BATCH // 4
    data, db = tmp_path / "big.jsonl", tmp_path / "p.db"
    _big_jsonl(data, n)
    annotator = [sys.executable, "-m", "annotator", "import", "--db", str(db), str(data)]
    _kill_mid_run(annotator, db, "SELECT count(*) FROM documents")
    with open_store(db) as store:
        partly = store.documents.count()
    assert 0 < partly < n, "the kill should land mid-import"
    assert _integrity(db) == "ok"
    subprocess.run(annotator, check=True, capture_output=True)
    with open_store(db) as store:
        assert store.documents.count() == n
        spans = store.conn.execute("SELECT count(*), count(DISTINCT doc_id) FROM spans")
        assert tuple(spans.fetchone()) == (n, n)  # one span each, none twice


PATTERNS = '{"label": "ORG", "pattern": "Lumen Ltd"}\n{"label": "GPE", "pattern": "Porto"}\n'


def _pipeline(folder: Path) -> None:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("ner").add_label("ORG")
    nlp.initialize()
    nlp.to_disk(folder)


@pytest.mark.slow
def test_a_killed_pre_annotation_resumes_with_no_duplicates(tmp_path):
    model, patterns = tmp_path / "model", tmp_path / "patterns.jsonl"
    _pipeline(model)
    patterns.write_text(PATTERNS, encoding="utf-8")
    data = tmp_path / "docs.jsonl"
    _big_jsonl(data, 400)
    databases = []
    for name in ("killed.db", "whole.db"):
        db = tmp_path / name
        subprocess.run([sys.executable, "-m", "annotator", "import", "--db", str(db),
                        str(data)], check=True, capture_output=True)
        databases.append(db)
    run = [sys.executable, "-m", "annotator", "preannotate", "--model", str(model),
           "--patterns", str(patterns), "--batch-size", "8", "--db"]
    _kill_mid_run([*run, str(databases[0])], databases[0],
                  "SELECT count(*) FROM preannotated")
    with open_store(databases[0]) as store:
        partly = store.conn.execute("SELECT count(DISTINCT doc_id) FROM preannotated")
        assert 0 < partly.fetchone()[0] < 400, "the kill should land mid-run"
    for db in databases:
        subprocess.run([*run, str(db)], check=True, capture_output=True)
    labels = []
    for db in databases:
        with open_store(db) as store:
            labels.append(sorted(store.conn.execute(
                'SELECT doc_id, start, "end", label, origin FROM spans').fetchall()))
    assert labels[0] == labels[1] and len(labels[0]) > 400
    assert _integrity(databases[0]) == "ok"
