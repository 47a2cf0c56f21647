"""``annotator labels``: list, add, rename, recolour, re-key and delete the project's labels;
and the options of the verbs that write labels (``import``, ``gui``): ``--label`` sets the
project's entity labels up front, as Prodigy's ``--label`` does; ``--annotator`` says who you
are.

A label is named without ``--kind`` when only one kind has it (``body`` is a section label);
``--kind`` decides when both do, and says which kind ``add`` makes (entity by default).
Every change is one transaction; a refused change prints why and exits 1 with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from annotator.cli.common import DB_OPTION, open_project
from annotator.domain import LabelError, LabelKind, validate_annotator_name, validate_label_name

KIND_OPTION = click.option(
    "--kind", type=click.Choice([k.value for k in LabelKind]), default=None,
    help="entity or section (default: the kind that has the label; add: entity).")


def check_annotator_name(_ctx: click.Context, _param: click.Parameter,
                     value: str | None) -> str | None:
    if value is not None and (reason := validate_annotator_name(value)):
        raise click.BadParameter(reason)
    return value


ANNOTATOR_OPTION = click.option(
    "--annotator", default=None, callback=check_annotator_name, metavar="NAME",
    help="Who you are, recorded on the labels you make or confirm.")


def _label_list(_ctx: click.Context, _param: click.Parameter,
                values: tuple[str, ...]) -> list[str] | None:
    return parse_labels(values) if values else None


LABEL_OPTION = click.option(
    "--label", "labels", multiple=True, callback=_label_list, metavar="A,B,...|FILE",
    help="The project's entity labels, in palette order (keys 1, 2 …), as Prodigy's --label: "
         "comma-separated, or a file with one label per line. Missing labels are added and "
         "unused others removed; labels that spans already use are kept (`annotator labels "
         "delete` removes them). Spans the files bring with any other label are dropped and "
         "reported with their file and line.")


def parse_labels(values: tuple[str, ...] | list[str]) -> list[str]:
    """Label names from ``--label`` values: ``ORG,COMMODITY`` (spaces around commas ignored,
    empty items too) or the path of a text file with one name per line (blank lines and
    ``#`` comments ignored). :class:`click.BadParameter` names the refused name, and for a
    file its path and line."""
    names: list[str] = []
    for value in values:
        path = Path(value)
        if path.is_file():
            try:
                lines = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise click.BadParameter(f"{path}: cannot read it as UTF-8 text ({exc})") from exc
            for number, line in enumerate(lines, start=1):
                name = line.rstrip("\r\n")
                if not name.strip() or name.lstrip().startswith("#"):
                    continue
                if reason := validate_label_name(name):
                    raise click.BadParameter(f"{path}:{number}: {reason}")
                names.append(name)
            continue
        for item in value.split(","):
            name = item.strip(" ")
            if not name:
                continue
            if reason := validate_label_name(name):
                raise click.BadParameter(f"{reason} (in {value!r})")
            names.append(name)
    if not names:
        raise click.BadParameter("no label names given")
    return list(dict.fromkeys(names))


def declare_entity_labels(store, names: list[str]) -> None:
    """Make the project's entity labels ``names`` (see :data:`LABEL_OPTION`) and say what
    changed on stderr."""
    from annotator.store import StorageError

    try:
        done = store.labels.declare(LabelKind.ENTITY, names)
    except LabelError as exc:
        raise click.BadParameter(str(exc), param_hint="--label") from exc
    except StorageError as exc:
        raise click.ClickException(f"{store.path}: {exc}") from exc
    if done.changed:
        keys = ", ".join(f"{lab.name} ({lab.key or 'no key'})"
                         for lab in store.labels.of(LabelKind.ENTITY))
        click.echo(f"Entity labels: {keys}", err=True)
    for usage in done.kept:
        click.echo(f"kept: {usage.name} is not in --label but {usage.describe()} use it "
                   f"(`annotator labels delete --db {store.path} {usage.name}` removes them)",
                   err=True)


def _kind_of(store, name: str, kind: str | None) -> LabelKind:
    """The kind the person means: ``--kind``, else the one kind that has ``name``."""
    if kind is not None:
        return LabelKind(kind)
    found = store.labels.find(name)
    if not found:
        raise click.ClickException(f"there is no label {name!r} (annotator labels list --db "
                                   f"{store.path} shows them)")
    if len(found) > 1:
        raise click.ClickException(f"{name!r} is both an entity and a section label: say "
                                   "--kind entity or --kind section")
    return found[0].kind


def _change(db_path: Path, name: str, kind: str | None,
            change: Callable[[Any, LabelKind], Any]) -> tuple[LabelKind, Any]:
    """Run ``change(store.labels, kind)`` on the label the person means; a refusal is a
    :class:`click.ClickException` with the store's reason. Returns ``(kind, result)``."""
    from annotator.store import StorageError

    with open_project(db_path, must_exist=True) as store:
        which = _kind_of(store, name, kind)
        try:
            return which, change(store.labels, which)
        except (LabelError, StorageError) as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(name="labels")
def labels_group() -> None:
    """List and change the project's label set (entity and section labels)."""


@labels_group.command(name="list")
@DB_OPTION
@KIND_OPTION
def list_command(db_path: Path, kind: str | None) -> None:
    """Each label with its kind, colour, key and how much of the project carries it."""
    with open_project(db_path, read_only=True) as store:
        for each in [LabelKind(kind)] if kind else list(LabelKind):
            usages = store.labels.usages(each)
            for lab in store.labels.of(each):
                usage = usages.get(lab.name)
                used = usage.describe() if usage else "unused"
                click.echo(f"{each.value:<8} {lab.name:<16} {lab.colour}  "
                           f"{lab.key or '-':<7} {used}")


@labels_group.command(name="add")
@DB_OPTION
@click.argument("names", nargs=-1, required=True)
@click.option("--kind", type=click.Choice([k.value for k in LabelKind]), default="entity",
              show_default=True)
@click.option("--colour", "--color", "colour", default=None, metavar="#RRGGBB",
              help="Its colour (default: a palette colour no label has). One name only.")
@click.option("--key", default=None,
              help="Its key, e.g. 7, Q or Ctrl+5 (default: the first free one of 1 … 0, or "
                   "Ctrl+1 … for sections; '' for none). One name only.")
def add_command(db_path: Path, names: tuple[str, ...], kind: str, colour: str | None,
                key: str | None) -> None:
    """Add labels at the end of the palette (the project file is created if needed)."""
    from annotator.store import StorageError

    if len(names) > 1 and (colour or key is not None):
        raise click.UsageError("--colour and --key apply to one label at a time")
    with open_project(db_path) as store:
        for name in names:
            try:
                lab = store.labels.add(kind, name, colour, key)
            except (LabelError, StorageError) as exc:
                raise click.ClickException(str(exc)) from exc
            click.echo(f"Added {kind} label {lab.name} ({lab.colour}, key "
                       f"{lab.key or 'none'})")


@labels_group.command(name="rename")
@DB_OPTION
@click.argument("old")
@click.argument("new")
@KIND_OPTION
def rename_command(db_path: Path, old: str, new: str, kind: str | None) -> None:
    """Rename a label, and every span or section tag that carries it (one transaction)."""
    which, usage = _change(db_path, old, kind, lambda labels, k: labels.rename(k, old, new))
    click.echo(f"Renamed {which.value} label {old} to {new} ({usage.describe()})")


@labels_group.command(name="recolour")
@DB_OPTION
@click.argument("name")
@click.argument("colour", metavar="#RRGGBB")
@KIND_OPTION
def recolour_command(db_path: Path, name: str, colour: str, kind: str | None) -> None:
    """Give a label another colour."""
    which, lab = _change(db_path, name, kind,
                         lambda labels, k: labels.recolour(k, name, colour))
    click.echo(f"{which.value} label {name} is now {lab.colour}")


@labels_group.command(name="rekey")
@DB_OPTION
@click.argument("name")
@click.argument("key")
@KIND_OPTION
def rekey_command(db_path: Path, name: str, key: str, kind: str | None) -> None:
    """Give a label another key (e.g. 7, Q, Ctrl+5; '' for none). Keys are unique in the
    project; the window leaves unbound a key that one of its commands uses, and says so."""
    which, lab = _change(db_path, name, kind, lambda labels, k: labels.rekey(k, name, key))
    click.echo(f"{which.value} label {name} now has key {lab.key or 'none'}")


@labels_group.command(name="delete")
@DB_OPTION
@click.argument("name")
@KIND_OPTION
@click.option("--yes", is_flag=True, help="Delete the label's spans or section tags too.")
def delete_command(db_path: Path, name: str, kind: str | None, yes: bool) -> None:
    """Delete a label. A label that spans (or section tags) carry is deleted with them only
    with --yes; without it nothing changes, the count is printed and the exit code is 1."""
    def delete(labels: Any, which: LabelKind) -> Any:
        usage = labels.usage(which, name)
        if usage.items and not yes:
            raise click.ClickException(
                f"{which.value} label {name} is on {usage.describe()}, which would be deleted "
                "with it. Nothing changed: run again with --yes to delete them.")
        return labels.delete(which, name)

    which, done = _change(db_path, name, kind, delete)
    gone = f" and {done.describe()}" if done.items else ""
    click.echo(f"Deleted {which.value} label {name}{gone}")


COMMANDS = [labels_group]
