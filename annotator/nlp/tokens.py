"""Tokens for exports and for snapping selections to token boundaries, from spaCy's tokenizer.

Only the tokenizer is needed (``spacy.blank(lang)``), so this works with no trained model installed
and costs a fraction of a second to set up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

Token = dict[str, Any]


@lru_cache(maxsize=4)
def blank_pipeline(lang: str = "en") -> Any:
    """A tokenizer-only pipeline; manual labelling and exports need nothing more."""
    import spacy

    return spacy.blank(lang)


def make_tokenizer(lang: str = "en") -> Callable[[str], list[Token]]:
    """Return a function text -> Prodigy-style tokens ``{"text","start","end","id","ws"}``."""
    tokenizer = blank_pipeline(lang).tokenizer

    def tokenize(text: str) -> list[Token]:
        return [
            {"text": t.text, "start": t.idx, "end": t.idx + len(t), "id": t.i,
             "ws": bool(t.whitespace_)}
            for t in tokenizer(text)
        ]

    return tokenize


def token_offsets(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """``(start, end)`` of every token, for snapping a selection to token boundaries."""
    return [(t.idx, t.idx + len(t)) for t in blank_pipeline(lang).tokenizer(text)]
