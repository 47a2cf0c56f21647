"""Smoke test of the benchmarks (issue 12): ``bench/run --smoke`` runs the import, export and
pre-annotation benches at tiny sizes and each prints its table. Timings are not checked here
(``bench/`` prints the verdicts; a unit test on a shared machine cannot judge speed). The other
benches (training, the window's) have their own smoke or quick sizes in ``bench/run``; they are
left out here to keep the suite short (about 30 s of CPU for these three: every bench process
starts Python, SQLite and most load spaCy)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bench_run_smoke(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run"), "--smoke",
                           "--only", "io.py", "export.py", "preannotate.py",
                           "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = out.read_text(encoding="utf-8")
    assert "- machine: " in results and "(smoke mode)" in results
    for step in ("| import jsonl |", "| import txt |", "| import txt | 2.0 |",
                 "| doccano |", "| prodigy |", "| spacy |", "| conll |"):
        assert step in results, f"{step} missing from the tables"
    assert "ratio ours / bare" in results  # preannotate.py's table
    for verdict in ("import jsonl: ", "memory: worst ", "doccano 200 MB: "):
        assert verdict in results
