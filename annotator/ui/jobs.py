"""The app's background jobs as plain functions: each opens its own store on the project file
(SQLite connections are never shared across threads), does the work through the io and nlp
layers, reports progress, stops when asked, and returns a plain summary for the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.store import open_store
from annotator.ui.workers import Cancelled, Worker


@dataclass
class ImportSummary:
    added: int
    duplicates: int
    files: int
    problems: list[str] = field(default_factory=list)

    def text(self) -> str:
        return (f"Imported {self.added} documents from {self.files} files; {self.duplicates} "
                f"already in the project; {len(self.problems)} problems.")


@dataclass
class ExportSummary:
    count: int
    fmt: str
    out: str

    def text(self) -> str:
        return f"Exported {self.count} documents as {self.fmt} to {self.out}"


def import_job(db_path: Path, paths: list[Path]):
    """Import files and folders; problems come back as ``path:line: reason`` lines."""

    def run(task: Worker) -> ImportSummary:
        from annotator.io.importer import Cancelled as ImportCancelled
        from annotator.io.importer import expand_paths, import_paths

        files = [p for p in expand_paths(paths) if isinstance(p, Path)]
        seen = [0]

        def on_file(path: Path) -> None:
            seen[0] += 1
            task.progress(seen[0], len(files), f"Reading {path.name}")

        with open_store(db_path) as store:
            try:
                report = import_paths(store, paths, on_file=on_file,
                                      should_stop=task.should_stop, batch_size=200)
            except ImportCancelled as exc:
                raise Cancelled() from exc
        return ImportSummary(report.added, len(report.duplicates), report.files,
                             [str(p) for p in report.problems])

    return run


def export_job(db_path: Path, fmt: str, out: Path, include_all: bool):
    """Export in a JSONL format from :mod:`annotator.io.export_formats`; the file appears only
    when the export finished (cancel leaves nothing behind)."""

    def run(task: Worker) -> ExportSummary:
        from annotator.io.export import export_statuses, iter_items, write_jsonl
        from annotator.io.export_formats import JSONL_FORMATS

        with open_store(db_path) as store:
            writer = JSONL_FORMATS[fmt](store)
            total = len(store.document_ids(export_statuses(include_all)))
            done = [0]

            def on_item() -> None:
                done[0] += 1
                task.progress(done[0], total, f"Exporting {done[0]} of {total}")
                if task.should_stop():
                    raise Cancelled()

            count = write_jsonl(iter_items(store, include_all), writer, out, on_item=on_item)
        return ExportSummary(count, fmt, str(out))

    return run


def preannotate_job(db_path: Path, model: str | None = None):
    """Model suggestions for every unfinished document (``annotator.nlp.preannotate``)."""

    def run(task: Worker) -> Any:
        from annotator.nlp.preannotate import preannotate_project

        task.progress(0, 0, "Loading the model…", force=True)
        with open_store(db_path) as store:
            report = preannotate_project(
                store, model,
                on_progress=lambda done, total: task.progress(
                    done, total, f"Pre-annotated {done} of {total} documents"),
                should_stop=task.should_stop,
            )
        if getattr(report, "cancelled", False):
            raise Cancelled()
        return report

    return run


def describe_preannotation(report: Any) -> str:
    return (f"Pre-annotated {report.documents} documents with {report.model}: "
            f"{report.entities} entities, {report.sections} section suggestions")
