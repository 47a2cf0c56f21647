"""JSONL tasks in (one JSON object a line), and JSON files of tasks (Label Studio's export: an
array of objects), as FORMATS.md says. What a task may hold is :mod:`annotator.io.tasks`'s.

A bad line (damaged bytes, a NUL byte, not JSON, nested too deep to parse, no text) is reported
as ``path:line: reason`` and skipped; every other line goes in. A JSONL file is read a line at a
time (:mod:`annotator.io.lines`), so a large file costs one line of memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.domain import NewDocument
from annotator.io.lines import text_lines
from annotator.io.problems import ImportProblem, Problem, display_path
from annotator.io.tasks import task_records
from annotator.io.text import decode_bytes, read_limited

# JSON's whitespace, and a BOM where files were concatenated.
_WHITESPACE = re.compile("[ \t\n\r\ufeff]*")
_DECODER = json.JSONDecoder()


def read_jsonl(path: Path) -> Iterator[NewDocument | Problem]:
    """Yield a document per good line and a :class:`Problem` per bad line, dropped span or
    note. ``OSError`` (unreadable, gone) is the caller's to report."""
    shown = display_path(path)
    for number, line in text_lines(path):
        if isinstance(line, Problem):
            yield line
        elif line and not line.isspace():
            yield from read_line(line, shown, number)


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
    """The document (and notes) of one JSONL line, or the problem that rejects it."""
    parsed = parse_json(line, _skip(line, 0))
    if isinstance(parsed, str):
        return [Problem(shown, number, parsed)]
    task, end = parsed
    if _skip(line, end) < len(line):
        return [Problem(shown, number, f"not valid JSON (extra data at column {end + 1})")]
    return task_records(task, shown, number)


def read_json(path: Path) -> Iterator[NewDocument | Problem]:
    """A ``.json`` file: one task object, or an array of them (Label Studio's JSON export).
    Problems name the line where the item starts; a syntax error loses the rest of the file
    (a JSON array cannot be resynchronised) and says so."""
    shown = display_path(path)
    try:
        text, _ = decode_bytes(read_limited(path), path)
    except ImportProblem as exc:
        yield exc.problem
        return
    pos = _skip(text, 0)
    if text.startswith("{", pos):
        yield from _item(text, pos, shown, 1 + text.count("\n", 0, pos), whole=True)
        return
    if not text.startswith("[", pos):
        yield Problem(shown, None, "not a JSON array or object of tasks")
        return
    yield from _array(text, pos + 1, shown)


def _array(text: str, pos: int, shown: str) -> Iterator[NewDocument | Problem]:
    line, counted = 1 + text.count("\n", 0, pos), pos
    while True:
        pos = _skip(text, pos)
        line, counted = line + text.count("\n", counted, pos), pos
        if text.startswith("]", pos):
            return
        parsed = parse_json(text, pos)
        if isinstance(parsed, str):
            yield Problem(shown, line, f"{parsed}; the rest of the file is not read")
            return
        task, end = parsed
        yield from task_records(task, shown, line)
        pos = _skip(text, end)
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("]", pos):
            line += text.count("\n", counted, pos)
            yield Problem(shown, line, "not valid JSON (expected ',' or ']' after an item); "
                                       "the rest of the file is not read")
            return


def _item(text: str, pos: int, shown: str, line: int,
          whole: bool) -> list[NewDocument | Problem]:
    parsed = parse_json(text, pos)
    if isinstance(parsed, str):
        return [Problem(shown, line, parsed)]
    task, end = parsed
    if whole and _skip(text, end) < len(text):
        return [Problem(shown, None, "not valid JSON (extra data after the object)")]
    return task_records(task, shown, line)


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()
