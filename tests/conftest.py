"""Fixtures: the project's configuration and a scratch copy of the real spec."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.config import PROJECT_ROOT, Config, load_config
from tests.support import SPEC_DIR


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config(PROJECT_ROOT / "pyproject.toml")


@pytest.fixture
def spec_copy(tmp_path: Path) -> Path:
    """A copy of the real spec folder that a test may edit."""
    target = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, target, ignore=shutil.ignore_patterns("*.md"))
    return target
