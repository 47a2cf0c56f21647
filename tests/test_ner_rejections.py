"""Rejected suggestions (issue 11 part 4), the held-back site split, and which model folders may
load: store and plain-Python parts of the project's own entity model, no training."""

from __future__ import annotations

import json

import spacy

from annotator.core.commands import EditSpans
from annotator.domain import HUMAN, NewDocument, Span, Status
from annotator.nlp.pipeline import ModelNotFound, foreign_code, load_model
from annotator.services.ner_split import site_of, split_by_site
from annotator.store.confirmed import ConfirmedDoc
from annotator.store.suggestions import DocSuggestions

TEXT = "Sapporo hosted the G7 meeting where METI officials met Reuters reporters."
MODEL = "model:en_core_web_sm@3.8.0"


def _doc(store) -> int:
    return store.documents.add([NewDocument(TEXT, "a.txt")]).added[0]


def test_deleting_or_relabelling_a_suggestion_rejects_it_and_undo_lifts_it(store):
    doc_id = _doc(store)
    store.suggestions.add("m", [DocSuggestions(doc_id, [Span(0, 7, "ORG", MODEL),
                                                        Span(18, 20, "GPE", MODEL)])])
    sapporo, g7 = store.spans.of(doc_id)
    delete = EditSpans(doc_id, TEXT, [g7], [])
    delete.do(store)
    relabel = EditSpans(doc_id, TEXT, [sapporo], [Span(0, 7, "GPE", HUMAN, "ann")])
    relabel.do(store)
    assert store.suggestions.rejected([doc_id]) == {doc_id: {(18, 20, "GPE"), (0, 7, "ORG")}}
    delete.undo(store)
    assert store.suggestions.rejected([doc_id]) == {doc_id: {(0, 7, "ORG")}}
    # a person's own span removed is not a rejection of a suggestion
    EditSpans(doc_id, TEXT, [store.spans.of(doc_id)[0]], []).do(store)
    assert store.suggestions.rejected([doc_id]) == {doc_id: {(0, 7, "ORG")}}


def test_a_rejected_suggestion_is_never_stored_again_and_older_models_are_replaced(store):
    doc_id = _doc(store)
    store.suggestions.add("old", [DocSuggestions(doc_id, [Span(0, 7, "ORG", MODEL),
                                                          Span(18, 20, "GPE", MODEL)])])
    store.spans.remove(doc_id, store.spans.of(doc_id)[0])  # the person deletes "Sapporo" ORG
    store.spans.add(doc_id, Span(39, 43, "ORG", HUMAN, "ann"))  # and labels METI
    new = "model:ner-1"
    store.suggestions.add("ner-1", [DocSuggestions(
        doc_id, [Span(0, 7, "ORG", new), Span(18, 20, "NORP", new), Span(56, 63, "ORG", new)])],
        replace_models=new)
    spans = {(s.start, s.end, s.label, s.origin) for s in store.spans.of(doc_id)}
    assert spans == {(39, 43, "ORG", HUMAN), (18, 20, "NORP", new), (56, 63, "ORG", new)}


def _confirmed(doc_id: int, site: str, complete: bool = True) -> ConfirmedDoc:
    return ConfirmedDoc(doc_id, f"text {doc_id}", f"/data/{site}/{doc_id}.txt", {"site": site},
                        complete, [(0, 4, "ORG")])


def test_the_held_back_part_takes_whole_sites_and_is_stable():
    docs = [_confirmed(i, f"site{i % 7}.com", complete=i % 5 != 0) for i in range(70)]
    split = split_by_site(docs, 0.2)
    held_sites = {site_of(d) for d in split.held}
    assert split.held and held_sites == set(split.held_sites)
    assert not held_sites & {site_of(d) for d in split.train}
    assert all(d.complete for d in split.held)
    assert split_by_site(list(reversed(docs)), 0.2).held_sites == split.held_sites


def test_one_site_falls_back_on_documents_and_says_so():
    split = split_by_site([_confirmed(i, "one.com") for i in range(10)], 0.2)
    assert len(split.held) == 2 and "one source" in split.note


def test_a_wire_copy_lands_on_the_same_side_as_its_original_whatever_its_site():
    docs = [_confirmed(i, f"site{i % 7}.com") for i in range(70)]
    plain = split_by_site(docs, 0.2)
    held, trained = plain.held[0].doc_id, plain.train[0].doc_id
    groups = {held: 1, trained: 1}  # a story held back, reprinted on a site it trains on
    split = split_by_site(docs, 0.2, groups=groups)
    sides = [{held, trained} <= {d.doc_id for d in part} for part in (split.train, split.held)]
    assert any(sides)
    assert not {site_of(d) for d in split.held} & {site_of(d) for d in split.train}


def test_one_site_keeps_each_near_duplicate_group_on_one_side():
    docs = [_confirmed(i, "one.com") for i in range(10)]
    groups = {i: 100 + i // 2 for i in range(10)}  # five pairs of reprints
    split = split_by_site(docs, 0.4, groups=groups)
    held = {groups[d.doc_id] for d in split.held}
    assert held and not held & {groups[d.doc_id] for d in split.train}


def test_the_site_comes_from_meta_url_canonical_link_or_source():
    page = ConfirmedDoc(1, "t", "/tmp/x/page.html", {}, True,
                        html_head='<head><link rel="canonical" href="https://www.ft.com/a/1">')
    assert site_of(page) == "ft.com"
    assert site_of(ConfirmedDoc(2, "t", "s", {"url": "http://News.BBC.co.uk/x"}, True)) \
        == "news.bbc.co.uk"
    assert site_of(ConfirmedDoc(3, "t", "/data/reuters/1.txt", {}, True)) == "/data/reuters"
    assert site_of(ConfirmedDoc(4, "t", "https://apnews.com/article/9", {}, True)) == "apnews.com"


def test_a_model_folder_that_names_code_outside_spacy_is_never_loaded(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("ner").add_label("ORG")
    nlp.initialize()
    nlp.to_disk(tmp_path / "ok")
    assert foreign_code(spacy.util.load_config(tmp_path / "ok" / "config.cfg")) == []
    assert "ner" in load_model(str(tmp_path / "ok")).pipe_names
    config = (tmp_path / "ok" / "config.cfg").read_text()
    (tmp_path / "ok" / "config.cfg").write_text(
        config.replace("after_creation = null", 'after_creation = {"@callbacks":"evil.v1"}'))
    try:
        load_model(str(tmp_path / "ok"))
    except ModelNotFound as exc:
        assert "not part of spaCy" in str(exc)
    else:
        raise AssertionError("a folder naming foreign code was loaded")


def test_accepted_documents_count_whole_and_unfinished_ones_only_their_confirmed_spans(store):
    ids = store.documents.add([
        NewDocument(TEXT, "a.txt", spans=[Span(0, 7, "GPE", HUMAN, "ann")],
                    status=Status.ACCEPTED, annotator="ann"),
        NewDocument(TEXT + " ", "b.txt"), NewDocument(TEXT + "  ", "c.txt")]).added
    store.suggestions.add("m", [DocSuggestions(ids[1], [Span(0, 7, "ORG", MODEL)]),
                                DocSuggestions(ids[2], [Span(0, 7, "ORG", MODEL)])])
    store.spans.add(ids[1], Span(39, 43, "ORG", HUMAN, "ann"))
    got = {d.doc_id: (d.complete, d.spans) for d in store.confirmed.documents()}
    assert got == {ids[0]: (True, [(0, 7, "GPE")]), ids[1]: (False, [(39, 43, "ORG")])}
    assert [r[0] for r in store.confirmed.unlabelled(5, set())] == [ids[2]]
    assert json.loads(json.dumps(store.settings.starting_with("mod"))) == {
        "model": store.settings.get("model")}
