"""Small projects of three annotators labelling the same articles differently, made through the
store's API (as `annotator import` and the window make them). Used by the agreement and
curation tests (``from team_projects import ...``; tests/ is on the path)."""

from __future__ import annotations

from pathlib import Path

from annotator.domain import NewDocument, Span, Status
from annotator.store import open_store

ARTICLES = [
    "Angela Merkel met Emmanuel Macron in Berlin.\nBy Ali Khan\nRead more: markets",
    "Toyota recalled cars in Japan on Monday.\nBy Sara Lee\nSubscribe now",
    "Google bought a startup in London.\nBy Tom Ray\nCookies help us",
]
# annotator -> per article: {words: label} and the section of each of its three lines
LABELS = {
    "maria": [
        ({"Angela Merkel": "PERSON", "Emmanuel Macron": "PERSON", "Berlin": "GPE"},
         ["body", "byline", "related_links"]),
        ({"Toyota": "ORG", "Japan": "GPE", "Monday": "DATE"}, ["body", "byline", "boilerplate"]),
        ({"Google": "ORG", "London": "GPE"}, ["body", "byline", "boilerplate"]),
    ],
    "bob": [
        ({"Angela Merkel": "PERSON", "Emmanuel Macron": "ORG"},
         ["body", "byline", "boilerplate"]),
        ({"Toyota": "ORG", "Japan": "GPE"}, ["body", "byline", "boilerplate"]),
        ({"Google": "ORG", "London": "GPE"}, ["body", "body", "boilerplate"]),
    ],
    "carol": [
        ({"Angela Merkel": "PERSON", "Macron": "PERSON", "Berlin": "GPE"},
         ["body", "byline", "related_links"]),
        ({"Toyota": "ORG", "Japan": "LOC", "Monday": "DATE"}, ["body", "byline", "boilerplate"]),
        ({"Google": "ORG", "London": "GPE"}, ["body", "byline", "boilerplate"]),
    ],
}


def make_project(path: Path, annotator: str, articles: list[int] | None = None) -> Path:
    """``annotator``'s project: the articles (all by default) labelled as :data:`LABELS` says
    and accepted."""
    wanted = range(len(ARTICLES)) if articles is None else articles
    with open_store(path) as store:
        ids = store.documents.add([NewDocument(ARTICLES[i], f"{i}.txt") for i in wanted]).added
        for doc_id, i in zip(ids, wanted, strict=True):
            words, sections = LABELS[annotator][i]
            text = ARTICLES[i]
            for word, label in words.items():
                start = text.index(word)
                store.spans.add(doc_id, Span(start, start + len(word), label,
                                             annotator=annotator))
            for block, label in enumerate(sections):
                store.sections.set(doc_id, [block], label, annotator=annotator)
            store.documents.set_status(doc_id, Status.ACCEPTED, annotator)
    return path


def team(tmp_path: Path, names=("maria", "bob", "carol")) -> list[Path]:
    return [make_project(tmp_path / f"{name}.db", name) for name in names]
