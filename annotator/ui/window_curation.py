"""The main window's curation: the bar over a merged document's article, the keys that settle a
disagreement (Alt+1 … Alt+9 take an annotator's version, Alt+0 keeps the curator's own edit) and
go to the next one (D, Shift+D), and Labels > Agreement report.

Decisions go through :mod:`annotator.core.curating` on the controller's session, so each is one
transaction and Ctrl+Z undoes it like any edit; the bar redraws from the change signals.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QTimer

from annotator.core.curating import document_disagreements, next_place, take
from annotator.ui.agreement_dialog import open_agreement_dialog

COUNT_SLICE = 0.02  # seconds of counting per turn of the event loop


class CurationMixin:
    """Mixed into MainWindow (which provides store, controller, editor, curation_bar, ...).

    The open disagreements of the whole project are counted a document at a time in slices of
    :data:`COUNT_SLICE` on the event loop (a merged project of thousands of documents takes
    seconds to count), so the window never waits for it; the bar says "counting" meanwhile."""

    _counts: dict[int, int]  # document id -> open disagreements, as counted or last seen
    _counting: Iterator[tuple[int, int]] | None = None
    _count_timer: QTimer | None = None

    def curation_slots(self) -> dict[str, Any]:
        self._counts = {}
        slots: dict[str, Any] = {
            "next-disagreement": lambda: self.go_disagreement(backwards=False),
            "previous-disagreement": lambda: self.go_disagreement(backwards=True),
            "keep-edit": lambda: self.settle(None),
            "agreement": lambda: open_agreement_dialog(self),
        }
        for n in range(1, 10):
            slots[f"take-{n}"] = lambda n=n: self.settle(n - 1)
        return slots

    def count_disagreements(self) -> None:
        """(Re)start counting the project's open disagreements (a new project, a merge, another
        process): only when the versions or decisions changed since the last count, as one
        cheap query tells."""
        mark = (self.store.path, self.store.curation.fingerprint())
        if mark == getattr(self, "_counted", None):
            return
        self._counted = mark
        self._counts = {}
        self._counting = self._each_document_count()
        if self._count_timer is None:
            self._count_timer = QTimer(self)
            self._count_timer.setObjectName("curationCount")
            self._count_timer.timeout.connect(self._count_some)
        self._count_timer.start(0)

    def stop_counting(self) -> None:
        """Before the store closes: nothing may read it afterwards."""
        if self._count_timer is not None:
            self._count_timer.stop()
        self._counting = None

    def _each_document_count(self) -> Iterator[tuple[int, int]]:
        store = self.store
        for ids in store.curation.iter_merged():
            for doc_id in ids:
                text = store.documents.get(doc_id).text
                yield doc_id, sum(1 for _d, s in document_disagreements(store, doc_id, text)
                                  if s is None)

    def _count_some(self) -> None:
        deadline = time.monotonic() + COUNT_SLICE
        for doc_id, n in self._counting or ():
            self._counts.setdefault(doc_id, n)  # the open document's own count is fresher
            if time.monotonic() > deadline:
                return
        self.stop_counting()
        self._redraw_bar()

    def open_in_project(self) -> int | None:
        """Open disagreements in the whole project; ``None`` while they are being counted."""
        return None if self._counting is not None else sum(self._counts.values())

    def refresh_curation(self, opened: bool = False) -> None:
        """Redraw the bar for the open document, keeping the disagreement at hand (unless
        another document was ``opened``)."""
        doc = self.controller.doc
        bar = self.curation_bar
        if doc is None:
            bar.show_document("", [], None)
            return
        keep = bar.current.key if bar.current is not None and not opened else None
        items = document_disagreements(self.store, doc.id, doc.text)
        if items:  # only a merged document pays for the label colours
            self._counts[doc.id] = sum(1 for _d, s in items if s is None)
            bar.colours = {lab.name: lab.colour for kind in ("entity", "section")
                           for lab in self.store.labels.of(kind)}
        bar.show_document(doc.text, items, self.open_in_project(), keep)

    def _redraw_bar(self) -> None:
        bar = self.curation_bar
        if bar.items:
            bar.show_document(bar.text, bar.items, self.open_in_project(),
                              bar.current.key if bar.current else None)

    def settle(self, index: int | None) -> None:
        """Take alternative ``index`` of the disagreement at hand (``None``: keep the edit)."""
        d = self.curation_bar.current
        if d is None or self.controller.doc is None:
            self.show_message("No disagreement in this document (D goes to the next one)")
            return
        take(self.controller.session, d, index)

    def go_disagreement(self, backwards: bool) -> None:
        """Open the next (or previous) open disagreement, in this document or the next ones,
        and select its words in the article."""
        doc = self.controller.doc
        current = self.curation_bar.current
        offset = current.start if current is not None else self.editor.cursor_offset()
        place = next_place(self.store, doc.id if doc else 0, offset, backwards)
        if place is None:
            self.show_message("No open disagreements: every one is settled")
            return
        doc_id, d = place
        if doc is None or doc.id != doc_id:
            row = self.list_model.find_row(doc_id)
            if row is not None:
                self.go_row(row)
            else:
                self.controller.open_document(doc_id)
        self.curation_bar.select(d.key)
        self.editor.select_range(d.start, d.end)
        self.editor.setFocus()
