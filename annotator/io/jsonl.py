"""JSONL tasks in (one JSON object a line), and JSON files of tasks (Label Studio's export: an
array of objects), as FORMATS.md says. What a task may hold is :mod:`annotator.io.tasks`'s.

A bad line (damaged bytes, a NUL byte, not JSON, nested too deep to parse, no text) is reported
as ``path:line: reason`` and skipped; every other line goes in. A JSONL file is read a line at a
time (:mod:`annotator.io.lines`), so a large file costs one line of memory.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.domain import NewDocument
from annotator.io.lines import ReadPosition, text_lines
from annotator.io.plain_tasks import NOT_DECODED, decode_line, plain_record
from annotator.io.problems import ImportProblem, Kind, Problem, display_path
from annotator.io.tasks import task_records
from annotator.io.text import decode_bytes, read_limited
from annotator.io.western import encoding_note

# JSON's whitespace, and a BOM where files were concatenated.
_WHITESPACE = re.compile("[ \t\n\r\ufeff]*")
_DECODER = json.JSONDecoder()
log = logging.getLogger(__name__)


def read_jsonl(path: Path | str, where: ReadPosition | None = None
               ) -> Iterator[NewDocument | Problem]:
    """Yield a document per good line and a :class:`Problem` per bad line, dropped span or
    note. A file named ``.jsonl`` that holds one JSON array or pretty-printed objects (its
    first line is not JSON but the whole file is) is read as such. ``where`` follows the
    bytes read (:class:`~annotator.io.lines.ReadPosition`). ``OSError`` (unreadable, gone) is
    the caller's to report."""
    shown = display_path(path)
    first, noted = True, False
    for number, line in text_lines(path, where=where):
        if isinstance(line, Problem):
            noted = noted or line.kind is Kind.CHANGED  # the encoding note
            yield line
            continue
        if not line or line.isspace():
            continue
        records = read_line(line, shown, number)
        if first and _not_json(records) and line.lstrip()[:1] in ("[", "{"):
            whole = _as_json_document(path, shown, noted)
            if whole is not None:
                yield from whole
                return
        first = False
        yield from records


def _not_json(records: list[NewDocument | Problem]) -> bool:
    return (len(records) == 1 and isinstance(records[0], Problem)
            and records[0].reason.startswith("not valid JSON"))


def _as_json_document(path: Path, shown: str, noted: bool = False
                      ) -> list[NewDocument | Problem] | None:
    """The records of the whole file read as one JSON document, or ``None`` if it is not one
    either (then its lines are judged one by one). ``noted``: the line reader has already
    noted a guessed encoding."""
    try:
        text, encoding, guessed = decode_bytes(read_limited(path), path)
    except ImportProblem:
        return None
    values, error = json_values(text)
    if error is not None:
        return None
    note = [encoding_note(shown, encoding)] if guessed and not noted else []
    return note + [r for line, task in values for r in guarded_task_records(task, shown, line)]


def parse_json(text: str, start: int = 0) -> tuple[Any, int] | str:
    """``(value, end)`` of the JSON value at ``start``, or the reason it cannot be read:
    a syntax error, nesting too deep for the parser, a number too long to convert."""
    try:
        return _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"
        return f"not valid JSON ({exc.msg} at {where})"
    except RecursionError:
        return "JSON nested too deeply to read"
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return f"not valid JSON ({exc})"


def read_line(line: str, shown: str, number: int) -> list[NewDocument | Problem]:
    """The document (and notes) of one JSONL line, or the problem that rejects it. The common
    case is decoded and read by :mod:`annotator.io.plain_tasks`; what it leaves is parsed by
    ``json`` (for its repairs and messages) and read by the general path."""
    task = decode_line(line)
    if task is not NOT_DECODED:
        doc = plain_record(task, shown, number)
        return [doc] if doc is not None else guarded_task_records(task, shown, number)
    parsed = parse_json(line, _skip(line, 0))
    if isinstance(parsed, str):
        return [Problem(shown, number, parsed)]
    task, end = parsed
    if _skip(line, end) < len(line):
        return [Problem(shown, number, f"not valid JSON (extra data at column {end + 1})")]
    return guarded_task_records(task, shown, number)


def guarded_task_records(task: Any, shown: str, line: int) -> list[NewDocument | Problem]:
    """:func:`task_records`, where a fault of ours costs only that task: it is logged and the
    task is reported, and the next one is read."""
    try:
        return task_records(task, shown, line)
    except RecursionError:
        return [Problem(shown, line, "JSON nested too deeply to read")]
    except Exception as exc:  # a reader bug must not cost the rest of the file
        log.exception("reading %s:%s failed", shown, line)
        return [Problem(shown, line, f"could not be read ({type(exc).__name__}: {exc})")]


def read_json(path: Path | str) -> Iterator[NewDocument | Problem]:
    """A ``.json`` file: an array of tasks (Label Studio's JSON export), one task object, or
    several objects one after another. Problems name the line where the item starts; a syntax
    error loses the rest of the file (JSON cannot be resynchronised) and says so."""
    shown = display_path(path)
    try:
        text, encoding, guessed = decode_bytes(read_limited(path), path)
    except ImportProblem as exc:
        yield exc.problem
        return
    if guessed:
        yield encoding_note(shown, encoding)
    values, error = json_values(text)
    for line, task in values:
        yield from guarded_task_records(task, shown, line)
    if error is not None:
        line, reason = error
        yield Problem(shown, line, reason)


def json_values(text: str) -> tuple[list[tuple[int, Any]], tuple[int | None, str] | None]:
    """The tasks of a JSON document with the line each starts on: the items of a top-level
    array, or each top-level value (one object, or objects one after another). The second
    item is ``(line, reason)`` of the syntax error that stopped the reading, if any."""
    values: list[tuple[int, Any]] = []
    pos = _skip(text, 0)
    line, counted = 1 + text.count("\n", 0, pos), pos
    in_array = text.startswith("[", pos)
    if in_array:
        pos += 1
    elif not text.startswith("{", pos):
        return [], (None, "not a JSON array or object of tasks")
    while True:
        pos = _skip(text, pos)
        line, counted = line + text.count("\n", counted, pos), pos
        if pos >= len(text) or in_array and text.startswith("]", pos):
            if in_array and pos >= len(text):
                return values, (line, "not valid JSON (the array is not closed); the rest of "
                                      "the file is not read")
            return values, _trailing(text, pos + in_array, line)
        parsed = parse_json(text, pos)
        if isinstance(parsed, str):
            return values, (line, f"{parsed}; the rest of the file is not read")
        task, pos = parsed
        values.append((line, task))
        after = _skip(text, pos)
        if in_array and text.startswith(",", after):
            pos = after + 1
        elif in_array and not text.startswith("]", after):
            return values, (line + text.count("\n", counted, after),
                            "not valid JSON (expected ',' or ']' after an item); the rest of "
                            "the file is not read")


def _trailing(text: str, pos: int, line: int) -> tuple[int, str] | None:
    end = _skip(text, pos)
    if end < len(text):
        return (line + text.count("\n", pos, end),
                "not valid JSON (extra data after the array); not read")
    return None


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()
