"""A project on read-only media (a mounted archive, a DVD, a read-only share): read verbs work,
write verbs say why they cannot (issue 10, point 6). The media is a read-only bind mount made in a
private mount namespace with ``unshare``; the test is skipped where that is not allowed."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from project_files import fingerprint, old_project

from annotator.domain import NewDocument, Status
from annotator.store import open_store


def can_mount_read_only() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount --bind / / 2>/dev/null || "
                            "mount -t tmpfs none /mnt"], capture_output=True, timeout=30)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not can_mount_read_only(),
                                reason="needs unshare and mounts in a user namespace")


def on_read_only_media(folder: Path, *commands: list[str]) -> list[subprocess.CompletedProcess]:
    """Run each ``annotator`` command while ``folder`` is mounted read-only (for them alone)."""
    results = []
    for command in commands:
        cli = shlex.join([sys.executable, "-m", "annotator", *command])
        quoted = shlex.quote(str(folder))
        script = (f"mount --bind {quoted} {quoted} && mount -o remount,ro,bind {quoted} "
                  f"{quoted} && touch {quoted}/probe 2>/dev/null && exit 99; {cli}")
        results.append(subprocess.run(["unshare", "-rm", "sh", "-c", script], env=os.environ,
                                      capture_output=True, text=True, timeout=120))
    assert all(r.returncode != 99 for r in results), "the mount was writable"
    return results


def make_project(folder: Path) -> Path:
    path = folder / "p.db"
    with open_store(path) as store:
        doc = store.documents.add([NewDocument("Ana Souza visited Lisbon.", "a.txt")]).added[0]
        store.documents.set_status(doc, Status.ACCEPTED)
    return path


def test_stats_and_export_work_on_read_only_media(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    path = make_project(media)
    before = fingerprint(path)
    out = tmp_path / "out.jsonl"
    stats, export = on_read_only_media(
        media, ["stats", "--db", str(path)],
        ["export", "--db", str(path), "--format", "doccano", "--out", str(out)])
    assert stats.returncode == 0, stats.stderr
    assert "1 document, 1 finished" in stats.stdout
    assert export.returncode == 0, export.stderr
    assert "Ana Souza visited Lisbon." in out.read_text()
    assert fingerprint(path) == before


def test_an_old_project_on_read_only_media_is_read_through_an_upgraded_copy(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    path = old_project(media, "m001_initial")
    (stats,) = on_read_only_media(media, ["stats", "--db", str(path)])
    assert stats.returncode == 0, stats.stderr
    assert "6 documents, 2 finished" in stats.stdout


def test_import_into_a_project_on_read_only_media_says_why_it_cannot(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    path = make_project(media)
    text = tmp_path / "b.txt"
    text.write_text("Other text.\n")
    (result,) = on_read_only_media(media, ["import", "--db", str(path), str(text)])
    assert result.returncode == 1
    assert "is read-only: labels cannot be saved" in result.stderr
    assert result.stderr.count("labels cannot be saved") == 1  # said once, not logged too
    assert "Traceback" not in result.stderr
