"""Spec files on disk: finding them in a folder, and reading one, never blocking on odd entries.

Every `*.yaml`/`*.yml` entry of a spec folder is listed, also one that cannot be read (a dangling
link, a fifo, no permission), and every folder that cannot be listed is a problem too: a method
never vanishes silently. Links to folders are not followed (one could lead anywhere).
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

from generator.problems import Problem

SPEC_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 16 * 1024 * 1024
"""A method's file is a few kilobytes; a bundle of the vendor's whole API a few megabytes."""


def display_path(path: Path) -> str:
    """How to name `path` to a person: relative to the working directory when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def discover_files(spec_path: Path) -> tuple[Path, list[Path], list[Problem]]:
    """The spec root, its YAML files in a stable order (hidden ones skipped), and what could not be listed."""
    if not spec_path.is_dir():
        return spec_path.parent, [spec_path], []
    files: list[Path] = []
    problems: list[Problem] = []

    def unlistable(error: OSError) -> None:
        where = display_path(Path(error.filename)) if error.filename else display_path(spec_path)
        problems.append(Problem(where, 1, f"cannot list the spec folder: {error.strerror or error}"))

    for root, dirs, names in os.walk(spec_path, onerror=unlistable):
        folder = Path(root)
        for name in sorted(dirs):
            if not name.startswith(".") and (folder / name).is_symlink():
                problems.append(
                    Problem(
                        display_path(folder / name),
                        1,
                        "a link to a folder: links in a spec folder are not followed; move the files in, or refer to them with $ref",
                    )
                )
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (folder / d).is_symlink())
        files.extend(folder / n for n in names if not n.startswith(".") and n.endswith(SPEC_SUFFIXES))
    return spec_path, sorted(files), problems


def citable(name: str) -> bool:
    """True if a spec file's name can be written into generated headers as it is.

    It may not hold a line break or other control character (it would end a comment), `-->` (it
    would end an HTML comment) or bytes that are not UTF-8.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "-->" not in name and not any(unicodedata.category(c)[0] in "CZ" and c != " " for c in name)


def read_spec_file(path: Path, display: str) -> tuple[bytes | None, Problem | None]:
    """The bytes of a spec file, or the problem that prevents reading it.

    Only regular files are opened: reading a fifo or a device would block or never end.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        what = "a symbolic link to a file that does not exist" if path.is_symlink() else "the file does not exist"
        return None, Problem(display, 1, f"cannot read the spec file: {what}")
    except OSError as exc:
        return None, Problem(display, 1, f"cannot read the spec file: {exc.strerror or exc}")
    if stat.S_ISDIR(info.st_mode):
        return None, None  # a folder named like a spec file: its files are listed on their own
    if not stat.S_ISREG(info.st_mode):
        return None, Problem(
            display, 1, f"cannot read the spec file: it is {_file_kind(info.st_mode)}, not a regular file"
        )
    if info.st_size > MAX_FILE_BYTES:
        return None, Problem(
            display, 1, f"the file is {info.st_size:,} bytes; a spec file may have at most {MAX_FILE_BYTES:,}"
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, Problem(display, 1, f"cannot read the spec file: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:  # it grew since stat
        return None, Problem(
            display, 1, f"the file has more than {MAX_FILE_BYTES:,} bytes, the most a spec file may have"
        )
    return raw, None


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (fifo)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"
