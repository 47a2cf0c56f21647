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
    skipped: list[str] = field(default_factory=list)  # spans left out, with the reason

    def text(self) -> str:
        note = f"; {len(self.skipped)} spans not on token boundaries left out" \
            if self.skipped else ""
        return f"Exported {self.count} documents as {self.fmt} to {self.out}{note}"


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
    """Export in any format of :mod:`annotator.io.export_formats`; the output appears only when
    the export finished (Cancel leaves nothing behind). Training formats (spacy, conll) leave
    out spans that are not on token boundaries and list them, as ``--skip-misaligned`` does."""

    def run(task: Worker) -> ExportSummary:
        from annotator.io.export_formats import JSONL_FORMATS

        with open_store(db_path) as store:
            statuses = _statuses(fmt, include_all)
            total = len(store.documents.ids(statuses))
            done = [0]

            def on_item() -> None:
                done[0] += 1
                task.progress(done[0], total, f"Exporting {done[0]} of {total}")
                if task.should_stop():
                    raise Cancelled()

            if fmt in JSONL_FORMATS:
                from annotator.io.export import iter_items, write_jsonl

                count = write_jsonl(iter_items(store, include_all), JSONL_FORMATS[fmt](store),
                                    out, on_item=on_item)
                return ExportSummary(count, fmt, str(out))
            return _training_export(store, fmt, out, include_all, on_item)

    return run


def _statuses(fmt: str, include_all: bool):
    from annotator.io.export import export_statuses
    from annotator.io.export_formats import FILE_FORMATS

    if fmt in FILE_FORMATS:
        from annotator.io.training_formats import training_statuses

        return training_statuses(include_all)
    return export_statuses(include_all)


def _training_export(store, fmt: str, out: Path, include_all: bool, on_item) -> ExportSummary:
    from annotator.io import training_formats as tf

    if fmt == "spacy":
        result = tf.write_spacy(store, out, include_all, skip_misaligned=True, on_item=on_item)
    else:
        from annotator.nlp.tokens import make_tokenizer

        tokenize = make_tokenizer(store.settings.get("lang", "en") or "en")
        result = tf.write_conll(store, out, tokenize, include_all, skip_misaligned=True,
                                on_item=on_item)
    problems = [str(m) for m in result.misaligned or []]
    return ExportSummary(result.documents, fmt, str(out), problems)


def preannotate_job(db_path: Path, model: str | None = None):
    """Model suggestions for every unfinished document (``annotator.nlp.preannotate``), computed
    in a child process so spaCy never holds up the window (see
    :mod:`annotator.ui.preannotate_process`)."""

    def run(task: Worker) -> Any:
        from annotator.ui.preannotate_process import run_in_child

        report = run_in_child(db_path, model,
                              lambda done, total, message: task.progress(done, total, message,
                                                                         force=True),
                              task.should_stop)
        if getattr(report, "cancelled", False):
            raise Cancelled()
        return report

    return run


def describe_preannotation(report: Any) -> str:
    return (f"Pre-annotated {report.documents} documents with {report.model}: "
            f"{report.entities} entities, {report.sections} section suggestions")
