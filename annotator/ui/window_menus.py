"""Menus and the toolbar of the main window, built from its named actions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QMenu, QStyle, QToolBar, QToolButton

from annotator.ui.recent import recent_labels

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

MENUS = {
    "&File": ["new-project", "open-project", "recent", "-", "import", "import-folder",
              "preannotate", "train-entities", "train-sections", "export", "-", "annotator-name",
              "-", "quit"],
    "&Edit": ["undo", "redo", "-", "delete-span", "apply-suggestions", "-", "find-in-article",
              "find-next", "find-previous"],
    "&Labels": ["labels", "-", "entities", "-", "sections"],
    "&Document": ["accept", "reject", "skip", "-", "next", "previous", "next-unfinished",
                  "find", "-", "near-duplicates", "copy-labels"],
    "C&uration": ["next-disagreement", "previous-disagreement", "-", "take-1", "take-2",
                  "take-3", "keep-edit", "-", "agreement"],
    "&View": ["zoom-in", "zoom-out", "zoom-reset", "-", "dark"],
    "&Help": ["shortcuts"],
}
TOOLBAR = ["accept", "reject", "skip", "-", "previous", "next", "next-unfinished", "-", "undo",
           "redo", "-", "apply-suggestions", "preannotate", "export"]
# Shorter words on the toolbar than in the menus, so every action fits at 1024 px.
TOOLBAR_TEXT = {"previous": "Previous", "next": "Next"}


def build_menus(window: MainWindow) -> None:
    """(Re)build the menu bar: label actions and recent projects change with the project."""
    bar = window.menuBar()
    bar.clear()
    for old in bar.findChildren(QMenu, options=Qt.FindChildOption.FindDirectChildrenOnly):
        old.deleteLater()  # clear() only takes the menus off the bar
    actions = window.actions_by_name
    for title, names in MENUS.items():
        menu = bar.addMenu(title)
        for name in names:
            if name == "-":
                menu.addSeparator()
            elif name == "recent":
                _add_recent(window, menu)
            elif name == "entities":
                for action in getattr(window, "label_actions", []):
                    menu.addAction(action)
            elif name == "sections":
                for action in getattr(window, "section_actions", []):
                    menu.addAction(action)
            else:
                menu.addAction(actions[name])


def _add_recent(window: MainWindow, menu: QMenu) -> None:
    """File > Open recent: each project as ``&N name — folder``, enough of the folder to tell
    two ``p.db`` apart; the full path in the tooltip and status bar."""
    recent = menu.addMenu("Open &recent")
    recent.setToolTipsVisible(True)
    paths = window.recent_projects()
    labels = recent_labels([Path(p) for p in paths])
    for number, (path, label) in enumerate(zip(paths, labels, strict=True), 1):
        item = recent.addAction(f"&{number} {label.replace('&', '&&')}")
        item.setToolTip(path)
        item.setStatusTip(path)
        item.setData(path)
        item.triggered.connect(lambda _c=False, p=path: window.open_project(Path(p)))
    recent.setEnabled(bool(paths))


def build_toolbar(window: MainWindow) -> None:
    toolbar = QToolBar("Workflow", window)
    toolbar.setObjectName("workflowToolbar")
    toolbar.setAccessibleName("Workflow")
    toolbar.setMovable(False)
    toolbar.setIconSize(QSize(16, 16))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for name in TOOLBAR:
        if name == "-":
            toolbar.addSeparator()
            continue
        action = window.actions_by_name[name]
        if name in TOOLBAR_TEXT:
            action.setIconText(TOOLBAR_TEXT[name])
        toolbar.addAction(action)
    more = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    if more is not None:
        more.setAccessibleName("More toolbar actions")
        more.setToolTip("More actions (the window is too narrow to show them all)")
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    restyle_toolbar(window)


def restyle_toolbar(window: MainWindow) -> None:
    """After a palette switch: Qt keeps the overflow button's icon from when the button was
    made, so its chevrons stayed dark on the dark palette."""
    toolbar = window.findChild(QToolBar, "workflowToolbar")
    more = toolbar.findChild(QToolButton, "qt_toolbar_ext_button") if toolbar else None
    if more is not None:
        more.setIcon(more.style().standardIcon(
            QStyle.StandardPixmap.SP_ToolBarHorizontalExtensionButton, None, more))
