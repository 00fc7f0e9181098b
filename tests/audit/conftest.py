"""Fixtures of the audit's tests: the audit run in-process, its exit code and printed lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.audit import run_audit
from tests.audit.samples import Audit


@pytest.fixture
def audit(capsys: pytest.CaptureFixture[str]) -> Callable[..., Audit]:
    """Run `python -m generator audit ARGS` in this process."""

    def run(*args: str | Path) -> Audit:
        capsys.readouterr()
        code = run_audit([str(a) for a in args])
        out, err = capsys.readouterr()
        return Audit(code, out.splitlines(), err)

    return run
