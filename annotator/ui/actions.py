"""Every command of the app as a named QAction: the menus, the palette, the keys and scripts
(``window.findChild(QAction, "label:ORG")``) all trigger the same object."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from annotator.domain import Label
from annotator.ui.side_panel import swatch

# name -> (menu text, shortcuts, what it does: for Help > Keyboard shortcuts and tooltips)
COMMANDS: dict[str, tuple[str, list[str], str]] = {
    "new-project": ("&New project…", ["Ctrl+N"], "Create a project file"),
    "open-project": ("&Open project…", ["Ctrl+O"], "Open a project file"),
    "import": ("&Import files…", ["Ctrl+I"], "Import text, JSONL or HTML files"),
    "import-folder": ("Import &folder…", ["Ctrl+Shift+I"], "Import every file in a folder"),
    "preannotate": ("&Pre-annotate", ["Ctrl+P"], "Suggest entities and sections with spaCy"),
    "train-sections": ("&Train sections", ["Ctrl+Shift+T"],
                       "Learn section suggestions from the pages you confirmed, in the "
                       "background, and re-suggest the unfinished documents"),
    "export": ("&Export…", ["Ctrl+E"], "Export labelled documents"),
    "train-entities": ("&Train entity model", ["Ctrl+T"],
                       "Train the project's entity model from confirmed documents and compare it "
                       "with the current one on documents held back"),
    "quit": ("&Quit", ["Ctrl+Q"], "Close the app (everything is already saved)"),
    "undo": ("&Undo", ["Ctrl+Z"], "Undo the last edit"),
    "redo": ("&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], "Redo"),
    "delete-span": ("&Delete span", ["Delete", "Backspace"], "Remove the span at the cursor"),
    "apply-suggestions": ("&Apply suggestions", ["Ctrl+Return"],
                          "Confirm every remaining suggestion in this document"),
    "accept": ("&Accept", ["A"], "Accept the document and go to the next unfinished one"),
    "reject": ("Re&ject", ["X"], "Reject the document and go to the next unfinished one"),
    "skip": ("&Skip", ["Space"], "Skip the document for now"),
    "next": ("&Next document", ["N", "Ctrl+PgDown"], "Next document in the list"),
    "previous": ("&Previous document", ["P", "Ctrl+PgUp"], "Previous document in the list"),
    "next-unfinished": ("Next &unfinished", ["U"], "Next document not accepted or rejected"),
    "zoom-in": ("Zoom &in", ["Ctrl++", "Ctrl+="], "Bigger text"),
    "zoom-out": ("Zoom &out", ["Ctrl+-"], "Smaller text"),
    "zoom-reset": ("&Actual size", ["Ctrl+0"], "Default text size"),
    "dark": ("&Dark palette", ["Ctrl+Shift+D"], "Switch between light and dark"),
    "find-in-article": ("&Find in article…", ["Ctrl+F"],
                        "Search the article's text (Escape closes the find bar)"),
    "find-next": ("Find &next", ["F3", "Ctrl+G"], "Select the next match in the article"),
    "find-previous": ("Find pre&vious", ["Shift+F3", "Ctrl+Shift+G"],
                      "Select the previous match in the article"),
    "find": ("&Filter documents", ["Ctrl+Shift+F"], "Filter the document list by text"),
    "shortcuts": ("&Keyboard shortcuts", ["F1"], "This list"),
    "labels": ("&Edit labels…", ["Ctrl+L"], "Add, rename, recolour, re-key or delete labels"),
    "annotator-name": ("Your &name…", [], "Who you are: recorded on the labels you make"),
    "next-disagreement": ("&Next disagreement", ["D"],
                          "Go to the next place where the merged annotators disagree"),
    "previous-disagreement": ("&Previous disagreement", ["Shift+D"],
                              "Go to the previous place where the merged annotators disagree"),
    "keep-edit": ("&Keep my edit", ["Alt+0"],
                  "Settle the disagreement with what the article has there now"),
    "agreement": ("&Agreement report…", [], "How far the annotators agree: F1, kappa, alpha"),
    **{f"take-{n}": (f"Take version &{n}", [f"Alt+{n}"],
                     f"Settle the disagreement with alternative {n}") for n in range(1, 10)},
    "near-duplicates": ("Show near-&duplicates", ["Ctrl+Shift+N"],
                        "List only this document's wire copies (again: every document)"),
    "copy-labels": ("&Copy labels to near-duplicates", [],
                    "Copy this accepted document's labels onto its unfinished wire copies"),
}
EDITOR_KEYS = [
    ("Mouse drag, Shift+arrows", "Select text (snaps to whole tokens when labelled)"),
    ("Alt+drag", "Select exact characters (no snapping)"),
    ("Double-click", "Select a word"),
    ("Click a span", "Select it (a label key relabels it, Delete removes it)"),
    ("Shift+Right / Shift+Left", "On a selected span: grow / shrink its end by a token"),
    ("Alt+Shift+Left / Alt+Shift+Right", "On a selected span: grow / shrink its start"),
    ("Ctrl+wheel", "Zoom"),
    ("Enter / Shift+Enter in the find bar", "Next / previous match"),
    ("Escape in the find bar", "Close it; the match stays selected, so a label key labels it"),
]


def make_action(parent: QWidget, name: str, slot: Callable[[], object]) -> QAction:
    text, keys, tip = COMMANDS[name]
    action = QAction(text, parent)
    action.setObjectName(name)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setToolTip(f"{tip} ({keys[0]})" if keys else tip)
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    parent.addAction(action)
    return action


def label_action(parent: QWidget, label: Label, slot: Callable[[str], object]) -> QAction:
    """``label:NAME`` for entities, ``section:name`` for sections; the key comes from the
    project's label set."""
    prefix = "label" if label.kind == "entity" else "section"
    action = QAction(swatch(label.colour), label.name, parent)
    action.setObjectName(f"{prefix}:{label.name}")
    action.setIconText(label.name)
    if label.key:
        action.setShortcut(QKeySequence(label.key))
    kind = "entity" if label.kind == "entity" else "section"
    action.setToolTip(f"Mark as {kind} {label.name} ({label.key or 'no key'})")
    action.triggered.connect(lambda _checked=False, n=label.name: slot(n))
    parent.addAction(action)
    return action
