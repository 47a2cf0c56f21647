"""Labelling goes on while the window imports (issue 12, point 5): a label key pressed during an
import is stored when the key returns, and the import still adds every document, once. The
import's child process runs at a lower CPU priority than the window: at the window's own
priority it took a core from the window's thread for the whole import, and on a machine whose
cores were busy the window waited 20-60 ms for one at each late tick."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from annotator.ui.jobs import BACKGROUND_NICE

DOCS = 3000


def spawned_children_nice() -> dict[int, int]:
    """Niceness of this process's spawned children (multiprocessing's ``spawn_main``, not its
    resource tracker), from ``/proc``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:  # it ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (name) "
        if int(fields[1]) == os.getpid() and "spawn_main" in cmdline:
            found[int(entry.name)] = int(fields[16])
    return found


def test_labels_pressed_during_an_import_are_stored_and_the_import_adds_every_document(
        window, qtbot, tmp_path):
    source = tmp_path / "wire.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for i in range(DOCS):
            text = f"Wire story {i}: Lumen Ltd hired Marina Costa in Porto on day {i}. " * 6
            out.write(json.dumps({"text": text, "spans": [
                {"start": 17 + len(str(i)), "end": 26 + len(str(i)), "label": "ORG"}]}) + "\n")
    window.load_tokenizer().join(120)
    doc_id = window.controller.doc.id
    end = window.controller.doc.text.index(" ")
    worker = window.import_paths([source])
    assert worker is not None
    stored, niceness = 0, set()
    while worker.is_running():
        if sys.platform.startswith("linux"):
            niceness.update(spawned_children_nice().values())
        label = ("ORG", "GPE")[stored % 2]
        window.editor.select_range(0, end)
        window.label_selection(label)
        # stored when the key returns, whatever batch the import was writing
        assert any(s.start == 0 and s.end == end and s.label == label
                   for s in window.store.spans.of(doc_id)), window.last_report
        stored += 1
        window.controller.undo()
        assert not any(s.start == 0 and s.end == end for s in window.store.spans.of(doc_id))
        qtbot.wait(30)
    qtbot.waitUntil(lambda: window.worker is None, timeout=60_000)  # its report is in
    assert stored >= 2, "the import ended before two labels were pressed"
    assert f"Imported {DOCS} documents" in window.last_report, window.last_report
    assert window.store.documents.count() == 3 + DOCS
    texts = window.store.conn.execute("SELECT count(DISTINCT hash) FROM documents").fetchone()
    assert texts[0] == 3 + DOCS  # each document once, none lost to a rolled-back batch
    if sys.platform.startswith("linux"):
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert mine + BACKGROUND_NICE in niceness, niceness
