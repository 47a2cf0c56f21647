"""Every meta key survives an export and a re-import (issue 9, point 11).

doccano records flatten meta to the top level, where ``id``, ``text``, ``label``, ``sections`` and
``status`` are the record's own and other keys (``spans``, ``answer``, ``_input_hash``, ...) mean
something to importers. A meta key of such a name goes, unchanged, under ``"meta"``. Prodigy records
carry meta under ``"meta"``, where the export adds ``doc_id`` and ``status``: a document's own keys
of those names (and ``meta``) go under ``meta["meta"]``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli import main
from annotator.domain import Document, NewDocument, Status
from annotator.io.export import Item
from annotator.io.formats import DOCCANO_RESERVED, doccano_record, prodigy_writer
from annotator.io.jsonl import read_jsonl
from annotator.nlp.tokens import make_tokenizer

CLASHING_META = {"id": "X1", "label": "L", "text": "T", "sections": 3, "spans": [1, 2],
                 "answer": "maybe", "_input_hash": 5, "meta": {"nested": True}, "site": "s",
                 "entities": "none", "data": {"a": 1}}
OUR_KEYS_META = {"status": "draft", "doc_id": 99}
KEYS = st.sampled_from(sorted(DOCCANO_RESERVED | {"source", "site", "_private", "Id", "url"}))
VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5),
                   st.lists(st.integers(), max_size=3))


def document(meta: dict, doc_id: int = 7) -> Document:
    return Document(doc_id, "Rio Tinto cut jobs.", "h", "in.txt", meta, Status.ACCEPTED)


def expected(meta: dict) -> dict:
    """What the document's meta is after a round trip: its keys, plus where it came from."""
    return {"source": "in.txt", **meta}


def unflatten_doccano(record: dict) -> dict:
    """The documented way back from a doccano record to the meta (README, Export)."""
    own = {"id", "text", "label", "sections", "status", "meta"}
    meta = {k: v for k, v in record.items() if k not in own}
    meta.update(record.get("meta", {}))
    return meta


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_doccano_record_holds_every_meta_key_flat_or_under_meta(meta):
    [record] = list(doccano_record(Item(document(meta), [], [])))
    assert record["id"] == 7 and record["text"] == "Rio Tinto cut jobs."
    assert record["label"] == [] and record["status"] == "accepted"
    assert unflatten_doccano(record) == expected(meta)
    for key in record.get("meta", {}):
        assert key in DOCCANO_RESERVED or key.startswith("_")  # only clashes are nested


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_prodigy_meta_holds_every_meta_key_and_ours_unchanged(meta):
    writer = prodigy_writer(make_tokenizer(), lambda m: pytest.fail(str(m)))
    [record] = list(writer(Item(document(meta), [], [])))
    out = dict(record["meta"])
    assert out.pop("doc_id") == 7 and out.pop("status") == "accepted"
    nested = out.pop("meta", {})
    assert set(nested) <= {"doc_id", "status", "meta"}
    assert {**out, **nested} == expected(meta)


def export_file(tmp_path: Path, meta: dict, fmt: str) -> Path:
    """A document with ``meta`` exported through a real project and the real CLI."""
    from annotator.store import open_store

    with open_store(tmp_path / f"{fmt}.db") as store:
        [doc_id] = store.documents.add([NewDocument("Rio Tinto cut jobs.", "in.txt",
                                                    meta=meta)]).added
        store.documents.set_status(doc_id, Status.ACCEPTED, "maria")
    out = tmp_path / f"{fmt}.jsonl"
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / f"{fmt}.db"),
                                       "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def export_and_read(tmp_path: Path, meta: dict, fmt: str) -> dict:
    """The meta the real reader takes back from the export."""
    out = export_file(tmp_path, meta, fmt)
    [doc] = [d for d in read_jsonl(out) if isinstance(d, NewDocument)]
    assert doc.status == Status.ACCEPTED
    return doc.meta


def test_doccano_round_trip_keeps_meta_keys_that_clash_with_doccanos_own(tmp_path):
    """The issue's example: keys named id, label, text, sections were lost."""
    assert export_and_read(tmp_path, CLASHING_META, "doccano") == expected(CLASHING_META)
    record = json.loads((tmp_path / "doccano.jsonl").read_text(encoding="utf-8"))
    assert record["id"] == 1 and record["text"] == "Rio Tinto cut jobs." and record["site"] == "s"
    assert record["meta"]["id"] == "X1" and record["meta"]["label"] == "L"  # visibly nested


def test_doccano_round_trip_through_a_second_project_changes_nothing(tmp_path):
    from annotator.store import open_store

    export_and_read(tmp_path, CLASHING_META, "doccano")
    copy = tmp_path / "copy.db"
    result = CliRunner().invoke(main, ["import", "--db", str(copy),
                                       str(tmp_path / "doccano.jsonl")])
    assert result.exit_code == 0, result.output
    with open_store(copy) as store:
        [doc_id] = store.documents.ids()
        assert store.documents.get(doc_id).meta == expected(CLASHING_META)


@pytest.mark.parametrize("fmt", ["doccano", "prodigy"])
def test_round_trip_keeps_meta_keys_named_like_the_exports_own(tmp_path, fmt):
    meta = {**CLASHING_META, **OUR_KEYS_META}
    assert export_and_read(tmp_path, meta, fmt) == expected(meta)


def test_the_writers_keep_meta_keys_named_like_the_exports_own(tmp_path):
    """The writer half of the test above, which passes today."""
    meta = {**CLASHING_META, **OUR_KEYS_META}
    record = json.loads(export_file(tmp_path, meta, "doccano").read_text(encoding="utf-8"))
    assert unflatten_doccano(record) == expected(meta) and record["status"] == "accepted"
    assert record["meta"]["status"] == "draft" and record["meta"]["doc_id"] == 99
    record = json.loads(export_file(tmp_path, meta, "prodigy").read_text(encoding="utf-8"))
    assert record["meta"]["status"] == "accepted" and record["meta"]["doc_id"] == 1
    assert record["meta"]["meta"] == {"status": "draft", "doc_id": 99, "meta": {"nested": True}}
