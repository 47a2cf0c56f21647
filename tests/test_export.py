"""Prodigy and doccano JSONL exports: offsets, tokens, hashes, streaming and atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.domain import NewDocument, Span, Status
from annotator.io.export import FINISHED, write_jsonl
from annotator.io.formats import doccano_record, input_hash, prodigy_writer, token_bounds
from annotator.nlp.tokens import make_tokenizer
from annotator.services.exporting import iter_items as items_of

EMOJI_TEXT = "🔥🇫🇷 Trending 👩‍👩‍👧: Zoë Müller joined Rio Tinto in Perth on Monday.\nBy Ali Khan"


@pytest.fixture
def labelled(store):
    """Three documents: accepted with emoji, rejected, and one still new."""
    ids = store.documents.add([
        NewDocument(EMOJI_TEXT, "a.txt", meta={"source": "a.txt", "site": "x"}),
        NewDocument("Nothing to see here.", "b.txt"),
        NewDocument("BHP said on Tuesday it would cut 200 jobs.", "c.txt"),
    ]).added
    for word, label in [("Zoë Müller", "PERSON"), ("Rio Tinto", "ORG"), ("Perth", "GPE"),
                        ("Monday", "DATE")]:
        start = EMOJI_TEXT.index(word)
        store.spans.add(ids[0], Span(start, start + len(word), label, annotator="maria"))
    store.sections.set(ids[0], [0], "body")
    store.sections.set(ids[0], [1], "byline")
    store.spans.add(ids[2], Span(0, 3, "ORG"))
    store.documents.set_status(ids[0], Status.ACCEPTED, "maria")
    store.documents.set_status(ids[1], Status.REJECTED, "maria")
    return ids


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_prodigy_export_spans_match_text_and_tokens(store, labelled, tmp_path):
    out = tmp_path / "out.jsonl"
    misaligned: list = []
    count = write_jsonl(items_of(store, FINISHED),
                        prodigy_writer(make_tokenizer(), misaligned.append), out)
    assert count == 2 and misaligned == []  # the new document is not finished
    records = read_lines(out)
    first = records[0]
    assert [first["text"][s["start"]:s["end"]] for s in first["spans"]] == [
        "Zoë Müller", "Rio Tinto", "Perth", "Monday"]
    for span in first["spans"]:
        tokens = first["tokens"][span["token_start"]:span["token_end"] + 1]  # token_end inclusive
        assert tokens[0]["start"] == span["start"] and tokens[-1]["end"] == span["end"]
    for tok in first["tokens"]:
        assert first["text"][tok["start"]:tok["end"]] == tok["text"]
    assert first["sections"] == [
        {"start": 0, "end": EMOJI_TEXT.index("\n"), "label": "body"},
        {"start": EMOJI_TEXT.index("By"), "end": len(EMOJI_TEXT), "label": "byline"}]
    assert first["answer"] == "accept" and records[1]["answer"] == "reject"
    assert first["meta"] == {"source": "a.txt", "site": "x", "doc_id": labelled[0],
                             "status": "accepted"}
    assert first["_view_id"] == "ner_manual"


def test_hashes_are_stable_signed_32_bit_and_task_hash_follows_labels(store, labelled, tmp_path):
    # every span is on token boundaries
    writer = prodigy_writer(make_tokenizer(), lambda m: pytest.fail(str(m)))
    one = [r for item in items_of(store, FINISHED) for r in writer(item)]
    two = [r for item in items_of(store, FINISHED) for r in writer(item)]
    assert [r["_task_hash"] for r in one] == [r["_task_hash"] for r in two]
    for r in one:
        assert -(2**31) <= r["_input_hash"] < 2**31 and -(2**31) <= r["_task_hash"] < 2**31
        assert r["_input_hash"] == input_hash(r["text"])
    assert one[0]["_task_hash"] != one[1]["_task_hash"]
    store.spans.remove(labelled[0], store.spans.of(labelled[0])[0])
    three = [r for item in items_of(store, FINISHED) for r in writer(item)]
    assert three[0]["_input_hash"] == one[0]["_input_hash"]
    assert three[0]["_task_hash"] != one[0]["_task_hash"]


def test_all_includes_unfinished_documents(store, labelled, tmp_path):
    out = tmp_path / "all.jsonl"
    assert write_jsonl(items_of(store, None), doccano_record, out) == 3
    last = read_lines(out)[2]
    assert last["label"] == [[0, 3, "ORG"]] and last["status"] == "in_progress"


def test_doccano_export_flattens_meta(store, labelled, tmp_path):
    out = tmp_path / "d.jsonl"
    write_jsonl(items_of(store, FINISHED), doccano_record, out)
    rec = read_lines(out)[0]
    assert rec["id"] == labelled[0] and rec["site"] == "x" and rec["source"] == "a.txt"
    assert [rec["text"][s:e] for s, e, _ in rec["label"]] == [
        "Zoë Müller", "Rio Tinto", "Perth", "Monday"]
    assert rec["sections"][1] == [EMOJI_TEXT.index("By"), len(EMOJI_TEXT), "byline"]


def test_failed_export_leaves_no_file_and_keeps_the_old_one(store, labelled, tmp_path):
    out = tmp_path / "keep.jsonl"
    out.write_text("previous export\n")

    def broken(item):
        yield {"text": item.doc.text}
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_jsonl(items_of(store, FINISHED), broken, out)
    assert out.read_text() == "previous export\n"
    assert list(tmp_path.glob("*.part")) == []


def test_token_bounds_are_exactly_the_tokens_of_a_span_or_the_reason_there_are_none():
    text = "Rio Tinto's  deal"
    tokens = make_tokenizer()(text)
    assert [t["text"] for t in tokens] == ["Rio", "Tinto", "'s", " ", "deal"]
    assert token_bounds(text, tokens, 4, 9) == (1, 1)
    assert token_bounds(text, tokens, 0, 11) == (0, 2)
    assert token_bounds(text, tokens, 5, 7) == "does not fall on token boundaries"  # not widened
    assert token_bounds(text, tokens, 4, 10) == "does not fall on token boundaries"  # "Tinto'"
    assert token_bounds(text, tokens, 4, 12) == "has whitespace at its edges"  # "Tinto's "
    assert token_bounds(text, tokens, 4, 13) == "has whitespace at its edges"  # whitespace token
    assert token_bounds(text, tokens, 3, 9) == "has whitespace at its edges"


def test_text_exports_pause_the_collector_only_on_the_main_thread(store, labelled, tmp_path):
    import gc
    import threading

    from annotator.core.collector import collector_paused
    from annotator.services.exporting import export

    seen: list[bool] = []
    export(store, "doccano", tmp_path / "a.jsonl", include_all=True,
           progress=lambda *_: seen.append(gc.isenabled()))
    assert seen and not any(seen) and gc.isenabled()  # off while writing, on again after

    def in_thread() -> None:
        with collector_paused(True):
            seen.append(gc.isenabled())

    seen.clear()
    worker = threading.Thread(target=in_thread)  # as the window's export worker runs
    worker.start()
    worker.join()
    assert seen == [True]
