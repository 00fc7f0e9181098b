"""Helpers for the generator's tests: real processes, real temp folders."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

from generator.config import PROJECT_ROOT, load_config
from generator.model import CLIENT_CLASSES, TYPING_NAMES
from generator.runtime_facts import runtime_facts

SPEC_DIR = PROJECT_ROOT / "spec"
GENERATED_DIR = PROJECT_ROOT / "generated"
FACTS = runtime_facts(load_config(PROJECT_ROOT / "pyproject.toml").runtime)
"""What the client runtime defines, as the generator reads it."""
RESERVED_CLASSES = FACTS.exported | TYPING_NAMES | CLIENT_CLASSES
"""Class names no record may take."""


def write_spec(folder: Path, files: dict[str, str]) -> Path:
    """Write `files` (name -> YAML text, dedented) into `folder`; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def run_generator(*args: str | Path, env: dict[str, str] | None = None) -> Run:
    """Run `python -m generator` as a real process from the project root."""
    done = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (caches skipped)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
    }


class RecordEverything(logging.Handler):
    """Keeps every log record of the test run, formatted, for the secret-leak check."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name} {record.levelname} {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {record.exc_info[1]!r}"
        with self._guard:
            self.lines.append(text)
            self.records.append(record)


LOG = RecordEverything()
"""Every log record of the test run, at DEBUG."""
SECRETS_SEEN: set[str] = set()
"""Every secret a test handed to a client; none may appear in a log record, error or repr."""
EXCEPTION_TEXTS: list[str] = []
"""str() and repr() of the exceptions tests caught, for the same check."""


def remember(exc: BaseException) -> BaseException:
    """Add an exception's texts to the secret-leak check; returns it."""
    EXCEPTION_TEXTS.extend((str(exc), repr(exc)))
    return exc


_HEX_RUN = re.compile(r"[0-9a-f]{64,}")
_HEX_TOKEN = re.compile(r"[0-9a-f]{64}")


def find_leaks(secrets: set[str], texts: list[str]) -> list[str]:
    """The `secrets` that appear in any of `texts`.

    Linear in the texts however many secrets there are: tokens (64 hex digits, as the fake portal
    issues them) are found by one scan for hex runs; the few other secrets are searched for each.
    """
    joined = "\n".join(texts)
    tokens = {s for s in secrets if _HEX_TOKEN.fullmatch(s)}
    seen: set[str] = set()
    for run in _HEX_RUN.findall(joined):
        seen.update(run[i : i + 64] for i in range(len(run) - 63))
    return sorted((tokens & seen) | {s for s in secrets - tokens if s in joined})
