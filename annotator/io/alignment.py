"""Spans onto tokens, for the token-based exports (Prodigy ``token_start``/``token_end``, CoNLL).

One rule for every token-based format, the one the spaCy export applies with
``Doc.char_span(..., alignment_mode="strict")``: a span is exported only when its first character
is the first character of a token, its last character is the last character of a token, and
neither edge is whitespace (spaCy refuses to train on an entity with a whitespace edge, E024).
Anything else is returned as an :class:`Unexportable` problem with its reason, for the caller to
report; it is never widened or narrowed to the nearest tokens, because a silently moved boundary is
a wrong training example.

Tokens are Prodigy-style dicts ``{"text", "start", "end", ...}`` with ``start``/``end`` character
offsets (Python code points, ``end`` exclusive), in text order, as
:func:`annotator.nlp.tokens.make_tokenizer` makes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.domain import Misaligned, cut_by_runs, unpack_token_runs

Token = dict[str, Any]  # {"text", "start", "end", "id", "ws"}
Tokenize = Callable[[str], list[Token]]

WHITESPACE_EDGE = "has whitespace at its edges"
NOT_ON_TOKENS = "does not fall on token boundaries"
EMPTY = "is empty"


@dataclass(frozen=True, slots=True)
class Unexportable(Misaligned):
    """A span (or token) an export cannot represent, with the reason; reported like
    :class:`Misaligned` (the CLI and the window print ``str()`` of each)."""

    reason: str = NOT_ON_TOKENS

    def __str__(self) -> str:
        return (f"document {self.doc_id}: {self.kind} {self.label} {self.start}-{self.end} "
                f"{self.text!r} {self.reason}")


class TokenIndex:
    """Token positions by character offset, built once per document."""

    def __init__(self, tokens: Sequence[Token]):
        self.tokens = tokens
        self.by_start = {t["start"]: i for i, t in enumerate(tokens)}
        self.by_end = {t["end"]: i for i, t in enumerate(tokens)}

    @classmethod
    def of_table(cls, table: TokenTable) -> TokenIndex:
        """The index of a :class:`TokenTable` (no token dicts made)."""
        index = cls.__new__(cls)
        index.tokens = ()
        index.by_start = dict(zip(table.starts, range(len(table.starts)), strict=True))
        index.by_end = dict(zip(table.ends, range(len(table.ends)), strict=True))
        return index

    def align(self, text: str, start: int, end: int) -> tuple[int, int] | str:
        """``(first, last)`` token indices (``last`` inclusive) of exactly the tokens that make up
        ``text[start:end]``, or the reason there are none (:data:`EMPTY`,
        :data:`WHITESPACE_EDGE`, :data:`NOT_ON_TOKENS`)."""
        if not 0 <= start < end <= len(text):
            return EMPTY
        if text[start].isspace() or text[end - 1].isspace():
            return WHITESPACE_EDGE
        first, last = self.by_start.get(start), self.by_end.get(end)
        if first is None or last is None or last < first:
            return NOT_ON_TOKENS
        return first, last


@dataclass(slots=True)
class TokenTable:
    """A text's tokens as columns: ``starts``, ``ends`` (code points) and ``spaces`` (a space
    follows), one entry a token; what exports that write many tokens use instead of a dict a
    token."""

    starts: list[int]
    ends: list[int]
    spaces: list[bool]


def token_table(text: str, codes: Sequence[int]) -> TokenTable | None:
    """The table of tokens ``codes`` (``length << 1 | trailing space`` a token, see
    :func:`annotator.domain.pack_token_runs`) cut ``text`` into; ``None`` when they do not cut
    exactly this text."""
    cut = cut_by_runs(text, codes)
    return TokenTable(*cut) if cut is not None else None


def table_of(tokenize: Tokenize, text: str, runs: bytes | None) -> TokenTable | None:
    """``text``'s tokens as a table: from the token cache's ``runs`` when they fit it, else
    from ``tokenize.codes`` (what :func:`annotator.nlp.tokens.make_tokenizer` gives has it);
    ``None`` for a tokenizer without it (the caller uses :func:`tokens_of`)."""
    if runs is not None:
        try:
            table = token_table(text, unpack_token_runs(runs)[0])
        except ValueError:
            table = None
        if table is not None:
            return table
    codes = getattr(tokenize, "codes", None)
    return token_table(text, codes(text)) if codes is not None else None


def cached_tokens(text: str, runs: bytes) -> list[Token] | None:
    """The tokens that ``runs`` (:func:`annotator.domain.pack_token_runs`, from the token
    cache) cut ``text`` into, in the shape :func:`annotator.nlp.tokens.make_tokenizer` gives;
    ``None`` when they do not cut exactly this text (their lengths and spaces do not add up to
    it): the caller tokenizes instead."""
    try:
        table = token_table(text, unpack_token_runs(runs)[0])  # norms: only spaCy Docs
    except ValueError:
        return None
    return table_tokens(text, table) if table is not None else None


def table_tokens(text: str, table: TokenTable) -> list[Token]:
    """The Prodigy-style token dicts of a table (slicing the text: cheaper than reading them
    off spaCy's Token objects)."""
    return [{"text": text[start:end], "start": start, "end": end, "id": i, "ws": space}
            for i, (start, end, space) in enumerate(zip(table.starts, table.ends, table.spaces,
                                                        strict=True))]


def dict_tokens(tokenize: Tokenize, text: str, runs: bytes | None) -> list[Token]:
    """:func:`tokens_of`, made from a table when there is one (the cache's runs or
    ``tokenize.codes``): the same dicts."""
    table = table_of(tokenize, text, runs)
    return table_tokens(text, table) if table is not None else tokenize(text)


def tokens_of(tokenize: Tokenize, text: str, runs: bytes | None) -> list[Token]:
    """``text``'s tokens from the token cache's ``runs`` when they fit it, else from
    ``tokenize``: the same tokens either way when the runs came from the same tokenizer (the
    cache is keyed by the tokenizer, see :mod:`annotator.store.token_cache`)."""
    if runs is not None:
        cached = cached_tokens(text, runs)
        if cached is not None:
            return cached
    return tokenize(text)


def unexportable(doc_id: int, text: str, start: int, end: int, label: str, reason: str,
                 kind: str = "entity") -> Unexportable:
    """The problem report for ``text[start:end]`` (offsets clamped to the text)."""
    lo, hi = max(0, min(start, len(text))), max(0, min(end, len(text)))
    return Unexportable(doc_id, start, end, label, text[lo:hi], kind, reason)
