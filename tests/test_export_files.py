"""What an export leaves on disk: the umask's mode (issue 9, point 9), a visible ``.part`` while it
runs, and nothing after a killed export that the next export does not clean up (issue 10, 8)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import NewDocument, Span, Status
from annotator.io.atomic import ExportBusy
from annotator.io.export import FINISHED, write_jsonl
from annotator.io.formats import doccano_record
from annotator.services.exporting import iter_items

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(store):
    ids = store.documents.add([NewDocument(f"Rio Tinto cut {n} jobs in Perth.\nBy Ali Khan",
                                           f"{n}.txt") for n in range(5)]).added
    for doc_id in ids:
        store.spans.add(doc_id, Span(0, 9, "ORG"))
        store.sections.set(doc_id, [0], "body")
        store.documents.set_status(doc_id, Status.ACCEPTED, "maria")
    return store


def export(store, fmt: str, out: Path, *extra: str):
    return CliRunner().invoke(main, ["export", "--db", str(store.path), "--format", fmt,
                                     "--out", str(out), *extra])


@pytest.fixture
def umask():
    """Set the process umask for one test, and put the old one back."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mode & 0o777 for p in folder.rglob("*")}


@pytest.mark.parametrize("mask,file_mode,dir_mode", [(0o022, 0o644, 0o755),
                                                     (0o077, 0o600, 0o700),
                                                     (0o002, 0o664, 0o775)])
def test_every_export_gets_the_mode_the_umask_gives(project, tmp_path, umask, mask, file_mode,
                                                    dir_mode):
    umask(mask)
    for fmt, name in [("prodigy", "p.jsonl"), ("doccano", "d.jsonl"), ("blocks", "b.jsonl"),
                      ("conll", "n.conll")]:
        assert export(project, fmt, tmp_path / "out" / name).exit_code == 0
    assert export(project, "spacy", tmp_path / "out" / "spacy").exit_code == 0
    assert export(project, "spacy", tmp_path / "out" / "shards", "--shard-size", "2",
                  ).exit_code == 0
    found = modes(tmp_path / "out")
    assert {name for name, mode in found.items() if mode != file_mode
            and not (tmp_path / "out" / name).is_dir()} == set()
    assert {name for name, mode in found.items() if mode != dir_mode
            and (tmp_path / "out" / name).is_dir()} == set()
    assert "spacy/corpus.spacy" in found and "shards/corpus/part-0000.spacy" in found


def test_the_part_is_named_visibly_beside_the_output_while_the_export_runs(project, tmp_path):
    out = tmp_path / "out.jsonl"
    seen: list[list[str]] = []
    write_jsonl(iter_items(project, FINISHED), doccano_record, out,
                on_item=lambda: seen.append(sorted(p.name for p in tmp_path.iterdir())))
    assert all("out.jsonl.part" in names and "out.jsonl" not in names for names in seen)
    assert not any(name.startswith(".") for names in seen for name in names)
    assert sorted(p.name for p in tmp_path.iterdir() if "jsonl" in p.name) == ["out.jsonl"]


def test_a_stale_part_and_an_old_versions_hidden_parts_are_removed_by_the_next_export(
        project, tmp_path):
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.part").write_text('{"text": "half a li')
    (tmp_path / ".out.jsonl.k3v_9xq2.part").write_bytes(b"x" * 1000)  # tempfile.mkstemp's names
    keep = [tmp_path / ".other.jsonl.k3v_9xq2.part", tmp_path / "notes.part",
            tmp_path / ".out.jsonl.part"]
    for path in keep:
        path.write_text("not ours")
    result = export(project, "doccano", out)
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    assert not (tmp_path / "out.jsonl.part").exists()
    assert not (tmp_path / ".out.jsonl.k3v_9xq2.part").exists()
    assert all(path.read_text() == "not ours" for path in keep)


def test_a_stale_staging_folder_of_the_spacy_export_is_removed_by_the_next_one(project,
                                                                              tmp_path):
    out = tmp_path / "corpus"
    (out / "annotator-export.part" / "train").mkdir(parents=True)
    (out / "annotator-export.part" / "train" / "part-0000.spacy").write_bytes(b"half")
    (out / ".export-ab12cd34").mkdir()  # an old version's mkdtemp folder
    (out / ".export-ab12cd34" / "corpus.spacy").write_bytes(b"half")
    result = export(project, "spacy", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["blocks-corpus.spacy", "corpus.spacy"]


CHILD = """
import sys
from annotator.io.export import FINISHED, write_jsonl
from annotator.io.formats import doccano_record
from annotator.services.exporting import iter_items
from annotator.store import open_store

def pause():
    print("writing", flush=True)
    sys.stdin.readline()  # blocks until the parent kills this process

with open_store(sys.argv[1]) as store:
    write_jsonl(iter_items(store, FINISHED), doccano_record, sys.argv[2], on_item=pause)
"""


def test_a_sigkilled_export_leaves_a_part_the_next_export_removes(project, tmp_path):
    """A real export process killed mid-way; while it runs, another export to the same path is
    refused (not interleaved); once it is dead, the next export removes its part."""
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(project.path), str(out)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert child.stdout.readline() == "writing\n"
        part = tmp_path / "out.jsonl.part"
        assert part.exists() and out.read_text() == "previous export\n"
        inode = part.stat().st_ino
        with pytest.raises(ExportBusy):
            write_jsonl(iter_items(project, FINISHED), doccano_record, out)
        result = export(project, "doccano", out)
        assert result.exit_code == 1 and "another export is writing here" in result.output
        assert part.stat().st_ino == inode  # the live export's part was left alone
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdin.close()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert part.stat().st_ino == inode and out.read_text() == "previous export\n"
    result = export(project, "doccano", out)
    assert result.exit_code == 0, result.output
    assert not part.exists()
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [1, 2, 3, 4, 5]
    assert sorted(p.name for p in tmp_path.iterdir() if "out" in p.name) == ["out.jsonl"]


def test_a_refused_spacy_export_leaves_no_folder_it_made_and_keeps_one_the_person_had(
        project, tmp_path):
    """A misaligned span refuses the export ("no file was written"): the folders it made for
    the output (here two levels) are gone again, while a folder that was there stays."""
    doc_id = project.documents.ids()[0]
    project.spans.add(doc_id, Span(11, 13, "ORG"))  # "ut" inside "cut": not on tokens
    out = tmp_path / "exp" / "uni.spacy"
    result = export(project, "spacy", out)
    assert result.exit_code == 1, result.output
    assert not (tmp_path / "exp").exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    result = export(project, "spacy", mine)
    assert result.exit_code == 1, result.output
    assert mine.is_dir() and list(mine.iterdir()) == []


def test_a_spacy_export_with_nothing_to_export_leaves_no_empty_folder(store, tmp_path):
    store.documents.add([NewDocument("Nothing accepted here.", "a.txt")])
    out = tmp_path / "corpus"
    result = export(store, "spacy", out)
    assert result.exit_code == 0, result.output
    assert not out.exists()
