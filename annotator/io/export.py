"""Exports: stream documents into ``OUT.part``, rename it on success (:mod:`annotator.io.atomic`).

A writer turns one document (with its spans and sections) into one JSON-able record; this module
does the streaming, the atomic write and ``-`` for stdout, for every JSONL format alike. Items come
from the caller (``annotator.services.exporting`` reads them from the store a batch at a time).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.domain import Document, Section, Span, Status
from annotator.io.atomic import atomic_output

FINISHED = [Status.ACCEPTED, Status.REJECTED]


@dataclass(frozen=True)
class Item:
    """One document as an export sees it; ``tokens``: its token runs from the token cache
    (:func:`annotator.domain.pack_token_runs`), when the cache holds them for the export's
    tokenizer."""

    doc: Document
    spans: list[Span]
    sections: list[Section]
    tokens: bytes | None = None


# ``json.dumps(x, ensure_ascii=False)`` builds a new encoder on every call; one is enough.
_encode = json.JSONEncoder(ensure_ascii=False).encode

RecordWriter = Callable[[Item], Iterator[dict[str, Any]]]


def export_statuses(include_all: bool) -> list[Status] | None:
    """Only finished documents by default; ``--all`` takes every document."""
    return None if include_all else FINISHED


def encode_record(record: dict[str, Any] | str) -> str:
    """One record as the JSON line every JSONL export writes (line break included); a record
    a writer already encoded (a ``str``, the same text ``json`` would write) as it is."""
    if isinstance(record, str):
        return record + "\n"
    return _encode(record) + "\n"


def write_jsonl(
    items: Iterator[Item],
    writer: RecordWriter,
    out: str | Path,
    on_item: Callable[[], None] | None = None,
    keep: Callable[[], bool] | None = None,
) -> int:
    """Stream records as JSON lines; returns how many lines were written.

    ``keep`` is asked once everything is written: when it says False (e.g. the writer reported
    spans it could not export), the file is not renamed into place and an existing ``out`` stays
    as it was (stdout cannot be taken back). An exception from ``writer`` or ``on_item`` (a
    cancel) likewise leaves no file."""
    count = 0

    def lines() -> Iterator[str]:
        nonlocal count
        for item in items:
            for record in writer(item):
                yield encode_record(record)
                count += 1
            if on_item is not None:
                on_item()

    write_text(lines(), out, keep)
    return count


def write_text(pieces: Iterable[str], out: str | Path,
               keep: Callable[[], bool] | None = None) -> bool:
    """Stream ready-made text (a record's line, a chunk of many) into ``out`` (or ``-``),
    atomically. ``keep`` is asked once everything is written, as for :func:`write_jsonl`;
    returns False when it said no and nothing was put in place. An exception from ``pieces``
    (a cancel) leaves no file."""
    try:
        with atomic_output(out) as fh:
            for piece in pieces:
                fh.write(piece)
            if keep is not None and not keep() and str(out) != "-":
                raise _Discard()
    except _Discard:
        return False
    return True


class _Discard(Exception):
    """Raised inside ``atomic_output`` so that the part is removed, not renamed into place."""


# Keys exports add to a document's meta, and the key clashing meta keys are nested under.
OWN_META_KEYS = frozenset({"doc_id", "status"})
NESTED_META = "meta"


def export_meta(doc: Document) -> dict[str, Any]:
    """The document's meta as exports carry it: its own keys, plus where it came from
    (``source`` unless it has one, ``doc_id``, ``status``).

    A meta key of the document's own named ``doc_id``, ``status`` or ``meta`` would be overwritten
    or taken for ours, so such keys go, unchanged, under ``meta["meta"]``: every key survives and
    the clash is visible."""
    meta: dict[str, Any] = {}
    clashing: dict[str, Any] = {}
    for key, value in doc.meta.items():
        (clashing if key in OWN_META_KEYS or key == NESTED_META else meta)[key] = value
    meta.setdefault("source", doc.source)
    meta["doc_id"] = doc.id
    meta["status"] = doc.status.value
    if clashing:
        meta[NESTED_META] = clashing
    return meta
