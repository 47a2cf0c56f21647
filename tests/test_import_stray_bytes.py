"""One byte that is not UTF-8 on one line of a JSONL file costs that line only (imp5, defect 1).

A file of ASCII or UTF-8 lines with one damaged line used to be read whole in an encoding the
charset detector guessed from that one line: silently, and often wrong (a stray 0x81 made the
line Cyrillic, 0x8d Czech). Now that line is rejected as ``path:line: invalid UTF-8: byte 0x..
at column N`` and every other line goes in; a file whose bytes are legacy-encoded on several
lines, or that is one record, is still read in the guessed encoding, with a note saying so.
All through the real store."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from annotator.io.importer import read_file
from annotator.io.problems import Kind, Problem
from annotator.services.importing import import_paths
from tests.importing import reasons, rejected, texts, write


def ascii_lines(count: int) -> list[bytes]:
    return [json.dumps({"text": f"Report {n}: the council met on Tuesday."}).encode()
            for n in range(count)]


@pytest.mark.parametrize("byte", [0xe9, 0x81, 0x8d, 0xff, 0xc3])
@pytest.mark.parametrize("line", [1, 7, 10])
def test_one_stray_byte_in_an_ascii_jsonl_file_rejects_only_its_line(store, tmp_path, byte,
                                                                      line):
    lines = ascii_lines(10)
    damaged = b'{"text": "The cafe of the station' + bytes([byte]) + b' is shut."}'
    lines[line - 1] = damaged
    path = write(tmp_path / "tasks.jsonl", b"\n".join(lines) + b"\n")
    report = import_paths(store, [path])
    assert rejected(report) == [
        f"{path}:{line}: invalid UTF-8: byte 0x{byte:02x} at column 34"]
    assert reasons(report) == rejected(report)  # no note: no encoding was guessed
    assert report.added == 9
    assert texts(store) == [f"Report {n}: the council met on Tuesday." for n in range(10)
                            if n != line - 1]


def test_a_latin1_line_among_utf8_lines_is_rejected_alone(store, tmp_path):
    """A whole line pasted in Latin-1 (several bytes) into a UTF-8 file with accents."""
    good = [json.dumps({"text": f"Zoë {n} à Montréal"}, ensure_ascii=False).encode()
            for n in range(6)]
    bad = '{"text": "Café crème, façade"}'.encode("latin-1")
    path = write(tmp_path / "mixed.jsonl", b"\n".join(good[:3] + [bad] + good[3:]) + b"\n")
    report = import_paths(store, [path])
    assert rejected(report) == [f"{path}:4: invalid UTF-8: byte 0xe9 at column 14"]
    assert texts(store) == [f"Zoë {n} à Montréal" for n in range(6)]


def test_a_damaged_line_past_the_first_megabytes_is_found_streaming(store, tmp_path):
    """The first pass checks the file a chunk at a time; the bad line is far into it."""
    lines = ascii_lines(40_000)  # about 2.2 MB
    lines[-5] = b'{"text": "caf\xe9"}'
    path = write(tmp_path / "big.jsonl", b"\n".join(lines) + b"\n")
    report = import_paths(store, [path])
    assert rejected(report) == [f"{path}:39996: invalid UTF-8: byte 0xe9 at column 14"]
    assert report.added == 39_999


def test_reading_a_big_file_with_a_damaged_line_costs_a_line_of_memory(tmp_path):
    lines = ascii_lines(150_000)  # about 8 MB
    lines[70_000] = b'{"text": "caf\xe9"}'
    path = write(tmp_path / "big.jsonl", b"\n".join(lines) + b"\n")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        problems, count = [], 0
        for record in read_file(path):
            if isinstance(record, Problem):
                problems.append(record)
            else:
                count += 1
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert count == 149_999 and [p.line for p in problems] == [70_001]
    assert path.stat().st_size > 8_000_000 and peak < 3_000_000, f"{peak:,} bytes"


def test_legacy_bytes_on_several_lines_are_a_legacy_file_read_with_a_note(store, tmp_path):
    """Not one damaged line: the file is cp1252, read so, and the report says which encoding
    was assumed."""
    rows = ["Le café de José est réputé.", "Plain English line.", "Zoë a reçu un prix à Noël."]
    path = write(tmp_path / "legacy.jsonl",
                 b"".join(json.dumps({"text": r}, ensure_ascii=False).encode("cp1252") + b"\n"
                          for r in rows))
    report = import_paths(store, [path])
    assert not rejected(report) and texts(store) == rows
    assert [(p.kind, p.line) for p in report.problems] == [(Kind.CHANGED, None)]
    assert str(report.problems[0]).startswith(f"{path}: not UTF-8: read as cp1252")


def test_a_single_legacy_record_is_read_with_a_note(store, tmp_path):
    """One record (blank lines around it): its line is the whole file, read as cp1252."""
    text = "Le café de José est très réputé à Montréal, dit Zoë."
    path = write(tmp_path / "one.jsonl",
                 b"\n\n" + json.dumps({"text": text}, ensure_ascii=False).encode("cp1252")
                 + b"\n")
    report = import_paths(store, [path])
    assert texts(store) == [text] and not rejected(report)
    assert [p.kind for p in report.problems] == [Kind.CHANGED]
