"""User intents -> store calls -> change signals.

The controller holds the open document and its annotations as plain data, turns a person's
intent (label this range, tag these blocks, accept) into one store transaction wrapped in an undo
command, and announces what changed. Views listen and redraw; they never write to the store.
"""

from __future__ import annotations

import getpass
import logging
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotator.domain import (
    HUMAN,
    Block,
    Document,
    Section,
    Span,
    SpanError,
    Status,
    blocks,
    blocks_touching,
    overlapping,
)
from annotator.store import Store
from annotator.ui.commands import (
    ConfirmSuggestions,
    EditSpans,
    SetStatus,
    StoreCommand,
    TagSections,
)

log = logging.getLogger(__name__)


class Controller(QObject):
    document_opened = Signal(int)
    spans_changed = Signal(int, list, list)  # doc id, removed spans, added spans
    sections_changed = Signal(int)
    status_changed = Signal(int, object)  # doc id, Status
    message_posted = Signal(str)  # a note for the status bar

    def __init__(self, store: Store, annotator: str | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.annotator = annotator or getpass.getuser()
        self.undo_stack = QUndoStack(self)
        self.doc: Document | None = None
        self.spans: list[Span] = []
        self.sections: list[Section] = []
        self.blocks: list[Block] = []
        self._tokens: tuple[list[int], list[int]] | None = None
        self.lang = store.setting("lang", "en") or "en"

    # -- opening -------------------------------------------------------------------------------

    def open_document(self, doc_id: int) -> None:
        self.doc = self.store.document(doc_id)
        self.spans = self.store.spans(doc_id)
        self.sections = self.store.sections(doc_id)
        self.blocks = blocks(self.doc.text)
        self._tokens = None
        self.document_opened.emit(doc_id)

    def ensure_open(self, doc_id: int) -> None:
        if self.doc is None or self.doc.id != doc_id:
            self.open_document(doc_id)

    def close_document(self) -> None:
        self.doc = None
        self.spans, self.sections, self.blocks = [], [], []

    # -- tokens --------------------------------------------------------------------------------

    def tokens(self) -> tuple[list[int], list[int]]:
        """Token starts and ends of the open document, computed on first need."""
        if self._tokens is None:
            from annotator.nlp.tokens import token_offsets

            pairs = token_offsets(self.doc.text, self.lang) if self.doc else []
            self._tokens = ([s for s, _ in pairs], [e for _, e in pairs])
        return self._tokens

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen a selection to whole tokens and drop whitespace at its edges."""
        starts, ends = self.tokens()
        i = bisect_right(starts, start) - 1
        if i < 0 or start >= ends[i]:
            i += 1  # the selection starts in whitespace: begin at the next token
        j = bisect_right(starts, end - 1) - 1
        if i >= len(starts) or j < i:
            return start, end
        return starts[i], ends[j]

    def token_at(self, offset: int) -> tuple[int, int] | None:
        starts, ends = self.tokens()
        i = bisect_right(starts, offset) - 1
        if i >= 0 and offset <= ends[i]:
            return starts[i], ends[i]
        return None

    # -- entity spans ----------------------------------------------------------------------------

    def span_at(self, offset: int) -> Span | None:
        inside = [s for s in self.spans if s.start <= offset <= s.end]
        return min(inside, key=lambda s: (offset == s.end, s.start)) if inside else None

    def label_range(self, start: int, end: int, label: str, snap: bool = True) -> list[Span]:
        """A label key with a selection makes a span (replacing what it overlaps); with a bare
        cursor it relabels the span there, or labels the token there. Returns the span as
        stored (empty when nothing changed)."""
        if self.doc is None:
            return []
        if start == end:
            span = self.span_at(start)
            if span is not None:
                return self.relabel(span, label)
            token = self.token_at(start)
            if token is None:
                self.message_posted.emit("Select some text first")
                return []
            start, end = token
        elif snap:
            start, end = self.snap(start, end)
        if not self.doc.text[start:end].strip():
            self.message_posted.emit("Select some text first (not only spaces)")
            return []
        same = [s for s in self.spans if (s.start, s.end) == (start, end)]
        if same:
            return self.relabel(same[0], label)
        new = Span(start, end, label, HUMAN, self.annotator)
        return self._edit(f"Label {label}", overlapping(self.spans, start, end), [new])

    def relabel(self, span: Span, label: str) -> list[Span]:
        """Another label on a span relabels it; its own label on a suggestion confirms it."""
        if label == span.label:
            if span.confirmed:
                return [span]
            return self._edit(f"Confirm {label}", [span],
                              [span._replace(annotator=self.annotator)])
        new = Span(span.start, span.end, label, HUMAN, self.annotator)
        return self._edit(f"Relabel {span.label} as {label}", [span], [new])

    def delete_span(self, span: Span) -> None:
        self._edit(f"Delete {span.label}", [span], [])

    def resize_span(self, span_id: int, side: str, direction: int) -> list[Span]:
        """Grow (+1) or shrink (-1) a span's start or end by one token."""
        span = next((s for s in self.spans if s.id == span_id), None)
        if span is None:
            return []
        start, end = self._resized(span, side, direction)
        if (start, end) == (span.start, span.end) or end <= start:
            return [span]
        new = Span(start, end, span.label, HUMAN, self.annotator)
        before = [span] + [s for s in overlapping(self.spans, start, end) if s.id != span.id]
        return self._edit(f"Resize {span.label}", before, [new])

    def _resized(self, span: Span, side: str, direction: int) -> tuple[int, int]:
        starts, ends = self.tokens()
        start, end = span.start, span.end
        if side == "end" and direction > 0:
            k = bisect_right(ends, end)
            end = ends[k] if k < len(ends) else end
        elif side == "end":
            k = bisect_left(ends, end) - 1
            end = ends[k] if k >= 0 and ends[k] > start else end
        elif direction > 0:
            k = bisect_left(starts, start) - 1
            start = starts[k] if k >= 0 else start
        else:
            k = bisect_right(starts, start)
            start = starts[k] if k < len(starts) and starts[k] < end else start
        return start, end

    def _edit(self, text: str, before: list[Span], after: list[Span]) -> list[Span]:
        """Returns the spans as stored (empty when the store refused the edit)."""
        assert self.doc is not None
        doc_id = self.doc.id
        command = self._run(lambda: EditSpans(self, doc_id, text, before,
                                              self.swap_spans(doc_id, before, after)))
        return command.after if isinstance(command, EditSpans) else []

    def _run(self, make: Callable[[], StoreCommand]) -> StoreCommand | None:
        """Do the edit now; put it on the undo stack only if the store took it."""
        try:
            command = make()
        except (SpanError, KeyError) as exc:
            log.info("edit refused: %s", exc)
            self.message_posted.emit(f"Not changed: {exc}")
            return None
        self.undo_stack.push(command)
        return command

    def swap_spans(self, doc_id: int, before: list[Span], after: list[Span]) -> list[Span]:
        """Replace ``before`` by ``after`` in one transaction; returns ``after`` as stored."""
        removed, added = self.store.edit_spans(
            doc_id, remove=[s.id for s in before], add=[s.with_id(None) for s in after]
        )
        if self.doc is not None and self.doc.id == doc_id:
            gone = {s.id for s in removed}
            self.spans = sorted([s for s in self.spans if s.id not in gone] + added,
                                key=lambda s: (s.start, s.end))
            if self.doc.status == Status.NEW:
                self.doc.status = Status.IN_PROGRESS
        self.spans_changed.emit(doc_id, removed, added)
        return added

    # -- sections ------------------------------------------------------------------------------

    def tag_sections(self, start: int, end: int, label: str) -> None:
        """Tag the blocks a cursor or selection touches; the same key on blocks that already
        carry that section (confirmed) clears them."""
        if self.doc is None:
            return
        touched = [b.index for b in blocks_touching(self.blocks, start, end)]
        if not touched:
            self.message_posted.emit("Put the cursor in a block of text first")
            return
        current = {s.block: s for s in self.sections}
        clear = all(b in current and current[b].label == label and current[b].confirmed
                    for b in touched)
        new_label = None if clear else label
        doc_id = self.doc.id
        text = f"Clear {label}" if clear else f"Tag {label}"
        self._run(lambda: TagSections(self, doc_id, text, touched, new_label,
                                      self.write_sections(doc_id, touched, new_label)))

    def write_sections(self, doc_id: int, block_ids: list[int], label: str | None) -> list[
        Section
    ]:
        previous = self.store.set_sections(doc_id, block_ids, label, HUMAN, self.annotator)
        self._reload_sections(doc_id)
        return previous

    def restore_sections(self, doc_id: int, block_ids: list[int],
                         previous: list[Section]) -> None:
        self.store.restore_sections(doc_id, block_ids, previous)
        self._reload_sections(doc_id)

    def _reload_sections(self, doc_id: int) -> None:
        if self.doc is not None and self.doc.id == doc_id:
            self.sections = self.store.sections(doc_id)
        self.sections_changed.emit(doc_id)

    # -- suggestions and status --------------------------------------------------------------------

    def apply_suggestions(self) -> None:
        """Confirm every remaining suggestion of the open document, in one step."""
        if self.doc is None:
            return
        if not any(not s.confirmed for s in [*self.spans, *self.sections]):
            self.message_posted.emit("No suggestions left in this document")
            return
        doc_id = self.doc.id
        self._run(lambda: ConfirmSuggestions(self, doc_id, *self.confirm_all(doc_id)))

    def confirm_all(self, doc_id: int) -> tuple[list[int], list[int]]:
        ids = self.store.confirm_suggestions(doc_id, self.annotator)
        self._reload_annotations(doc_id)
        return ids

    def unconfirm(self, doc_id: int, span_ids: list[int], section_ids: list[int]) -> None:
        self.store.unconfirm(doc_id, span_ids, section_ids)
        self._reload_annotations(doc_id)

    def _reload_annotations(self, doc_id: int) -> None:
        if self.doc is None or self.doc.id != doc_id:
            return
        old = self.spans
        self.spans = self.store.spans(doc_id)
        self.spans_changed.emit(doc_id, old, self.spans)
        self._reload_sections(doc_id)

    def set_status(self, status: Status) -> None:
        if self.doc is None:
            return
        doc_id, previous = self.doc.id, self.doc.status
        self._run(lambda: SetStatus(self, doc_id, status, previous,
                                    self.write_status(doc_id, status)))

    def write_status(self, doc_id: int, status: Status) -> tuple[list[int], list[int]]:
        """Set the status; accepting confirms the remaining suggestions in the same transaction.
        Returns the ids confirmed, for undo."""
        with self.store.transaction():
            confirmed: tuple[list[int], list[int]] = ([], [])
            if status == Status.ACCEPTED:
                confirmed = (
                    [s.id for s in self.store.spans(doc_id) if not s.confirmed],
                    [s.id for s in self.store.sections(doc_id) if not s.confirmed],
                )
            self.store.set_status(doc_id, status, self.annotator)
        self._after_status(doc_id, status)
        return confirmed

    def revert_status(self, doc_id: int, previous: Status,
                      confirmed: tuple[list[int], list[int]]) -> None:
        with self.store.transaction():
            self.store.unconfirm(doc_id, *confirmed)
            self.store.set_status(doc_id, previous)
        self._after_status(doc_id, previous)

    def _after_status(self, doc_id: int, status: Status) -> None:
        if self.doc is not None and self.doc.id == doc_id:
            self.doc.status = status
            self._reload_annotations(doc_id)
        self.status_changed.emit(doc_id, status)
