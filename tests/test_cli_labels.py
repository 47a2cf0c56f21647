"""``annotator labels ...`` and the label options of ``import``, through click's test runner on
real project files: what each prints, what it changes, and its exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import NewDocument, Span, Status
from annotator.store import open_store

TEXT = "Rio Tinto hired Jane Doe in Perth."


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def db(tmp_path) -> Path:
    """A project with ORG on two documents and a body section tag."""
    path = tmp_path / "p.db"
    with open_store(path) as store:
        store.documents.add([
            NewDocument(TEXT, "a.txt", spans=[Span(0, 9, "ORG", annotator="ana")],
                        sections=[(0, len(TEXT), "body")]),
            NewDocument(TEXT + " Again.", "b.txt", spans=[Span(0, 9, "ORG")])])
    return path


def labels(db: Path, kind: str = "entity") -> list[tuple[str, str, str]]:
    with open_store(db) as store:
        return [(lab.name, lab.key, lab.colour) for lab in store.labels.of(kind)]


def test_list_shows_kind_colour_key_and_use(db):
    result = run("labels", "list", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["entity", "ORG", "#f2b462", "2", "2", "spans", "in", "2",
                                "documents"]
    assert lines[2].split()[-1] == "unused"
    assert "section  body" in result.output and "1 section tag in 1 document" in result.output
    assert run("labels", "list", "--db", db.parent / "none.db").exit_code == 1


def test_add_rename_recolour_rekey_print_what_they_did(db):
    result = run("labels", "add", "--db", db, "COMMODITY", "--colour", "#336699", "--key", "c")
    assert result.output == "Added entity label COMMODITY (#336699, key c)\n"
    result = run("labels", "rename", "--db", db, "ORG", "COMPANY")
    assert result.output == "Renamed entity label ORG to COMPANY (2 spans in 2 documents)\n"
    with open_store(db) as store:
        assert [s.label for s in store.spans.of(1) + store.spans.of(2)] == ["COMPANY"] * 2
    assert run("labels", "recolour", "--db", db, "COMPANY", "#ABCDEF").exit_code == 0
    assert run("labels", "rekey", "--db", db, "COMPANY", "k").output == \
        "entity label COMPANY now has key k\n"
    assert ("COMPANY", "k", "#abcdef") in labels(db)
    result = run("labels", "rename", "--db", db, "body", "article")  # a section: no --kind
    assert result.output == "Renamed section label body to article (1 section tag in 1 " \
        "document)\n"


def test_refused_changes_say_why_exit_1_and_change_nothing(db):
    before = labels(db)
    for args, why in [
        (["add", "NEW ORG"], "label 'NEW ORG' has whitespace: space (U+0020) at character 4; "
                             "use NEW_ORG"),
        (["add", "ORG"], "there is already an entity label 'ORG'"),
        (["rename", "ORG", "PERSON"], "there is already an entity label 'PERSON'"),
        (["rename", "ORG", "MY\tORG"], "tab (U+0009)"),
        (["rekey", "ORG", "1"], "key 1 is already the key of entity label 'PERSON'"),
        (["recolour", "ORG", "orange"], "is not of the form #rrggbb"),
        (["rename", "NOPE", "X"], "there is no label 'NOPE'"),
    ]:
        result = run("labels", args[0], "--db", db, *args[1:])
        assert result.exit_code == 1, (args, result.output)
        assert why in result.output, (args, result.output)
    assert labels(db) == before


def test_delete_of_a_label_in_use_needs_yes_and_says_what_goes(db):
    result = run("labels", "delete", "--db", db, "ORG")
    assert result.exit_code == 1
    assert ("entity label ORG is on 2 spans in 2 documents, which would be deleted with it. "
            "Nothing changed: run again with --yes") in result.output
    assert "ORG" in [name for name, _, _ in labels(db)]
    result = run("labels", "delete", "--db", db, "ORG", "--yes")
    assert result.exit_code == 0
    assert result.output == "Deleted entity label ORG and 2 spans in 2 documents\n"
    with open_store(db) as store:
        assert store.spans.of(1) == [] and store.spans.of(2) == []
    assert run("labels", "delete", "--db", db, "MONEY").output == "Deleted entity label MONEY\n"


def test_a_name_both_kinds_have_needs_kind(db):
    assert run("labels", "add", "--db", db, "--kind", "section", "ORG").exit_code == 0
    result = run("labels", "delete", "--db", db, "ORG")
    assert result.exit_code == 1 and "both an entity and a section label" in result.output
    assert run("labels", "delete", "--db", db, "ORG", "--kind", "section").exit_code == 0
    assert "ORG" not in [name for name, _, _ in labels(db, "section")]


def jsonl(path: Path, *tasks: dict) -> Path:
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks), encoding="utf-8")
    return path


def test_import_label_sets_the_entity_labels_up_front_and_drops_others_by_line(tmp_path):
    tasks = jsonl(tmp_path / "t.jsonl",
                  {"text": "Gold rose at BHP.", "spans": [
                      {"start": 0, "end": 4, "label": "COMMODITY"},
                      {"start": 13, "end": 16, "label": "ORG"}]},
                  {"text": "Ana Lee joined BHP.", "spans": [
                      {"start": 0, "end": 7, "label": "PERSON"}]})
    db = tmp_path / "new.db"
    result = run("import", "--db", db, "--label", "ORG, COMMODITY", tasks)
    assert result.exit_code == 1
    assert "Entity labels: ORG (1), COMMODITY (2)" in result.output
    assert (f"dropped span: {tasks}:2: 1 span labelled 'PERSON' dropped: 'PERSON' is not in "
            "the entity label set given for this import (COMMODITY, ORG)") in result.output
    assert [(name, key) for name, key, _ in labels(db)] == [("ORG", "1"), ("COMMODITY", "2")]
    with open_store(db) as store:
        assert [s.label for s in store.spans.of(1)] == ["COMMODITY", "ORG"]
        assert store.documents.count() == 2


def test_import_label_from_a_file_refuses_a_bad_name_with_its_line(tmp_path):
    names = tmp_path / "labels.txt"
    names.write_text("# our labels\nORG\n\nCOMMODITY \n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Gold rose.", encoding="utf-8")
    db = tmp_path / "p.db"
    result = run("import", "--db", db, "--label", names, article)
    assert result.exit_code == 2
    assert (f"{names}:4: label 'COMMODITY ' has whitespace: space (U+0020) at character 10; "
            "use COMMODITY") in result.output
    assert not db.exists()  # refused before anything was opened
    names.write_text("# our labels\nORG\n\nCOMMODITY\n", encoding="utf-8")
    assert run("import", "--db", db, "--label", names, article).exit_code == 0
    assert [name for name, _, _ in labels(db)] == ["ORG", "COMMODITY"]


def test_import_label_keeps_labels_people_used_and_says_so(db, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Gold rose.", encoding="utf-8")
    result = run("import", "--db", db, "--label", "COMMODITY", article)
    assert result.exit_code == 0, result.output
    assert "kept: ORG is not in --label but 2 spans in 2 documents use it" in result.output
    assert [name for name, _, _ in labels(db)] == ["COMMODITY", "ORG"]


def test_import_refuses_label_names_in_a_file_by_line_and_the_rest_goes_in(tmp_path):
    tasks = jsonl(tmp_path / "t.jsonl",
                  {"text": "Gold rose.", "spans": [{"start": 0, "end": 4, "label": "METAL"}]},
                  {"text": "Tin fell.", "label": [[0, 3, "BASE METAL"]]})
    db = tmp_path / "p.db"
    result = run("import", "--db", db, tasks)
    assert result.exit_code == 1
    assert "Added 2 documents" in result.output
    assert (f"dropped span: {tasks}:2: 1 span labelled 'BASE METAL' dropped: label "
            "'BASE METAL' has whitespace: space (U+0020) at character 5; use BASE_METAL"
            ) in result.output
    assert "METAL" in [name for name, _, _ in labels(db)]


def test_import_annotator_names_who_confirmed_what_the_file_does_not_attribute(tmp_path):
    tasks = jsonl(tmp_path / "t.jsonl",
                  {"text": "Gold rose.", "answer": "accept",
                   "spans": [{"start": 0, "end": 4, "label": "ORG"}]},
                  {"text": "Tin fell.", "answer": "accept", "_annotator_id": "maria",
                   "spans": [{"start": 0, "end": 3, "label": "ORG"}]},
                  {"text": "Zinc flat.", "spans": [{"start": 0, "end": 4, "label": "ORG"}]})
    db = tmp_path / "p.db"
    assert run("import", "--db", db, "--annotator", "Ana Lee", tasks).exit_code == 0
    with open_store(db) as store:
        assert [store.spans.of(i)[0].annotator for i in (1, 2, 3)] == ["Ana Lee", "maria", None]
        assert store.documents.get(1).status == Status.ACCEPTED
    result = run("import", "--db", db, "--annotator", "imported", tasks)
    assert result.exit_code == 2 and "no person made" in result.output


def test_import_label_with_preannotate_suggests_only_the_given_labels(tmp_path):
    """The real spaCy model finds people, places and dates too; with --label GPE it suggests
    places only, as Prodigy's ner.correct --label does."""
    article = tmp_path / "a.txt"
    article.write_text("Jane Doe of Andes Copper met the union in Santiago, Chile on Monday.",
                       encoding="utf-8")
    db = tmp_path / "p.db"
    result = run("import", "--db", db, "--label", "GPE,COMMODITY", "--preannotate", article)
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        found = {(s.label, store.documents.get(1).text[s.start:s.end])
                 for s in store.spans.of(1)}
    assert found == {("GPE", "Santiago"), ("GPE", "Chile")}
