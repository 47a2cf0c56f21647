"""The main window's curation: the bar over a merged document's article, the keys that settle a
disagreement (Alt+1 … Alt+9 take an annotator's version, Alt+0 keeps the curator's own edit) and
go to the next one (D, Shift+D), and Labels > Agreement report.

Decisions go through :mod:`annotator.core.curating` on the controller's session, so each is one
transaction and Ctrl+Z undoes it like any edit; the bar redraws from the change signals.
"""

from __future__ import annotations

from typing import Any

from annotator.core.curating import count_open, document_disagreements, next_place, take
from annotator.ui.agreement_dialog import open_agreement_dialog


class CurationMixin:
    """Mixed into MainWindow (which provides store, controller, editor, curation_bar, ...)."""

    _open_total: int = 0  # open disagreements in the project, as last counted
    _open_elsewhere: int = 0  # of those, in documents other than the open one

    def curation_slots(self) -> dict[str, Any]:
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
        """Count the project's open disagreements (a new project, a merge, another process)."""
        self._open_total = count_open(self.store)
        self._open_elsewhere = self._open_total - self._open_here()

    def _open_here(self) -> int:
        return sum(1 for _d, s in self.curation_bar.items if s is None)

    def refresh_curation(self, opened: bool = False) -> None:
        """Redraw the bar for the open document, keeping the disagreement at hand (unless
        another document was ``opened``)."""
        doc = self.controller.doc
        bar = self.curation_bar
        if doc is None:
            bar.show_document("", [], 0)
            return
        keep = bar.current.key if bar.current is not None and not opened else None
        items = document_disagreements(self.store, doc.id, doc.text)
        open_here = sum(1 for _d, s in items if s is None)
        if opened:
            self._open_elsewhere = self._open_total - open_here
        self._open_total = self._open_elsewhere + open_here
        bar.colours = {lab.name: lab.colour for kind in ("entity", "section")
                       for lab in self.store.labels.of(kind)}
        bar.show_document(doc.text, items, self._open_total, keep)

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
