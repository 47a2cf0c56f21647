"""The label set as a project keeps it: names checked when made and when imported (file and line),
keys unique, renames and deletes that carry their spans along in one transaction, and a label set
declared up front (``--label``)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.domain import (
    LabelError,
    LabelKind,
    NewDocument,
    Span,
    Status,
    validate_annotator_name,
    validate_label_name,
)
from annotator.services.importing import import_paths
from annotator.services.merging import merge
from annotator.store import open_store

TEXT = "Rio Tinto hired Jane Doe in Perth.\nBy Ali Khan\n\nRead more: Gold rush"


def span(word: str, label: str, annotator: str | None = "ana") -> Span:
    start = TEXT.index(word)
    return Span(start, start + len(word), label, annotator=annotator)


@pytest.fixture
def labelled(store):
    """Two documents with ORG and PERSON spans and section tags."""
    docs = [NewDocument(TEXT, "a.txt", spans=[span("Rio Tinto", "ORG"), span("Perth", "GPE")],
                        sections=[(0, 34, "body")], status=Status.ACCEPTED),
            NewDocument(TEXT + "!", "b.txt", spans=[span("Rio Tinto", "ORG"),
                                                    span("Jane Doe", "PERSON")])]
    store.documents.add(docs)
    return store


@pytest.mark.parametrize("name, fragment", [
    ("NEW ORG", "whitespace: space (U+0020) at character 4; use NEW_ORG"),
    ("ORG ", "at character 4; use ORG"),
    ("\tORG", "whitespace: tab (U+0009) at character 1"),
    ("ORG\n", "line feed"),
    ("NEW\u00a0ORG", "no-break space"),
    ("ORG\u200b", "invisible or control character: zero width space (U+200B)"),
    ("OR\x07G", "control character (U+0007)"),
    ("\u202eGRO", "right-to-left override"),
    ("", "empty"),
    ("X" * 65, "65 characters long"),
    (7, "not text (int)"),
])
def test_label_names_with_whitespace_or_invisible_characters_are_refused_with_why(name,
                                                                                  fragment):
    assert fragment in validate_label_name(name)


@pytest.mark.parametrize("name", ["ORG", "NEW_ORG", "related_links", "Ünïcödé", "B-LOC",
                                  "数据", "🌀"])
def test_one_visible_word_is_a_label_name(name):
    assert validate_label_name(name) is None


def test_an_annotators_name_may_have_spaces_between_words_but_not_a_provenance_word():
    assert validate_annotator_name("Zoë Müller") is None
    assert "starts or ends with a space" in validate_annotator_name(" Zoë")
    assert "no person made" in validate_annotator_name("Imported")
    assert "line feed" in validate_annotator_name("Zoë\nMüller")


def test_add_takes_a_free_key_and_colour_and_refuses_a_taken_name_or_key(store):
    store.labels.delete("entity", "DATE")  # frees key 9
    added = store.labels.add("entity", "COMMODITY")
    assert (added.key, added.position) == ("9", 10)
    assert added.colour not in {lab.colour for lab in store.labels.of("entity")[:-1]}
    assert store.labels.add("entity", "TICKER").key == "B"  # every digit taken: a letter
    assert store.labels.add("section", "headline").key == "Ctrl+5"
    with pytest.raises(LabelError, match="already an entity label 'ORG'"):
        store.labels.add("entity", "ORG")
    with pytest.raises(LabelError, match="key ctrl\\+1 is already the key of section label "
                                         "'boilerplate'"):
        store.labels.add("entity", "FUND", key="ctrl+1")  # keys share one keyboard
    with pytest.raises(LabelError, match="has whitespace"):
        store.labels.add("entity", "NEW ORG")
    with pytest.raises(LabelError, match="#rrggbb"):
        store.labels.add("entity", "FUND", colour="red")
    assert "FUND" not in store.labels.names("entity")


def test_new_labels_past_the_palette_get_colours_of_their_own(store):
    """Past the ten palette colours a new label used to take the first one again (PERSON's
    blue): now each gets a colour no label of its kind has, light enough for black text."""
    from annotator.store.labels import _distance, _rgb

    for i in range(20):
        store.labels.add("entity", f"EXTRA{i}")
    colours = [lab.colour for lab in store.labels.of("entity")]
    assert len(set(colours)) == len(colours)
    rgb = [_rgb(c) for c in colours]
    nearest = min(_distance(a, b) for i, a in enumerate(rgb) for b in rgb[i + 1:])
    assert nearest > 40  # not two shades of one colour
    for r, g, b in rgb:  # relative luminance: black text stays readable
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b > 130
    for i in range(12):
        store.labels.add("section", f"part{i}")
    sections = [lab.colour for lab in store.labels.of("section")]
    assert len(set(sections)) == len(sections)


def test_rename_carries_every_span_and_section_tag_along(labelled):
    usage = labelled.labels.rename("entity", "ORG", "COMPANY")
    assert usage.describe() == "2 spans in 2 documents"
    assert [s.label for s in labelled.spans.of(1)] == ["COMPANY", "GPE"]
    assert [s.label for s in labelled.spans.of(2)] == ["COMPANY", "PERSON"]
    old = labelled.labels.get("entity", "COMPANY")
    assert (old.key, old.position) == ("2", 1)  # same key and place in the palette
    labelled.labels.rename("section", "body", "article_body")
    assert [s.label for s in labelled.sections.of(1)] == ["article_body"]
    with pytest.raises(LabelError, match="already an entity label 'PERSON'; delete or rename it"):
        labelled.labels.rename("entity", "COMPANY", "PERSON")
    with pytest.raises(LabelError, match="no entity label 'ORG'"):
        labelled.labels.rename("entity", "ORG", "X")
    with pytest.raises(LabelError, match="whitespace"):
        labelled.labels.rename("entity", "COMPANY", "BIG CO")
    assert labelled.labels.usage("entity", "COMPANY").items == 2


def test_a_rename_that_fails_half_way_changes_nothing(labelled):
    """One transaction: a row the database refuses to rename leaves the label and every span as
    they were."""
    labelled.conn.execute(
        "CREATE TRIGGER refuse AFTER UPDATE ON spans WHEN NEW.doc_id = 2 "
        "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END")
    with pytest.raises(sqlite3.IntegrityError, match="refused for the test"):
        labelled.labels.rename("entity", "ORG", "COMPANY")
    assert "ORG" in labelled.labels.names("entity")
    assert "COMPANY" not in labelled.labels.names("entity")
    assert [s.label for s in labelled.spans.of(1)] == ["ORG", "GPE"]


def test_recolour_and_rekey_check_their_values(labelled):
    assert labelled.labels.recolour("entity", "ORG", "#A1B2C3").colour == "#a1b2c3"
    assert labelled.labels.rekey("entity", "ORG", "q").key == "q"
    with pytest.raises(LabelError, match="already the key of entity label 'ORG'"):
        labelled.labels.rekey("entity", "PERSON", "Q")
    assert labelled.labels.rekey("entity", "PERSON", "").key == ""
    assert labelled.labels.rekey("entity", "GPE", "1").key == "1"  # freed by PERSON
    with pytest.raises(LabelError, match="not a key name"):
        labelled.labels.rekey("entity", "GPE", "Ctrl + 1")
    with pytest.raises(LabelError, match="#rrggbb"):
        labelled.labels.recolour("entity", "ORG", "#12345")


def test_delete_takes_the_labels_spans_and_says_how_many(labelled):
    assert labelled.labels.usage("entity", "ORG").describe() == "2 spans in 2 documents"
    gone = labelled.labels.delete("entity", "ORG")
    assert (gone.items, gone.documents) == (2, 2)
    assert "ORG" not in labelled.labels.names("entity")
    assert [s.label for s in labelled.spans.of(1)] == ["GPE"]
    assert [s.label for s in labelled.spans.of(2)] == ["PERSON"]
    assert labelled.documents.get(1).status == Status.ACCEPTED  # statuses stay
    assert labelled.labels.delete("section", "body").describe() == "1 section tag in 1 document"
    assert labelled.sections.of(1) == []
    with pytest.raises(LabelError, match="no entity label 'ORG'"):
        labelled.labels.delete("entity", "ORG")


def test_declare_makes_exactly_the_given_set_keeping_labels_in_use(labelled):
    done = labelled.labels.declare("entity", ["ORG", "COMMODITY"])
    assert done.added == ["COMMODITY"]
    assert sorted(done.removed) == ["DATE", "EVENT", "FAC", "LOC", "MONEY", "NORP", "PRODUCT"]
    assert [(u.name, u.items) for u in done.kept] == [("PERSON", 1), ("GPE", 1)]
    assert [(lab.name, lab.key) for lab in labelled.labels.of("entity")] == [
        ("ORG", "1"), ("COMMODITY", "2"), ("PERSON", "3"), ("GPE", "4")]
    labelled.labels.rekey("entity", "COMMODITY", "c")
    again = labelled.labels.declare("entity", ["ORG", "COMMODITY"])
    assert not again.changed and not again.added and not again.removed
    assert labelled.labels.get("entity", "COMMODITY").key == "c"
    with pytest.raises(LabelError, match="whitespace"):
        labelled.labels.declare("entity", ["ORG", "BAD NAME"])
    assert len(labelled.labels.names("entity")) == 4


def jsonl(path: Path, *tasks: dict) -> Path:
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks), encoding="utf-8")
    return path


def test_imported_label_names_are_checked_and_refusals_name_the_file_and_line(store,
                                                                              tmp_path):
    path = jsonl(tmp_path / "tasks.jsonl",
                 {"text": "BHP rose.", "spans": [{"start": 0, "end": 3, "label": "ORG"}]},
                 {"text": "BHP fell.", "spans": [{"start": 0, "end": 3, "label": "NEW ORG"},
                                                 {"start": 4, "end": 8, "label": "NEW ORG"}]},
                 {"text": "Rio rose.", "label": [[0, 3, "ORG\t"]],
                  "sections": [{"start": 0, "end": 9, "label": "main\u200bbody"}]})
    report = import_paths(store, [path])
    assert report.added == 3
    assert [str(p) for p in report.problems] == [
        f"{path}:2: 2 spans labelled 'NEW ORG' dropped: label 'NEW ORG' has whitespace: space "
        "(U+0020) at character 4; use NEW_ORG",
        f"{path}:3: 1 span labelled 'ORG\\t' dropped: label 'ORG\\t' has whitespace: tab "
        "(U+0009) at character 4; use ORG",
        f"{path}:3: 1 section block labelled 'main\\u200bbody' dropped: label "
        "'main\\u200bbody' has an invisible or control character: zero width space (U+200B) "
        "at character 5"]
    assert all(p.dropped_span for p in report.problems)
    assert [s.label for s in store.spans.of(1)] == ["ORG"]
    assert store.spans.of(2) == [] and store.spans.of(3) == [] and store.sections.of(3) == []
    names = store.labels.names("entity") + store.labels.names("section")
    assert all(validate_label_name(n) is None for n in names)


def test_new_labels_a_file_brings_join_with_a_free_key_unless_the_set_is_fixed(store,
                                                                              tmp_path):
    store.labels.declare("entity", ["ORG", "COMMODITY"])
    path = jsonl(tmp_path / "t.jsonl",
                 {"text": "Gold rose.", "spans": [{"start": 0, "end": 4, "label": "COMMODITY"}]},
                 {"text": "Ana rose.", "spans": [{"start": 0, "end": 3, "label": "PERSON"}]})
    report = import_paths(store, [path], fixed_labels=[LabelKind.ENTITY])
    assert [str(p) for p in report.problems] == [
        f"{path}:2: 1 span labelled 'PERSON' dropped: 'PERSON' is not in the entity label set "
        "given for this import (COMMODITY, ORG)"]
    assert store.labels.names("entity") == ["ORG", "COMMODITY"]
    other = jsonl(tmp_path / "u.jsonl",
                  {"text": "Ana fell.", "spans": [{"start": 0, "end": 3, "label": "PERSON"}]})
    assert import_paths(store, [other]).ok
    assert store.labels.get("entity", "PERSON").key == "3"


def test_merge_refuses_a_source_whose_label_names_the_target_would_refuse(tmp_path):
    """A project made before names were checked: nothing of it is merged, and the message says
    which label and how to fix it."""
    source, target = tmp_path / "old.db", tmp_path / "target.db"
    with open_store(source) as old:
        old.documents.add([NewDocument(TEXT, "a.txt")])
        old.conn.execute("INSERT INTO labels (kind, name, colour, key, position) "
                         "VALUES ('entity', 'NEW ORG', '#cccccc', '', 20)")
        old.conn.execute("INSERT INTO spans (doc_id, start, \"end\", label, origin, annotator, "
                         "created_at) VALUES (1, 0, 3, 'NEW ORG', 'human', 'ana', 'now')")
    with open_store(target) as store:
        with pytest.raises(ValueError, match="'NEW ORG' has whitespace.*labels rename"):
            merge(store, [source])
        assert store.documents.count() == 0


def test_rename_and_delete_raise_the_revision_of_the_documents_they_change(labelled):
    """A window showing one of those documents re-reads it before its next edit."""
    before = labelled.documents.revisions([1, 2])
    labelled.labels.rename("entity", "PERSON", "PER")  # only document 2 has one
    after = labelled.documents.revisions([1, 2])
    assert (after[1], after[2]) == (before[1], before[2] + 1)
    labelled.labels.delete("entity", "ORG")  # both have one
    assert labelled.documents.revisions([1, 2]) == {1: after[1] + 1, 2: after[2] + 1}
    labelled.labels.recolour("entity", "GPE", "#000000")
    assert labelled.documents.revisions([1, 2]) == {1: after[1] + 1, 2: after[2] + 1}


def test_another_window_cannot_edit_back_a_label_renamed_meanwhile(tmp_path):
    """Window B still shows ORG when window A renames it to COMPANY: B's relabel of the span
    it saw is refused with a message, and B re-reads the document (showing COMPANY)."""
    from annotator.core.session import Session

    path = tmp_path / "p.db"
    with open_store(path) as store:
        store.documents.add([NewDocument(TEXT, "a.txt", spans=[span("Rio Tinto", "ORG")])])
    said = []

    class View:
        def show_message(self, text):
            said.append(text)

        def __getattr__(self, name):
            return lambda *args: None

    with open_store(path) as first, open_store(path) as second:
        b = Session(second, annotator="bruno", view=View())
        b.open_document(1)
        [seen] = b.spans
        first.labels.rename("entity", "ORG", "COMPANY")
        assert b.relabel(seen, "GPE") == []
        assert "changed in another window" in said[-1]
        assert [s.label for s in second.spans.of(1)] == ["COMPANY"]
        assert [s.label for s in b.spans] == ["COMPANY"]


def test_a_read_only_project_refuses_every_label_change(labelled):
    from annotator.store import ReadOnlyProjectError

    path = labelled.path
    labelled.close()
    with open_store(path, read_only=True) as frozen:
        for change in (lambda: frozen.labels.add("entity", "X"),
                       lambda: frozen.labels.rename("entity", "ORG", "CO"),
                       lambda: frozen.labels.recolour("entity", "ORG", "#000000"),
                       lambda: frozen.labels.rekey("entity", "ORG", "o"),
                       lambda: frozen.labels.delete("entity", "ORG"),
                       lambda: frozen.labels.declare("entity", ["ORG"])):
            with pytest.raises(ReadOnlyProjectError):
                change()
        assert frozen.labels.usage("entity", "ORG").items == 2
        assert frozen.labels.get("entity", "ORG").key == "2"
