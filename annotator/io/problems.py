"""Errors in input files, told as ``path[:line]: reason`` so a person can find and fix them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One rejected file, line or span. ``dropped_span`` is set when only a span was dropped and
    the document itself still went in."""

    path: str
    line: int | None
    reason: str
    dropped_span: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


class ImportProblem(Exception):
    """Raised by a reader for a file or line that cannot go in."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.problem = Problem(str(path), line, reason)
        super().__init__(str(self.problem))
