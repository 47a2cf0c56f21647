"""The ``annotator`` command: one click group, one function per verb, ``gui`` by default.

Commands import spaCy and Qt lazily, inside the function that needs them, so ``import``,
``stats`` and the doccano export start in a fraction of a second.
"""

from __future__ import annotations

import logging

import click
from click_default_group import DefaultGroup

from annotator import __version__


@click.group(cls=DefaultGroup, default="gui", default_if_no_args=True)
@click.version_option(__version__, prog_name="annotator")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
def main(verbose: int) -> None:
    """Label scraped news articles: entities and page sections, offline, keyboard first."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _register() -> None:
    """Each module holds the commands of one area; their heavy imports stay inside the commands."""
    from annotator.cli import gui, nlp, project, training

    for module in (project, nlp, training, gui):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
