"""The window's thin adapter over :class:`annotator.core.session.Session`.

The session holds the editing logic and undo (Qt-free, tested without a QApplication); this
QObject turns what it tells its view into Qt signals, and the change bus into ``changed``, so
widgets connect as usual. It forwards the session's intents unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.changes import ChangeBus, Changes
from annotator.core.session import Session
from annotator.domain import Span, Status
from annotator.store import Store


class Controller(QObject):
    document_opened = Signal(int)
    spans_changed = Signal(int, list, list)  # doc id, removed spans, added spans
    sections_changed = Signal(int)
    status_changed = Signal(int, object)  # doc id, Status
    message_posted = Signal(str)  # a note for the status bar
    write_failed = Signal(str)  # the project file refused a write: nothing was saved
    edit_refused = Signal(str)  # an edit not made (the document changed elsewhere, ...)
    changed = Signal(object)  # every Changes record on the bus
    undo_state_changed = Signal()  # what can be undone or redone changed

    def __init__(self, store: Store, annotator: str | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.bus = ChangeBus()
        self.session = Session(store, annotator, self.bus, view=_Relay(self))
        self.bus.subscribe(self.changed.emit)
        self.session.undo_stack.subscribe(self.undo_state_changed.emit)

    # -- state and intents, forwarded -------------------------------------------------------------

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def annotator(self) -> str:
        return self.session.annotator

    def set_annotator(self, name: str) -> None:
        """Who makes the next edits (File > Your name)."""
        self.session.annotator = name

    @property
    def undo_stack(self):
        return self.session.undo_stack

    @property
    def doc(self):
        return self.session.doc

    @property
    def spans(self) -> list[Span]:
        return self.session.spans

    @property
    def sections(self):
        return self.session.sections

    @property
    def blocks(self):
        return self.session.blocks

    def emit_changes(self, changes: Changes) -> None:
        """Announce what a job (or another process) changed: every view refreshes itself."""
        self.bus.emit(changes)

    def set_store(self, store: Store) -> None:
        self.session.set_store(store)

    def open_document(self, doc_id: int) -> None:
        self.session.open_document(doc_id)

    def close_document(self) -> None:
        self.session.close_document()

    def span_at(self, offset: int) -> Span | None:
        return self.session.span_at(offset)

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        return self.session.snap(start, end)

    def label_range(self, start: int, end: int, label: str, snap: bool = True) -> list[Span]:
        return self.session.label_range(start, end, label, snap)

    def relabel(self, span: Span, label: str) -> list[Span]:
        return self.session.relabel(span, label)

    def delete_span(self, span: Span) -> None:
        self.session.delete_span(span)

    def resize_span(self, span_id: int, side: str, direction: int) -> list[Span]:
        return self.session.resize_span(span_id, side, direction)

    def tag_sections(self, start: int, end: int, label: str) -> None:
        self.session.tag_sections(start, end, label)

    def apply_suggestions(self) -> None:
        self.session.apply_suggestions()

    def set_status(self, status: Status) -> bool:
        """Whether the status was saved (see :meth:`Session.set_status`)."""
        return self.session.set_status(status)

    def undo(self) -> None:
        self.session.undo()

    def redo(self) -> None:
        self.session.redo()


class _Relay:
    """The session's view: each call becomes the controller's signal of that name."""

    def __init__(self, controller: Controller):
        self.c = controller

    def document_opened(self, doc_id: int) -> None:
        self.c.document_opened.emit(doc_id)

    def spans_changed(self, doc_id: int, removed: list[Span], added: list[Span]) -> None:
        self.c.spans_changed.emit(doc_id, removed, added)

    def sections_changed(self, doc_id: int) -> None:
        self.c.sections_changed.emit(doc_id)

    def status_changed(self, doc_id: int, status: Status) -> None:
        self.c.status_changed.emit(doc_id, status)

    def show_message(self, text: str) -> None:
        self.c.message_posted.emit(text)

    def show_write_failed(self, text: str) -> None:
        self.c.write_failed.emit(text)

    def show_refused(self, text: str) -> None:
        self.c.edit_refused.emit(text)
