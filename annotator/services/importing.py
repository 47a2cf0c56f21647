"""Import files and folders into a project: readers from ``io``, batched writes to the store.

Everything good goes in even when some input is bad, and nothing already in the project changes:
duplicates (by content hash) are reported, not overwritten. Each batch is one short transaction,
so a person can keep labelling in the window while an import runs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.changes import Changes
from annotator.core.collector import collect_young, collector_paused
from annotator.core.tasks import Cancelled, Progress, ShouldStop, never, no_progress
from annotator.domain import IMPORTED, LabelKind, NewDocument, count
from annotator.io.importer import expand_paths, read_file
from annotator.io.lines import ReadPosition
from annotator.io.problems import Kind, Problem, display_path
from annotator.nlp import near_dup_lines as lines
from annotator.store import Store
from annotator.store.near_dups import TEXT_CHARS

if TYPE_CHECKING:
    from annotator.services.near_duplicates import GroupingReport

log = logging.getLogger(__name__)

BATCH_SIZE = 200  # documents per transaction: the write lock is held for well under 100 ms
# Documents per transaction of a command-line import while no window has the project open:
# fewer commits, each rewriting the index pages every batch touches (a batch still ends at
# ``store.documents.BATCH_CHARS`` characters). Measured on 100,000 .txt files, CPU s of the
# import, five runs each taking turns at load 6-7: 1,000 11.4-15.3 (mean 13.3), 5,000 10.5-13.3
# (mean 11.6); see the README's import figures. 20,000 (txt7): the store's part of that import
# 2.9 -> 2.4 CPU s (the hash index's pages written by 5 commits, not 20), the batch's texts at
# most ``store.documents.ALONE_BATCH_CHARS`` characters.
ALONE_BATCH = 20_000


@dataclass
class ImportReport:
    """What an import did: documents added (and their ids), duplicates as ``(source, existing
    id)``, every rejected file, line or span, and how many files were read."""

    added: int = 0
    duplicates: list[tuple[str, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    added_ids: list[int] = field(default_factory=list)
    near_duplicates: GroupingReport | None = None  # the grouping run after the import

    @property
    def rejected(self) -> list[Problem]:
        """Files, lines and parts of documents that did not go in (not the notes on what was
        changed on the way in, such as a trimmed span)."""
        return [p for p in self.problems if p.kind is not Kind.CHANGED]

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def changes(self) -> Changes:
        return Changes(documents=frozenset(self.added_ids), labels=bool(self.added_ids),
                       origin="import")


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    progress: Progress = no_progress,
    should_stop: ShouldStop = never,
    batch_size: int = BATCH_SIZE,
    fixed_labels: Iterable[LabelKind] = (),
    annotator: str | None = None,
    near_duplicates: bool = True,
    lock_seconds: float | None = None,
    min_batch: int = 1,
    alone_batch: int = 0,
) -> ImportReport:
    """Import files and folders (walked recursively). ``progress(done, total, message)``
    follows the files, each :func:`file_parts` parts of ``total``, a JSONL file's parts as its
    bytes are read (one large file moves the bar too); ``should_stop`` is polled after each
    committed batch, and a stop raises :class:`Cancelled` whose ``partial`` is the report of
    what was committed. ``report.problems`` come in the order the files were read, and a
    file's in line order.

    Labels the files bring join the project's label set, except names that
    :func:`~annotator.domain.validate_label_name` refuses and new names of a kind in
    ``fixed_labels``: what carries them is dropped and reported as ``path:line: reason``.
    ``annotator`` names who confirmed the labels of tasks a file marks as accepted or rejected
    without saying by whom (else they are recorded as ``imported``). With ``near_duplicates``
    the new documents are then compared with the project's for wire copies
    (:func:`annotator.services.near_duplicates.group_documents`). ``min_batch``: documents
    per transaction however long it holds the write lock (see
    :meth:`annotator.store.documents.Documents.add`); 1 for imports beside an open window.
    ``alone_batch``: documents per transaction while no window holds the project open (0:
    sized as with one)."""
    report = ImportReport()
    items = list(expand_paths(paths))
    files = sum(1 for item in items if not isinstance(item, Problem))
    parts = file_parts(files)
    total = files * parts
    if near_duplicates:  # counts made with other parameters go now, not after ours
        store.near_dups.ensure_params(lines.PARAMS)
    order = _FileOrder(items)

    def after_batch(step) -> None:
        if paused:  # cycles (none expected) freed a batch at a time
            collect_young()
        report.added_ids += step.added
        report.added = len(report.added_ids)
        report.duplicates += step.duplicates
        if step.refused:  # found as the batch was stored, after later files' problems
            report.problems += [Problem(source, line, reason, dropped_span=True)
                                for source, line, reason in step.refused]
            order.sort(report.problems)
        if should_stop():
            raise Cancelled(report)

    def count_lines(step) -> None:  # inside the batch's transaction
        _count_lines(store, step.added, step.texts)

    records = _records(items, report, parts, progress, annotator)
    hold = {} if lock_seconds is None else {"lock_seconds": lock_seconds}
    # the cycle collector off while the files are read and stored (see annotator.core.collector)
    with collector_paused() as paused:
        store.documents.add(records, batch_size=batch_size, on_batch=after_batch,
                            in_batch=count_lines if near_duplicates else None,
                            fixed_labels=fixed_labels, min_batch=min_batch,
                            alone_batch=alone_batch, **hold)
    progress(total, total, f"Imported {count(report.added, 'document')}")
    # a separate step, after the documents are committed; none when counting them settled them
    # all (no prose line), which spares numpy's import (0.1-0.2 s of a command-line import)
    if near_duplicates and report.added and store.near_dups.pending():
        from annotator.services.near_duplicates import group_documents  # numpy: only now

        try:
            report.near_duplicates = group_documents(store, progress=progress,
                                                     should_stop=should_stop)
        except Cancelled:  # the documents are in; the next run groups the rest
            raise Cancelled(report) from None
    return report


def _count_lines(store: Store, doc_ids: list[int], texts: list[str]) -> None:
    """The near-duplicate grouping's first pass for documents just written, from their texts
    still in memory (``texts[i]`` is document ``doc_ids[i]``'s): the prose lines
    :func:`annotator.services.near_duplicates.count_batch` would count reading them back,
    stored the same way (``text[:TEXT_CHARS]`` is what it reads), so the grouping goes straight
    to signing. Run inside the batch's own transaction: the counts commit with the documents,
    with no commit of their own (500 fewer in a 100,000-document import), and since nobody
    else can have counted documents that transaction added, nothing is looked up first
    (:meth:`~annotator.store.near_dups.NearDups.add_lines_of_added`). No numpy here (see
    :mod:`annotator.nlp.near_dup_lines`)."""
    store.near_dups.add_lines_of_added(
        {doc_id: lines.line_keys(text[:TEXT_CHARS])
         for doc_id, text in zip(doc_ids, texts, strict=True)}, lines.BLANK_ROW)


def file_parts(files: int) -> int:
    """Progress parts per file: a thousand, so a large file moves the bar a thousandth at a
    time; fewer past two million files (Qt's progress bar counts in 32-bit integers)."""
    return max(1, min(1000, 2**31 // max(files, 1)))


class _FileOrder:
    """Where each file (or walk problem) came in an import, to put problems in file and line
    order: labels refused as a batch is stored are found after the files read meanwhile."""

    def __init__(self, items: list[Path | str | Problem]) -> None:
        self.items = items
        self.index: dict[str, int] | None = None  # made when first needed (rarely)

    def sort(self, problems: list[Problem]) -> None:
        """Sort ``problems`` in place by file, then line (a file's own problems first);
        stable, so one line's problems keep their order."""
        if self.index is None:
            self.index = {}
            for i, item in enumerate(self.items):
                self.index.setdefault(item.path if isinstance(item, Problem)
                                      else display_path(item), i)
        end = len(self.items)
        problems.sort(key=lambda p: (self.index.get(p.path, end), p.line or 0))


def _records(items: list[Path | str | Problem], report: ImportReport, parts: int,
             progress: Progress, annotator: str | None = None) -> Iterator[NewDocument]:
    """The documents of the files, in order; their problems go into ``report``. Each file is
    ``parts`` of the progress, moved as its reader reads it (:class:`ReadPosition`: JSONL)."""
    total = parts * sum(1 for item in items if not isinstance(item, Problem))
    where = ReadPosition()
    for item in items:
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        name = _file_name(item)
        start = shown = report.files * parts
        progress(start, total, f"Reading {name}")
        report.files += 1
        where.done = where.size = 0
        for rec in read_file(item, where):
            if where.size and (at := start + parts * where.done // where.size) > shown:
                shown = min(at, start + parts)
                progress(shown, total, f"Reading {name} ({100 * where.done // where.size}%)")
            if isinstance(rec, Problem):
                log.info("rejected %s", rec)
                report.problems.append(rec)
            else:
                if annotator and rec.annotator == IMPORTED:
                    _confirmed_by(rec, annotator)
                yield rec


def _file_name(path: Path | str) -> str:
    """``os.path.basename(path)``; of a path string where the only separator is ``os.sep`` by
    one string method (the name is asked for every file read, for its progress message)."""
    if isinstance(path, str) and not os.altsep:
        return path.rpartition(os.sep)[2]  # (rfind parses its arguments: twice the cost)
    return os.path.basename(path)


def _confirmed_by(rec: NewDocument, annotator: str) -> None:
    """The file says a person confirmed the labels, not who: ``annotator`` did."""
    rec.annotator = annotator
    rec.spans = [s._replace(annotator=annotator) if s.annotator == IMPORTED else s
                 for s in rec.spans]


def import_file_paths(db_path: str, paths: list[str], *, progress: Progress = no_progress,
                      should_stop: ShouldStop = never,
                      lock_seconds: float | None = None,
                      annotator: str | None = None) -> ImportReport:
    """:func:`import_paths` on a project file, with a connection of its own: what the window
    runs in a spawned process (:mod:`annotator.core.child`), so that reading and checking the
    files (Python holding the GIL) never competes with the window's own thread for it.
    ``lock_seconds``: how long each batch may hold the write lock (the store's default when
    ``None``); the window asks for less, since a label key waits for it on the GUI thread.
    ``annotator``: as :func:`import_paths` takes it."""
    from annotator.store import open_store

    with open_store(db_path) as store:
        return import_paths(store, [Path(p) for p in paths], progress=progress,
                            should_stop=should_stop, lock_seconds=lock_seconds,
                            annotator=annotator)
