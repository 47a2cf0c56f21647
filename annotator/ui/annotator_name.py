"""Who is labelling: the name recorded on every label a person makes or confirms, which
``annotator merge`` uses to tell annotators apart.

It comes from, first to last: ``--annotator`` (``main_window(..., annotator=)``), the
``ANNOTATOR_NAME`` environment variable, the name kept in ``QSettings`` by an earlier run. When
none says, the app (:func:`annotator.ui.app.run`) asks once, with the login name filled in; the
answer is kept in ``QSettings``. File > Your name changes it at any time (a name given by
``--annotator`` or ``ANNOTATOR_NAME`` still wins at the next start). Until a name is given the
session uses the login name, as before.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import validate_annotator_name

SETTINGS_KEY = "annotator"
ENV = "ANNOTATOR_NAME"


def known_annotator(given: str | None, settings: QSettings) -> str | None:
    """The name from ``given``, ``ANNOTATOR_NAME`` or ``QSettings`` (in that order), or ``None``
    when nobody has said (a kept value that is no longer valid counts as none)."""
    for name in (given, os.environ.get(ENV), settings.value(SETTINGS_KEY)):
        if isinstance(name, str) and name and validate_annotator_name(name) is None:
            return name
    return None


class AnnotatorNameDialog(QDialog):
    """One line for the name; OK stays disabled while the name would be refused, and the
    reason is shown under it."""

    def __init__(self, parent: QWidget, current: str):
        super().__init__(parent)
        self.setObjectName("annotatorNameDialog")
        self.setWindowTitle("Your name")
        self.setAccessibleName("Your name")
        intro = QLabel("Your name is recorded on every label you make or confirm, so that "
                       "projects merged from several annotators say who did what.")
        intro.setWordWrap(True)
        self.name = QLineEdit(current, self)
        self.name.setObjectName("annotatorName")
        self.name.setAccessibleName("Name")
        self.name.selectAll()
        self.reason = QLabel(self)
        self.reason.setObjectName("annotatorNameReason")
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        for widget in (intro, self.name, self.reason, self.buttons):
            layout.addWidget(widget)
        self._check(current)

    def _check(self, text: str) -> None:
        reason = validate_annotator_name(text)
        self.reason.setText(reason or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(reason is None)

    def accept(self) -> None:
        if validate_annotator_name(self.name.text()) is None:
            super().accept()

    def chosen(self) -> str:
        return self.name.text()


def set_annotator(window, name: str) -> None:
    """Label as ``name`` from now on, and keep it for the next start."""
    window.controller.set_annotator(name)
    window.settings.setValue(SETTINGS_KEY, name)
    show_annotator(window)
    window.show_message(f"Labelling as {name}")


def show_annotator(window) -> None:
    """File > Your name shows who the labels are recorded as."""
    action = window.actions_by_name["annotator-name"]
    action.setText(f"Your &name: {window.controller.annotator}…")
    action.setStatusTip(f"Labels you make are recorded as {window.controller.annotator}")


def ask_annotator_name(window) -> AnnotatorNameDialog:
    """File > Your name: a non-blocking dialog (``open()``); OK stores the name."""
    dialog = AnnotatorNameDialog(window, window.controller.annotator)
    dialog.accepted.connect(lambda: set_annotator(window, dialog.chosen()))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def ask_annotator_name_once(window) -> AnnotatorNameDialog | None:
    """At the app's start: ask only when no name was given, set or kept (Cancel keeps the
    login name for this run and asks again next time)."""
    if known_annotator(window.given_annotator, window.settings) is not None:
        return None
    return ask_annotator_name(window)
