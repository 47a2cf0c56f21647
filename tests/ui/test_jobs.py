"""Import, export and pre-annotation run in workers: progress, Cancel, errors with file and line,
and the window refreshed afterwards. Tests wait on signals, never on sleeps."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QTableView

from annotator.domain import NewDocument
from annotator.services.importing import BATCH_SIZE
from annotator.store import open_store
from annotator.ui.jobs import import_job
from annotator.ui.workers import Worker


def wait_job(qtbot, window, trigger):
    """Run ``trigger`` (which starts a job) and wait for the job's finished signal, then for
    the list to show what it wrote (re-read in the background)."""
    trigger()
    worker = window.worker
    assert worker is not None, window.last_report
    with qtbot.waitSignal(worker.finished, timeout=60_000):
        pass
    wait_list(qtbot, window)
    return worker


def wait_list(qtbot, window) -> None:
    """Until the list's background read is shown (see ``DocumentListModel.refreshing``)."""

    def shown() -> bool:
        if window.list_model.refreshing():
            return False
        QApplication.processEvents()  # what it read, waiting in the queue (or a new request)
        return not window.list_model.refreshing()

    qtbot.waitUntil(shown, timeout=10_000)


def test_importing_files_adds_documents_and_reports_bad_lines_with_file_and_line(
        window, qtbot, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Fresh article about Lisbon harbour works.", encoding="utf-8")
    (folder / "tasks.jsonl").write_text(
        json.dumps({"text": "Good line about Oslo."}) + "\n{not json\n", encoding="utf-8")
    wait_job(qtbot, window, lambda: window.import_paths([folder]))
    assert window.list_model.rowCount() == 5
    assert "tasks.jsonl:2" in window.last_report
    box = window.findChild(QMessageBox, "reportBox")
    assert box is not None and "tasks.jsonl:2" in box.detailedText()
    assert window.actions_by_name["import"].isEnabled()


def test_the_windows_import_report_words_its_lines_as_the_command_line_does(
        window, qtbot, tmp_path):
    """"rejected:", "note:" (a tester saw a guessed encoding as "note:" in the terminal and as
    "changed:" in the window)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "short.txt").write_bytes("Café crème à la gare, naïve façade".encode("latin-1"))
    (folder / "tasks.jsonl").write_text(
        json.dumps({"text": "Good line about Oslo."}) + "\n{not json\n", encoding="utf-8")
    wait_job(qtbot, window, lambda: window.import_paths([folder]))
    box = window.findChild(QMessageBox, "reportBox")
    lines = box.detailedText().splitlines()
    assert any(line.startswith("note: ") and "short.txt" in line for line in lines), lines
    assert any(line.startswith("rejected: ") and "tasks.jsonl:2" in line for line in lines)
    assert not any(line.startswith("changed:") for line in lines)


def test_dropping_files_on_the_window_imports_them(window, qtbot, tmp_path):
    path = tmp_path / "dropped.txt"
    path.write_text("A dropped article about Porto.", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    wait_job(qtbot, window, lambda: window.dropEvent(event))
    assert window.list_model.rowCount() == 4
    assert "Imported 1 document from 1 file;" in window.last_report


def test_cancel_stops_an_import_after_a_committed_batch(project, qtbot, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(1200):
        (folder / f"{i:04}.txt").write_text(f"Article number {i} about a town.", encoding="utf-8")
    worker = Worker("Importing", import_job(project, [folder]))
    worker.cancel()  # asked to stop before it starts: it stops after its first committed batch
    partial = []
    worker.cancelled.connect(partial.append)
    with qtbot.waitSignals([worker.cancelled, worker.finished], timeout=60_000, order="strict"):
        worker.start()
    with open_store(project) as store:
        added = store.documents.count() - 3
    # the first committed batch stays, the rest never went in, and the report says exactly that
    assert 0 < added <= BATCH_SIZE and added == partial[0].added


def test_an_export_that_fails_is_reported_and_the_app_carries_on(window, qtbot, tmp_path):
    target = tmp_path / "a-folder"
    target.mkdir()
    worker = wait_job(qtbot, window, lambda: window.export_to(target, "doccano", True))
    assert worker.error
    assert "Exporting failed" in window.last_report
    assert window.findChild(QMessageBox, "reportBox") is not None
    assert window.actions_by_name["export"].isEnabled()


def test_export_action_writes_every_document_when_asked(window, qtbot, tmp_path):
    out = tmp_path / "all.jsonl"
    dialog = window.ask_export()
    dialog.path.setText(str(out))
    dialog.everything.setChecked(True)
    dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
    wait_job(qtbot, window, dialog.accept)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [1, 2, 3]
    [(start, end, label)] = records[2]["label"]
    assert (records[2]["text"][start:end], label) == ("Zürich", "GPE")
    again = window.ask_export()  # the next export starts from this one's choices
    assert again.choice() == (out, "doccano", True)
    again.reject()


@pytest.mark.slow
def test_preannotate_from_the_app_shows_model_suggestions_in_the_open_document(
        window, qtbot):
    """The real installed model; its entities arrive as suggestions (not confirmed)."""
    view = window.findChild(QTableView, "documentList")
    view.setCurrentIndex(view.model().index(0, 0))
    before = len(window.controller.spans)
    wait_job(qtbot, window, window.findChild(QAction, "preannotate").trigger)
    assert "Pre-annotated" in window.last_report, window.last_report
    spans = window.controller.spans
    assert len(spans) > before
    assert any(not s.confirmed and s.origin.startswith("model:") for s in spans)
    assert len(window.editor.spans()) == len(spans)
    assert len(window.controller.undo_stack) == 0


@pytest.mark.slow
def test_an_import_in_the_window_goes_on_to_pre_annotate(window, qtbot, tmp_path):
    """As `make run` does: the project has a model and the setting is on by default, so the
    imported article arrives with the model's suggestions, without another command."""
    with open_store(window.db_path) as store:
        store.settings.set("preannotate_on_import", "on")
    path = tmp_path / "new.txt"
    path.write_text("Rio Tinto said on Monday that Jane Smith will lead its office in Perth.",
                    encoding="utf-8")
    wait_job(qtbot, window, lambda: window.import_paths([path]))
    worker = window.worker
    assert worker is not None and worker.title == "Pre-annotating"
    # the job bar follows the pre-annotation (the import's end used to hide it, and its Cancel
    # then cancelled nothing: a new user saw an invisible 17-minute pre-annotation)
    assert window.job_bar.isVisible() and window.job_bar.worker is worker
    assert window.job_bar.cancel_button.isEnabled()
    with qtbot.waitSignal(worker.finished, timeout=120_000):
        pass
    assert not window.job_bar.isVisible()
    assert "Pre-annotated" in window.last_report, window.last_report
    with open_store(window.db_path) as store:
        new = store.documents.ids()[-1]
        assert any(s.origin.startswith("model:") for s in store.spans.of(new))


def test_training_formats_export_from_the_app(window, qtbot, tmp_path):
    """conll and spacy (a folder of DocBins) take accepted documents."""
    window.go_row(2)
    window.findChild(QAction, "accept").trigger()
    dialog = window.ask_export()
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    assert dialog.finished_only.text().startswith("Accepted")
    dialog.path.setText(str(tmp_path / "out.conll"))
    wait_job(qtbot, window, dialog.accept)
    conll = (tmp_path / "out.conll").read_text(encoding="utf-8")
    assert "Zürich" in conll and "B-GPE" in conll
    assert "Brest" not in conll  # not accepted
    wait_job(qtbot, window, lambda: window.export_to(tmp_path / "corpus", "spacy"))
    assert "Exported 1 document as spacy" in window.last_report
    assert any((tmp_path / "corpus").glob("*.spacy"))


def test_closing_the_window_cancels_a_running_import_and_waits_for_it(window, qtbot, tmp_path,
                                                                     open_window):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(600):
        (folder / f"{i:04}.txt").write_text(f"Article {i} about a harbour.", encoding="utf-8")
    worker = window.import_paths([folder])
    window.close()
    assert not worker.is_running()
    # The stopped job's queued signals arrive now; pytest-qt fails the test if a handler
    # raises (for instance by touching the closed project).
    QApplication.processEvents()
    assert worker.thread.isFinished()
    reopened = open_window(window.db_path)  # it says so once, when the project opens next
    assert "stopped when the window closed" in reopened.last_report.replace("\n", " ")
    assert "Import the same files again" in reopened.last_report
    reopened.close()
    assert "stopped" not in open_window(window.db_path).last_report


@pytest.mark.slow
def test_preannotating_with_a_model_that_is_not_installed_reports_why(project, qtbot):
    """The child process's error comes back as the message a person reads."""
    from annotator.ui.jobs import preannotate_job

    worker = Worker("Pre-annotating", preannotate_job(project, "no_such_model_xyz"))
    with qtbot.waitSignals([worker.failed, worker.finished], timeout=60_000, order="strict"):
        worker.start()
    assert "no_such_model_xyz" in worker.error


@pytest.mark.slow
def test_cancelling_preannotation_stops_the_child_and_keeps_committed_batches(project, qtbot):
    from annotator.ui.jobs import preannotate_job

    with open_store(project) as store:  # batches of 64: the stop comes between two of them
        store.documents.add([NewDocument(f"Lumen Ltd opened an office in Porto, story {i}.",
                                         f"more-{i}.txt") for i in range(200)])
    worker = Worker("Pre-annotating", preannotate_job(project))
    # Cancel once a batch is reported committed (done > 0). Cancelling at "Loading the model…"
    # made the test depend on the machine's load: a child that has not stopped 5 s after Cancel
    # is terminated (CANCEL_GRACE), and a busy machine may take that long to load the model
    # and write the first batch, so nothing was committed (seen once in CI beside other jobs).
    worker.progressed.connect(lambda done, *_: worker.cancel() if done > 0 else None)
    with qtbot.waitSignals([worker.cancelled, worker.finished], timeout=60_000, order="strict"):
        worker.start()
    assert not worker.is_running()
    with open_store(project) as store:  # the first batch was committed before the stop
        assert any(s.origin.startswith("model:") for s in store.spans.of(1))
        suggested = sum(any(s.origin.startswith("model:") for s in store.spans.of(doc_id))
                        for doc_id in range(1, 204))
        assert suggested < 200  # and it stopped before the last batch


def test_the_import_dialog_offers_every_format_the_importer_reads():
    """A new user could not pick a .json file: the dialog's filter left it out."""
    import re

    from annotator.io.importer import KNOWN_SUFFIXES
    from annotator.ui.window_jobs import IMPORT_FILTER

    offered = set(re.findall(r"\*(\.\w+)", IMPORT_FILTER.split(";;")[0]))
    assert offered == KNOWN_SUFFIXES


def test_a_read_only_project_offers_no_write_action_and_a_writable_one_gets_them_back(
        open_window, project, tmp_path, qtbot):
    """Label keys, Accept, Apply suggestions and Pre-annotate used to stay on for a project
    opened read-only (a newer version's), each failing only once used."""
    from annotator.domain import NewDocument
    from annotator.ui.window_jobs import WRITE_ACTIONS

    newer = tmp_path / "newer.db"
    with open_store(newer) as store:
        store.documents.add([NewDocument("Ana Souza visited Lisbon.", "a.txt")])
        with store.transaction() as conn:
            conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                         "VALUES ('annotator', 'm999_from_the_future', 'x')")
    window = open_window(newer)
    assert window.store.read_only
    assert not any(window.actions_by_name[name].isEnabled() for name in WRITE_ACTIONS)
    assert window.label_actions and not any(a.isEnabled() for a in window.label_actions)
    assert window.actions_by_name["export"].isEnabled()  # reading and exporting stay
    assert window.actions_by_name["next"].isEnabled()
    box = window.findChild(QMessageBox, "reportBox")
    if box is not None:
        box.close()
    assert window.open_project(project)
    assert [n for n in WRITE_ACTIONS if not window.actions_by_name[n].isEnabled()] == []
    assert all(a.isEnabled() for a in window.label_actions + window.section_actions)
