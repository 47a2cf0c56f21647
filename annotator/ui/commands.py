"""Undoable edits. Each command's work is one store transaction, committed before the view hears
of it. A command is pushed after its first run succeeded (so a refused edit never reaches the
stack); undo and redo re-open the command's document if the person has moved on since."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from annotator.domain import Section, Span, Status

if TYPE_CHECKING:
    from annotator.ui.controller import Controller


class StoreCommand(QUndoCommand):
    def __init__(self, controller: Controller, doc_id: int, text: str):
        super().__init__(text)
        self.controller = controller
        self.doc_id = doc_id
        self._done = True  # the controller ran the first redo before pushing

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.controller.ensure_open(self.doc_id)
        self.apply()

    def undo(self) -> None:
        self.controller.ensure_open(self.doc_id)
        self.revert()

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class EditSpans(StoreCommand):
    """Spans before -> spans after (add, delete, relabel, resize and confirm are all this).
    Ids change when rows are re-inserted, so each side keeps the ids it has now."""

    def __init__(self, controller: Controller, doc_id: int, text: str,
                 before: list[Span], after: list[Span]):
        super().__init__(controller, doc_id, text)
        self.before = before
        self.after = after

    def apply(self) -> None:
        self.after = self.controller.swap_spans(self.doc_id, self.before, self.after)

    def revert(self) -> None:
        self.before = self.controller.swap_spans(self.doc_id, self.after, self.before)


class TagSections(StoreCommand):
    def __init__(self, controller: Controller, doc_id: int, text: str, blocks: list[int],
                 label: str | None, previous: list[Section]):
        super().__init__(controller, doc_id, text)
        self.blocks = blocks
        self.label = label
        self.previous = previous

    def apply(self) -> None:
        self.previous = self.controller.write_sections(self.doc_id, self.blocks, self.label)

    def revert(self) -> None:
        self.controller.restore_sections(self.doc_id, self.blocks, self.previous)


class ConfirmSuggestions(StoreCommand):
    def __init__(self, controller: Controller, doc_id: int, span_ids: list[int],
                 section_ids: list[int]):
        super().__init__(controller, doc_id, "Apply suggestions")
        self.span_ids = span_ids
        self.section_ids = section_ids

    def apply(self) -> None:
        self.span_ids, self.section_ids = self.controller.confirm_all(self.doc_id)

    def revert(self) -> None:
        self.controller.unconfirm(self.doc_id, self.span_ids, self.section_ids)


class SetStatus(StoreCommand):
    """Accept, reject or skip. Accepting confirms the remaining suggestions in the same
    transaction; undo puts back the old status and un-confirms exactly those."""

    def __init__(self, controller: Controller, doc_id: int, status: Status, previous: Status,
                 confirmed: tuple[list[int], list[int]]):
        super().__init__(controller, doc_id, status.value.capitalize())
        self.status = status
        self.previous = previous
        self.confirmed = confirmed

    def apply(self) -> None:
        self.confirmed = self.controller.write_status(self.doc_id, self.status)

    def revert(self) -> None:
        self.controller.revert_status(self.doc_id, self.previous, self.confirmed)
