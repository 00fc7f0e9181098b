"""The two sides of a comparison: a spec folder or file, or the spec at a git revision, as a model."""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.changes.places import Places, find_places, revision_file, same_file
from generator.config import Config
from generator.loader import load_spec
from generator.model.ir import Api
from generator.pipeline import load_api
from generator.problems import Problem, SpecError, UsageError
from generator.runtime_facts import runtime_facts
from generator.spec_files import display_path


@dataclass(frozen=True)
class Side:
    """One version of the spec: the client's public API it yields, and where its symbols are."""

    label: str
    api: Api
    places: Places


class SideError(Exception):
    """A side does not load; `lines` are its problems, `file:line: what`, as the report shows them."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def load_side(spec_path: Path, config: Config, show: Callable[[str], str] = same_file, label: str = "") -> Side:
    """Load `spec_path` through the generator's own pipeline; raises `SideError` with its problems."""
    if not spec_path.exists():
        raise SideError([f"{show(str(spec_path))}: no such file or folder"])
    try:
        api = load_api(spec_path, config)
    except SpecError as exc:
        raise SideError([_shown(p, show) for p in exc.problems]) from None
    spec, _ = load_spec(spec_path)
    places = find_places(spec, runtime_facts(config.runtime), show)
    return Side(label or show(display_path(spec_path)), api, places)


def _shown(problem: Problem, show: Callable[[str], str]) -> str:
    return str(Problem(show(problem.file), problem.line, problem.message, problem.pointer))


def load_revision(revision: str, spec_path: Path, into: Path, config: Config) -> Side:
    """The spec at `spec_path` as it was at git `revision`, extracted under `into` and loaded."""
    extracted = extract_revision(revision, spec_path, into)
    top = into / "tree"
    return load_side(extracted, config, revision_file(revision, top), label=f"{revision}:{extracted.relative_to(top)}")


def extract_revision(revision: str, spec_path: Path, into: Path) -> Path:
    """Write the files of `spec_path` at git `revision` under `into/tree`; returns the extracted path.

    `git archive` gives the tree as the revision has it, whatever the working tree holds.
    """
    spec_path = spec_path.resolve()
    folder = spec_path if spec_path.is_dir() else spec_path.parent
    top = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    relative = spec_path.relative_to(top).as_posix()
    tar = _git(top, "archive", "--format=tar", f"{revision}^{{tree}}", "--", relative)
    tree = into / "tree"
    tree.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        if not archive.getmembers():
            raise UsageError(f"{revision}: no {relative} at that revision")
        archive.extractall(tree, filter="data")
    return tree / relative


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise UsageError(f"git: cannot run: {exc}") from None
    if done.returncode != 0:
        message = " ".join(done.stderr.decode("utf-8", "replace").split()) or f"exit code {done.returncode}"
        raise UsageError(f"git {args[0]}: {message}")
    return done.stdout
