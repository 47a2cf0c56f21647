"""Wire-copy near-duplicates: ``near-duplicates`` lists the groups, ``copy-labels`` copies a
finished document's labels onto its near duplicates."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from annotator.cli.common import DB_OPTION, TerminalProgress, open_project
from annotator.domain import count


@click.command(name="near-duplicates")
@DB_OPTION
@click.option("--no-update", is_flag=True,
              help="Only list: do not first compare documents imported before grouping "
                   "existed (opens the project read-only).")
def near_duplicates_command(db_path: Path, no_update: bool) -> None:
    """List groups of near-duplicate documents (wire copies of one story), one group per line:
    the document ids as a JSON list, smallest first. Documents not compared yet (imported by an
    older annotator) are compared first, unless --no-update."""
    with open_project(db_path, must_exist=True, read_only=no_update) as store:
        if not no_update:
            from annotator.services.near_duplicates import group_documents

            with TerminalProgress("Comparing") as bar:
                report = group_documents(store, progress=bar)
            if report.signed:
                click.echo(report.text(), err=True)
        for group in store.near_dups.groups():
            click.echo(json.dumps(group))


@click.command(name="copy-labels")
@DB_OPTION
@click.option("--from", "source_id", type=int, required=True, metavar="DOC",
              help="The accepted document whose labels are copied.")
@click.option("--to", "targets", type=int, multiple=True, metavar="DOC",
              help="A document to copy onto (repeat; default: every unfinished document of "
                   "its near-duplicate group).")
def copy_labels_command(db_path: Path, source_id: int, targets: tuple[int, ...]) -> None:
    """Copy an accepted document's spans and sections onto its near duplicates, aligning the
    texts. Copies are suggestions with origin copy:DOC; labels already on a target stay. Each
    span that cannot be copied is listed on stderr with its reason; exits 1 when any could
    not."""
    from annotator.services.copy_labels import copy_labels

    with open_project(db_path, must_exist=True) as store, TerminalProgress("Copying") as bar:
        try:
            report = copy_labels(store, source_id, list(targets) or None, progress=bar)
        except KeyError as exc:
            raise click.ClickException(str(exc).strip("'\"")) from exc
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(report.text() + ".")
    for target, why in report.skipped:
        click.echo(f"skipped: document {target} {why}", err=True)
    unmapped = [u for u in report.unmapped if u.kind == "entity"]
    for item in unmapped:
        click.echo(f"not copied: {item}", err=True)
    sections = len(report.unmapped) - len(unmapped)
    if sections:
        click.echo(f"note: {count(sections, 'section')} not copied (their lines are not in the "
                   "reprints, e.g. the other site's boilerplate)", err=True)
    if unmapped:
        sys.exit(1)


COMMANDS = [near_duplicates_command, copy_labels_command]
