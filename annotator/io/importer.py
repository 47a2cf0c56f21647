"""Reading files and folders for import: a reader per file type, each returning plain
``NewDocument`` records and ``Problem`` reports (``annotator.services.importing`` stores them).

Everything good is read even when some input is bad.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.domain import NewDocument, normalise_newlines
from annotator.io.html import read_html
from annotator.io.jsonl import read_jsonl
from annotator.io.problems import ImportProblem, Problem
from annotator.io.text import decode_bytes

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES


def read_text_file(path: Path) -> list[NewDocument | Problem]:
    """A plain text file is one document; ``meta.source`` is its path."""
    try:
        text, _ = decode_bytes(path.read_bytes(), path)
    except ImportProblem as exc:
        return [exc.problem]
    text = normalise_newlines(text)
    if not text.strip():
        return [Problem(str(path), None, "file has no text")]
    return [NewDocument(text=text, source=str(path), meta={"source": str(path)})]


def read_file(path: Path) -> Iterable[NewDocument | Problem]:
    """Pick the reader by suffix; a file given explicitly with another suffix is read as text."""
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            return read_jsonl(path)
        if suffix in HTML_SUFFIXES:
            return read_html(path)
        return read_text_file(path)
    except OSError as exc:
        return [Problem(str(path), None, f"cannot read: {exc.strerror or exc}")]


def expand_paths(paths: Iterable[Path]) -> Iterator[Path | Problem]:
    """Files as given, and folders walked recursively for files of the known types (sorted, so
    imports are repeatable). Hidden files and folders are passed over."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if child.is_file() and child.suffix.lower() in KNOWN_SUFFIXES:
                    yield child
        elif path.is_file():
            yield path
        else:
            yield Problem(str(path), None, "no such file or folder")
