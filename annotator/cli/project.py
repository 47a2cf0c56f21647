"""Project commands: ``import``, ``export`` and ``stats``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from annotator.domain import Status
from annotator.io.export_formats import (  # one registry for the CLI and the app
    EXPORT_FORMATS,
    JSONL_FORMATS,
)

DB_OPTION = click.option(
    "--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The project file (SQLite); created if it does not exist.",
)


@contextmanager
def progress(length: int | None, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; silent when stderr is a pipe or a file."""
    if not sys.stderr.isatty():
        yield lambda n=1: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


def open_project(db_path: Path):
    from annotator.store import open_store

    return open_store(db_path)


@click.command(name="import")
@DB_OPTION
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--preannotate", "preannotate", is_flag=True,
              help="Then suggest entities and sections, as `annotator preannotate` does.")
@click.option("--model", default=None, help="spaCy model for --preannotate (default: the "
              "project's setting).")
@click.option("--patterns", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL match patterns for --preannotate.")
def import_command(db_path: Path, paths: tuple[Path, ...], preannotate: bool,
                   model: str | None, patterns: Path | None) -> None:
    """Import text, JSONL and HTML files or folders (walked recursively) into a project.

    Exits 1 when any file, line or span was rejected; everything else still goes in.
    """
    from annotator.io.importer import expand_paths, import_paths

    files = [p for p in expand_paths(paths) if isinstance(p, Path)]
    with open_project(db_path) as store, progress(len(files), "Importing") as advance:
        report = import_paths(store, paths, on_file=lambda _p: advance(1))
    click.echo(
        f"Added {report.added} documents from {report.files} files; "
        f"{len(report.duplicates)} duplicates; {len(report.problems)} rejected."
    )
    for source, existing in report.duplicates:
        click.echo(f"duplicate: {source} (same text as document {existing})", err=True)
    for problem in report.problems:
        kind = "dropped span" if problem.dropped_span else "rejected"
        click.echo(f"{kind}: {problem}", err=True)
    if preannotate:
        from annotator.cli.nlp import run_preannotate

        with open_project(db_path) as store:
            if not run_preannotate(store, model, patterns):
                sys.exit(1)
    if report.problems:
        sys.exit(1)


@click.command(name="export")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORT_FORMATS)), default="prodigy",
              show_default=True)
@click.option("--out", required=True, help="Output file, or - for stdout (spacy: a folder).")
@click.option("--all", "include_all", is_flag=True,
              help="Include documents not yet accepted or rejected, with their current labels.")
@click.option("--split", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=None,
              help="spacy: share of documents in train.spacy (the rest in dev.spacy); all "
                   "documents of one source stay on one side.")
@click.option("--seed", type=int, default=0, show_default=True, help="spacy: seed of --split.")
@click.option("--skip-misaligned", is_flag=True,
              help="spacy, conll: leave out spans that do not fall on token boundaries (they "
                   "are still listed) instead of failing.")
@click.option("--shard-size", type=click.IntRange(min=0), default=0,
              help="spacy: DocBins of at most this many documents in a folder per output, to "
                   "bound memory on large projects (0: one file each).")
def export_command(db_path: Path, fmt: str, out: str, include_all: bool, split: float | None,
                   seed: int, skip_misaligned: bool, shard_size: int) -> None:
    """Export labelled documents (by default only accepted and rejected ones; the training
    formats spacy, conll and blocks take accepted ones, or with --all all but rejected)."""
    from annotator.io.export import export_statuses, iter_items, write_jsonl

    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such project file")
    if fmt != "spacy" and (split is not None or shard_size):
        raise click.UsageError("--split and --shard-size apply to --format spacy only")
    if fmt in ("spacy", "conll"):
        from annotator.cli.training import export_training

        return export_training(db_path, fmt, out, include_all, split, seed, skip_misaligned,
                               shard_size)
    with open_project(db_path) as store:
        writer = JSONL_FORMATS[fmt](store)
        statuses = export_statuses(include_all)
        total = len(store.documents.ids(statuses))
        with progress(total, "Exporting") as advance:
            items = iter_items(store, include_all, provenance=False)
            count = write_jsonl(items, writer, out,
                                on_item=lambda: advance(1))
    unit = "blocks" if fmt == "blocks" else "documents"  # blocks writes a line per tagged block
    click.echo(f"Exported {count} {unit} as {fmt} to {out}", err=out == "-")


@click.command(name="stats")
@DB_OPTION
def stats_command(db_path: Path) -> None:
    """Documents by status, entity spans by label, sections by label."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such project file")
    with open_project(db_path) as store:
        counts = store.documents.status_counts()
        total = sum(counts.values())
        finished = counts[Status.ACCEPTED] + counts[Status.REJECTED]
        click.echo(f"{db_path}: {total} documents, {finished} finished")
        click.echo("Documents by status:")
        for status, n in counts.items():
            click.echo(f"  {status.value:<12} {n:>8}")
        for title, part in (("Entity spans by label:", store.spans),
                            ("Sections by label:", store.sections)):
            click.echo(title)
            rows = part.label_counts()
            for label, n, confirmed in rows:
                click.echo(f"  {label:<14} {n:>8}  ({confirmed} confirmed)")
            if not rows:
                click.echo("  (none)")


COMMANDS = [import_command, export_command, stats_command]
