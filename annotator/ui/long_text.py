"""Where a long text is on screen, found without visiting all of it: the first block in view,
the chunks of lines of a long block that a repaint covers, a chunk's text range, and a fast
line lookup inside a chunk.

All positions here are Qt's (UTF-16 code units; :class:`annotator.ui.editor.AnnotationView`
converts). A 1.7 MB one-line document is one block of ~12,000 lines, and a 2 MB document of
paragraphs has 50,000 blocks that Qt lays out a part at a time after the text is shown: every
lookup here is a bisection over laid-out rectangles or lines.
"""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtGui import QTextBlock, QTextDocument, QTextLayout, QTextLine

from annotator.ui.span_painter import LineFinder

CHUNK = 16  # lines of a block placed and cached together (a long block paints a few chunks)


def first_visible(doc: QTextDocument, scroll: int, hint: int) -> QTextBlock:
    """The first block whose bottom is at or below ``scroll`` (document pixels); ``hint``: the
    block number found last time (scrolling moves a little).

    While Qt lays a long document out, hit-testing a point finds a wrong block (painting from
    it drew nothing). Asking for a block's rectangle lays the text out up to that block, so
    this gallops from ``hint``, then bisects: it lays out nothing far past the screen."""
    layout = doc.documentLayout()
    count = doc.blockCount()

    def bottom(n: int) -> float:
        return layout.blockBoundingRect(doc.findBlockByNumber(n)).bottom()

    n = min(max(hint, 0), count - 1)
    step = 1
    if bottom(n) >= scroll:  # the answer is n or before it: (lo, hi] holds it
        lo, hi = n - 1, n
        while lo >= 0 and bottom(lo) >= scroll:
            lo, hi, step = lo - step, lo, step * 2
        lo = max(lo, -1)
    else:
        lo, hi = n, n + 1
        while hi < count and bottom(hi) < scroll:
            lo, hi, step = hi, hi + step, step * 2
        hi = min(hi, count - 1)
        if bottom(hi) < scroll:
            return doc.lastBlock()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if bottom(mid) >= scroll else (mid, hi)
    return doc.findBlockByNumber(hi)


def chunks_in_view(layout: QTextLayout, top: float, bottom: float) -> range:
    """The chunks of a block's lines between ``top`` and ``bottom`` (pixels from the block's
    top), and the chunk before them: a mark belongs to the chunk where it starts and may run
    on into the next. A block of up to :data:`CHUNK` lines is one chunk."""
    lines = layout.lineCount()
    if lines <= CHUNK:
        return range(1)
    first, last = line_at(layout, top), line_at(layout, bottom)
    return range(max(0, first // CHUNK - 1), last // CHUNK + 1)


def chunk_range(block: QTextBlock, k: int) -> tuple[int, int]:
    """Document positions from the start of chunk ``k``'s first line (chunk 0: of the block)
    to the start of the next chunk (the last chunk: the end of the block, separator included)."""
    layout = block.layout()
    lines = layout.lineCount()
    base = block.position()
    first, after = k * CHUNK, min(lines, (k + 1) * CHUNK)
    lo = base if k == 0 else base + layout.lineAt(first).textStart()
    hi = base + (block.length() if after >= lines else layout.lineAt(after).textStart())
    return lo, hi


def line_at(layout: QTextLayout, y: float) -> int:
    """The first line of a text layout whose bottom is at or below ``y`` (pixels from the
    layout's top; clamped to the lines there are), by bisection."""
    lo, hi = 0, layout.lineCount() - 1
    while lo < hi:
        mid = (lo + hi) // 2
        line = layout.lineAt(mid)
        if line.y() + line.height() < y:
            lo = mid + 1
        else:
            hi = mid
    return lo


def chunk_lines(layout: QTextLayout, k: int) -> LineFinder:
    """A line finder (see :func:`annotator.ui.span_painter.mark_rects`) that bisects the lines
    of chunk ``k`` and the chunk after it (where its marks can be); further away it asks the
    layout, which walks the lines (~50 us deep in a block of 10,000 lines)."""
    first = k * CHUNK
    after = min(layout.lineCount(), first + 2 * CHUNK)
    starts = [layout.lineAt(n).textStart() for n in range(first, after)]
    end = layout.lineAt(after - 1).textStart() + layout.lineAt(after - 1).textLength()

    def line_for(position: int) -> QTextLine:
        if starts[0] <= position < end:
            return layout.lineAt(first + bisect_right(starts, position) - 1)
        return layout.lineForTextPosition(position)

    return line_for
