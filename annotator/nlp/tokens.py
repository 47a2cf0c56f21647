"""Tokens for exports and for snapping selections to token boundaries, from spaCy's tokenizer.

Only the tokenizer is needed (``spacy.blank(lang)``), so this works with no trained model installed
and costs a fraction of a second to set up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

Token = dict[str, Any]


_building = threading.Lock()


def blank_pipeline(lang: str = "en") -> Any:
    """A tokenizer-only pipeline; manual labelling and exports need nothing more. Built once per
    language and process; a thread asking while another builds it waits for that one (the
    window builds it in the background at start-up, and a label key may ask meanwhile)."""
    with _building:
        return _blank(lang)


@lru_cache(maxsize=4)
def _blank(lang: str) -> Any:
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
