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
from pathlib import Path


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
