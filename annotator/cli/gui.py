"""``annotator gui``: the desktop app (the default command)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command(name="gui")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("annotator-project.db"), show_default=True,
              help="The project file (SQLite); created if it does not exist.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def gui_command(db_path: Path, paths: tuple[Path, ...]) -> None:
    """Open the desktop app on a project, importing PATHS first."""
    from annotator.services.importing import import_paths
    from annotator.store import StorageError, open_store

    try:
        store = open_store(db_path)
    except (StorageError, OSError) as exc:
        raise click.ClickException(f"{db_path}: not an annotator project ({exc})") from exc
    with store:
        report = import_paths(store, paths) if paths else None
    if report is not None:
        click.echo(f"Imported {report.added} documents ({len(report.duplicates)} already there, "
                   f"{len(report.problems)} rejected)", err=True)
        for problem in report.problems:
            click.echo(f"rejected: {problem}", err=True)
    from annotator.ui.app import run

    sys.exit(run(db_path))


COMMANDS = [gui_command]
