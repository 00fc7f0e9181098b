"""One run at a time per output folder: an advisory lock on the folder itself.

`flock` on the folder's own descriptor needs no lock file (nothing to leave behind or to go
stale: the kernel drops the lock when the process ends, however it ends). A writing run takes it
exclusively, `--check` shared. A second run waits, saying so once, up to `WAIT_LIMIT` seconds.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.problems import OutputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; runs there are not serialised
    fcntl = None  # type: ignore[assignment]

WAIT_LIMIT = 300.0
"""Seconds to wait for another run before giving up."""
POLL = 0.05


@contextmanager
def locked(out: Path, *, exclusive: bool, wait_limit: float = WAIT_LIMIT) -> Iterator[None]:
    """Hold the lock on the existing folder `out` for the duration of the block.

    A run that waited may find the folder gone (the run before it made it, failed, and removed
    it again): then the folder is made again and locked afresh.
    """
    if fcntl is None:  # pragma: no cover
        yield
        return
    deadline = time.monotonic() + wait_limit
    said = False
    while True:
        fd = _open_folder(out)
        try:
            said = _acquire(fd, out, exclusive, deadline, said)
            if not exclusive or _same_folder(fd, out):  # a reader reads whatever is there
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        out.mkdir(parents=True, exist_ok=True)
    try:
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _open_folder(out: Path) -> int:
    try:
        return os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise OutputError(f"{out}: cannot open the output folder: {exc.strerror or exc}") from None


def _acquire(fd: int, out: Path, exclusive: bool, deadline: float, said: bool) -> bool:
    """Wait for the lock on `fd`; returns whether the wait was announced."""
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return said
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise OutputError(
                    f"{out}: another run of the generator has held this folder too long; "
                    "try again when it has finished"
                ) from None
            if not said:
                print(f"generator: waiting for another run writing to {out} to finish", file=sys.stderr)
                said = True
            time.sleep(POLL)


def _same_folder(fd: int, out: Path) -> bool:
    """True if `out` is still the folder `fd` was opened on."""
    try:
        now = os.stat(out)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)
