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

    Documents the target lacks are copied with their labels. Of a document both files labelled,
    every annotator's version is kept, and the document gets the labels they agree on; where
    they disagree (span by span, block by block) a curator picks an alternative in the window.
    Nothing is overwritten. Exits 1 when disagreements are open.
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
            click.echo(f"disagreement: {line}", err=True)
    conflicts = run.conflicts
    if conflicts:
        click.echo(f"{conflicts} documents with disagreements to curate (annotator conflicts "
                   f"--db {db_path} lists them; the window settles them: D goes to the next).",
                   err=True)
        sys.exit(1)


@click.command(name="conflicts")
@DB_OPTION
def conflicts_command(db_path: Path) -> None:
    """List the open disagreements of a merged project: where, and who chose what."""
    from annotator.core.curating import open_places
    from annotator.core.curation import describe_choices

    with open_project(db_path, must_exist=True, read_only=True) as store:
        count = 0
        for doc_id, d in open_places(store):
            text = store.documents.get(doc_id).text
            click.echo(f"document {doc_id} {d.kind} {d.start}-{d.end}: {d.describe(text)}: "
                       f"{describe_choices(d, text)}")
            count += 1
    click.echo(f"{count} open disagreements", err=True)


COMMANDS = [train_config_command, merge_command, conflicts_command]
