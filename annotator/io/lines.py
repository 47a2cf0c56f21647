"""A line-per-record file (JSONL) read one line at a time, so a bad line costs only that line.

Only ``\\n`` separates records (a ``\\r`` before it is dropped; one inside a JSON string is text).
The encoding is decided for the whole file first (BOM, UTF-16 pattern, else UTF-8 unless the file
has non-ASCII bytes that are not UTF-8 on more than one line, or only one line, and they do not
look like damaged UTF-8: then a detected legacy encoding, noted in the report), and then each
line is decoded alone: a damaged line, a NUL byte or an over-long line is reported as
``path:line: reason`` and the next line is read. Memory is one line, never the whole file.
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from annotator.io.problems import ImportProblem, Problem, display_path
from annotator.io.text import (
    MAX_DOCUMENT_BYTES,
    SAMPLE_BYTES,
    detect_sample,
    looks_like_utf8,
    open_regular,
    size_text,
    sniff,
)
from annotator.io.western import encoding_note

CHUNK = 1 << 18  # 256 KiB: the first pass decodes and drops one at a time
Line = tuple[int, str | Problem]


@dataclass(slots=True)
class ReadPosition:
    """How far a reader is into one file: ``done`` bytes of its ``size`` (0: not known yet).
    Set by :func:`text_lines` as it hands out each line, so that an importer can move its
    progress within one large file (a JSONL file of a million tasks is one file of one)."""

    done: int = 0
    size: int = 0


def text_lines(path: Path | str, max_line: int = MAX_DOCUMENT_BYTES,
               where: ReadPosition | None = None) -> Iterator[Line]:
    """Yield ``(line number, text)`` for each line, or ``(line number, Problem)`` for a line
    that cannot be decoded. Line 0 (the first item) is about the whole file: a rejected
    problem refuses it (empty, binary); a note (``Kind.CHANGED``) names the encoding guessed
    for it (not UTF-8, no BOM), and its lines follow. ``where`` follows the bytes read (see
    :class:`ReadPosition`). ``OSError`` is the caller's to report."""
    shown = display_path(path)
    with open_regular(path) as fh:
        if where is not None:
            where.done, where.size = 0, os.fstat(fh.fileno()).st_size
        head = fh.read(SAMPLE_BYTES)
        if not head or head.isspace() and not fh.read(1):
            yield 0, Problem(shown, None, "file is empty")
            return
        try:
            encoding, skip = sniff(head, path, tolerant=True)
            if encoding == "utf-8" and not skip:
                encoding = _utf8_or_legacy(fh, head, path)
        except ImportProblem as exc:
            yield 0, exc.problem
            return
        if encoding != "utf-8" and not skip:
            yield 0, encoding_note(shown, encoding)
        fh.seek(skip)
        lines = (_byte_lines if _ascii_compatible(encoding) else _wide_lines)(
            fh, encoding, shown, max_line)
        if where is None:
            yield from lines
            return
        tell = fh.tell
        for line in lines:
            where.done = tell()  # the wide reader's buffer ahead of its line: close enough
            yield line


def _ascii_compatible(encoding: str) -> bool:
    try:
        return "\n{}\":".encode(encoding) == b"\n{}\":"
    except (LookupError, UnicodeEncodeError):
        return False


def _utf8_or_legacy(fh: BinaryIO, head: bytes, path: Path | str) -> str:
    """UTF-8, unless the file is not valid UTF-8 and does not look like damaged UTF-8 either
    (:func:`looks_like_utf8`), nor like a UTF-8 file with one damaged line
    (:func:`_one_damaged_line`): then a legacy encoding, detected on a sample from the line of
    its first bad byte. The same judgement :func:`decode_bytes` makes, a megabyte at a time.

    Only a file that is not valid UTF-8 costs more than the one pass that checks it."""
    first = head
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, chunk, bad = 0, head, None
    while bad is None:
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            bad = offset - pending + exc.start
        if not chunk:
            break
        offset += len(chunk)
        chunk = fh.read(CHUNK)
    if bad is None:
        return "utf-8"
    low = max(0, bad - 4096)
    fh.seek(low)
    start = low + fh.read(bad - low).rfind(b"\n") + 1  # that line's start
    head = head if start > SAMPLE_BYTES else b""
    fh.seek(start if head else 0)
    evidence = head + fh.read(SAMPLE_BYTES + (0 if head else start))
    if looks_like_utf8(evidence):
        return "utf-8"
    fh.seek(start)
    sample = fh.read(SAMPLE_BYTES)
    if _one_damaged_line(sample, first[:start], full=len(sample) == SAMPLE_BYTES):
        return "utf-8"
    encoding = detect_sample(sample, path)
    return encoding if _ascii_compatible(encoding) else "utf-8"


def _one_damaged_line(sample: bytes, before: bytes, full: bool) -> bool:
    """Whether the bytes that are not UTF-8 are all on one line (the first of ``sample``, which
    starts at that line) of a file that has other text (``before`` it, or after it in the
    sample). Then the file is UTF-8 (or ASCII) with one damaged line, and that line alone is
    refused, with its line and column: a charset detector's guess from the bytes of one line
    was silent and often wrong (one stray 0x81 or 0x8d read the whole file as Cyrillic or
    Czech). A file of one record, or with bad bytes on two lines or more, is a legacy-encoded
    file. ``full``: the sample may end inside a line (which is not judged)."""
    lines = sample.split(b"\n")
    rest = lines[1:-1] if full else lines[1:]
    for line in rest:
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return False
    return bool(before.strip()) or any(line.strip() for line in lines[1:])


def _byte_lines(fh: BinaryIO, encoding: str, shown: str, max_line: int) -> Iterator[Line]:
    utf8 = encoding == "utf-8"
    number = 0
    while True:
        raw = fh.readline(max_line + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_line and not raw.endswith(b"\n"):
            _skip_rest_of_line(fh)
            yield number, Problem(shown, number, f"line is longer than {size_text(max_line)}")
            continue
        raw = raw.removesuffix(b"\n").removesuffix(b"\r")
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError as err:
            column = err.start + 1
            what = "UTF-8" if utf8 else encoding
            yield number, Problem(shown, number, f"invalid {what}: byte 0x{raw[err.start]:02x} "
                                                 f"at column {column}")
            continue
        yield number, _nul_checked(line, shown, number)


def _skip_rest_of_line(fh: BinaryIO) -> None:
    while True:
        chunk = fh.readline(CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def _wide_lines(fh: BinaryIO, encoding: str, shown: str, max_line: int) -> Iterator[Line]:
    """UTF-16/32 lines through a text wrapper (their ``\\n`` is not one byte). A decoding error
    loses the rest of the file (a wide encoding cannot resynchronise on a line) and says so."""
    text = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline="\n")
    number = 0
    try:
        while True:
            line = text.readline(max_line // 2 + 1)
            if not line:
                return
            number += 1
            if len(line) > max_line // 2 and not line.endswith("\n"):
                while (rest := text.readline(CHUNK)) and not rest.endswith("\n"):
                    pass
                yield number, Problem(shown, number, f"line is longer than {size_text(max_line)}")
                continue
            line = line.removesuffix("\n").removesuffix("\r")
            yield number, _nul_checked(line, shown, number)
    except UnicodeDecodeError as err:
        yield number + 1, Problem(shown, number + 1, f"invalid {encoding.upper()} ({err.reason});"
                                                     " the rest of the file is not read")
    finally:
        text.detach()


def _nul_checked(line: str, shown: str, number: int) -> str | Problem:
    """A NUL byte is never part of a JSON text (a NUL character inside a string is escaped as
    ``\\u0000``); it marks a damaged line."""
    at = line.find("\x00")
    if at < 0:
        return line
    return Problem(shown, number, f"NUL byte at column {at + 1}")
