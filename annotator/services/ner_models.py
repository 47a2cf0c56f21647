"""The project's own entity models: numbered versions beside the project file.

Version ``N`` lives in ``<project>.models/ner-N/`` (``news.db`` -> ``news.db.models/ner-3/``), a
spaCy pipeline folder written with ``nlp.to_disk`` under the name ``ner-N.partial`` and renamed
when complete, so a half-written folder never carries a version's name. The training that
writes a partial folder holds an exclusive ``flock`` on it until the rename (or its removal), so
a partial folder whose writer died (kill -9) is told apart from a live one's: the kernel drops
the lock with the process, and the next training removes the folder
(:func:`remove_stale_partials`). Settings:

- ``ner_model``: the active version's number (``"3"``); absent or empty: the project uses its
  ``model`` setting (the stock ``en_core_web_sm``);
- ``ner_model@N``: a JSON record of version ``N`` (see :class:`TrainReport.record` in
  :mod:`annotator.services.ner_training`): score on the held-back part, data seen, start, date.

The same layout as the section models (``sections_model``, ``sections_model@N``). Suggestions
of version ``N`` carry the origin ``model:ner-N``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.io.atomic import Claim, claim
from annotator.store import Store

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no way to tell a live writer, keep them all
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

KIND = "ner"
ACTIVE_KEY = "ner_model"


def models_folder(db_path: str | Path) -> Path:
    """``<project>.models`` beside the project file (``news.db`` -> ``news.db.models``)."""
    path = Path(db_path).resolve()
    return path.with_name(path.name + ".models")


def version_name(number: int) -> str:
    return f"{KIND}-{number}"


def version_folder(db_path: str | Path, number: int) -> Path:
    return models_folder(db_path) / version_name(number)


def partial_folder(db_path: str | Path, number: int) -> Path:
    return models_folder(db_path) / f"{version_name(number)}.partial"


def origin_of(number: int) -> str:
    """``model:ner-N``: the origin of version ``N``'s suggestions."""
    return f"model:{version_name(number)}"


def record_key(number: int) -> str:
    return f"{ACTIVE_KEY}@{number}"


def active_version(store: Store) -> int | None:
    """The active version's number; ``None`` when none is set or its folder is gone."""
    value = (store.settings.get(ACTIVE_KEY) or "").removeprefix(f"{KIND}-")
    if not value.isdigit():
        return None
    number = int(value)
    return number if version_folder(store.path, number).is_dir() else None


def record(store: Store, number: int) -> dict[str, Any] | None:
    """Version ``number``'s JSON record, or ``None``."""
    raw = store.settings.get(record_key(number))
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        log.warning("ignoring the unreadable record of ner version %d", number)
        return None
    return value if isinstance(value, dict) else None


def active_ner(store: Store) -> tuple[str | None, float | None]:
    """``("ner-N", held-back F1)`` of the active version, ``(None, None)`` with none; the F1 is
    ``None`` too for a version chosen with nothing held back (its 0.0 measured nothing). Cheap:
    two settings reads and one folder check (no spaCy)."""
    number = active_version(store)
    if number is None:
        return None, None
    rec = record(store, number) or {}
    score = rec.get("after_f1") if rec.get("held_back_docs", 1) else None
    return version_name(number), float(score) if isinstance(score, (int, float)) else None


def next_number(store: Store) -> int:
    """One above every version number a record or a folder (finished or partial) has used."""
    used = set()
    for key in store.settings.starting_with(f"{ACTIVE_KEY}@"):
        tail = key[len(ACTIVE_KEY) + 1:]
        if tail.isdigit():
            used.add(int(tail))
    parent = models_folder(store.path)
    if parent.is_dir():
        pattern = re.compile(rf"{KIND}-(\d+)(?:\.partial)?")
        used |= {int(m.group(1)) for p in parent.iterdir() if (m := pattern.fullmatch(p.name))}
    return max(used, default=0) + 1


def claim_partial(db_path: str | Path, number: int) -> Claim:
    """Create version ``number``'s partial folder (and the models folder) and lock it for this
    process until the returned claim is released (after :func:`save_version` or
    :func:`remove_partial`). Raises ``FileExistsError`` when the folder is there already."""
    folder = partial_folder(db_path, number)
    folder.parent.mkdir(parents=True, exist_ok=True)
    return claim(folder, directory=True)


def remove_stale_partials(db_path: str | Path) -> list[Path]:
    """Remove the ``ner-N.partial`` folders whose writer is gone (a training killed with
    SIGKILL, or a power loss): those nobody holds the lock of. A live training's folder stays.
    Returns the folders removed."""
    parent = models_folder(db_path)
    if fcntl is None or not parent.is_dir():
        return []
    removed = []
    for folder in sorted(parent.glob(f"{KIND}-*.partial")):
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
                         | getattr(os, "O_NOFOLLOW", 0))
        except OSError:  # gone meanwhile, a symlink, not a folder: not ours to remove
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live training writes it right now
            os.close(fd)
            continue
        try:
            if os.path.samestat(os.fstat(fd), os.stat(folder, follow_symlinks=False)):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
                log.info("removed %s, left by a training that did not finish", folder)
        except FileNotFoundError:
            pass
        finally:
            os.close(fd)
    return removed


def remove_partial(db_path: str | Path, number: int) -> None:
    """Remove what an unfinished run wrote for ``number`` (and the models folder, when that
    leaves it empty: the run made it)."""
    shutil.rmtree(partial_folder(db_path, number), ignore_errors=True)
    parent = models_folder(db_path)
    if parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()


def save_version(store: Store, number: int, rec: dict[str, Any], activate: bool) -> Path:
    """Rename the finished partial folder to ``ner-N``, then store its record (and make it
    active with ``activate``) in one transaction. Returns the folder."""
    done = version_folder(store.path, number)
    partial_folder(store.path, number).rename(done)
    stored = {"version": version_name(number),
              "created_at": datetime.now(UTC).isoformat(timespec="seconds"), **rec}
    try:
        with store.transaction():
            store.settings.set(record_key(number), json.dumps(stored))
            if activate:
                store.settings.set(ACTIVE_KEY, str(number))
    except BaseException:
        shutil.rmtree(done, ignore_errors=True)
        raise
    return done


def activate(store: Store, version: str | int) -> int:
    """Make ``ner-N`` (or ``N``) the active version; ``KeyError`` when it has no folder."""
    number = int(str(version).removeprefix(f"{KIND}-"))
    if not version_folder(store.path, number).is_dir():
        raise KeyError(f"no model {version_name(number)} in {models_folder(store.path)}")
    store.settings.set(ACTIVE_KEY, str(number))
    return number
