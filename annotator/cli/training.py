"""Training commands: ``train-config`` and ``merge``, and the non-JSONL exports (``spacy`` DocBins
and ``conll``) that ``annotator export`` hands over to this module.

spaCy is imported inside the functions that need it, so ``merge`` starts in a fraction of a second.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.project import DB_OPTION, open_project, progress
from annotator.domain import Misaligned


def _report_misaligned(bad: list[Misaligned], skip: bool) -> None:
    """Every misaligned span on stderr; stop (exit 1) unless the person chose to skip them."""
    for item in bad:
        click.echo(f"misaligned: {item}", err=True)
    if bad and not skip:
        click.echo(f"{len(bad)} spans do not fall on token boundaries; no file was written. Fix "
                   "them, or pass --skip-misaligned to leave them out.", err=True)
        sys.exit(1)
    if bad:
        click.echo(f"Left out {len(bad)} misaligned spans (--skip-misaligned).", err=True)


def export_training(db_path: Path, fmt: str, out: str, include_all: bool, split: float | None,
                    seed: int, skip_misaligned: bool, shard_size: int) -> None:
    """``export --format spacy|conll``; exits 1 when misaligned spans stopped the export."""
    from annotator.io import training_formats as tf

    with open_project(db_path) as store:
        total = len(store.documents.ids(tf.training_statuses(include_all)))
        with progress(total, "Exporting") as advance:
            if fmt == "spacy":
                if out == "-":
                    raise click.UsageError("--format spacy writes a folder; give --out DIR")
                try:
                    result = tf.write_spacy(store, Path(out), include_all, split, seed,
                                            skip_misaligned, shard_size, lambda: advance(1))
                except (ValueError, FileExistsError) as exc:  # no split, or a foreign folder
                    raise click.ClickException(str(exc)) from exc
            else:
                from annotator.nlp.tokens import make_tokenizer

                tokenize = make_tokenizer(store.settings.get("lang", "en") or "en")
                result = tf.write_conll(store, out, tokenize, include_all, skip_misaligned,
                                        lambda: advance(1))
    if result.split is not None and not result.split.grouped:
        click.echo("warning: every document comes from one source, so documents (not sources) "
                   "were split; dev may hold near-duplicates of train.", err=True)
    _report_misaligned(result.misaligned or [], skip_misaligned)
    if fmt == "spacy":
        files = ", ".join(f"{name} ({n})" for name, n in (result.files or {}).items())
        click.echo(f"Exported {result.documents} documents as spacy to {out}: {files or 'none'}")
    else:
        click.echo(f"Exported {result.documents} documents as conll to {out}", err=out == "-")


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
    from annotator.io.export import atomic_output
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
    from annotator.store.merge import merge_projects

    with open_project(db_path) as store:
        try:
            reports = merge_projects(store, sources)
        except (ValueError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
    conflicts = 0
    for report in reports:
        click.echo(report.summary())
        for line in report.conflict_lines():
            click.echo(f"conflict: {line}", err=True)
        conflicts += len(report.conflicts)
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

    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such project file")
    with open_project(db_path) as store:
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
