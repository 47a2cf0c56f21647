"""Smoke test of the benchmarks (issue 12): every bench that ``bench/run`` lists runs through
``bench/run --smoke`` at its tiny size and prints its table. Timings are not checked here
(``bench/`` prints the verdicts; a unit test on a shared machine cannot judge speed).

One test per bench, so ``pytest -n`` (``make test``) runs them side by side; each is
a ``bench/run --smoke --only NAME`` process (Python, SQLite and most load spaCy: from about 6 s of
CPU for the near-duplicate bench to about 30 s for the learning curves). A bench listed in
``bench/run`` without a row in :data:`TABLES` fails here: a new bench gets its smoke check when it
is listed. The Dragnet pages (``../shared/data/dragnet``) are needed by the near-duplicate bench
and the section learning curve; without them the one is skipped and the other says so, as the
Dragnet tests do."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH_RUN = ROOT / "bench" / "run"
DRAGNET = ROOT.parent / "shared" / "data" / "dragnet"


def _bench_run_module():
    """``bench/run`` (a script without ``.py``) as a module, for its :data:`BENCHES` list."""
    loader = importlib.machinery.SourceFileLoader("bench_run", str(BENCH_RUN))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


BENCHES = _bench_run_module().BENCHES
HAVE_DRAGNET = (DRAGNET / "pages.tar.xz").is_file() and (DRAGNET / "sites.jsonl").is_file()

# What each bench's table shows whatever the timings: its rows and headers, and its verdicts.
TABLES: dict[str, tuple[str, ...]] = {
    "io.py": ("| import jsonl |", "| import txt |", "| import txt | 2.0 |",
              "| readers jsonl |", "import jsonl: ", "memory: worst "),
    "export.py": ("| doccano |", "| prodigy |", "| spacy |", "| conll |", "doccano 200 MB: "),
    "preannotate.py": ("bare nlp.pipe (ner only)", "\npreannotate ", "ratio ours / bare",
                       "pre-annotation: "),
    "training.py": ("annotator s", "\nspacy ", "\nspacy sharded ", "\nconll ", "\nblocks ",
                    "worst ratio "),
    "gui.py": ("open + paint", "label median", "label p95", "label+full p95", "list 2k",
               "stall (import)", "stall (spaCy)", "durability: label with synchronous=FULL",
               "open 1.7 MB line", "open 300k spans", "label 1.7 MB line"),
    "gui_project.py": ("| start-up (launch to window painted) |", "| list shown |",
                       "| scroll, longest of ", "| text filter: a name 'Rio Tinto'",
                       "| status filter: accepted |", "| next unfinished (longest of 4) |",
                       "| stall during import |", "| stall during pre-annotation |",
                       "memory (resident, MB)"),
    "dask_preannotate.py": ("bare nlp.pipe, 1 process", "preannotate, local",
                            "preannotate --dask, 1 worker", "limit: W x the bare rate"),
    "near_duplicates.py": ("## quality", "| dev |", "| held-out |", "## speed",
                           "| docs | MB | ours s |"),
    "learning.py": ("== entities ==", "Entity learning curve", "confirmed trained",
                    "dev F1: ", "== sections =="),
}
# the section learning curve's table (with the Dragnet pages) or its note (without)
SECTIONS_TABLE = ("Zero-shot on held-out sites", "Learning curve, held-out sites", "\nk=0 ",
                  "\nk=5 ", "\nevery other page confirmed ", "\ntrafilatura ", "\njusText ")


def test_every_listed_bench_has_a_smoke_size_and_a_table_checked_here() -> None:
    listed = [script for script, *_ in BENCHES]
    assert sorted(listed) == sorted(TABLES), "bench/run's BENCHES and TABLES here differ"
    assert [s for s, _full, _quick, smoke in BENCHES if smoke is None] == []


@pytest.mark.slow
@pytest.mark.bench_smoke  # first, and each to a free worker under make test (tests/conftest.py)
@pytest.mark.parametrize("script", [script for script, *_ in BENCHES])
def test_bench_runs_at_its_smoke_size_and_prints_its_table(script: str, tmp_path: Path) -> None:
    if not (ROOT / "bench" / script).exists():
        pytest.skip(f"bench/{script} is listed in bench/run but not here yet")
    if script == "near_duplicates.py" and not HAVE_DRAGNET:
        pytest.skip("../shared/data/dragnet is not here")
    out = tmp_path / "results.md"
    proc = subprocess.run([sys.executable, str(BENCH_RUN), "--smoke", "--jobs", "1",
                           "--only", script, "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = out.read_text(encoding="utf-8")
    assert "- machine: " in results and "(smoke mode)" in results
    smoke = next(args for name, _full, _quick, args in BENCHES if name == script)
    assert f"## {script} {' '.join(smoke)}\n" in results, "the bench did not run"
    assert "FAILED" not in results and "skipped (" not in results
    missing = [row for row in TABLES[script] if row not in results]
    assert not missing, f"{missing} missing from {script}'s table:\n{results[-3000:]}"
    if script == "learning.py":
        if HAVE_DRAGNET:
            missing = [row for row in SECTIONS_TABLE if row not in results]
            assert not missing, f"{missing} missing from the section curve:\n{results[-3000:]}"
        else:
            assert f"skipped: needs {DRAGNET}" in results
