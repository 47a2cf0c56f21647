"""Shared fixtures: real project files in tmp_path, headless Qt."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The person's own settings (recent projects, window geometry) are never read or written by a
# test: Qt keeps QSettings under XDG_CONFIG_HOME, and a window a test starts as a subprocess
# (``annotator gui``) inherits this too. tests/ui/conftest.py also gives each GUI test its own.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="annotator-test-config-")

from annotator.store import Store, open_store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "sample_data"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An empty project in a real SQLite file."""
    s = open_store(tmp_path / "project.db")
    yield s
    s.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The benchmark smoke tests (one process each, the longest tests) go first, so that under
    ``make test`` the workers start on them and share the short tests out at the end."""
    items.sort(key=lambda item: item.get_closest_marker("bench_smoke") is None)  # stable


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before xdist's choice; no xdist: unused
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """How ``make test`` (``pytest -n ... --dist loadfile --no-loadscope-reorder``) shares
    the tests out among its worker processes: each test file whole in one worker (its
    module-scoped fixtures, a trained model or a Dask cluster, are built once), in the
    collection order above, except the benchmark smoke tests, which are independent
    processes and go one by one to whichever worker is free. Other ``--dist`` modes are
    xdist's own. (Not ``--dist loadgroup``: under pytest 9.2 its groups are not applied.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FilesAndBenches(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if path.endswith("test_bench_smoke.py") else path

    return FilesAndBenches(config, log)
