"""Snapping: a span the window makes starts and ends on a word token (no whitespace, edge
punctuation, emoji or clitic) and stays inside one block, so every one exports to spaCy; only an
Alt-drag keeps exact characters. Driven through the session on a real project file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.session import Session
from annotator.core.tokens import TokenGrid, is_word, trim_to_word
from annotator.domain import NewDocument, Status
from annotator.nlp.docbin import read_docbin

TEXT = ("Japan’s Ministry of Finance said on Monday\n"
        "Talks resume in  Geneva with “Rio Tinto” (Reuters) and the workers’ union.\n\n"
        "Prices rose 5% to $5bn 🔥 in the U.S. 🇫🇷 on Tuesday")


class Recorder:
    """A view that writes down what the session tells it."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        return lambda *args: self.calls.append((name, *args))

    def said(self) -> list[str]:
        return [c[1] for c in self.calls if c[0] == "show_message"]


@pytest.fixture
def view():
    return Recorder()


@pytest.fixture
def session(store, view) -> Session:
    store.documents.add([NewDocument(text=TEXT, source="a.txt")])
    s = Session(store, annotator="tester", view=view)
    s.open_document(1)
    return s


def at(word: str, after: str = "") -> int:
    return TEXT.index(word, TEXT.index(after) if after else 0)


def stored(store) -> list[str]:
    return [TEXT[s.start:s.end] for s in store.spans.of(1)]


# -- the four reported cases -------------------------------------------------------------------


def test_a_double_clicked_word_with_a_possessive_clitic_stores_the_word(session, store):
    """Qt's double-click word is "Japan’s"; the span is "Japan" (spaCy: "Japan" + "’s")."""
    [span] = session.label_range(0, len("Japan’s"), "GPE")
    assert TEXT[span.start:span.end] == "Japan"
    assert stored(store) == ["Japan"]


def test_a_drag_that_ends_at_a_line_end_stops_before_the_line_break(session, store, view):
    on = at("on Monday")
    [span] = session.label_range(on, TEXT.index("\n") + 1, "DATE")
    assert TEXT[span.start:span.end] == "on Monday"
    assert view.said() == []  # nothing of the next line was selected: nothing to say


def test_a_selection_starting_in_a_double_space_starts_at_the_next_word(session, store):
    geneva = at("Geneva")
    [span] = session.label_range(geneva - 1, geneva + len("Geneva"), "GPE")
    assert TEXT[span.start:span.end] == "Geneva"
    [span] = session.label_range(geneva - 2, geneva + 2, "GPE")  # both spaces: still "Geneva"
    assert TEXT[span.start:span.end] == "Geneva"


def test_growing_a_span_at_a_line_end_stays_on_its_line_and_says_why(session, store, view):
    on = at("on Monday")
    [span] = session.label_range(on, on + len("on Monday"), "DATE")
    assert session.resize_span(span.id, "end", +1) == [span]
    assert stored(store) == ["on Monday"]
    assert "within one line" in view.said()[-1]
    assert len(session.undo_stack) == 1  # the refused grow is no edit


# -- the whole kind --------------------------------------------------------------------------


@pytest.mark.parametrize(("selected", "after", "expected"), [
    ("“Rio Tinto”", "", "Rio Tinto"),  # curly quotes at both edges
    ("(Reuters)", "", "Reuters"),  # brackets
    ("workers’ union.", "", "workers’ union"),  # the possessive apostrophe inside stays
    ("workers’", "", "workers"),  # a bare possessive apostrophe at the end
    ("5% to $5bn 🔥", "", "5% to $5bn"),  # a quantity's signs stay, an emoji at the edge goes
    ("🇫🇷 on Tuesday", "", "on Tuesday"),  # a flag at the start goes
    ("U.S. ", "", "U.S."),  # a token's own full stop stays (it is one token)
    ("ance said", "Finance", "Finance said"),  # part of a word widens to the whole word
])
def test_a_selection_snaps_to_word_tokens_at_both_edges(session, selected, after, expected):
    start = at(selected, after)
    [span] = session.label_range(start, start + len(selected), "ORG")
    assert TEXT[span.start:span.end] == expected


def test_a_selection_over_two_lines_keeps_the_line_with_most_of_it_and_says_so(session, view):
    talks = at("Talks")
    [span] = session.label_range(talks - 3, talks + len("Talks resume"), "ORG")  # "ay\nTalks.."
    assert TEXT[span.start:span.end] == "Talks resume"
    assert "within one line" in view.said()[-1]
    monday = at("Monday")
    [span] = session.label_range(monday, talks + 2, "DATE")  # "Monday\nTa": the first line
    assert TEXT[span.start:span.end] == "Monday"


def test_a_selection_without_a_word_makes_no_span(session, store, view):
    for piece in ("  ", "🔥", "(", "’s"):
        start = at(piece)
        assert session.label_range(start, start + len(piece), "ORG") == []
    assert store.spans.of(1) == []
    assert "Select a word first" in view.said()[-1]


def test_a_bare_cursor_labels_the_word_it_is_in_or_just_after(session, view):
    japan = at("Japan")
    [span] = session.label_range(japan + len("Japan"), japan + len("Japan"), "GPE")
    assert TEXT[span.start:span.end] == "Japan"
    rio = at("Rio")
    [span] = session.label_range(rio + 1, rio + 1, "ORG")
    assert TEXT[span.start:span.end] == "Rio"
    assert session.label_range(at("  ") + 1, at("  ") + 1, "ORG") == []  # inside a double space


def test_an_alt_drag_keeps_exact_characters(session, store):
    geneva = at("Geneva")
    [span] = session.label_range(geneva - 1, geneva + 3, "GPE", snap=False)
    assert (span.start, span.end) == (geneva - 1, geneva + 3)
    [span] = session.label_range(0, len("Japan’s"), "GPE", snap=False)
    assert TEXT[span.start:span.end] == "Japan’s"


def test_growing_and_shrinking_moves_by_word_tokens_within_the_line(session, store):
    rio = at("Rio")
    [span] = session.label_range(rio, rio + 3, "ORG")
    [span] = session.resize_span(span.id, "end", +1)
    assert TEXT[span.start:span.end] == "Rio Tinto"
    [span] = session.resize_span(span.id, "end", +1)  # past the quote and the bracket
    assert TEXT[span.start:span.end] == "Rio Tinto” (Reuters"
    [span] = session.resize_span(span.id, "end", -1)
    assert TEXT[span.start:span.end] == "Rio Tinto"
    [span] = session.resize_span(span.id, "start", +1)  # over the opening quote to "with"
    assert TEXT[span.start:span.end] == "with “Rio Tinto"
    [span] = session.resize_span(span.id, "start", -1)
    assert TEXT[span.start:span.end] == "Rio Tinto"
    talks = at("Talks")
    [span] = session.label_range(talks, talks + 5, "ORG")
    assert session.resize_span(span.id, "start", +1) == [span]  # the line before is another block
    [span] = session.resize_span(span.id, "end", -1)  # a one-word span does not shrink away
    assert TEXT[span.start:span.end] == "Talks"


def test_spans_the_window_made_pass_the_spacy_exports_strict_alignment(session, store, tmp_path):
    """The four reported cases, exported with ``export --format spacy`` (which stops on a span
    that does not align), come back as exactly the snapped words."""
    session.label_range(0, len("Japan’s"), "GPE")
    session.label_range(at("on Monday"), TEXT.index("\n") + 1, "DATE")
    session.label_range(at("Geneva") - 1, at("Geneva") + len("Geneva"), "GPE")
    [tuesday] = session.label_range(at("Tuesday"), at("Tuesday") + 3, "DATE")
    session.resize_span(tuesday.id, "end", +1)
    store.documents.set_status(1, Status.ACCEPTED, "tester")
    out = tmp_path / "corpus"
    result = CliRunner().invoke(main, ["export", "--db", str(store.path), "--format", "spacy",
                                       "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [doc] = read_docbin(out / "corpus.spacy")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Japan", "GPE"), ("on Monday", "DATE"), ("Geneva", "GPE"), ("Tuesday", "DATE")]


# -- the parts -------------------------------------------------------------------------------


@pytest.mark.parametrize(("token", "word"), [
    ("Japan", True), ("5", True), ("$", True), ("%", True), ("U.S.", True), ("O’Brien", True),
    ("’s", False), ("'S", False), ("’", False), ("s’", False), ("n’t", False), ("’ll", False),
    ("“", False), ("—", False), ("🔥", False), ("🇫", False), (" ", False), ("\n", False),
])
def test_which_tokens_may_edge_a_span(token, word):
    assert is_word(token) is word


@pytest.mark.parametrize(("text", "expected"), [
    ("Japan’s", "Japan"), ("JAMES’S", "JAMES"), ("workers’", "workers"), ("“Japan”", "Japan"),
    ("isn’t", "is"), ("O’Brien", "O’Brien"), ("  Geneva\n", "Geneva"), ("’s", "s"), ("…", ""),
])
def test_a_word_picked_without_a_tokenizer_loses_quotes_and_clitics(text, expected):
    start, end = trim_to_word(text, 0, len(text))
    assert text[start:end] == expected


def test_an_empty_text_has_no_tokens_to_snap_to():
    grid = TokenGrid("", "en")
    assert grid.snap(0, 0) is None and grid.token_at(0) is None
    assert grid.resized(0, 0, "end", +1) == (0, 0)


TAG_FLAG = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # Scotland


@pytest.mark.parametrize("before, word", [
    (TAG_FLAG, "Scotland"), ("\U0001f44d\U0001f3fd", "Emmanuel"), ("1\ufe0f\u20e3", "Apple"),
    ("#\ufe0f\u20e3", "Tag"), ("\u00a9\ufe0f", "Sony"), ("\U0001f1eb\U0001f1f7", "Paris"),
])
def test_a_persons_span_next_to_an_emoji_is_whole_clusters_on_spacy_tokens(before, word):
    """spaCy leaves emoji pieces glued to the word after them ("👍" + "🏽Emmanuel", a tag
    flag's "🏴" + tag characters and "Scotland"). A snapped selection, a bare cursor and a
    grown span never start inside a cluster (a tester saw such a span hold a flag's invisible
    tag characters, and the CoNLL export refuse it), and still start and end on spaCy tokens,
    so the spaCy export takes them too."""
    import spacy

    from annotator.domain import inside_cluster

    text = f"Fans {before}{word} cheered loudly"
    grid = TokenGrid(text, "en")
    doc = spacy.blank("en")(text)
    start = text.index(word)
    grown = grid.resized(*grid.snap(start + 1, start + 3), "end", +1)
    for found in (grid.snap(start + 1, start + 3), grid.snap(6, start + 2),
                  grid.token_at(start + 2), grown):
        assert found is not None and word in text[found[0]:found[1]]
        assert not inside_cluster(text, found[0]) and not inside_cluster(text, found[1])
        assert doc.char_span(*found) is not None  # on spaCy's tokens
