"""The bisecting span lookups agree with a plain scan on any non-overlapping, sorted spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core import span_list
from annotator.domain import HUMAN, Span, overlapping


@st.composite
def sorted_spans(draw) -> list[Span]:
    """Non-overlapping spans, sorted, with gaps and touching neighbours."""
    spans, pos = [], 0
    for _ in range(draw(st.integers(0, 25))):
        pos += draw(st.integers(0, 3))
        length = draw(st.integers(1, 5))
        spans.append(Span(pos, pos + length, draw(st.sampled_from("AB")), HUMAN, None,
                          len(spans) + 1))
        pos += length
    return spans


@settings(max_examples=300, deadline=None)
@given(sorted_spans(), st.integers(0, 120), st.integers(1, 10))
def test_overlapping_sorted_is_the_scan(spans, start, length):
    assert span_list.overlapping_sorted(spans, start, start + length) == \
        overlapping(spans, start, start + length)


@settings(max_examples=300, deadline=None)
@given(sorted_spans(), st.integers(0, 120))
def test_touching_is_the_scan(spans, offset):
    assert span_list.touching(spans, offset) == \
        [s for s in spans if s.start <= offset <= s.end]


@settings(max_examples=300, deadline=None)
@given(sorted_spans(), st.integers(0, 120), st.integers(1, 6))
def test_find_is_the_scan(spans, start, length):
    found = [s for s in spans if (s.start, s.end) == (start, start + length)]
    assert span_list.find(spans, start, start + length) == (found[0] if found else None)


@settings(max_examples=300, deadline=None)
@given(sorted_spans(), st.data())
def test_replaced_keeps_the_list_sorted_and_reports_what_went(spans, data):
    gone = data.draw(st.lists(st.sampled_from(spans), unique=True)) if spans else []
    # as an edit names them: without row ids, and one that is not there at all
    named = [s._replace(id=None) for s in gone] + [Span(500, 501, "A")]
    rest = [s for s in spans if s not in gone]
    added = [Span(600 + i, 601 + i, "B", HUMAN, None, 900 + i) for i in range(2)]
    original = list(spans)
    new, removed = span_list.replaced(spans, named, added)
    assert new == sorted(rest + added, key=lambda s: (s.start, s.end))
    assert sorted(removed) == sorted(gone)
    assert spans == original  # the caller's list is left as it was


def test_replaced_matches_everything_but_the_row_id():
    """A span whose label differs from the edit's copy is not the one the edit removes."""
    spans = [Span(0, 3, "A", HUMAN, None, 1)]
    new, removed = span_list.replaced(spans, [Span(0, 3, "B")], [])
    assert (new, removed) == (spans, [])
