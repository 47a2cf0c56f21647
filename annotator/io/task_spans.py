"""Entity spans and section ranges a JSON task brings, checked one by one.

Shapes read (FORMATS.md): ``[start, end, "LABEL"]`` (doccano ``label`` / ``labels``, spaCy-style
``entities``), ``{"start", "end", "label"}`` (Prodigy ``spans``), ``{"start_offset",
"end_offset", "label"}`` (doccano ``entities``) and ``{"start", "end", "labels": [...],
"text"}`` (Label Studio regions). A span that cannot be stored is dropped and reported; one with
whitespace at an edge is trimmed and reported (no tokenizer can learn it as given); when a span
says which text it covers and its offsets only fit in UTF-16 code units (JavaScript's, which
Label Studio uses), they are converted.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from annotator.domain import (
    IMPORTED,
    Block,
    Span,
    blocks,
    blocks_in_range,
    newline_offset_mapper,
    partly_covered,
)
from annotator.io.problems import Notes
from annotator.io.task_values import short

# (start, end, label, the text the file says the span covers or None), as found in the file
Raw = tuple[Any, Any, Any, Any]
SPAN_KEYS = {"spans": "span", "label": "label", "labels": "label", "entities": "entity"}
# Trimmed from span edges besides whitespace: zero-width characters no tokenizer keeps.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Every character str.isspace() knows (all below U+3001), and those.
_EDGE = frozenset(c for c in map(chr, range(0x3001)) if c.isspace()) | _ZERO_WIDTH
_MISSING = object()


def label_problem(label: Any) -> str | None:
    """Why a span's label is not a label at all (not a non-empty string), or ``None``. Whether
    it makes a good label name is the store's to judge when the label joins the project
    (:func:`annotator.domain.validate_label_name`, reported per document and label)."""
    if isinstance(label, str) and label:
        return None
    return f"label {short(label)} is not a non-empty string"


def span_item(item: Any) -> Raw | None:
    """One span in any shape we read, or ``None`` for an unknown shape. A Label Studio region
    with several labels gives the first (the caller reports the rest)."""
    if isinstance(item, list):
        return (item[0], item[1], item[2], None) if len(item) == 3 else None
    if not isinstance(item, dict):
        return None
    start = item.get("start", item.get("start_offset", _MISSING))
    end = item.get("end", item.get("end_offset", _MISSING))
    label = item.get("label", _MISSING)
    labels = item.get("labels")
    if label is _MISSING and isinstance(labels, list) and labels:
        label = labels[0]
    if _MISSING in (start, end, label):
        return None
    claimed = item.get("text")
    return start, end, label, claimed if isinstance(claimed, str) else None


def is_categories(value: Any) -> bool:
    """A doccano/Prodigy text-classification label: a string, a list of strings or a dict of
    scores, not spans."""
    if isinstance(value, str):
        return True
    if isinstance(value, dict):
        return not ({"start", "end", "start_offset", "end_offset"} & value.keys())
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def task_spans(task: dict[str, Any], raw_text: str, text: str, notes: Notes,
               consumed: set[str], annotator: str | None) -> list[Span]:
    """The spans under the keys we read, checked, as imported spans; a span overlapping a
    later one is dropped. A key read is added to ``consumed`` (it is not meta); a ``label``
    that holds document categories is left for meta, with a note.

    ``raw_text`` is the text as the file gives it (offsets count in it), ``text`` the stored
    text (line endings normalised). The common case (a dict with integer offsets inside the
    text, a good label, no edge whitespace, in order) is checked inline: imports run this for
    hundreds of thousands of spans; anything else goes through :func:`_slow_span`."""
    length = len(text)
    mapper = newline_offset_mapper(raw_text) if "\r" in raw_text else None
    good: list[Span] = []
    in_order, last_end = True, 0
    new = tuple.__new__  # Span(...) without the named tuple's Python-level __new__
    slow = _SlowSpans(raw_text, text, mapper, notes)
    edge = _EDGE
    for items, noun in _span_lists(task, notes, consumed):
        for item in items:
            try:
                start, end, label = item["start"], item["end"], item["label"]
                plain = "text" not in item
            except (KeyError, TypeError, IndexError):
                plain = False
            if (plain and type(start) is int and type(end) is int and type(label) is str
                    and mapper is None and 0 <= start < end <= length
                    and label and text[start] not in edge and text[end - 1] not in edge):
                good.append(new(Span, (start, end, label, IMPORTED, annotator, None)))
                in_order = in_order and start >= last_end
                last_end = end
                continue
            span = slow(item, noun)
            if span is not None:
                good.append(new(Span, (*span, IMPORTED, annotator, None)))
                in_order = in_order and span[0] >= last_end
                last_end = span[1]
    if in_order:
        return good
    kept, dropped = later_wins(good)
    same = {(s.start, s.end, s.label) for s in kept}
    for span in dropped:
        if (span.start, span.end, span.label) in same:
            notes.change(f"{span.label} span {span.start}-{span.end} is given twice; kept once")
        else:
            notes.drop(f"{span.label} span {span.start}-{span.end} overlaps a later span; "
                       "dropped")
    return kept


def _span_lists(task: dict[str, Any], notes: Notes,
                consumed: set[str]) -> Iterator[tuple[list[Any], str]]:
    for key, noun in SPAN_KEYS.items():
        if key not in task:
            continue
        value = task[key]
        if key in ("label", "labels") and value not in (None, []) and is_categories(value):
            notes.change(f'"{key}" {short(value)} holds document categories, which annotator '
                         "does not read (it labels spans and sections); kept as meta")
            continue
        consumed.add(key)
        if isinstance(value, list):
            yield value, noun
        elif value is not None:
            notes.drop(f'"{key}" is not a list; ignored')


class _SlowSpans:
    """Every span the inline check passed over: parsed in any shape, realigned, mapped,
    validated and trimmed, or dropped with its reason."""

    def __init__(self, raw_text: str, text: str, mapper: Callable[[int], int] | None,
                 notes: Notes):
        self.text, self.mapper, self.notes = text, mapper, notes
        self.realign = _Realigner(raw_text, notes)

    def __call__(self, item: Any, noun: str) -> tuple[int, int, str] | None:
        raw = span_item(item)
        if raw is None:
            self.notes.drop(f"{noun} {short(item)}: unknown shape (want start, end, label)")
            return None
        extra = item.get("labels", [])[1:] if isinstance(item, dict) else []
        if extra and "label" not in item:
            self.notes.drop(f"{noun} {raw[0]}-{raw[1]} has several labels; kept {raw[2]!r}, "
                            f"dropped {short(extra)}")
        return _slow_span(raw, self.realign, self.mapper, self.text, self.notes)


def later_wins(spans: Iterable[Span]) -> tuple[list[Span], list[Span]]:
    """``(kept, dropped)`` by the rule of :func:`annotator.domain.non_overlapping` (a later span
    replaces the earlier ones it overlaps), in O(n log n): kept spans are disjoint, so their
    starts and ends are both sorted and the ones a new span overlaps are a slice."""
    kept: list[Span] = []
    starts: list[int] = []
    ends: list[int] = []
    dropped: list[Span] = []
    for span in spans:
        low = bisect_right(ends, span.start)
        high = bisect_left(starts, span.end)
        dropped += kept[low:high]
        kept[low:high] = [span]
        starts[low:high] = [span.start]
        ends[low:high] = [span.end]
    return kept, dropped


def _edge(char: str) -> bool:
    return char in _EDGE


def _slow_span(raw: Raw, realign: _Realigner, mapper: Callable[[int], int] | None,
               text: str, notes: Notes) -> tuple[int, int, str] | None:
    start, end, label, claimed = raw
    if problem := label_problem(label):
        notes.drop(f"span {short(start)}-{short(end)}: {problem}")
        return None
    if type(start) is not int or type(end) is not int:
        notes.drop(f"{label} span {short(start)}-{short(end)}: offsets are not integers")
        return None
    if claimed is not None:
        start, end = realign(start, end, claimed, label)
    first, last = (mapper(start), mapper(end)) if mapper is not None else (start, end)
    if first < 0 or last > len(text):
        notes.drop(f"{label} span {start}-{end} is outside the text (length {len(text)})")
        return None
    if last <= first:
        notes.drop(f"{label} span {start}-{end} is empty or reversed (end must be > start)")
        return None
    return _trimmed(text, first, last, label, notes)


def _trimmed(text: str, start: int, end: int, label: str,
             notes: Notes) -> tuple[int, int, str] | None:
    """Whitespace at a span's edges trimmed off, with a note; a span of only whitespace goes."""
    first, last = start, end
    while first < last and _edge(text[first]):
        first += 1
    while last > first and _edge(text[last - 1]):
        last -= 1
    if first == last:
        notes.drop(f"{label} span {start}-{end} {short(text[start:end])} is only whitespace; "
                   "dropped")
        return None
    if (first, last) != (start, end):
        notes.change(f"{label} span {start}-{end} {short(text[start:end])} had whitespace at "
                     f"its edges; trimmed to {first}-{last} {short(text[first:last])}")
    return first, last, label


class _Realigner:
    """Offsets checked against the text a span says it covers. Offsets that only fit counted
    in UTF-16 code units (JavaScript's: an emoji is two) or in UTF-8 bytes (Go's, Rust's) are
    converted to code points, with one note per line; a span whose text still differs keeps
    its offsets, with a note."""

    def __init__(self, raw_text: str, notes: Notes):
        self.raw_text, self.notes = raw_text, notes
        self.starts: list[int] | None = None
        self.utf8: bytes | None = None
        self.told: set[str] = set()

    def __call__(self, start: int, end: int, claimed: str, label: str) -> tuple[int, int]:
        if self.raw_text[start:end] == claimed or start < 0 or end < start:
            return start, end
        for unit, convert in (("UTF-16 code units (as JavaScript does)", self._from_utf16),
                              ("UTF-8 bytes", self._from_utf8)):
            first, last = convert(start), convert(end)
            if first is not None and last is not None and self.raw_text[first:last] == claimed:
                if unit not in self.told:
                    self.notes.change(f"offsets count {unit}; converted to characters")
                    self.told.add(unit)
                return first, last
        self.notes.change(f"{label} span {start}-{end}: the file says it covers "
                          f"{short(claimed)} but the text there is "
                          f"{short(self.raw_text[start:end])}; kept the offsets")
        return start, end

    def _from_utf16(self, unit: int) -> int | None:
        if self.starts is None:  # UTF-16 offset of each astral character
            astral = [i for i, c in enumerate(self.raw_text) if c > "\uffff"]
            self.starts = [i + n for n, i in enumerate(astral)]
        k = bisect_left(self.starts, unit)
        if k and self.starts[k - 1] + 1 == unit:
            return None  # inside a surrogate pair
        return unit - k

    def _from_utf8(self, offset: int) -> int | None:
        if self.utf8 is None:
            self.utf8 = self.raw_text.encode("utf-8", "surrogatepass")
        if offset > len(self.utf8):
            return None
        try:
            return len(self.utf8[:offset].decode("utf-8"))
        except UnicodeDecodeError:
            return None  # inside a character


def checked_sections(task: dict[str, Any], raw_text: str, text: str,
                     notes: Notes) -> list[tuple[int, int, str]]:
    """Our ``sections`` (``[{"start","end","label"}]`` or ``[[start, end, label]]``) as whole
    block ranges. A range that covers part of a line tags that whole line, with a note; a range
    over no line with text is dropped; a block two ranges claim keeps the later one's label."""
    value = task.get("sections")
    if value in (None, []):
        return []
    if not isinstance(value, list):
        notes.drop('"sections" is not a list; ignored')
        return []
    mapper = newline_offset_mapper(raw_text) if "\r" in raw_text else (lambda x: x)
    doc_blocks: list[Block] = blocks(text)
    owner: dict[int, str] = {}
    out = []
    for item in value:
        raw = span_item(item)
        if raw is None:
            notes.drop(f"section {short(item)}: unknown shape (want start, end, label)")
            continue
        start, end, label, _ = raw
        checked = _section_range(start, end, label, mapper, len(text), notes)
        if checked is None:
            continue
        first, last = checked
        covered = blocks_in_range(doc_blocks, first, last)
        if not covered:
            notes.drop(f"section {label} {start}-{end} covers no line with text; dropped")
            continue
        _note_overlaps(covered, label, owner, notes)
        part = partly_covered(text, covered, first, last)
        if part:
            notes.change(f"section {label} {start}-{end} covers only part of block "
                         f"{', '.join(str(b.index) for b in part)}; tagged the whole block")
        out.append((covered[0].start, covered[-1].end, label))
    return out


def _section_range(start: Any, end: Any, label: Any, mapper: Callable[[int], int],
                   length: int, notes: Notes) -> tuple[int, int] | None:
    if problem := label_problem(label):
        notes.drop(f"section {short(start)}-{short(end)}: {problem}")
        return None
    if type(start) is not int or type(end) is not int:
        notes.drop(f"section {label} {short(start)}-{short(end)}: offsets are not integers")
        return None
    first, last = mapper(start), mapper(end)
    if first < 0 or last > length or last <= first:
        notes.drop(f"section {label} {start}-{end} is outside the text (length {length}) or "
                   "empty")
        return None
    return first, last


def _note_overlaps(covered: list[Block], label: str, owner: dict[int, str],
                   notes: Notes) -> None:
    for b in covered:
        before = owner.get(b.index)
        if before is not None and before != label:
            notes.change(f"block {b.index} is in sections {before} and {label}; kept {label}")
        owner[b.index] = label
