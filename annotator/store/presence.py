"""Who else has a project open: a shared lock on a file beside the project.

Every window holds a shared POSIX record lock (``lockf``) on ``PROJECT.db-open`` for as long as
the project is open. To learn whether another process holds it, a window asks for an exclusive
lock without waiting, on the same descriptor (POSIX locks belong to the process, so its own lock
never counts, and closing another descriptor of the file would drop it): when that fails,
another process holds the project open and the person is warned (two windows on one file work,
but each must re-read what the other changed). The operating system drops the locks of a process
that dies, so a crash never leaves a stale "open elsewhere".
"""

from __future__ import annotations

import fcntl
import os
import struct
import sys
from pathlib import Path

# ``struct flock`` of 64-bit Linux (``l_type, l_whence, l_start, l_len, l_pid``), which
# :func:`held_open` hands to ``F_GETLK``; elsewhere the layout differs and it is not asked.
_FLOCK = "hhxxxxqqixxxx"
_CAN_ASK = sys.platform == "linux" and struct.calcsize("P") == 8


class Presence:
    """This process's hold on a project. ``others`` is True when another process held the
    project open at the moment this one opened it."""

    def __init__(self, project: str | Path):
        self.path = Path(f"{project}-open")
        self._fd: int | None = None
        self.others = False
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return  # a read-only folder: nobody can hold it open for writing either
        self.others = self.others_now()

    def others_now(self) -> bool:
        """Whether another process holds the project open right now; afterwards this process
        holds its shared lock either way."""
        if self._fd is None:
            return False
        try:
            fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            found = False
        except OSError:  # EACCES or EAGAIN: another process holds a lock
            found = True
        fcntl.lockf(self._fd, fcntl.LOCK_SH)  # wait out another window's own brief probe
        return found

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def held_open(project: str | Path) -> bool:
    """Whether another process holds the project open (a window's shared lock on
    ``PROJECT.db-open``), asked of the system (``F_GETLK``) without taking or touching any
    lock, so a window's own probe can never mistake the asker for another window. About 10 µs.

    True when it cannot tell (not 64-bit Linux, an unreadable file): a caller that relaxes for
    nobody watching (a bulk writer's bigger batches) then stays as careful as with a window."""
    if not _CAN_ASK:
        return True
    try:
        fd = os.open(f"{project}-open", os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False  # no window ever opened the project: it makes the file as it opens
    except OSError:
        return True
    try:
        asked = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        found = struct.unpack(_FLOCK, fcntl.fcntl(fd, fcntl.F_GETLK, asked))
    except OSError:
        return True
    finally:
        os.close(fd)
    return found[0] != fcntl.F_UNLCK
