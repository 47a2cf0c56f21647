"""Errors in input files, told as ``path[:line]: reason`` so a person can find and fix them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Kind(StrEnum):
    """How much of the input a problem cost.

    ``rejected``: a file or line did not go in. ``dropped``: a part of a document (a span, a
    section, a meta value) was left out and the document went in. ``changed``: the document went
    in whole, but something was changed on the way (a span trimmed) or passed over (a key that
    looks like annotations we do not read, kept as meta)."""

    REJECTED = "rejected"
    DROPPED = "dropped"
    CHANGED = "changed"


@dataclass(frozen=True)
class Problem:
    """One rejected file or line, or one dropped or changed part of a document."""

    path: str
    line: int | None
    reason: str
    # True when the document itself still went in (only a part was dropped or changed); kept
    # in step with ``kind`` (give either: ``dropped_span=True`` means ``Kind.DROPPED``).
    dropped_span: bool = False
    kind: Kind | None = None

    def __post_init__(self) -> None:
        kind = self.kind or (Kind.DROPPED if self.dropped_span else Kind.REJECTED)
        object.__setattr__(self, "kind", Kind(kind))
        object.__setattr__(self, "dropped_span", kind is not Kind.REJECTED)

    @property
    def rejected(self) -> bool:
        return self.kind is Kind.REJECTED

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"

    def shown(self) -> str:
        """One line for the person, led by what happened ("rejected: ...", "dropped span:
        ...", "note: ..."): the same words in the window's report and the command line's."""
        return f"{KIND_WORDS[self.kind]}: {self}"


# What a person reads for each kind (``changed`` reads as a note: the document went in).
KIND_WORDS = {Kind.REJECTED: "rejected", Kind.DROPPED: "dropped span", Kind.CHANGED: "note"}


class ImportProblem(Exception):
    """Raised by a reader for a file or line that cannot go in."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.problem = Problem(display_path(path), line, reason)
        super().__init__(str(self.problem))


def display_path(path: Path | str) -> str:
    """A path as text that can always be stored and printed.

    On POSIX a file name is bytes; Python keeps bytes that are not UTF-8 as lone surrogates
    (``surrogateescape``), which SQLite and UTF-8 output refuse. Those bytes become U+FFFD."""
    text = os.fspath(path)
    if text.isascii():  # the common case, without making its UTF-8 (asked for every file read)
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape") if _escaped_only(text) else None
        text = (raw.decode("utf-8", "replace") if raw is not None
                else text.encode("utf-8", "replace").decode("utf-8"))
    return text


def _escaped_only(text: str) -> bool:
    """Surrogates that ``surrogateescape`` made (U+DC80..U+DCFF) and no others."""
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in text)


class Notes:
    """The problems of one line (or file), gathered while it is read: what was dropped from the
    document and what was changed or passed over, all with the same ``path:line``."""

    def __init__(self, path: str, line: int | None) -> None:
        self.path, self.line = path, line
        self.problems: list[Problem] = []

    def reject(self, reason: str) -> Problem:
        """The problem that rejects the whole line (not added to the notes)."""
        return Problem(self.path, self.line, reason)

    def drop(self, reason: str) -> None:
        self.problems.append(Problem(self.path, self.line, reason, kind=Kind.DROPPED))

    def change(self, reason: str) -> None:
        self.problems.append(Problem(self.path, self.line, reason, kind=Kind.CHANGED))
