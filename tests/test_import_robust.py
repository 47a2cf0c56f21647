"""Issue 10.1: no bad record aborts an import. Each bad line or file is reported as
``path[:line]: reason`` and everything else goes in, through the real store."""

from __future__ import annotations

import json
import os
import sys

import pytest

from annotator.io import text as text_module
from annotator.io.lines import text_lines
from annotator.io.problems import Kind
from annotator.services.importing import import_paths
from annotator.store import open_store
from tests.importing import (
    by_text,
    documents,
    reasons,
    rejected,
    span_texts,
    spans_of,
    texts,
    write,
)


def test_lone_surrogate_in_text_rejects_only_that_line(store, tmp_path):
    path = write(tmp_path / "s.jsonl",
                 '{"text": "before"}\n{"text": "a \\ud800 b"}\n{"text": "after"}\n')
    report = import_paths(store, [path])
    assert texts(store) == ["before", "after"]
    assert rejected(report) == [
        f'{path}:2: "text" is not valid Unicode: a lone surrogate U+D800 at character 2']


def test_lone_surrogate_in_meta_becomes_a_replacement_character_and_the_document_goes_in(
        store, tmp_path):
    path = write(tmp_path / "m.jsonl",
                 '{"text": "kept", "meta": {"note\\udc00": "bad \\ud800 value", "ok": 1}}\n')
    report = import_paths(store, [path])
    assert documents(store)[0].meta == {"note\ufffd": "bad \ufffd value", "ok": 1}
    assert not rejected(report)
    assert [p.kind for p in report.problems] == [Kind.CHANGED]
    assert "lone surrogates" in str(report.problems[0]) and ":1:" in str(report.problems[0])


def test_lone_surrogate_in_a_label_or_annotator_drops_only_what_it_names(store, tmp_path):
    path = write(tmp_path / "l.jsonl",
                 '{"text": "Rio Tinto hired Jane", "spans": [{"start": 0, "end": 9, '
                 '"label": "ORG\\ud800"}, {"start": 16, "end": 20, "label": "PERSON"}], '
                 '"sections": [[0, 20, "body\\udfff"]], "answer": "accept", '
                 '"_annotator_id": "maria\\ud800"}\n')
    report = import_paths(store, [path])
    doc = documents(store)[0]
    assert span_texts(store, doc.id) == [("Jane", "PERSON")]
    assert spans_of(store, doc.id)[0].annotator == "maria\ufffd"
    assert [p.kind for p in report.problems] == [Kind.DROPPED, Kind.DROPPED]
    assert [("U+D800" in str(p), "U+DFFF" in str(p)) for p in report.problems] == [
        (True, False), (False, True)]


def test_json_nested_1500_deep_rejects_that_line_and_deep_meta_drops_that_key(store, tmp_path):
    deep = "[" * 1500 + "]" * 1500
    path = write(tmp_path / "deep.jsonl",
                 '{"text": "one"}\n'
                 f'{{"text": "too deep", "meta": {deep}}}\n'
                 f'{{"text": "deep meta", "meta": {{"a": {"[" * 200 + "]" * 200}, "b": 2}}}}\n'
                 '{"text": "four"}\n')
    report = import_paths(store, [path])
    assert texts(store) == ["one", "deep meta", "four"]
    assert by_text(store, "deep meta").meta == {"b": 2}
    assert rejected(report) == [f"{path}:2: JSON nested too deeply to read"]
    assert reasons(report, Kind.DROPPED) == [
        f'{path}:3: meta key "a" is nested more than 64 levels deep; dropped']


def test_values_sqlite_or_json_refuse_are_repaired_not_fatal(store, tmp_path):
    """A 5,000-digit integer cannot be parsed (its line is rejected); NaN becomes null; a title
    that is a list or an integer too large for SQLite is stored as its JSON text."""
    path = write(tmp_path / "v.jsonl",
                 f'{{"text": "huge", "meta": {{"n": {"9" * 5000}}}}}\n'
                 '{"text": "nan", "meta": {"score": NaN, "inf": -Infinity}}\n'
                 '{"text": "list title", "meta": {"title": ["a", "b"]}}\n'
                 f'{{"text": "int title", "title": {"9" * 30}}}\n')
    report = import_paths(store, [path])
    assert texts(store) == ["nan", "list title", "int title"]
    assert by_text(store, "nan").meta == {"score": None, "inf": None}
    assert by_text(store, "list title").meta["title"] == '["a", "b"]'
    assert by_text(store, "int title").meta["title"] == "9" * 30
    assert [p.line for p in report.problems if p.rejected] == [1]
    assert "not valid JSON" in rejected(report)[0]


def test_nul_byte_in_one_jsonl_line_rejects_only_that_line(store, tmp_path):
    path = write(tmp_path / "nul.jsonl",
                 b'{"text": "one"}\n{"text": "t\x00wo"}\n{"text": "three"}\n'
                 b'{"text": "escaped \\u0000 nul"}\n')
    report = import_paths(store, [path])
    assert texts(store) == ["one", "three"]
    assert rejected(report) == [f"{path}:2: NUL byte at column 12",
                                f'{path}:4: "text" has a NUL character at character 8']


def test_bad_lines_scattered_through_a_big_file_cost_only_themselves(tmp_path):
    """501 good documents once went missing with the batch a bad line aborted: every good line
    of a big file goes in, in small batches, whatever the bad lines between them."""
    bad_lines = ['{"text": "a \\ud800"}', "[" * 1500 + "]" * 1500, '{"text": "x\x00"}',
                 "{broken", '{"text": 5}', '{"text": "\\u200b\\u200b"}', '"just a string"',
                 '{"text": "z", "meta": ' + "[" * 1200 + "]" * 1200 + "}"]
    lines, good, bad_numbers = [], 0, []
    for n in range(3000):
        if n % 7 == 3:
            lines.append(bad_lines[n % len(bad_lines)])
            bad_numbers.append(n + 1)
        else:
            lines.append(json.dumps({"text": f"Good document {n}.", "meta": {"n": n},
                                     "spans": [{"start": 0, "end": 4, "label": "ORG"}]}))
            good += 1
    path = write(tmp_path / "big.jsonl", "\n".join(lines) + "\n")
    with open_store(tmp_path / "p.db") as store:
        report = import_paths(store, [path], batch_size=50)
        assert report.added == good == store.documents.count()
        assert sorted(d.meta["n"] for d in documents(store)) == [
            n for n in range(3000) if n % 7 != 3]
        assert all(len(spans_of(store, d.id)) == 1 for d in documents(store)[:50])
    assert [p.line for p in report.problems] == bad_numbers
    assert all(p.rejected and str(p).startswith(f"{path}:") for p in report.problems)


def test_unreadable_gone_and_not_regular_files_in_a_folder_are_reported(store, tmp_path):
    folder = tmp_path / "in"
    write(folder / "a.jsonl", '{"text": "first"}\n')
    write(folder / "z.txt", "last")
    os.mkfifo(folder / "fifo.jsonl")  # opening it would wait forever for a writer
    os.symlink("nowhere.txt", folder / "broken.txt")
    os.symlink("loop.jsonl", folder / "loop.jsonl")
    (folder / "folder.jsonl").mkdir()  # a folder with a file suffix: walked, it is empty
    gone = write(folder / "gone.txt", "deleted between listing and reading")

    def progress(_done: int, _total: int, message: str) -> None:
        if message == f"Reading {gone.name}":  # just before the file is read
            gone.unlink()

    report = import_paths(store, [folder], progress=progress)
    assert texts(store) == ["first", "last"]
    assert sorted(rejected(report)) == sorted([
        f"{folder / 'broken.txt'}: broken symbolic link (its target does not exist)",
        f"{folder / 'fifo.jsonl'}: not a regular file (a FIFO)",
        f"{gone}: cannot read: the file is gone (deleted or moved while importing?)",
        f"{folder / 'loop.jsonl'}: symbolic link loop; not followed",
    ])


def test_permission_denied_file_is_reported_and_the_rest_goes_in(store, tmp_path):
    secret = write(tmp_path / "in" / "secret.jsonl", '{"text": "hidden"}\n')
    write(tmp_path / "in" / "open.jsonl", '{"text": "open"}\n')
    secret.chmod(0)
    if os.access(secret, os.R_OK):
        pytest.skip("running as root: a mode of 000 does not stop reading")
    report = import_paths(store, [tmp_path / "in"])
    assert texts(store) == ["open"]
    assert rejected(report) == [f"{secret}: cannot read: Permission denied"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/mem")
def test_a_file_that_fails_while_being_read_is_reported(store, tmp_path):
    """Reading /proc/self/mem at offset 0 fails with EIO even for root: the same path as a
    permission error or a failing disk, met after the file was opened."""
    write(tmp_path / "in" / "good.jsonl", '{"text": "good"}\n')
    os.symlink("/proc/self/mem", tmp_path / "in" / "mem.jsonl")
    os.symlink("/proc/self/mem", tmp_path / "in" / "mem.txt")
    report = import_paths(store, [tmp_path / "in"])
    assert texts(store) == ["good"]
    assert sorted(rejected(report)) == [
        f"{tmp_path / 'in' / 'mem.jsonl'}: cannot read: Input/output error",
        f"{tmp_path / 'in' / 'mem.txt'}: cannot read: Input/output error"]


def test_link_loops_between_folders_are_reported_and_not_followed(store, tmp_path):
    write(tmp_path / "in" / "sub" / "doc.txt", "once")
    os.symlink("..", tmp_path / "in" / "sub" / "up")
    os.symlink("sub", tmp_path / "in" / "again")  # a second way into a folder: walked once
    report = import_paths(store, [tmp_path / "in"])
    assert texts(store) == ["once"]
    loop = tmp_path / "in" / "again" / "up"  # "again" comes first in name order
    assert rejected(report) == [f"{loop}: link to a folder it is inside (a loop); not followed"]


def test_a_file_name_that_is_not_utf8_is_stored_with_a_replacement_character(store, tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")  # Latin-1 bytes in a file name
    write(tmp_path / "in" / name, "Named in Latin-1")
    report = import_paths(store, [tmp_path / "in"])
    assert report.ok
    assert documents(store)[0].source == str(tmp_path / "in" / "caf\ufffd.txt")


def test_a_line_longer_than_the_limit_is_reported_and_the_next_line_is_read(tmp_path):
    path = write(tmp_path / "long.jsonl",
                 '{"text": "short"}\n{"text": "' + "x" * 500 + '"}\n{"text": "next"}\n')
    lines = list(text_lines(path, max_line=100))
    assert [n for n, _ in lines] == [1, 2, 3]
    assert str(lines[1][1]) == f"{path}:2: line is longer than 100 bytes"
    assert lines[2][1] == '{"text": "next"}'


def test_a_file_larger_than_the_limit_is_refused_by_path(store, tmp_path, monkeypatch):
    monkeypatch.setattr(text_module, "MAX_DOCUMENT_BYTES", 1000)
    big = write(tmp_path / "in" / "big.txt", "word " * 400)
    write(tmp_path / "in" / "small.txt", "small")
    report = import_paths(store, [tmp_path / "in"])
    assert texts(store) == ["small"]
    assert rejected(report) == [f"{big}: file is larger than 1,000 bytes"]
