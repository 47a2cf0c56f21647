"""Shared fixtures: real project files in tmp_path, headless Qt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
