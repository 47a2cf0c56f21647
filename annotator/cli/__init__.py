"""The ``annotator`` command: one click group, one function per verb, ``gui`` by default.

Start-up is part of every short command's time (``stats``, the doccano export), so nothing is
imported before it is needed: a verb's module (``annotator.cli.NAME``, listed in :data:`VERBS`) is
imported only when that verb runs or ``--help`` lists it, command modules import the store and the
services inside their functions, and spaCy and Qt only the commands that use them.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import click
from click_default_group import DefaultGroup

from annotator import __version__

# Each command module (``annotator.cli.NAME``) and the verbs of its ``COMMANDS``, in the order the
# modules were registered. A new module adds a line here (tests/test_cli_verbs.py checks that
# this table and the modules' COMMANDS agree).
VERBS: dict[str, tuple[str, ...]] = {
    "project": ("import", "export", "stats"),
    "labels": ("labels",),
    "nlp": ("preannotate", "evaluate-sections"),
    "training": ("train", "train-config", "merge", "conflicts"),
    "learning": ("train-sections",),
    "team": ("agreement",),
    "near_dups": ("near-duplicates", "copy-labels"),
    "tokens": ("cache-tokens",),
    "gui": ("gui",),
}
MODULE_OF = {verb: module for module, verbs in VERBS.items() for verb in verbs}


class VerbGroup(DefaultGroup):
    """``gui`` is the default verb for no arguments, options (``annotator --db p.db``) or
    existing paths (``annotator p.db``, ``annotator articles/``). Any other word where the verb
    goes is a mistyped verb: a usage error that lists the verbs and suggests the closest, and
    never a window importing the word as a file.

    Verbs are loaded lazily: ``commands`` holds those whose module was imported, and
    :meth:`get_command` imports a verb's module (see :data:`VERBS`) the first time it is asked
    for that verb (or, for a word that is no verb, for the default ``gui``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *MODULE_OF})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        wanted = cmd_name if cmd_name in MODULE_OF else self.default_cmd_name
        if wanted is not None and wanted not in self.commands and wanted in MODULE_OF:
            self.load(MODULE_OF[wanted])
        return super().get_command(ctx, cmd_name)

    def load(self, module_name: str) -> None:
        """Import ``annotator.cli.<module_name>`` and add the commands of its ``COMMANDS``."""
        module = importlib.import_module(f"annotator.cli.{module_name}")
        for command in module.COMMANDS:
            self.add_command(command)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        word = args[0] if args else ""
        if word and word not in self.list_commands(ctx) and not word.startswith("-") \
                and not Path(word).exists():
            raise click.UsageError(unknown_verb(word, self.list_commands(ctx)), ctx)
        return super().resolve_command(ctx, args)


def unknown_verb(word: str, verbs: list[str]) -> str:
    """The message for a word that is neither a verb nor an existing path."""
    from difflib import get_close_matches

    message = f"No such command {word!r}."
    close = get_close_matches(word, verbs, n=2, cutoff=0.6)
    if close:
        message += " Did you mean " + " or ".join(repr(v) for v in close) + "?"
    message += f"\nCommands: {', '.join(verbs)}."
    message += f"\n(No file or folder {word!r} either: to open or import one, give its path.)"
    return message


@click.group(cls=VerbGroup, default="gui", default_if_no_args=True)
@click.version_option(__version__, prog_name="annotator")
@click.option("-v", "--verbose", count=True,
              help="More logging (-v info, -vv debug); -v also lists skipped duplicates.")
def main(verbose: int) -> None:
    """Label scraped news articles: entities and page sections, offline, keyboard first."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
