"""``annotator train-sections``: learn the project's section model from the sections a person
confirmed, and re-suggest the unfinished documents with it (:mod:`annotator.services.
section_learning`). The training libraries are imported inside the command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.common import DB_OPTION, open_project


class StageLog:
    """A task's progress as one line per stage on stderr (``Scoring on 2 held-back pages…``);
    counts within a stage (``Suggesting sections: 40 of 90``) print only at their end, so a log
    file stays short."""

    def __init__(self) -> None:
        self.stage = ""

    def __call__(self, done: int, total: int, message: str = "") -> None:
        stage = message.split(":", 1)[0]
        if not message or (stage == self.stage and not (total and done >= total)):
            return
        self.stage = stage
        click.echo(message, err=True)


@click.command(name="train-sections")
@DB_OPTION
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the training run (the same pages and seed give the same model).")
def train_sections_command(db_path: Path, seed: int) -> None:
    """Train the project's next section model from the sections a person confirmed (accepted
    documents, and every section a person set), starting from the shipped base model. Prints
    its body F1 on held-back confirmed pages (beside the base model's), saves it in
    PROJECT.models/sections-N/ and re-suggests the sections of unfinished documents with it:
    suggestions from the rules and older versions are replaced, a person's never. Exits 1
    when nothing is confirmed yet."""
    from annotator.services.section_learning import NothingToLearn, train_sections

    with open_project(db_path, must_exist=True) as store:
        try:
            report = train_sections(store, seed=seed, progress=StageLog())
        except NothingToLearn as exc:
            click.echo(f"Nothing to learn from: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            raise click.ClickException(f"cannot write the model: {exc}") from exc
    click.echo(f"Section model {report.version}: {report.details()}")
    click.echo(f"Held-back score: {report.score_text()}")
    click.echo(f"Suggestion origin: {report.origin}; saved in {report.folder}")

COMMANDS = [train_sections_command]
