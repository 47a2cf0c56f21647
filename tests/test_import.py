"""Import as FORMATS.md says: every good input goes in, every bad one is reported as path[:line]."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.domain import IMPORTED, Status
from annotator.services.importing import import_paths
from annotator.store import Store

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def texts(store: Store) -> list[str]:
    return [d.text for batch in store.documents.iter() for d in batch]


def jsonl(path: Path, *records: object) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return write(path, "\n".join(lines) + "\n")


def test_plain_text_file_is_one_document_with_its_path_as_source(store, tmp_path):
    path = write(tmp_path / "a.txt", "Headline\nBody line.\n")
    report = import_paths(store, [path])
    assert report.added == 1 and report.ok
    doc = store.documents.get(1)
    assert doc.text == "Headline\nBody line.\n"
    assert doc.meta["source"] == str(path) and doc.source == str(path)
    assert doc.status == Status.NEW


def test_empty_file_is_rejected_by_path(store, tmp_path):
    path = write(tmp_path / "empty.txt", b"")
    report = import_paths(store, [path])
    assert report.added == 0
    assert [str(p) for p in report.problems] == [f"{path}: file is empty"]


def test_binary_file_is_rejected_and_the_rest_goes_in(store, tmp_path):
    write(tmp_path / "d" / "pic.txt", bytes(range(256)) * 4)
    write(tmp_path / "d" / "good.txt", "A real article.")
    report = import_paths(store, [tmp_path / "d"])
    assert report.added == 1
    assert len(report.problems) == 1
    assert "pic.txt: binary file" in str(report.problems[0])


def test_damaged_utf8_text_file_is_rejected_with_line_and_byte(store, tmp_path):
    path = write(tmp_path / "bad.txt", "Zoë Müller\nsecond line\n".encode() + b"bro\xffken\n")
    report = import_paths(store, [path])
    assert report.added == 0
    assert str(report.problems[0]) == f"{path}:3: invalid UTF-8: byte 0xff at column 4"


def test_cp1252_file_is_detected_and_decoded(store, tmp_path):
    text = ("Le café de José est très réputé à Montréal. \u201cC\u2019est naïf\u201d, dit "
            "Zoë, la propriétaire, en décembre.\n")
    path = write(tmp_path / "legacy.txt", text.encode("cp1252"))
    report = import_paths(store, [path])
    assert report.ok and report.added == 1
    assert texts(store) == [text]


def test_utf8_bom_is_dropped(store, tmp_path):
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbfWith a BOM\n")
    import_paths(store, [path])
    assert texts(store) == ["With a BOM\n"]


def test_crlf_and_cr_line_endings_are_normalised(store, tmp_path):
    path = write(tmp_path / "crlf.txt", b"one\r\ntwo\rthree\r\n")
    import_paths(store, [path])
    assert texts(store) == ["one\ntwo\nthree\n"]


def test_folders_are_walked_recursively_and_hidden_files_skipped(store, tmp_path):
    write(tmp_path / "a" / "b" / "c" / "deep.txt", "deep")
    write(tmp_path / "a" / "top.txt", "top")
    write(tmp_path / "a" / ".hidden" / "x.txt", "hidden")
    write(tmp_path / "a" / "notes.pdf", b"%PDF")
    report = import_paths(store, [tmp_path / "a"])
    assert report.added == 2 and report.files == 2
    assert sorted(texts(store)) == ["deep", "top"]


def test_same_text_twice_is_one_document_and_reported_as_duplicate(store, tmp_path):
    write(tmp_path / "one.txt", "Same story.")
    write(tmp_path / "two.txt", "Same story.")
    report = import_paths(store, [tmp_path])
    assert report.added == 1
    assert report.duplicates == [(str(tmp_path / "two.txt"), 1)]
    again = import_paths(store, [tmp_path / "one.txt"])
    assert again.added == 0 and again.duplicates == [(str(tmp_path / "one.txt"), 1)]


def test_jsonl_prodigy_doccano_and_entities_shapes(store, tmp_path):
    text = "Rio Tinto hired Jane Doe in Perth."
    path = jsonl(
        tmp_path / "tasks.jsonl",
        {"text": text, "spans": [{"start": 0, "end": 9, "label": "ORG"}], "meta": {"id": "a"}},
        {"text": text + " 2", "label": [[16, 24, "PERSON"], [28, 33, "GPE"]]},
        {"text": text + " 3", "entities": [{"start_offset": 0, "end_offset": 9, "label": "ORG",
                                            "id": 4}]},
    )
    report = import_paths(store, [path])
    assert report.ok and report.added == 3
    got = [[(s.start, s.end, s.label, s.origin) for s in store.spans.of(i)] for i in (1, 2, 3)]
    assert got == [
        [(0, 9, "ORG", IMPORTED)],
        [(16, 24, "PERSON", IMPORTED), (28, 33, "GPE", IMPORTED)],
        [(0, 9, "ORG", IMPORTED)],
    ]
    assert store.documents.get(1).meta == {"id": "a"}


def test_jsonl_sections_become_block_tags(store, tmp_path):
    text = "Menu Home\nBig headline here\nBy Jane Doe"
    path = jsonl(tmp_path / "s.jsonl", {"text": text, "sections": [
        {"start": 0, "end": 9, "label": "boilerplate"},
        {"start": 10, "end": 27, "label": "body"},
        {"start": 28, "end": 39, "label": "byline"}]})
    import_paths(store, [path])
    assert [(s.block, s.label) for s in store.sections.of(1)] == [
        (0, "boilerplate"), (1, "body"), (2, "byline")]


def test_jsonl_answer_sets_status(store, tmp_path):
    path = jsonl(tmp_path / "a.jsonl", {"text": "x1", "answer": "accept"},
                 {"text": "x2", "answer": "reject"}, {"text": "x3", "answer": "ignore"})
    import_paths(store, [path])
    assert [store.documents.get(i).status for i in (1, 2, 3)] == [
        Status.ACCEPTED, Status.REJECTED, Status.SKIPPED]


def test_bad_jsonl_lines_are_reported_by_line_and_skipped(store, tmp_path):
    path = jsonl(
        tmp_path / "mixed.jsonl",
        {"text": "good one"},
        "{not json",
        {"no_text": 1},
        {"text": 42},
        "[1, 2]",
        {"text": "good two"},
    )
    report = import_paths(store, [path])
    assert report.added == 2
    reasons = [str(p) for p in report.problems]
    assert reasons[0].startswith(f"{path}:2: not valid JSON")
    assert reasons[1:] == [
        f'{path}:3: no "text" field',
        f'{path}:4: "text" is a int, not a string',
        f"{path}:5: not a JSON object",
    ]


def test_bad_spans_are_dropped_and_their_document_still_goes_in(store, tmp_path):
    path = jsonl(tmp_path / "spans.jsonl", {"text": "Rio Tinto", "spans": [
        {"start": 0, "end": 3, "label": "ORG"},
        {"start": 4, "end": 99, "label": "ORG"},
        {"start": 5, "end": 5, "label": "ORG"},
        {"begin": 1},
        {"start": 4, "end": 9, "label": ""},
    ]})
    report = import_paths(store, [path])
    assert report.added == 1
    assert [(s.start, s.end) for s in store.spans.of(1)] == [(0, 3)]
    assert all(p.line == 1 and p.dropped_span for p in report.problems)
    assert len(report.problems) == 4
    reasons = " | ".join(str(p) for p in report.problems)
    for reason in ("unknown shape", "outside the text", "empty or reversed",
                   "is not a non-empty string"):
        assert reason in reasons


def test_jsonl_offsets_follow_crlf_normalisation(store, tmp_path):
    raw = "Line one\r\nRio Tinto\r\nsays BHP"
    spans = [{"start": raw.index("Rio"), "end": raw.index("Rio") + 9, "label": "ORG"},
             {"start": raw.index("BHP"), "end": raw.index("BHP") + 3, "label": "ORG"}]
    path = jsonl(tmp_path / "crlf.jsonl", {"text": raw, "spans": spans})
    import_paths(store, [path])
    doc = store.documents.get(1)
    assert doc.text == "Line one\nRio Tinto\nsays BHP"
    assert [doc.text[s.start:s.end] for s in store.spans.of(1)] == ["Rio Tinto", "BHP"]


def test_emoji_before_a_span_does_not_shift_its_offsets(store, tmp_path):
    text = "🔥🇫🇷 Trending: Zoë Müller joins Rio Tinto"
    start = text.index("Rio")
    path = jsonl(tmp_path / "e.jsonl",
                 {"text": text, "spans": [{"start": start, "end": start + 9, "label": "ORG"}]})
    import_paths(store, [path])
    span = store.spans.of(1)[0]
    assert text[span.start:span.end] == "Rio Tinto"


def test_damaged_utf8_jsonl_line_is_reported_and_other_lines_go_in(store, tmp_path):
    good = json.dumps({"text": "Zoë ok"}, ensure_ascii=False).encode()
    path = write(tmp_path / "d.jsonl", good + b'\n{"text": "bad \xff"}\n' + good[:-2] + b'2"}\n')
    report = import_paths(store, [path])
    assert report.added == 2
    assert [str(p) for p in report.problems] == [
        f"{path}:2: invalid UTF-8: byte 0xff at column 15"]


def test_unknown_labels_join_the_project_label_set(store, tmp_path):
    path = jsonl(tmp_path / "l.jsonl", {"text": "Acme Widget", "spans": [
        {"start": 0, "end": 11, "label": "BRAND"}]})
    import_paths(store, [path])
    assert "BRAND" in store.labels.names("entity")


def test_html_blocks_script_style_comments_and_form_values_dropped(store, tmp_path):
    html = """<!doctype html><html><head><title>Mine deal</title>
    <style>p { color: red }</style><script>document.write("evil")</script></head>
    <body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
    <article><h1>Rio Tinto buys a mine</h1><!-- hidden comment -->
    <p>The deal, worth <b>$2bn</b>, was signed in Perth.</p>
    <p>Read more: <a href="/x">Other story</a></p></article>
    <textarea style="display:none"><div class="acHeadline hidden">{{headline}}</div></textarea>
    <form><textarea name="comment">Write a comment</textarea></form>
    <footer><p>&copy; 2025 Example News</p></footer></body></html>"""
    path = write(tmp_path / "page.html", html)
    report = import_paths(store, [path])
    assert report.ok
    doc = store.documents.get(1)
    assert doc.text.split("\n") == [
        "Home", "News", "Rio Tinto buys a mine", "The deal, worth $2bn, was signed in Perth.",
        "Read more: Other story", "© 2025 Example News"]
    assert doc.meta["title"] == "Mine deal"
    assert "evil" not in doc.text and "hidden" not in doc.text
    assert "acHeadline" not in doc.text and "Write a comment" not in doc.text  # form values


def test_html_in_declared_legacy_charset(store, tmp_path):
    html = ('<html><head><meta charset="windows-1252"></head>'
            "<body><p>Café “au lait”</p></body></html>")
    path = write(tmp_path / "legacy.html", html.encode("cp1252"))
    import_paths(store, [path])
    assert store.documents.get(1).text == "Café “au lait”"


def test_missing_path_is_reported(store, tmp_path):
    report = import_paths(store, [tmp_path / "nope"])
    assert [str(p) for p in report.problems] == [f"{tmp_path / 'nope'}: no such file or folder"]


def test_nothing_already_in_the_project_changes_on_a_bad_import(store, tmp_path):
    first = jsonl(tmp_path / "first.jsonl", {"text": "Kept text", "spans": [
        {"start": 0, "end": 4, "label": "ORG"}]})
    import_paths(store, [first])
    store.documents.set_status(1, Status.ACCEPTED, "ann")
    second = jsonl(tmp_path / "second.jsonl", {"text": "Kept text", "spans": []}, "{broken")
    report = import_paths(store, [second])
    assert report.added == 0 and len(report.duplicates) == 1 and len(report.problems) == 1
    assert store.documents.get(1).status == Status.ACCEPTED
    assert [(s.start, s.end, s.label) for s in store.spans.of(1)] == [(0, 4, "ORG")]


def test_sample_data_imports_cleanly(store):
    report = import_paths(store, [SAMPLE_DATA])
    assert report.ok, [str(p) for p in report.problems]
    assert report.added >= 10


def test_labels_of_a_task_accepted_elsewhere_count_as_confirmed(store, tmp_path):
    """An answer in the file means a person decided; its labels are not suggestions."""
    spans = [{"start": 0, "end": 3, "label": "ORG"}]
    sections = [{"start": 0, "end": 8, "label": "body"}]
    path = jsonl(tmp_path / "p.jsonl",
                 {"text": "BHP rose", "spans": spans, "sections": sections, "answer": "accept",
                  "_annotator_id": "proj-maria"},
                 {"text": "BHP fell", "spans": spans, "answer": "reject"},
                 {"text": "BHP flat", "spans": spans})
    import_paths(store, [path])
    first, second, third = (store.spans.of(i)[0] for i in (1, 2, 3))
    assert first.confirmed and first.annotator == "proj-maria"
    assert store.sections.of(1)[0].annotator == "proj-maria"
    assert second.confirmed and second.annotator == IMPORTED
    assert third.is_suggestion and third.origin == IMPORTED
