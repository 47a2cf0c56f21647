"""Issue 10.9's memory bound on the readers: a 50 MB Latin-1 file once took 1.1 GB to import,
because the encoding detector saw the whole file. The readers now detect on a sample, so their
peak (traced by tracemalloc: every bytes and str object Python allocates) stays under 4x the
file's size; a JSONL file is read a line at a time and costs a fraction of its size.

Whole-process figures (peak RSS of ``annotator import``, with SQLite) are in ``bench/io.py``."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import pytest

from annotator.io.importer import read_file
from annotator.io.problems import Kind, Problem

SIZE = 8_000_000
SENTENCES = [
    "Le café de José est très réputé à Montréal, dit Zoë, la propriétaire.",
    "En décembre, la façade de l’hôtel a été rénovée pour 5 000 €.",
    "« C’est déjà l’été », a déclaré le maire de Québec à la presse.",
    "Les élèves ont réussi l’examen malgré une grève des enseignants.",
    "Le garçon a reçu un prix pour son œuvre, exposée au musée d’Orsay.",
    "Selon l’étude, la hausse des prix a touché les ménages les plus modestes.",
]


def legacy_text(size: int, end: str, seed: int = 1) -> str:
    """French news prose (the detector judges by language too), ``size`` characters."""
    rng = random.Random(seed)
    lines, total = [], 0
    while total < size:
        line = " ".join(rng.sample(SENTENCES, 3)) + end
        lines.append(line)
        total += len(line)
    return "".join(lines)


def traced_peak(path: Path) -> tuple[int, list]:
    """Peak bytes traced while reading ``path``, above what was allocated before."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        records = list(read_file(path))
        return tracemalloc.get_traced_memory()[1] - before, records
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("encoding", "end"), [("latin-1", "\n"), ("cp1252", "\r\n")])
def test_legacy_text_file_is_read_in_under_four_times_its_size(tmp_path, encoding, end):
    text = legacy_text(SIZE, end)
    if encoding == "latin-1":
        text = text.replace("’", "'").replace("€", "EUR").replace("œ", "oe")
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    peak, records = traced_peak(path)
    note, *docs = records  # the encoding it was read in, guessed, is noted first
    assert note.kind is Kind.CHANGED and "not UTF-8: read as" in note.reason
    assert [r.text for r in docs] == [text.replace("\r\n", "\n")]
    assert peak < 4 * path.stat().st_size, f"{peak / path.stat().st_size:.1f}x the file"


def test_legacy_jsonl_file_is_read_a_line_at_a_time(tmp_path):
    lines = legacy_text(SIZE, "\n").splitlines()
    path = tmp_path / "legacy.jsonl"
    with path.open("wb") as fh:
        for n, line in enumerate(lines):
            fh.write(json.dumps({"text": line, "meta": {"n": n}},
                                ensure_ascii=False).encode("cp1252") + b"\n")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        count, last, notes = 0, None, []
        for record in read_file(path):
            if isinstance(record, Problem):
                notes.append(record)
                continue
            count += 1
            last = record
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert count == len(lines) and last.text == lines[-1]
    assert [(n.kind, n.line) for n in notes] == [(Kind.CHANGED, None)]  # the encoding guessed
    # One line, a 256 KiB chunk of the first pass and the detector's work on a 64 KiB sample:
    # a few megabytes whatever the file's size (9 MB here), never the file.
    assert path.stat().st_size > 8_000_000 and peak < 6_000_000, f"{peak:,} bytes"
