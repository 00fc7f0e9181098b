"""Compare generated files with an output folder, and bring the folder up to date safely.

What the generator may touch is decided by the folder's manifest (`generator.manifest`), never
by a file's text: it replaces or removes only files it wrote there, and only when they still
hold what it wrote. A file someone else made at a generated path, a generated file edited by
hand, or a folder without a manifest that holds other files stops the run before anything is
written (`--force` overrides). A folder, a link or anything but a plain file in the way of a
generated file always stops it. The update itself is all or nothing (`generator.swap`), one run
at a time (`generator.lock`), and unchanged files are not rewritten (their times stay).
"""

from __future__ import annotations

import difflib
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from generator.lock import locked
from generator.manifest import MANIFEST_NAME, Manifest, read_manifest
from generator.problems import OutputError
from generator.render import RenderedFile
from generator.swap import WORK_DIR, Update, apply_update, interrupted_update_in, recover

CACHE_DIRS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", WORK_DIR})
"""Folders that tools make beside generated files; never read, never counted as someone's files."""
CACHE_SUFFIXES = (".pyc", ".egg-info")
FORCE_HINT = "pass --force to write anyway"


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


@dataclass(frozen=True)
class Comparison:
    """An output folder against the generated files: the changes and whether they may be made."""

    changes: Changes
    old: dict[str, bytes]
    """The current content of every generated or manifest-listed path that holds a file."""
    new: dict[str, bytes]
    conflicts: tuple[str, ...]
    """Why the update may not be made, one line each (empty: it may)."""
    new_dirs: tuple[str, ...]


def read_tree(out: Path) -> dict[str, bytes]:
    """Every file under `out` but caches, by POSIX path relative to it (links not followed)."""
    files: dict[str, bytes] = {}
    for rel, path in _walk_files(out):
        with suppress(OSError):
            files[rel] = path.read_bytes()
    return files


def check_folder(out: Path, files: Iterable[RenderedFile]) -> tuple[Comparison, bool]:
    """Compare `out` with `files` without writing; also says if an interrupted run left a mix."""
    if not out.exists():
        return compare(out, files, None, force=False), False
    with locked(out, exclusive=False):
        return compare(out, files, read_manifest(out), force=False), interrupted_update_in(out)


def update_folder(out: Path, files: Iterable[RenderedFile], *, force: bool) -> Changes:
    """Bring `out` to the generated state, or raise `OutputError` and leave it as it was."""
    created = _make_folder(out)
    try:
        with locked(out, exclusive=True):
            note = recover(out)
            if note:
                print(f"generator: {note}", file=sys.stderr)
            comparison = compare(out, files, read_manifest(out), force=force)
            if comparison.conflicts:
                raise OutputError("\n".join(comparison.conflicts))
            changes = comparison.changes
            if changes.stale:
                apply_update(
                    out,
                    Update(
                        writes={p: comparison.new[p] for p in (*changes.added, *changes.changed)},
                        replaced=frozenset(changes.changed),
                        removals=changes.removed,
                        new_dirs=comparison.new_dirs,
                    ),
                )
            return changes
    except BaseException:
        for folder in created:  # a failed first run into a new folder leaves no folder behind
            with suppress(OSError):
                folder.rmdir()
        raise


def compare(out: Path, files: Iterable[RenderedFile], manifest: Manifest | None, *, force: bool) -> Comparison:
    """What writing `files` to `out` would change, and what stands in the way."""
    new = {f.path: f.content.encode("utf-8") for f in files}
    owned = manifest or Manifest({})
    conflicts: list[str] = []
    old: dict[str, bytes] = {}
    folders = _FolderCheck(out)
    for rel in sorted(new):
        problem = folders.parents_of(rel)
        if problem:
            conflicts.append(problem)
            continue
        content, problem = _current(out, rel)
        if problem:
            conflicts.append(problem)
        elif content is not None:
            old[rel] = content
            if content != new[rel] and not force and rel != MANIFEST_NAME:
                if not owned.owns(rel):
                    conflicts.append(
                        f"{out / rel}: exists but the generator did not write it (it is not in {MANIFEST_NAME}); "
                        f"move it away, or {FORCE_HINT}"
                    )
                elif owned.edited(rel, content):
                    conflicts.append(f"{out / rel}: was edited since the generator wrote it; {FORCE_HINT}")
    removed = []
    for rel in sorted(set(owned.files) - set(new)):
        content, problem = _current(out, rel)
        if content is None or problem:
            continue  # gone already, or replaced by something that is not the generator's
        if owned.edited(rel, content) and not force:
            conflicts.append(f"{out / rel}: is no longer generated but was edited since; move it away, or {FORCE_HINT}")
            continue
        old[rel] = content
        removed.append(rel)
    if manifest is None and not force and out.exists():
        foreign = _foreign_files(out, new, limit=3)
        if foreign:
            conflicts.insert(
                0,
                f"generator: refusing to write into {out}: it holds files the generator did not write (it has no "
                f"{MANIFEST_NAME}), such as {', '.join(foreign[:3])}; choose an empty or new folder, or {FORCE_HINT}",
            )
    changes = Changes(
        added=tuple(p for p in sorted(new) if p not in old),
        changed=tuple(p for p in sorted(new) if p in old and old[p] != new[p]),
        removed=tuple(removed),
        unchanged=sum(1 for p in new if old.get(p) == new[p]),
    )
    return Comparison(changes, old, new, tuple(conflicts), folders.missing())


def unified_diff(out: Path, comparison: Comparison) -> str:
    """A unified diff from the folder's files to the generated ones."""
    changes, old, new = comparison.changes, comparison.old, comparison.new
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


class _FolderCheck:
    """The folders on the way to each generated file: which exist, which are missing, which are in the way."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._kinds: dict[str, str] = {}

    def parents_of(self, rel: str) -> str | None:
        """Why the folders above `rel` cannot hold it (None: they can, once missing ones are made)."""
        parts = rel.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            kind = self._kind(folder)
            if kind == "missing":
                for deeper in range(depth + 1, len(parts) + 1):
                    self._kinds["/".join(parts[:deeper])] = "missing"
                return None
            if kind == "link":
                return f"{self.out / folder}: is a symbolic link; the generator does not write through links"
            if kind != "folder":
                return f"{self.out / folder}: is a file where the generator needs a folder; move it away"
        return None

    def missing(self) -> tuple[str, ...]:
        """The folders to make, parents first."""
        return tuple(sorted((f for f, k in self._kinds.items() if k == "missing"), key=lambda f: (f.count("/"), f)))

    def _kind(self, folder: str) -> str:
        kind = self._kinds.get(folder)
        if kind is None:
            try:
                mode = os.lstat(self.out / folder).st_mode
            except FileNotFoundError:
                kind = "missing"
            except OSError:
                kind = "unreadable"
            else:
                kind = "link" if stat.S_ISLNK(mode) else "folder" if stat.S_ISDIR(mode) else "file"
            self._kinds[folder] = kind
        return kind


def _current(out: Path, rel: str) -> tuple[bytes | None, str | None]:
    """The content of the generated path `rel` (None if absent), or why it is in the way."""
    path = out / rel
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        raise OutputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(mode):
        return None, f"{path}: is a symbolic link where the generator writes a file; move it away"
    if stat.S_ISDIR(mode):
        return None, f"{path}: is a folder where the generator writes a file; move it away"
    if not stat.S_ISREG(mode):
        return None, f"{path}: is not a regular file where the generator writes one; move it away"
    try:
        return path.read_bytes(), None
    except OSError as exc:
        raise OutputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _walk_files(out: Path) -> Iterator[tuple[str, Path]]:
    """Every file under `out` outside caches, by relative POSIX path, in a stable order."""
    for root, dirs, names in os.walk(out):
        dirs[:] = sorted(d for d in dirs if d not in CACHE_DIRS and not d.endswith(CACHE_SUFFIXES))
        for name in sorted(names):
            if not name.endswith(CACHE_SUFFIXES):
                path = Path(root) / name
                yield path.relative_to(out).as_posix(), path


def _foreign_files(out: Path, new: dict[str, bytes], limit: int) -> list[str]:
    """Up to `limit` files under `out` that are not exactly what the generator writes there.

    A file is read only when its size matches the generated one: a folder full of large files
    is refused without reading them.
    """
    found: list[str] = []
    for rel, path in _walk_files(out):
        expected = new.get(rel)
        try:
            info = os.lstat(path)
            same = (
                expected is not None
                and stat.S_ISREG(info.st_mode)
                and info.st_size == len(expected)
                and path.read_bytes() == expected
            )
        except OSError:
            same = False
        if not same:
            found.append(rel)
            if len(found) >= limit:
                break
    return found


def _make_folder(out: Path) -> list[Path]:
    """Make `out` and missing parents; the folders made, deepest first."""
    missing = []
    folder = out
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except OSError as exc:
            raise OutputError(f"cannot make the output folder {path}: {exc.strerror or exc}") from None
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder")
    return missing
