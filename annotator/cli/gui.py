"""``annotator gui``: the desktop app (the default command).

Without ``--db`` it opens the last project the window had open; with no last project,
``project.db`` in the user's data folder (see :func:`annotator.ui.app.project_to_open`). It
never makes a project in the current folder unasked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from annotator.cli.labels import ANNOTATOR_OPTION

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_project_file(path: Path) -> bool:
    """An SQLite file (``annotator FILE.db`` opens it rather than importing it as text)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:  # a folder, a missing or unreadable file
        return False


def choose_project(db_path: Path | None, paths: tuple[Path, ...]) -> tuple[Path, list[Path]]:
    """The project to open and the paths to import into it: ``--db``, else a project file
    among the arguments, else the last project, else the default one. Raises
    :class:`click.UsageError` for two projects at once."""
    projects = [p for p in paths if is_project_file(p)]
    rest = [p for p in paths if p not in projects]
    if len(projects) > 1 or (projects and db_path is not None):
        named = ", ".join(str(p) for p in ([db_path] if db_path else []) + projects)
        raise click.UsageError(f"one project at a time ({named}); `annotator merge` combines "
                               "projects")
    if db_path is not None:
        return db_path, rest
    if projects:
        return projects[0], rest
    from annotator.ui.app import project_to_open

    path, was_open = project_to_open()
    if was_open:
        click.echo(f"Opening the last project: {path}", err=True)
    else:
        click.echo(f"Opening {path} (no project given and none opened before; --db FILE "
                   "chooses another)", err=True)
    return path, rest


def check_desktop_libraries() -> None:
    """Stop with the exact install command when Qt's platform plugin would not load (Linux with
    a display only), instead of Qt's abort "Could not load the Qt platform plugin"."""
    from annotator import qt_deps

    result = qt_deps.check()
    if not result.ok:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        raise click.ClickException(qt_deps.describe(result, as_root))


@click.command(name="gui")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The project file (SQLite); created if it does not exist. Default: the last "
                   "project opened, else project.db in the user's data folder "
                   "(~/.local/share/annotator on Linux).")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@ANNOTATOR_OPTION
def gui_command(db_path: Path | None, paths: tuple[Path, ...], annotator: str | None) -> None:
    """Open the desktop app on a project and import PATHS in it, as the window's Import does (a
    project file among PATHS is opened instead).

    Who you are: --annotator, else ANNOTATOR_NAME, else the name the window asked for the
    first time (File > Your name changes it)."""
    from annotator.store import NotAProjectError, StorageError, open_store

    check_desktop_libraries()
    db_path, to_import = choose_project(db_path, paths)
    try:
        store = open_store(db_path)
    except NotAProjectError as exc:
        raise click.ClickException(str(exc)) from exc
    except (StorageError, OSError) as exc:
        raise click.ClickException(f"{db_path}: cannot open ({exc})") from exc
    # Opened read-only (made by a newer annotator, or cannot be written): the window says so,
    # once; printing it here as well made three copies with the window's own.
    if store.notice and to_import:
        store.close()
        raise click.ClickException(f"cannot import into it: {store.notice}")
    store.close()
    from annotator.ui.app import run

    # The window imports PATHS as its own Import does: in the background with the job bar, its
    # problems in the window (someone starting it from a launcher never sees a terminal), then
    # pre-annotation when the project has it on.
    sys.exit(run(db_path, annotator=annotator, to_import=to_import))


COMMANDS = [gui_command]
