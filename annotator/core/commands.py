"""The undoable edits: every change a person makes to labels or status is one of these.

Each keeps what it needs as plain values (spans and sections as they were and are, never row
ids), so ``do`` and ``undo`` can run any number of times in any order against the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.changes import Changes
from annotator.domain import HUMAN, Section, Span, Status
from annotator.store import Store
from annotator.store.suggestions import Confirmed


@dataclass
class EditSpans:
    """Spans ``before`` become spans ``after`` (add, delete, relabel, resize and confirm are all
    this)."""

    doc_id: int
    text: str
    before: list[Span]
    after: list[Span]
    # (removed, added with their row ids) of the last do or undo: lets the session update the
    # open document's spans in place instead of re-reading a thousand of them per key press
    delta: tuple[list[Span], list[Span]] = field(default=([], []), repr=False)

    def do(self, store: Store) -> Changes:
        self.delta = store.spans.replace(self.doc_id, remove=self.before, add=self.after)
        return Changes.of(self.doc_id, spans=True, status=True)

    def undo(self, store: Store) -> Changes:
        self.delta = store.spans.replace(self.doc_id, remove=self.after, add=self.before)
        return Changes.of(self.doc_id, spans=True, status=True, origin="undo")


@dataclass
class TagSections:
    """Blocks get a section label (``None`` clears them)."""

    doc_id: int
    text: str
    blocks: list[int]
    label: str | None
    annotator: str
    before: list[Section] = field(default_factory=list)
    after: list[Section] = field(default_factory=list)
    _done_once: bool = False

    def do(self, store: Store) -> Changes:
        if not self._done_once:
            self.before = store.sections.set(self.doc_id, self.blocks, self.label, HUMAN,
                                             self.annotator)
            wanted = set(self.blocks)
            self.after = [s for s in store.sections.of(self.doc_id) if s.block in wanted]
            self._done_once = True
        else:
            store.sections.replace(self.doc_id, self.before, self.blocks, self.after)
        return Changes.of(self.doc_id, sections=True, status=True)

    def undo(self, store: Store) -> Changes:
        store.sections.replace(self.doc_id, self.after, self.blocks, self.before)
        return Changes.of(self.doc_id, sections=True, status=True, origin="undo")


@dataclass
class ConfirmSuggestions:
    """"Apply suggestions": every remaining suggestion of a document becomes the person's."""

    doc_id: int
    annotator: str
    text: str = "Apply suggestions"
    confirmed: Confirmed = field(default_factory=Confirmed)

    def do(self, store: Store) -> Changes:
        self.confirmed = store.suggestions.confirm(self.doc_id, self.annotator)
        return Changes.of(self.doc_id, spans=True, sections=True, status=True)

    def undo(self, store: Store) -> Changes:
        store.suggestions.unconfirm(self.doc_id, self.confirmed)
        return Changes.of(self.doc_id, spans=True, sections=True, origin="undo")


@dataclass
class SetStatus:
    """Accept, reject or skip. Accepting confirms the remaining suggestions in the same
    transaction; undo puts back the old status and un-confirms exactly those."""

    doc_id: int
    status: Status
    previous: Status
    annotator: str
    confirmed: Confirmed = field(default_factory=Confirmed)

    @property
    def text(self) -> str:
        return self.status.value.capitalize()

    def do(self, store: Store) -> Changes:
        with store.transaction():
            if self.status == Status.ACCEPTED:
                self.confirmed = store.suggestions.confirm(self.doc_id, self.annotator)
            store.documents.set_status(self.doc_id, self.status)
        return Changes.of(self.doc_id, spans=True, sections=True, status=True)

    def undo(self, store: Store) -> Changes:
        with store.transaction():
            store.suggestions.unconfirm(self.doc_id, self.confirmed)
            store.documents.set_status(self.doc_id, self.previous)
        return Changes.of(self.doc_id, spans=True, sections=True, status=True, origin="undo")


@dataclass
class SettleDisagreement:
    """A curator settles one disagreement of a merged document: the gold labels of its region
    (spans, or the block's section) become what the curator chose, and the region is marked
    settled with whose version was taken (``choice``; empty when the curator keeps their own
    edit). Undo puts the labels back and reopens it, in one transaction each way."""

    doc_id: int
    text: str
    key: tuple[str, int, int]
    choice: tuple[str, ...]
    curator: str
    before: list[Span] = field(default_factory=list)
    after: list[Span] = field(default_factory=list)
    block: int | None = None  # a section's disagreement: the block, and its section before/after
    section_before: list[Section] = field(default_factory=list)
    section_after: list[Section] = field(default_factory=list)
    delta: tuple[list[Span], list[Span]] = field(default=([], []), repr=False)

    def do(self, store: Store) -> Changes:
        with store.transaction():
            self._labels(store, self.before, self.after, self.section_before,
                         self.section_after)
            store.curation.settle(self.doc_id, self.key, self.choice, self.curator)
        return Changes.of(self.doc_id, spans=True, sections=True, status=True)

    def undo(self, store: Store) -> Changes:
        with store.transaction():
            store.curation.unsettle(self.doc_id, self.key)
            self._labels(store, self.after, self.before, self.section_after,
                         self.section_before)
        return Changes.of(self.doc_id, spans=True, sections=True, status=True, origin="undo")

    def _labels(self, store: Store, remove: list[Span], add: list[Span],
                expected: list[Section], sections: list[Section]) -> None:
        if self.block is None:
            self.delta = store.spans.replace(self.doc_id, remove=remove, add=add)
        else:
            self.delta = ([], [])
            store.sections.replace(self.doc_id, expected, [self.block], sections)
