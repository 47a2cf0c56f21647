"""Long documents: spans are found by bisection and painted only where the screen is, a block of
thousands of lines a chunk at a time, and the spans panel lists each span once.

The sizes here are small versions of the slow cases (a 1.7 MB one-line text, 300,000 spans; see
``bench/gui.py``'s long-open step): big enough for a block of many chunks and for a text laid
out lazily, small enough to open in well under a second."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtGui import QColor

from annotator.domain import NewDocument, Span
from annotator.store import open_store
from annotator.ui.long_text import CHUNK
from annotator.ui.side_panel import SidePanel
from annotator.ui.span_index import SpanIndex

WORDS = "the council said on Monday that new harbour works would start after summer".split()
LABELS = ["PERSON", "ORG", "GPE"]


def text_and_spans(words: int, per_block: int | None, seed: int = 1) -> tuple[str, list[Span]]:
    """Random words (a blank line every ``per_block`` words; ``None``: one line), with every
    third word a span, confirmed and suggested by turns."""
    rng = random.Random(seed)
    parts, spans, pos = [], [], 0
    for i in range(words):
        if i:
            sep = "\n\n" if per_block and i % per_block == 0 else " "
            parts.append(sep)
            pos += len(sep)
        word = rng.choice(WORDS)
        if i % 3 == 1:
            spans.append(Span(pos, pos + len(word), LABELS[i % 3 - 1 + len(spans) % 2],
                              "human" if len(spans) % 2 else "model:test@1", None))
        parts.append(word)
        pos += len(word)
    return "".join(parts), spans


@pytest.fixture
def long_project(tmp_path: Path) -> Path:
    """Doc 1: one line of 12,000 words (~600 lines on screen); doc 2: 3,000 blocks of 4 words
    (laid out by Qt a part at a time after it is shown)."""
    path = tmp_path / "long.db"
    docs = []
    for words, per_block in ((12_000, None), (12_000, 4)):
        text, spans = text_and_spans(words, per_block)
        docs.append(NewDocument(text=text, source=f"long-{words}.txt", spans=spans))
    with open_store(path) as store:
        store.documents.add(docs)
        store.settings.set("preannotate_on_import", "off")
    return path


def painted(editor, span: Span) -> bool:
    """Whether the span's box is drawn: the pixel just inside its left edge is not the page."""
    image = editor.viewport().grab().toImage()
    point = editor.point_of(span.start)
    base = editor.palette().color(editor.viewport().backgroundRole())
    colour = QColor(image.pixelColor(point.x() - 2, point.y()))
    return colour.rgb() != base.rgb()


def span_on_screen(editor) -> Span:
    """A span near the middle of the view (once painted: a text Qt lays out a part at a time
    is laid out down to the screen by painting it)."""
    editor.viewport().repaint()
    middle = editor.viewport().rect().center()
    offset = editor.offset_at(middle)
    after = [s for s in editor.spans() if s.start >= offset]
    assert after, f"no span below the middle of the view (offset {offset})"
    return after[0]


@pytest.mark.parametrize("doc_id", [1, 2])
def test_spans_are_painted_wherever_a_long_document_is_scrolled(long_project, open_window,
                                                                  qtbot, doc_id):
    window = open_window(long_project)
    window.controller.open_document(doc_id)
    editor = window.editor
    qtbot.wait(10)
    bar = editor.verticalScrollBar()
    for where in (0, bar.maximum() // 2, bar.maximum()):
        bar.setValue(where)
        span = span_on_screen(editor) if where < bar.maximum() else editor.spans()[-1]
        assert painted(editor, span), f"span {span} not drawn at scroll {where}"
    if doc_id == 1:
        lines = editor.document().firstBlock().layout().lineCount()
        assert lines > 10 * CHUNK  # one block of many chunks: only those on screen are placed
        assert sum(len(c.placed) for c in editor._placed.get(0, {}).values()) < len(editor.spans())
    editor.grab().save(f"/tmp/view2-test-long-{doc_id}.png")


def test_the_span_under_the_cursor_is_found_deep_in_a_long_line(long_project, open_window):
    window = open_window(long_project)
    window.controller.open_document(1)
    editor = window.editor
    last = editor.spans()[-1]
    editor.select_range(last.start + 1, last.start + 1)
    assert editor.selected_span() == last
    assert editor.span_at(last.end) == last  # just after a span's last character counts
    assert editor.span_at(last.start - 1) is None  # the space before it


def test_a_span_announced_twice_is_listed_once(qtbot):
    panel = SidePanel()
    qtbot.addWidget(panel)
    text = "Lumen hired Marina Costa in Porto"
    suggestion = Span(28, 33, "GPE", "model:m@1", None, 1)
    panel.show_spans(text, [suggestion], {"GPE": "#8fd18f"})
    new = Span(12, 24, "PERSON", "human", "ana", 2)
    panel.update_spans([], [new])
    panel.update_spans([], [new])  # the same edit heard again
    panel.flush()
    assert panel.span_model.spans() == [new, suggestion]
    assert panel.spans_title.text() == "Spans · 2 (1 suggested)"
    confirmed = suggestion._replace(annotator="ana", id=3)
    panel.update_spans([suggestion], [confirmed])
    panel.flush()
    assert panel.spans_title.text() == "Spans · 2 (0 suggested)"
    panel.select_span(3)
    assert panel.span_list.currentIndex().row() == 1


def test_the_span_index_finds_what_a_pass_over_every_span_finds():
    rng = random.Random(4)
    spans, pos = [], 0
    for i in range(500):
        pos += rng.randint(1, 6)
        length = rng.randint(1, 9)
        spans.append(Span(pos, pos + length, "ORG", "human", None, i))
        pos += length
    index = SpanIndex(reversed(spans))  # any order in
    assert list(index) == spans
    for lo in range(0, pos, 7):
        hi = lo + rng.randint(1, 30)
        assert index.overlapping(lo, hi) == [s for s in spans if s.start < hi and s.end > lo]
        inside = [s for s in spans if s.start <= lo <= s.end]
        expected = min(inside, key=lambda s: (lo == s.end, s.start)) if inside else None
        assert index.at(lo) == expected
    gone = index.remove(spans[10]._replace(label="any"))  # found by start and row id
    assert gone == spans[10] and spans[10] not in list(index)
    assert index.remove(spans[10]) is None
    index.add(gone._replace(label="GPE"))
    index.add(gone._replace(label="LOC"))  # the same row again replaces it
    assert [s.label for s in index if s.id == 10] == ["LOC"] and len(index) == 500
