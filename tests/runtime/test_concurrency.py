"""`concurrency`: the lock and sleep of each client, with the same shapes."""

from __future__ import annotations

import asyncio
import threading

from client_runtime.concurrency import AsyncLock, Lock, async_sleep, sleep


def test_the_lock_is_held_inside_with_and_released_after() -> None:
    lock = Lock()
    with lock:
        held = lock._lock.locked()
    assert (held, lock._lock.locked()) == (True, False)


def test_the_lock_is_released_when_the_block_raises() -> None:
    lock = Lock()
    try:
        with lock:
            raise ValueError("inside")
    except ValueError:
        pass
    assert lock._lock.locked() is False


def test_the_lock_keeps_other_threads_out() -> None:
    lock, entered = Lock(), threading.Event()

    def other() -> None:
        with lock:
            entered.set()

    with lock:
        thread = threading.Thread(target=other)
        thread.start()
        waited_out = not entered.wait(0.01)
    thread.join()
    assert waited_out and entered.is_set()


def test_the_async_lock_lets_one_task_in_at_a_time() -> None:
    lock, inside, most = AsyncLock(), [0], [0]

    async def task() -> None:
        async with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await async_sleep(0)
            inside[0] -= 1

    async def scenario() -> None:
        await asyncio.gather(*(task() for _ in range(5)))

    asyncio.run(scenario())
    assert (most[0], inside[0]) == (1, 0)


def test_sleep_of_zero_returns_at_once() -> None:
    assert sleep(0) is None and asyncio.run(async_sleep(0)) is None
