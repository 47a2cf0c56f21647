"""An editing session: the open document, a person's intents, and undo, without Qt.

The session turns an intent (label this range, tag these blocks, accept) into a command, runs it
against the store (one transaction, committed before anything is shown), puts it on the undo
stack and announces the :class:`Changes` on the bus. Its view of the open document is re-read
from the store whenever the bus says that document changed, whoever changed it, so what it holds
is always what is on disk. A write the store refuses (a bad span, a stale view, a locked or
read-only file, a full disk) changes nothing and is reported through ``view.show_message``: the
person can press the key again to retry.
"""

from __future__ import annotations

import getpass
import logging
import os
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from annotator.core import span_list
from annotator.core.changes import ChangeBus, Changes
from annotator.core.commands import ConfirmSuggestions, EditSpans, SetStatus, TagSections
from annotator.core.tokens import TokenGrid
from annotator.core.undo import Command, UndoStack
from annotator.domain import (
    HUMAN,
    Block,
    Document,
    Section,
    Span,
    SpanError,
    StaleEdit,
    Status,
    blocks,
    blocks_touching,
)
from annotator.store import ReadOnlyProjectError, StorageBusy, StorageError, Store

log = logging.getLogger(__name__)


def default_annotator() -> str:
    """Who labels: ``ANNOTATOR_NAME`` if set, else the login name."""
    return os.environ.get("ANNOTATOR_NAME") or getpass.getuser()


class SessionView(Protocol):
    """What a session tells the window (intent-named, as in Mu). Every method is optional."""

    def document_opened(self, doc_id: int) -> None: ...
    def spans_changed(self, doc_id: int, removed: list[Span], added: list[Span]) -> None: ...
    def sections_changed(self, doc_id: int) -> None: ...
    def status_changed(self, doc_id: int, status: Status) -> None: ...
    def show_message(self, text: str) -> None: ...
    def show_write_failed(self, text: str) -> None: ...
    def show_refused(self, text: str) -> None: ...


class _Silent:
    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args: None


class Session:
    """One person editing one project. ``view`` hears what changed; ``bus`` carries
    :class:`Changes` to every other view (lists, counts) and from other sources (jobs)."""

    def __init__(self, store: Store, annotator: str | None = None,
                 bus: ChangeBus | None = None, view: SessionView | None = None):
        self.store = store
        self.annotator = annotator or default_annotator()
        self.bus = bus or ChangeBus()
        self.view: SessionView = view or _Silent()  # type: ignore[assignment]
        self.undo_stack = UndoStack()
        self.doc: Document | None = None
        self.spans: list[Span] = []
        self.sections: list[Section] = []
        self.blocks: list[Block] = []
        self.grid = TokenGrid("", "en")
        self._seen: dict[int, int] = {}  # document id -> the revision this session last saw
        # (doc id, removed, added) of the session's own span edit being announced right now
        self._delta: tuple[int, list[Span], list[Span]] | None = None
        self._data_version = store.data_version()
        self.bus.subscribe(self._on_changes)

    # -- opening ---------------------------------------------------------------------------------

    def open_document(self, doc_id: int) -> None:
        self.doc = self.store.documents.get(doc_id)
        self._seen[doc_id] = self.doc.revision
        self.spans = self.store.spans.of(doc_id)
        self.sections = self.store.sections.of(doc_id)
        self.blocks = blocks(self.doc.text)
        self.grid = TokenGrid(self.doc.text, self.store.settings.get("lang", "en") or "en")
        self.view.document_opened(doc_id)

    def close_document(self) -> None:
        self.doc = None
        self.spans, self.sections, self.blocks = [], [], []
        self.grid = TokenGrid("", "en")

    def set_store(self, store: Store) -> None:
        """Another project: its history does not apply here."""
        self.undo_stack.clear()
        self.close_document()
        self.store = store
        self._seen.clear()
        self._data_version = store.data_version()

    def _on_changes(self, changes: Changes) -> None:
        """Re-read the open document when the bus says it changed, and tell the view what."""
        doc = self.doc
        if doc is None or not changes.touches(doc.id):
            return
        try:
            fresh = self.store.documents.get(doc.id)
        except KeyError:
            self.close_document()
            return
        status_moved = fresh.status != doc.status
        self.doc = fresh
        if changes.everything and fresh.revision == doc.revision and not status_moved:
            return  # every write to a document or its labels raises its revision: none here
        if changes.origin not in ("edit", "undo") and fresh.revision != self._seen.get(doc.id):
            # a job or another window changed the document under its history: the view shows
            # the new state, and undo no longer reaches behind it
            self.undo_stack.forget(doc.id)
            self._seen[doc.id] = fresh.revision
        if changes.everything or doc.id in changes.spans:
            self._refresh_spans(doc.id, None if changes.everything else self._delta)
        if changes.everything or doc.id in changes.sections:
            self.sections = self.store.sections.of(doc.id)
            self.view.sections_changed(doc.id)
        if status_moved or doc.id in changes.statuses:
            self.view.status_changed(doc.id, fresh.status)

    def _refresh_spans(self, doc_id: int,
                       delta: tuple[int, list[Span], list[Span]] | None) -> None:
        """Bring the open document's spans up to date and tell the view what went and came:
        from this session's own edit in place, otherwise by re-reading them."""
        if delta is not None and delta[0] == doc_id:
            # The spans may hold the edit already: the window's event loop runs while the
            # commit syncs, and a poll for other writers' changes re-reads them. Applied once
            # more, the edit listed its new span twice (a phantom row in the spans panel).
            added = [s for s in delta[2] if span_list.find(self.spans, s.start, s.end) != s]
            self.spans, removed = span_list.replaced(self.spans, delta[1], added)
        else:
            old, self.spans = self.spans, self.store.spans.of(doc_id)
            kept = {s[:5] for s in self.spans}
            was = {s[:5] for s in old}
            removed = [s for s in old if s[:5] not in kept]
            added = [s for s in self.spans if s[:5] not in was]
        self.view.spans_changed(doc_id, removed, added)

    def _announce(self, command: Command, changes: Changes) -> None:
        """Put a command's changes on the bus, with its span delta at hand for this session."""
        delta = getattr(command, "delta", None)
        self._delta = (command.doc_id, *delta) if delta is not None else None
        try:
            self.bus.emit(changes)
        finally:
            self._delta = None

    # -- tokens ----------------------------------------------------------------------------------

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """The selection widened to whole word tokens in one block (``None``: no word in it);
        see :class:`TokenGrid`."""
        return self.grid.snap(start, end)

    def token_at(self, offset: int) -> tuple[int, int] | None:
        return self.grid.token_at(offset)

    # -- running commands --------------------------------------------------------------------------

    def run(self, command: Command) -> bool:
        """Do a command; put it on the undo stack and announce it only if the store took it.
        The document must still be as this session last saw it (checked in the command's own
        transaction); otherwise the edit is refused and the document re-read."""
        try:
            changes = self._write(command.doc_id, command.do)
        except StaleEdit as exc:
            self._changed_elsewhere(command.doc_id, "Not saved", exc)
            return False
        except (SpanError, KeyError, StorageError) as exc:
            self._refused("Not saved", exc)
            return False
        self.undo_stack.push(command)
        self._announce(command, changes)
        return True

    def _write(self, doc_id: int, write: Callable[[Store], Changes]) -> Changes:
        """Run ``write`` in one transaction that first checks the document's revision; remember
        the revision it leaves.

        The changes name the document's status only when the status moved (a first label on
        a new document, accept, reject...). Every label edit may move it, so commands say
        ``status=True``; but most do not, and a status change makes the window count the
        whole project by status again (a ``GROUP BY`` over every document, ~15 ms of CPU on
        100,000 beside the window's own thread at each key press: keys7, README)."""
        with self.store.transaction():
            before = self.store.documents.revision_and_status(doc_id)
            if before is None:
                raise KeyError(f"no document {doc_id}")
            current, status = before
            seen = self._seen.get(doc_id, current)
            if current != seen:
                raise StaleEdit(f"document {doc_id} was changed in another window or by a job "
                                "since it was shown")
            changes = write(self.store)
            after = self.store.documents.revision_and_status(doc_id)
            if after is None:
                raise KeyError(f"no document {doc_id}")
            self._seen[doc_id] = after[0]
        if after[1] == status and doc_id in changes.statuses:
            changes = replace(changes, statuses=changes.statuses - {doc_id})
        return changes

    def _changed_elsewhere(self, doc_id: int, what: str, exc: BaseException) -> None:
        """Someone else changed the document: its edit history no longer applies, and the view
        is re-read so the person sees what the file holds."""
        self.undo_stack.forget(doc_id)
        self._seen.pop(doc_id, None)
        self._refused(f"{what} (reloaded; make the edit again)", exc)
        self.bus.emit(Changes.of(doc_id, spans=True, sections=True, status=True,
                                 origin="external", elsewhere=True))

    def check_external(self) -> bool:
        """Notice writes by other connections (another window, a job, the CLI) through SQLite's
        ``data_version``; when there were any, forget the history of documents they changed and
        announce a refresh on the bus. Cheap enough to call a few times a second."""
        version = self.store.data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        now = self.store.documents.revisions(list(self._seen))
        for doc_id, seen in list(self._seen.items()):
            if now.get(doc_id) != seen:
                self.undo_stack.forget(doc_id)
                self._seen.pop(doc_id)
        self.bus.emit(Changes.all("external", elsewhere=True))
        return True

    def undo(self) -> None:
        """Undo the last edit, on whatever document it was made (which opens)."""
        self._step(self.undo_stack.next_undo(), self.undo_stack.undo, "Undo")

    def redo(self) -> None:
        self._step(self.undo_stack.next_redo(), self.undo_stack.redo, "Redo")

    def _step(self, command: Command | None, step: Callable[[Store], Changes],
              what: str) -> None:
        if command is None:
            return
        try:
            if self.doc is None or self.doc.id != command.doc_id:
                self.open_document(command.doc_id)
            changes = self._write(command.doc_id, step)
        except StaleEdit as exc:
            self._changed_elsewhere(command.doc_id, f"{what} not possible", exc)
            return
        except (SpanError, KeyError, StorageError) as exc:
            self._refused(f"{what} not possible", exc)
            self.bus.emit(Changes.all("refresh"))  # show what the file holds now
            return
        self._announce(command, changes)

    def _refused(self, what: str, exc: BaseException) -> None:
        """Tell the person; a failure of the file itself (locked, read-only, full) is more than
        a note in passing: nothing was saved, and pressing the key again retries."""
        log.info("%s: %s", what, exc)
        if isinstance(exc, StorageError):
            retry = isinstance(exc, StorageBusy) and not isinstance(exc, ReadOnlyProjectError)
            hint = " Press the key again to retry." if retry else ""
            self.view.show_write_failed(f"{what}: the project file refused the write "
                                        f"({exc}).{hint}")
        else:  # an edit not made: a note as any other, and also where the person looks
            self.view.show_message(f"{what}: {exc}")
            self.view.show_refused(f"{what}: {exc}")

    # -- entity spans ----------------------------------------------------------------------------

    def span_at(self, offset: int) -> Span | None:
        inside = span_list.touching(self.spans, offset)
        return min(inside, key=lambda s: (offset == s.end, s.start)) if inside else None

    def span_by_id(self, span_id: int) -> Span | None:
        return next((s for s in self.spans if s.id == span_id), None)

    def label_range(self, start: int, end: int, label: str, snap: bool = True) -> list[Span]:
        """A label key with a selection makes a span (replacing what it overlaps); with a bare
        cursor it relabels the span there, or labels the word there. With ``snap`` (all but an
        Alt-drag) the span starts and ends on a word token and stays in one block (a selection
        over several keeps one, and says so). Returns the span as stored (empty when nothing
        changed)."""
        if self.doc is None:
            return []
        if start == end:
            span = self.span_at(start)
            if span is not None:
                return self.relabel(span, label)
            token = self.token_at(start)
            if token is None:
                self.view.show_message("Select some text first")
                return []
            start, end = token
        elif snap:
            snapped = self.snap(start, end)
            if snapped is None:
                self.view.show_message("Select a word first (not only spaces or punctuation)")
                return []
            if len(blocks_touching(self.blocks, start, end)) > 1:
                self.view.show_message("A span stays within one line: labelled "
                                       f"“{self.doc.text[snapped[0]:snapped[1]]}”")
            start, end = snapped
        if not self.doc.text[start:end].strip():
            self.view.show_message("Select some text first (not only spaces)")
            return []
        same = span_list.find(self.spans, start, end)
        if same is not None:
            return self.relabel(same, label)
        new = Span(start, end, label, HUMAN, self.annotator)
        return self._edit(f"Label {label}", span_list.overlapping_sorted(self.spans, start, end),
                          [new])

    def relabel(self, span: Span, label: str) -> list[Span]:
        """Another label on a span relabels it; its own label on a suggestion confirms it."""
        if label == span.label:
            if span.confirmed:
                return [span]
            return self._edit(f"Confirm {label}", [span],
                              [span._replace(annotator=self.annotator, id=None)])
        new = Span(span.start, span.end, label, HUMAN, self.annotator)
        return self._edit(f"Relabel {span.label} as {label}", [span], [new])

    def delete_span(self, span: Span) -> None:
        self._edit(f"Delete {span.label}", [span], [])

    def resize_span(self, span_id: int, side: str, direction: int) -> list[Span]:
        """Grow (+1) or shrink (-1) a span's start or end by one word token, within its block."""
        span = self.span_by_id(span_id)
        if span is None:
            return []
        start, end = self.grid.resized(span.start, span.end, side, direction)
        if (start, end) == (span.start, span.end) or end <= start:
            if direction > 0:
                self.view.show_message("A span stays within one line: no word to grow into")
            return [span]
        new = Span(start, end, span.label, HUMAN, self.annotator)
        before = [span] + [s for s in span_list.overlapping_sorted(self.spans, start, end)
                           if s.key != span.key]
        return self._edit(f"Resize {span.label}", before, [new])

    def _edit(self, text: str, before: list[Span], after: list[Span]) -> list[Span]:
        """Returns the spans as stored (empty when the store refused the edit)."""
        assert self.doc is not None
        command = EditSpans(self.doc.id, text, [s.with_id(None) for s in before],
                            [s.with_id(None) for s in after])
        if not self.run(command):
            return []
        stored = (span_list.find(self.spans, s.start, s.end) for s in sorted(after))
        return [s for s in stored if s is not None]

    # -- sections ----------------------------------------------------------------------------------

    def tag_sections(self, start: int, end: int, label: str) -> None:
        """Tag the blocks a cursor or selection touches; the same key on blocks that already
        carry that section (confirmed) clears them."""
        if self.doc is None:
            return
        touched = [b.index for b in blocks_touching(self.blocks, start, end)]
        if not touched:
            self.view.show_message("Put the cursor in a block of text first")
            return
        current = {s.block: s for s in self.sections}
        clear = all(b in current and current[b].label == label and current[b].confirmed
                    for b in touched)
        text = f"Clear {label}" if clear else f"Tag {label}"
        self.run(TagSections(self.doc.id, text, touched, None if clear else label,
                             self.annotator))

    # -- suggestions and status ----------------------------------------------------------------

    def apply_suggestions(self) -> None:
        """Confirm every remaining suggestion of the open document, in one step."""
        if self.doc is None:
            return
        if not any(not s.confirmed for s in [*self.spans, *self.sections]):
            self.view.show_message("No suggestions left in this document")
            return
        self.run(ConfirmSuggestions(self.doc.id, self.annotator))

    def set_status(self, status: Status) -> bool:
        """Accept, reject or skip the open document; whether the store took it (``False``: the
        document was changed by a job or another window since it was shown and is re-read, or
        the file refused the write; the person is told, and nothing moved on)."""
        if self.doc is None:
            return False
        return self.run(SetStatus(self.doc.id, status, self.doc.status, self.annotator))
