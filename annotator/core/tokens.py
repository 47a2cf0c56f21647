"""Token boundaries of the open document, for snapping selections and growing spans a token at
a time. Computed on first need with the project language's spaCy tokenizer (no pipeline)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class TokenGrid:
    """Token starts and ends of one text, in code points."""

    def __init__(self, text: str, lang: str):
        self.text = text
        self.lang = lang
        self._pairs: tuple[list[int], list[int]] | None = None

    def offsets(self) -> tuple[list[int], list[int]]:
        if self._pairs is None:
            from annotator.nlp.tokens import token_offsets

            pairs = token_offsets(self.text, self.lang) if self.text else []
            self._pairs = ([s for s, _ in pairs], [e for _, e in pairs])
        return self._pairs

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen a selection to whole tokens and drop whitespace at its edges."""
        starts, ends = self.offsets()
        i = bisect_right(starts, start) - 1
        if i < 0 or start >= ends[i]:
            i += 1  # the selection starts in whitespace: begin at the next token
        j = bisect_right(starts, end - 1) - 1
        if i >= len(starts) or j < i:
            return start, end
        return starts[i], ends[j]

    def token_at(self, offset: int) -> tuple[int, int] | None:
        starts, ends = self.offsets()
        i = bisect_right(starts, offset) - 1
        if i >= 0 and offset <= ends[i]:
            return starts[i], ends[i]
        return None

    def resized(self, start: int, end: int, side: str, direction: int) -> tuple[int, int]:
        """``(start, end)`` with one edge moved by a token: ``side`` is ``start`` or ``end``,
        ``direction`` +1 grows and -1 shrinks."""
        starts, ends = self.offsets()
        if side == "end" and direction > 0:
            k = bisect_right(ends, end)
            end = ends[k] if k < len(ends) else end
        elif side == "end":
            k = bisect_left(ends, end) - 1
            end = ends[k] if k >= 0 and ends[k] > start else end
        elif direction > 0:
            k = bisect_left(starts, start) - 1
            start = starts[k] if k >= 0 else start
        else:
            k = bisect_right(starts, start)
            start = starts[k] if k < len(starts) and starts[k] < end else start
        return start, end
