"""Undo and redo without Qt: a stack of commands, each with ``do`` and ``undo`` against the store.

A command is pushed after its first ``do`` succeeded, so a refused edit never reaches the stack.
Commands name labels by identity (a span by document, start and end; a section by document and
block), never by row id, so undoing and redoing in any order finds the rows it means. When the
project changed under a command (another window), its undo raises
:class:`~annotator.domain.StaleEdit`: the command is dropped from the stack and the error goes to
the person; nothing half-done is left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from annotator.core.changes import Changes
from annotator.store import Store


class Command(Protocol):
    """One undoable edit. ``do`` and ``undo`` each run one store transaction and return what
    they changed; both may raise :class:`~annotator.domain.SpanError` (or ``KeyError``) and then
    change nothing."""

    text: str
    doc_id: int

    def do(self, store: Store) -> Changes: ...

    def undo(self, store: Store) -> Changes: ...


class UndoStack:
    """Done commands below, undone ones above, as in QUndoStack; ``listeners`` hear of every
    change of what can be undone or redone (to enable buttons)."""

    def __init__(self) -> None:
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_text(self) -> str:
        return self._done[-1].text if self._done else ""

    @property
    def redo_text(self) -> str:
        return self._undone[-1].text if self._undone else ""

    def next_undo(self) -> Command | None:
        return self._done[-1] if self._done else None

    def next_redo(self) -> Command | None:
        return self._undone[-1] if self._undone else None

    def __len__(self) -> int:
        return len(self._done)

    def push(self, command: Command) -> None:
        """Record a command whose ``do`` has already run; anything undone is forgotten."""
        self._done.append(command)
        self._undone.clear()
        self._changed()

    def undo(self, store: Store) -> Changes:
        """Undo the last command; raises what its ``undo`` raised (the command is dropped)."""
        return self._move(self._done, self._undone, lambda command: command.undo(store))

    def redo(self, store: Store) -> Changes:
        """Redo the last undone command; raises what its ``do`` raised (the command is
        dropped)."""
        return self._move(self._undone, self._done, lambda command: command.do(store))

    def _move(self, source: list[Command], target: list[Command],
              run: Callable[[Command], Changes]) -> Changes:
        if not source:
            return Changes()
        command = source.pop()
        try:
            changes = run(command)
        except BaseException:
            self._changed()
            raise
        target.append(command)
        self._changed()
        return changes

    def forget(self, doc_id: int) -> None:
        """Drop every step on one document: it changed elsewhere, so they no longer apply."""
        self._done = [c for c in self._done if c.doc_id != doc_id]
        self._undone = [c for c in self._undone if c.doc_id != doc_id]
        self._changed()

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self._changed()
