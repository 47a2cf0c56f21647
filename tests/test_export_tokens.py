"""Prodigy ``token_start``/``token_end`` are exactly the tokens inside a span (issue 9, point 10).

A span whose edges are not token edges, or are whitespace, has no such tokens: the export reports it
(like the spaCy export's Misaligned), writes no file unless ``--skip-misaligned``, and never emits
token indices that cover words outside the span.
"""

from __future__ import annotations

import json

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.cli import main
from annotator.domain import Document, NewDocument, Span, Status
from annotator.io.alignment import NOT_ON_TOKENS, WHITESPACE_EDGE
from annotator.io.export import Item
from annotator.io.formats import prodigy_writer
from annotator.nlp.tokens import make_tokenizer

TOKENIZE = make_tokenizer()

WORDS = ["Obama", "Rio", "Tinto", "Zoë", "U.S.", "can't", "Japan’s", "€5m.", "👩‍👩‍👧", "🔥",
         "New", "York-based", "x\u200by", "é", "42"]
GAPS = [" ", " ", " ", "  ", "\n", "\n\n", "\t", "\xa0", " \n ", "", "\u2028"]
PUNCT = ["", "", ",", ".", "(", ")", "“", "”", "'s", ":"]


@st.composite
def texts(draw) -> str:
    pieces = draw(st.lists(st.tuples(st.sampled_from(PUNCT), st.sampled_from(WORDS),
                                     st.sampled_from(PUNCT), st.sampled_from(GAPS)),
                           min_size=1, max_size=12))
    text = "".join(a + w + b + g for a, w, b, g in pieces)
    return draw(st.sampled_from(["", " ", "\n"])) + text


@st.composite
def spans_in(draw, text: str) -> list[Span]:
    """Random non-overlapping spans (the store allows no overlaps), edges anywhere."""
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=10))))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if start < end:
            spans.append(Span(start, end, draw(st.sampled_from(["PERSON", "ORG", "GPE"]))))
    return spans


def item_of(text: str, spans: list[Span], doc_id: int = 1) -> Item:
    doc = Document(doc_id, text, "hash", "t.txt", {}, Status.ACCEPTED)
    return Item(doc, spans, [])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_span_is_exported_with_exactly_its_tokens_or_reported(data):
    """Over random texts (double spaces, tabs, line breaks, no-break spaces, emoji, clitics) and
    random span edges: an exported span's tokens are exactly the tokens that overlap it, first and
    last on its edges; every other span is reported with the right reason, and none is both."""
    text = data.draw(texts())
    spans = data.draw(spans_in(text))
    reported: list = []
    [record] = list(prodigy_writer(TOKENIZE, reported.append)(item_of(text, spans)))
    tokens = record["tokens"]
    exported = {(s["start"], s["end"], s["label"]): s for s in record["spans"]}
    assert len(exported) + len(reported) == len(spans)
    for problem in reported:
        assert (problem.start, problem.end, problem.label) not in exported
        edge = text[problem.start].isspace() or text[problem.end - 1].isspace()
        assert problem.reason == (WHITESPACE_EDGE if edge else NOT_ON_TOKENS)
        assert problem.text == text[problem.start:problem.end]
    for span in spans:
        got = exported.get((span.start, span.end, span.label))
        if got is None:
            continue
        inside = [i for i, t in enumerate(tokens)
                  if t["start"] < span.end and t["end"] > span.start]
        assert list(range(got["token_start"], got["token_end"] + 1)) == inside
        assert tokens[got["token_start"]]["start"] == span.start
        assert tokens[got["token_end"]]["end"] == span.end
        assert not text[span.start].isspace() and not text[span.end - 1].isspace()


def test_a_span_that_is_on_token_edges_is_never_reported():
    text = "Rio Tinto's  chief met Zoë Müller in New\nYork."
    words = ["Rio Tinto", "Rio Tinto's", "Zoë Müller", "New\nYork", "York", "."]
    spans = []
    for word in words[:3] + words[4:]:
        start = text.index(word)
        spans.append(Span(start, start + len(word), "X"))
    reported: list = []
    for chosen in (spans[:1], spans[1:]):  # "Rio Tinto" and "Rio Tinto's" overlap
        [record] = list(prodigy_writer(TOKENIZE, reported.append)(item_of(text, chosen)))
        assert len(record["spans"]) == len(chosen)
    assert reported == []
    start = text.index("New")
    [record] = list(prodigy_writer(TOKENIZE, reported.append)(
        item_of(text, [Span(start, start + 8, "GPE")])))
    span = record["spans"][0]  # across a line break is fine for Prodigy: "\n" is a token
    assert [t["text"] for t in record["tokens"][span["token_start"]:span["token_end"] + 1]] == [
        "New", "\n", "York"]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def obama_project(store) -> list[int]:
    ids = store.documents.add([
        NewDocument("Obama was here.", "a.txt"),
        NewDocument("Rio Tinto cut 200 jobs  in Perth.", "b.txt"),
    ]).added
    store.spans.add(ids[0], Span(0, 6, "PERSON"))  # "Obama " (trailing space)
    store.spans.add(ids[1], Span(0, 9, "ORG"))
    store.spans.add(ids[1], Span(15, 17, "MONEY"))  # "00" cuts the token "200"
    store.spans.add(ids[1], Span(27, 32, "GPE"))
    for doc_id in ids:
        store.documents.set_status(doc_id, Status.ACCEPTED, "maria")
    return ids


def test_obama_with_a_trailing_space_is_reported_and_no_file_replaces_the_old_one(store,
                                                                                   tmp_path):
    """The issue's example, through a real project and the real CLI."""
    obama_project(store)
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    result = run("export", "--db", str(store.path), "--format", "prodigy", "--out", str(out))
    assert result.exit_code == 1, result.output
    assert ("misaligned: document 1: entity PERSON 0-6 'Obama ' has whitespace at its edges"
            in result.stderr)
    assert ("misaligned: document 2: entity MONEY 15-17 '00' does not fall on token "
            "boundaries" in result.stderr)
    assert "2 spans cannot be exported" in result.stderr
    assert out.read_text() == "old\n"
    assert list(tmp_path.glob("*.part")) == [] and list(tmp_path.glob(".*")) == []


def test_skip_misaligned_leaves_them_out_and_keeps_exact_token_indices(store, tmp_path):
    obama_project(store)
    out = tmp_path / "out.jsonl"
    result = run("export", "--db", str(store.path), "--format", "prodigy", "--out", str(out),
                 "--skip-misaligned")
    assert result.exit_code == 0, result.output
    assert "Left out 2 misaligned spans" in result.stderr
    obama, rio = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert obama["spans"] == []  # never the tokens "Obama was"
    assert [(s["label"], [t["text"] for t in rio["tokens"][s["token_start"]:s["token_end"] + 1]])
            for s in rio["spans"]] == [("ORG", ["Rio", "Tinto"]), ("GPE", ["Perth"])]


def test_doccano_keeps_every_span_prodigy_cannot(store, tmp_path):
    """doccano has no tokens: the lossless export of spans Prodigy has to refuse."""
    obama_project(store)
    out = tmp_path / "d.jsonl"
    result = run("export", "--db", str(store.path), "--format", "doccano", "--out", str(out))
    assert result.exit_code == 0, result.output
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["label"] == [[0, 6, "PERSON"]]


def test_the_windows_export_leaves_them_out_and_lists_them(store, tmp_path):
    """The window's export job runs the export service with skip_misaligned=True."""
    from annotator.services.exporting import export

    obama_project(store)
    report = export(store, "prodigy", tmp_path / "w.jsonl", skip_misaligned=True)
    assert report.written and report.count == 2
    assert [(m.doc_id, m.text) for m in report.misaligned] == [(1, "Obama "), (2, "00")]
    assert "2 spans the format cannot hold left out" in report.text()
    report = export(store, "prodigy", tmp_path / "strict.jsonl")
    assert not report.written and not (tmp_path / "strict.jsonl").exists()
