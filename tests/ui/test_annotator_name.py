"""Who labels: asked once when the app starts and nobody has said, kept between runs, changed
from File > Your name; ``--annotator`` and ``ANNOTATOR_NAME`` win. The name is what the project
file records on a person's labels."""

from __future__ import annotations

import getpass

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit

from annotator.store import open_store
from annotator.ui.annotator_name import AnnotatorNameDialog


def start(project, qtbot, annotator=None):
    """What ``annotator gui`` shows (``run`` without the event loop)."""
    from annotator.ui.app import show_window

    window = show_window(project, annotator)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    return window


def name_dialog(window) -> AnnotatorNameDialog | None:
    dialog = window.findChild(AnnotatorNameDialog, "annotatorNameDialog")
    return dialog if dialog is not None and dialog.isVisible() else None


def label_word(window, qtbot, word: str) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    text = window.controller.doc.text
    start = text.index(word)
    window.editor.select_range(start, start + len(word))
    qtbot.keyClick(window.editor, Qt.Key.Key_1)


def test_first_start_asks_once_and_the_name_goes_on_the_labels(project, qtbot, monkeypatch):
    monkeypatch.delenv("ANNOTATOR_NAME")
    window = start(project, qtbot)
    dialog = name_dialog(window)
    assert dialog is not None
    field = dialog.findChild(QLineEdit, "annotatorName")
    assert field.text() == getpass.getuser()  # the login name, to confirm or replace
    field.selectAll()
    qtbot.keyClicks(field, "Marina Costa")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert name_dialog(window) is None
    assert QSettings().value("annotator") == "Marina Costa"
    assert window.findChild(QAction, "annotator-name").text() == "Your &name: Marina Costa…"
    label_word(window, qtbot, "Serra Verde")
    with open_store(project) as store:
        assert [(s.label, s.annotator) for s in store.spans.of(1)] == [("PERSON", "Marina Costa")]
    window.close()

    again = start(project, qtbot)
    assert name_dialog(again) is None
    assert again.controller.annotator == "Marina Costa"
    again.close()


def test_a_name_the_project_cannot_record_keeps_ok_disabled_with_the_reason(project, qtbot,
                                                                           monkeypatch):
    monkeypatch.delenv("ANNOTATOR_NAME")
    window = start(project, qtbot)
    dialog = name_dialog(window)
    field = dialog.findChild(QLineEdit, "annotatorName")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    for bad, reason in (("", "empty"), ("imported", "no person made"),
                        ("Ann\tLee", "whitespace: tab")):
        field.setText(bad)
        assert not ok.isEnabled()
        assert reason in dialog.findChild(QLabel, "annotatorNameReason").text()
        qtbot.keyClick(field, Qt.Key.Key_Return)
        assert name_dialog(window) is dialog
    dialog.reject()  # Cancel: the login name for now, and the question again next time
    assert window.controller.annotator == getpass.getuser()
    assert QSettings().value("annotator") is None
    window.close()
    again = start(project, qtbot)
    assert name_dialog(again) is not None
    again.close()


def test_annotator_name_variable_and_option_are_not_asked_and_the_option_wins(project, qtbot,
                                                                             monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NAME", "from-env")
    QSettings().setValue("annotator", "kept")
    window = start(project, qtbot)
    assert name_dialog(window) is None and window.controller.annotator == "from-env"
    window.close()
    window = start(project, qtbot, annotator="Zoë")
    assert name_dialog(window) is None and window.controller.annotator == "Zoë"
    window.close()
    monkeypatch.delenv("ANNOTATOR_NAME")
    window = start(project, qtbot)
    assert name_dialog(window) is None and window.controller.annotator == "kept"
    window.close()


def test_file_your_name_changes_who_labels_from_the_next_edit(window, project, qtbot):
    assert window.controller.annotator == "tester"
    label_word(window, qtbot, "Serra Verde")
    window.findChild(QAction, "annotator-name").trigger()
    dialog = name_dialog(window)
    field = dialog.findChild(QLineEdit, "annotatorName")
    assert field.text() == "tester"
    field.setText("Ali Khan")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.controller.annotator == "Ali Khan"
    assert "Labelling as Ali Khan" in window.statusBar().currentMessage()
    label_word(window, qtbot, "Brazil")
    with open_store(project) as store:
        assert [s.annotator for s in store.spans.of(1)] == ["tester", "Ali Khan"]


def test_annotator_gui_annotator_option_names_who_labels_in_the_window(tmp_path, qapp,
                                                                       monkeypatch):
    from click.testing import CliRunner
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.cli import main
    from annotator.ui.main_window import MainWindow

    monkeypatch.delenv("ANNOTATOR_NAME")
    db = tmp_path / "p.db"
    seen = []
    looks = []

    def look_and_close() -> None:
        """Once this run's window is up (other tests' windows may linger unshown): note who
        labels in it and whether it asked, then end the event loop (after 30 s in any case)."""
        ours = [w for w in QApplication.topLevelWidgets()
                if isinstance(w, MainWindow) and w.isVisible() and w.db_path == db]
        looks.append(1)
        if not ours and len(looks) < 600:
            QTimer.singleShot(50, look_and_close)
            return
        for widget in ours:
            seen.append((widget.controller.annotator, name_dialog(widget) is None))
            widget.close()
        QApplication.quit()

    QTimer.singleShot(50, look_and_close)
    qapp.setQuitOnLastWindowClosed(False)
    try:
        result = CliRunner().invoke(main, ["gui", "--db", str(db), "--annotator",
                                           "Marina Costa"])
    finally:
        qapp.setQuitOnLastWindowClosed(True)
    assert result.exit_code == 0, result.output
    assert seen == [("Marina Costa", True)]  # given: not asked
    result = CliRunner().invoke(main, ["gui", "--db", str(tmp_path / "p.db"),
                                       "--annotator", " "])
    assert result.exit_code == 2 and "the name is empty" in result.output
