"""JSONL tasks in, as FORMATS.md says: Prodigy ``spans``, doccano ``label`` / ``entities``, our
``sections``, ``meta`` and ``answer``. A bad line is reported and skipped; a bad span is reported
and dropped while its document goes in."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from annotator.domain import (
    IMPORTED,
    NewDocument,
    Span,
    SpanError,
    Status,
    newline_offset_mapper,
    non_overlapping,
    normalise_newlines,
    validate_span,
)
from annotator.io.problems import ImportProblem, Problem
from annotator.io.text import decode_bytes, utf8_reason

ANSWER_STATUS = {"accept": Status.ACCEPTED, "reject": Status.REJECTED, "ignore": Status.SKIPPED}
# Keys our own exports add that describe the export, not the document.
EXPORT_KEYS = {
    "text", "tokens", "spans", "sections", "label", "entities", "relations", "meta", "answer",
    "_input_hash", "_task_hash", "_view_id", "_session_id", "_timestamp", "_annotator_id", "id",
    "Comments", "comments",
}

Raw = tuple[Any, Any, Any]  # (start, end, label) as found in the file


def read_jsonl(path: Path) -> Iterator[NewDocument | Problem]:
    """Yield a document per good line and a :class:`Problem` per bad line or bad span."""
    data = path.read_bytes()
    for number, line in _decoded_lines(data, path):
        if isinstance(line, Problem):
            yield line
        elif line.strip():
            yield from _read_line(path, number, line)


def _decoded_lines(data: bytes, path: Path) -> Iterator[tuple[int, str | Problem]]:
    """Lines of the file, decoded. A UTF-8 file with a few damaged lines loses only those lines;
    a file in a legacy encoding is decoded whole with the detected encoding."""
    try:
        text, _ = decode_bytes(data, path)
    except ImportProblem as exc:
        if exc.problem.line is None:
            yield 0, exc.problem
            return
        for number, raw in enumerate(data.split(b"\n"), start=1):
            try:
                yield number, raw.decode("utf-8").removesuffix("\r")
            except UnicodeDecodeError as err:
                yield number, Problem(str(path), number, utf8_reason(raw, err))
        return
    # Only \n separates records: a \r inside a JSON string is text that gets normalised later.
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.removesuffix("\r")


def _read_line(path: Path, number: int, line: str) -> Iterator[NewDocument | Problem]:
    try:
        task = json.loads(line)
    except json.JSONDecodeError as exc:
        yield Problem(str(path), number, f"not valid JSON ({exc.msg} at column {exc.colno})")
        return
    if not isinstance(task, dict):
        yield Problem(str(path), number, "not a JSON object")
        return
    if "text" not in task:
        yield Problem(str(path), number, 'no "text" field')
        return
    raw_text = task["text"]
    if not isinstance(raw_text, str):
        yield Problem(str(path), number, f'"text" is a {type(raw_text).__name__}, not a string')
        return
    if not raw_text.strip():
        yield Problem(str(path), number, '"text" is empty')
        return
    text = normalise_newlines(raw_text)
    mapper = newline_offset_mapper(raw_text)
    problems: list[Problem] = []

    def report(reason: str) -> None:
        problems.append(Problem(str(path), number, reason, dropped_span=True))

    meta = _meta(task, report)
    status = _status(task)
    annotator = _confirmed_by(task) if status.finished else None
    spans = _spans(task, text, mapper, report, annotator)
    sections = _sections(task, text, mapper, report)
    doc = NewDocument(
        text=text,
        source=str(path),
        meta=meta,
        spans=spans,
        sections=sections,
        status=status,
        annotator=annotator,
        line=number,
    )
    yield from problems
    yield doc


def _meta(task: dict[str, Any], report: Callable[[str], None]) -> dict[str, Any]:
    meta = task.get("meta", {})
    if not isinstance(meta, dict):
        report('"meta" is not an object; ignored')
        meta = {}
    meta = dict(meta)
    # doccano exports flatten meta to the top level: take those keys back.
    meta.update({k: v for k, v in task.items() if k not in EXPORT_KEYS})
    for key in ("doc_id", "status"):
        meta.pop(key, None)
    return meta


def _status(task: dict[str, Any]) -> Status:
    answer = task.get("answer")
    if answer in ANSWER_STATUS:
        return ANSWER_STATUS[answer]
    inner = task.get("meta")
    status = task.get("status") or (inner.get("status") if isinstance(inner, dict) else None)
    try:
        return Status(status) if status else Status.NEW
    except ValueError:
        return Status.NEW


def _raw_spans(task: dict[str, Any], report: Callable[[str], None]) -> list[Raw]:
    raw: list[Raw] = []
    for item in _list_field(task, "spans", report):
        try:
            raw.append((item["start"], item["end"], item["label"]))
        except (KeyError, TypeError, IndexError):
            report(f"span {item!r}: unknown shape (want start, end, label)")
    for item in _list_field(task, "label", report):
        if isinstance(item, (list, tuple)) and len(item) == 3:
            raw.append(tuple(item))  # type: ignore[arg-type]
        else:
            report(f"label {item!r}: unknown shape (want [start, end, LABEL])")
    for item in _list_field(task, "entities", report):
        if isinstance(item, dict) and {"start_offset", "end_offset", "label"} <= item.keys():
            raw.append((item["start_offset"], item["end_offset"], item["label"]))
        else:
            report(f"entity {item!r}: unknown shape (want start_offset, end_offset, label)")
    return raw


def _list_field(task: dict[str, Any], key: str, report: Callable[[str], None]) -> list[Any]:
    value = task.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        report(f'"{key}" is not a list; ignored')
        return []
    return value


def _checked(
    raw: Raw, text: str, mapper: Callable[[int], int], report: Callable[[str], None]
) -> tuple[int, int, str] | None:
    start, end, label = raw
    if not isinstance(label, str) or not label:
        report(f"span {start}-{end}: label {label!r} is not a non-empty string")
        return None
    if type(start) is not int or type(end) is not int:
        report(f"span {start!r}-{end!r} {label}: offsets are not integers")
        return None
    try:
        validate_span(len(text), mapper(start), mapper(end))
    except SpanError as exc:
        report(f"{label} {exc}")
        return None
    return mapper(start), mapper(end), label


def _confirmed_by(task: dict[str, Any]) -> str:
    """Who decided on a task another tool exported as accepted or rejected: Prodigy's annotator
    or session id when the file has one. Its labels were a person's, not suggestions."""
    who = task.get("_annotator_id") or task.get("_session_id")
    return str(who) if who else IMPORTED


def _spans(
    task: dict[str, Any],
    text: str,
    mapper: Callable[[int], int],
    report: Callable[[str], None],
    annotator: str | None = None,
) -> list[Span]:
    """Valid spans of a line as imported spans; a span overlapping a later one is dropped.

    The common case (integer offsets inside the text, in order, not overlapping) is checked
    inline because imports run this for hundreds of thousands of spans; anything else goes through
    :func:`_checked` for its reason, or :func:`non_overlapping` for the overlap rule."""
    length = len(text)
    good: list[Span] = []
    shifted = "\r" in task["text"]
    in_order = True
    last_end = 0
    new = tuple.__new__  # Span(...) without the named tuple's Python-level __new__
    for raw in _raw_spans(task, report):
        start, end, label = raw
        if type(start) is int and type(end) is int and type(label) is str and label:
            if shifted:
                start, end = mapper(start), mapper(end)
            if 0 <= start < end <= length:
                good.append(new(Span, (start, end, label, IMPORTED, annotator, None)))
                in_order = in_order and start >= last_end
                last_end = end
                continue
        _checked(raw, text, mapper, report)  # reports why it is not valid
    if in_order:
        return good
    kept, dropped = non_overlapping(good)
    for span in dropped:
        report(f"{span.label} span {span.start}-{span.end} overlaps a later span; dropped")
    return kept


def _sections(
    task: dict[str, Any], text: str, mapper: Callable[[int], int], report: Callable[[str], None]
) -> list[tuple[int, int, str]]:
    out = []
    for item in _list_field(task, "sections", report):
        if isinstance(item, dict) and {"start", "end", "label"} <= item.keys():
            raw: Raw = (item["start"], item["end"], item["label"])
        elif isinstance(item, (list, tuple)) and len(item) == 3:
            raw = tuple(item)  # type: ignore[assignment]
        else:
            report(f"section {item!r}: unknown shape (want start, end, label)")
            continue
        checked = _checked(raw, text, mapper, report)
        if checked is not None:
            out.append(checked)
    return out
