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

from annotator.domain import blocks

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
    """Load spaCy's tokenizer for ``lang`` now (1-2 s: spaCy's import), so the first snapped
    selection does not wait for it. The window calls this off the GUI thread once it shows."""
    from annotator.nlp.tokens import blank_pipeline

    blank_pipeline(lang)


@dataclass(frozen=True, slots=True)
class Words:
    """The word tokens of a text, in order: their starts, ends (code points) and the number of
    the block each is in."""

    starts: list[int]
    ends: list[int]
    blocks: list[int]


class TokenGrid:
    """Word-token starts and ends of one text, in code points, with the block of each."""

    def __init__(self, text: str, lang: str):
        self.text = text
        self.lang = lang
        self._words: Words | None = None

    def words(self) -> Words:
        """The word tokens, tokenized on first need (a fraction of a second for an article)."""
        if self._words is None:
            from annotator.nlp.tokens import token_offsets

            pairs = token_offsets(self.text, self.lang) if self.text else []
            pairs = [(s, e) for s, e in pairs if is_word(self.text[s:e])]
            block_starts = [b.start for b in blocks(self.text)]
            self._words = Words([s for s, _ in pairs], [e for _, e in pairs],
                                 [bisect_right(block_starts, s) - 1 for s, _ in pairs])
        return self._words

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Widen a selection to the whole word tokens it touches, within one block.

        A selection over several blocks keeps the block where most of its word characters are
        (the first on a tie): a drag that overshoots into the next line, or starts on the tail
        of the line before, still makes the span the person meant. Returns ``None`` when the
        selection touches no word token (only spaces, punctuation or emoji)."""
        start, end = min(start, end), max(start, end)
        words = self.words()
        first, stop = bisect_right(words.ends, start), bisect_left(words.starts, end)
        if first >= stop:
            return None
        chosen: dict[int, int] = {}
        for i in range(first, stop):
            inside = min(end, words.ends[i]) - max(start, words.starts[i])
            chosen[words.blocks[i]] = chosen.get(words.blocks[i], 0) + inside
        block = max(chosen, key=lambda b: (chosen[b], -b))
        kept = [i for i in range(first, stop) if words.blocks[i] == block]
        return words.starts[kept[0]], words.ends[kept[-1]]

    def token_at(self, offset: int) -> tuple[int, int] | None:
        """The word token at a bare cursor: the one it is in, else the one it just follows."""
        words = self.words()
        i = bisect_right(words.starts, offset) - 1
        if i >= 0 and offset <= words.ends[i]:
            return words.starts[i], words.ends[i]
        return None

    def resized(self, start: int, end: int, side: str, direction: int) -> tuple[int, int]:
        """``(start, end)`` with one edge moved to the next word token: ``side`` is ``start`` or
        ``end``, ``direction`` +1 grows and -1 shrinks. Growing stops at the edge of the block
        that edge is in; shrinking never empties the span. Unchanged when there is no room."""
        words = self.words()
        if side == "end" and direction > 0:
            k = bisect_right(words.ends, end)
            if k < len(words.ends) and self._same_block(k, end - 1):
                end = words.ends[k]
        elif side == "end":
            k = bisect_left(words.ends, end) - 1
            end = words.ends[k] if k >= 0 and words.ends[k] > start else end
        elif direction > 0:
            k = bisect_left(words.starts, start) - 1
            if k >= 0 and self._same_block(k, start):
                start = words.starts[k]
        else:
            k = bisect_right(words.starts, start)
            start = words.starts[k] if k < len(words.starts) and words.starts[k] < end else start
        return start, end

    def _same_block(self, word: int, offset: int) -> bool:
        """Whether word token ``word`` is on the line of character ``offset``."""
        lo, hi = self.words().starts[word], offset
        lo, hi = min(lo, hi), max(lo, hi)
        return "\n" not in self.text[lo:hi]
