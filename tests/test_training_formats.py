"""``blocks`` and ``conll`` exports, the train/dev split, and ``train-config``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import NewDocument, Span, Status
from annotator.io.training_formats import iob2_tags, split_documents
from annotator.nlp.tokens import make_tokenizer
from annotator.services.export_formats import DESCRIPTIONS, EXPORT_FORMATS

TEXT = "Home | News\nZoë Müller joined Rio Tinto in Perth.\n\n  By Ali Khan  "


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def labelled(store):
    ids = store.documents.add([
        NewDocument(TEXT, "a.txt", meta={"source": "https://news.example/a"}),
        NewDocument("BHP cut 200 jobs.\nSubscribe", "b.txt"),
        NewDocument("Unfinished article about Apple.", "c.txt"),
    ]).added
    for word, label in [("Zoë Müller", "PERSON"), ("Rio Tinto", "ORG"), ("Perth", "GPE")]:
        start = TEXT.index(word)
        store.spans.add(ids[0], Span(start, start + len(word), label, annotator="maria"))
    store.sections.set(ids[0], [0], "boilerplate")
    store.sections.set(ids[0], [1], "body")
    store.sections.set(ids[0], [2], "byline")
    store.spans.add(ids[1], Span(0, 3, "ORG"))
    store.sections.set(ids[1], [0], "body")
    store.sections.set(ids[1], [1], "boilerplate")
    store.documents.set_status(ids[0], Status.ACCEPTED, "maria")
    store.documents.set_status(ids[1], Status.REJECTED, "maria")
    store.sections.set(ids[2], [0], "body")
    return ids


def test_blocks_export_has_one_line_per_tagged_block_of_accepted_documents(store, labelled,
                                                                           tmp_path):
    out = tmp_path / "blocks.jsonl"
    result = run("export", "--db", str(store.path), "--format", "blocks", "--out", str(out))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records == [
        {"text": "Home | News", "label": "boilerplate", "doc_id": labelled[0], "block": 0,
         "source": "https://news.example/a"},
        {"text": "Zoë Müller joined Rio Tinto in Perth.", "label": "body",
         "doc_id": labelled[0], "block": 1, "source": "https://news.example/a"},
        {"text": "  By Ali Khan  ", "label": "byline", "doc_id": labelled[0], "block": 2,
         "source": "https://news.example/a"},
    ]  # the rejected document gives no training examples
    run("export", "--db", str(store.path), "--format", "blocks", "--out", str(out), "--all")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in records] == [labelled[0]] * 3 + [labelled[2]]


def test_blocks_export_reads_no_spans(store, labelled, tmp_path):
    """The blocks format writes no entity spans, so the export never queries them (on a
    project with 36 spans a document, reading them was half the export's time)."""
    from annotator.services.exporting import export, iter_items

    queries: list[str] = []
    store.conn.set_trace_callback(queries.append)
    report = export(store, "blocks", tmp_path / "b.jsonl")
    store.conn.set_trace_callback(None)
    assert report.count == 3
    assert queries and not [q for q in queries if "FROM spans" in q]
    full = list(iter_items(store, None))
    bare = list(iter_items(store, None, with_spans=False))
    assert [i.sections for i in bare] == [i.sections for i in full]
    assert [i.spans for i in bare] == [[], [], []] != [i.spans for i in full]


def test_conll_export_is_iob2_with_a_sentence_per_line(store, labelled, tmp_path):
    out = tmp_path / "ner.conll"
    result = run("export", "--db", str(store.path), "--format", "conll", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (
        "-DOCSTART- -X- O O\n\n"
        "Home O\n| O\nNews O\n\n"
        "Zoë B-PERSON\nMüller I-PERSON\njoined O\nRio B-ORG\nTinto I-ORG\nin O\nPerth B-GPE\n. O\n"
        "\nBy O\nAli O\nKhan O\n\n")


def test_conll_misaligned_span_is_reported_and_no_file_replaces_the_old_one(store, labelled,
                                                                            tmp_path):
    start = TEXT.index("Tinto")
    store.spans.add(labelled[0], Span(start, start + 3, "ORG"))  # "Tin" replaces "Rio Tinto"
    out = tmp_path / "ner.conll"
    out.write_text("old\n")
    result = CliRunner().invoke(main, ["export", "--db", str(store.path), "--format", "conll",
                                       "--out", str(out)])
    assert result.exit_code == 1
    assert "misaligned: document 1: entity ORG" in result.stderr and "'Tin'" in result.stderr
    assert out.read_text() == "old\n"
    result = run("export", "--db", str(store.path), "--format", "conll", "--out", str(out),
                 "--skip-misaligned")
    assert result.exit_code == 0 and "Left out 1 misaligned" in result.stderr
    assert "Perth B-GPE\nTinto O\n" not in out.read_text(encoding="utf-8")
    assert "Rio O\nTinto O\nin O\nPerth B-GPE" in out.read_text(encoding="utf-8")


def test_iob2_tags_leave_out_a_span_that_cuts_a_token():
    text = "New York-based firm"
    tokens = make_tokenizer()(text)
    tags, bad = iob2_tags(1, text, tokens, [Span(0, 8, "GPE")])
    assert [t["text"] for t in tokens] == ["New", "York", "-", "based", "firm"]
    assert tags == ["B-GPE", "I-GPE", "O", "O", "O"] and bad == []
    tags, bad = iob2_tags(1, text, tokens, [Span(0, 6, "GPE")])
    assert tags == ["O"] * 5
    assert [(b.start, b.end, b.label, b.text, b.reason) for b in bad] == [
        (0, 6, "GPE", "New Yo", "does not fall on token boundaries")]


def test_split_is_deterministic_grouped_by_source_and_near_the_ratio():
    keys = [(i, f"site{i % 10}") for i in range(1, 101)]
    one = split_documents(keys, 0.8, seed=7)
    assert one == split_documents(list(reversed(keys)), 0.8, seed=7)
    assert one.grouped and one.groups == 10 and (one.train_docs, one.dev_docs) == (80, 20)
    sides = {}
    for doc_id, source in keys:
        sides.setdefault(source, set()).add(one.side(doc_id))
    assert all(len(s) == 1 for s in sides.values())
    assert split_documents(keys, 0.8, seed=8).dev_ids != one.dev_ids


def test_split_gives_each_side_a_source_even_when_the_ratio_would_not():
    keys = [(1, "a"), (2, "a"), (3, "a"), (4, "b")]
    for seed in range(5):
        result = split_documents(keys, 0.99, seed)
        assert result.train_docs > 0 and result.dev_docs > 0


def test_split_of_one_source_splits_documents_and_says_so():
    result = split_documents([(i, "one.jsonl") for i in range(10)], 0.7, seed=0)
    assert not result.grouped and (result.train_docs, result.dev_docs) == (7, 3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        split_documents([(1, "a"), (2, "b")], 1.0, 0)


def test_split_and_shard_size_are_refused_for_other_formats(store, labelled, tmp_path):
    result = CliRunner().invoke(main, ["export", "--db", str(store.path), "--format", "conll",
                                       "--out", str(tmp_path / "x"), "--split", "0.8"])
    assert result.exit_code == 2 and "--format spacy only" in result.output


def test_every_export_format_is_described_for_the_app():
    assert set(EXPORT_FORMATS) == set(DESCRIPTIONS) >= {"prodigy", "doccano", "blocks", "spacy",
                                                        "conll"}


@pytest.mark.parametrize("task,pipeline,train", [("ner", ["tok2vec", "ner"], "train.spacy"),
                                                  ("sections", ["textcat"],
                                                   "blocks-train.spacy")])
def test_train_config_is_a_valid_spacy_config_pointing_at_the_export(tmp_path, task, pipeline,
                                                                     train):
    from spacy.util import load_config

    out = tmp_path / "c.cfg"
    result = run("train-config", "--out", str(out), "--task", task, "--data", str(tmp_path))
    assert result.exit_code == 0, result.output
    config = load_config(out)
    assert config["nlp"]["pipeline"] == pipeline and config["nlp"]["lang"] == "en"
    assert config["paths"]["train"] == str(tmp_path / train)
