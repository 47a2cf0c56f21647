"""Curation span by span: a merged project keeps every annotator's version; a curator settles
each disagreement by taking an alternative or keeping their own edit, through the session (one
transaction, undoable); the result exports as a gold project with no alternatives in it."""

from __future__ import annotations

import json
import shutil

import pytest
from team_projects import ARTICLES, team

from annotator.core.curating import document_disagreements, next_place, open_places, take
from annotator.core.session import Session
from annotator.domain import Status
from annotator.services.exporting import export
from annotator.services.merging import merge
from annotator.store import open_store

SCHEMAS = __import__("pathlib").Path(__file__).parent / "data" / "schemas"


@pytest.fixture
def gold(tmp_path):
    """maria, bob and carol merged into a new project."""
    path = tmp_path / "gold.db"
    with open_store(path) as store:
        merge(store, team(tmp_path))
    return path


def where(store, doc_id):
    text = store.documents.get(doc_id).text
    return [(d.kind, text[d.start:d.end], [(d.say(a, text), a.annotators)
                                           for a in d.alternatives], settled is not None)
            for d, settled in document_disagreements(store, doc_id, text)]


def test_a_merged_document_keeps_every_version_and_shows_who_chose_what(gold):
    with open_store(gold) as store:
        assert sorted(store.curation.versions(1)) == ["bob", "carol", "maria"]
        assert where(store, 1) == [
            ("entity", "Emmanuel Macron", [("ORG “Emmanuel Macron”", ("bob",)),
                                           ("PERSON “Macron”", ("carol",)),
                                           ("PERSON “Emmanuel Macron”", ("maria",))], False),
            ("entity", "Berlin", [("GPE “Berlin”", ("carol", "maria")),
                                  ("no label", ("bob",))], False),
            ("section", "Read more: markets", [("related_links", ("carol", "maria")),
                                               ("boilerplate", ("bob",))], False)]
        assert len(list(open_places(store))) == 6
        # the gold holds what all three agree on, nothing of the open regions
        text = ARTICLES[0]
        assert [text[s.start:s.end] for s in store.spans.of(1)] == ["Angela Merkel"]
        # Japan was agreed until carol's LOC came: reopened, it leaves the gold too
        assert [s.label for s in store.spans.of(2)] == ["ORG"]
        assert store.documents.get(1).status == Status.IN_PROGRESS


def settle_all(session, store, choice=0):
    """Take alternative ``choice`` of each open disagreement, going from one to the next."""
    place = next_place(store, 0, -1)
    taken = 0
    while place is not None:
        doc_id, d = place
        if session.doc is None or session.doc.id != doc_id:
            session.open_document(doc_id)
        assert take(session, d, choice)
        taken += 1
        place = next_place(store, doc_id, d.start)
    return taken


def test_settling_takes_an_alternative_into_the_gold_and_undo_reopens_it(gold):
    with open_store(gold) as store:
        session = Session(store, "cora")
        session.open_document(1)
        macron, berlin, related = [d for d, _ in document_disagreements(
            store, 1, ARTICLES[0])]
        assert take(session, macron, 2)  # maria's PERSON "Emmanuel Macron"
        assert [(s.start, s.end, s.label, s.annotator) for s in store.spans.of(1)] == [
            (0, 13, "PERSON", "maria"), (18, 33, "PERSON", "cora")]
        assert store.curation.settled(1)[macron.key].choice == ("maria",)
        assert take(session, related, 1)  # bob's boilerplate on the third line
        assert {s.block: s.label for s in store.sections.of(1)}[2] == "boilerplate"
        assert [done for *_, done in where(store, 1)] == [True, False, True]
        session.undo()
        assert 2 not in {s.block for s in store.sections.of(1)}
        session.undo()
        assert [(s.start, s.label) for s in store.spans.of(1)] == [(0, "PERSON")]
        assert store.curation.settled(1) == {}
        session.redo()
        assert [(s.start, s.label) for s in store.spans.of(1)] == [(0, "PERSON"), (18, "PERSON")]
        assert [done for *_, done in where(store, 1)] == [True, False, False]
        assert not take(session, berlin, 5)  # there is no sixth alternative


def test_keeping_an_edit_settles_with_the_curators_own_span(gold):
    with open_store(gold) as store:
        session = Session(store, "cora")
        session.open_document(1)
        macron = document_disagreements(store, 1, ARTICLES[0])[0][0]
        session.label_range(27, 33, "PERSON", snap=False)  # "Macron" by hand (Alt-drag)
        assert take(session, macron, None)
        assert store.curation.settled(1)[macron.key].choice == ()
        assert [(s.start, s.end) for s in store.spans.of(1)] == [(0, 13), (27, 33)]
        session.undo()  # reopens it, and the hand-made span stays
        assert store.curation.settled(1) == {} and len(store.spans.of(1)) == 2


def test_next_goes_through_every_open_disagreement_in_order_and_round(gold):
    with open_store(gold) as store:
        places = [(doc, d.start) for doc, d in open_places(store)]
        assert places == [(1, 18), (1, 37), (1, 57), (2, 24), (2, 33), (3, 35)]
        assert next_place(store, 1, 37)[1].start == 57
        assert next_place(store, 3, 35)[0:1] == (1,)  # round to the first
        assert next_place(store, 2, 24, backwards=True)[0:1] == (1,)
        assert next_place(store, 1, 18, backwards=True)[1].start == 35  # round to the last


def test_after_curation_the_export_holds_only_the_settled_gold(gold, tmp_path):
    with open_store(gold) as store:
        session = Session(store, "cora")
        assert settle_all(session, store) == 6  # the most chosen (or first) alternative
        assert list(open_places(store)) == []
        for doc_id in store.documents.ids():
            session.open_document(doc_id)
            session.set_status(Status.ACCEPTED)
        out = tmp_path / "gold.jsonl"
        export(store, "doccano", out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    labels = {r["text"].split("\n")[0]: [(r["text"][s:e], lab) for s, e, lab in r["label"]]
              for r in records}
    assert labels == {
        "Angela Merkel met Emmanuel Macron in Berlin.": [
            ("Angela Merkel", "PERSON"), ("Emmanuel Macron", "ORG"), ("Berlin", "GPE")],
        "Toyota recalled cars in Japan on Monday.": [
            ("Toyota", "ORG"), ("Japan", "GPE"), ("Monday", "DATE")],
        "Google bought a startup in London.": [("Google", "ORG"), ("London", "GPE")]}
    assert all(set(r) >= {"sections"} for r in records)
    assert "versions" not in out.read_text() and "carol" not in out.read_text()


def test_merging_again_keeps_what_the_curator_settled(gold, tmp_path):
    with open_store(gold) as store:
        session = Session(store, "cora")
        session.open_document(2)
        japan = document_disagreements(store, 2, ARTICLES[1])[0][0]
        take(session, japan, 1)  # carol's LOC
        session.label_range(33, 39, "DATE", snap=False)  # Monday by hand, not yet settled
        merge(store, [tmp_path / "bob.db"])
        assert [(s.label) for s in store.spans.of(2)] == ["ORG", "LOC", "DATE"]
        assert store.curation.settled(2)[japan.key].choice == ("carol",)
        assert len(list(open_places(store))) == 5  # Monday is still open: the span waits


def test_an_old_merged_project_shows_its_whole_document_conflict_span_by_span(tmp_path):
    """A project merged before m009 kept cy's whole version of document 3 as a conflict."""
    path = tmp_path / "old.db"
    shutil.copyfile(SCHEMAS / "m004_origin_and_colour.db", path)
    with open_store(path) as store:
        versions = store.curation.versions(3)
        assert sorted(versions) == ["ana, bo", "cy"]  # the document's own labels, and cy's
        assert versions["ana, bo"].spans == [(24, 33, "PERSON"), (42, 48, "GPE")]
        assert versions["cy"].spans == [(0, 6, "ORG")] and versions["cy"].status == "rejected"
        found = where(store, 3)
        assert found and all(not done for *_, done in found)
        assert any(("ORG “Cookie”", ("cy",)) in alts for _k, _w, alts, _d in found)
