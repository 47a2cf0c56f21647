"""A project's own trained models, one numbered version per training run, for any kind of model
(``sections``, ``ner``).

Version ``N`` of kind ``K`` lives beside the project file, in ``<project>.models/K-N/`` (for
``news.db``: ``news.db.models/sections-3/``), so a project carries its models when the folder is
copied. The project's settings (``store.settings``) hold:

- ``K_model``: the active version's number (``"3"``), absent until a first one is made;
- ``K_model@N``: a JSON record of version ``N``: at least ``version``, ``created_at``, and what
  the training run wants to keep (its score on held-back pages, the data it saw).

A version's folder is written under a temporary name and renamed into place, so a half-written
folder never carries a version's name; a version becomes active only once its folder is
complete (:meth:`ModelVersions.activate`). Numbers are never reused, even after a cancelled or
failed run left no folder: the next number is above every folder and record there is.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.store import Store

log = logging.getLogger(__name__)


def models_folder(db_path: str | Path) -> Path:
    """``<project>.models`` beside the project file (``news.db`` -> ``news.db.models``)."""
    path = Path(db_path).resolve()
    return path.with_name(path.name + ".models")


@dataclass
class ModelVersions:
    """The versions of one kind of model (``sections``, ``ner``) of a project."""

    store: Store
    kind: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.kind):
            raise ValueError(f"a model kind is a lower-case word, not {self.kind!r}")

    @property
    def active_key(self) -> str:
        return f"{self.kind}_model"

    def record_key(self, number: int) -> str:
        return f"{self.kind}_model@{number}"

    def folder(self, number: int) -> Path:
        return models_folder(self.store.path) / f"{self.kind}-{number}"

    def origin(self, number: int) -> str:
        """The origin of the suggestions version ``number`` makes: ``model:K@N``."""
        return self.origin_of(self.kind, number)

    @staticmethod
    def origin_of(kind: str, number: int) -> str:
        return f"model:{kind}@{number}"

    @staticmethod
    def number_in(kind: str, origin: str) -> int | None:
        """``N`` of an origin ``model:K@N``; ``None`` for any other origin."""
        prefix = f"model:{kind}@"
        rest = origin[len(prefix):] if origin.startswith(prefix) else ""
        return int(rest) if rest.isdigit() else None

    def active(self) -> int | None:
        """The active version's number, or ``None`` when there is none (or its folder is
        gone: then the project falls back on what it used before)."""
        value = self.store.settings.get(self.active_key)
        if not value or not value.isdigit():
            return None
        number = int(value)
        return number if self.folder(number).is_dir() else None

    def record(self, number: int) -> dict[str, Any] | None:
        """Version ``number``'s record, or ``None`` (never made, or unreadable)."""
        raw = self.store.settings.get(self.record_key(number))
        try:
            value = json.loads(raw) if raw else None
        except ValueError:
            log.warning("ignoring the unreadable record of %s version %d", self.kind, number)
            return None
        return value if isinstance(value, dict) else None

    def active_record(self) -> dict[str, Any] | None:
        number = self.active()
        return None if number is None else self.record(number)

    def numbers(self) -> list[int]:
        """Numbers of every version with a record, ascending."""
        prefix = f"{self.kind}_model@"
        keys = self.store.settings.starting_with(prefix)
        return sorted(int(k[len(prefix):]) for k in keys if k[len(prefix):].isdigit())

    def next_number(self) -> int:
        """One above every version number a record or a folder (finished or not) has used."""
        used = set(self.numbers())
        parent = models_folder(self.store.path)
        if parent.is_dir():
            pattern = re.compile(rf"{re.escape(self.kind)}-(\d+)(?:\.partial)?")
            used |= {int(m.group(1)) for p in parent.iterdir()
                     if (m := pattern.fullmatch(p.name))}
        return max(used, default=0) + 1

    def partial_folder(self, number: int) -> Path:
        """Where version ``number`` is written before :meth:`finish_folder` renames it."""
        folder = self.folder(number)
        return folder.with_name(folder.name + ".partial")

    def finish_folder(self, number: int) -> Path:
        """Rename the written partial folder to the version's own name."""
        done = self.folder(number)
        self.partial_folder(number).rename(done)
        return done

    def discard(self, number: int) -> None:
        """Remove what a run that did not finish wrote for ``number`` (partial or whole
        folder); its record, if any, stays unless it is not active."""
        for folder in (self.partial_folder(number), self.folder(number)):
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)

    def activate(self, number: int, record: dict[str, Any]) -> dict[str, Any]:
        """Store version ``number``'s record and make it the active one, in one transaction.
        Returns the record as stored (with ``version`` and ``created_at``)."""
        if not self.folder(number).is_dir():
            raise FileNotFoundError(f"{self.folder(number)}: no such model folder")
        stored = {"version": number, "created_at": datetime.now(UTC).isoformat(
            timespec="seconds"), **record}
        with self.store.transaction():
            self.store.settings.set(self.record_key(number), json.dumps(stored))
            self.store.settings.set(self.active_key, str(number))
        return stored
