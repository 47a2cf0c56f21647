"""Reading files and folders for import: a reader per file type, each returning plain
``NewDocument`` records and ``Problem`` reports (``annotator.services.importing`` stores them).

Everything good is read even when some input is bad: no file, line or value makes a reader
raise; each is a ``Problem`` with ``path[:line]: reason``.
"""

from __future__ import annotations

import codecs
import errno
import json
import logging
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotator.domain import NewDocument, has_visible_text, normalise_newlines
from annotator.io.lines import ReadPosition
from annotator.io.problems import ImportProblem, Problem, display_path
from annotator.io.text import (
    SAMPLE_BYTES,
    decode_bytes,
    open_regular,
    os_reason,
    plain_text,
    read_limited,
    sniff,
)
from annotator.io.western import encoding_note

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
# JSON Lines under its other names: .ndjson, .jsonlines, .jl (Scrapy's feed exports), and the
# files doccano and Prodigy users name after the tool (FORMATS.md's JSONL shapes).
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jsonlines", ".jl", ".doccano", ".prodigy"}
JSON_SUFFIXES = {".json"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | HTML_SUFFIXES


def read_text_file(path: Path | str) -> list[NewDocument | Problem]:
    """A plain text file is one document; ``meta.source`` is its path. A file of nothing but
    whitespace or invisible characters (zero-width spaces) is rejected as empty. A file whose
    encoding was guessed comes with a note naming it (see :func:`encoding_note`)."""
    shown = display_path(path)
    try:
        held = [read_limited(path)]
        text = plain_text(held[0])  # the common case (UTF-8 without \r or NUL), else:
        plain = text is not None
        if not plain:  # the bytes handed over, not kept here: decode_bytes may free them once
            text, encoding, guessed = decode_bytes(held.pop(), path, newlines=True)  # mended
    except ImportProblem as exc:
        return [exc.problem]
    if not plain and "\r" in text:  # left by an encoding whose bytes decode_bytes could not mend
        text = normalise_newlines(text)
    if not has_visible_text(text):
        return [Problem(shown, None, "file has no text (only whitespace or invisible "
                                     "characters)")]
    at = -1 if plain else text.find("\x00")
    if at >= 0:
        return [Problem(shown, None, f"NUL character at character {at}: a binary file?")]
    doc = NewDocument(text, shown, {"source": shown})  # (text, source, meta)
    return [encoding_note(shown, encoding), doc] if not plain and guessed else [doc]


def read_file(path: Path | str, where: ReadPosition | None = None
              ) -> Iterable[NewDocument | Problem]:
    """Pick the reader by suffix; a file given explicitly with another suffix (or none) is
    read as JSONL when its first line is a JSON task (:func:`looks_like_jsonl`), else as text.
    ``where`` follows the bytes a JSONL file's reader has read (the others read a file at
    once and leave it as it is: see :class:`~annotator.io.lines.ReadPosition`).

    A text file (the common case) is read at once, and its records come as a list: no
    generator a file (an import of 100,000 .txt files made one for each); the others come
    as they are read.

    Never raises for a bad file: an unreadable, vanished or non-regular file, and any error
    a reader did not foresee, become a :class:`Problem` (after the documents read before it)."""
    suffix = suffix_of(path)
    if suffix in TEXT_SUFFIXES:
        try:
            return read_text_file(path)
        except Exception as exc:  # as _read_file reports it
            return [_failure(path, exc)]
    return _read_file(path, suffix, where)


def _read_file(path: Path | str, suffix: str, where: ReadPosition | None
               ) -> Iterator[NewDocument | Problem]:
    """:func:`read_file` of a file of another suffix than a text file's, as it is read."""
    try:
        if suffix in JSONL_SUFFIXES or suffix not in KNOWN_SUFFIXES and looks_like_jsonl(path):
            from annotator.io.jsonl import read_jsonl

            yield from read_jsonl(path, where)
        else:
            yield from _reader(suffix)(path)
    except Exception as exc:  # a reader bug must not cost the rest of the import
        yield _failure(path, exc)


def _failure(path: Path | str, exc: Exception) -> Problem:
    """The problem to report for what reading ``path`` raised (called in its ``except``)."""
    if isinstance(exc, ImportProblem):
        return exc.problem
    if isinstance(exc, OSError):
        return Problem(display_path(path), None, os_reason(exc))
    if isinstance(exc, (MemoryError, RecursionError)):
        return Problem(display_path(path), None, f"too large or too deeply nested to read "
                                                 f"({type(exc).__name__})")
    log.exception("reading %s failed", display_path(path))
    return Problem(display_path(path), None, f"could not be read ({type(exc).__name__}: "
                                             f"{exc}); the rest of the file is not read")


def suffix_of(path: Path | str) -> str:
    """``os.path.splitext(path)[1].lower()``, for a path string whose last dot follows a
    character of its file name other than a dot by string methods alone (``splitext`` is
    Python code: an import of 100,000 files asks this twice a file; ``rpartition`` and ``in``,
    unlike ``rfind``, parse no arguments)."""
    text = os.fspath(path)
    head, dot, tail = text.rpartition(".")
    if not dot:
        return ""
    if (head and head[-1] not in _BEFORE_NO_SUFFIX and os.sep not in tail
            and not (os.altsep and os.altsep in tail)):
        return text[len(head):].lower()
    return os.path.splitext(text)[1].lower()


# A suffix's dot after one of these is not (or not surely) a suffix's: splitext decides.
_BEFORE_NO_SUFFIX = frozenset(filter(None, (".", os.sep, os.altsep)))


# A first line longer than this is judged by how it starts (a long article in one task).
FIRST_LINE_BYTES = 1 << 20
_TASK_START = re.compile(r'\{\s*"text"\s*:\s*"')


def looks_like_jsonl(path: Path | str) -> bool:
    """Whether a file of no known type holds JSONL tasks: its first non-blank line is a JSON
    object with a string ``"text"`` (FORMATS.md's one required key), as doccano and Prodigy
    files under any name have. Judged on at most the first megabyte, decoded as the file's
    BOM or UTF-16 pattern says (else UTF-8, damaged bytes replaced: only the shape counts).
    A file that cannot be judged (binary, not a regular file) is not: the text reader then
    reports why it cannot be read; ``OSError`` is the caller's to report."""
    try:
        with open_regular(path) as fh:
            head = fh.read(FIRST_LINE_BYTES)
        encoding, skip = sniff(head[:SAMPLE_BYTES], path, tolerant=True)
    except ImportProblem:
        return False
    text = codecs.getincrementaldecoder(encoding)("replace").decode(head[skip:], final=False)
    first = text.lstrip(" \t\r\n\ufeff").partition("\n")
    line, complete = first[0].rstrip("\r"), bool(first[1]) or len(head) < FIRST_LINE_BYTES
    if not complete:  # longer than we read: a task's start
        return _TASK_START.match(line) is not None
    try:
        task = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(task, dict) and isinstance(task.get("text"), str)


def _reader(suffix: str) -> Callable[[Path | str], Iterable[NewDocument | Problem]]:
    """The reader of files with this (lower-case) suffix, but JSONL (:func:`read_file`). The
    JSON and HTML readers are imported when a file needs them: lxml and msgspec cost an import
    of text files about 0.05 s of start-up."""
    if suffix in JSON_SUFFIXES:
        from annotator.io.jsonl import read_json

        return read_json
    if suffix in HTML_SUFFIXES:
        from annotator.io.html import read_html

        return read_html
    return read_text_file


def expand_paths(paths: Iterable[Path]) -> Iterator[Path | str | Problem]:
    """Files as given, and folders walked recursively for files of the known types (sorted, so
    imports are repeatable). Hidden files and folders are passed over. A file found in a
    folder comes as its path string (a ``Path`` object per file cost an import of 100,000
    files about a second).

    Links to folders are followed, but never into a folder already on the way down (a link
    loop) nor twice into one folder; a link loop, a broken link and an unreadable folder are
    reported. A file that is not a regular one (a FIFO, a device) is reported when it is read,
    which never blocks."""
    for path in paths:
        try:
            info = path.stat()
        except OSError as exc:
            missing = exc.errno in (errno.ENOENT, errno.ENOTDIR) and not path.is_symlink()
            yield Problem(display_path(path), None,
                          "no such file or folder" if missing else _link_reason(exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(path, (info.st_dev, info.st_ino))
        else:
            yield path  # given explicitly: read whatever it is, or report why not


def _walk(root: Path, root_key: tuple[int, int]) -> Iterator[str | Problem]:
    """A folder's files of known types, depth first in name order, without recursion (a folder
    tree may be deeper than Python's stack)."""
    seen = {root_key}
    down: dict[tuple[int, int], int] = {root_key: 1}  # folders on the current way down
    stack: list[tuple[Iterator[os.DirEntry[str]], tuple[int, int]]] = []
    listing = _listing(root)
    if isinstance(listing, Problem):
        yield listing
        return
    stack.append((iter(listing), root_key))
    while stack:
        entries, key = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            down[key] -= 1
            continue
        if entry.name.startswith("."):
            continue
        if entry.is_file(follow_symlinks=False):  # no system call: the listing's file type
            if suffix_of(entry.name) in KNOWN_SUFFIXES:
                yield entry.path
            continue
        child = Path(entry.path)
        try:
            info = os.stat(entry.path)
        except OSError as exc:
            if child.suffix.lower() in KNOWN_SUFFIXES or entry.is_symlink():
                yield Problem(display_path(child), None, _link_reason(exc))
            continue
        if not stat.S_ISDIR(info.st_mode):
            if child.suffix.lower() in KNOWN_SUFFIXES:
                yield entry.path
            continue
        sub = (info.st_dev, info.st_ino)
        if down.get(sub):
            yield Problem(display_path(child), None,
                          "link to a folder it is inside (a loop); not followed")
        elif sub not in seen:
            seen.add(sub)
            listing = _listing(child)
            if isinstance(listing, Problem):
                yield listing
                continue
            down[sub] = down.get(sub, 0) + 1
            stack.append((iter(listing), sub))


def _listing(folder: Path) -> list[os.DirEntry[str]] | Problem:
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        return Problem(display_path(folder), None,
                       f"cannot list the folder: {exc.strerror or exc}")


def _link_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop; not followed"
    if exc.errno == errno.ENOENT:
        return "broken symbolic link (its target does not exist)"
    return os_reason(exc)
