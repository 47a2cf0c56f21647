"""Peak memory of importing one large legacy-encoded file (issue 10: a 50 MB Latin-1 file took
1.1 GB). Target: the import's peak RSS, above an import of a tiny file, under 4x the file.

Usage: ``python bench/io_memory.py [--mb N]`` (``bench/io.py`` prints these rows too).

Rows, for a Latin-1 text file (one document) and a Latin-1 JSONL file (one document a line):
- ``import``: peak RSS of a whole ``annotator import`` process (readers and SQLite), above
  the same command on a tiny file (interpreter and imports);
- ``readers``: peak bytes tracemalloc sees while only the readers run (no store), in a fresh
  process: the part this project's readers own.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent
SENTENCES = [
    "Le café de José est très réputé à Montréal, dit Zoë, la propriétaire.",
    "En décembre, la façade de l'hôtel a été rénovée pour 5 000 dollars.",
    "« C'est déjà l'été », a déclaré le maire de Québec à la presse.",
    "Les élèves ont réussi l'examen malgré une grève des enseignants.",
    "Selon l'étude, la hausse des prix a touché les ménages les plus modestes.",
]
READERS = r'''
import sys, tracemalloc
from pathlib import Path
from annotator.io.importer import read_file
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
count = sum(1 for _ in read_file(Path(sys.argv[1])))
print(tracemalloc.get_traced_memory()[1] - before, count)
'''


def write_files(work: Path, size: int) -> tuple[Path, Path]:
    """A Latin-1 text file and a Latin-1 JSONL file of about ``size`` bytes each."""
    rng = random.Random(5)
    text, jsonl = work / "latin1.txt", work / "latin1.jsonl"
    with text.open("wb") as out_text, jsonl.open("wb") as out_jsonl:
        written = 0
        while written < size:
            line = " ".join(rng.sample(SENTENCES, 3))
            out_text.write(line.encode("latin-1") + b"\n")
            out_jsonl.write(b'{"text": "' + line.encode("latin-1") + b'"}\n')
            written += len(line) + 1
    return text, jsonl


def peak_rss(cmd: list[str]) -> int:
    """Peak resident set size of one child process, in bytes (``ru_maxrss`` of that child
    alone, from ``wait4``)."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):  # 1: something was rejected, still a full run
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed:\n{err.read()[-2000:].decode()}")
    return usage.ru_maxrss * 1024


def import_peak(path: Path, db: Path) -> int:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return peak_rss([str(BIN / "annotator"), "import", "--db", str(db), str(path)])


def reader_peak(path: Path) -> int:
    out = subprocess.run([sys.executable, "-c", READERS, str(path)], capture_output=True,
                         text=True, check=True)
    return int(out.stdout.split()[0])


def measure(work: Path, size: int) -> list[tuple[str, int, int]]:
    """Rows ``(what, file bytes, peak bytes above the baseline)``."""
    tiny = work / "tiny.txt"
    tiny.write_text("tiny", encoding="utf-8")
    baseline = import_peak(tiny, work / "memory.db")
    rows = []
    for path in write_files(work, size):
        file_size = path.stat().st_size
        rows.append((f"import {path.suffix[1:]}", file_size,
                     import_peak(path, work / "memory.db") - baseline))
        rows.append((f"readers {path.suffix[1:]}", file_size, reader_peak(path)))
    return rows


def report(rows: list[tuple[str, int, int]]) -> None:
    print("\npeak memory of a Latin-1 file, above an import of a tiny file; target < 4x the "
          "file")
    print(f"{'step':<16}{'file MB':>10}{'peak MB':>10}{'x file':>8}")
    for name, size, peak in rows:
        print(f"{name:<16}{size / 1e6:>10.1f}{peak / 1e6:>10.1f}{peak / size:>8.2f}")
    worst = max(peak / size for _, size, peak in rows)
    print(f"\nworst: {worst:.2f}x the file ({'met' if worst < 4 else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50, help="size of each file in MB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="annotator-bench-mem-") as work:
        report(measure(Path(work), args.mb * 1_000_000))


if __name__ == "__main__":
    main()
