"""Code points <-> UTF-16 code units: the store counts Python code points, Qt's text positions
count UTF-16 units. Emoji, flags and other characters above U+FFFF are two units but one code
point, so without this a span after an emoji would shift by one per emoji."""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Code points <-> UTF-16 code units for one text, in O(log n) per position.

    Only characters above U+FFFF differ (two units for one code point), so it keeps their places
    and counts them with a bisection; a text without any is the identity.
    """

    def __init__(self, text: str):
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._qt_starts = [cp + i for i, cp in enumerate(self._astral)]
        self.length = len(text)

    def to_qt(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        """A position inside a surrogate pair snaps to the start of its character."""
        return position - bisect_left(self._qt_starts, position)
