"""doccano and Prodigy files under their tools' names, JSON Lines under its other names, and
JSONL under any unknown name are read as JSONL, not as one plain-text document (imp5, defect 3).

``.doccano``, ``.prodigy``, ``.jsonlines`` and ``.jl`` (Scrapy's feed exports) are JSONL by
name, also in folders; a file of no known type given explicitly is JSONL when its first line is
a JSON object with a string ``"text"`` (FORMATS.md's required key), else plain text. A ``.txt``
file stays text whatever it holds. Through the real store."""

from __future__ import annotations

import json

import pytest

from annotator.domain import IMPORTED
from annotator.io import importer
from annotator.services.importing import import_paths
from tests.importing import by_text, jsonl, rejected, span_texts, spans_of, texts, write

DOCCANO = [{"text": "Rio Tinto cut jobs.", "label": [[0, 9, "ORG"]]},
           {"text": "BHP said nothing.", "label": []}]
PRODIGY = [{"text": "Jane Doe met Ali Khan.", "answer": "accept",
            "spans": [{"start": 0, "end": 8, "label": "PERSON"}]}]


@pytest.mark.parametrize("suffix", [".doccano", ".DOCCANO", ".jsonlines", ".jl", ".ndjson"])
def test_a_doccano_file_under_a_jsonl_name_is_read_as_tasks_with_their_spans(store, tmp_path,
                                                                              suffix):
    path = jsonl(tmp_path / f"export{suffix}", *DOCCANO)
    report = import_paths(store, [path])
    assert not rejected(report)
    assert texts(store) == ["Rio Tinto cut jobs.", "BHP said nothing."]
    doc = by_text(store, "Rio Tinto cut jobs.")
    assert span_texts(store, doc.id) == [("Rio Tinto", "ORG")]
    assert spans_of(store, doc.id)[0].origin == IMPORTED


def test_a_prodigy_file_is_read_as_tasks_and_its_answer_kept(store, tmp_path):
    path = jsonl(tmp_path / "session.prodigy", *PRODIGY)
    report = import_paths(store, [path])
    assert not rejected(report) and texts(store) == ["Jane Doe met Ali Khan."]
    assert span_texts(store, 1) == [("Jane Doe", "PERSON")]
    assert store.documents.get(1).status.value == "accepted"


def test_a_folder_walk_picks_up_doccano_and_prodigy_files(store, tmp_path):
    jsonl(tmp_path / "in" / "a.doccano", *DOCCANO)
    jsonl(tmp_path / "in" / "b.prodigy", *PRODIGY)
    write(tmp_path / "in" / "notes.xyz", "not walked: an unknown type in a folder\n")
    report = import_paths(store, [tmp_path / "in"])
    assert report.files == 2 and report.added == 3


@pytest.mark.parametrize("name", ["tasks.data", "tasks", "tasks.export"])
def test_an_unknown_name_holding_jsonl_tasks_is_read_as_jsonl(store, tmp_path, name):
    path = jsonl(tmp_path / name, *DOCCANO, "{broken", {"text": "Third."})
    report = import_paths(store, [path])
    assert texts(store) == ["Rio Tinto cut jobs.", "BHP said nothing.", "Third."]
    assert [p.line for p in report.problems] == [3]  # the broken line, as JSONL reports it


def test_an_unknown_name_in_utf16_with_a_bom_is_sniffed_too(store, tmp_path):
    path = write(tmp_path / "tasks.out",
                 "\n".join(json.dumps(t) for t in DOCCANO).encode("utf-16"))
    import_paths(store, [path])
    assert texts(store) == ["Rio Tinto cut jobs.", "BHP said nothing."]


@pytest.mark.parametrize("content", [
    "Rio Tinto cut jobs.\nBHP said nothing.\n",  # prose
    '{"title": "no text key"}\n{"title": "x"}\n',  # JSON lines, not tasks
    '["a JSON array", "not an object"]\n',
    '{"text": 5}\n',  # text not a string
])
def test_an_unknown_name_that_is_not_jsonl_tasks_is_one_plain_text_document(store, tmp_path,
                                                                              content):
    path = write(tmp_path / "notes.data", content)
    report = import_paths(store, [path])
    assert not rejected(report) and texts(store) == [content]


def test_a_txt_file_stays_text_whatever_it_holds(store, tmp_path):
    line = json.dumps(DOCCANO[0])
    path = write(tmp_path / "tasks.txt", line + "\n")
    import_paths(store, [path])
    assert texts(store) == [line + "\n"]


def test_a_first_task_longer_than_the_sniffed_part_is_judged_by_its_start(
        store, tmp_path, monkeypatch):
    """One long article on the first line: the sniffer reads a megabyte (here 64 bytes)."""
    monkeypatch.setattr(importer, "FIRST_LINE_BYTES", 64)
    long_text = "word " * 40 + "end."
    path = jsonl(tmp_path / "long.data", {"text": long_text}, {"text": "Second."})
    import_paths(store, [path])
    assert texts(store) == [long_text, "Second."]


def test_suffix_of_is_splitext_lowered_for_any_name():
    """Its string shortcut answers as ``os.path.splitext`` does, dots and separators anywhere
    (leading dots, a dot before a separator, ``..``, a name of dots)."""
    import itertools
    import os

    parts = ["", ".", "..", "a", "b.", ".c", "x.TXT", "/", "a/", "./", "../", ".txt", "a.b",
             "A.Md", " ", "é.jsonl"]
    for k in range(1, 5):
        for combo in itertools.product(parts, repeat=k):
            path = "".join(combo)
            assert importer.suffix_of(path) == os.path.splitext(path)[1].lower(), path
