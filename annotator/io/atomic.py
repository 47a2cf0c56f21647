"""Atomic exports: write beside the target under a visible ``.part`` name, rename on success.

Every export writes ``out.jsonl`` as ``out.jsonl.part`` first (a folder export stages in
``DIR/annotator-export.part/``) and renames it into place only when the whole export succeeded, so
a reader never sees half a file. Why the part has a fixed, visible name: a part left behind by a
killed export (SIGKILL, power loss) is easy to see, and the next export to the same path finds it
and removes it instead of leaving 39 MB of hidden ``.out.jsonl.XXXX.part`` files behind.

A part is *claimed* with an exclusive ``flock`` held until the rename, so a live export's part is
told apart from a dead one's: the kernel drops the lock when its process dies. A part that can be
locked is stale and is removed; a part that cannot is being written right now, and the second
export stops with :class:`ExportBusy` rather than interleave with it. (Without ``fcntl``, e.g. on
Windows, every existing part counts as stale.)

Files are created with mode ``0o666`` and folders ``0o777``, minus the umask, as any program's
output is (``tempfile.mkstemp`` made them ``0o600``).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

PART_SUFFIX = ".part"
STAGING_NAME = "annotator-export.part"
# What earlier versions left behind: tempfile.mkstemp(prefix=".NAME.", suffix=".part") files and
# tempfile.mkdtemp(prefix=".export-") folders (8 random characters from tempfile's alphabet).
_LEGACY_RANDOM = r"[a-z0-9_]{8}"
_CLAIM_ATTEMPTS = 3


class ExportBusy(FileExistsError):
    """Another export is writing to the same output right now (its part is locked)."""


@dataclass
class Claim:
    """A part this process owns: ``fd`` holds the lock until :meth:`release`."""

    path: Path
    fd: int

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def part_path(target: Path) -> Path:
    """Where an export to ``target`` is written before the rename: ``target`` + ``.part``."""
    return target.with_name(target.name + PART_SUFFIX)


def claim(path: Path, directory: bool = False) -> Claim:
    """Create ``path`` (a file, or with ``directory`` a folder) and lock it for this process.

    A part left by a dead export is removed first. Raises :class:`ExportBusy` when a live export
    holds it, ``FileExistsError`` when something else of that name is in the way, and
    ``OSError`` when it cannot be created (no such folder, no permission)."""
    for _ in range(_CLAIM_ATTEMPTS):
        try:
            fd = _create(path, directory)
        except FileExistsError:
            remove_stale(path, directory)
            continue
        if _lock(fd) and _is_current(fd, path):
            return Claim(path, fd)
        os.close(fd)
        break
    raise ExportBusy(f"{path}: another export is writing here right now; wait for it or choose "
                     "another output")


def remove_stale(path: Path, directory: bool = False) -> bool:
    """Remove the part at ``path`` (a file, or with ``directory`` a folder) if no live export
    holds it; returns whether one was removed. Raises :class:`ExportBusy` if a live export holds
    it, and ``FileExistsError`` if ``path`` is not a part (a symlink, or the wrong kind)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return False
    except OSError as exc:  # a symlink (ELOOP) or something unreadable
        raise FileExistsError(f"{path} is in the way of the export ({exc.strerror})") from exc
    try:
        kind = os.fstat(fd).st_mode
        if (stat.S_ISDIR(kind) if directory else stat.S_ISREG(kind)) is False:
            raise FileExistsError(f"{path} is in the way of the export (not a part it left)")
        if not _lock(fd):
            raise ExportBusy(f"{path}: another export is writing here right now; wait for it "
                             "or choose another output")
        if not _is_current(fd, path):
            return False  # someone else removed it meanwhile
        size = _size(path)
        if directory:
            shutil.rmtree(path)
        else:
            path.unlink()
        log.info("removed %s (%d bytes) left by an export that did not finish", path, size)
        return True
    finally:
        os.close(fd)


def remove_legacy_parts(target: Path) -> list[Path]:
    """Remove hidden parts that earlier versions left beside ``target``
    (``.NAME.XXXXXXXX.part``); they held no lock, so any that exist are from a dead export."""
    pattern = re.compile(re.escape(f".{target.name}.") + _LEGACY_RANDOM + re.escape(PART_SUFFIX))
    return _remove_matching(target.parent, pattern, directories=False)


def remove_legacy_staging(out_dir: Path) -> list[Path]:
    """Remove hidden ``.export-XXXXXXXX`` staging folders earlier versions left in ``out_dir``."""
    return _remove_matching(out_dir, re.compile(r"\.export-" + _LEGACY_RANDOM), directories=True)


@contextmanager
def atomic_output(out: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to ``out`` + ``.part`` and rename it over ``out`` only when the block succeeds; on any
    exception the part is removed and an existing ``out`` is left as it was. ``-`` writes to
    stdout. The file gets the umask's mode. Raises :class:`ExportBusy` when another export is
    writing the same ``out``."""
    if str(out) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = claim(part_path(target))
    remove_legacy_parts(target)
    try:
        fh = os.fdopen(part.fd, mode, encoding=None if "b" in mode else "utf-8")
    except BaseException:
        part.path.unlink(missing_ok=True)
        part.release()
        raise
    part.fd = -1  # closing fh releases the lock: only after the rename or the clean-up
    with fh:
        try:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())  # the renamed file has its data, even after a power loss
            os.replace(part.path, target)
        except BaseException:
            part.path.unlink(missing_ok=True)  # still locked, so still this export's part
            raise


@contextmanager
def staging_folder(out_dir: Path) -> Iterator[Path]:
    """A folder ``out_dir/annotator-export.part`` that this export alone writes to, removed on
    exit whatever happens (the export moves what it keeps out of it first). A staging folder a
    killed export left is removed first. Raises :class:`ExportBusy` when a live export holds it.
    The folders this call created (``out_dir`` and any missing parents) are removed again when
    the export leaves them empty: refused (misaligned spans), cancelled, failed, or with nothing
    to export. A folder that was there before is never removed."""
    out_dir = Path(out_dir)
    created = _missing_folders(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        part = claim(out_dir / STAGING_NAME, directory=True)
    except BaseException:
        _remove_if_empty(created)
        raise
    try:
        remove_legacy_staging(out_dir)
        yield part.path
    finally:
        shutil.rmtree(part.path, ignore_errors=True)  # still locked, so still this export's
        part.release()
        _remove_if_empty(created)


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and its ancestors that do not exist yet, deepest first."""
    missing = []
    for path in (folder.absolute(), *folder.absolute().parents):
        if path.exists():
            break
        missing.append(path)
    return missing


def _remove_if_empty(folders: list[Path]) -> None:
    """Remove the folders (deepest first) that are empty; stop at the first that is not (it
    holds this export's output, or something another program put there meanwhile)."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _create(path: Path, directory: bool) -> int:
    if directory:
        os.mkdir(path, 0o777)
        return os.open(path, os.O_RDONLY)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)


def _lock(fd: int) -> bool:
    if fcntl is None:  # pragma: no cover - Windows
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _is_current(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file ``fd`` is open on (no one replaced it meanwhile)."""
    try:
        here = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _remove_matching(folder: Path, pattern: re.Pattern[str], directories: bool) -> list[Path]:
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name) or entry.is_symlink():
            continue
        if directories and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif not directories and entry.is_file():
            entry.unlink(missing_ok=True)
        else:
            continue
        log.info("removed %s left by an earlier export that did not finish", entry)
        removed.append(entry)
    return removed
