"""Menus and the toolbar of the main window, built from its named actions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QToolBar

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

MENUS = {
    "&File": ["new-project", "open-project", "recent", "-", "import", "import-folder",
              "preannotate", "export", "-", "quit"],
    "&Edit": ["undo", "redo", "-", "delete-span", "apply-suggestions"],
    "&Labels": ["entities", "-", "sections"],
    "&Document": ["accept", "reject", "skip", "-", "next", "previous", "next-unfinished",
                  "find"],
    "&View": ["zoom-in", "zoom-out", "zoom-reset", "-", "dark"],
    "&Help": ["shortcuts"],
}
TOOLBAR = ["accept", "reject", "skip", "-", "previous", "next", "next-unfinished", "-", "undo",
           "redo", "-", "apply-suggestions", "preannotate", "export"]


def build_menus(window: MainWindow) -> None:
    """(Re)build the menu bar: label actions and recent projects change with the project."""
    bar = window.menuBar()
    bar.clear()
    actions = window.actions_by_name
    for title, names in MENUS.items():
        menu = bar.addMenu(title)
        for name in names:
            if name == "-":
                menu.addSeparator()
            elif name == "recent":
                recent = menu.addMenu("Open &recent")
                for path in window.recent_projects():
                    item = recent.addAction(Path(path).name)
                    item.setToolTip(path)
                    item.triggered.connect(lambda _c=False, p=path: window.open_project(Path(p)))
                recent.setEnabled(bool(window.recent_projects()))
            elif name == "entities":
                for action in getattr(window, "label_actions", []):
                    menu.addAction(action)
            elif name == "sections":
                for action in getattr(window, "section_actions", []):
                    menu.addAction(action)
            else:
                menu.addAction(actions[name])


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
        else:
            toolbar.addAction(window.actions_by_name[name])
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
