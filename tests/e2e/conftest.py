from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Project  # noqa: E402


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The project with its sample month (and sample invoice), built once for the session."""
    project = Project(tmp_path_factory.mktemp("sample"), mode="seeds", keep_sample=True)
    project.build()
    return project
