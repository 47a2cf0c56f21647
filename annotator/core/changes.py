"""The change bus: every mutation announces one :class:`Changes` record, and every view that
shows project data subscribes and refreshes itself (as Anki's operations do), instead of screens
refreshing each other by hand.

Changes come from an edit or its undo, an import, a pre-annotation, a merge, a training run, or
another process writing to the same file (noticed through ``PRAGMA data_version``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Changes:
    """What one mutation touched, by document id. ``everything`` means any document may have
    changed (a bulk job, another process): views re-read what they show. ``origin`` names the
    mutation (``edit``, ``undo``, ``import``, ``preannotate``, ``merge``, ``external`` ...)."""

    documents: frozenset[int] = frozenset()  # added, or text/meta changed
    spans: frozenset[int] = frozenset()
    sections: frozenset[int] = frozenset()
    statuses: frozenset[int] = frozenset()
    labels: bool = False  # the label set changed
    everything: bool = False
    origin: str = "edit"
    # Written through another connection than the window's own: a job's child process or
    # worker (set by whoever announces its report), another window or the CLI (noticed by the
    # session). Views re-read what these touched off the GUI thread (the list's background
    # refresher): they come just after a large commit, when the same queries on the GUI
    # thread's connection stalled the window.
    elsewhere: bool = False

    @classmethod
    def of(cls, doc_id: int, *, spans: bool = False, sections: bool = False,
           status: bool = False, origin: str = "edit", elsewhere: bool = False) -> Changes:
        one = frozenset([doc_id])
        return cls(spans=one if spans else frozenset(), sections=one if sections else frozenset(),
                   statuses=one if status else frozenset(), origin=origin, elsewhere=elsewhere)

    @classmethod
    def all(cls, origin: str, elsewhere: bool = False) -> Changes:
        return cls(everything=True, labels=True, origin=origin, elsewhere=elsewhere)

    def touches(self, doc_id: int) -> bool:
        """Whether a view showing document ``doc_id`` must refresh (looked up in each set: a
        pre-annotation's sets hold every document, and their union cost the GUI thread ~10 ms
        per 100,000 at the job's end)."""
        return self.everything or doc_id in self.documents or self.touches_row(doc_id)

    def touches_row(self, doc_id: int) -> bool:
        """Whether the labels, sections or status of document ``doc_id`` changed."""
        return doc_id in self.spans or doc_id in self.sections or doc_id in self.statuses

    def __bool__(self) -> bool:
        return bool(self.everything or self.labels or self.documents or self.spans
                    or self.sections or self.statuses)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.documents | other.documents, self.spans | other.spans,
                       self.sections | other.sections, self.statuses | other.statuses,
                       self.labels or other.labels, self.everything or other.everything,
                       self.origin if self.origin == other.origin else "several",
                       self.elsewhere or other.elsewhere)


Listener = Callable[[Changes], None]


@dataclass
class ChangeBus:
    """Subscribers are called in order, on the thread that emits (the GUI thread in the app;
    jobs in worker threads return their :class:`Changes` and the window emits them)."""

    _listeners: list[Listener] = field(default_factory=list)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, changes: Changes) -> None:
        if not changes:
            return
        for listener in list(self._listeners):
            listener(changes)

    def emit_all(self, changes: Iterable[Changes]) -> None:
        for change in changes:
            self.emit(change)
