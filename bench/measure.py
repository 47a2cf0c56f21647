"""Shared by the process benches: run a command as its own process and measure it, print tables.

``measure(cmd)`` runs ``cmd`` as a child process and returns :class:`Measure`: wall seconds, CPU
seconds (user + system, the kernel's accounting of that child alone, from ``wait4``) and peak
resident memory in bytes (``ru_maxrss`` of that child). CPU time is far steadier than wall time on
a shared 2-core machine, where the same command's wall time varies by half under other load; the
verdicts use CPU, and the tables show both.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measure:
    """One command: wall seconds, CPU seconds of the process, peak RSS in bytes."""

    wall: float
    cpu: float
    rss: int


def measure(cmd: list[str], repeat: int = 1, fresh: Path | None = None,
            ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> Measure:
    """Best of ``repeat`` runs of ``cmd`` (each figure its own minimum: the run least disturbed
    by other load). ``fresh`` is a database deleted before each run; an exit code outside ``ok``
    stops the bench with the command's stderr."""
    best = Measure(float("inf"), float("inf"), 1 << 62)
    for _ in range(repeat):
        if fresh is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{fresh}{suffix}").unlink(missing_ok=True)
        with tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                                    env={**os.environ, **(env or {})})
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode not in ok:
                err.seek(0)
                raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                                 f"{err.read()[-3000:].decode(errors='replace')}")
        best = Measure(min(best.wall, wall), min(best.cpu, usage.ru_utime + usage.ru_stime),
                       min(best.rss, usage.ru_maxrss * 1024))
    return best


def measure_pair(ours: list[str], floor: list[str], repeat: int = 1,
                 fresh: tuple[Path | None, Path | None] = (None, None),
                 ) -> tuple[Measure, Measure]:
    """Best of ``repeat`` runs of each command, run in turns (ours, floor, ours, floor, ...);
    ``fresh``: each side's database, deleted before each of its runs (see :func:`measure`).

    Why in turns: on a shared machine the CPU seconds of the same work change by 15-25% from
    one run to the next (other processes' load on the same cores and caches: six turns of the
    5,000-document doccano export at a steady load average of 6 took ours 0.80-1.02 CPU s and
    the floor 0.30-0.43). One side's repeats after the other's compare two different stretches
    of load; in turns, both sides' best runs come from the same one."""
    best = [Measure(float("inf"), float("inf"), 1 << 62) for _ in range(2)]
    for _ in range(repeat):
        for side, cmd in enumerate((ours, floor)):
            got = measure(cmd, fresh=fresh[side])
            best[side] = Measure(min(best[side].wall, got.wall), min(best[side].cpu, got.cpu),
                                 min(best[side].rss, got.rss))
    return best[0], best[1]


def ratio_table(title: str, rows: list[tuple[str, Measure, Measure, float]],
                memory_base: int | None = None) -> list[str]:
    """A Markdown table of ``(step, ours, floor, target)`` rows; the ratio is floor time / our
    time (1.0: as fast as the floor), the verdict compares the CPU ratio with the target.
    With ``memory_base`` (bytes), a column shows our peak RSS above it. Returns the verdicts."""
    print(f"\n{title}\n")
    head = ("| step | ours wall s | floor wall s | ratio wall | ours CPU s | floor CPU s "
            "| ratio CPU | target | verdict |")
    if memory_base is not None:
        head += " ours MB | floor MB | growth MB |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    verdicts = []
    for name, ours, floor, target in rows:
        wall, cpu = floor.wall / ours.wall, floor.cpu / ours.cpu
        verdict = "met" if cpu >= target else "NOT met"
        verdicts.append(f"{name}: {verdict}")
        line = (f"| {name} | {ours.wall:.2f} | {floor.wall:.2f} | {wall:.2f} | {ours.cpu:.2f} | "
                f"{floor.cpu:.2f} | {cpu:.2f} | >= {target:.2f} | {verdict} |")
        if memory_base is not None:
            line += (f" {ours.rss / 1e6:.0f} | {floor.rss / 1e6:.0f} | "
                     f"{(ours.rss - memory_base) / 1e6:.0f} |")
        print(line)
    return verdicts
