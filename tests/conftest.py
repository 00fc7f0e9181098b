"""Fixtures: the project's configuration and a scratch copy of the real spec."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.config import PROJECT_ROOT, Config, load_config
from tests.support import EXCEPTION_TEXTS, LOG, SECRETS_SEEN, SPEC_DIR, find_leaks

# The golden record's generated tests run against its own package, in their own process
# (tests/generator/test_golden.py), never with this suite's installed client.
collect_ignore_glob = ["golden/*"]


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config(PROJECT_ROOT / "pyproject.toml")


@pytest.fixture
def spec_copy(tmp_path: Path) -> Path:
    """A copy of the real spec folder that a test may edit."""
    target = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture(scope="session", autouse=True)
def no_secret_appears_in_any_log_record_or_error_of_the_run() -> Iterator[None]:
    """Log everything at DEBUG for the whole run; at the end no secret may show anywhere."""
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(LOG)
    try:
        yield
    finally:
        root.removeHandler(LOG)
        root.setLevel(old_level)
    leaks = find_leaks(SECRETS_SEEN, LOG.lines + EXCEPTION_TEXTS)
    assert not leaks, f"secrets leaked: {leaks[:3]}"
