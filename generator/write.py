"""Compare generated files with an output folder, and bring the folder up to date atomically.

The generator owns the files in the output folder that carry its header (`GENERATED_MARK`): one
it no longer produces is removed, so renaming a method leaves nothing behind. Any other file
(notes, a virtualenv, caches, build leftovers) is never touched, so pointing `--out` at the wrong
folder cannot delete anything of yours. Unchanged files are not rewritten (their modification
times stay).
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.problems import OutputError
from generator.render import GENERATED_MARK, RenderedFile

IGNORED_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "build", "dist"}
IGNORED_SUFFIXES = (".pyc", ".egg-info")
MARK_WITHIN = 400  # the header is at the very top of every generated file


@dataclass(frozen=True)
class Changes:
    """How an output folder differs from what the generator produces."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int

    @property
    def stale(self) -> bool:
        """True if the folder is not exactly what the generator produces."""
        return bool(self.added or self.changed or self.removed)


def read_tree(out: Path) -> dict[str, bytes]:
    """Every generator-owned file under `out`, by POSIX path relative to it."""
    files: dict[str, bytes] = {}
    if not out.exists():
        return files
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder")
    for root, dirs, names in os.walk(out):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS and not d.endswith(IGNORED_SUFFIXES))
        for name in names:
            if name.endswith(IGNORED_SUFFIXES):
                continue
            path = Path(root) / name
            try:
                files[path.relative_to(out).as_posix()] = path.read_bytes()
            except OSError as exc:
                raise OutputError(f"cannot read {path}: {exc}") from None
    return files


def compare(out: Path, files: Iterable[RenderedFile]) -> tuple[Changes, dict[str, bytes], dict[str, bytes]]:
    """What writing `files` to `out` would change, with the old and new contents."""
    old = read_tree(out)
    new = {f.path: f.content.encode("utf-8") for f in files}
    changes = Changes(
        added=tuple(sorted(p for p in new if p not in old)),
        changed=tuple(sorted(p for p in new if p in old and old[p] != new[p])),
        removed=tuple(sorted(p for p in old if p not in new and GENERATED_MARK in old[p][:MARK_WITHIN])),
        unchanged=sum(1 for p in new if old.get(p) == new[p]),
    )
    return changes, old, new


def unified_diff(out: Path, changes: Changes, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    """A unified diff from the folder's files to the generated ones."""
    chunks: list[str] = []
    for path in sorted((*changes.added, *changes.changed, *changes.removed)):
        before = old.get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
        after = new.get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
        name = (out / path).as_posix()
        chunks.extend(
            difflib.unified_diff(
                before,
                after,
                fromfile=name if path in old else "/dev/null",
                tofile=name if path in new else "/dev/null",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in chunks)


def write_tree(out: Path, changes: Changes, new: dict[str, bytes]) -> None:
    """Bring `out` to the generated state.

    New contents are first written to temporary files beside their targets; only when all of
    them are written are they renamed into place and stale files removed. A failure while
    staging leaves `out` as it was.
    """
    staged: list[tuple[Path, Path]] = []
    created_dirs: list[Path] = []
    try:
        for rel in (*changes.added, *changes.changed):
            target = out / rel
            created_dirs.extend(_make_parents(target.parent))
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(new[rel])
            staged.append((Path(tmp_name), target))
    except OSError as exc:
        for staged_file, _ in staged:
            staged_file.unlink(missing_ok=True)
        for folder in reversed(created_dirs):
            shutil.rmtree(folder, ignore_errors=True)
        raise OutputError(f"cannot write to {out}: {exc}") from None
    try:
        for staged_file, target in staged:
            os.replace(staged_file, target)
        for rel in changes.removed:
            (out / rel).unlink(missing_ok=True)
            _remove_empty_parents((out / rel).parent, out)
    except OSError as exc:
        raise OutputError(f"cannot update {out}: {exc}") from None


def _make_parents(folder: Path) -> list[Path]:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir():
        leftovers = [p for p in folder.iterdir() if p.name not in IGNORED_DIRS]
        if leftovers:
            return
        shutil.rmtree(folder, ignore_errors=True)
        folder = folder.parent
