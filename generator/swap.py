"""Bring an output folder from the old tree to the new one, all or nothing, even if killed.

The update is staged first: every new file is written under `.generator-work/stage/`, and every
file that will be replaced or removed gets a second name (a hard link, so the very file with its
permissions; a copy where links are not possible) under `.generator-work/backup/`. Then a journal
lists the steps, and only then are the staged files renamed into place (each rename is atomic)
and stale ones removed. If a step fails or Ctrl-C arrives, the steps are undone from the
backups. If the process is killed, the journal stays behind, and the next run first undoes the
half-done update (or, if the journal says it was complete, only clears up).

So the folder is always the old tree or the new one, except within the few milliseconds of the
renames of a run killed right then, which the next run of the generator (any mode but `--check`)
repairs before doing anything else. Files are written with the umask's permissions.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from generator.interrupts import Interrupted, deferred_signals
from generator.manifest import is_inside_path
from generator.problems import OutputError

WORK_DIR = ".generator-work"
"""Where an update is staged, inside the output folder; gone after every finished run."""
JOURNAL = "journal.json"
CACHE_DIRS = frozenset({"__pycache__"})
"""Folders left in a generated folder by running the code: they do not keep it from being removed."""

State = Literal["swapping", "done"]


@dataclass(frozen=True)
class Update:
    """What to change in an output folder: files to (re)write, files to remove, folders to make."""

    writes: Mapping[str, bytes]
    replaced: frozenset[str]
    """The paths among `writes` that hold a file now (it is kept aside until the update is done)."""
    removals: tuple[str, ...]
    new_dirs: tuple[str, ...]
    """Folders that do not exist yet, parents before children."""


def apply_update(out: Path, update: Update) -> None:
    """Carry out `update` in `out` completely, or leave `out` as it was and raise.

    Raises `OutputError` on an I/O failure and `Interrupted` on Ctrl-C or SIGTERM.
    """
    work = out / WORK_DIR
    _stage(out, work, update)
    journal: dict[str, object] = {
        "state": "swapping",
        "added": sorted(set(update.writes) - update.replaced),
        "replaced": sorted(update.replaced),
        "removals": list(update.removals),
        "new_dirs": list(update.new_dirs),
    }
    with deferred_signals() as flag:
        try:
            _write_journal(work, journal)
            for folder in update.new_dirs:
                (out / folder).mkdir(exist_ok=True)
            for rel in sorted(update.writes):
                flag.check()
                os.replace(work / "stage" / rel, out / rel)
            for rel in update.removals:
                flag.check()
                (out / rel).unlink()
            flag.check()
            _write_journal(work, {**journal, "state": "done"})
        except (OSError, KeyboardInterrupt) as exc:
            _undo(out, work, journal)
            if isinstance(exc, KeyboardInterrupt):
                raise Interrupted(f"generator: interrupted; {out} is as it was") from None
            raise OutputError(f"generator: cannot update {out}: {_reason(exc)}; it is as it was") from None
        _finish(out, work, journal)
    if flag.received is not None:
        raise Interrupted(f"generator: interrupted, but only after {out} was brought up to date")


def recover(out: Path) -> str | None:
    """Repair what an interrupted run left in `out`; says what was done (None: nothing to do)."""
    work = out / WORK_DIR
    if not work.exists():
        return None
    journal = _read_journal(work)
    with deferred_signals():
        if journal is None:
            if not any((work / area).exists() for area in ("stage", "backup")):
                return None
            _clear(work)
            return f"removed the staged files of an interrupted run from {out}"
        if journal["state"] == "done":
            _finish(out, work, journal)
            return f"finished clearing up after a run that updated {out} before it was interrupted"
        _undo(out, work, journal)
    return f"undid the half-done update of an interrupted run in {out}"


def interrupted_update_in(out: Path) -> bool:
    """True if a run was killed while swapping files in `out` (so `out` may be a mix)."""
    journal = _read_journal(out / WORK_DIR)
    return journal is not None and journal["state"] == "swapping"


def _stage(out: Path, work: Path, update: Update) -> None:
    """Write the new files and keep the ones to be replaced or removed under `work`.

    On failure nothing is left.
    """
    if work.exists():
        _clear(work)
    try:
        work.mkdir()
        for rel, content in update.writes.items():
            target = work / "stage" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("xb") as handle:  # "x": a fresh file with the umask's mode
                handle.write(content)
        for rel in (*update.replaced, *update.removals):
            backup = work / "backup" / rel
            backup.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(out / rel, backup)
            except OSError:  # no hard links here: a copy with the same permissions and times
                shutil.copy2(out / rel, backup)
    except BaseException as exc:
        _clear(work)
        if isinstance(exc, OSError):
            raise OutputError(f"generator: cannot write the new files: {_reason(exc)}; {out} is unchanged") from None
        raise


def _undo(out: Path, work: Path, journal: Mapping[str, object]) -> None:
    """Put back the old tree; safe to repeat, also after being interrupted itself.

    A kept file is put back only while it is still kept aside, and a new file is removed only
    while its staged copy is gone (so it was moved into place): each step undoes itself once.
    """
    backups, stage = work / "backup", work / "stage"
    try:
        for rel in _paths(journal, "added"):
            if not (stage / rel).exists():
                (out / rel).unlink(missing_ok=True)
        for rel in (*_paths(journal, "replaced"), *_paths(journal, "removals")):
            if (backups / rel).exists():
                os.replace(backups / rel, out / rel)
        for folder in reversed(_paths(journal, "new_dirs")):
            _remove_if_empty(out / folder)
        _clear(work)
    except OSError as exc:
        raise OutputError(
            f"generator: cannot restore {out} after a failed update: {_reason(exc)}; "
            f"the next run will try again (the journal is in {work})"
        ) from None


def _finish(out: Path, work: Path, journal: Mapping[str, object]) -> None:
    """Clear up after a complete update: folders emptied by removals, then the work folder."""
    for rel in _paths(journal, "removals"):
        folder = (out / rel).parent
        while folder != out and _remove_if_empty(folder):
            folder = folder.parent
    _clear(work)


def _remove_if_empty(folder: Path) -> bool:
    """Remove `folder` if it holds nothing but caches; True if it is gone."""
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if any(e.name not in CACHE_DIRS or e.is_symlink() or not e.is_dir() for e in entries):
        return False
    for entry in entries:
        shutil.rmtree(entry, ignore_errors=True)
    try:
        folder.rmdir()
    except OSError:
        return False
    return True


def _write_journal(work: Path, journal: Mapping[str, object]) -> None:
    """Replace the journal atomically and durably: a killed run must find it whole."""
    tmp = work / (JOURNAL + ".new")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(journal, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, work / JOURNAL)
    _fsync_folder(work)


def _read_journal(work: Path) -> dict[str, object] | None:
    try:
        raw = (work / JOURNAL).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{work / JOURNAL}: cannot read the journal of an interrupted run: {_reason(exc)}") from None
    try:
        journal = json.loads(raw)
    except ValueError:
        journal = None
    lists = ("added", "replaced", "removals", "new_dirs")
    if (
        not isinstance(journal, dict)
        or journal.get("state") not in ("swapping", "done")
        or not all(isinstance(journal.get(key), list) for key in lists)
        or not all(isinstance(p, str) and is_inside_path(p) for key in lists for p in journal[key])
    ):
        raise OutputError(
            f"{work / JOURNAL}: the journal of an interrupted run is damaged; check the output folder "
            f"(git status), then delete {work}"
        )
    return journal


def _paths(journal: Mapping[str, object], key: str) -> list[str]:
    value = journal.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a folder; the rename is still atomic
        pass
    finally:
        os.close(fd)


def _clear(work: Path) -> None:
    """Remove what an update put in `work` (and `work`, if nothing else is left in it)."""
    for area in ("stage", "backup"):
        shutil.rmtree(work / area, ignore_errors=True)
    for name in (JOURNAL + ".new", JOURNAL):
        with contextlib.suppress(OSError):
            (work / name).unlink()
    with contextlib.suppress(OSError):
        work.rmdir()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__
