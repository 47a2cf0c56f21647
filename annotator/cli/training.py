"""Training and team commands: ``train-config``, ``merge`` and ``conflicts``.

spaCy is imported inside the functions that need it, so ``merge`` starts in a fraction of a second.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.common import DB_OPTION, TerminalProgress, open_project


@click.command(name="train-config")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the config (.cfg).")
@click.option("--task", type=click.Choice(["ner", "sections"]), default="ner", show_default=True,
              help="ner: entities from train/dev.spacy; sections: a block classifier (textcat) "
                   "from blocks-train/dev.spacy.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The folder export --format spacy --split wrote; sets paths.train/dev.")
@click.option("--lang", default="en", show_default=True, help="Language of the blank pipeline.")
def train_config_command(out: Path, task: str, data_dir: Path | None, lang: str) -> None:
    """Write a `spacy train` config for exported data (spaCy's own init config, CPU, efficiency).

    Then: python -m spacy train CONFIG --output MODEL_DIR
    (add --paths.train / --paths.dev when --data was not given).
    """
    from annotator.io.atomic import atomic_output
    from annotator.nlp.train_config import make_config

    text = make_config(task, lang, data_dir)
    with atomic_output(out) as fh:
        fh.write(text)
    click.echo(f"Wrote {task} config to {out}. Train with: python -m spacy train {out} "
               "--output MODEL_DIR" + ("" if data_dir else " --paths.train T --paths.dev D"))


@click.command(name="merge")
@DB_OPTION
@click.argument("sources", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def merge_command(db_path: Path, sources: tuple[Path, ...]) -> None:
    """Merge other annotators' project files into --db, matching documents by content hash.

    Documents the target lacks are copied with their labels; labels of a document both files hold
    are compared: agreeing labels are kept once, disagreements are kept in the conflicts table
    (both versions, with who labelled them) and listed here. Nothing is overwritten. Exits 1 when
    there are unresolved conflicts.
    """
    from annotator.services.merging import merge

    with open_project(db_path) as store, TerminalProgress("Merging") as bar:
        try:
            run = merge(store, sources, progress=bar)
        except (ValueError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
    for report in run.reports:
        click.echo(report.summary())
        for line in report.conflict_lines():
            click.echo(f"conflict: {line}", err=True)
    conflicts = run.conflicts
    if conflicts:
        click.echo(f"{conflicts} conflicts kept for curation (annotator conflicts --db "
                   f"{db_path} lists them).", err=True)
        sys.exit(1)


@click.command(name="conflicts")
@DB_OPTION
@click.option("--resolve", "resolve_id", type=int, help="Close conflict #ID.")
@click.option("--take-theirs", is_flag=True,
              help="With --resolve: give the document the other version (the current one is kept "
                   "as a resolved conflict).")
def conflicts_command(db_path: Path, resolve_id: int | None, take_theirs: bool) -> None:
    """List the conflicts kept by merge, or resolve one."""
    from annotator.store.merge import describe_conflicts, resolve_conflict

    with open_project(db_path, must_exist=True, read_only=resolve_id is None) as store:
        if resolve_id is not None:
            try:
                resolve_conflict(store, resolve_id, take_theirs)
            except KeyError as exc:
                raise click.ClickException(str(exc.args[0])) from exc
            click.echo(f"Resolved conflict #{resolve_id}"
                       + (" with the other version" if take_theirs else " keeping ours"))
            return
        lines = describe_conflicts(store)
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} unresolved conflicts", err=True)


COMMANDS = [train_config_command, merge_command, conflicts_command]
