"""What a command-line import of text files loads (issue 12: start-up is part of every import's
time): the JSON and HTML readers, the charset detector and numpy only when a file or the
near-duplicate grouping needs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotator.services.importing import import_paths
from annotator.store import open_store

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "lxml", "msgspec", "charset_normalizer")
STORY = ("The harbour board met on Tuesday to decide the future of the old ferry pier. "
         "Members argued for an hour about repairs, costs and the summer timetable. ")


def loaded_after_import(tmp_path: Path, *paths: Path) -> set[str]:
    """The heavy modules an ``annotator import`` of ``paths`` had loaded when it ended."""
    code = ("import atexit, sys\n"
            f"atexit.register(lambda: print('LOADED', *[m for m in {HEAVY!r} "
            "if m in sys.modules]))\n"
            "from annotator.cli import main\n"
            "main(sys.argv[1:], prog_name='annotator')\n")
    out = subprocess.run([sys.executable, "-c", code, "import", "--db", str(tmp_path / "p.db"),
                          *map(str, paths)], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return set(out.stdout.rsplit("LOADED", 1)[1].split())


def test_an_import_of_short_text_files_loads_no_reader_detector_or_numpy(tmp_path):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Headline {i}\nA line.", encoding="utf-8")
    assert loaded_after_import(tmp_path, tmp_path) == set()
    # a JSONL file brings its parser; prose to compare brings the grouping (numpy)
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": STORY}) + "\n", encoding="utf-8")
    assert loaded_after_import(tmp_path, tmp_path / "a.jsonl") == {"msgspec", "numpy"}


def test_pending_says_whether_grouping_has_work(tmp_path):
    (tmp_path / "short.txt").write_text("Headline only", encoding="utf-8")
    (tmp_path / "story.txt").write_text(f"Pier to close\n{STORY}", encoding="utf-8")
    with open_store(tmp_path / "p.db") as store:
        import_paths(store, [tmp_path / "short.txt"])
        assert not store.near_dups.pending()  # counted, signed and compared as it went in
        import_paths(store, [tmp_path / "story.txt"], near_duplicates=False)
        assert store.near_dups.pending()  # not counted at all
        report = import_paths(store, [tmp_path / "story.txt"])  # a duplicate: adds nothing
        assert report.added == 0 and store.near_dups.pending()
        (tmp_path / "copy.txt").write_text(f"Pier closes\n{STORY}", encoding="utf-8")
        report = import_paths(store, [tmp_path / "copy.txt"])
        assert report.near_duplicates is not None and not store.near_dups.pending()
        assert len(store.near_dups.groups()) == 1
