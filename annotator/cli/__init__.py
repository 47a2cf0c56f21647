"""The ``annotator`` command: one click group, one function per verb, ``gui`` by default.

Commands import spaCy and Qt lazily, inside the function that needs them, so ``import``,
``stats`` and the doccano export start in a fraction of a second.
"""

from __future__ import annotations

import logging
from difflib import get_close_matches
from pathlib import Path

import click
from click_default_group import DefaultGroup

from annotator import __version__


class VerbGroup(DefaultGroup):
    """``gui`` is the default verb for no arguments, options (``annotator --db p.db``) or
    existing paths (``annotator p.db``, ``annotator articles/``). Any other word where the verb
    goes is a mistyped verb: a usage error that lists the verbs and suggests the closest, and
    never a window importing the word as a file."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        word = args[0] if args else ""
        if word and word not in self.commands and not word.startswith("-") \
                and not Path(word).exists():
            raise click.UsageError(unknown_verb(word, self.list_commands(ctx)), ctx)
        return super().resolve_command(ctx, args)


def unknown_verb(word: str, verbs: list[str]) -> str:
    """The message for a word that is neither a verb nor an existing path."""
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


def _register() -> None:
    """Each module holds the commands of one area; their heavy imports stay inside the commands."""
    from annotator.cli import gui, labels, learning, near_dups, nlp, project, team, training

    for module in (project, labels, nlp, training, learning, team, near_dups, gui):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
