"""The few primitives where the synchronous and the asynchronous client differ.

The asynchronous client (`_async/`) uses `AsyncLock`, `async_sleep`, `async_in_thread`,
`async_resolve` and `async_running_loop`; its synchronous twin (`_sync/`, derived from it by
unasync) uses `Lock`, `sleep`, `in_thread`, `resolve` and `running_loop`, with the same shapes.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from .errors import ConfigurationError

__all__ = [
    "AsyncLock",
    "Lock",
    "async_in_thread",
    "async_resolve",
    "async_running_loop",
    "async_sleep",
    "in_thread",
    "resolve",
    "running_loop",
    "sleep",
]

T = TypeVar("T")


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
        self._loop: Any = None

    async def __aenter__(self) -> None:
        import asyncio  # imported on first use: a synchronous service never pays for it

        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:  # a client used by a new event loop
            self._lock, self._loop = asyncio.Lock(), loop
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


def in_thread(function: Callable[..., T], *args: Any) -> T:
    """Call `function` (a token store's blocking file access) here and now."""
    return function(*args)


async def async_in_thread(function: Callable[..., T], *args: Any) -> T:
    """Call a blocking `function` in a worker thread, so that the event loop goes on."""
    import asyncio

    return await asyncio.to_thread(function, *args)


def running_loop() -> object | None:
    """None: a synchronous client has no event loop."""
    return None


async def async_running_loop() -> object | None:
    """The event loop running this call (connections belong to the loop that opened them)."""
    import asyncio

    return asyncio.get_running_loop()


def resolve(value: Any) -> Any:
    """`value` as it is; an awaitable (an async callback or store) cannot be waited for here."""
    if inspect.isawaitable(value):
        close = getattr(value, "close", None)
        if callable(close):
            close()  # no "never awaited" warning: it is refused, not forgotten
        raise ConfigurationError(
            "an async callback or token store needs AsyncClient; Client cannot await it"
        )
    return value


async def async_resolve(value: Any) -> Any:
    """`value`, awaited when it is awaitable (an `async def` callback or token store)."""
    if inspect.isawaitable(value):
        return await value
    return value
