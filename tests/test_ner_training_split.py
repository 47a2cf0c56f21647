"""Entity training when a document cannot be cut into pieces (a gold span longer than a piece)
and it is the only document of its site (tester5, item 4): such a document is left out BEFORE
the train/dev/held-back split, so the split never holds back a site that then has nothing in
it; when nothing can be held back, or no dev part set aside, the report says so plainly (no
0.00-vs-0.00 comparison, no "dev F1" measured on the training documents, no "()"). Also the
counted words of the CLI's messages with one of each (tester5, item 10).

Real SQLite projects, real spaCy: the blank candidate for one short epoch, no rehearsal."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import HUMAN, NewDocument, Span, Status
from annotator.nlp.pieces import PIECE_CHARS
from annotator.services import ner_models
from annotator.services.ner_split import _rank
from annotator.services.ner_training import TrainOptions, train
from annotator.store import open_store
from tests.ner_articles import articles, fill_project

USABLE_SITE, STUCK_SITE = "wire.example", "long.example"
QUICK = TrainOptions(candidates=("blank",), max_epochs=1, seconds=1, rehearsal=0)


def _project(path, n_articles: int) -> int:
    """``n_articles`` accepted articles from one site, and one accepted document of another
    site whose ORG span is longer than a piece (it cannot be cut); returns that one's id."""
    pieces = [a for a in articles(n_articles, "train", 60)]
    for a in pieces:
        a.site = USABLE_SITE
    with open_store(path) as store:
        fill_project(store, pieces, [], "later.example", "ann")
        head = "Copper Prices Climb Again In Chile\n"
        text = head + "w" * (PIECE_CHARS + 10) + "\nGlencore met traders in Chile.\n"
        added = store.documents.add([NewDocument(
            text, f"{STUCK_SITE}/stuck.txt", {"site": STUCK_SITE},
            spans=[Span(len(head), len(head) + PIECE_CHARS + 10, "ORG", HUMAN, "ann")],
            status=Status.ACCEPTED, annotator="ann")])
        return added.added[0]


def test_the_stuck_site_comes_first_in_the_held_back_order():
    """The scenario needs the left-out document's site to be the one a site split would hold
    back first (the bug: it was held back, then its only document dropped)."""
    assert _rank(STUCK_SITE, "held-back") < _rank(USABLE_SITE, "held-back")


@pytest.fixture(scope="module")
def six_and_stuck(tmp_path_factory):
    db = tmp_path_factory.mktemp("split") / "news.db"
    stuck_id = _project(db, 6)
    with open_store(db) as store:
        report = train(store, QUICK)
    return db, stuck_id, report


def test_a_left_out_document_is_dropped_before_the_split_so_something_is_scored(six_and_stuck):
    """Six usable articles of one site and the stuck document of another: the split sees one
    site only and holds back documents of it, the stuck one is named, and both models are
    scored on real gold spans."""
    _db, stuck_id, report = six_and_stuck
    [line] = report.left_out
    assert line.startswith(f"document {stuck_id} (Copper Prices Climb Again In Chile): ")
    assert STUCK_SITE not in report.held_back_sources
    assert report.measured and report.held_back_docs >= 1
    assert "one source" in report.split_note  # documents, not sites, were held back
    assert report.train_docs + report.dev_docs + report.held_back_docs == 6
    assert stuck_id not in report.doc_ids
    assert report.before["ALL"][3] > 0 and report.after["ALL"][3] == report.before["ALL"][3]
    assert "held-back F1" in report.text() and "Left out 1 document that" in report.text()


def test_without_a_dev_part_the_choice_figure_is_called_a_training_figure(six_and_stuck):
    """Fewer than ``dev_min_docs`` training documents: no dev part, so the candidates were
    scored on their own training documents, and nothing calls that a dev F1."""
    *_, report = six_and_stuck
    assert report.dev_docs == 0 and "fewer than 20 training documents" in report.no_dev_note
    assert "dev F1" not in report.why and "F1 on its training documents" in report.why
    assert [c["scored_on"] for c in report.candidates] == ["training"]


@pytest.fixture(scope="module")
def one_and_stuck(tmp_path_factory):
    db = tmp_path_factory.mktemp("one") / "news.db"
    stuck_id = _project(db, 1)
    return db, stuck_id


def test_with_nothing_held_back_the_models_are_not_compared(one_and_stuck, tmp_path):
    """One usable accepted document: nothing can be held back. The report says so and why,
    compares nothing, and the project keeps its model (the rule: switch only on a better
    held-back score, or when the person chooses)."""
    db = tmp_path / "news.db"
    shutil.copy(one_and_stuck[0], db)
    with open_store(db) as store:
        report = train(store, QUICK)
        assert ner_models.active_version(store) is None
    assert not report.measured and report.held_back_docs == 0
    assert report.held_back_sources == [] and len(report.left_out) == 1
    assert report.nothing_held_back == "too few accepted documents to hold any back"
    text = report.text()
    assert "held-back F1" not in text and "0.000" not in text
    assert "not compared with" in text and "too few accepted documents" in text
    assert "on 1 document:" in text
    assert not report.switched and report.why_switched == "no held-back part to measure it on"


@pytest.mark.slow
def test_the_train_command_says_plainly_what_was_left_out_and_held_back(one_and_stuck,
                                                                          tmp_path):
    """``annotator train`` (a spawned child) with one usable document: singular words, no
    "()", no dev F1, no score table, and the model kept but not used."""
    db = tmp_path / "news.db"
    shutil.copy(one_and_stuck[0], db)
    result = CliRunner().invoke(main, ["train", "--db", str(db), "--only", "blank",
                                       "--seconds", "1", "--max-epochs", "1"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert " on 1 document (0 partly labelled, 0 rejected suggestions as negatives), none " \
           "set aside for choosing (fewer than 20 training documents)" in out
    assert "candidate blank: training F1 " in out and "dev F1" not in out
    assert ("Nothing held back: too few accepted documents to hold any back; ner-1 was not "
            "compared with ") in out
    assert "()" not in out and "F1 old" not in out
    assert "ner-1: kept, not in use (no held-back part to measure it on)" in out
    assert f"left out: document {one_and_stuck[1]} (Copper Prices" in result.stderr


def test_import_and_stats_with_one_document_say_one_document(tmp_path):
    db = tmp_path / "p.db"
    data = tmp_path / "one.jsonl"
    data.write_text(json.dumps({"text": "Rio Tinto opened a mine in Perth."}) + "\n")
    result = CliRunner().invoke(main, ["import", "--db", str(db), str(data)])
    assert result.exit_code == 0, result.output
    assert "Added 1 document from 1 file; 0 duplicates; 0 rejected." in result.stdout
    again = CliRunner().invoke(main, ["import", "--db", str(db), str(data)])
    assert "Added 0 documents from 1 file; 1 duplicate (" in again.stdout
    stats = CliRunner().invoke(main, ["stats", "--db", str(db)])
    assert f"{db}: 1 document, 0 finished" in stats.stdout


def test_one_misaligned_span_is_one_span_in_the_export_refusal(tmp_path):
    db = tmp_path / "p.db"
    with open_store(db) as store:
        [doc_id] = store.documents.add([NewDocument("BHP cut 200 jobs.", "a.txt")]).added
        store.spans.add(doc_id, Span(9, 11, "MONEY"))  # "00" cuts the token "200"
        store.documents.set_status(doc_id, Status.ACCEPTED, "maria")
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "conll",
                                       "--out", str(tmp_path / "out.conll")])
    assert result.exit_code == 1, result.output
    assert "1 span cannot be exported in this format" in result.stderr


def test_training_progress_moves_with_the_time_and_epoch_budget(tmp_path):
    """The job bar's figures (tester5, item 11): a run bounded by its time budget reports
    progress that grows with the time used and reaches the end, instead of an update count
    measured against an estimate many times too large (0-3 % for a whole run)."""
    from annotator.nlp.ner_train import PROGRESS_UNITS, Budget, TrainDoc, train_candidates

    docs = [TrainDoc(i, a.text, list(a.spans)) for i, a in enumerate(articles(6, "train", 60))]
    seen: list[tuple[int, int, str]] = []
    train_candidates(["blank"], None, ["PERSON", "ORG", "GPE", "DATE", "MONEY", "COMMODITY"],
                     docs, [], [], tmp_path, Budget(max_epochs=1000, seconds=2.0,
                                                    patience=100_000, eval_every=10_000),
                     progress=lambda done, total, message: seen.append((done, total, message)))
    steps = [(d, t) for d, t, m in seen if m.startswith("Training blank: update")]
    assert len(steps) > 3 and {t for _, t in steps} == {PROGRESS_UNITS}
    done = [d for d, _ in steps]
    assert done == sorted(done)  # never goes back
    assert done[len(done) // 2] > 0.2 * PROGRESS_UNITS  # halfway through the run, well past 3 %
    assert done[-1] >= 0.95 * PROGRESS_UNITS  # the time budget ran out: the bar is full
    assert "training F1" in seen[-1][2] and "dev F1" not in seen[-1][2]


def test_the_budget_used_is_the_larger_of_time_and_epochs():
    from annotator.nlp.ner_train import Budget, _budget_used

    budget = Budget(max_epochs=10, seconds=100.0)
    assert _budget_used(50.0, 1, budget) == 0.5  # time-bound
    assert _budget_used(10.0, 5, budget) == 0.5  # epoch-bound
    assert _budget_used(500.0, 20, budget) == 1.0


def test_a_model_chosen_with_nothing_held_back_shows_no_held_back_f1(one_and_stuck, tmp_path):
    """``use_new`` with nothing held back: the project uses the new model (the person chose
    it, and the report says so), and the status bar's figure is not a held-back F1 of 0.00."""
    db = tmp_path / "news.db"
    shutil.copy(one_and_stuck[0], db)
    with open_store(db) as store:
        report = train(store, QUICK, use_new=True)
        assert report.switched and report.why_switched == "chosen by the person"
        assert "now in use (chosen by the person)" in report.text()
        assert ner_models.active_ner(store) == ("ner-1", None)
