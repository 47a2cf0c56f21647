"""Training and team commands: ``train``, ``train-config``, ``merge`` and ``conflicts``.

spaCy is imported inside the functions that need it, so ``merge`` starts in a fraction of a second.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.common import DB_OPTION, TerminalProgress, open_project, run_preannotate
from annotator.domain import count


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


@click.command(name="train")
@DB_OPTION
@click.option("--use-new", is_flag=True,
              help="Switch the project to the new model even when it does not score better "
                   "on the held-back part.")
@click.option("--use", "use_version", metavar="ner-N",
              help="Do not train: switch the project to an existing version and re-suggest.")
@click.option("--max-epochs", type=click.IntRange(1), default=30, show_default=True)
@click.option("--seconds", type=click.FloatRange(1), default=200.0, show_default=True,
              help="Training time, at most (shared by the candidates tried).")
@click.option("--only", type=click.Choice(["base", "blank"]),
              help="Train one candidate only: the current model (fine-tuned or extended with "
                   "new labels) or a blank pipeline. Default: both, the better one is kept.")
@click.option("--no-resuggest", is_flag=True,
              help="Do not re-suggest unfinished documents with a model the project switched to.")
def train_command(db_path: Path, use_new: bool, use_version: str | None, max_epochs: int,
                  seconds: float, only: str | None, no_resuggest: bool) -> None:
    """Train the project's own entity model from accepted documents and confirmed spans.

    Holds back whole sites, scores the current model and the new one there per label, and keeps
    the new one as <project>.models/ner-N. The project switches to it when it is better on the
    held-back part (or with --use-new); unfinished documents are then re-suggested with it.
    Ctrl+C cancels and leaves the project as it was.
    """
    from annotator.core.child import ChildFailed, run_in_child
    from annotator.services.ner_training import TrainOptions, train_file, use_model

    if use_version:
        with open_project(db_path, must_exist=True) as store:
            try:
                name = use_model(store, use_version)
            except (KeyError, ValueError) as exc:
                raise click.ClickException(str(exc.args[0])) from exc
            click.echo(f"The project now uses {name}.")
            _resuggest(store, no_resuggest)
        return
    with open_project(db_path, must_exist=True):
        pass  # upgrade the schema and refuse a read-only project before the child starts
    options = TrainOptions(candidates=(only,) if only else ("base", "blank"),
                           max_epochs=max_epochs, seconds=seconds)
    try:
        with TerminalProgress("Training") as bar:
            report = run_in_child(train_file, {"db_path": str(db_path), "options": options,
                                               "use_new": use_new},
                                  progress=bar, name="annotator-train")
    except KeyboardInterrupt:
        click.echo("Cancelled: the project is as it was.", err=True)
        sys.exit(130)
    except ChildFailed as exc:
        raise click.ClickException(str(exc)) from exc
    _echo_report(report)
    if report.switched:
        with open_project(db_path, must_exist=True) as store:
            _resuggest(store, no_resuggest)


def _echo_report(report) -> None:
    chosen = (f"{count(report.dev_docs, 'document')} for choosing" if report.dev_docs else
              "none set aside for choosing"
              + (f" ({report.no_dev_note})" if report.no_dev_note else ""))
    click.echo(f"Trained {report.version} in {report.seconds:.0f} s on "
               f"{count(report.train_docs, 'document')} ({report.partial_docs} partly "
               f"labelled, {count(report.rejected_spans, 'rejected suggestion')} as "
               f"negatives), {chosen}, {report.rehearsal_docs} unlabelled for rehearsal."
               + (f" {count(report.pieced_docs, 'long document')} went in pieces."
                  if report.pieced_docs else ""))
    for line in report.left_out:  # one long document never stops the run: say which
        click.echo(f"left out: {line}", err=True)
    for cand in report.candidates:
        # without a dev part the candidates were scored on their training documents
        figure = "dev F1" if cand.get("scored_on", "dev") == "dev" else "training F1"
        click.echo(f"  candidate {cand['name']}: {figure} {cand['dev_f1']:.3f}, "
                   f"{count(cand['steps'], 'update')}, {cand['seconds']:.0f} s "
                   f"({cand['note']})")
    click.echo(f"Start: {report.start}: {report.why}.")
    if report.forgetting is not None:
        click.echo(f"Forgetting check: agreement with {report.before_model} on unlabelled "
                   f"documents, F1 {report.forgetting:.3f}.")
    if report.held_back_docs:
        sites = report.held_back_sources
        click.echo(f"Held back: {count(report.held_back_docs, 'accepted document')}"
                   + (f" from {count(len(sites), 'source')}" if sites else "")
                   + (f" ({report.split_note})" if report.split_note else "")
                   + f"; old = {report.before_model}, new = {report.version}:")
        for line in report.table():
            click.echo(line)
    else:  # no comparison: 0.00 against 0.00 would read as "not better"
        click.echo(f"Nothing held back: {report.nothing_held_back}; {report.version} was not "
                   f"compared with {report.before_model}.")
    click.echo(f"{report.version}: {'now in use' if report.switched else 'kept, not in use'}"
               f" ({report.why_switched}); folder {report.folder}.")


def _resuggest(store, skip: bool) -> None:
    if skip:
        click.echo("Unfinished documents were not re-suggested (--no-resuggest).")
        return
    run_preannotate(store, None, None)


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
        click.echo(f"{count(conflicts, 'document')} with disagreements to curate (annotator "
                   f"conflicts --db {db_path} lists them; the window settles them: D goes to "
                   "the next).",
                   err=True)
        sys.exit(1)


@click.command(name="conflicts")
@DB_OPTION
def conflicts_command(db_path: Path) -> None:
    """List the open disagreements of a merged project: where, and who chose what."""
    from annotator.core.curating import open_places
    from annotator.core.curation import describe_choices

    with open_project(db_path, must_exist=True, read_only=True) as store:
        n_open = 0
        for doc_id, d in open_places(store):
            text = store.documents.get(doc_id).text
            click.echo(f"document {doc_id} {d.kind} {d.start}-{d.end}: {d.describe(text)}: "
                       f"{describe_choices(d, text)}")
            n_open += 1
    click.echo(count(n_open, "open disagreement"), err=True)


COMMANDS = [train_command, train_config_command, merge_command, conflicts_command]
