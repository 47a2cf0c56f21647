"""Learning per project (issue 14, point 3): training from confirmed pages, re-suggesting only
unconfirmed blocks, cancelling, and a project with no HTML. Real project files, the real
classifier and the shipped base model."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from learning_project import confirm, make_project

from annotator.cli import main
from annotator.core.tasks import Cancelled
from annotator.domain import HUMAN, IMPORTED, RULES, Status
from annotator.nlp.section_model import SectionModel
from annotator.services.model_versions import ModelVersions, models_folder
from annotator.services.section_learning import NothingToLearn, body_f1, train_sections
from annotator.services.section_retrain import retrain_due
from annotator.store import open_store

SITES = {"daily.example": 5, "herald.example": 3}


def machine_origins(store, doc_id: int) -> set[str]:
    return {s.origin for s in store.sections.of(doc_id) if not s.confirmed}


def test_training_from_confirmed_pages_suggests_for_a_site_with_none(tmp_path):
    path = tmp_path / "news.db"
    gold = make_project(path, SITES, {"daily.example": 3})
    with open_store(path) as store:
        report = train_sections(store)
        herald = [d for d in store.section_pages.unfinished_ids()
                  if store.documents.get(d).source.startswith("herald")]
        assert report.version == 1 and report.pages == 3 and report.sites == 1
        assert report.documents == 5 and len(herald) == 3
        for doc_id in store.section_pages.unfinished_ids():  # both sites, every block
            sections = store.sections.of(doc_id)
            assert {s.origin for s in sections} == {"model:sections@1"}
            assert [s.block for s in sections] == list(range(len(gold[doc_id])))
        # held back: the 2nd confirmed page of daily.example, scored beside the base model
        assert report.held_back == 1 and 0.0 <= report.score <= 1.0
        versions = ModelVersions(store, "sections")
        assert store.settings.get("sections_model") == "1" and versions.active() == 1
        record = versions.record(1)
        assert record["pages"] == 3 and record["accepted"] == 3 and record["score"] == report.score
    folder = models_folder(path) / "sections-1"
    assert folder == tmp_path / "news.db.models" / "sections-1"
    data = json.loads((folder / "model.json").read_text(encoding="utf-8"))  # plain JSON
    assert SectionModel.from_dict(data).version == 1


def test_retraining_replaces_only_unconfirmed_machine_suggestions(tmp_path):
    path = tmp_path / "news.db"
    gold = make_project(path, SITES, {"daily.example": 2})
    with open_store(path) as store:
        accepted = store.documents.ids([Status.ACCEPTED])
        doc = store.section_pages.unfinished_ids()[0]
        n = len(gold[doc])
        store.sections.set(doc, [0], "related_links", HUMAN, None)  # a person's, "wrong"
        store.sections.set(doc, [1], "body", "model:sections@0", "ann")  # confirmed suggestion
        store.sections.set(doc, [2], "byline", IMPORTED, None)  # came with the file
        store.sections.set(doc, range(3, n), "boilerplate", RULES, None)  # the rules'
        before_accepted = {d: store.sections.of(d) for d in accepted}
        first = train_sections(store)
        assert first.pages == 3  # the in-progress page's confirmed blocks teach it too
        second = train_sections(store)
        assert (first.version, second.version) == (1, 2)
        by_block = {s.block: s for s in store.sections.of(doc)}
        assert (by_block[0].label, by_block[0].origin, by_block[0].annotator) == (
            "related_links", HUMAN, None)
        assert (by_block[1].origin, by_block[1].annotator) == ("model:sections@0", "ann")
        assert (by_block[2].label, by_block[2].origin) == ("byline", IMPORTED)
        assert {by_block[b].origin for b in range(3, n)} == {"model:sections@2"}
        for other in store.section_pages.unfinished_ids():
            assert "model:sections@1" not in machine_origins(store, other)
        assert {d: store.sections.of(d) for d in accepted} == before_accepted
        assert store.documents.get(doc).status == Status.IN_PROGRESS


def test_cancelling_leaves_the_project_as_it_was(tmp_path):
    path = tmp_path / "news.db"
    make_project(path, SITES, {"daily.example": 3})
    with open_store(path) as store:
        before = store.conn.execute("SELECT * FROM sections ORDER BY id").fetchall()
        settings = store.conn.execute("SELECT * FROM settings ORDER BY key").fetchall()
        calls = []

        def stop_while_suggesting() -> bool:
            calls.append(1)
            # after reading, scoring (pooled, one site) and training (pooled, one site),
            # while suggesting
            return len(calls) >= 7

        with pytest.raises(Cancelled) as stopped:
            train_sections(store, should_stop=stop_while_suggesting)
        assert not stopped.value.partial.changes
        assert store.conn.execute("SELECT * FROM sections ORDER BY id").fetchall() == before
        assert store.conn.execute("SELECT * FROM settings ORDER BY key").fetchall() == settings
        assert not list(models_folder(path).glob("sections-*")) if models_folder(
            path).exists() else True
        assert train_sections(store).version == 1  # the next run still starts at 1


def test_nothing_confirmed_is_nothing_to_learn(tmp_path):
    path = tmp_path / "news.db"
    make_project(path, {"daily.example": 2}, {})
    with open_store(path) as store, pytest.raises(NothingToLearn):
        train_sections(store)


def test_a_retrain_is_due_after_every_three_newly_accepted_documents(tmp_path):
    path = tmp_path / "news.db"
    gold = make_project(path, {"daily.example": 7}, {"daily.example": 2})
    with open_store(path) as store:
        assert not retrain_due(store)
        ids = store.section_pages.unfinished_ids()
        confirm(store, ids[0], gold[ids[0]])
        assert retrain_due(store)
        train_sections(store)
        assert not retrain_due(store)
        for doc_id in ids[1:3]:
            confirm(store, doc_id, gold[doc_id])
        assert not retrain_due(store)
        confirm(store, ids[3], gold[ids[3]])
        assert retrain_due(store)
        store.settings.set("sections_retrain_every", "0")
        assert not retrain_due(store)



def test_documents_accepted_while_a_version_trains_count_towards_the_next_retrain(tmp_path):
    """The version learns from what was accepted when it started; one accepted during its
    training is not in it, and must not be counted as seen (else it waits for three more)."""
    path = tmp_path / "news.db"
    gold = make_project(path, {"daily.example": 7}, {"daily.example": 2})
    with open_store(path) as store, open_store(path) as person:
        ids = store.section_pages.unfinished_ids()
        confirm(store, ids[0], gold[ids[0]])
        late = [ids[1]]

        def accept_meanwhile(done: int, total: int, message: str) -> None:
            if message.startswith("Training on") and late:
                doc_id = late.pop(0)
                confirm(person, doc_id, gold[doc_id])

        train_sections(store, progress=accept_meanwhile)
        assert not late  # one accepted while it trained
        assert retrain_due(store) is False  # one new since the version started: not yet
        for doc_id in ids[2:4]:
            confirm(store, doc_id, gold[doc_id])
        assert retrain_due(store)  # three since it started, the one made meanwhile included

TEXTS = [
    "Home | World | Sport\nRiver council approves the new bridge budget\nBy Ana Ruiz\n"
    "The council voted on Monday to spend the money on a new bridge over the river.\n"
    "Work starts in spring and should take two years, officials said.\n"
    "Read more:\nFerry fares rise again\n© 2025 Valley News",
    "Home | World | Sport\nFarmers welcome the rain after a dry summer\nBy Tom Hale\n"
    "After months without rain the farmers of the valley finally saw storms this week.\n"
    "The weather station recorded forty millimetres in a single night.\n"
    "Read more:\nMarket prices fall\n© 2025 Valley News",
    "Home | World | Sport\nLibrary reopens after two years of repairs\nBy Ana Ruiz\n"
    "The town library opened its doors again on Saturday after a long restoration.\n"
    "Readers queued outside before the doors opened at nine.\n"
    "Read more:\nMuseum plans new wing\n© 2025 Valley News",
]
GOLD = ["boilerplate", "body", "byline", "body", "body", "related_links", "related_links",
        "boilerplate"]


def test_a_project_with_no_html_plain_text_and_jsonl(tmp_path):
    """Plain text files and JSONL tasks (sites from meta.url) train and get suggestions;
    `annotator train-sections` prints progress and the held-back score."""
    from annotator.services.importing import import_paths

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXTS[0], encoding="utf-8")
    tasks = [{"text": t, "meta": {"url": f"https://valley.example/n/{i}"}}
             for i, t in enumerate([*TEXTS[1:], TEXTS[0].replace("bridge", "tunnel")])]
    (folder / "b.jsonl").write_text("\n".join(json.dumps(t) for t in tasks), encoding="utf-8")
    path = tmp_path / "plain.db"
    with open_store(path) as store:
        import_paths(store, [folder])
        assert store.conn.execute("SELECT count(*) FROM html_pages").fetchone()[0] == 0
        ids = store.documents.ids()
        assert len(ids) == 4
        for doc_id in ids[:3]:
            confirm(store, doc_id, GOLD)
    result = CliRunner().invoke(main, ["train-sections", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "Section model 1: Learned from 3 confirmed pages" in result.output
    assert "plain.db.models/sections-1" in result.output
    assert "Held-back score: body F1" in result.output
    assert "Suggesting sections" in result.output  # progress, on stderr
    with open_store(path) as store:
        last = store.sections.of(ids[3])
        assert {s.origin for s in last} == {"model:sections@1"} and len(last) == len(GOLD)


def test_train_sections_on_an_empty_project_exits_1(tmp_path):
    path = tmp_path / "empty.db"
    open_store(path).close()
    result = CliRunner().invoke(main, ["train-sections", "--db", str(path)])
    assert result.exit_code == 1 and "Nothing to learn from" in result.output


def test_body_f1_counts_only_confirmed_blocks():
    assert body_f1(["body", None, "boilerplate"], ["body", "body", "body"]) == pytest.approx(2 / 3)
    assert body_f1([None, "byline"], ["body", "byline"]) == 1.0


def test_model_versions_never_reuse_a_number_and_ignore_a_missing_folder(tmp_path):
    path = tmp_path / "p.db"
    with open_store(path) as store:
        versions = ModelVersions(store, "sections")
        assert versions.next_number() == 1 and versions.active() is None
        versions.partial_folder(1).mkdir(parents=True)  # a run that died half-way
        assert versions.next_number() == 2
        versions.partial_folder(2).mkdir()
        versions.finish_folder(2)
        stored = versions.activate(2, {"score": 0.5})
        assert stored["version"] == 2 and versions.active() == 2 and versions.numbers() == [2]
        assert ModelVersions(store, "ner").next_number() == 1  # kinds are apart
        versions.discard(2)
        assert versions.active() is None and versions.next_number() == 3
        assert ModelVersions.number_in("sections", "model:sections@12") == 12
        assert ModelVersions.number_in("sections", "rules") is None
        with pytest.raises(ValueError):
            ModelVersions(store, "../x")


@pytest.mark.slow  # loads en_core_web_sm twice
def test_preannotation_uses_the_projects_active_section_model_once_there_is_one(tmp_path):
    """Before any training the shipped base model (version 0) suggests; after it, version N,
    with the site's confirmed pages as evidence."""
    from learning_project import html_document

    from annotator.services.preannotation import preannotate

    path = tmp_path / "news.db"
    make_project(path, {"daily.example": 4}, {"daily.example": 3})
    with open_store(path) as store:
        first = store.section_pages.unfinished_ids()[0]
        preannotate(store)
        assert machine_origins(store, first) == {"model:sections@0"}
        train_sections(store)
        store.documents.add([html_document("daily.example", 9)[0]])
        new = store.documents.ids()[-1]
        report = preannotate(store)
        assert report.documents == 1
        assert machine_origins(store, new) == {"model:sections@1"}
        assert len(store.sections.of(new)) == len(html_document("daily.example", 9)[1])


def test_documents_accepted_without_sections_do_not_make_a_retrain_due(tmp_path):
    """Someone labelling entities only accepts documents with no section: nothing to learn,
    so no background run (it would fail at every third accept)."""
    path = tmp_path / "news.db"
    make_project(path, {"daily.example": 4}, {})
    with open_store(path) as store:
        for doc_id in store.documents.ids()[:3]:
            store.documents.set_status(doc_id, Status.ACCEPTED, "tester")
        assert store.section_pages.count_accepted() == 0 and not retrain_due(store)


def test_a_held_back_page_with_a_wire_copy_in_training_is_trained_on_instead():
    from annotator.nlp.section_features import SectionPage
    from annotator.services.section_evidence import Confirmed, SiteIndex, held_back_split

    pages = [Confirmed(i, SectionPage(f"Page {i}\nBody {i}."), ["boilerplate", "body"])
             for i in range(1, 9)]
    index = SiteIndex({p.doc_id: "a.com" for p in pages})
    train, held = held_back_split(pages, index)
    assert [p.doc_id for p in held] == [2, 6]
    index.groups = {2: 7, 1: 7}  # page 2 reprints page 1, which is trained on
    train, held = held_back_split(pages, index, groups=index.groups)
    assert [p.doc_id for p in held] == [6] and 2 in {p.doc_id for p in train}


def test_a_slideshows_hidden_slides_are_not_suggested_as_body(tmp_path):
    """An imported page whose other slides sit under an inline ``display:none``: the shipped
    base, through the project's pre-annotation, suggests the shown introduction as body and the
    hidden slides as furniture, however article-like their text."""
    from annotator.io.html import read_html
    from annotator.services.preannotation import preannotate

    slide = ("Crayons and paper tablecloths do the trick in restaurants, and this year the "
             "whole family can try it at home with a long runner printed with owls and leaves.")
    intro = ("Fourteen ways to set a festive family table this winter, chosen by our editors "
             "after a month of testing what keeps the youngest guests busy through dinner.")
    html = ("<html><head><title>Keep the kids occupied</title></head><body>"
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/kids'>Kids</a></li></ul></nav>"
            "<article><h1>Keep the Kids Occupied</h1><p>" + intro + "</p>"
            + "".join(f"<div id='slide{i}' style='display:none'><p>{slide} Slide {i}.</p></div>"
                      for i in range(4))
            + "</article><footer><p>Copyright 2012 Example Media</p></footer></body></html>")
    page = tmp_path / "slides.html"
    page.write_text(html, encoding="utf-8")
    [doc] = read_html(page)
    with open_store(tmp_path / "slides.db") as store:
        store.documents.add([doc])
        preannotate(store)
        doc_id = store.documents.ids()[0]
        text = doc.text
        labels = {text[s.start:s.end]: s.label for s in store.sections.of(doc_id)}
    assert labels[intro] == "body"
    assert [labels[f"{slide} Slide {i}."] for i in range(4)] == ["boilerplate"] * 4
