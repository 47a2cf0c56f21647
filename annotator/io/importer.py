"""Import files and folders into a project: a reader per file type, problems collected, batched
writes.

Everything good goes in even when some input is bad, and nothing already in the project changes:
duplicates (by content hash) are reported, not overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain import NewDocument, normalise_newlines
from annotator.io.html import read_html
from annotator.io.jsonl import read_jsonl
from annotator.io.problems import ImportProblem, Problem
from annotator.io.text import decode_bytes
from annotator.store import Store

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES


class Cancelled(Exception):
    """Raised inside a long run when the person pressed Cancel; committed batches stay."""


@dataclass
class ImportReport:
    added: int = 0
    duplicates: list[tuple[str, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    @property
    def rejected(self) -> list[Problem]:
        return self.problems

    @property
    def ok(self) -> bool:
        return not self.problems


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


def _records(
    paths: Iterable[Path], report: ImportReport, on_file: Callable[[Path], None] | None
) -> Iterator[NewDocument]:
    for item in expand_paths(paths):
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        report.files += 1
        if on_file is not None:
            on_file(item)
        for rec in read_file(item):
            if isinstance(rec, Problem):
                log.info("rejected %s", rec)
                report.problems.append(rec)
            else:
                yield rec


def import_paths(
    store: Store,
    paths: Iterable[Path],
    on_file: Callable[[Path], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    batch_size: int = 1000,
) -> ImportReport:
    """Import files and folders. ``on_file`` sees each file as it is read (progress);
    ``should_stop`` is polled after each committed batch and raises :class:`Cancelled`."""
    report = ImportReport()

    def after_batch(_step: object) -> None:
        if should_stop is not None and should_stop():
            raise Cancelled()

    result = store.documents.add(
        _records(paths, report, on_file), batch_size=batch_size, on_batch=after_batch
    )
    report.added = len(result.added)
    report.duplicates = result.duplicates
    return report
