"""Map character ranges of one text onto a near-duplicate of it (a reprint), for copying labels.

The two texts are aligned character by character with rapidfuzz's ``Indel.opcodes`` (the longest
common subsequence, bit-parallel: a pair of 10,000-character articles takes milliseconds), which
gives the runs of text both share. A range maps when it lies inside one shared run, or when its
two ends do and the text between them is the same in the reprint. Anything else is reported with
its reason, never moved to a guess: a label on the wrong words is worse than no label.

Offsets are Python code points, ``end`` exclusive, as everywhere in the project.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rapidfuzz.distance import Indel

NOT_IN_COPY = "is not in the reprint"
CHANGED_IN_COPY = "was changed in the reprint"


@dataclass(frozen=True)
class Alignment:
    """The shared runs of ``source`` and ``target``: ``(source start, source end, target
    start)`` each, in text order."""

    source: str
    target: str
    runs: tuple[tuple[int, int, int], ...]

    def map(self, start: int, end: int) -> tuple[int, int] | str:
        """``(start, end)`` in the target for ``source[start:end]``, or why it has none
        (:data:`NOT_IN_COPY`, :data:`CHANGED_IN_COPY`)."""
        first = self._run_of(start)
        last = self._run_of(end - 1)
        if first is None or last is None:
            # the words around it are there: it was rewritten, not cut
            around = start > 0 and self._run_of(start - 1) and self._run_of(end)
            return CHANGED_IN_COPY if around else NOT_IN_COPY
        new_start = start - first[0] + first[2]
        new_end = end - 1 - last[0] + last[2] + 1
        if new_end <= new_start or self.target[new_start:new_end] != self.source[start:end]:
            return CHANGED_IN_COPY
        return new_start, new_end

    def _run_of(self, offset: int) -> tuple[int, int, int] | None:
        i = bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        run = self.runs[i]
        return run if run[0] <= offset < run[1] else None

    @property
    def _starts(self) -> list[int]:
        cached = self.__dict__.get("_starts_cache")
        if cached is None:
            cached = [r[0] for r in self.runs]
            object.__setattr__(self, "_starts_cache", cached)
        return cached


def align(source: str, target: str) -> Alignment:
    """Align two texts (see the module docstring)."""
    runs = tuple((op.src_start, op.src_end, op.dest_start)
                 for op in Indel.opcodes(source, target) if op.tag == "equal")
    return Alignment(source, target, runs)
