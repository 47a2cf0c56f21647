"""Model suggestions next to emoji (tester's defect 1): spaCy's tokenizer cuts a ZWJ family, a
flag or a skin tone into pieces, and en_core_web_sm then tags "👧Apple Inc." or "Barack Obama👨"
(its raw entities are checked below, so these tests fail if the model stops doing it). The stored
suggestion must be the word the window shows, on grapheme-cluster boundaries, and every export
(JSONL and CoNLL, through the real export service) must carry that same text."""

from __future__ import annotations

import json

import regex

from annotator.domain import NewDocument
from annotator.io.conll import validate_conll
from annotator.nlp.pipeline import load_model
from annotator.services.exporting import export
from annotator.services.preannotation import preannotate

TEXTS = [
    "👨‍👩‍👧Apple Inc. said 🇺🇸🇬🇧 and 👍🏽 Google x",
    "Barack Obama👨‍👩‍👧 met 🇫🇷Emmanuel Macron🇫🇷 in Paris👍🏿.",
    "👨‍👩‍👧 Apple Inc. said on Monday that Tim Cook👍🏽 would visit London🇬🇧 today.",
]
# What the model tags, cut at the emoji (the raw entity is longer: see the first test).
EXPECTED = [
    {("Apple Inc.", "ORG"), ("Google", "ORG")},
    {("Barack Obama", "PERSON"), ("Emmanuel Macron", "PERSON"), ("Paris", "GPE")},
    {("Apple Inc.", "ORG"), ("Monday", "DATE"), ("Tim Cook", "PERSON"), ("London", "GPE"),
     ("today", "DATE")},
]
EMOJI_PART = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}"
                           r"\p{Emoji_Modifier}\u200d\ufe0f]")


def cluster_bounds(text: str) -> set[int]:
    """Every grapheme-cluster boundary of ``text``, by the ``regex`` package's ``\\X``."""
    return {0} | {m.end() for m in regex.finditer(r"\X", text)}


def _project(store) -> list[int]:
    ids = store.documents.add([NewDocument(t, f"emoji{i}.txt")
                               for i, t in enumerate(TEXTS)]).added
    preannotate(store)
    return ids


def test_the_model_itself_tags_pieces_of_emoji_with_the_names():
    """Guard against a vacuous pass: without the fix these entities would be stored."""
    nlp = load_model(None)
    raw = {e.text for t in TEXTS for e in nlp(t).ents}
    assert {"👧Apple Inc.", "Barack Obama👨", "Emmanuel Macron🇫"} <= raw


def test_suggestions_next_to_emoji_are_the_words_on_cluster_boundaries(store):
    ids = _project(store)
    for doc_id, text, expected in zip(ids, TEXTS, EXPECTED, strict=True):
        spans = store.spans.of(doc_id)
        found = {(text[s.start:s.end], s.label) for s in spans}
        assert found == expected
        bounds = cluster_bounds(text)
        for s in spans:
            assert s.start in bounds and s.end in bounds
            assert not EMOJI_PART.search(text[s.start:s.end])


def test_jsonl_and_conll_exports_carry_the_text_the_window_shows(store, tmp_path):
    ids = _project(store)
    shown = {(doc_id, text[s.start:s.end], s.label)
             for doc_id, text in zip(ids, TEXTS, strict=True) for s in store.spans.of(doc_id)}

    for fmt in ("doccano", "prodigy"):
        out = tmp_path / f"out.{fmt}.jsonl"
        report = export(store, fmt, out, include_all=True)
        assert report.count == len(TEXTS) and not report.misaligned
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        if fmt == "doccano":
            got = {(r["id"], r["text"][a:b], label) for r in records for a, b, label in r["label"]}
        else:
            got = {(r["meta"]["doc_id"], r["text"][s["start"]:s["end"]], s["label"])
                   for r in records for s in r["spans"]}
            for r in records:  # the token indices name the same words
                for s in r["spans"]:
                    tokens = r["tokens"][s["token_start"]:s["token_end"] + 1]
                    assert tokens[0]["start"] == s["start"] and tokens[-1]["end"] == s["end"]
        assert got == shown

    out = tmp_path / "out.conll"
    report = export(store, "conll", out, include_all=True)
    assert report.count == len(TEXTS) and not report.misaligned
    data = out.read_text(encoding="utf-8")
    assert validate_conll(data) == []
    entities, current = set(), None
    for line in data.splitlines():
        word, _, tag = line.rpartition(" ")
        if tag != "O" and EMOJI_PART.search(word):
            raise AssertionError(f"an emoji piece has an entity tag: {line!r}")
        if tag.startswith("B-"):
            current = [tag[2:], word]
            entities.add(tuple(current))
        elif tag.startswith("I-"):
            entities.discard(tuple(current))
            current.append(word)
            entities.add(tuple(current))
    assert entities == {(label, *words.split()) for _, words, label in shown}


def test_a_suggestion_on_a_word_spacy_glued_an_emoji_piece_to_starts_with_the_emoji():
    """spaCy cuts "👍🏽" in two and glues "🏽" to the next word; trimmed to "Emmanuel" the
    suggestion would start inside a token, which the spaCy and CoNLL exports refuse. It takes
    the whole emoji instead, as a person's selection there does (TokenGrid)."""
    import spacy
    from spacy.tokens import Span as SpacySpan

    from annotator.nlp.preannotate import doc_entities

    text = "Fans 👍🏽Emmanuel Macron cheered"
    doc = spacy.blank("en")(text)
    glued = next(t.i for t in doc if t.text.endswith("Emmanuel"))
    doc.ents = [SpacySpan(doc, glued, glued + 2, label="PERSON")]
    [(start, end, label, _)] = doc_entities(doc, text, frozenset({"PERSON"}), "model:m@1")
    assert text[start:end] == "👍🏽Emmanuel Macron" and label == "PERSON"
    assert doc.char_span(start, end) is not None
