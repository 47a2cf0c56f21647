"""One adapted section model per site inside a project (issue 14, "learning per project"): a
project's model holds, beside the weights adapted on every confirmed page, the weights adapted on
each site's confirmed pages alone; a page of such a site is read with its site's weights (in
training's re-suggestions and in pre-annotation), every other page with the pooled ones. The
per-site weights are data like the rest of the file: checked on load, never code. Real project
files, the real classifier and the shipped base model."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from learning_project import make_project

from annotator.core.tasks import Cancelled
from annotator.domain import blocks
from annotator.nlp.section_features import SectionPage
from annotator.nlp.section_model import ModelFormatError, SectionModel, SiteWeights, load_base
from annotator.nlp.section_train import train_sections as fit
from annotator.services.model_versions import ModelVersions, models_folder
from annotator.services.section_evidence import as_page, project_sections
from annotator.services.section_learning import _data, train_sections
from annotator.store import open_store

SITES = {"daily.example": 5, "herald.example": 4, "post.example": 2}
CONFIRMED = {"daily.example": 3, "herald.example": 2}  # post.example: none confirmed


def swapped(model: SectionModel) -> SiteWeights:
    """Weights that read a page very differently: the body and boilerplate rows swapped."""
    order = list(range(len(model.labels)))
    i, j = model.labels.index("body"), model.labels.index("boilerplate")
    order[i], order[j] = j, i
    return SiteWeights(model.weights[order].copy(), model.bias[order].copy(),
                       model.site_transitions)


def pooled(model: SectionModel) -> SectionModel:
    return dataclasses.replace(model, sites={})


def reading(model: SectionModel, weights: SiteWeights) -> SectionModel:
    """A plain model with ``weights`` as its own."""
    return dataclasses.replace(model, weights=weights.weights, bias=weights.bias,
                               site_transitions=weights.site_transitions, sites={})


def page_text(n: int = 0) -> str:
    return ("Home | World | Sport\nRiver council approves the new bridge budget\nBy Ana Ruiz\n"
            f"The council voted on Monday to spend the money on bridge number {n}.\n"
            "Work starts in spring and should take two years, officials said.\n"
            "Read more:\nFerry fares rise again\n© 2025 Valley News")


# -- the model -------------------------------------------------------------------------------------

def test_a_page_of_a_site_with_weights_is_read_with_them_and_any_other_with_the_models_own():
    model = load_base()
    model.sites = {"a.example": swapped(model)}
    text = page_text()
    own = model.predict(SectionPage(text, site="b.example"))
    assert model.predict(SectionPage(text)) == own == pooled(model).predict(SectionPage(text))
    theirs = model.predict(SectionPage(text, site="a.example"))
    assert theirs == reading(model, model.sites["a.example"]).predict(SectionPage(text))
    assert theirs != own
    assert model.for_site("a.example") is model.for_site("a.example")  # made once, then looked up
    assert model.for_site("b.example") is model and model.for_site(None) is model
    assert model.predict_rows([]) == []  # predict_rows reads with the model's own weights


def test_site_weights_round_trip_through_json_with_the_same_predictions(tmp_path):
    model = load_base()
    model.sites = {"a.example": swapped(model),
                   "b.example": SiteWeights(model.weights * 0.5, model.bias + 1.0)}
    model.save(tmp_path / "model.json")
    again = SectionModel.load(tmp_path / "model.json")
    assert sorted(again.sites) == ["a.example", "b.example"]
    assert again.sites["b.example"].site_transitions is None
    np.testing.assert_allclose(again.sites["a.example"].weights, model.sites["a.example"].weights,
                               atol=1e-6)
    assert again.to_json() == model.to_json()
    for site in (None, "a.example", "b.example", "c.example"):
        page = SectionPage(page_text(), site=site)
        assert again.predict(page) == model.predict(page)


def test_the_base_model_and_an_older_file_without_sites_load_and_read_as_before(tmp_path):
    base = load_base()
    assert base.sites == {} and "sites" not in base.to_dict()
    data = base.to_dict()
    data["site_transitions"] = base.transitions.tolist()  # an adapted model of an older version
    older = SectionModel.from_dict(json.loads(json.dumps(data)))
    assert older.sites == {}
    for site in (None, "a.example"):
        page = SectionPage(page_text(), site=site)
        assert older.predict(page) == dataclasses.replace(base, site_transitions=base.transitions
                                                          ).predict(page)


def _with_sites(sites) -> dict:
    data = load_base().to_dict()
    data["sites"] = sites
    return data


K, D = load_base().weights.shape
GOOD = {"weights": [[0.0] * D] * K, "bias": [0.0] * K}


@pytest.mark.parametrize("sites", [
    [GOOD],  # not an object
    "a.example",
    {"a.example": [GOOD]},  # an entry that is not an object
    {"a.example": {"weights": [[0.0] * D] * (K - 1), "bias": [0.0] * K}},  # wrong shape
    {"a.example": {"weights": [[0.0] * (D + 1)] * K, "bias": [0.0] * K}},
    {"a.example": {"weights": [[0.0] * D] * K, "bias": [0.0] * (K + 1)}},
    {"a.example": {"weights": [[0.0] * D] * K}},  # no bias
    {"a.example": {**GOOD, "site_transitions": [[0.0] * K] * K}},  # (labels + 1) rows needed
    {"a.example": {"weights": [[float("nan")] * D] * K, "bias": [0.0] * K}},
    {"a.example": {"weights": [[0.0] * D] * K, "bias": [float("inf")] + [0.0] * (K - 1)}},
    {"a.example": {"weights": [["__import__('os').system('touch /tmp/pwned')"] * D] * K,
                   "bias": [0.0] * K}},  # wrong type
    {"a.example": {"weights": {"body": 1}, "bias": [0.0] * K}},
    {"": GOOD},  # a site name must be a non-empty string
    {7: GOOD},
    {None: GOOD},
])
def test_crafted_site_weights_are_refused(sites):
    with pytest.raises(ModelFormatError):
        SectionModel.from_dict(_with_sites(sites))


def test_crafted_site_weights_in_a_file_are_refused(tmp_path):
    path = tmp_path / "model.json"
    text = json.dumps(_with_sites({"a.example": {"weights": [[0.0] * D] * K, "bias": [0] * K}}))
    path.write_text(text.replace('"bias": [0, 0', '"bias": [NaN, 0'), encoding="utf-8")
    with pytest.raises(ModelFormatError):
        SectionModel.load(path)
    assert SectionModel.from_dict(_with_sites({"a.example": GOOD})).sites["a.example"].bias.shape \
        == (K,)


# -- the project -----------------------------------------------------------------------------------

def _trained(tmp_path):
    path = tmp_path / "news.db"
    gold = make_project(path, SITES, CONFIRMED)
    store = open_store(path)
    return path, gold, store, train_sections(store)


def test_training_adapts_one_model_per_site_with_confirmed_pages(tmp_path):
    """The file has weights for each site with confirmed pages, each the base adapted on that
    site's confirmed pages alone; a site with none (and a document with no site) is read with
    the pooled weights."""
    path, _gold, store, report = _trained(tmp_path)
    with store:
        data = json.loads((models_folder(path) / "sections-1" / "model.json").read_text("utf-8"))
        assert sorted(data["sites"]) == ["daily.example", "herald.example"]
        model = SectionModel.from_dict(data)
        sections = project_sections(store)
        daily = [p for p in sections.confirmed if sections.index.site(p.doc_id) == "daily.example"]
        assert len(daily) == 3
        alone = fit(_data(daily, daily, sections.index, {p.doc_id: p.page for p in daily}),
                    base=load_base(), seed=0)  # the site's pages, with the site's evidence
        np.testing.assert_allclose(model.sites["daily.example"].weights, alone.weights, atol=2e-6)
        np.testing.assert_allclose(model.sites["daily.example"].site_transitions,
                                   alone.site_transitions, atol=2e-6)
        assert not np.allclose(model.sites["daily.example"].weights, model.weights, atol=1e-3)
        assert model.for_site("post.example") is model and model.for_site(None) is model
        assert report.sites == 2 and report.held_back == 2  # the 2nd page of each
        # what was re-suggested is what the site's weights say
        for doc_id in store.section_pages.unfinished_ids():
            site = sections.index.site(doc_id)
            record = store.section_pages.pages([doc_id])[0]
            reader = model.for_site(site)
            assert (reader is model) == (site == "post.example")
            labels = reader.predict(SectionPage(record.text, record.html, record.features),
                                    sections.evidence(doc_id, record.text))
            stored = {s.block: s.label for s in store.sections.of(doc_id)}
            assert stored == {i: label for i, label in enumerate(labels) if label is not None}


def test_a_page_of_a_site_is_read_with_its_sites_weights_in_the_project(tmp_path):
    path, _gold, store, _report = _trained(tmp_path)
    with store:
        sections = project_sections(store)
        model = sections.model
        model.sites["herald.example"] = swapped(model)  # unmistakable
        for doc_id in store.section_pages.unfinished_ids():
            site = sections.index.site(doc_id)
            record = store.section_pages.pages([doc_id])[0]
            page = as_page(record, site)
            evidence = sections.evidence(doc_id, record.text)
            labels = model.predict(page, evidence)
            if site == "herald.example":
                assert labels == reading(model, model.sites[site]).predict(page, evidence)
                assert labels != pooled(model).predict(page, evidence)
            elif site == "post.example":
                assert labels == pooled(model).predict(page, evidence)


def test_cancelling_between_the_per_site_fits_leaves_the_project_as_it_was(tmp_path):
    path = tmp_path / "news.db"
    make_project(path, SITES, CONFIRMED)
    with open_store(path) as store:
        before = store.conn.execute("SELECT * FROM sections ORDER BY id").fetchall()
        seen: list[str] = []

        def stop_after_the_first_site() -> bool:
            return any(m.startswith("Adapting to each site: 1 of") for m in seen)

        with pytest.raises(Cancelled):
            train_sections(store, progress=lambda d, t, m="": seen.append(m),
                           should_stop=stop_after_the_first_site)
        assert "Adapting to each site: 1 of 2 sites" in seen
        assert any(m.startswith("Scoring each site: 1 of 2 sites") for m in seen)
        assert store.conn.execute("SELECT * FROM sections ORDER BY id").fetchall() == before
        assert ModelVersions(store, "sections").active() is None


@pytest.mark.slow  # loads the installed spaCy model
def test_preannotation_reads_a_sites_documents_with_the_sites_weights(tmp_path):
    """Pre-annotation passes each document's site with its item, so the active project model
    reads it with that site's weights; a site without weights gets the pooled ones."""
    from learning_project import html_document

    from annotator.services.preannotation import preannotate

    path, _gold, store, _report = _trained(tmp_path)
    with store:
        versions = ModelVersions(store, "sections")
        file = versions.folder(versions.active()) / "model.json"
        model = SectionModel.load(file)
        model.sites["herald.example"] = swapped(model)  # unmistakable
        model.save(file)
        new = store.documents.add([html_document("herald.example", 9)[0],
                                   html_document("post.example", 9)[0]]).added
        report = preannotate(store)
        assert report.documents >= 2
        sections = project_sections(store)
        for doc_id, site in zip(new, ("herald.example", "post.example"), strict=True):
            assert sections.index.site(doc_id) == site
            record = store.section_pages.pages([doc_id])[0]
            page = SectionPage(record.text, record.html, record.features)
            evidence = sections.evidence(doc_id, record.text)
            want = (reading(model, model.sites[site]) if site in model.sites
                    else pooled(model)).predict(page, evidence)
            stored = {s.block: s.label for s in store.sections.of(doc_id)}
            assert len(stored) == len(blocks(record.text))
            assert stored == dict(enumerate(want))
            if site == "herald.example":
                assert want != pooled(model).predict(page, evidence)


# -- unseen template slots of a site with one confirmed page ---------------------------------------

LINES = ["boilerplate", "body", "byline", "body", "body", "related_links", "related_links",
         "boilerplate"]  # page_text's blocks


def _readers() -> tuple[SectionModel, SiteWeights]:
    """A model whose own weights say body for every block, and weights that say boilerplate
    unless a confirmed page's evidence (``parent:body``) says body."""
    labels = ["body", "byline", "related_links", "boilerplate"]
    k = len(labels)
    body, boiler = np.zeros((k, 2)), np.zeros((k, 2))
    body[0, 0] = boiler[3, 0] = 5.0
    boiler[0, 1] = 20.0
    model = SectionModel(labels, ["bias", "parent:body"], body, np.zeros(k), np.ones(2),
                         np.log(np.full((k + 1, k), 0.25)), smoothing=0.0)
    return model, SiteWeights(boiler, np.zeros(k))


def test_a_model_adapted_without_unseen_slots_reads_them_with_the_weights_it_started_from():
    """Only a block whose tag path *and* line no confirmed page had is read with ``start``, and
    as a page with no confirmed page is (the confirmed pages' evidence left out, the rules
    deciding their labels); in a project the flag is each site's own, the start weights the
    model's; all of it survives the file."""
    model, start = _readers()
    rows = [{"bias": 1.0, "path:unseen": 1.0, "line:unseen": 1.0,  # a slot no page had ...
             "parent:body": 1.0},  # ... in a container whose other slots were body
            {"bias": 1.0, "line:unseen": 1.0},  # a known slot, a new line
            {"bias": 1.0}]
    assert model.predict_rows(rows) == ["body"] * 3
    alone = dataclasses.replace(model, start=start, unseen_to_start=True)
    assert alone.predict_rows(rows) == ["boilerplate", "body", "body"]
    project = dataclasses.replace(model, start=start, sites={
        "one.example": SiteWeights(model.weights, model.bias, unseen_to_start=True),
        "many.example": SiteWeights(model.weights, model.bias)})
    again = SectionModel.from_json(project.to_json())
    for reader in (project, again):
        assert reader.predict_rows(rows) == ["body"] * 3  # the model's own: flag not set
        assert reader.for_site("one.example").predict_rows(rows) == ["boilerplate", "body", "body"]
        assert reader.for_site("many.example").predict_rows(rows) == ["body"] * 3
    assert again.sites["one.example"].unseen_to_start
    assert not again.sites["many.example"].unseen_to_start
    np.testing.assert_allclose(again.start.weights, start.weights)
    base = load_base()
    assert base.start is None and not base.unseen_to_start
    assert "start" not in base.to_dict() and "unseen_to_start" not in base.to_dict()
    ruled = dataclasses.replace(alone, rule_labels=["byline"])
    by = {"bias": 1.0, "rules:byline": 1.0, "site_confirmed_log": 1.0}
    assert ruled.predict_rows([{**by, "path:unseen": 1.0, "line:unseen": 1.0}, by, rows[2]]) \
        == ["byline", "body", "body"]  # the rules decide byline on the unseen slot only


def test_adapting_on_one_page_of_a_site_keeps_the_base_for_its_unseen_slots():
    """One confirmed page is seen with no confirmed evidence of its own (leave-one-out), so the
    adaptation never learns how a slot no confirmed page had goes: those blocks keep the base's
    weights. From two pages on, each is seen with the other's labels and the adaptation learns
    it."""
    from annotator.nlp.section_features import SiteEvidence
    from annotator.nlp.section_train import Example

    base = load_base()
    pages = [SectionPage(page_text(n), site="a.example") for n in range(2)]
    one = fit([Example(pages[0], LINES)], base=base, seed=0, steps=5)
    assert one.unseen_to_start
    np.testing.assert_allclose(one.start.weights, base.weights)
    np.testing.assert_allclose(one.start.bias, base.bias)
    examples = []
    for page, other in ((pages[0], pages[1]), (pages[1], pages[0])):
        evidence = SiteEvidence.from_texts([other.text])
        evidence.add_confirmed(other, LINES)
        examples.append(Example(page, LINES, evidence))
    two = fit(examples, base=base, seed=0, steps=5)
    assert not two.unseen_to_start and two.start is None


def test_a_project_site_with_one_confirmed_page_reads_its_unseen_slots_with_the_base(tmp_path):
    path = tmp_path / "news.db"
    make_project(path, SITES, {"daily.example": 3, "herald.example": 1})
    with open_store(path) as store:
        train_sections(store)
        data = json.loads((models_folder(path) / "sections-1" / "model.json").read_text("utf-8"))
    model = SectionModel.from_dict(data)
    assert model.sites["herald.example"].unseen_to_start
    assert not model.sites["daily.example"].unseen_to_start and not model.unseen_to_start
    np.testing.assert_allclose(model.start.weights, load_base().weights, atol=1e-6)


@pytest.mark.parametrize("extra", [
    {"unseen_to_start": "yes"},
    {"unseen_to_start": 1},
    {"unseen_to_start": True},  # no start weights to read with
    {"start": {"weights": [[0.0] * D] * K}},  # no bias
    {"start": {"weights": [[0.0] * (D - 1)] * K, "bias": [0.0] * K}},
    {"sites": {"a.example": {**GOOD, "unseen_to_start": True}}},  # ditto, a site's flag
    {"sites": {"a.example": {**GOOD, "unseen_to_start": None}}},
])
def test_crafted_unseen_slot_fields_are_refused(extra):
    data = load_base().to_dict()
    data.update(extra)
    with pytest.raises(ModelFormatError):
        SectionModel.from_dict(data)
