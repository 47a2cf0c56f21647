"""Cut a long text into pieces spaCy can take, never inside a span that must stay whole.

Why: spaCy refuses a text longer than ``nlp.max_length`` (error E088, 1,000,000 characters by
default), and its memory grows with the text it analyses at once (a 4.7 MB document in one
piece, ``nlp.max_length`` raised, took a pre-annotation worker to 5 GB). So pre-annotation
(:mod:`annotator.nlp.preannotate`) and entity training (:mod:`annotator.nlp.ner_train`) both
send a long document through spaCy as pieces of at most :data:`PIECE_CHARS` characters; an
article is one piece. This is the one place that decides where the cuts go.

A cut goes, in this order of preference, after a line break (paragraphs and lines are what a
scraped article is made of), after a sentence end followed by a space, after a space, else
anywhere; and never strictly inside one of the ``keep`` spans (the gold entities of a training
document: a cut inside one would lose it). When a ``keep`` span (or a run of overlapping ones)
is itself longer than the limit there is no such cut: :class:`Unsplittable` says where.
Offsets are code points. Pure Python, no spaCy.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable

# See the module docstring: an article is one piece; a 1 MB document is about ten.
PIECE_CHARS = 100_000

# A sentence end: . ! or ? (maybe closing quotes or brackets) and the space after it.
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*[ \t]")


class Unsplittable(ValueError):
    """No cut fits: the kept text ``start``-``end`` is longer than a piece (``limit``)."""

    def __init__(self, start: int, end: int, limit: int):
        self.start, self.end, self.limit = start, end, limit
        super().__init__(f"a labelled span at characters {start:,}-{end:,} ({end - start:,} "
                         f"characters) is longer than a piece of {limit:,} characters, so the "
                         "document cannot be cut for spaCy")


class _Blocked:
    """The positions a cut may not take: strictly inside a kept span (overlapping spans are
    joined; touching ones are not, so a cut may go between them)."""

    def __init__(self, keep: Iterable[tuple[int, int]]):
        merged: list[list[int]] = []
        for s, e in sorted((s, e) for s, e in keep if e > s):
            if merged and s < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def around(self, cut: int) -> int | None:
        """The start of the kept span ``cut`` falls strictly inside, or None."""
        i = bisect_left(self.starts, cut) - 1
        return self.starts[i] if i >= 0 and self.ends[i] > cut else None


def _after_char(char: str) -> Callable[[str, int, int, _Blocked], int | None]:
    """A finder of the last allowed cut just after ``char`` in ``(start, hi]``."""
    def find(text: str, start: int, hi: int, blocked: _Blocked) -> int | None:
        while hi > start + 1:
            at = text.rfind(char, start + 1, hi)
            if at < 0:
                return None
            inside = blocked.around(at + 1)
            if inside is None:
                return at + 1
            hi = inside  # every cut up to the kept span's start is outside it
        return None
    return find


def _after_sentence(text: str, start: int, hi: int, blocked: _Blocked) -> int | None:
    """The last allowed cut after a sentence end and its space in ``(start, hi]``."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, start + 1, hi)]
    return next((c for c in reversed(ends) if blocked.around(c) is None), None)


_FINDERS = (_after_char("\n"), _after_sentence, _after_char(" "))


def cut_points(text: str, limit: int = PIECE_CHARS,
               keep: Iterable[tuple[int, int]] = ()) -> list[int]:
    """Where each piece of ``text`` begins (``[0]`` when it fits in one piece of ``limit``
    characters); no cut falls strictly inside a ``keep`` span. Raises :class:`Unsplittable`."""
    if limit < 1:
        raise ValueError(f"a piece must hold at least one character, not {limit}")
    starts = [0]
    if len(text) <= limit:
        return starts
    blocked = _Blocked(keep)
    start = 0
    while len(text) - start > limit:
        hi = start + limit
        cut = next((c for find in _FINDERS if (c := find(text, start, hi, blocked))), None)
        if cut is None:  # anywhere: the limit itself, else just before the span it would cut
            inside = blocked.around(hi)
            cut = hi if inside is None else inside
            if cut <= start:
                i = bisect_left(blocked.starts, start)
                raise Unsplittable(start, blocked.ends[i], limit)
        starts.append(cut)
        start = cut
    return starts


def text_pieces(text: str, limit: int = PIECE_CHARS,
                keep: Iterable[tuple[int, int]] = ()) -> list[tuple[int, str]]:
    """``(offset, piece)`` of ``text`` cut at :func:`cut_points`; the pieces joined are
    ``text``. Raises :class:`Unsplittable`."""
    starts = cut_points(text, limit, keep)
    ends = [*starts[1:], len(text)]
    return [(s, text[s:e]) for s, e in zip(starts, ends, strict=True)]


def spans_within(spans: Iterable[tuple[int, int, str]], offset: int,
                 length: int) -> list[tuple[int, int, str]]:
    """The spans that lie inside the piece ``offset``..``offset + length``, shifted to the
    piece's own offsets (a span crossing the piece's edges is not in it)."""
    end = offset + length
    return [(s - offset, e - offset, label) for s, e, label in spans
            if offset <= s and e <= end]
