"""Two things a new user met importing (issue 12's follow-up): the progress bar stood at 0%
while one large file was read, and ``annotator import`` printed its problems out of order
(labels refused as a batch was stored came after the problems of files read later)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main
from annotator.services.importing import file_parts, import_paths


def test_progress_moves_within_one_large_jsonl_file(store, tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(3000):
            fh.write(json.dumps({"text": f"Story {i} about the harbour board."}) + "\n")
    (tmp_path / "small.txt").write_text("A short note.", encoding="utf-8")
    seen: list[tuple[int, int, str]] = []
    import_paths(store, [path, tmp_path / "small.txt"],
                 progress=lambda done, total, message="": seen.append((done, total, message)))
    parts = file_parts(2)
    assert {total for _, total, _ in seen} == {2 * parts}
    within = [(done, message) for done, _, message in seen if message.startswith("Reading big")]
    assert within[0] == (0, "Reading big.jsonl")
    steps = [done for done, _ in within]
    assert steps == sorted(set(steps)) and len(steps) > 100  # a part at a time, never back
    assert within[len(within) // 2][1].startswith("Reading big.jsonl (")  # "... (49%)"
    assert steps[-1] == parts  # the whole file read: its parts done, the next file's to come
    assert (parts, "Reading small.txt") in [(d, m) for d, _, m in seen]
    assert seen[-1][0] == seen[-1][1] == 2 * parts


def test_a_file_read_at_once_moves_the_bar_a_file_at_a_time(store, tmp_path):
    for name in "abc":
        (tmp_path / f"{name}.txt").write_text(f"Text {name}.", encoding="utf-8")
    seen: list[int] = []
    import_paths(store, [tmp_path], progress=lambda done, total, message="": seen.append(done))
    parts = file_parts(3)
    assert seen == [0, parts, 2 * parts, 3 * parts]
    assert file_parts(3_000_000) * 3_000_000 < 2**31  # Qt's bar counts in 32-bit integers


def test_the_cli_prints_problems_in_file_and_line_order(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    spans = [{"start": 0, "end": 9, "label": "ORG"}]
    (folder / "a.jsonl").write_text("\n".join([
        json.dumps({"text": "Rio Tinto in Perth", "spans": spans}),
        json.dumps({"text": "Second story"}),
        "not json",
        json.dumps({"text": "Rio Tinto again", "spans": spans}),
    ]) + "\n", encoding="utf-8")
    (folder / "b.jsonl").write_text("not json either\n", encoding="utf-8")
    (folder / "c.txt").write_text("   \n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "--db", str(tmp_path / "p.db"), "--label",
                                       "PERSON", str(folder)])
    assert result.exit_code == 1, result.output
    where = [line.split(": ")[1] for line in result.stderr.splitlines()
             if line.startswith(("rejected:", "dropped span:"))]
    a, b, c = (str(folder / name) for name in ("a.jsonl", "b.jsonl", "c.txt"))
    # the dropped spans of lines 1 and 4 were found when their batch was stored, after the
    # reader had rejected line 3 and the files after a.jsonl
    assert where == [f"{a}:1", f"{a}:3", f"{a}:4", f"{b}:1", c]
