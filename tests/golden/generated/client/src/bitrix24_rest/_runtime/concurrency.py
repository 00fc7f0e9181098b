"""The few primitives where the synchronous and the asynchronous client differ: a lock and a sleep.

The asynchronous client (`_async/`) uses `AsyncLock` and `async_sleep`; its synchronous twin
(`_sync/`, derived from it by unasync) uses `Lock` and `sleep`, with the same shapes.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

__all__ = ["AsyncLock", "Lock", "async_sleep", "sleep"]


class Lock:
    """A thread lock, used as `with lock:`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()


class AsyncLock:
    """An asyncio lock, used as `async with lock:`; made inside the running loop on first use."""

    def __init__(self) -> None:
        self._lock: Any = None

    async def __aenter__(self) -> None:
        if self._lock is None:
            import asyncio  # imported on first use: a synchronous service never pays for it

            self._lock = asyncio.Lock()
        await self._lock.acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()


def sleep(seconds: float) -> None:
    """Wait `seconds`."""
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    """Wait `seconds` without blocking the event loop."""
    import asyncio

    await asyncio.sleep(seconds)
