"""The labelling loop of tests/test_crash_safety.py, in a module with no pytest in it, so the
forkserver that runs it imports it once and forks each killed editor ready to label."""

from __future__ import annotations

import random

from annotator.core.session import Session
from annotator.store import open_store


def label_words(path: str, doc_id: int, seed: int, out, interactive: bool = False) -> None:
    """Label the document's words in a shuffled order, sending each edit on ``out`` once the
    session acknowledged it (the call returned: committed, as the window would then draw it).
    ``interactive``: the window's connection (commits under synchronous=NORMAL, log synced by
    its keeper thread)."""
    store = open_store(path, interactive=interactive)
    session = Session(store, annotator=f"proc{seed}")
    session.open_document(doc_id)
    words, start = [], 0
    for word in session.doc.text.split(" "):
        words.append((start, start + len(word)))
        start += len(word) + 1
    random.Random(seed).shuffle(words)
    labels = ["PERSON", "ORG", "GPE", "LOC"]
    out.send("ready")
    for i, (s, e) in enumerate(words):
        label = labels[i % 4]
        out.send([s, e, label] if session.label_range(s, e, label, snap=False) else "refused")
