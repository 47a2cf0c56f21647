"""Project commands: ``import``, ``export`` and ``stats``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.common import (
    DB_OPTION,
    TRUST_MODEL_OPTION,
    TerminalProgress,
    open_project,
    run_preannotate,
)
from annotator.cli.labels import (
    LABEL_OPTION,
    check_annotator_name,
    declare_entity_labels,
)
from annotator.domain import LabelKind, Misaligned, Status, count
from annotator.services.export_formats import EXPORT_FORMATS


@click.command(name="import")
@DB_OPTION
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--preannotate", "preannotate", is_flag=True,
              help="Then suggest entities and sections, as `annotator preannotate` does.")
@click.option("--model", default=None, help="spaCy model for --preannotate (default: the "
              "project's setting).")
@click.option("--patterns", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL match patterns for --preannotate.")
@TRUST_MODEL_OPTION
@LABEL_OPTION
@click.option("--annotator", default=None, callback=check_annotator_name, metavar="NAME",
              help="Who confirmed the labels of tasks a file marks accepted or rejected without "
                   "saying who (Prodigy's _annotator_id); default: 'imported'.")
def import_command(db_path: Path, paths: tuple[Path, ...], preannotate: bool,
                   model: str | None, patterns: Path | None, trust_model: bool,
                   labels: list[str] | None, annotator: str | None) -> None:
    """Import text, JSONL and HTML files or folders (walked recursively) into a project.

    Exits 1 when any file, line or span was rejected; everything else still goes in.
    """
    from annotator.services.importing import ALONE_BATCH, BATCH_SIZE, import_paths

    with open_project(db_path) as store, TerminalProgress("Importing") as bar:
        if labels:
            declare_entity_labels(store, labels)
        # whole batches: on a loaded machine the lock time alone would shrink them to a few
        # dozen documents (a window open on the project waits at most one batch per label);
        # larger ones while no window has the project open
        report = import_paths(store, paths, progress=bar, annotator=annotator,
                              fixed_labels=[LabelKind.ENTITY] if labels else (),
                              min_batch=BATCH_SIZE, alone_batch=ALONE_BATCH)
    list_duplicates = click.get_current_context().find_root().params.get("verbose", 0) > 0
    hint = " (already in the project; `annotator -v import` lists them)" if report.duplicates \
        and not list_duplicates else ""
    notes = len(report.problems) - len(report.rejected)
    click.echo(
        f"Added {count(report.added, 'document')} from {count(report.files, 'file')}; "
        f"{count(len(report.duplicates), 'duplicate')}{hint}; {len(report.rejected)} rejected"
        + (f"; {count(notes, 'note')}." if notes else ".")
    )
    grouped = report.near_duplicates
    if grouped is not None and grouped.changed:
        click.echo(f"near-duplicates: {count(len(grouped.changed), 'document')} joined groups "
                   "(`annotator near-duplicates` lists them)", err=True)
    for source, existing in report.duplicates if list_duplicates else ():
        click.echo(f"duplicate: {source} (same text as document {existing})", err=True)
    for problem in report.problems:
        click.echo(problem.shown(), err=True)
    if preannotate:
        with open_project(db_path) as store:
            if not run_preannotate(store, model, patterns, trust_model=trust_model):
                sys.exit(1)
    if report.rejected:
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
              help="prodigy, spacy, conll: leave out spans the format cannot hold (not on "
                   "token boundaries, ...; they are still listed) instead of failing.")
@click.option("--shard-size", type=click.IntRange(min=0), default=0,
              help="spacy: DocBins of at most this many documents in a folder per output, to "
                   "bound memory on large projects (0: one file each).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="prodigy, spacy, conll: processes that tokenize (default: one per idle core "
                   "from 500 documents up; the output is the same whatever the number).")
def export_command(db_path: Path, fmt: str, out: str, include_all: bool, split: float | None,
                   seed: int, skip_misaligned: bool, shard_size: int,
                   workers: int | None) -> None:
    """Export labelled documents (by default only accepted and rejected ones; the training
    formats spacy, conll and blocks take accepted ones, or with --all all but rejected)."""
    from annotator.services.exporting import export

    if fmt != "spacy" and (split is not None or shard_size):
        raise click.UsageError("--split and --shard-size apply to --format spacy only")
    if fmt == "spacy" and out == "-":
        raise click.UsageError("--format spacy writes a folder; give --out DIR")
    with open_project(db_path, read_only=True) as store, TerminalProgress("Exporting") as bar:
        try:
            report = export(store, fmt, out, include_all=include_all, split=split, seed=seed,
                            skip_misaligned=skip_misaligned, shard_size=shard_size,
                            workers=workers, progress=bar)
        except (ValueError, FileExistsError) as exc:  # no split, or a foreign folder
            raise click.ClickException(str(exc)) from exc
    if report.split is not None and not report.split.grouped:
        click.echo("warning: every document comes from one source, so documents (not sources) "
                   "were split; dev may hold near-duplicates of train.", err=True)
    _report_misaligned(report.misaligned, skip_misaligned)
    if fmt == "spacy":
        files = ", ".join(f"{name} ({n})" for name, n in (report.files or {}).items())
        click.echo(f"Exported {count(report.count, 'document')} as spacy to {out}: "
                   f"{files or 'none'}")
    else:
        click.echo(f"Exported {count(report.count, report.unit)} as {fmt} to {out}",
                   err=out == "-")


def _report_misaligned(bad: list[Misaligned], skip: bool) -> None:
    """Every span the format could not hold on stderr, with the reason; stop (exit 1) unless the
    person chose to skip them."""
    for item in bad:
        click.echo(f"misaligned: {item}", err=True)
    if bad and not skip:
        click.echo(f"{count(len(bad), 'span')} cannot be exported in this format (not on token "
                   "boundaries, or see the reason above); no file was written. Fix them, or pass "
                   "--skip-misaligned to leave them out.", err=True)
        sys.exit(1)
    if bad:
        click.echo(f"Left out {count(len(bad), 'misaligned span')} (--skip-misaligned).", err=True)


@click.command(name="stats")
@DB_OPTION
def stats_command(db_path: Path) -> None:
    """Documents by status, entity spans by label, sections by label."""
    with open_project(db_path, read_only=True) as store:
        counts = store.documents.status_counts()
        total = sum(counts.values())
        finished = counts[Status.ACCEPTED] + counts[Status.REJECTED]
        click.echo(f"{db_path}: {count(total, 'document')}, {finished} finished")
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
