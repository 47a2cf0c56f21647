"""The token cache (annotator.store.token_cache): token exports read cached tokens and write the
same bytes as when they tokenize; only the tokens of the exports' own tokenizer are read; a
changed or removed document never gets stale tokens; pre-annotation and ``cache-tokens`` fill
it."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

import annotator.nlp.tokens as nlp_tokens
import annotator.services.export_pool as pool
from annotator.domain import NewDocument, Span, Status, pack_token_runs, unpack_token_runs
from annotator.io.alignment import cached_tokens
from annotator.services.exporting import export
from annotator.services.token_cache import cache_tokens
from annotator.store import open_store
from tests.test_export_pool import _bytes

TEXTS = [
    "Rio Tinto cut {n} jobs in Perth.\nBy Zoë Müller\nThe city council said €1.2bn was lost.",
    # special cases that give a token a norm of its own ("m" -> "am", "n't" -> "not")
    "Im sure they don't know, said Łukasz Żółć on {n} June.\n\nBHP's shares (A$75m) fell.",
    # a token longer than 127 code points (wide runs), double spaces, a trailing newline
    "Story {n}: see https://example.com/" + "a" * 150 + " for  more\nthe deal  was reviewed.\n",
]
KEY = nlp_tokens.tokenizer_id("en")


@pytest.fixture
def project(store):
    """Nine accepted documents with entities (one inside a token: unexportable) and sections."""
    docs = [NewDocument(TEXTS[n % 3].format(n=n), f"site{n % 2}/{n}.html") for n in range(9)]
    ids = store.documents.add(docs).added
    for doc_id in ids:
        text = store.documents.get(doc_id).text
        spans = [Span(0, text.index(" "), "ORG")]
        if "Perth" in text:  # "Per": inside a token
            spans.append(Span(text.index("Perth"), text.index("Perth") + 3, "GPE"))
        for span in spans:
            store.spans.add(doc_id, span)
        store.sections.set(doc_id, [0], "body")
        store.documents.set_status(doc_id, Status.ACCEPTED, "maria")
    return store


def _export(store, tmp_path: Path, name: str, fmt: str, **options) -> tuple:
    out = tmp_path / name / ("out" if fmt == "spacy" else "out.txt")
    out.parent.mkdir()
    report = export(store, fmt, out, skip_misaligned=True, **options)
    return _bytes(out), report.count, [str(m) for m in report.misaligned]


def _no_tokenizing(monkeypatch):
    """Make every tokenizer call of the prodigy and conll writers fail."""
    def tokenizer(lang="en"):
        def tokenize(text):
            raise AssertionError(f"tokenized {text[:20]!r} although its tokens were cached")
        return tokenize
    monkeypatch.setattr(nlp_tokens, "make_tokenizer", tokenizer)


FORMATS = [("prodigy", {}), ("conll", {}), ("spacy", {"split": 0.6, "shard_size": 2})]


@pytest.mark.parametrize("fmt,options", FORMATS)
@pytest.mark.parametrize("workers", [1, 2])
def test_cached_tokens_give_the_same_bytes(project, tmp_path, monkeypatch, fmt, options,
                                           workers):
    monkeypatch.setattr(pool, "CHUNK_DOCS", 2)
    monkeypatch.setattr(pool, "start_method", lambda: "fork")
    cold = _export(project, tmp_path, "cold", fmt, workers=workers, **options)
    report = cache_tokens(project)
    assert report.cached == 9 and project.tokens.count(KEY) == 9
    if fmt != "spacy":
        _no_tokenizing(monkeypatch)
    warm = _export(project, tmp_path, "warm", fmt, workers=workers, **options)
    assert warm == cold
    assert cold[1] == 9 and len(cold[2]) == 3  # "Per" of "Perth": inside a token
    assert multiprocessing.active_children() == []


def test_spacy_docs_from_cached_tokens_are_the_tokenizers_docs():
    """Words, spaces and the norms special cases gave: the same DocBin bytes as make_doc."""
    from spacy.tokens import DocBin

    from annotator.nlp.docbin import DOC_ATTRS, new_doc

    nlp = nlp_tokens.blank_pipeline("en")
    texts = [t.format(n=1) for t in TEXTS] + ["", " ", "Gonna  go,\n\n'cause y'all can't."]
    runs = nlp_tokens.runs_of_texts(texts)
    assert any(unpack_token_runs(r)[1] for r in runs)  # some norms of their own were kept
    for text, run in zip(texts, runs, strict=True):
        made, cached = (DocBin(attrs=DOC_ATTRS, store_user_data=True) for _ in range(2))
        made.add(nlp.make_doc(text))
        doc = new_doc(nlp, text, run)
        cached.add(doc)
        assert made.to_bytes() == cached.to_bytes()
        assert [t.norm_ for t in doc] == [t.norm_ for t in nlp.make_doc(text)]


def test_runs_round_trip_narrow_and_wide():
    text = "ab  c\nd"
    runs = pack_token_runs([2, 1, 1, 1, 1], [1, 0, 0, 0, 0])
    assert runs[0] == 1 and len(runs) == 6  # a byte a token
    assert [(t["text"], t["start"], t["ws"]) for t in cached_tokens(text, runs)] == [
        ("ab", 0, True), (" ", 3, False), ("c", 4, False), ("\n", 5, False), ("d", 6, False)]
    long = "x" * 300
    wide = pack_token_runs([300], [0], [(0, "y")])
    codes, norms = unpack_token_runs(wide)
    assert wide[0] == 4 | 0x80 and list(codes) == [600] and norms == [(0, "y")]
    assert cached_tokens(long, wide)[0]["end"] == 300
    assert cached_tokens(long + "!", wide) is None  # runs of another text are not used
    assert cached_tokens("ab c", pack_token_runs([2, 2], [1, 0])) is None  # not a space
    with pytest.raises(ValueError):
        pack_token_runs([0], [0])


def test_another_tokenizers_tokens_are_never_read(project, tmp_path, monkeypatch):
    """Tokens cached under another key (another spaCy, another language) are ignored: the
    export tokenizes, and writes what it wrote with no cache."""
    cold = _export(project, tmp_path, "cold", "prodigy")
    ids = project.documents.ids()
    wrong = [(i, pack_token_runs([1] * len(project.documents.get(i).text),
                                 [0] * len(project.documents.get(i).text))) for i in ids]
    project.tokens.put_many("spacy-0.0.0/blank-en", wrong)
    assert project.tokens.of_many(ids, KEY) == {}
    assert _export(project, tmp_path, "other", "prodigy") == cold
    cache_tokens(project)  # the exports' tokenizer replaces them
    assert project.tokens.count("spacy-0.0.0/blank-en") == 0
    assert project.tokens.count(KEY) == len(ids)


def test_a_changed_or_removed_document_drops_its_tokens(project, tmp_path):
    cache_tokens(project)
    first, second = project.documents.ids()[:2]
    conn = sqlite3.connect(project.path)  # another program edits the file
    conn.execute("PRAGMA foreign_keys = ON")
    with conn:
        conn.execute("UPDATE documents SET text = 'Perth was quiet, said Jane.', "
                     "hash = 'edited' WHERE id = ?", [first])
        conn.execute("DELETE FROM documents WHERE id = ?", [second])
        conn.execute("INSERT INTO documents (id, text, hash, created_at, updated_at, status) "
                     "VALUES (?, 'Reused id, new text.', 'new', '', '', 'accepted')", [second])
    conn.close()
    assert project.tokens.of_many([first, second], KEY) == {}
    warm = _export(project, tmp_path, "warm", "conll")
    with project.transaction() as db:
        db.execute("DELETE FROM token_cache")
    assert _export(project, tmp_path, "cold", "conll") == warm
    assert "Reused" in warm[0]["out.txt"].decode() and "quiet" in warm[0]["out.txt"].decode()


def test_runs_that_do_not_fit_the_text_are_not_used(project, tmp_path):
    cold = _export(project, tmp_path, "cold", "spacy")
    ids = project.documents.ids()
    project.tokens.put_many(KEY, [(i, pack_token_runs([3], [0])) for i in ids])
    assert _export(project, tmp_path, "bad", "spacy") == cold


def test_a_project_from_before_the_cache_opened_read_only_exports(project, tmp_path):
    cold = _export(project, tmp_path, "cold", "prodigy")
    with project.transaction() as db:  # as if made before m014
        db.execute("DROP TABLE token_cache")
    project.close()
    old = open_store(project.path, read_only=True)
    try:
        assert old.tokens.of_many(old.documents.ids(), KEY) == {}
        assert _export(old, tmp_path, "old", "prodigy") == cold
    finally:
        old.close()


def test_cache_tokens_is_resumable_and_reports_progress(project):
    seen = []
    report = cache_tokens(project, progress=lambda done, total, msg="": seen.append(
        (done, total)))
    assert report.cached == 9 and seen[-1] == (9, 9)
    assert cache_tokens(project).cached == 0  # nothing left to do


def test_only_pipelines_that_keep_the_tokenizers_tokens_give_a_key():
    import spacy

    plain = spacy.blank("en")
    plain.add_pipe("entity_ruler")
    assert nlp_tokens.cache_key_of(plain) == KEY
    merging = spacy.blank("en")
    merging.add_pipe("merge_entities")
    assert nlp_tokens.cache_key_of(merging) == ""
    special = spacy.blank("en")
    special.tokenizer.add_special_case("Perth.", [{"ORTH": "Perth."}])
    assert nlp_tokens.cache_key_of(special) == ""


def test_preannotation_caches_the_tokens_it_analysed(store):
    from annotator.services.preannotation import preannotate

    texts = [t.format(n=2) for t in TEXTS]
    ids = store.documents.add([NewDocument(t, f"{i}.txt") for i, t in enumerate(texts)]).added
    preannotate(store)
    cached = store.tokens.of_many(ids, KEY)
    assert [cached[i] for i in ids] == nlp_tokens.runs_of_texts(texts)


def test_the_cache_tokens_command(project):
    from click.testing import CliRunner

    from annotator.cli import main

    path = str(project.path)
    project.close()
    result = CliRunner().invoke(main, ["cache-tokens", "--db", path], catch_exceptions=False)
    assert result.exit_code == 0 and "Cached the tokens of 9 documents" in result.output
    with open_store(path, read_only=True) as again:
        assert again.tokens.count(KEY) == 9


def test_prodigy_lines_are_the_json_of_prodigy_records(project):
    """The export's prodigy lines (tokens written from a table, from the cache or the
    tokenizer) are byte for byte ``json`` of :func:`prodigy_writer`'s records."""
    from annotator.domain import Document
    from annotator.io.export import Item, encode_record
    from annotator.io.formats import prodigy_lines, prodigy_writer

    tokenize = nlp_tokens.make_tokenizer("en")
    texts = [t.format(n=3) for t in TEXTS] + [
        'A "quoted" \\\\ back\\\\slash\ttab\x01 \u2028 line 😀 end.', "", "Jane"]
    runs = nlp_tokens.runs_of_texts(texts)
    for n, text in enumerate(texts):
        doc = Document(n + 1, text, f"h{n}", "s.txt", {"k": "v"}, Status.ACCEPTED, "", "", 1)
        spans = [Span(0, 4, "PERSON")] if len(text) >= 4 else []
        for cached in (None, runs[n]):
            item = Item(doc, spans, [], cached)
            bad_a, bad_b = [], []
            want = [encode_record(r) for r in prodigy_writer(tokenize, bad_a.append)(item)]
            got = [encode_record(r) for r in prodigy_lines(tokenize, bad_b.append)(item)]
            assert got == want and bad_a == bad_b
            assert isinstance(next(prodigy_lines(tokenize, bad_b.append)(item)), str)
    plain = lambda text: tokenize(text)  # noqa: E731  (no codes: dict records)
    item = Item(Document(1, "Jane", "h", "s", {}, Status.ACCEPTED, "", "", 1), [], [])
    assert isinstance(next(prodigy_lines(plain, print)(item)), dict)
