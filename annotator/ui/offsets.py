"""Code points <-> the view's text positions: the store counts Python code points; Qt's text
positions count UTF-16 units of the text *as shown*. Two things make them differ:

- characters above U+FFFF (emoji, flags) are two UTF-16 units but one code point, so without
  this a span after an emoji would shift by one per emoji;
- a long run with no break opportunity is shown with a zero-width space (:data:`BREAK`) every
  :data:`STEP` code points. Qt lays such a run out in time quadratic in its length (a 200 KB
  string without spaces took seconds, 2 MB minutes, all in ``QTextLine::layout_helper``); with
  the breaks, lines wrap at one of them and layout is linear. The breaks exist only on screen:
  offsets, selections, copies and searches all use the text without them.

Qt-free; :class:`annotator.ui.editor.AnnotationView` is the one place that uses it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
BREAK = "\u200b"  # ZERO WIDTH SPACE: a line-break opportunity that draws nothing
LONG_RUN = 256  # code points without white space: longer runs get display breaks
STEP = 16  # code points between two display breaks (a wrapped line falls short of the edge
# by less than this)
_RUN = re.compile(rf"\S{{{LONG_RUN + 1},}}")
_ZWJ = "\u200d"


def _is_flag_letter(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _joins(text: str, p: int, since: int) -> bool:
    """Whether ``text[p - 1]`` and ``text[p]`` may be one character on screen (a grapheme
    cluster or a conjunct), so no break goes between them: a mark, modifier or format
    character after, a joiner or virama before, Hangul jamo, or the two letters of one flag
    (regional indicators pair up from the start of their run; ``since``: a known boundary at
    or before ``p - 1``, so the count back is short)."""
    before, after = text[p - 1], text[p]
    if unicodedata.category(after) in ("Mn", "Mc", "Me", "Cf", "Sk") or before == _ZWJ:
        return True
    if unicodedata.combining(before) == 9:  # a virama joins the next consonant
        return True
    if _is_flag_letter(before) and _is_flag_letter(after):
        first = p - 1
        while first > since and _is_flag_letter(text[first - 1]):
            first -= 1
        return (p - first) % 2 == 1
    return "\u1100" <= before <= "\u11ff" and "\u1100" <= after <= "\u11ff"


def break_points(text: str, step: int = STEP) -> list[int]:
    """The code-point offsets before which the view shows a :data:`BREAK`: every ``step``
    code points inside each run of more than :data:`LONG_RUN` non-space characters, moved on
    past any place where a break would split a character on screen (see :func:`_joins`).
    Sorted; empty for ordinary text."""
    points: list[int] = []
    ascii_text = text.isascii()
    for match in _RUN.finditer(text):
        start, end = match.span()
        if ascii_text or match.group().isascii():
            points.extend(range(start + step, end, step))
            continue
        last, p = start, start + step
        while p < end:
            while p < end and _joins(text, p, last):
                p += 1
            if p < end:
                points.append(p)
                last = p
            p += step
    return points


def _extra_units(astral: list[int], breaks: list[int]) -> tuple[list[int], list[int]]:
    """The shown positions of the units that are no code point of their own: the second unit
    of each astral character, and each break. An extra unit counts for every offset from its
    key on (an astral character at ``a``: ``a + 1``; a break at ``p``: ``p``), so the ``i``-th
    key in order sits at ``key + i``. Keys are tagged by parity and merged by one sort (two
    sorted runs: linear), not bisected one by one (a 2 MB text of emoji took 0.9 s)."""
    if not breaks:
        return [a + i + 1 for i, a in enumerate(astral)], []
    if not astral:
        return [], [p + i for i, p in enumerate(breaks)]
    keys = sorted([(a + 1) * 2 for a in astral] + [p * 2 + 1 for p in breaks])
    astral_units = [(k >> 1) + i for i, k in enumerate(keys) if not k & 1]
    break_units = [(k >> 1) + i for i, k in enumerate(keys) if k & 1]
    return astral_units, break_units


class OffsetMap:
    """Code points <-> positions in the text as shown (UTF-16, breaks included), in
    O(log n) per position; a text with no astral character and no break is the identity.

    ``breaks``: code-point offsets (sorted) before which :data:`BREAK` is shown; a break at
    ``p`` is counted as part of what comes before character ``p``, so ``to_qt(p)`` is the
    position right before character ``p`` itself, and both sides of a break read back as ``p``.
    """

    def __init__(self, text: str, breaks: list[int] | None = None):
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._breaks = breaks or []
        self.length = len(text)
        self._astral_units, self._break_units = _extra_units(self._astral, self._breaks)

    def shown(self, text: str) -> str:
        """``text`` (the one this map was made for) as the view shows it: with its breaks."""
        if not self._breaks:
            return text
        bounds = [0, *self._breaks, len(text)]
        return BREAK.join(text[a:b] for a, b in zip(bounds, bounds[1:], strict=False))

    def is_break(self, offset: int) -> bool:
        """Whether a display break is shown before code point ``offset``."""
        i = bisect_left(self._breaks, offset)
        return i < len(self._breaks) and self._breaks[i] == offset

    def to_qt(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset) + bisect_right(self._breaks, offset)

    def from_qt(self, position: int) -> int:
        """A position inside a surrogate pair snaps to the start of its character; either side
        of a display break is the code point after it."""
        return (position - bisect_right(self._astral_units, position)
                - bisect_left(self._break_units, position))
