"""Plain-data rules: blocks, line endings, overlap resolution, section ranges."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain import (
    Section,
    Span,
    blocks,
    blocks_touching,
    newline_offset_mapper,
    non_overlapping,
    normalise_newlines,
    section_ranges,
    title_of,
)


def test_blocks_are_non_blank_lines_with_ranges():
    text = "Menu\n\n  \nHeadline here\nBody."
    assert [(b.index, text[b.start:b.end]) for b in blocks(text)] == [
        (0, "Menu"), (1, "Headline here"), (2, "Body.")]


def test_cursor_touches_its_block_and_selection_touches_all_it_spans():
    text = "one\ntwo\nthree"
    bl = blocks(text)
    assert [b.index for b in blocks_touching(bl, 5, 5)] == [1]
    assert [b.index for b in blocks_touching(bl, 2, 9)] == [0, 1, 2]


def test_offset_mapper_follows_crlf_normalisation():
    raw = "a\r\nbc\r\nd\re"
    norm = normalise_newlines(raw)
    assert norm == "a\nbc\nd\ne"
    mapper = newline_offset_mapper(raw)
    for raw_offset, char in [(0, "a"), (3, "b"), (4, "c"), (7, "d"), (9, "e")]:
        assert raw[raw_offset] == char and norm[mapper(raw_offset)] == char
    assert mapper(len(raw)) == len(norm)


def test_later_span_replaces_earlier_ones_it_overlaps():
    kept, dropped = non_overlapping([Span(0, 3, "A"), Span(5, 8, "B"), Span(2, 6, "C")])
    assert [(s.start, s.end, s.label) for s in kept] == [(2, 6, "C")]
    assert {s.label for s in dropped} == {"A", "B"}


def test_consecutive_blocks_with_one_label_form_one_section_range():
    secs = [Section(0, 0, 4, "boilerplate"), Section(1, 5, 9, "body"), Section(2, 10, 20, "body"),
            Section(4, 30, 35, "body")]
    assert section_ranges(secs) == [(0, 4, "boilerplate"), (5, 20, "body"), (30, 35, "body")]


def test_title_is_the_headline_not_the_menu_or_prompts():
    text = ("Home\nNews\nSubscribe from £1 a week\nSport > Football > Calder Vale FC\n"
            "Posted on 12 March 2025 by Priya Raman\n"
            "Late Okafor header sends Calder Vale into the play-off final\n"
            "Nine-man Vale hold on at Brookfield Park to book a Wembley date.\n")
    assert title_of(text) == "Late Okafor header sends Calder Vale into the play-off final"
    assert title_of("Short\nlines only") == "Short"


def test_counts_agree_with_their_noun():
    """One helper for every message that counts things: never "1 documents" or "2 span"."""
    from pathlib import Path

    from annotator.domain import count

    assert count(1, "document") == "1 document"
    assert count(0, "span") == "0 spans"
    assert count(2, "entity suggestion") == "2 entity suggestions"
    assert count(3, "entity", "entities") == "3 entities"
    assert count(1, "entity", "entities") == "1 entity"
    package = Path(__file__).resolve().parent.parent / "annotator"
    twins = [p.name for p in package.rglob("*.py") if "def _count(" in p.read_text("utf-8")]
    assert twins == [], "count it with annotator.domain.count, not a copy of it"


_HEADLINE_BITS = st.sampled_from(
    ["subscribe", "Sign in", "SIGN UP", "log in", "Login", "register", "Posted", "by", "By ",
     "written by", "cookie", "We use cookies", "menu", "skip to", "home", "Homes", "home_",
     "home1", "home-", "read more", "related", "©", "copyright", "Story", " | ", " > ", " » ",
     " · ", "ſubscribe", "_", "--", "#", " ", "\t", "é", "K", ".", ":"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_HEADLINE_BITS, st.text(max_size=4)), max_size=8).map("".join))
def test_headline_checks_by_string_methods_answer_as_the_expressions_do(line):
    """looks_like_headline asks a line of ASCII by string methods what the two regular
    expressions ask (separators between words; a prompt or byline at the start)."""
    from annotator.domain import _NOT_A_HEADLINE, _SEPARATORS, _has_separators, _is_prompt

    assert _has_separators(line) == (_SEPARATORS.search(line) is not None)
    assert _is_prompt(line) == (_NOT_A_HEADLINE.match(line) is not None)
