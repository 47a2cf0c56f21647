"""The app's background jobs: each opens its own store on the project file (SQLite connections
are never shared across threads) and runs one service task with the worker's ``progress`` and
``should_stop``. Each returns the service's plain report; its ``changes`` go on the change bus
when the job ends, and every view refreshes itself."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.store import StorageError, open_store
from annotator.ui.workers import Worker

log = logging.getLogger(__name__)

Job = Callable[[Worker], Any]
# spaCy in a child keeps the cores busy (training for minutes), and so does an import (reading,
# hashing, indexing): at a lower priority the child gives way to the window (and to the
# person's other programs) whenever they want the CPU. An import at the window's own priority
# took a core from the window's thread for its whole run: on a busy machine the thread waited
# 20-60 ms for one at each late tick of its event loop (stall6, README).
BACKGROUND_NICE = 10
# How long one batch of an import in the window holds the project's write lock: a label key
# pressed meanwhile waits for it on the GUI thread (each edit is one transaction, committed
# before the window shows it), so the wait is part of the event loop's stall. The store's
# default (50 ms) suits the CLI; shorter batches cost the import a few more commits.
IMPORT_LOCK_SECONDS = 0.02


def import_job(db_path: Path, paths: list[Path], annotator: str | None = None) -> Job:
    """Import files and folders (:func:`annotator.services.importing.import_paths`) in a
    spawned child process: in a thread of the window's process, parsing and checking a large
    file held the GIL so often that the window stalled for up to a second at a time."""

    def run(task: Worker) -> Any:
        from annotator.core.child import run_in_child
        from annotator.services.importing import import_file_paths

        return run_in_child(import_file_paths, {"db_path": str(db_path),
                                                "paths": [str(p) for p in paths],
                                                "lock_seconds": IMPORT_LOCK_SECONDS,
                                                "annotator": annotator},
                            progress=task.progress, should_stop=task.should_stop, hurry=task.hurry,
                            name="import", nice=BACKGROUND_NICE)

    return run


def preannotates_on_import(store: Any) -> bool:
    """Whether an import in the window goes on to pre-annotate: when the project has a model
    and its ``preannotate_on_import`` setting is not ``off`` (it is on by default)."""
    return bool(store.settings.get("model")) and (
        store.settings.get("preannotate_on_import", "on") != "off")


@dataclass(frozen=True)
class WindowImport:
    """An import in the window: the service's report, and whether the project goes on to
    pre-annotate (:func:`preannotates_on_import`)."""

    report: Any  # annotator.services.importing.ImportReport
    preannotate: bool


def window_import_job(db_path: Path, paths: list[Path], annotator: str | None = None) -> Job:
    """:func:`import_job`, then whether to pre-annotate, read in the worker thread on a
    connection of its own (1-2 ms): read on the GUI thread's connection just after the
    import's last commit (a large write-ahead log), with the list's page, it took up to 54 ms
    of the window's thread (stall8)."""
    job = import_job(db_path, paths, annotator)

    def run(task: Worker) -> WindowImport:
        report = job(task)
        if not report.added:
            return WindowImport(report, False)
        try:
            with open_store(db_path, read_only=True) as store:
                return WindowImport(report, preannotates_on_import(store))
        except (StorageError, OSError) as exc:  # the import is done: only the follow-up is not
            log.warning("cannot read %s's settings after the import: %s", db_path, exc)
            return WindowImport(report, False)

    return run


def export_job(db_path: Path, fmt: str, out: Path, include_all: bool) -> Job:
    """Export in any format (:func:`annotator.services.exporting.export`); token formats
    (prodigy, spacy, conll) leave out spans they cannot hold (not on token boundaries, ...) and
    list them, as ``--skip-misaligned`` does."""

    def run(task: Worker) -> Any:
        from annotator.services.exporting import export

        with open_store(db_path) as store:
            return export(store, fmt, out, include_all=include_all, skip_misaligned=True,
                          progress=task.progress, should_stop=task.should_stop)

    return run


def preannotate_job(db_path: Path, model: str | None = None, trust_model: bool = False) -> Job:
    """Model suggestions for every unfinished document, computed in a spawned child process so
    spaCy never holds up the window (:mod:`annotator.core.child`)."""

    def run(task: Worker) -> Any:
        from annotator.core.child import run_in_child
        from annotator.services.preannotation import preannotate_file

        return run_in_child(preannotate_file, {"db_path": str(db_path), "model": model,
                                               "trust_model": trust_model},
                            progress=task.progress, should_stop=task.should_stop, hurry=task.hurry,
                            name="pre-annotation", nice=BACKGROUND_NICE)

    return run


def train_entities_job(db_path: Path, use_new: bool = False, **options: Any) -> Job:
    """Train a new version of the project's entity model from its confirmed documents and
    score it beside the current one on the held-back part, in a spawned child as pre-annotation
    is (:func:`annotator.services.ner_training.train_file`). ``options`` are
    :class:`~annotator.services.ner_training.TrainOptions` fields (tests make the run small)."""

    def run(task: Worker) -> Any:
        from annotator.core.child import run_in_child
        from annotator.services.ner_training import TrainOptions, train_file

        return run_in_child(train_file, {"db_path": str(db_path),
                                         "options": TrainOptions(**options),
                                         "use_new": use_new},
                            progress=task.progress, should_stop=task.should_stop, hurry=task.hurry,
                            name="entity-training", nice=BACKGROUND_NICE)

    return run
