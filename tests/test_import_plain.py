"""The plain-task fast path (:mod:`annotator.io.plain_tasks`) reads a JSONL line exactly as the
general path (:func:`annotator.io.tasks.task_records` on ``json``'s parse) does, or leaves it to
the general path: never a different document, never a lost note."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.io.jsonl import read_line
from annotator.io.plain_tasks import NOT_DECODED, decode_line, plain_record
from annotator.io.tasks import task_records

TEXT = "Rio Tinto hired Jane Doe in Perth.\nBy Ali Khan\n"
# Spans near the plain shape: good ones, and each way one can need the general path.
SPANS = st.lists(st.fixed_dictionaries(
    {"start": st.sampled_from([0, 4, 10, 16, 24, 28, 9, -1, 60, True, "3"]),
     "end": st.sampled_from([3, 9, 15, 24, 33, 34, 10, 99, 4.0]),
     "label": st.sampled_from(["ORG", "PERSON", "", 5, None])},
    optional={"text": st.just("Rio"), "token_start": st.integers(0, 5)}), max_size=4)
# ... and runs of good ones, in order (the shape most files have)
GOOD = st.lists(st.sampled_from([(0, 9, "ORG"), (16, 24, "PERSON"), (28, 33, "GPE"),
                                 (38, 45, "PERSON")]), unique=True, max_size=4).map(
    lambda spans: [{"start": a, "end": b, "label": c} for a, b, c in sorted(spans)])
FLAT = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(
    alphabet="ab é\u200b😀", max_size=5)
META = st.dictionaries(
    st.sampled_from(["source", "title", "status", "doc_id", "meta", "url", "x"]),
    FLAT | st.sampled_from(["accepted", "new", "weird"]) | st.lists(FLAT, max_size=2)
    | st.dictionaries(st.just("k"), FLAT, max_size=1), max_size=4)
TASKS = st.fixed_dictionaries(
    {"text": st.sampled_from([TEXT] * 4 + [TEXT.replace("\n", "\r\n"), "  ", "a\x00b", 5])},
    optional={"spans": GOOD | GOOD | SPANS | st.none() | st.just("x"), "meta": META | st.just([1]),
              "answer": st.sampled_from(["accept", "reject", "ignore", "maybe", 3]),
              "_annotator_id": st.sampled_from(["ann-1", 7, ""]),
              "_input_hash": st.integers(), "tokens": st.just([]),
              "label": st.just("SPORT"), "status": st.just("accepted"),
              "sections": st.just([[0, 5, "body"]])})


@settings(max_examples=400, deadline=None)
@given(task=TASKS)
def test_a_plain_task_is_read_as_the_general_path_reads_it(task):
    line = json.dumps(task, ensure_ascii=False)
    decoded = decode_line(line)
    assert decoded is NOT_DECODED or decoded == json.loads(line)
    general = task_records(json.loads(line), "t.jsonl", 3)
    fast = plain_record(decoded, "t.jsonl", 3)
    if fast is not None:
        assert general == [fast]
    assert read_line(line, "t.jsonl", 3) == general


def test_the_bench_shape_takes_the_fast_path_and_odd_json_the_general_one():
    task = {"text": TEXT, "spans": [{"start": 0, "end": 9, "label": "ORG"},
                                    {"start": 16, "end": 24, "label": "PERSON"}],
            "meta": {"source": "site/1.html"}, "answer": "accept"}
    doc = plain_record(decode_line(json.dumps(task)), "t.jsonl", 1)
    assert doc is not None and [(s.start, s.end, s.label) for s in doc.spans] == [
        (0, 9, "ORG"), (16, 24, "PERSON")]
    assert doc.annotator == "imported" and doc.status.value == "accepted"
    # what msgspec refuses is parsed by json, which repairs it or says where it is broken
    for line in ('{"text": "a", "meta": {"x": NaN}}', '{"text": "\\ud800 a"}', '{"text": 1e400}',
                 '\ufeff{"text": "a"}', '{"text": "a"} x'):
        assert decode_line(line) is NOT_DECODED
    [doc] = [r for r in read_line('{"text": "a b", "meta": {"x": NaN}}', "t.jsonl", 1)
             if not hasattr(r, "reason")]
    assert doc.meta == {"x": None}
    [problem] = read_line('{"text": "a"} x', "t.jsonl", 4)
    assert str(problem) == "t.jsonl:4: not valid JSON (extra data at column 14)"
