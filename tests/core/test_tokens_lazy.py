"""The token grid tokenizes a piece at a time (a line, or a stretch of a long line cut after
whitespace), so the first label in a 2 MB document does not wait for the whole text to be
tokenized (a tester measured 1.7 s). Its answers must be the ones a tokenization of the whole
text gives: checked against that reference on generated texts, with pieces made tiny so that
every question crosses piece edges."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core import tokens as tokens_module
from annotator.core.tokens import TokenGrid, is_word
from annotator.domain import blocks, snap_to_clusters
from annotator.nlp.tokens import token_offsets


class WholeText:
    """The reference: every word token of the whole text at once, with its block."""

    def __init__(self, text: str):
        self.text = text
        pairs = [(s, e) for s, e in token_offsets(text, "en") if is_word(text[s:e])]
        starts = [b.start for b in blocks(text)]
        self.starts = [s for s, _ in pairs]
        self.ends = [e for _, e in pairs]
        self.blocks = [bisect_right(starts, s) - 1 for s, _ in pairs]

    def snap(self, start, end):
        start, end = min(start, end), max(start, end)
        first, stop = bisect_right(self.ends, start), bisect_left(self.starts, end)
        if first >= stop:
            return None
        chosen = {}
        for i in range(first, stop):
            inside = min(end, self.ends[i]) - max(start, self.starts[i])
            chosen[self.blocks[i]] = chosen.get(self.blocks[i], 0) + inside
        block = max(chosen, key=lambda b: (chosen[b], -b))
        kept = [i for i in range(first, stop) if self.blocks[i] == block]
        return snap_to_clusters(self.text, self.starts[kept[0]], self.ends[kept[-1]])

    def token_at(self, offset):
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset <= self.ends[i]:
            return snap_to_clusters(self.text, self.starts[i], self.ends[i])
        return None

    def resized(self, start, end, side, direction):
        same = lambda k, offset: "\n" not in self.text[min(self.starts[k], offset):  # noqa: E731
                                                      max(self.starts[k], offset)]
        if side == "end" and direction > 0:
            k = bisect_right(self.ends, end)
            if k < len(self.ends) and same(k, end - 1):
                end = self.ends[k]
        elif side == "end":
            k = bisect_left(self.ends, end) - 1
            end = self.ends[k] if k >= 0 and self.ends[k] > start else end
        elif direction > 0:
            k = bisect_left(self.starts, start) - 1
            if k >= 0 and same(k, start):
                start = self.starts[k]
        else:
            k = bisect_right(self.starts, start)
            start = self.starts[k] if k < len(self.starts) and self.starts[k] < end else start
        return snap_to_clusters(self.text, start, end)


WORDS = ["Serra", "Verde's", "5%", "$2.3bn", "J.P.", "Morgan", "(Reuters)", "—", "🇫🇷", "e-mail",
         "said", "“Rio", "Tinto”", "U.S.", "don't", "x"]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", "\t"]


@st.composite
def news_texts(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)),
                          min_size=1, max_size=60))
    return "".join(w + sep for w, sep in parts)


@pytest.fixture(autouse=True)
def tiny_pieces(monkeypatch):
    monkeypatch.setattr(tokens_module, "PIECE_CHARS", 12)


@settings(max_examples=60, deadline=None)
@given(text=news_texts(), data=st.data())
def test_every_answer_is_the_whole_texts(text, data):
    grid, whole = TokenGrid(text, "en"), WholeText(text)
    n = len(text)
    for _ in range(8):
        a = data.draw(st.integers(0, n))
        b = data.draw(st.integers(0, n))
        assert grid.snap(a, b) == whole.snap(a, b), (a, b)
        assert grid.token_at(a) == whole.token_at(a), a
    for span in [s for s in (whole.snap(a, b) for a, b in [(0, n), (n // 3, n // 2)]) if s]:
        for side in ("start", "end"):
            for direction in (1, -1):
                assert (grid.resized(*span, side, direction)
                        == whole.resized(*span, side, direction)), (span, side, direction)


def test_a_long_line_is_cut_after_whitespace_and_only_the_touched_pieces_are_tokenized():
    text = "Serra Verde halts mine " * 10 + "\nSecond line here"
    grid = TokenGrid(text, "en")
    assert grid.snap(0, 3) == (0, 5)
    pieces = grid.pieces()
    assert len(pieces) > 5 and all(text[p.end - 1].isspace() for p in pieces[:-2])
    assert sum(p.words is not None for p in pieces) == 1  # only the first piece was tokenized
    assert grid.resized(0, 5, "end", +1) == (0, 11)
    last_of_line = text.rindex("mine")
    assert grid.resized(last_of_line, last_of_line + 4, "end", +1) == (last_of_line,
                                                                        last_of_line + 4)


def test_a_run_without_whitespace_stays_one_piece():
    text = "x" * 40 + " word"
    grid = TokenGrid(text, "en")
    assert grid.snap(3, 5) == (0, 40)
    assert grid.pieces()[0].end == 41
