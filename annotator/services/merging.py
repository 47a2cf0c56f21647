"""Merge other annotators' project files into this one, as a task (see
:mod:`annotator.store.merge` for how documents and labels are matched)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.changes import Changes
from annotator.core.curation import annotation, describe_choices, gold
from annotator.core.tasks import Cancelled, Progress, ShouldStop, never, no_progress
from annotator.domain import blocks
from annotator.store import Store
from annotator.store.curation import RegionKey, Version
from annotator.store.merge import Gold, MergeReport, merge_project


@dataclass
class MergeRun:
    """One report per merged file."""

    reports: list[MergeReport] = field(default_factory=list)

    @property
    def conflicts(self) -> int:
        """Documents left with open disagreements (each counted once, however many files)."""
        return len({c.doc_id for r in self.reports for c in r.conflicts})

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
        run.reports.append(merge_project(store, path, curate))
        if should_stop():
            raise Cancelled(run)
    progress(len(files), len(files), "Merged")
    return run


MAX_LINES = 20  # disagreements described per document in merge's report


def curate(text: str, versions: dict[str, Version], spans: list[tuple[int, int, str]],
           sections: dict[int, str], settled: set[RegionKey], curators: set) -> Gold:
    """A merged document's gold labels (see :func:`annotator.core.curation.gold`), for the
    store's merge: it calls this inside its transaction."""
    result = gold({n: annotation(v.spans, v.sections) for n, v in versions.items()},
                  blocks(text), spans, sections, settled, curators)
    lines = [f"{d.describe(text)}: {describe_choices(d, text)}"
             for d in result.open[:MAX_LINES]]
    if len(result.open) > MAX_LINES:
        lines.append(f"and {len(result.open) - MAX_LINES} more")
    return Gold(result.spans, result.sections, lines)
