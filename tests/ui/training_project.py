"""A small real project to train on in window tests: accepted articles from several sites with
a person's entity spans (PERSON, ORG, GPE, DATE, MONEY and COMMODITY, a label the stock model
has never heard of), and unfinished ones left to re-suggest. The articles are the learning
benchmark's generated ones (``bench/ner_articles.py``), kept short so training takes seconds."""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.domain import HUMAN, NewDocument, Span, Status
from annotator.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from ner_articles import articles  # noqa: E402

LABELS = ("PERSON", "ORG", "GPE", "DATE", "MONEY", "COMMODITY")


def make_training_project(path: Path, accepted: int = 16, unfinished: int = 3,
                          words: int = 40, commodity: bool = True) -> Path:
    """``accepted`` labelled articles of about ``words`` words, then ``unfinished`` new ones
    without spans (the last one is the one to open). Without ``commodity`` the project has only
    labels the stock model knows."""
    labels = LABELS if commodity else LABELS[:-1]
    with open_store(path) as store:
        for name in store.labels.names("entity"):
            if name not in labels:
                store.labels.delete("entity", name)
        if commodity:
            store.labels.add("entity", "COMMODITY")
        docs = [NewDocument(a.text, f"https://{a.site}/{i}.html", {"site": a.site},
                            spans=[Span(s, e, label, HUMAN, "tester")
                                   for s, e, label in a.spans if label in labels],
                            status=Status.ACCEPTED, annotator="tester")
                for i, a in enumerate(articles(accepted, "train", words))]
        docs += [NewDocument(a.text, f"https://later.example/{i}.html", {"site": "later.example"})
                 for i, a in enumerate(articles(unfinished, "test", words, seed=3))]
        store.documents.add(docs)
        store.settings.set("preannotate_on_import", "off")
    return path
