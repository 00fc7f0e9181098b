"""Ctrl-C and SIGTERM while the output folder is being swapped: noticed, not obeyed mid-step.

A signal that lands between two renames must not leave half a tree. Inside `deferred_signals()`
SIGINT and SIGTERM only set a flag; the code checks it between steps (`check()`), rolls back
and then raises `Interrupted`, which the command line reports in one line with exit code 130.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from generator.problems import GeneratorError

DEFERRED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(GeneratorError):
    """The run was stopped by Ctrl-C or SIGTERM; the message says what state the output is in."""


class SignalFlag:
    """Which deferred signal arrived, if any."""

    def __init__(self) -> None:
        self.received: int | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.received = signum

    def check(self) -> None:
        """Raise `KeyboardInterrupt` if a signal arrived since the section began."""
        if self.received is not None:
            raise KeyboardInterrupt


@contextmanager
def deferred_signals() -> Iterator[SignalFlag]:
    """Within the block, SIGINT and SIGTERM are recorded instead of acted on.

    Outside the main thread signals cannot be handled in Python, and the block runs as is.
    """
    flag = SignalFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = {sig: signal.signal(sig, flag) for sig in DEFERRED}
    try:
        yield flag
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
