"""Tokens for exports and for snapping selections to token boundaries, from spaCy's tokenizer.

Only the tokenizer is needed (``spacy.blank(lang)``), so this works with no trained model installed
and costs a fraction of a second to set up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from annotator.nlp.piece_tokens import normed_words  # noqa: F401  (here since the token cache)

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
    """Return a function text -> Prodigy-style tokens ``{"text","start","end","id","ws"}``.
    Its ``codes(text)`` gives the same tokens as ``length << 1 | trailing space`` a token
    (:func:`annotator.domain.pack_token_runs`), for exports that need no dict a token.
    spaCy and the tokenizer are loaded at the first call (an export whose every document's
    tokens are in the token cache never needs them)."""
    return _Tokenize(lang)


class _Tokenize:
    """What :func:`make_tokenizer` returns."""

    def __init__(self, lang: str):
        self.lang = lang
        self._tokenizer: Any = None

    def _doc(self, text: str) -> Any:
        if self._tokenizer is None:
            self._tokenizer = blank_pipeline(self.lang).tokenizer
        return self._tokenizer(text)

    def __call__(self, text: str) -> list[Token]:
        return [
            {"text": t.text, "start": t.idx, "end": t.idx + len(t), "id": t.i,
             "ws": bool(t.whitespace_)}
            for t in self._doc(text)
        ]

    def codes(self, text: str) -> list[int]:
        """The tokens of ``text`` as codes, made a piece at a time (the same tokens, a fraction
        of the time: :mod:`annotator.nlp.piece_tokens`)."""
        from annotator.nlp.piece_tokens import pieces_of

        return pieces_of(blank_pipeline(self.lang)).codes(text)


def token_offsets(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """``(start, end)`` of every token, for snapping a selection to token boundaries."""
    return [(t.idx, t.idx + len(t)) for t in blank_pipeline(lang).tokenizer(text)]


# -- the token cache's side in nlp: who the tokenizer is, and a Doc's tokens as token runs ------


def tokenizer_id(lang: str = "en") -> str:
    """The identity of the exports' tokenizer (``spacy.blank(lang)``'s) that the token cache
    keys tokens by, e.g. ``spacy-3.8.18/blank-en``: its rules are spaCy's own for the language,
    so spaCy's version and the language name them. Read from the installed package's metadata,
    without importing spaCy (a warm export may never need it). A different spaCy (or language)
    is a different key, so its tokens are never read for this one."""
    from importlib.metadata import version

    return f"spacy-{version('spacy')}/blank-{lang}"


# Components that only annotate tokens and never change them (no retokenizer): a Doc made by a
# pipeline of only these has the tokens its tokenizer made. A pipeline with any other component
# (merge_entities, a custom one) may merge or split tokens, so its Docs are never cached.
TOKEN_PRESERVING = frozenset({
    "tok2vec", "transformer", "tagger", "morphologizer", "parser", "beam_parser", "ner",
    "beam_ner", "senter", "sentencizer", "attribute_ruler", "lemmatizer",
    "trainable_lemmatizer", "entity_ruler", "span_ruler", "future_entity_ruler", "textcat",
    "textcat_multilabel", "spancat", "spancat_singlelabel", "entity_linker",
})


def cache_key_of(nlp: Any) -> str:
    """The token cache key that ``nlp``'s Docs may be stored under: :func:`tokenizer_id` of its
    language when its tokenizer has exactly the blank one's rules (a trained pipeline such as
    ``en_core_web_sm`` keeps them) and no component can change its tokens; else ``""`` (do not
    store them)."""
    factories = {nlp.get_pipe_meta(name).factory for name in nlp.pipe_names}
    if not factories <= TOKEN_PRESERVING:
        return ""
    blank = blank_pipeline(nlp.lang).tokenizer
    if nlp.tokenizer.to_bytes(exclude=["vocab"]) != blank.to_bytes(exclude=["vocab"]):
        return ""
    return tokenizer_id(nlp.lang)


def runs_of_doc(doc: Any, text: str, normed: frozenset[str] = frozenset()) -> bytes | None:
    """A Doc's tokens (``text`` is its text) as token runs
    (:func:`annotator.domain.pack_token_runs`), with the norms its tokenizer's special cases gave
    (``normed``: :func:`normed_words` of that tokenizer); ``None`` for a Doc they cannot hold (a
    token of no length)."""
    from spacy.attrs import LENGTH, ORTH, SPACY

    from annotator.domain import pack_token_runs

    if not len(doc):
        return pack_token_runs([], [])
    array = doc.to_array([LENGTH, SPACY, ORTH])
    lengths, spaces = array[:, 0].tolist(), array[:, 1].tolist()
    norms = []
    if normed:
        # The tokens whose text is a normed word, found by their ORTH hash in C rather than by
        # slicing every token's text in Python (issue 12); the text confirms each one found.
        import numpy as np

        for i in np.flatnonzero(np.isin(array[:, 2], _hashes_of(normed))).tolist():
            token = doc[i]
            if token.text in normed and token.norm_ != token.lex.norm_:
                norms.append((i, token.norm_))
    try:
        return pack_token_runs(lengths, spaces, norms)
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _hashes_of(words: frozenset[str]) -> Any:
    """The spaCy string hashes (ORTH) of ``words``, as a numpy array for ``isin``."""
    import numpy as np
    from spacy.strings import get_string_id

    return np.array(sorted(get_string_id(w) for w in words), dtype=np.uint64)


def runs_of_texts(texts: list[str], lang: str = "en") -> list[bytes | None]:
    """Token runs of each text by the exports' tokenizer (filling the token cache), made a
    piece at a time (:mod:`annotator.nlp.piece_tokens`: the runs :func:`runs_of_doc` gives of
    the tokenizer's Doc)."""
    from annotator.domain import pack_token_runs
    from annotator.nlp.piece_tokens import pieces_of

    pieces = pieces_of(blank_pipeline(lang))
    out: list[bytes | None] = []
    for text in texts:
        codes, norms = pieces.runs(text)
        try:
            out.append(pack_token_runs([c >> 1 for c in codes], [c & 1 for c in codes], norms))
        except ValueError:  # a token of no length (never from spaCy's tokenizer)
            out.append(None)
    return out