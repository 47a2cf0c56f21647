"""The fresh processes of ``bench/gui_project.py``'s start-up and memory figures.

``python bench/gui_child.py window|floor DB LAUNCHED`` (``LAUNCHED``: the parent's ``time.time()``
just before it started this process) prints one JSON line: milliseconds from the launch to the
window painted, stages, resident memory (MB) once spaCy's tokenizer is loaded and the list
scrolled, and with ``en_core_web_sm`` (what pre-annotation loads) as well.

- ``window``: what ``annotator gui --db DB`` does (the CLI's imports, the Qt check, opening the
  store, the window shown; the tokenizer loads in the background once it shows);
- ``floor``: bare ``sqlite3`` counting the documents and a bare ``QMainWindow`` with a
  ``QTableView`` of the first 40 rows; then the same tokenizer and model in the same process.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

LAUNCHED = float(sys.argv[3]) if len(sys.argv) > 3 else time.time()
MARKS: dict[str, float] = {}


def mark(name: str) -> float:
    MARKS[name] = round((time.time() - LAUNCHED) * 1000, 1)
    return MARKS[name]


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def first_paint(app, widget) -> None:
    """Run the event loop until ``widget`` has painted once."""
    from PySide6.QtCore import QEvent, QObject

    class Painted(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and obj is widget and "painted" not in MARKS:
                mark("painted")
                app.quit()
            return False

    watcher = Painted()
    widget.installEventFilter(watcher)
    if "painted" not in MARKS:
        app.exec()
    widget.removeEventFilter(watcher)


def window_child(db: Path) -> dict:
    mark("python up")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import annotator.cli  # noqa: F401  - what `annotator gui` imports first
    from annotator.cli.gui import check_desktop_libraries
    from annotator.store import open_store

    mark("cli imported")
    check_desktop_libraries()
    with open_store(db):  # gui_command opens it once to report a read-only project
        pass
    mark("store checked")
    from PySide6.QtCore import QElapsedTimer, QTimer

    from annotator.ui.app import application, main_window

    mark("ui imported")
    app = application()
    window = main_window(db)
    mark("window built")
    window.resize(1400, 900)
    window.show()
    first_paint(app, window.list_panel.view.viewport())
    # the tokenizer loads in the background: the longest stall of the event loop meanwhile
    clock, gaps = QElapsedTimer(), []
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        gaps.append(clock.elapsed() - last[0])
        last[0] = clock.elapsed()
        loader = window.tokenizer_loader
        if loader is not None and not loader.is_running() and "tokenizer" not in MARKS:
            mark("tokenizer")
            app.quit()

    ticker = QTimer(interval=5)
    ticker.timeout.connect(tick)
    ticker.start()
    app.exec()
    ticker.stop()
    bar = window.list_panel.view.verticalScrollBar()
    for value in range(0, bar.maximum() + 1, max(1, bar.maximum() // 200)):
        bar.setValue(value)
        app.processEvents()
    window.controller.label_range(0, 5, window.label_actions[0].objectName()[6:])
    result = {"painted": MARKS["painted"], "tokenizer": MARKS["tokenizer"],
              "stall": max(gaps, default=0), "rss tokenizer": rss_mb()}
    window.controller.undo()
    from annotator.nlp.pipeline import load_model

    load_model()  # en_core_web_sm (or its installed stand-in), as pre-annotation loads it
    result["rss model"] = rss_mb()
    result["marks"] = dict(MARKS)
    window.close()
    return result


def floor_child(db: Path) -> dict:
    mark("python up")
    import sqlite3

    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication([])
    conn = sqlite3.connect(db)
    conn.execute("SELECT count(*) FROM documents").fetchone()
    model = QStandardItemModel()
    for row in conn.execute("SELECT id, title, status FROM documents ORDER BY id LIMIT 40"):
        model.appendRow([QStandardItem(str(v)) for v in row])
    window = QMainWindow()
    view = QTableView()
    view.setModel(model)
    window.setCentralWidget(view)
    window.resize(1400, 900)
    window.show()
    first_paint(app, view.viewport())
    import spacy

    spacy.blank("en")
    result = {"painted": MARKS["painted"], "rss tokenizer": rss_mb()}
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from annotator.nlp.pipeline import load_model

    load_model()
    result["rss model"] = rss_mb()
    result["marks"] = dict(MARKS)
    return result


if __name__ == "__main__":
    mode, db = sys.argv[1], Path(sys.argv[2])
    print(json.dumps(window_child(db) if mode == "window" else floor_child(db)))
