"""The open document's spans kept sorted by start, so the view finds the few it paints or points
at by bisection instead of visiting every span (a pre-annotated long document has 300,000).

Everything here is in code points, as the store counts; the view converts to Qt's positions only
for the spans it paints. Qt-free.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from operator import itemgetter, le, sub

from annotator.domain import Span

_BY_PLACE = itemgetter(0, 1)  # (start, end) of a Span (a named tuple)


class SpanIndex:
    """Spans by id and in text order.

    Spans of a document never overlap, but nothing here relies on it: lookups start
    ``longest`` code points before the place asked about, so an overlapping span (were one ever
    shown) is still found. ``longest`` only grows; it stays an upper bound after removals.
    """

    def __init__(self, spans: Iterable[Span] = ()):
        """``spans`` in any order; in text order (as the store gives them) nothing is sorted.
        Only C-level passes here: 300,000 spans take ~30 ms (a Python loop over them took
        ten times that)."""
        self._spans: list[Span] = list(spans)
        starts = [s[0] for s in self._spans]
        if not all(map(le, starts, starts[1:])):
            self._spans.sort(key=_BY_PLACE)
            starts = [s[0] for s in self._spans]
        self._starts: list[int] = starts
        self._longest = max(map(sub, [s[1] for s in self._spans], starts), default=0)

    def __len__(self) -> int:
        return len(self._spans)

    def __iter__(self) -> Iterator[Span]:
        return iter(self._spans)

    def add(self, span: Span) -> None:
        """Insert ``span`` in text order (the same span, by row id, is never held twice)."""
        self.remove(span)
        i = bisect_right(self._starts, span.start)
        self._starts.insert(i, span.start)
        self._spans.insert(i, span)
        self._longest = max(self._longest, span.end - span.start)

    def remove(self, span: Span) -> Span | None:
        """Take out the span with ``span``'s start and row id; returns it as held (``None``
        when it is not here). The start and the id find it by bisection, without an index by
        id to build on opening (an id alone is not enough: SQLite may give a new span the id
        of one just deleted)."""
        i = bisect_left(self._starts, span.start)
        while i < len(self._spans) and self._starts[i] == span.start:
            if self._spans[i].id == span.id:
                del self._starts[i]
                return self._spans.pop(i)
            i += 1
        return None

    def overlapping(self, lo: int, hi: int) -> list[Span]:
        """Spans with characters in ``[lo, hi)``, in text order."""
        i = bisect_left(self._starts, lo - self._longest)
        j = bisect_left(self._starts, hi)
        return [s for s in self._spans[i:j] if s.end > lo]

    def at(self, offset: int) -> Span | None:
        """The span covering ``offset``; one ending just before it counts, if none covers it."""
        i = bisect_left(self._starts, offset - self._longest)
        j = bisect_right(self._starts, offset)
        inside = [s for s in self._spans[i:j] if s.end >= offset]
        if not inside:
            return None
        return min(inside, key=lambda s: (offset == s.end, s.start))
