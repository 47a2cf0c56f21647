"""Token boundaries of the open document, for snapping selections and growing spans a token at
a time. Computed on first need with the project language's spaCy tokenizer (no pipeline), the
same tokenizer the spaCy export aligns spans with.

A span that the window makes is meant to be training data, so it starts and ends on a *word
token* and stays inside one *block* (one non-blank line, :func:`annotator.domain.blocks`):

- a word token has a letter or digit in it, or is a currency sign (``$5bn``) or a percent sign
  (``5%``): a quantity's sign belongs to its MONEY or PERCENT entity, as in spaCy's own models;
- whitespace tokens, punctuation (quotes, brackets, dashes, full stops), emoji and other symbols
  are not word tokens, so they never start or end a span, though they may sit inside one
  ("Météo-France", "Rio  Tinto");
- nor are clitics: the possessive ``'s`` / ``’s`` (spaCy splits "Japan’s" into "Japan" + "’s"),
  a bare possessive apostrophe, and contractions such as ``n’t`` and ``’ll``.

Offsets are Python code points; ``end`` is exclusive.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from annotator.domain import blocks, load_cluster_rules, snap_to_clusters

_APOSTROPHE = "'’‘`ʼ"
# A whole token that is a clitic: 's ’s ' ’ s’ n’t ’ll ’re ’ve ’d ’m (any case).
_CLITIC = re.compile(rf"[{_APOSTROPHE}](?:s|d|m|ll|re|ve)?|n[{_APOSTROPHE}]t|s[{_APOSTROPHE}]",
                     re.IGNORECASE)
# The same at the end of a longer word (Qt's double-click "word" keeps it: "Japan’s").
_TRAILING_CLITIC = re.compile(rf"(?:[{_APOSTROPHE}](?:s|d|m|ll|re|ve)?|n[{_APOSTROPHE}]t)$",
                              re.IGNORECASE)
QUANTITY_SIGNS = frozenset("%‰‱")


def is_clitic(token: str) -> bool:
    """Whether a token is a clitic (possessive or contraction) that must not edge a span."""
    return _CLITIC.fullmatch(token) is not None


def is_word(token: str) -> bool:
    """Whether a token may start or end a span (see the module docstring)."""
    if token.isalnum():  # most tokens: no clitic is (they all have an apostrophe)
        return True
    if token in QUANTITY_SIGNS or (token and all(_currency(ch) for ch in token)):
        return True
    return not is_clitic(token) and any(ch.isalnum() for ch in token)


def _currency(ch: str) -> bool:
    return unicodedata.category(ch) == "Sc"


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in QUANTITY_SIGNS or _currency(ch)


def trim_to_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``text[start:end]`` past edge whitespace, punctuation and symbols and a trailing
    clitic, by characters and without a tokenizer: for a word a person picked by other means
    (Qt's double-click selects "Japan’s" and "“Japan”"). Returns ``(start, start)`` when no
    letter, digit or sign is left."""
    while start < end and not _word_char(text[start]):
        start += 1
    while end > start and not _word_char(text[end - 1]):
        end -= 1
    clitic = _TRAILING_CLITIC.search(text, start, end)
    if clitic is not None and clitic.start() > start:
        end = clitic.start()
        while end > start and not _word_char(text[end - 1]):
            end -= 1
    return start, end


def load_tokenizer(lang: str) -> None:
    """Load spaCy's tokenizer for ``lang`` now (1-2 s: spaCy's import), and the grapheme
    cluster rules a snapped selection is widened to (:func:`~annotator.domain.load_cluster_rules`),
    so the first snapped selection waits for neither. The window calls this off the GUI
    thread once it shows."""
    from annotator.nlp.tokens import blank_pipeline

    blank_pipeline(lang)
    load_cluster_rules()


# A line longer than this is tokenized in pieces cut after whitespace (a token never spans
# whitespace, so the pieces' tokens are the line's): labelling a word in a 2 MB document then
# tokenizes the few kilobytes around it, not the whole text (~1 s of spaCy's tokenizer).
PIECE_CHARS = 16_384


@dataclass(frozen=True, slots=True)
class Words:
    """The word tokens of a piece of text, in order: their starts and ends (code points)."""

    starts: list[int]
    ends: list[int]


@dataclass(slots=True)
class _Piece:
    """A stretch of one block (a line, or part of a long line cut after whitespace), with its
    word tokens once they were needed."""

    start: int
    end: int
    block: int
    words: Words | None = None


class TokenGrid:
    """Word-token starts and ends of one text, in code points, with the block of each.

    Tokenized lazily a piece at a time: a line, or a :data:`PIECE_CHARS` stretch of a longer
    one. Every question asked of it (snap a selection, the word at a cursor, grow or shrink a
    span) stays inside one block, so only the pieces it touches are ever tokenized."""

    def __init__(self, text: str, lang: str):
        self.text = text
        self.lang = lang
        self._pieces: list[_Piece] | None = None
        self._piece_starts: list[int] = []

    # -- pieces ------------------------------------------------------------------------------

    def pieces(self) -> list[_Piece]:
        """Every block cut into pieces (no tokenizing yet: a pass over the lines)."""
        if self._pieces is None:
            out: list[_Piece] = []
            for block in blocks(self.text):
                out.extend(self._cut(block.start, block.end, block.index))
            self._pieces = out
            self._piece_starts = [p.start for p in out]
        return self._pieces

    def _cut(self, start: int, end: int, block: int) -> list[_Piece]:
        """A block as pieces of about :data:`PIECE_CHARS`, each cut just after whitespace (a
        run with no whitespace stays whole). Not :func:`annotator.nlp.pieces.text_pieces`: that
        cutter may cut a run anywhere when it must, which would cut a token in two here."""
        out = []
        while end - start > PIECE_CHARS:
            cut = self._whitespace_after(start + PIECE_CHARS, end)
            if cut is None:
                break
            out.append(_Piece(start, cut, block))
            start = cut
        out.append(_Piece(start, end, block))
        return out

    def _whitespace_after(self, at: int, end: int) -> int | None:
        match = _WHITESPACE.search(self.text, at, end)
        return None if match is None else match.end()

    def _words_of(self, piece: _Piece) -> Words:
        if piece.words is None:
            from annotator.nlp.tokens import token_offsets

            text = self.text[piece.start:piece.end]
            pairs = [(s, e) for s, e in token_offsets(text, self.lang) if is_word(text[s:e])]
            piece.words = Words([piece.start + s for s, _ in pairs],
                                [piece.start + e for _, e in pairs])
        return piece.words

    def _touching(self, start: int, end: int) -> list[_Piece]:
        """The pieces a cursor (``start == end``, also the piece ending there) or a selection
        touches, in order."""
        pieces = self.pieces()
        first = max(0, bisect_right(self._piece_starts, start) - 1)
        out = []
        for piece in pieces[first:]:
            if piece.start > end or (piece.start == end and start < end):
                break
            if piece.end >= start:
                out.append(piece)
        return out

    def _tokens(self, pieces: list[_Piece]) -> list[tuple[int, int, int]]:
        """``(start, end, block)`` of the word tokens of ``pieces``, in order."""
        out: list[tuple[int, int, int]] = []
        for piece in pieces:
            words = self._words_of(piece)
            out.extend((s, e, piece.block) for s, e in zip(words.starts, words.ends, strict=True))
        return out

    def _index(self, piece: _Piece) -> int:
        return bisect_left(self._piece_starts, piece.start)

    # -- questions ---------------------------------------------------------------------------

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Widen a selection to the whole word tokens it touches, within one block.

        A selection over several blocks keeps the block where most of its word characters are
        (the first on a tie): a drag that overshoots into the next line, or starts on the tail
        of the line before, still makes the span the person meant. Returns ``None`` when the
        selection touches no word token (only spaces, punctuation or emoji)."""
        start, end = min(start, end), max(start, end)
        tokens = [t for t in self._tokens(self._touching(start, end))
                  if t[1] > start and t[0] < end]
        if not tokens:
            return None
        chosen: dict[int, int] = {}
        for s, e, block in tokens:
            chosen[block] = chosen.get(block, 0) + min(end, e) - max(start, s)
        block = max(chosen, key=lambda b: (chosen[b], -b))
        kept = [t for t in tokens if t[2] == block]
        return self._visible(kept[0][0], kept[-1][1])

    def token_at(self, offset: int) -> tuple[int, int] | None:
        """The word token at a bare cursor: the one it is in, else the one it just follows."""
        for s, e, _ in reversed(self._tokens(self._touching(offset, offset))):
            if s <= offset:
                return self._visible(s, e) if offset <= e else None
        return None

    def _visible(self, start: int, end: int) -> tuple[int, int]:
        """A word token range widened to whole grapheme clusters. spaCy leaves emoji pieces
        glued to the word after them ("👍" + "🏽Emmanuel", a tag flag's "🏴" + its tag
        characters and "Scotland"): a span starting inside the cluster would hold invisible
        pieces and no export that keeps clusters whole (CoNLL) could write it. Widened, it
        starts where the cluster does, which is also where a spaCy token starts, so every
        export takes it; the emoji it then holds is shown inside the span's box. (Trimming it
        instead, as model suggestions are, would leave a span that starts inside a spaCy
        token: the spaCy and CoNLL exports would refuse it.)"""
        return snap_to_clusters(self.text, start, end)

    def resized(self, start: int, end: int, side: str, direction: int) -> tuple[int, int]:
        """``(start, end)`` with one edge moved to the next word token: ``side`` is ``start`` or
        ``end``, ``direction`` +1 grows and -1 shrinks. Growing stops at the edge of the block
        that edge is in; shrinking never empties the span. Unchanged when there is no room."""
        if side == "end" and direction > 0:
            nxt = self._next_end(end)
            end = nxt if nxt is not None else end
        elif side == "end":
            before = [e for _, e, _ in self._tokens(self._touching(start, end))
                      if start < e < end]
            end = before[-1] if before else end
        elif direction > 0:
            prev = self._previous_start(start)
            start = prev if prev is not None else start
        else:
            after = [s for s, _, _ in self._tokens(self._touching(start, end))
                     if start < s < end]
            start = after[0] if after else start
        return self._visible(start, end)

    def _next_end(self, end: int) -> int | None:
        """The end of the first word token after ``end`` on the line of character ``end - 1``."""
        pieces = self.pieces()
        here = self._touching(end - 1, end - 1) if end > 0 else []
        if not here:
            return None
        block, i = here[-1].block, self._index(here[-1])
        for piece in pieces[i:]:
            if piece.block != block:
                return None
            for e in self._words_of(piece).ends:
                if e > end:
                    return e
        return None

    def _previous_start(self, start: int) -> int | None:
        """The start of the last word token before ``start`` on the line of character
        ``start``."""
        here = self._touching(start, start)
        if not here:
            return None
        pieces = self.pieces()
        block, i = here[0].block, self._index(here[0])
        for piece in reversed(pieces[:i + 1]):
            if piece.block != block:
                return None
            for s in reversed(self._words_of(piece).starts):
                if s < start:
                    return s
        return None


_WHITESPACE = re.compile(r"\s+")
