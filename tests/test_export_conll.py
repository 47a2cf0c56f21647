"""Every line the CoNLL writer emits is valid IOB2 (issue 9, point 12).

Valid means what :func:`annotator.io.conll.validate_conll` checks (the layout in
``annotator/io/conll.py``): ``TOKEN TAG`` with exactly one space, no whitespace tokens, no sentence
starting with ``I-``. What the layout cannot hold is reported, never written.
"""

from __future__ import annotations

import re

import pytest
import regex
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.cli import main
from annotator.domain import Document, NewDocument, Span, Status
from annotator.io.alignment import NOT_ON_TOKENS
from annotator.io.conll import (
    CROSSES_LINE,
    DOCSTART,
    LABEL_WHITESPACE,
    OVERLAPS,
    TOKEN_DOCSTART,
    TOKEN_WHITESPACE,
    conll_writer,
    validate_conll,
)
from annotator.io.export import Item
from annotator.nlp.tokens import make_tokenizer

TOKENIZE = make_tokenizer()
WORDS = ["Obama", "Rio", "Tinto", "Zoë", "U.S.", "can't", "Japan’s", "€5m.", "👩‍👩‍👧", "New",
         "York-based", "x\u200by", "-DOCSTART-", "B-ORG", "42", "O"]
GAPS = [" ", " ", " ", "  ", "\n", "\n\n", "\t", "\xa0", " \n ", "", "\u2028", "\r\n", "\x0b"]
PUNCT = ["", "", ",", ".", "(", "“", "'s"]
LABELS = ["ORG", "PERSON", "NEW ORG", "A\tB", "X\n", "I-X", "GPE"]


def read_conll(data: str) -> list[list[list[tuple[str, str]]]]:
    """Documents -> sentences -> (word, tag), the way a column reader sees the file."""
    docs: list = []
    for line in data.split("\n"):
        if line == DOCSTART:
            docs.append([[]])
        elif line == "":
            if docs and docs[-1][-1]:
                docs[-1].append([])
        else:
            word, tag = line.split(" ")
            docs[-1][-1].append((word, tag))
    return [[s for s in doc if s] for doc in docs]


def entities(sentences: list[list[tuple[str, str]]]) -> list[tuple[str, list[str]]]:
    found = []
    for sentence in sentences:
        for word, tag in sentence:
            if tag.startswith("B-"):
                found.append((tag[2:], [word]))
            elif tag.startswith("I-"):
                found[-1][1].append(word)
    return found


def write_one(text: str, spans: list[Span], tokenize=TOKENIZE) -> tuple[str, list]:
    reported: list = []
    doc = Document(1, text, "h", "t.txt", {}, Status.ACCEPTED)
    return conll_writer(tokenize, reported.append)(Item(doc, spans, [])), reported


# -- the validator -----------------------------------------------------------------------------


@pytest.mark.parametrize("data,error", [
    ("Rio O\n\n", "does not start with"),
    (f"{DOCSTART}\n\nRio B-NEW ORG\n\n", "3 columns"),
    (f"{DOCSTART}\n\nRio\tO\n\n", "whitespace other than one space"),
    (f"{DOCSTART}\n\nRio  O\n\n", "columns"),
    (f"{DOCSTART}\n\nNew B-GPE\n\nYork I-GPE\n\n", "does not continue a GPE entity"),
    (f"{DOCSTART}\n\nNew B-GPE\nYork I-ORG\n\n", "does not continue a ORG entity"),
    (f"{DOCSTART}\n\nRio X-ORG\n\n", "is not O, B-LABEL or I-LABEL"),
    (f"{DOCSTART}\n\nRio O\n\n\nTinto O\n\n", "two blank lines"),
    (f"{DOCSTART}\nRio O\n\n", "no blank line after -DOCSTART-"),
    (f"{DOCSTART}\n\nRio O\n", "not ended by a blank line"),
    (f"{DOCSTART}\n\nRio O\n\n-DOCSTART- O\n\n", "reads as -DOCSTART-"),
    (f"{DOCSTART}\n\n\u2028 O\n\n", "whitespace other than one space"),
])
def test_the_validator_names_each_kind_of_bad_line(data, error):
    errors = validate_conll(data)
    assert errors and any(error in e for e in errors), errors


def test_the_validator_accepts_the_documented_layout():
    assert validate_conll(f"{DOCSTART}\n\nNew B-GPE\nYork I-GPE\n. O\n\nBy O\n\n{DOCSTART}\n\n"
                          ) == []


# -- the writer, over random texts and spans ---------------------------------------------------


@st.composite
def documents(draw) -> tuple[str, list[Span]]:
    pieces = draw(st.lists(st.tuples(st.sampled_from(PUNCT), st.sampled_from(WORDS),
                                     st.sampled_from(PUNCT), st.sampled_from(GAPS)),
                           min_size=1, max_size=12))
    text = draw(st.sampled_from(["", " ", "\n"])) + "".join(a + w + b + g
                                                           for a, w, b, g in pieces)
    spans = [Span(min(a, b), max(a, b), draw(st.sampled_from(LABELS)))
             for a, b in draw(st.lists(st.tuples(st.integers(0, len(text)),
                                                 st.integers(0, len(text))), max_size=6))
             if a != b]
    return text, spans


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_line_is_valid_iob2_and_every_span_is_written_whole_or_reported(doc):
    """Random texts with double spaces, tabs, line breaks, CR, vertical tabs, no-break and line
    separators; random (even overlapping) spans with labels that hold whitespace."""
    text, spans = doc
    data, reported = write_one(text, spans)
    assert validate_conll(data) == []
    [sentences] = read_conll(data)
    assert [[w for w, _ in s] for s in sentences] == expected_sentences(text)
    written = entities(sentences)
    span_problems = [p for p in reported if p.kind == "entity"]
    assert len(written) + len(span_problems) == len(spans)
    assert all(p.text.startswith("-DOCSTART-") and p.reason == TOKEN_DOCSTART
               for p in reported if p.kind == "token")
    for problem in span_problems:
        if problem.reason == LABEL_WHITESPACE:
            assert any(ch.isspace() for ch in problem.label)
        elif problem.reason == CROSSES_LINE:
            assert "\n" in problem.text
        elif problem.reason == OVERLAPS:
            assert any(s.start < problem.end and problem.start < s.end and
                       (s.start, s.end) != (problem.start, problem.end) for s in spans) or (
                [(s.start, s.end) for s in spans].count((problem.start, problem.end)) > 1)
    left_out = [(p.start, p.end, p.label) for p in span_problems]
    exported = list(spans)
    for key in left_out:
        exported.remove(next(s for s in exported if (s.start, s.end, s.label) == key))
    tokens = cluster_tokens(text)
    assert sorted(written) == sorted(
        (s.label, [text[a:b] for a, b in tokens if a >= s.start and b <= s.end
                   and not text[a:b].isspace()]) for s in exported)


def expected_sentences(text: str) -> list[list[str]]:
    """The tokenizer's words, a sentence per line of text; no whitespace token; a sentence with
    a word that reads as -DOCSTART- is left out (and reported)."""
    sentences: list[list[str]] = [[]]
    for word in cluster_words(text):
        if word.isspace():
            if "\n" in word and sentences[-1]:
                sentences.append([])
        else:
            sentences[-1].append(word)
    return [s for s in sentences if s and not any(w.startswith("-DOCSTART-") for w in s)]


def cluster_tokens(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the tokenizer's tokens, those that meet inside a grapheme cluster
    (by the ``regex`` package's ``\\X`` over the whole text) joined, as the writer joins them:
    spaCy cuts a ZWJ family into five tokens, two of them a lone joiner."""
    bounds = {0} | {m.end() for m in regex.finditer(r"\X", text)}
    words: list[tuple[int, int]] = []
    for token in TOKENIZE(text):
        start, end = token["start"], token["end"]
        if (words and words[-1][1] == start and start not in bounds
                and not any(ch.isspace() for ch in text[words[-1][0]:end])):
            words[-1] = (words[-1][0], end)
        else:
            words.append((start, end))
    return words


def cluster_words(text: str) -> list[str]:
    return [text[a:b] for a, b in cluster_tokens(text)]


def test_an_emoji_sequence_is_one_conll_token_and_a_span_inside_it_is_reported():
    """Tester's defect 1: no stray ZWJ lines, and no entity tag on a piece of an emoji."""
    family = "👨\u200d👩\u200d👧"
    text = f"{family}Apple Inc. said 🇺🇸 and 👩🏽\u200d💻 Sundar"
    half = Span(text.index("👧"), text.index(" said"), "ORG")  # "👧Apple Inc.": stored before
    data, reported = write_one(text, [half, Span(text.index("Sundar"), len(text), "PERSON")])
    [sentences] = read_conll(data)
    assert [w for w, _ in sentences[0]] == [family, "Apple", "Inc.", "said", "🇺🇸", "and",
                                             "👩🏽\u200d💻", "Sundar"]
    assert entities(sentences) == [("PERSON", ["Sundar"])]
    assert [(p.text, p.reason) for p in reported] == [("👧Apple Inc.", NOT_ON_TOKENS)]


def split_on_spaces(text: str) -> list[dict]:
    """A tokenizer that is not spaCy's: splits on spaces and line breaks only, so a tab or a
    no-break space stays inside a token."""
    return [{"text": m.group(), "start": m.start(), "end": m.end(), "id": i, "ws": False}
            for i, m in enumerate(re.finditer(r"[^ \n]+|\n+", text))]


@settings(max_examples=200, deadline=None)
@given(documents())
def test_tokens_a_column_cannot_hold_leave_out_their_sentence_and_are_reported(doc):
    text, spans = doc
    data, reported = write_one(text, spans, split_on_spaces)
    assert validate_conll(data) == []
    bad_tokens = [p for p in reported if p.kind == "token"]
    for problem in bad_tokens:
        assert problem.reason in (TOKEN_WHITESPACE, TOKEN_DOCSTART)
        assert f"\n{problem.text} " not in data


# -- through a real project and the CLI --------------------------------------------------------


TEXT = "Zoë Müller joined Rio Tinto  in New\nYork.\n\nBy\tAli\xa0Khan "


@pytest.fixture
def project(store):
    # A project made before label names were checked can hold a name with a space; the export
    # must still report it, not write it. Today's store refuses to make one, so write it raw.
    with store.transaction() as conn:
        conn.execute("INSERT INTO labels (kind, name, colour, key, position) "
                     "VALUES ('entity', 'NEW ORG', '#ff0000', '', 99)")
    ids = store.documents.add([NewDocument(TEXT, "a.txt"),
                               NewDocument("BHP cut jobs.", "b.txt")]).added
    for word, label in [("Zoë Müller", "PERSON"), ("Rio Tinto", "NEW ORG"), ("New\nYork", "GPE"),
                        ("Ali\xa0Khan", "PERSON")]:
        start = TEXT.index(word)
        store.spans.add(ids[0], Span(start, start + len(word), label))
    store.spans.add(ids[1], Span(0, 3, "ORG"))
    for doc_id in ids:
        store.documents.set_status(doc_id, Status.ACCEPTED, "maria")
    return ids


def export(store, out, *extra: str):
    return CliRunner().invoke(main, ["export", "--db", str(store.path), "--format", "conll",
                                     "--out", str(out), *extra])


def test_a_label_with_a_space_and_an_entity_across_a_line_break_are_reported(project, store,
                                                                             tmp_path):
    out = tmp_path / "ner.conll"
    result = export(store, out)
    assert result.exit_code == 1
    assert ("misaligned: document 1: entity NEW ORG 18-27 'Rio Tinto' has a label with "
            "whitespace, which a CoNLL column cannot hold") in result.stderr
    assert ("misaligned: document 1: entity GPE 32-40 'New\\nYork' crosses a line break (a "
            "sentence boundary in CoNLL)") in result.stderr
    assert not out.exists()


def test_skip_misaligned_writes_valid_iob2_without_them(project, store, tmp_path):
    out = tmp_path / "ner.conll"
    result = export(store, out, "--skip-misaligned")
    assert result.exit_code == 0, result.output
    data = out.read_text(encoding="utf-8")
    assert validate_conll(data) == []
    assert data == (
        f"{DOCSTART}\n\n"
        "Zoë B-PERSON\nMüller I-PERSON\njoined O\nRio O\nTinto O\nin O\nNew O\n\n"
        "York O\n. O\n\n"
        "By O\nAli B-PERSON\nKhan I-PERSON\n\n"  # the tab and the no-break space are not tokens
        f"{DOCSTART}\n\nBHP B-ORG\ncut O\njobs O\n. O\n\n")


def test_spacys_own_converter_reads_the_export_back_document_for_document(project, store,
                                                                         tmp_path):
    """``spacy convert --converter ner`` on our file gives one Doc per document, with the
    entities we wrote (the old ``-DOCSTART- -X- -X- O`` line became a word to it)."""
    from spacy.training.converters import conll_ner_to_docs

    out = tmp_path / "ner.conll"
    assert export(store, out, "--skip-misaligned").exit_code == 0
    docs = list(conll_ner_to_docs(out.read_text(encoding="utf-8"), no_print=True))
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [
        [("Zoë Müller", "PERSON"), ("Ali Khan", "PERSON")], [("BHP", "ORG")]]
    assert [t.text for t in docs[0]][:3] == ["Zoë", "Müller", "joined"]
