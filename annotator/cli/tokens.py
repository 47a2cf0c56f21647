"""``cache-tokens``: fill the token cache so that token exports need not tokenize again."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import DB_OPTION, TerminalProgress, open_project


@click.command(name="cache-tokens")
@DB_OPTION
def cache_tokens_command(db_path: Path) -> None:
    """Tokenize every document whose tokens are not cached yet and keep them in the project
    (about a byte a token), so prodigy, spacy and conll exports read them instead of running
    the tokenizer again: the same files, sooner. Pre-annotation caches the tokens of the
    documents it analyses already."""
    from annotator.services.token_cache import cache_tokens

    with open_project(db_path, must_exist=True) as store, TerminalProgress("Caching") as bar:
        report = cache_tokens(store, progress=bar)
    click.echo(report.text())


COMMANDS = [cache_tokens_command]
