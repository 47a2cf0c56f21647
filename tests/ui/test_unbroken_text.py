"""A long run with no break opportunity (base64, minified JSON, a URL list with no spaces) is
shown with zero-width breaks so Qt lays it out in linear time; everything that leaves the view
(offsets, selections, copies, search matches, painted spans) still counts the document's own
code points, emoji and all."""

from __future__ import annotations

import random

import pytest

from annotator.domain import Span
from annotator.ui.editor import AnnotationView
from annotator.ui.find_bar import FindBar
from annotator.ui.offsets import BREAK, LONG_RUN, STEP, OffsetMap, break_points

RUN = "x😀y" * 150 + "ab" * 300 + "🇫🇷" * 40 + "e\u0301" * 60 + "👩\u200d👩\u200d👧" * 30
TEXT = f"Intro 🌀 text\n{RUN} Lisbon ends it.\nLast line " + "q" * (LONG_RUN + 40)


def reference(text: str, breaks: list[int]) -> tuple[list[int], dict[int, int]]:
    """Built character by character: each offset's position in the shown text (UTF-16, breaks
    included), and the offset each shown position reads back as."""
    at, back, units, marked = [], {}, 0, set(breaks)
    for i, ch in enumerate(text):
        if i in marked:
            back[units] = i
            units += 1
        at.append(units)
        back[units] = i
        if ord(ch) > 0xFFFF:
            back[units + 1] = i  # inside a surrogate pair: the character's start
            units += 2
        else:
            units += 1
    at.append(units)
    back[units] = len(text)
    return at, back


@pytest.mark.parametrize("seed", range(40))
def test_the_offset_map_with_breaks_matches_a_character_by_character_count(seed):
    rng = random.Random(seed)
    pieces = ["ab", "😀", "🇫", "🇷", "\u0301", "\u200d", "👩", "🏽", "क", "\u094d", "\ufe0f", " "]
    text = "".join(rng.choice(pieces) if rng.random() < 0.3 else "ab"
                   for _ in range(rng.randint(0, 900)))
    breaks = break_points(text)
    omap = OffsetMap(text, breaks)
    shown = omap.shown(text)
    at, back = reference(text, breaks)
    assert shown.replace(BREAK, "") == text
    assert len(shown.encode("utf-16-le")) // 2 == at[-1]
    assert [omap.to_qt(cp) for cp in range(len(text) + 1)] == at
    assert [omap.from_qt(u) for u in range(at[-1] + 1)] == [back[u] for u in range(at[-1] + 1)]


def test_breaks_go_only_into_long_runs_and_never_split_a_character():
    assert break_points("word " * 10_000) == []
    assert break_points("a" * LONG_RUN) == []
    breaks = break_points(TEXT)
    assert breaks and all(not TEXT[p - 1].isspace() and not TEXT[p].isspace() for p in breaks)
    for p in breaks:  # never inside a flag, before a combining accent, or around a joiner
        assert TEXT[p] not in "\u0301\u200d" and TEXT[p - 1] != "\u200d"
        assert not ("🇦" <= TEXT[p - 1] <= "🇿" and "🇦" <= TEXT[p] <= "🇿"
                    and TEXT[:p].count("🇫") > TEXT[:p].count("🇷"))
    gaps = [b - a for a, b in zip(breaks, breaks[1:], strict=False)
            if not any(c.isspace() for c in TEXT[a:b])]  # within one run
    assert max(gaps) <= 2 * STEP


@pytest.fixture
def view(qtbot):
    view = AnnotationView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    return view


def test_a_long_run_is_laid_out_with_break_opportunities(view):
    """Without breaks Qt's layout of a run is quadratic (2 MB: minutes); the view's text has a
    break every few code points in the run, while the document's text is unchanged."""
    view.show_document(TEXT, [], [])
    shown = view.document().toPlainText()
    run_start = shown.index("x😀y")
    pieces = shown[run_start:shown.index(" Lisbon")].split(BREAK)
    assert len(pieces) > 10 and max(len(p) for p in pieces) <= 2 * 2 * STEP  # UTF-16 units
    assert view.text() == TEXT


def test_selections_copies_and_positions_use_the_documents_code_points(view):
    view.show_document(TEXT, [], [])
    breaks = break_points(TEXT)
    ranges = [(p - 3, p + 5) for p in breaks[::7]] + [(breaks[0] - 1, breaks[9] + 1),
                                                      (TEXT.index("Lisbon"), len(TEXT))]
    for start, end in ranges:
        view.select_range(start, end)
        assert view.selection_range() == (start, end)
        assert view.createMimeDataFromSelection().text() == TEXT[start:end]  # what Ctrl+C copies
        selected = view.textCursor().selectedText().replace(BREAK, "")
        assert selected.replace("\u2029", "\n") == TEXT[start:end]
    lisbon = TEXT.index("Lisbon")
    assert view.offset_at(view.point_of(lisbon)) == lisbon
    for p in breaks[::11]:
        assert view.offset_at(view.point_of(p)) == p


def test_search_finds_text_across_a_break_and_selects_it(view):
    view.show_document(TEXT, [], [])
    bar = FindBar(view)
    p = break_points(TEXT)[3]
    query = TEXT[p - 4:p + 4]
    bar.open_bar()
    bar.field.setText(query)
    assert bar.matches and all(TEXT[s:e].lower() == query.lower() for s, e in bar.matches)
    start, end = view.selection_range()
    assert (start, end) in bar.matches
    assert view.createMimeDataFromSelection().text() == query


def test_a_span_after_a_long_run_is_painted_on_its_word(view):
    lisbon = TEXT.index("Lisbon")
    span = Span(lisbon, lisbon + len("Lisbon"), "GPE", "human", 1)
    view.set_label_colours({"GPE": "#2e7d32"}, {})
    view.show_document(TEXT, [span], [])
    view.select_range(lisbon, lisbon)
    assert view.span_at(lisbon + 2) == span
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    inside = view.point_of(lisbon + 2)
    after = view.point_of(lisbon + len("Lisbon"))  # the space after it
    base = view.palette().color(view.viewport().backgroundRole()).rgb()
    assert image.pixelColor(inside.x() - 2, inside.y()).rgb() != base
    assert image.pixelColor(after.x() + 1, after.y()).rgb() == base
