"""Whatever a JSON task holds, reading it never raises, and what it gives the store can be
stored: the property behind issue 10.1 (a value the store refused aborted a whole batch)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain import NewDocument
from annotator.io.jsonl import read_line
from annotator.io.problems import Problem
from annotator.store import open_store

KEYS = ["text", "spans", "label", "labels", "entities", "sections", "meta", "answer", "status",
        "id", "title", "data", "annotations", "predictions", "result", "value", "start", "end",
        "start_offset", "end_offset", "labels", "_annotator_id", "annotation_id", "Comments",
        "ents", "relations", "doc_id", "source", "type", "was_cancelled", "completed_by"]
# Strings with what broke imports before: lone surrogates, NUL, invisible and astral characters.
TEXTS = st.text(alphabet=st.sampled_from(
    list("ab \n\r\t.") + ["\ud800", "\udfff", "\x00", "\u200b", "\ufeff", "😀", "é"]),
    max_size=12)
SCALARS = (st.none() | st.booleans() | st.integers(-3, 30) | st.integers()
           | st.floats(allow_nan=True, allow_infinity=True) | TEXTS | st.sampled_from(KEYS))
VALUES = st.recursive(
    SCALARS,
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.sampled_from(KEYS) | TEXTS, children, max_size=5)),
    max_leaves=25)
TASKS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8).map(
    lambda task: {"text": "Rio Tinto hired Jane in Perth.", **task})


@pytest.mark.slow
def test_any_json_task_is_read_without_raising_and_what_it_gives_can_be_stored(tmp_path):
    with open_store(tmp_path / "fuzz.db") as store:

        @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(task=TASKS)
        def check(task: dict) -> None:
            line = json.dumps(task, ensure_ascii=False, allow_nan=True)
            records = read_line(line, "fuzz.jsonl", 1)
            assert all(isinstance(r, NewDocument | Problem) for r in records)
            assert not [r for r in records if isinstance(r, Problem)
                        and r.reason.startswith("could not be read")], records
            docs = [r for r in records if isinstance(r, NewDocument)]
            store.documents.add(docs)  # raises if a value cannot be stored
            for doc in docs:
                json.dumps(doc.meta, ensure_ascii=False, allow_nan=False).encode("utf-8")

        check()
