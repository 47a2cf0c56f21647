"""Issue 10.9: a generated hostile-input corpus (in tmp_path, never committed) imported as one
folder: no exception, every bad file, line and span reported by path, every good one in."""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
from pathlib import Path

import pytest

from annotator.io.problems import Kind
from annotator.services.importing import import_paths
from tests.importing import documents, jsonl, span_texts, write

GOOD = "Rio Tinto said on Monday it would cut 200 jobs in Perth."
BAD_SPANS = [  # (span as the file gives it, the words its problem must contain)
    ({"start": 4, "end": 999, "label": "ORG"}, "outside the text"),
    ({"start": -3, "end": 4, "label": "ORG"}, "outside the text"),
    ({"start": 9, "end": 4, "label": "ORG"}, "empty or reversed"),
    ({"start": 4, "end": 4, "label": "ORG"}, "empty or reversed"),
    ({"start": 0.0, "end": 3, "label": "ORG"}, "offsets are not integers"),
    ({"start": True, "end": 3, "label": "ORG"}, "offsets are not integers"),
    ({"start": "0", "end": "3", "label": "ORG"}, "offsets are not integers"),
    ({"start": 0, "end": 10 ** 40, "label": "ORG"}, "outside the text"),
    ({"start": 0, "end": 3}, "unknown shape"),
    ({"begin": 0, "length": 3, "label": "ORG"}, "unknown shape"),
    ([0, 3], "unknown shape"),
    ("0-3 ORG", "unknown shape"),
    (None, "unknown shape"),
    ({"start": 0, "end": 3, "label": ""}, "is not a non-empty string"),
    ({"start": 0, "end": 3, "label": ["ORG"]}, "is not a non-empty string"),
    ({"start": 0, "end": 3, "label": None}, "is not a non-empty string"),
    ({"start": 0, "end": 3, "label": "NEW ORG"}, "labelled 'NEW ORG' dropped: label 'NEW ORG' "
                                                 "has whitespace"),
    ({"start": 0, "end": 3, "label": "ORG\t"}, "has whitespace: tab"),
    ({"start": 0, "end": 3, "label": "ORG\ud800"}, "control character (U+D800)"),
    ({"start": 3, "end": 4, "label": "ORG"}, "only whitespace"),
    ({"start": 0, "end": 10, "label": "ORG"}, "trimmed to 0-9"),
]


def make_corpus(root: Path) -> dict[str, tuple[int, list[str]]]:
    """Write the corpus; return what each file must give: ``(documents, problem words)``."""
    rng = random.Random(7)
    expect: dict[str, tuple[int, list[str]]] = {}

    def add(name: str, data: bytes | str, docs: int, *problems: str) -> Path:
        expect[name] = (docs, list(problems))
        return write(root / name, data)

    add("empty.txt", b"", 0, "file is empty")
    add("blank.jsonl", b"\n  \n\t\n", 0, "file is empty")
    add("binary.txt", bytes(rng.randrange(256) for _ in range(4096)), 0, "binary file")
    add("binary.jsonl", gzip.compress(b'{"text": "zipped"}\n' * 500), 0, "binary file")
    add("png.html", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2048)), 0,
        "binary file")
    add("line50mb.txt", ("word " * 10_000_000).encode(), 1)
    add("broken_utf8.txt", "Zoë Müller\nok\n".encode() + b"bro\xffken\n", 0,
        "invalid UTF-8: byte 0xff at column 4")
    add("broken_utf8.jsonl", b'{"text": "Zo\xc3\xab"}\n{"text": "bad \xff"}\n{"text": "fine"}\n',
        2, "invalid UTF-8")
    # a guessed encoding goes in with a note naming it (imp5)
    add("legacy.txt", "Café “au lait” à Montréal, naïve Zoë.\n".encode("cp1252"), 1,
        "not UTF-8: read as cp1252")
    add("utf16_bom.txt", "UTF-16 with a BOM, Zoë\n".encode("utf-16"), 1)
    add("utf16_le.txt", "UTF-16 without a BOM, Zoë\n".encode("utf-16-le"), 1,
        "read as utf-16-le")
    add("utf16_be.jsonl", '{"text": "big-endian, no BOM"}\n'.encode("utf-16-be"), 1,
        "read as utf-16-be")
    add("utf16_bom.jsonl", '{"text": "UTF-16 tasks"}\r\n{"text": "two"}\r\n'.encode("utf-16"),
        2)
    add("utf32.txt", "UTF-32 with a BOM\n".encode("utf-32"), 1)
    add("nul.txt", b"text with a \x00 NUL", 0, "binary file")
    add("nul.jsonl", b'{"text": "a"}\n{"text": "b\x00"}\n{"text": "c"}\n', 2, "NUL byte")
    add("line10mb.jsonl", json.dumps({"text": "word " * 2_000_000}) + '\n{"text": "after"}\n',
        2)
    add("deep.jsonl", '{"text": "x", "meta": ' + "[" * 1500 + "]" * 1500 + '}\n{"text": "y"}\n',
        1, "nested too deeply")
    add("deep.html", "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body>", 0,
        "nested more than 2,048")
    add("script_only.html", "<html><script>alert(1)</script></html>", 0, "no visible text")
    add("surrogate.jsonl", '{"text": "\\ud800"}\n{"text": "ok"}\n', 1, "lone surrogate")
    add("not_array.json", '"just a string"', 0, "not a JSON array or object")
    add("truncated.json", '[{"text": "first"}, {"text": "sec', 1, "the rest of the file")
    add("zero_width.txt", "\u200b\u200b\n\u2060", 0, "no text")
    spans = [{"text": f"{GOOD} {n}", "spans": [span]} for n, (span, _) in enumerate(BAD_SPANS)]
    expect["bad_spans.jsonl"] = (len(BAD_SPANS), [words for _, words in BAD_SPANS])
    jsonl(root / "bad_spans.jsonl", *spans)
    overlapping = {"text": GOOD + " Again.", "spans": [{"start": 0, "end": 9, "label": "ORG"},
                                                       {"start": 4, "end": 14, "label": "ORG"}]}
    expect["overlap.jsonl"] = (1, ["overlaps a later span"])
    jsonl(root / "overlap.jsonl", overlapping)
    os.mkfifo(root / "fifo.jsonl")
    expect["fifo.jsonl"] = (0, ["not a regular file"])
    os.symlink("self.txt", root / "self.txt")
    expect["self.txt"] = (0, ["symbolic link loop"])
    os.symlink("missing.txt", root / "dangling.txt")
    expect["dangling.txt"] = (0, ["broken symbolic link"])
    os.symlink(".", root / "loop")
    expect["loop"] = (0, ["a loop"])
    locked = add("locked.txt", "Readable only by root.", 1)
    locked.chmod(0)
    if not os.access(locked, os.R_OK):
        expect["locked.txt"] = (0, ["Permission denied"])
    if sys.platform.startswith("linux"):
        os.symlink("/proc/self/mem", root / "eio.jsonl")
        expect["eio.jsonl"] = (0, ["Input/output error"])
    add("vanishing.txt", "deleted while importing", 0, "the file is gone")
    add("good.txt", GOOD, 1)
    return expect


@pytest.mark.slow
def test_hostile_corpus_imports_without_an_exception_every_problem_reported(store, tmp_path):
    root = tmp_path / "hostile"
    root.mkdir()
    expect = make_corpus(root)

    def progress(_done: int, _total: int, message: str) -> None:
        if message == "Reading vanishing.txt":  # just before the file is read
            (root / "vanishing.txt").unlink()

    report = import_paths(store, [root], progress=progress, batch_size=5)
    docs_by_file: dict[str, int] = {}
    for doc in documents(store):
        docs_by_file[Path(doc.source).name] = docs_by_file.get(Path(doc.source).name, 0) + 1
    problems_by_file: dict[str, list[str]] = {}
    for problem in report.problems:
        name = Path(problem.path).relative_to(root).parts[0]
        assert name in expect, f"unexpected problem: {problem}"
        problems_by_file.setdefault(name, []).append(str(problem))
    for name, (docs, words) in expect.items():
        assert docs_by_file.get(name, 0) == docs, (name, problems_by_file.get(name))
        found = problems_by_file.get(name, [])  # label names are judged when stored: later
        assert len(found) == len(words), (name, found)
        for word in words:
            assert any(word in problem for problem in found), (name, word, found)
    assert report.added == sum(docs for docs, _ in expect.values())


def test_every_kind_of_bad_span_is_reported_by_line_and_its_document_goes_in(store, tmp_path):
    spans = [{"text": f"{GOOD} {n}", "spans": [span]} for n, (span, _) in enumerate(BAD_SPANS)]
    path = jsonl(tmp_path / "bad_spans.jsonl", *spans)
    report = import_paths(store, [path])
    assert report.added == len(BAD_SPANS)
    problems = sorted(report.problems, key=lambda p: p.line)  # label names: judged when stored
    assert [p.line for p in problems] == list(range(1, len(BAD_SPANS) + 1))
    for problem, (_, words) in zip(problems, BAD_SPANS, strict=True):
        assert words in problem.reason and problem.kind is not Kind.REJECTED
    trimmed = documents(store)[-1]
    assert span_texts(store, trimmed.id) == [("Rio Tinto", "ORG")]
