"""Issue 9.10, 9.11 and 9.13 on the import side: the common shapes of doccano, Label Studio and
Prodigy are read; what we pass over is named with its line; trims and partial sections are
reported; every meta key survives. Small files, imported into the real store."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import IMPORTED, Status
from annotator.io.problems import Kind
from annotator.services.importing import import_paths
from annotator.store import open_store
from tests.importing import (
    by_text,
    documents,
    jsonl,
    reasons,
    rejected,
    sections_of,
    span_texts,
    spans_of,
    texts,
    write,
)

OBAMA = "Obama was here."


# 9.10: whitespace at a span's edge


def test_span_with_whitespace_at_an_edge_is_trimmed_and_the_trim_reported(store, tmp_path):
    path = jsonl(tmp_path / "t.jsonl", {"text": OBAMA, "label": [[0, 6, "PERSON"]]})
    report = import_paths(store, [path])
    assert span_texts(store, 1) == [("Obama", "PERSON")]
    assert reasons(report) == [f"{path}:1: PERSON span 0-6 'Obama ' had whitespace at its "
                               "edges; trimmed to 0-5 'Obama'"]
    assert report.problems[0].kind is Kind.CHANGED and not rejected(report)


def test_every_kind_of_edge_space_is_trimmed_and_a_span_of_only_space_is_dropped(store, tmp_path):
    text = "  Rio Tinto\u200b said\n\u00a0BHP\u00a0 fell"
    path = jsonl(tmp_path / "t.jsonl", {"text": text, "spans": [
        {"start": 0, "end": 11, "label": "ORG"},              # leading spaces
        {"start": 2, "end": 12, "label": "ORG"},              # a zero-width space at the end
        {"start": 17, "end": 23, "label": "ORG"},             # newline, no-break spaces
        {"start": 11, "end": 12, "label": "ORG"}]})           # nothing but a zero-width space
    report = import_paths(store, [path])
    assert span_texts(store, 1) == [("Rio Tinto", "ORG"), ("BHP", "ORG")]
    kinds = [p.kind for p in report.problems]  # 3 trims; the two Rio Tintos are one span now
    assert kinds.count(Kind.CHANGED) == 4 and kinds.count(Kind.DROPPED) == 1
    assert "is given twice; kept once" in " ".join(reasons(report, Kind.CHANGED))
    assert "is only whitespace" in " ".join(reasons(report, Kind.DROPPED))


# 9.11: every meta key survives a round trip


def test_our_doccano_export_with_clashing_meta_nested_under_meta_keeps_every_key(
        store, tmp_path):
    """Our doccano export flattens meta and nests the keys that clash with its own fields
    under "meta"; both come back, and the export's own id and status do not become meta."""
    record = {"id": 7, "text": OBAMA, "label": [[0, 5, "PERSON"]], "sections": [[0, 15, "body"]],
              "source": "wire/1.txt", "status": "accepted", "topic": "politics",
              "Comments": ["checked"], "doc_id": "A-7",
              "meta": {"id": "orig-42", "label": "news", "text": "the headline", "sections": 3}}
    path = jsonl(tmp_path / "d.jsonl", record)
    report = import_paths(store, [path])
    assert report.ok, reasons(report)
    doc = documents(store)[0]
    assert doc.meta == {"id": "orig-42", "label": "news", "text": "the headline", "sections": 3,
                        "source": "wire/1.txt", "topic": "politics", "Comments": ["checked"],
                        "doc_id": "A-7"}
    assert doc.status == Status.ACCEPTED
    assert span_texts(store, doc.id) == [("Obama", "PERSON")]


def test_doccanos_own_id_and_unknown_top_level_keys_become_meta(store, tmp_path):
    path = jsonl(tmp_path / "d.jsonl",
                 {"id": 42, "text": OBAMA, "label": [[0, 5, "PERSON"]], "Comments": [],
                  "annotation_approver": None, "status": "published", "_extra": {"a": 1}})
    report = import_paths(store, [path])
    assert report.ok
    assert documents(store)[0].meta == {"id": 42, "annotation_approver": None,
                                        "status": "published", "_extra": {"a": 1}}
    assert documents(store)[0].status == Status.NEW  # "published" is not one of ours


def test_a_key_both_flattened_and_nested_with_different_values_is_reported(store, tmp_path):
    path = jsonl(tmp_path / "c.jsonl",
                 {"text": OBAMA, "site": "top", "meta": {"site": "nested", "x": 1}})
    report = import_paths(store, [path])
    assert documents(store)[0].meta == {"site": "nested", "x": 1}
    assert reasons(report, Kind.DROPPED) == [
        f"{path}:1: meta key \"site\" is both at the top level ('top') and in \"meta\" "
        "('nested'); kept the one in \"meta\""]


HOSTILE_META = {"id": "orig-1", "label": "news", "text": "the headline", "sections": 3,
                "doc_id": "A-7", "status": "published", "source": "wire/1.txt", "meta": {"x": 1},
                "spans": "s", "tokens": [1], "Comments": ["checked"], "relations": [],
                "_input_hash": 5, "answer": "no", "tags": ["a"], "nested": {"deep": [1, 2]}}


@pytest.mark.parametrize("fmt", ["doccano", "prodigy"])
def test_every_meta_key_survives_our_own_export_and_reimport(tmp_path, fmt):
    """Keys named like the fields of our exports, of doccano and of Prodigy come back as they
    were, through the CLI's export and a fresh import, with nothing reported."""
    first = tmp_path / "first.db"
    with open_store(first) as store:
        import_paths(store, [jsonl(tmp_path / "in.jsonl",
                                   {"text": OBAMA, "meta": HOSTILE_META, "answer": "reject"})])
        assert documents(store)[0].meta == HOSTILE_META
    out = tmp_path / "out.jsonl"
    run = CliRunner().invoke(main, ["export", "--db", str(first), "--format", fmt,
                                    "--out", str(out)], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    with open_store(tmp_path / "second.db") as store:
        report = import_paths(store, [out])
        assert report.ok, reasons(report)
        assert documents(store)[0].meta == HOSTILE_META
        assert documents(store)[0].status == Status.REJECTED


# 9.13: the common variants of doccano, Label Studio and Prodigy


def test_doccano_variants_label_labels_and_entities(store, tmp_path):
    text = "Rio Tinto hired Jane Doe in Perth."
    path = jsonl(tmp_path / "d.jsonl",
                 {"text": text, "label": [[0, 9, "ORG"]]},
                 {"text": text + " 2", "labels": [[16, 24, "PERSON"]]},
                 {"text": text + " 3", "entities": [
                     {"id": 1, "start_offset": 28, "end_offset": 33, "label": "GPE"}],
                  "relations": []},
                 {"text": text + " 4", "entities": [[0, 9, "ORG"]]})
    report = import_paths(store, [path])
    assert report.ok, reasons(report)
    assert [span_texts(store, d.id) for d in documents(store)] == [
        [("Rio Tinto", "ORG")], [("Jane Doe", "PERSON")], [("Perth", "GPE")],
        [("Rio Tinto", "ORG")]]
    assert all(d.meta == {} for d in documents(store))


def test_doccano_categories_and_relations_are_named_not_stored_silently(store, tmp_path):
    path = jsonl(tmp_path / "d.jsonl",
                 {"text": "Great match.", "label": ["SPORTS", "POSITIVE"]},
                 {"text": OBAMA, "entities": [
                     {"id": 1, "start_offset": 0, "end_offset": 5, "label": "PERSON"}],
                  "relations": [{"id": 3, "from_id": 1, "to_id": 1, "type": "self"}]})
    report = import_paths(store, [path])
    assert report.added == 2 and not rejected(report)
    first, second = reasons(report, Kind.CHANGED)
    assert first.startswith(f"{path}:1: \"label\" ['SPORTS', 'POSITIVE'] holds document "
                            "categories")
    assert second.startswith(f'{path}:2: "relations" looks like annotations')
    assert by_text(store, "Great match.").meta == {"label": ["SPORTS", "POSITIVE"]}


def test_prodigy_textcat_and_choice_answers_are_named(store, tmp_path):
    path = jsonl(tmp_path / "p.jsonl",
                 {"text": "Great match.", "label": "SPORTS", "answer": "accept"},
                 {"text": "Which one?", "options": [{"id": "A"}], "accept": ["A"],
                  "answer": "accept"})
    report = import_paths(store, [path])
    assert report.added == 2 and not rejected(report)
    notes = reasons(report, Kind.CHANGED)
    assert notes[0].startswith(f'{path}:1: "label" \'SPORTS\' holds document categories')
    assert notes[1].startswith(f'{path}:2: "accept" looks like annotations')


def test_annotation_like_keys_we_do_not_read_are_named_with_their_line(store, tmp_path):
    path = jsonl(tmp_path / "a.jsonl",
                 {"text": OBAMA, "ents": [{"start": 0, "end": 5, "label": "PERSON"}]},
                 {"text": OBAMA + " 2", "ner": [[0, 5, "PERSON"]]},
                 {"text": OBAMA + " 3", "annotations": [{"type": "entity", "span": [0, 5]}]},
                 {"text": OBAMA + " 4", "mentions": [{"begin": 0, "length": 5}]},
                 {"text": OBAMA + " 5", "topic": [1, 2, 3], "source": "kept quietly"})
    report = import_paths(store, [path])
    assert report.added == 5 and not rejected(report)
    assert [p.line for p in report.problems] == [1, 2, 3, 4]
    assert all('looks like annotations, which annotator does not read' in r
               and r.endswith("kept as meta") for r in reasons(report))
    assert by_text(store, OBAMA).meta == {"ents": [{"start": 0, "end": 5, "label": "PERSON"}]}
    assert all(spans_of(store, d.id) == [] for d in documents(store))


LS_TEXT = "Obama 😀 met Merkel in 🇩🇪 Berlin."


def utf16(text: str, char_offset: int) -> int:
    """JavaScript's offset (UTF-16 code units) of a character offset."""
    return len(text[:char_offset].encode("utf-16-le")) // 2


def ls_region(text: str, word: str, label: str, js_offsets: bool = False) -> dict:
    start = text.index(word)
    end = start + len(word)
    if js_offsets:
        start, end = utf16(text, start), utf16(text, end)
    return {"from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": word, "labels": [label]}}


def test_label_studio_json_export_annotations_predictions_and_skips(store, tmp_path):
    tasks = [
        {"id": 1, "data": {"text": LS_TEXT, "site": "wire"}, "inner_id": 1, "project": 3,
         "annotations": [{"completed_by": {"id": 2, "email": "ana@example.org"},
                          "was_cancelled": False,
                          "result": [ls_region(LS_TEXT, "Obama", "PER", js_offsets=True),
                                     ls_region(LS_TEXT, "Berlin", "LOC", js_offsets=True),
                                     {"type": "choices", "value": {"choices": ["politics"]}}]}],
         "predictions": [{"result": [ls_region(LS_TEXT, "Merkel", "PER")]}]},
        {"id": 2, "data": {"text": "Merkel spoke."},
         "predictions": [{"model_version": "v1", "result": [
             ls_region("Merkel spoke.", "Merkel", "PER")]}]},
        {"id": 3, "data": {"text": "Skipped task."},
         "annotations": [{"was_cancelled": True, "completed_by": 5, "result": []}]},
        {"id": 4, "data": {"url": "http://example.org"}},
    ]
    path = write(tmp_path / "export.json", json.dumps(tasks, ensure_ascii=False, indent=2))
    report = import_paths(store, [path])
    first, second, third = documents(store)
    assert span_texts(store, first.id) == [("Obama", "PER"), ("Berlin", "LOC")]
    assert {s.annotator for s in spans_of(store, first.id)} == {"label-studio:ana@example.org"}
    assert first.status == Status.ACCEPTED and first.meta == {"id": 1, "site": "wire"}
    assert span_texts(store, second.id) == [("Merkel", "PER")]
    assert spans_of(store, second.id)[0].is_suggestion and second.status == Status.NEW
    assert third.status == Status.SKIPPED
    changed = reasons(report, Kind.CHANGED)
    assert any("converted to characters" in r for r in changed)
    assert any('results not read (annotator reads text "labels" regions): 1 choices' in r
               for r in changed)
    assert [p.split(": ", 1)[1] for p in rejected(report)] == [
        'no "text" field in Label Studio "data" (its fields: "url")']


def test_label_studio_json_min_and_jsonl_tasks(store, tmp_path):
    path = jsonl(tmp_path / "ls.jsonl",
                 {"id": 9, "text": "Obama spoke.", "annotator": 4, "annotation_id": 11,
                  "lead_time": 3.2, "label": [{"start": 0, "end": 5, "text": "Obama",
                                               "labels": ["PER", "VIP"]}]},
                 {"text": "Merkel spoke.", "annotations": [
                     {"completed_by": 1, "result": [ls_region("Merkel spoke.", "Merkel", "PER")]},
                     {"completed_by": 2, "result": []}]})
    report = import_paths(store, [path])
    first, second = documents(store)
    assert span_texts(store, first.id) == [("Obama", "PER")]
    assert spans_of(store, first.id)[0].annotator == "label-studio:4"
    assert first.status == Status.ACCEPTED and first.meta == {"id": 9}
    assert span_texts(store, second.id) == [("Merkel", "PER")]
    assert reasons(report, Kind.DROPPED) == [
        f"{path}:1: label 0-5 has several labels; kept 'PER', dropped ['VIP']"]
    assert reasons(report, Kind.CHANGED) == [
        f"{path}:2: 2 Label Studio annotations; kept the first (by label-studio:1), the others "
        "are not read"]


def test_prodigy_spans_answers_and_annotator(store, tmp_path):
    path = jsonl(tmp_path / "p.jsonl",
                 {"text": OBAMA, "spans": [{"start": 0, "end": 5, "label": "PERSON",
                                            "token_start": 0, "token_end": 0}],
                  "tokens": [{"text": "Obama", "start": 0, "end": 5, "id": 0}],
                  "answer": "accept", "_annotator_id": "news-ana", "_input_hash": 1,
                  "_task_hash": 2, "_view_id": "ner_manual", "_timestamp": 3,
                  "meta": {"source": "wire"}})
    report = import_paths(store, [path])
    assert report.ok
    doc = documents(store)[0]
    assert doc.meta == {"source": "wire"} and doc.status == Status.ACCEPTED
    assert [(s.label, s.origin, s.annotator) for s in spans_of(store, doc.id)] == [
        ("PERSON", IMPORTED, "news-ana")]


def test_section_range_inside_a_line_tags_that_whole_line_with_a_note(store, tmp_path):
    text = "Menu Home\nBig headline here\n\nBy Jane Doe"
    path = jsonl(tmp_path / "s.jsonl", {"text": text, "sections": [
        {"start": 0, "end": 4, "label": "boilerplate"},        # part of line 1
        {"start": 14, "end": 32, "label": "body"},             # mid line 2 to mid line 4
        {"start": 27, "end": 29, "label": "byline"},           # the blank line only
    ]})
    report = import_paths(store, [path])
    assert [(s.block, s.label) for s in sections_of(store, 1)] == [
        (0, "boilerplate"), (1, "body"), (2, "body")]
    assert reasons(report) == [
        f"{path}:1: section boilerplate 0-4 covers only part of block 0; tagged the whole block",
        f"{path}:1: section body 14-32 covers only part of block 1, 2; tagged the whole block",
        f"{path}:1: section byline 27-29 covers no line with text; dropped"]


def test_two_sections_claiming_one_block_keep_the_later_with_a_note(store, tmp_path):
    text = "One\nTwo\nThree"
    path = jsonl(tmp_path / "s.jsonl", {"text": text, "sections": [
        [0, 7, "body"], [4, 13, "boilerplate"]]})
    report = import_paths(store, [path])
    assert [(s.block, s.label) for s in sections_of(store, 1)] == [
        (0, "body"), (1, "boilerplate"), (2, "boilerplate")]
    assert reasons(report) == [f"{path}:1: block 1 is in sections body and boilerplate; kept "
                               "boilerplate"]


def test_utf16_without_a_bom_is_decoded_not_called_binary(store, tmp_path):
    latin = "Zoë Müller joined Rio Tinto in Perth.\nSecond line.\n"
    cjk = "東京で会議が開かれた。日本の首相が出席した。\n"
    write(tmp_path / "in" / "le.txt", latin.encode("utf-16-le"))
    write(tmp_path / "in" / "be.txt", (latin + "2").encode("utf-16-be"))
    write(tmp_path / "in" / "cjk.txt", (cjk * 20).encode("utf-16-le"))
    write(tmp_path / "in" / "tasks.jsonl",
          '{"text": "One task"}\n{"text": "Two tasks"}\n'.encode("utf-16-le"))
    report = import_paths(store, [tmp_path / "in"])
    assert report.ok, reasons(report)
    assert sorted(texts(store)) == sorted([latin, latin + "2", cjk * 20, "One task",
                                           "Two tasks"])


def test_text_of_only_invisible_characters_is_rejected_as_empty(store, tmp_path):
    invisible = "\u200b\u200c\u200d\u2060\ufeff \u3164\n\u00ad"
    write(tmp_path / "in" / "zw.txt", invisible)
    write(tmp_path / "in" / "zw.html", f"<html><body><p>{invisible}</p></body></html>")
    jsonl(tmp_path / "in" / "zw.jsonl", {"text": invisible}, {"text": "visible\u200b"})
    report = import_paths(store, [tmp_path / "in"])
    assert texts(store) == ["visible\u200b"]
    assert sorted(rejected(report)) == sorted([
        f"{tmp_path / 'in' / 'zw.html'}: no visible text in the HTML page",
        f'{tmp_path / "in" / "zw.jsonl"}:1: "text" is empty (nothing but whitespace or '
        "invisible characters)",
        f"{tmp_path / 'in' / 'zw.txt'}: file has no text (only whitespace or invisible "
        "characters)"])


def test_spacy_training_tuples_and_duplicate_spans(store, tmp_path):
    """spaCy v2 training data, [text, {"entities": [[start, end, label]]}], one per line; the
    same span given twice is kept once, with a note (not reported as a loss)."""
    path = jsonl(tmp_path / "spacy.jsonl",
                 [OBAMA, {"entities": [[0, 5, "PERSON"], [0, 5, "PERSON"]]}])
    report = import_paths(store, [path])
    assert span_texts(store, 1) == [("Obama", "PERSON")]
    assert [(p.kind, p.reason) for p in report.problems] == [
        (Kind.CHANGED, "PERSON span 0-5 is given twice; kept once")]


def test_offsets_counted_in_utf8_bytes_are_converted_when_the_span_says_its_text(
        store, tmp_path):
    text = "Zoë Müller met Søren in Oslo."
    start = len(text[:text.index("Søren")].encode())
    path = jsonl(tmp_path / "bytes.jsonl", {"text": text, "spans": [
        {"start": start, "end": start + len("Søren".encode()), "label": "PERSON",
         "text": "Søren"}]})
    report = import_paths(store, [path])
    assert span_texts(store, 1) == [("Søren", "PERSON")]
    assert reasons(report) == [
        f"{path}:1: offsets count UTF-8 bytes; converted to characters"]


def test_json_files_arrays_single_objects_streams_and_a_jsonl_that_is_one_array(
        store, tmp_path):
    pretty = json.dumps({"text": "pretty one"}, indent=2) + "\n" + json.dumps(
        {"text": "pretty two"}, indent=2)
    write(tmp_path / "in" / "array.jsonl", json.dumps([{"text": "in an array"}], indent=2))
    write(tmp_path / "in" / "pretty.jsonl", pretty)
    write(tmp_path / "in" / "single.json", json.dumps({"text": "single"}))
    write(tmp_path / "in" / "broken.json", '[\n{"text": "kept"},\n{"text": "lost"\n')
    report = import_paths(store, [tmp_path / "in"])
    assert sorted(texts(store)) == ["in an array", "kept", "pretty one", "pretty two",
                                    "single"]
    assert rejected(report) == [
        f"{tmp_path / 'in' / 'broken.json'}:3: not valid JSON (Expecting ',' delimiter at line "
        "4 column 1); the rest of the file is not read"]


def test_a_jsonl_file_with_a_broken_first_line_still_reads_its_other_lines(store, tmp_path):
    path = write(tmp_path / "b.jsonl", '{"text": "broken\n{"text": "good"}\n')
    report = import_paths(store, [path])
    assert texts(store) == ["good"]
    assert [p.line for p in report.problems] == [1]
