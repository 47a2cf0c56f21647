"""The label set (name, colour, key, palette position per kind) and project settings: both live
in the project file, so a project is self-contained."""

from __future__ import annotations

from annotator.domain import Label, LabelKind
from annotator.store.base import Base


class Labels:
    """``store.labels``: the project's entity and section labels."""

    def __init__(self, base: Base):
        self._base = base

    def of(self, kind: LabelKind | str) -> list[Label]:
        """Labels of one kind in palette order; ``ValueError`` for an unknown kind."""
        kind = LabelKind(kind)
        rows = self._base.conn.execute(
            "SELECT name, kind, colour, key, position FROM labels WHERE kind = ? "
            "ORDER BY position", [kind.value],
        )
        return [Label(name, LabelKind(k), colour, key, pos) for name, k, colour, key, pos in rows]

    def names(self, kind: LabelKind | str) -> list[str]:
        return self._base.label_names(LabelKind(kind))

    def add(self, kind: LabelKind | str, name: str, colour: str, key: str = "") -> None:
        """Add a label at the end of the palette (or replace one of that name), in one
        transaction."""
        kind = LabelKind(kind)
        with self._base.transaction() as conn:
            position = conn.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM labels WHERE kind = ?", [kind.value]
            ).fetchone()[0]
            conn.execute(
                "INSERT OR REPLACE INTO labels (kind, name, colour, key, position) "
                "VALUES (?, ?, ?, ?, ?)",
                [kind.value, name, colour, key, position],
            )


class Settings:
    """``store.settings``: project settings as text (the model, the language ...)."""

    def __init__(self, base: Base):
        self._base = base

    def get(self, key: str, default: str | None = None) -> str | None:
        row = self._base.conn.execute(
            "SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set(self, key: str, value: str) -> None:
        with self._base.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                         [key, value])
