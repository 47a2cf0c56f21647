"""The project's own entity model, end to end with the real installed model (issue 11): one
training run through ``annotator train`` on 25 accepted generated articles (COMMODITY is a label
the stock model lacks), then what it left in the project."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.commands import EditSpans
from annotator.core.tasks import Cancelled
from annotator.domain import HUMAN, Status
from annotator.nlp.ner_train import predict
from annotator.services import ner_models
from annotator.services.ner_training import TrainOptions, train, use_model
from annotator.services.preannotation import preannotate
from annotator.store import open_store
from tests.ner_articles import LABELS, articles, fill_project

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def make_project(db: Path, accepted: int, unfinished: int, words: int = 150) -> None:
    with open_store(db) as store:
        fill_project(store, articles(accepted, "train", words),
                     articles(unfinished, "test", words, seed=3), "later.example", "ann")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A project pre-annotated by the stock model, with a person's span on an unfinished
    document and a deleted stock suggestion, then trained (``train --only base``)."""
    db = tmp_path_factory.mktemp("ner") / "news.db"
    make_project(db, accepted=25, unfinished=4)
    with open_store(db) as store:
        preannotate(store)
        first = store.documents.ids([Status.NEW])[0]
        text = store.documents.get(first).text
        stock = [s for s in store.spans.of(first) if not s.confirmed]
        EditSpans(first, text, [stock[0]], []).do(store)  # the person deletes one
        free = next(s for s in stock[1:] if s.label != "COMMODITY")
        EditSpans(first, text, [free], [free._replace(origin=HUMAN, annotator="ann")]).do(store)
    result = CliRunner().invoke(main, ["train", "--db", str(db), "--only", "base",
                                       "--seconds", "120", "--max-epochs", "3"])
    print(result.output)
    return db, result, first, stock[0], free


def test_training_prints_the_held_back_table_and_writes_a_loadable_version(trained):
    db, result, *_ = trained
    assert result.exit_code == 0, result.output
    assert "Held back:" in result.output and "F1 new" in result.output
    assert "COMMODITY" in result.output and "ALL" in result.output
    folder = ner_models.version_folder(db, 1)
    assert folder.is_dir() and not ner_models.partial_folder(db, 1).exists()
    spans = predict(str(folder), ["Copper exports from Chile fell in March."],
                    frozenset(LABELS))[0]
    assert spans, "the trained folder loads and finds entities"
    with open_store(db) as store:
        assert ner_models.active_ner(store)[0] == "ner-1"
        record = json.loads(store.settings.get("ner_model@1"))
        assert record["train_docs"] + record["dev_docs"] == len(record["doc_ids"])
        assert record["start"] == "extend" and "COMMODITY" in record["why"]
        # the in-progress document with a person's span trained as a partial document, with
        # the deleted stock suggestion as a negative
        assert record["partial_docs"] == 1 and record["rejected_spans"] == 1


def test_unfinished_documents_get_the_new_versions_suggestions_and_human_spans_stay(trained):
    db, _, first, deleted, human = trained
    with open_store(db) as store:
        unfinished = store.documents.ids([Status.NEW, Status.IN_PROGRESS])
        spans = [s for d in unfinished for s in store.spans.of(d)]
        origins = {s.origin for s in spans if not s.confirmed}
        assert origins == {"model:ner-1"}, "older model suggestions were replaced"
        kept = [s for s in store.spans.of(first) if s.key == human.key]
        assert kept == [kept[0]] and kept[0].origin == HUMAN and kept[0].label == human.label
        assert not any(s.key == deleted.key and s.label == deleted.label
                       for s in store.spans.of(first))


def test_a_custom_label_the_stock_model_lacks_is_suggested_after_25_documents(trained):
    db, *_ = trained
    gold = articles(4, "test", 150, seed=3)
    with open_store(db) as store:
        ids = store.documents.ids([Status.NEW, Status.IN_PROGRESS])
        found = {(d, s.start, s.end) for d in ids for s in store.spans.of(d)
                 if s.label == "COMMODITY"}
        wanted = {(d, s, e) for d, a in zip(ids, gold, strict=True) for s, e, lab in a.spans
                  if lab == "COMMODITY"}
    assert len(found & wanted) >= 0.3 * len(wanted), (len(found & wanted), len(wanted))


def test_a_deleted_suggestion_does_not_come_back_with_a_new_version(trained):
    db, *_ = trained
    with open_store(db) as store:
        doc_id = store.documents.ids([Status.NEW])[-1]
        text = store.documents.get(doc_id).text
        target = next(s for s in store.spans.of(doc_id) if s.origin == "model:ner-1")
        EditSpans(doc_id, text, [target], []).do(store)
        # version 2: the same weights under a new version, so it surely predicts that span again
        shutil.copytree(ner_models.version_folder(db, 1), ner_models.version_folder(db, 2))
        store.settings.set("ner_model@2", json.dumps({"version": "ner-2"}))
        use_model(store, "ner-2")
        assert (target.start, target.end, target.label) in predict(
            str(ner_models.version_folder(db, 2)), [text], frozenset(LABELS))[0]
        preannotate(store)
        after = store.spans.of(doc_id)
        assert {s.origin for s in after if not s.confirmed} == {"model:ner-2"}
        assert not any(s.key == target.key for s in after)


def test_cancelling_leaves_the_project_exactly_as_it_was(tmp_path):
    db = tmp_path / "news.db"
    make_project(db, accepted=6, unfinished=2, words=60)

    def snapshot():
        with open_store(db) as store:
            rows = store.conn.execute("SELECT * FROM settings ORDER BY key").fetchall()
            spans = store.conn.execute("SELECT * FROM spans ORDER BY id").fetchall()
        return rows, spans, sorted(p.name for p in tmp_path.rglob("*") if "-wal" not in p.name
                                   and "-shm" not in p.name)

    before = snapshot()
    calls = []
    with open_store(db) as store, pytest.raises(Cancelled):
        train(store, TrainOptions(candidates=("blank",), max_epochs=3, seconds=20),
              should_stop=lambda: calls.append(1) or len(calls) > 2)
    assert snapshot() == before


HOLDER = """
import sys, time
from annotator.services import ner_models
held = ner_models.claim_partial(sys.argv[1], int(sys.argv[2]))
print("holding", flush=True)
sys.stdin.readline()  # holds the lock until the parent kills it or closes stdin
"""


def _holder(db: Path, number: int) -> subprocess.Popen:
    """A process that claimed version ``number``'s partial folder, as a running training does."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(number)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout.readline().strip() == "holding"
    return child


def test_a_killed_trainings_partial_is_removed_and_a_live_ones_is_kept(tmp_path):
    db = tmp_path / "news.db"
    make_project(db, accepted=6, unfinished=0, words=60)
    dead, live = _holder(db, 7), _holder(db, 8)
    try:
        (ner_models.partial_folder(db, 7) / "meta.json").write_text("{}", encoding="utf-8")
        dead.send_signal(signal.SIGKILL)
        dead.wait()
        assert ner_models.remove_stale_partials(db) == [ner_models.partial_folder(db, 7)]
        assert not ner_models.partial_folder(db, 7).exists()
        assert ner_models.partial_folder(db, 8).is_dir()  # its writer is alive
        calls = []
        with open_store(db) as store, pytest.raises(Cancelled):  # the next training: 9
            train(store, TrainOptions(candidates=("blank",), max_epochs=1, seconds=5),
                  should_stop=lambda: calls.append(1) or True)
        assert ner_models.partial_folder(db, 8).is_dir()
        assert not ner_models.partial_folder(db, 9).exists()
    finally:
        live.stdin.close()
        live.wait()
    (ner_models.partial_folder(db, 6)).mkdir()  # an older version's folder: nobody locks it
    with open_store(db) as store, pytest.raises(Cancelled):
        train(store, TrainOptions(candidates=("blank",), max_epochs=1, seconds=5),
              should_stop=lambda: True)
    assert not list(ner_models.models_folder(db).glob("*.partial"))
