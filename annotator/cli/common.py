"""What every command module shares: the ``--db`` option, opening a project, and a terminal
progress bar that speaks the task protocol (:mod:`annotator.core.tasks`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from annotator.domain import count

DB_OPTION = click.option(
    "--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The project file (SQLite); created if it does not exist.",
)


def open_project(db_path: Path, must_exist: bool = False, read_only: bool = False):
    """Open a project; with ``must_exist``, a missing file is a :class:`click.ClickException`.

    ``read_only`` for verbs that only read: nothing is written, not even a schema upgrade. A file
    that is not a project, or a project a writing verb cannot write (made by a newer annotator,
    on read-only media), stops the command with the reason; a reading verb prints why the file
    was opened read-only when it says."""
    from annotator.store import NotAProjectError, StorageError, open_store

    if (must_exist or read_only) and not db_path.exists():
        raise click.ClickException(f"{db_path}: no such project file")
    try:
        store = open_store(db_path, read_only=read_only)
    except NotAProjectError as exc:
        raise click.ClickException(str(exc)) from exc
    except StorageError as exc:
        raise click.ClickException(f"{db_path}: {exc}") from exc
    if store.notice and not read_only:
        store.close()
        raise click.ClickException(store.notice)
    if store.notice:
        click.echo(f"note: {store.notice}", err=True)
    return store


class TerminalProgress:
    """A task's ``progress(done, total, message)`` as a click progress bar on a terminal; silent
    when stderr is a pipe or a file. The bar appears once the total is known (a model may load
    first). Use as a context manager."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.shown = 0
        self.tty = sys.stderr.isatty()  # asked once: an import calls this for every file

    def __call__(self, done: int, total: int, message: str = "") -> None:
        if not self.tty or not total:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def run_preannotate(store: Any, model: str | None, patterns: Path | None, batch_size: int = 64,
                    n_process: int = 1, trust_model: bool = False,
                    cluster: str | None = None) -> bool:
    """Pre-annotate with a progress bar and print the outcome; ``False`` when something was
    rejected (a bad pattern line). A missing or untrusted model, or an unreachable Dask
    scheduler (``cluster``), is a :class:`click.ClickException`."""
    from annotator.nlp.cluster import ClusterError
    from annotator.nlp.pipeline import ModelNotFound
    from annotator.services.preannotation import UntrustedModel, preannotate

    try:
        with TerminalProgress("Pre-annotating") as bar:
            report = preannotate(store, model, batch_size=batch_size, n_process=n_process,
                                 patterns=patterns, trust_model=trust_model, cluster=cluster,
                                 progress=bar)
    except (ModelNotFound, ClusterError) as exc:
        raise click.ClickException(str(exc)) from exc
    except UntrustedModel as exc:
        raise click.ClickException(f"{exc}: pass --trust-model to load it, or --model NAME "
                                   "to use another") from exc
    for problem in report.problems:
        click.echo(f"rejected pattern: {problem}", err=True)
    click.echo(
        f"Pre-annotated {count(report.documents, 'document')} with {report.model}: "
        f"{count(report.entities, 'entity suggestion')}, "
        f"{count(report.sections, 'section suggestion')}."
    )
    if model is not None and model != store.settings.get("model"):
        # the window has no --model: what loaded here is what it pre-annotates with from now on
        # (a project from an older version may name a model this machine does not have)
        store.settings.set("model", model)
        click.echo(f"The project now pre-annotates with {model} (in the window too).")
    return not report.problems


TRUST_MODEL_OPTION = click.option(
    "--trust-model", is_flag=True,
    help="Load the model folder the project's settings name even when it lies outside the "
         "project's folder (a project file may come from someone else).")
