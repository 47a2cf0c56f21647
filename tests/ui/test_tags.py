"""Label tags stay readable: tags of neighbouring short spans are not drawn over each other, and
the tag of a span that ends a line is not cut off by the view's right edge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF

from annotator.domain import Span
from annotator.ui.editor import AnnotationView
from annotator.ui.tag_layout import GAP, UNDER, Slot, arrange

COLOURS = {"PERSON": "#5b8bd0", "GPE": "#8fd18f", "PRODUCT": "#f08a7a", "DATE": "#c9d17a"}


def test_tags_of_neighbours_move_apart_and_stay_under_their_spans():
    # "as Portugal counts": 12 px, then 60, then 45, tags 55 px wide
    slots = [Slot(0, 12, 55), Slot(17, 77, 30), Slot(82, 127, 55)]
    placed = arrange(slots, edge=1000)
    for (x, room), slot in zip(placed, slots, strict=True):
        assert room == slot.width  # room for all of them
        assert slot.left <= x <= max(slot.left, slot.right - UNDER)
    for (x, room), (nx, _) in zip(placed, placed[1:], strict=False):
        assert x + room + GAP <= nx


def test_a_tag_with_no_room_is_shortened_never_overlapped():
    slots = [Slot(i * 20, i * 20 + 14, 50) for i in range(6)]  # six two-letter words in a row
    placed = arrange(slots, edge=1000)
    for (x, room), (nx, _) in zip(placed, placed[1:], strict=False):
        assert x + max(room, 0) + GAP <= nx
    assert placed[-1][1] == 50  # the last one has all the room after it


def test_the_last_tag_moves_left_to_end_inside_the_edge():
    (x, room), = arrange([Slot(480, 495, 50)], edge=500)
    assert (x, room) == (450, 50)


@pytest.fixture
def view(qtbot):
    view = AnnotationView()
    qtbot.addWidget(view)
    view.resize(520, 300)
    view.set_label_colours(COLOURS, {})
    view.show()
    return view


def tag_boxes(view: AnnotationView) -> list[tuple[str, QRectF]]:
    """The tags painted, as (text, box in viewport pixels)."""
    view.viewport().repaint()
    boxes = []
    for block, top, rect in view.visible_blocks_rects():
        for part in view._placed.get(block.blockNumber(), {}).values():
            for _colour, point, text in part.tags:
                size = text.size()
                boxes.append((text.text(), QRectF(point.x() + rect.left(), point.y() + top,
                                                  size.width(), size.height())))
    return boxes


def spans_of(text: str, words: list[tuple[str, str, bool]]) -> list[Span]:
    spans, at = [], 0
    for i, (word, label, confirmed) in enumerate(words):
        at = text.index(word, at)
        spans.append(Span(at, at + len(word), label, "human" if confirmed else "model:m@1",
                          None, i + 1))
        at += len(word)
    return spans


def test_tags_of_adjacent_short_spans_do_not_overlap(view):
    text = "Lisbon and Porto too close to call; turnout highest since 2001 as Portugal counts"
    spans = spans_of(text, [("Porto", "PERSON", False), ("too", "PRODUCT", True),
                            ("since", "PRODUCT", True), ("2001", "DATE", False),
                            ("as", "PRODUCT", True), ("Portugal", "GPE", False)])
    view.show_document(text, spans, [])
    boxes = tag_boxes(view)
    assert len(boxes) == len(spans)
    for i, (_a, one) in enumerate(boxes):
        for _b, other in boxes[i + 1:]:
            assert not one.intersects(other), boxes
    view.grab().save("/tmp/view3-test-tags-adjacent.png")


def test_the_tag_of_a_span_ending_a_line_is_inside_the_view(view):
    text = "so it is as we go to it, " * 12
    view.show_document(text, [], [])
    block = view.document().firstBlock()
    line = block.layout().lineAt(0)
    end = line.textStart() + line.textLength()
    while not text[end - 1].isalpha():
        end -= 1
    start = end
    while text[start - 1].isalpha():
        start -= 1
    span = Span(start, end, "PERSON", "model:m@1", None, 1)
    view.show_document(text, [span], [])
    ((tag, box),) = tag_boxes(view)
    assert tag == "PERSON?"  # whole
    assert box.right() <= view.viewport().width()
    view.grab().save("/tmp/view3-test-tags-edge.png")


def test_the_spans_panel_paints_each_row_with_swatch_label_and_text(qtbot):
    """The panel's rows are painted by its own delegate (Qt's took 5 ms for 20 rows): the
    label's swatch, the label, the span's text, and the selected row in the highlight."""
    from annotator.ui.side_panel import SidePanel
    from annotator.ui.span_rows import PAD, SWATCH

    panel = SidePanel()
    qtbot.addWidget(panel)
    panel.resize(300, 400)
    panel.show()
    text = "Lumen hired Marina Costa in Porto"
    spans = [Span(0, 5, "ORG", "human", "ana", 1), Span(12, 24, "PERSON", "human", "ana", 2),
             Span(28, 33, "GPE", "model:m@1", None, 3)]
    panel.show_spans(text, spans, {"ORG": "#e69f00", "PERSON": "#0072b2", "GPE": "#009e73"})
    panel.select_span(2)
    view = panel.span_list
    image = view.viewport().grab().toImage()
    base = view.palette().color(view.viewport().backgroundRole()).rgb()
    highlight = view.palette().color(view.palette().ColorGroup.Inactive,
                                     view.palette().ColorRole.Highlight).rgb()
    for row in range(3):
        label_cell = view.visualRect(panel.span_model.index(row, 0))
        text_cell = view.visualRect(panel.span_model.index(row, 1))
        middle = label_cell.center().y()
        swatch = image.pixelColor(label_cell.left() + PAD + SWATCH // 2, middle)
        assert swatch.rgb() not in (base, highlight)  # the swatch is drawn
        ink = {image.pixel(x, middle) for x in range(text_cell.left(), text_cell.left() + 60)}
        background = highlight if row == 1 else base
        assert len(ink - {background}) > 3  # some text is drawn on the row's background
        assert image.pixel(text_cell.right() - 2, label_cell.top() + 1) in (
            background, view.palette().color(view.palette().ColorRole.Highlight).rgb())
