"""Fixtures for the store tests: a copy of the oldest fixture project."""

from __future__ import annotations

from pathlib import Path

import pytest
from project_files import old_project


@pytest.fixture
def old_m001(tmp_path: Path) -> Path:
    """A copy of the project file the first schema version wrote (application id 0)."""
    return old_project(tmp_path)
