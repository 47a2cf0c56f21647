"""Property: whatever a person drags, clicks or grows (without Alt), every span the session stores
passes the spaCy export's strict alignment and starts and ends on a word: no whitespace, edge
punctuation, emoji or clitic, and no line break inside. Texts mix curly quotes, clitics, line
breaks, double spaces, emoji and stray characters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.session import Session
from annotator.domain import NewDocument, inside_cluster
from annotator.nlp.docbin import make_doc
from annotator.nlp.tokens import blank_pipeline
from annotator.store import Store, open_store

WORDS = ["Japan", "Zoë", "Müller", "Rio", "Tinto", "on", "Monday", "Geneva", "U.S.", "Inc.",
         "O’Brien", "5", "10,000", "$", "%", "Météo-France", "isn", "a", "s"]
MARKS = ["’s", "'s", "’S", "’", "'", "“", "”", "‘", '"', ",", ".", "(", ")", "—", "-", ":", "!",
         "n’t", "’ll", "…", "#"]
SPACES = [" ", " ", " ", " ", "  ", "\n", "\n\n", " \n", "\n ", "\t", "\u00a0"]
EMOJI = ["🌀", "🇫🇷", "👍🏽", "👩‍👩‍👧", "🔥", "❤️"]
PIECES = st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(MARKS),
                   st.sampled_from(SPACES), st.sampled_from(SPACES), st.sampled_from(EMOJI),
                   st.characters(exclude_categories=("Cs", "Cc")))
TEXTS = st.lists(PIECES, min_size=1, max_size=40).map("".join).filter(str.strip)
# What the spaCy export may not train on at a span's edge (its own attributes, not ours): a
# whitespace or punctuation token other than a percent sign, a clitic, a token without a letter
# or digit other than a currency or percent sign (emoji, flags).
PERCENT = {"%", "‰", "‱"}
CLITICS = {"'s", "'", "s'", "n't", "'ll", "'re", "'ve", "'d", "'m"}


@pytest.fixture(scope="module")
def new_project(tmp_path_factory) -> Callable[[], Store]:
    """A fresh real project file per example (so examples do not depend on one another)."""
    return lambda: open_store(Path(tmp_path_factory.mktemp("snap")) / "p.db")


def edge_problem(token) -> str | None:
    """Why a spaCy token may not start or end a span (``None``: it may)."""
    text = token.text
    if token.is_space:
        return "whitespace"
    if token.is_punct and text not in PERCENT:
        return "punctuation"
    if text.lower().replace("’", "'").replace("‘", "'") in CLITICS:
        return "clitic"
    if not (any(ch.isalnum() for ch in text) or token.is_currency or text in PERCENT):
        return "no letter or digit"
    return None


def check_learnable(text: str, spans) -> None:
    """Every span aligns strictly with the export's tokenizer and is edged by words."""
    nlp = blank_pipeline("en")
    doc, misaligned = make_doc(nlp, 1, text, spans, [])
    assert misaligned == []  # what export --format spacy refuses
    for span in spans:
        ent = doc.char_span(span.start, span.end, alignment_mode="strict")
        assert ent is not None, (text, span)
        assert not text[span.start].isspace() and not text[span.end - 1].isspace()
        assert "\n" not in text[span.start:span.end], (text, span)
        for edge, inner in ((ent[0], ent[1:2]), (ent[-1], ent[-2:-1])):
            if inner and glued(text, edge, inner[0]):
                continue  # an emoji that spaCy cut in two around the word's start or end
            assert edge_problem(edge) is None, (text, span, edge.text, edge_problem(edge))


def glued(text: str, edge, inner) -> bool:
    """Whether the edge token and its neighbour inside the span share a grapheme cluster
    ("👍" + "🏽Japan"): the span then starts (or ends) where the cluster does, holding the
    emoji, since no word token starts after it (see TokenGrid._visible)."""
    cut = max(edge.idx, inner.idx)
    return inside_cluster(text, cut)


def words_in(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` touches a token with a letter or digit that is no clitic."""
    doc = blank_pipeline("en").make_doc(text)
    return any(t.idx < end and start < t.idx + len(t) and edge_problem(t) is None for t in doc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, data=st.data())
def test_every_span_a_person_makes_exports_to_spacy(new_project, text, data):
    with new_project() as store:
        [doc_id] = store.documents.add([NewDocument(text=text, source="hyp.txt")]).added
        session = Session(store, annotator="hyp")
        session.open_document(doc_id)
        edit_at_random(session, data)


def edit_at_random(session: Session, data) -> None:
    """Up to six drags, cursor label keys and Shift+arrows, checking every span after each."""
    store, doc_id, text = session.store, session.doc.id, session.doc.text
    offsets = st.integers(0, len(text))
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        kind = data.draw(st.sampled_from(["drag", "drag", "cursor", "resize"]), label="kind")
        stored = store.spans.of(doc_id)
        if kind == "resize" and stored:
            span = data.draw(st.sampled_from(stored), label="span")
            side = data.draw(st.sampled_from(["start", "end"]), label="side")
            session.resize_span(span.id, side, data.draw(st.sampled_from([1, -1])))
        elif kind == "cursor":
            session.label_range(*[data.draw(offsets, label="cursor")] * 2, "ORG")
        else:
            a, b = data.draw(offsets, label="from"), data.draw(offsets, label="to")
            made = session.label_range(min(a, b), max(a, b), "GPE")
            if a != b and words_in(text, min(a, b), max(a, b)):
                assert made, (text, a, b)  # a drag over a word always labels something
                [span] = made
                assert span.start < max(a, b) and min(a, b) < span.end  # what was dragged over
        check_learnable(text, store.spans.of(doc_id))
