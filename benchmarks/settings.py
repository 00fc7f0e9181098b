"""Where the harness works and what one invocation measures: the project's paths, `Settings`, and
the environment of every measured Python process."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import RUN_TIMEOUT_S

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_ROOT / "benchmarks"
DEFAULT_WORK_DIR = BENCH_DIR / ".work"
DEFAULT_RESULTS = BENCH_DIR / "results.md"
PYCACHE_DIR = DEFAULT_WORK_DIR / "pycache"
"""Bytecode of every measured process (and of this one), kept between runs, --quick included."""
SPEC_DIR = PROJECT_ROOT / "spec"
PYTHON = sys.executable


@dataclass(frozen=True)
class Settings:
    """What this invocation measures and where it works."""

    quick: bool
    work: Path
    run_timeout: float = RUN_TIMEOUT_S

    def runs(self, full: int) -> int:
        """How many runs a figure gets: `full`, or 1 in quick mode."""
        return 1 if self.quick else full


def python_env() -> dict[str, str]:
    """The environment of every Python process the harness measures.

    Bytecode is written, as on a normal machine (an environment that sets
    PYTHONDONTWRITEBYTECODE would make every process compile every module again), but into the
    work folder (PYTHONPYCACHEPREFIX) so that nothing appears in the project's folders.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE_DIR)
    return env
