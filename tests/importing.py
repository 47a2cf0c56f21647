"""Helpers of the import tests: input files written as bytes, and what the project holds.

Reading the project goes through these few functions, so a change of the store's API is
adapted here once."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.domain import Document, Section, Span
from annotator.io.problems import Kind
from annotator.services.importing import ImportReport
from annotator.store import Store


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(path: Path, *records: object) -> Path:
    """One line per record; a str is written as it is (a deliberately broken line). A record
    holding a lone surrogate is written with JSON escapes (it has no UTF-8 form)."""
    lines = [r if isinstance(r, str) else _dumps(r) for r in records]
    return write(path, "\n".join(lines) + "\n")


def _dumps(record: object) -> str:
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record)
    return line


def documents(store: Store) -> list[Document]:
    return [store.documents.get(i) for i in store.documents.ids()]


def texts(store: Store) -> list[str]:
    return [d.text for d in documents(store)]


def by_text(store: Store, text: str) -> Document:
    return next(d for d in documents(store) if d.text == text)


def spans_of(store: Store, doc_id: int) -> list[Span]:
    return store.spans.of(doc_id)


def span_texts(store: Store, doc_id: int) -> list[tuple[str, str]]:
    text = store.documents.get(doc_id).text
    return [(text[s.start:s.end], s.label) for s in spans_of(store, doc_id)]


def sections_of(store: Store, doc_id: int) -> list[Section]:
    return store.sections.of(doc_id)


def reasons(report: ImportReport, kind: Kind | None = None) -> list[str]:
    """The problems as a person reads them, ``path[:line]: reason``."""
    return [str(p) for p in report.problems if kind is None or p.kind is kind]


def rejected(report: ImportReport) -> list[str]:
    return reasons(report, Kind.REJECTED)
