"""Run a function over batches in forked worker processes that never outlive the generator.

Formatting and validation of large specs use it. The workers ignore Ctrl-C (the generator
itself reports it, once), ask the kernel to kill them when the generator dies (Linux's
PR_SET_PDEATHSIG; elsewhere a watchdog thread notices the parent is gone), and are terminated
when the generator stops early for any reason.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 8
_PR_SET_PDEATHSIG = 1
_PARENTS_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def worker_count() -> int:
    """How many workers a pool would use here (1: run in this process).

    One per core, at most `MAX_WORKERS`; `GENERATOR_WORKERS` sets another number (1: none).
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("GENERATOR_WORKERS", "")
    if wanted.isdigit() and int(wanted) >= 1:
        return min(int(wanted), MAX_WORKERS)
    return min(os.cpu_count() or 1, MAX_WORKERS)


def map_batches(function: Callable[[T], R], batches: Sequence[T]) -> list[R]:
    """`[function(b) for b in batches]`, one forked worker per batch (at most `MAX_WORKERS` at once).

    The workers inherit the parent's memory (loaded modules, a loaded spec), so nothing large
    has to be sent to them.
    """
    if len(batches) < 2 or worker_count() < 2:
        return [function(batch) for batch in batches]
    pool: ProcessPoolExecutor | None = None
    try:
        # The workers start with Ctrl-C blocked, so that none dies with a traceback of its own
        # before its start-up has told it to leave Ctrl-C to the parent.
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _PARENTS_SIGNALS)
        try:
            pool = ProcessPoolExecutor(
                min(len(batches), worker_count()),
                mp_context=multiprocessing.get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )
            pending = pool.map(function, batches)  # submits every batch, which starts the workers
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        results = list(pending)
    except BaseException:
        if pool is not None:
            _terminate(pool)
        raise
    pool.shutdown()
    return results


def _terminate(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)


def _die_with_parent(parent: int) -> None:
    """Worker start-up: leave Ctrl-C to the parent, and end when the parent ends.

    SIGTERM keeps its default (the worker simply ends), which is what the parent's `kill` wants.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _PARENTS_SIGNALS)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
