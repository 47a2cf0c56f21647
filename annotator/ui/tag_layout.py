"""Where the label tags of one line go, so that each is readable and none is drawn over another
or cut off by the view's right edge.

A tag sits one pixel under the first line of its span, starting at the span's left edge. Tags
of short neighbouring spans ("Porto too", "as Portugal") are wider than their words and ran
into each other; a tag under a word that ends a line ran past the view's edge. There is room
for one row of tags under a line (the line spacing), so tags are not stacked: a tag moves right
past the one before it while it still starts under its own span, the last one moves left to
end inside the view, and a tag that still has too little room is shortened ("PRODU…").

Qt-free: widths and positions are pixels along the line; the painter measures and elides.
"""

from __future__ import annotations

from dataclasses import dataclass

GAP = 4.0  # pixels between two tags
UNDER = 6.0  # a moved tag starts at least this far left of its span's right end
KEEP = 20.0  # room the last tag leaves the one before it when it moves left from the edge


@dataclass(frozen=True, slots=True)
class Slot:
    """One tag to place: ``left``/``right``: its span's first rectangle on the line; ``width``:
    the whole tag's width."""

    left: float
    right: float
    width: float


def arrange(slots: list[Slot], edge: float) -> list[tuple[float, float]]:
    """Each tag's ``(x, room)`` on a line, in the order given (sorted by ``left``): it is drawn
    from ``x`` and shortened to ``room`` when ``room < width``; ``room <= 0``: no room at all
    (drawn not at all). ``edge``: the rightmost pixel a tag may reach.

    Left to right, a tag starts at its span's left or just after the tag before it,
    whichever is further right, but no further than :data:`UNDER` pixels before its span
    ends (so it stays under its own word). The last tag then moves left, if it must, to end
    at ``edge`` (not onto the tag before it). Right to left, each tag's room ends where the
    next one starts."""
    xs: list[float] = []
    for i, slot in enumerate(slots):
        x = slot.left
        if i:
            x = max(x, xs[-1] + slots[i - 1].width + GAP)
        xs.append(min(x, max(slot.left, slot.right - UNDER)))
    if xs and xs[-1] + slots[-1].width > edge:
        floor = xs[-2] + GAP + min(slots[-2].width, KEEP) if len(xs) > 1 else 0.0
        xs[-1] = max(min(xs[-1], edge - slots[-1].width), floor)
    placed: list[tuple[float, float]] = []
    limit = edge
    for x, slot in zip(reversed(xs), reversed(slots), strict=True):
        placed.append((x, min(slot.width, limit - x)))
        limit = min(limit, x - GAP)
    placed.reverse()
    return placed
