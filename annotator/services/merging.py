"""Merge other annotators' project files into this one, as a task (see
:mod:`annotator.store.merge` for how documents and labels are matched)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.changes import Changes
from annotator.core.tasks import Cancelled, Progress, ShouldStop, never, no_progress
from annotator.store import Store
from annotator.store.merge import MergeReport, merge_project


@dataclass
class MergeRun:
    """One report per merged file."""

    reports: list[MergeReport] = field(default_factory=list)

    @property
    def conflicts(self) -> int:
        return sum(len(r.conflicts) for r in self.reports)

    @property
    def changes(self) -> Changes:
        return Changes.all("merge")


def merge(store: Store, paths: Iterable[Path], *, progress: Progress = no_progress,
          should_stop: ShouldStop = never) -> MergeRun:
    """Merge each file in turn (one transaction per batch of its documents). Raises
    ``ValueError`` (not a project, or the project itself) or ``FileNotFoundError``; a stop
    between files raises :class:`Cancelled` with the files merged so far."""
    run = MergeRun()
    files = [Path(p) for p in paths]
    for done, path in enumerate(files):
        progress(done, len(files), f"Merging {path.name}")
        run.reports.append(merge_project(store, path))
        if should_stop():
            raise Cancelled(run)
    progress(len(files), len(files), "Merged")
    return run
