"""The common JSONL task read in one pass: what the general reader (:mod:`annotator.io.tasks`)
would make of it, without its bookkeeping.

Why: an import of 100,000 Prodigy-style lines spent about 60 us of Python per line in the
general path (a notes object, the set of keys read, meta cleaning, span parsers for every shape
a tool writes, section checks), three times what parsing the line costs. Most lines of most
files are the plain shape: ``text``, ``spans`` as ``{"start", "end", "label"}`` in order, a flat
``meta`` object and a tool's bookkeeping keys. Those are read here; anything else (another key,
a span that needs a note, a nested meta value, a ``\\r`` in the text) returns ``None`` and the
caller reads the task with :func:`annotator.io.tasks.task_records`, which gives the same
document for a plain task (``tests/test_import_plain.py`` checks both agree).

Lines are parsed with msgspec (:func:`decode_line`), several times faster than ``json`` and
stricter: it refuses what ``json`` accepts but we must repair (``NaN``, ``Infinity``, a lone
surrogate escape, a number out of a double's range), so a task it decodes has none of those and
its flat meta values need no cleaning. Whatever it refuses is parsed by ``json`` again for the
general path and its precise error messages.
"""

from __future__ import annotations

from typing import Any

import msgspec

from annotator.domain import IMPORTED, NewDocument, Span
from annotator.io.task_spans import _EDGE
from annotator.io.task_values import clean_meta
from annotator.io.tasks import BOOKKEEPING, STATUSES, _status, text_problem

# Keys a plain task may have: every one is read or dropped by the general path without a note.
PLAIN_KEYS = frozenset({"text", "spans", "meta"}) | BOOKKEEPING
_FLAT = (str, int, float, bool, type(None))
_decode = msgspec.json.Decoder().decode
NOT_DECODED = object()  # what decode_line returns for a line msgspec refuses


def decode_line(line: str) -> Any:
    """The JSON value of a whole line, or :data:`NOT_DECODED` when msgspec refuses it (not
    JSON, or JSON we must read with ``json`` to repair it: see the module docstring)."""
    try:
        return _decode(line)
    except (msgspec.DecodeError, ValueError, RecursionError):  # a lone surrogate in the line:
        return NOT_DECODED  # UnicodeEncodeError, a ValueError


def plain_record(task: Any, path: str, line: int | None) -> NewDocument | None:
    """The document of a plain task decoded by :func:`decode_line`, exactly as
    :func:`~annotator.io.tasks.task_records` makes it (with no note), or ``None`` when the task
    is not plain and must go through the general path."""
    if type(task) is not dict or not PLAIN_KEYS.issuperset(task):
        return None
    text = task.get("text")
    if type(text) is not str or "\r" in text or text_problem(task, text) is not None:
        return None
    meta = _plain_meta(task.get("meta"))
    if meta is None:
        return None
    status, annotator = _status(task, set())
    items = task.get("spans")
    if items is None:
        spans: list[Span] | None = []
    elif type(items) is list:
        spans = _plain_spans(items, text, annotator)
    else:
        return None
    if spans is None:
        return None
    return NewDocument(text=text, source=path, meta=meta, spans=spans, sections=[],
                       status=status, annotator=annotator, line=line)


def _plain_meta(nested: Any) -> dict[str, Any] | None:
    """A copy of ``meta`` when the general path keeps it as it is (an object whose ``status``
    is not one of ours, whose ``title`` is text, nested no deeper than the cleaner allows);
    ``None`` otherwise. No meta at all is an empty one."""
    if nested is None:
        return {}
    if type(nested) is not dict:
        return None
    status = nested.get("status")
    if type(status) is str and status in STATUSES:
        return None  # our own export's status: the general path reads it
    title = nested.get("title")
    if title is not None and type(title) is not str:
        return None
    for value in nested.values():
        if not isinstance(value, _FLAT):
            break
    else:
        return dict(nested)
    noted: list[str] = []
    meta = clean_meta(nested, lambda reason, dropped: noted.append(reason))
    return None if noted else meta


def _plain_spans(items: list[Any], text: str, annotator: str | None) -> list[Span] | None:
    """The spans of a ``spans`` list when every one passes the general path's inline check
    (integer offsets inside the text, a non-empty string label, no whitespace at an edge, no
    ``text`` of its own) and they come in order without overlapping; else ``None``."""
    good: list[Span] = []
    new = tuple.__new__  # Span(...) without the named tuple's Python-level __new__
    length, edge, last = len(text), _EDGE, 0
    for item in items:
        if type(item) is not dict or "text" in item:
            return None
        start, end, label = item.get("start"), item.get("end"), item.get("label")
        if not (type(start) is int and type(end) is int and type(label) is str and label
                and last <= start < end <= length
                and text[start] not in edge and text[end - 1] not in edge):
            return None
        good.append(new(Span, (start, end, label, IMPORTED, annotator, None)))
        last = end
    return good
