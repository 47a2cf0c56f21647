"""The grapheme-cluster helpers of :mod:`annotator.domain` that every span edge not chosen by a
person goes through (model suggestions: :func:`word_range`; an Alt-drag: :func:`visible_range`).
The reference for where clusters are is the ``regex`` package's ``\\X`` over the whole text."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain import (
    grapheme_clusters,
    inside_cluster,
    may_join,
    searched_word_range,
    snap_to_clusters,
    visible_range,
    word_range,
)

FAMILY = "👨\u200d👩\u200d👧"
PIECES = ["Apple", "Inc.", "Zoë", "e\u0301", "U.S.", "€5", "5%", " ", "  ", "\u200b", "\u200d",
          "\ufe0f", "\u0301", "👍", "🏽", "👍🏽", FAMILY, "👨", "🇺", "🇸", "🇫🇷", "❤\ufe0f", ".",
          ",", "“", "”", "-", "\n", "x"]
EMOJI_PART = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}"
                           r"\p{Emoji_Modifier}]")
HIDDEN = regex.compile(r"[\s\u200b\u200d\ufe0f]")  # what shows nothing in PIECES


def bounds(text: str) -> set[int]:
    return {0} | {m.end() for m in regex.finditer(r"\X", text)}


texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


@st.composite
def text_and_range(draw) -> tuple[str, int, int]:
    text = draw(texts)
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(0, len(text)))
    return text, min(a, b), max(a, b)


@settings(max_examples=400, deadline=None)
@given(text_and_range())
def test_word_range_lies_on_clusters_and_keeps_only_words_and_their_marks(case):
    text, start, end = case
    found = word_range(text, start, end)
    if found is None:
        return
    lo, hi = found
    wide_lo, wide_hi = snap_to_clusters(text, start, end)
    assert wide_lo <= lo < hi <= wide_hi  # only ever trimmed from the whole clusters touched
    assert {lo, hi} <= bounds(text)
    piece = text[lo:hi]
    assert not piece[0].isspace() and not piece[-1].isspace()
    first = next(m.group() for m in regex.finditer(r"\X", piece))
    last = [m.group() for m in regex.finditer(r"\X", piece)][-1]
    for edge in (first, last):  # an emoji only as part of a letter's cluster ("e" + skin tone)
        assert not EMOJI_PART.search(edge) or any(ch.isalnum() or ch in "€%" for ch in edge)
    assert any(ch.isalnum() or ch in "€%" for ch in piece)
    assert word_range(text, lo, hi) == (lo, hi)  # already clean: unchanged


@settings(max_examples=400, deadline=None)
@given(text_and_range())
def test_visible_range_lies_on_clusters_without_invisible_edges(case):
    text, start, end = case
    lo, hi = visible_range(text, start, end)
    wide_lo, wide_hi = snap_to_clusters(text, start, end)
    if lo == hi:  # only invisible clusters (or marks on spaces) were selected
        for m in regex.finditer(r"\X", text[wide_lo:wide_hi]):
            assert m.group()[0].isspace() or not HIDDEN.sub("", m.group())
        return
    assert wide_lo <= lo < hi <= wide_hi
    assert {lo, hi} <= bounds(text)
    clusters = [m.group() for m in regex.finditer(r"\X", text[lo:hi])]
    for edge in (clusters[0], clusters[-1]):
        assert HIDDEN.sub("", edge) and not edge[0].isspace()
    assert visible_range(text, lo, hi) == (lo, hi)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(0, 400), st.sampled_from(["word ", "x", "é", "\n"]))
def test_clusters_far_into_a_long_line_are_the_ones_of_the_whole_text(text, pad, unit):
    """Clusters are found from a little before the range, not from the start of its line."""
    start = len(unit) * pad
    text = unit * pad + text
    clusters = grapheme_clusters(text, start, len(text))
    reference = [m.span() for m in regex.finditer(r"\X", text) if m.end() > start]
    assert clusters == reference


def test_the_testers_examples():
    cases = {
        (FAMILY + " Apple Inc. said", 4, 16): "Apple Inc.",  # starts on the girl of the family
        (FAMILY + "Apple Inc. said", 4, 15): "Apple Inc.",
        ("Barack Obama" + FAMILY + " met", 0, 13): "Barack Obama",  # ends on the man
        ("Emmanuel Macron🇫🇷 in", 0, 16): "Emmanuel Macron",  # ends on half a flag
        ("costs €5 now", 6, 8): "€5",  # a currency sign is part of the amount
        ("Apple Inc. 👍🏽.", 0, 14): "Apple Inc.",  # a full stop after an emoji goes with it
    }
    for (text, start, end), expected in cases.items():
        lo, hi = word_range(text, start, end)
        assert text[lo:hi] == expected, text
    assert word_range("and 🇺🇸🇬🇧 and", 5, 6) is None  # half a flag: nothing word-like
    assert word_range("“ 👍 ”", 0, 5) is None


def test_an_exact_selection_keeps_whole_emoji_but_not_invisible_edges():
    text = "Fans 👍🏽 \u200bApple\u200b \u200d x"
    start, end = text.index("🏽"), text.index("x")  # from inside the thumb to the x
    lo, hi = visible_range(text, start, end)
    assert text[lo:hi] == "👍🏽 \u200bApple"
    lo, hi = visible_range(text, text.index("\u200b"), text.index("x"))
    assert text[lo:hi] == "Apple"
    space = text.index("\u200b")
    assert visible_range(text, space, space + 1) == (space, space)  # a zero-width space: nothing


@settings(max_examples=300, deadline=None)
@given(texts)
def test_inside_cluster_says_where_the_whole_text_clusters_do_not_break(text):
    """The cheap test the CoNLL writer runs at each token cut, against ``\\X``."""
    reference = bounds(text)
    assert [inside_cluster(text, i) for i in range(len(text) + 1)] == [
        i not in reference and i <= len(text) for i in range(len(text) + 1)]
    if not may_join(text):
        assert reference == set(range(len(text) + 1))


@settings(max_examples=400, deadline=None)
@given(text_and_range())
def test_word_ranges_shortcut_answers_as_the_search_of_every_cluster(case):
    """Most entities take the shortcut (a letter or digit at each edge, no cluster cut)."""
    text, start, end = case
    assert word_range(text, start, end) == searched_word_range(text, start, end)


def test_a_keycap_is_an_emoji_though_it_starts_with_a_digit():
    text = "1\ufe0f\u20e3Apple Inc. rose"
    assert word_range(text, 0, 9) == (3, 8)  # "Apple"
    assert word_range("#\ufe0f\u20e3 Tag", 0, 7) == (4, 7)
