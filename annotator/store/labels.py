"""The label set (name, colour, key, palette position per kind) and project settings: both live
in the project file, so a project is self-contained.

Every change of the label set is one transaction and raises
:class:`~annotator.domain.LabelError` (changing nothing) when it cannot be made: a name that
:func:`~annotator.domain.validate_label_name` refuses or that the kind already has, a key another
label has, a colour that is not ``#rrggbb``, or a label that does not exist. Renaming a label
renames its spans (or section tags); deleting it deletes them: :meth:`Labels.usage` says how many
first.
"""

from __future__ import annotations

import colorsys
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.domain import Label, LabelError, LabelKind, validate_label_name
from annotator.store.base import Base
from annotator.store.migrations import ENTITY_COLOURS, SECTION_COLOURS

# The keys a new label gets, in order, while one is free (the window binds them as shortcuts).
# Entities: the digits (the ten built-in labels have them), then the letters that no command of
# the window has (A accepts, D, N, P, U and X move or reject: tests/ui/test_labels_dialog.py
# checks the two lists stay apart), so a label the person adds gets a key too.
COMMAND_LETTERS = frozenset("ADNPUX")
DEFAULT_KEYS = {
    LabelKind.ENTITY: (*(str((i + 1) % 10) for i in range(10)),
                       *(c for c in "BCEFGHIJKLMOQRSTVWYZ" if c not in COMMAND_LETTERS)),
    LabelKind.SECTION: tuple(f"Ctrl+{i}" for i in range(1, 10)),
}
EXTRA_SECTION_COLOURS = ("#16a085", "#c0392b", "#607d8b", "#7f8c8d", "#b7950b", "#5d6d7e")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_TABLE = {LabelKind.ENTITY: "spans", LabelKind.SECTION: "sections"}


@dataclass(frozen=True)
class LabelUsage:
    """How much of the project carries a label: ``items`` spans (entity) or tagged blocks
    (section) in ``documents`` documents."""

    kind: LabelKind
    name: str
    items: int = 0
    documents: int = 0

    def describe(self) -> str:
        """``12 spans in 5 documents`` / ``3 section tags in 1 document``."""
        unit = "span" if self.kind == LabelKind.ENTITY else "section tag"
        docs = "document" if self.documents == 1 else "documents"
        return f"{self.items} {unit}{'' if self.items == 1 else 's'} in {self.documents} {docs}"


@dataclass
class Declared:
    """What :meth:`Labels.declare` did: labels added and removed, and the unlisted labels it kept
    because spans use them (with how many)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[LabelUsage] = field(default_factory=list)
    changed: bool = False


def check_colour(colour: str) -> str:
    """``#rrggbb`` in lower case; :class:`LabelError` for anything else."""
    if not isinstance(colour, str) or not _COLOUR.fullmatch(colour.strip()):
        raise LabelError(f"colour {colour!r} is not of the form #rrggbb (e.g. #7eb6e8)")
    return colour.strip().lower()


def check_key(key: str) -> str:
    """A key as the window names it (``1``, ``Q``, ``Ctrl+5``) or ``""`` for none: visible
    characters only. Whether Qt can bind it is the window's business."""
    key = key.strip() if isinstance(key, str) else key
    if not isinstance(key, str) or (key and (not key.isprintable() or " " in key)):
        raise LabelError(f"key {key!r} is not a key name (e.g. 7, Q or Ctrl+5)")
    return key


def default_colour(conn: sqlite3.Connection, kind: LabelKind, name: str) -> str:
    """A colour for a new label: the section's usual one, else the first palette colour no
    label of the kind has, else one by position."""
    if kind == LabelKind.SECTION and name in SECTION_COLOURS:
        return SECTION_COLOURS[name]
    palette = ENTITY_COLOURS if kind == LabelKind.ENTITY else EXTRA_SECTION_COLOURS
    used = {r[0] for r in conn.execute("SELECT colour FROM labels WHERE kind = ?", [kind.value])}
    free = [c for c in palette if c not in used]
    if free:
        return free[0]
    # All taken (the 18 OntoNotes labels already use the ten entity colours): the candidate
    # farthest from every colour in use, so a new label never looks like an old one. Entity
    # colours stay light (black text on them), section colours mid-dark (white bars).
    light = (0.72, 0.82) if kind == LabelKind.ENTITY else (0.36, 0.48)
    candidates = [_hls_hex(i * GOLDEN_ANGLE % 1.0, light[i % 2], 0.5 + 0.25 * (i // 2 % 2))
                  for i in range(CANDIDATES)]
    rgb_used = [_rgb(c) for c in used]
    return max(candidates, key=lambda c: min(_distance(_rgb(c), u) for u in rgb_used))


GOLDEN_ANGLE = 0.381966  # of a turn: successive hues spread evenly around the circle
CANDIDATES = 96


def _hls_hex(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """A cheap perceptual colour distance ("redmean", for sRGB without a colour library)."""
    mean_red = (a[0] + b[0]) / 2
    dr, dg, db = a[0] - b[0], a[1] - b[1], a[2] - b[2]
    return ((2 + mean_red / 256) * dr * dr + 4 * dg * dg
            + (2 + (255 - mean_red) / 256) * db * db) ** 0.5


def free_key(conn: sqlite3.Connection, kind: LabelKind) -> str:
    """The first of the kind's default keys that no label has (``""`` when all are taken)."""
    used = {r[0].casefold() for r in conn.execute("SELECT key FROM labels")}
    return next((k for k in DEFAULT_KEYS[kind] if k.casefold() not in used), "")


def insert_label(conn: sqlite3.Connection, kind: LabelKind, name: str,
                 colour: str | None = None, key: str | None = None) -> Label:
    """Add one label at the end of the palette inside the caller's transaction (the import
    path shares it). Raises :class:`LabelError` for a bad or taken name or key."""
    reason = validate_label_name(name)
    if reason:
        raise LabelError(reason)
    if _row(conn, kind, name) is not None:
        raise LabelError(f"there is already {_a(kind)} label {name!r}")
    colour = check_colour(colour) if colour else default_colour(conn, kind, name)
    key = free_key(conn, kind) if key is None else check_key(key)
    _check_key_free(conn, key, kind, name)
    position = conn.execute("SELECT coalesce(max(position) + 1, 0) FROM labels WHERE kind = ?",
                            [kind.value]).fetchone()[0]
    conn.execute("INSERT INTO labels (kind, name, colour, key, position) VALUES (?, ?, ?, ?, ?)",
                 [kind.value, name, colour, key, position])
    return Label(name, kind, colour, key, position)


def _a(kind: LabelKind) -> str:
    return f"an {kind}" if kind == LabelKind.ENTITY else f"a {kind}"


def _row(conn: sqlite3.Connection, kind: LabelKind, name: str) -> Label | None:
    row = conn.execute("SELECT name, kind, colour, key, position FROM labels "
                       "WHERE kind = ? AND name = ?", [kind.value, name]).fetchone()
    return None if row is None else Label(row[0], LabelKind(row[1]), row[2], row[3], row[4])


def _check_key_free(conn: sqlite3.Connection, key: str, kind: LabelKind, name: str) -> None:
    """Keys are unique in the whole project, whatever the case: entity and section labels share
    one keyboard."""
    if not key:
        return
    for other_kind, other, other_key in conn.execute("SELECT kind, name, key FROM labels"):
        if other_key.casefold() == key.casefold() and (other_kind, other) != (kind.value, name):
            raise LabelError(f"key {key} is already the key of {other_kind} label {other!r}")


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

    def get(self, kind: LabelKind | str, name: str) -> Label:
        """One label; :class:`LabelError` when the kind has no label of that name."""
        found = _row(self._base.conn, LabelKind(kind), name)
        if found is None:
            raise LabelError(f"there is no {LabelKind(kind)} label {name!r}")
        return found

    def find(self, name: str) -> list[Label]:
        """The labels of any kind with this name (none, one, or an entity and a section)."""
        return [lab for kind in LabelKind if (lab := _row(self._base.conn, kind, name))]

    def add(self, kind: LabelKind | str, name: str, colour: str | None = None,
            key: str | None = None) -> Label:
        """Add a label at the end of the palette. ``colour`` defaults to a free palette colour;
        ``key=None`` takes the first free default key (``1`` … ``0``, then letters no command
        has, for entities; ``Ctrl+1`` … for sections), ``""`` gives none.
        :class:`LabelError`: bad or taken name, key taken."""
        with self._base.transaction() as conn:
            return insert_label(conn, LabelKind(kind), name, colour, key)

    def rename(self, kind: LabelKind | str, old: str, new: str) -> LabelUsage:
        """Rename a label and every span (or section tag) that carries it, in one transaction;
        returns what was renamed. :class:`LabelError`: no label ``old``, ``new`` refused or
        already a label of the kind (delete or rename that one first)."""
        kind = LabelKind(kind)
        reason = validate_label_name(new)
        if reason:
            raise LabelError(reason)
        with self._base.transaction() as conn:
            self.get(kind, old)
            if new != old and _row(conn, kind, new) is not None:
                raise LabelError(f"there is already {_a(kind)} label {new!r}; delete or rename "
                                 "it first")
            usage = self.usage(kind, old)
            self._bump_documents_with(conn, kind, old)
            conn.execute("UPDATE labels SET name = ? WHERE kind = ? AND name = ?",
                         [new, kind.value, old])
            conn.execute(f"UPDATE {_TABLE[kind]} SET label = ? WHERE label = ?", [new, old])
        return usage

    def recolour(self, kind: LabelKind | str, name: str, colour: str) -> Label:
        """Give a label another colour (``#rrggbb``). :class:`LabelError`: no such label, bad
        colour."""
        kind = LabelKind(kind)
        colour = check_colour(colour)
        with self._base.transaction() as conn:
            self.get(kind, name)
            conn.execute("UPDATE labels SET colour = ? WHERE kind = ? AND name = ?",
                         [colour, kind.value, name])
        return self.get(kind, name)

    def rekey(self, kind: LabelKind | str, name: str, key: str) -> Label:
        """Give a label another key (``""``: none). :class:`LabelError`: no such label, not a
        key name, or the key of another label (keys are unique in the project, ignoring
        case)."""
        kind = LabelKind(kind)
        key = check_key(key)
        with self._base.transaction() as conn:
            self.get(kind, name)
            _check_key_free(conn, key, kind, name)
            conn.execute("UPDATE labels SET key = ? WHERE kind = ? AND name = ?",
                         [key, kind.value, name])
        return self.get(kind, name)

    def delete(self, kind: LabelKind | str, name: str) -> LabelUsage:
        """Delete a label and every span (or section tag) that carries it, in one transaction;
        returns what was deleted (ask :meth:`usage` first to tell the person). Documents keep
        their status. :class:`LabelError`: no such label."""
        kind = LabelKind(kind)
        with self._base.transaction() as conn:
            self.get(kind, name)
            usage = self.usage(kind, name)
            self._bump_documents_with(conn, kind, name)
            conn.execute(f"DELETE FROM {_TABLE[kind]} WHERE label = ?", [name])
            conn.execute("DELETE FROM labels WHERE kind = ? AND name = ?", [kind.value, name])
        return usage

    def _bump_documents_with(self, conn: sqlite3.Connection, kind: LabelKind,
                             name: str) -> None:
        """The documents whose labels are about to change get a new revision, so a window
        showing one of them re-reads it before its next edit (see :mod:`annotator.core.session`)."""
        conn.execute(f"UPDATE documents SET revision = revision + 1 WHERE id IN "
                     f"(SELECT DISTINCT doc_id FROM {_TABLE[kind]} WHERE label = ?)", [name])

    def usage(self, kind: LabelKind | str, name: str) -> LabelUsage:
        """How many spans (or section tags) carry the label, in how many documents."""
        kind = LabelKind(kind)
        items, docs = self._base.conn.execute(
            f"SELECT count(*), count(DISTINCT doc_id) FROM {_TABLE[kind]} WHERE label = ?",
            [name]).fetchone()
        return LabelUsage(kind, name, items, docs)

    def usages(self, kind: LabelKind | str) -> dict[str, LabelUsage]:
        """:meth:`usage` of every label the kind's spans (or tags) carry, in one pass."""
        kind = LabelKind(kind)
        rows = self._base.conn.execute(
            f"SELECT label, count(*), count(DISTINCT doc_id) FROM {_TABLE[kind]} GROUP BY label")
        return {name: LabelUsage(kind, name, n, docs) for name, n, docs in rows}

    def declare(self, kind: LabelKind | str, names: Iterable[str]) -> Declared:
        """Make the kind's label set these names, in this order, as Prodigy's ``--label`` does:
        missing ones are added, and unlisted ones that no span (or tag) carries are removed;
        unlisted ones in use are kept after the listed ones and reported in ``kept`` (deleting
        a person's labels takes :meth:`delete`). When anything changed, keys follow the new
        order (``1``, ``2`` … for entities). Declaring the current set again changes nothing.
        :class:`LabelError` for a refused name (nothing changes)."""
        kind = LabelKind(kind)
        wanted = list(dict.fromkeys(names))
        for name in wanted:
            if reason := validate_label_name(name):
                raise LabelError(reason)
        if not wanted:
            raise LabelError("no labels given")
        done = Declared()
        with self._base.transaction() as conn:
            current = self.names(kind)
            used = self.usages(kind)
            for name in current:
                if name in wanted:
                    continue
                if name in used:
                    done.kept.append(used[name])
                else:
                    conn.execute("DELETE FROM labels WHERE kind = ? AND name = ?",
                                 [kind.value, name])
                    done.removed.append(name)
            for name in wanted:
                if name not in current:
                    insert_label(conn, kind, name, key="")
                    done.added.append(name)
            order = wanted + [u.name for u in done.kept]
            if order != current:
                self._reorder(conn, kind, order)
                done.changed = True
        return done

    def _reorder(self, conn: sqlite3.Connection, kind: LabelKind, order: list[str]) -> None:
        """Palette positions and default keys by ``order``; other kinds keep their keys."""
        conn.execute("UPDATE labels SET key = '' WHERE kind = ?", [kind.value])
        keys = DEFAULT_KEYS[kind]
        for position, name in enumerate(order):
            conn.execute("UPDATE labels SET position = ? WHERE kind = ? AND name = ?",
                         [position, kind.value, name])
            key = keys[position] if position < len(keys) else ""
            try:
                _check_key_free(conn, key, kind, name)
            except LabelError:
                key = ""
            conn.execute("UPDATE labels SET key = ? WHERE kind = ? AND name = ?",
                         [key, kind.value, name])


class Settings:
    """``store.settings``: project settings as text (the model, the language ...)."""

    def __init__(self, base: Base):
        self._base = base

    def get(self, key: str, default: str | None = None) -> str | None:
        row = self._base.conn.execute(
            "SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def starting_with(self, prefix: str) -> dict[str, str]:
        """Every setting whose key starts with ``prefix`` (model version records)."""
        rows = self._base.conn.execute(
            "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key",
            [len(prefix), prefix])
        return {r[0]: r[1] for r in rows}

    def set(self, key: str, value: str) -> None:
        with self._base.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                         [key, value])
