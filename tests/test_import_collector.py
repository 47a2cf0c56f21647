"""An import runs with Python's cycle collector paused (annotator.core.collector): on while it
is not, off while the files are read and stored, on again after, even when the import stops."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from annotator.core.collector import collect_young, collector_paused
from annotator.core.tasks import Cancelled
from annotator.services.importing import import_paths


def _folder(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        (folder / f"{i}.txt").write_text(f"Story {i}\nThe harbour of town {i} reopened.",
                                         encoding="utf-8")
    return folder


def test_the_collector_is_off_while_importing_and_on_again_after(store, tmp_path):
    seen: list[bool] = []
    report = import_paths(store, [_folder(tmp_path, 5)], batch_size=2,
                          progress=lambda *_: seen.append(gc.isenabled()))
    assert report.added == 5
    assert seen and not any(seen[:-1])  # off while reading and storing (the last: after)
    assert gc.isenabled()


def test_the_collector_is_on_again_after_a_cancelled_import(store, tmp_path):
    with pytest.raises(Cancelled) as stopped:
        import_paths(store, [_folder(tmp_path, 6)], batch_size=2, min_batch=2,
                     should_stop=lambda: True)
    assert stopped.value.partial.added == 2  # the first batch is kept
    assert gc.isenabled()


def test_cycles_made_during_a_pause_are_freed_by_collect_young():
    class Node:
        pass

    done: list[tuple[int, int]] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "stop":
            done.append((info["generation"], info["collected"]))

    with collector_paused() as paused:
        assert paused and not gc.isenabled()
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle, then unreachable
        del a, b
        gc.callbacks.append(seen)
        try:
            collect_young()
        finally:
            gc.callbacks.remove(seen)
        assert not gc.isenabled()  # still paused
    assert done and done[0][0] == 0 and done[0][1] >= 2  # the young generation, the cycle
    assert gc.isenabled()


def test_a_paused_collector_is_left_as_it_was():
    gc.disable()
    try:
        with collector_paused() as paused:
            assert not paused
        assert not gc.isenabled()  # not switched on by the block
    finally:
        gc.enable()
