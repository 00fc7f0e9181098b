"""A client-side leaky bucket, so that a busy service stays under the portal's request limit.

Bitrix24 counts requests per portal in a leaky bucket: a burst of X requests, draining at Y per
second (standard plans 50 and 2/s, Enterprise 250 and 5/s); past it the portal answers 503
QUERY_LIMIT_EXCEEDED. The pacer keeps the same bucket on the client side and makes each request
wait for its slot. Slots are reserved under a lock and the waiting happens outside it, so one
pacer serves threads and asyncio tasks alike.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ConfigurationError

__all__ = [
    "ENTERPRISE_PLAN",
    "STANDARD_PLAN",
    "Pacer",
    "RateLimit",
]


@dataclass(frozen=True)
class RateLimit:
    """A leaky bucket: `burst` requests at once, then `drain_per_second`."""

    burst: int = 50
    drain_per_second: float = 2.0


STANDARD_PLAN = RateLimit(50, 2.0)
"""The limit of standard Bitrix24 plans (the default)."""
ENTERPRISE_PLAN = RateLimit(250, 5.0)
"""The limit of Enterprise plans."""


class Pacer:
    """Hands out request slots so that requests never overflow the bucket.

    The portal counts a request when it arrives, the pacer when it is sent; requests delayed on
    the way (a TLS handshake, a busy network) can arrive bunched together. So the pacer keeps
    spare the slots that drain during `jitter` seconds (at least one): with the standard plan
    that is 1 of 50, with Enterprise 2 of 250.
    """

    def __init__(
        self,
        limit: RateLimit = STANDARD_PLAN,
        *,
        jitter: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit.burst < 1 or limit.drain_per_second <= 0:
            raise ConfigurationError("a rate limit needs burst >= 1 and drain_per_second > 0")
        self.limit = limit
        spare = max(1, math.ceil(jitter * limit.drain_per_second))
        self._capacity = max(1, limit.burst - spare)
        self._clock = clock
        self._lock = threading.Lock()
        self._level = 0.0
        self._updated = clock()

    def reserve(self) -> float:
        """Take the next slot; returns how many seconds to wait before sending."""
        with self._lock:
            now = self._clock()
            self._level = max(
                0.0, self._level - (now - self._updated) * self.limit.drain_per_second
            )
            self._updated = now
            wait = max(0.0, (self._level + 1 - self._capacity) / self.limit.drain_per_second)
            self._level += 1
            return wait

    def saturate(self) -> None:
        """Count the bucket as full: the portal said so (503 QUERY_LIMIT_EXCEEDED), so requests
        from elsewhere (another process, another program) fill it too; the next ones wait."""
        with self._lock:
            self._level = max(self._level, float(self._capacity))
            self._updated = self._clock()

    def __repr__(self) -> str:
        return f"Pacer(burst={self.limit.burst}, drain_per_second={self.limit.drain_per_second})"


_SHARED: dict[tuple[str, RateLimit], Pacer] = {}
_SHARED_LOCK = threading.Lock()


def shared_pacer(portal: str, limit: RateLimit) -> Pacer:
    """The one pacer of `portal` in this process for `limit`: the portal counts every request
    from here in one bucket, whichever client sends it."""
    with _SHARED_LOCK:
        pacer = _SHARED.get((portal, limit))
        if pacer is None:
            pacer = _SHARED[(portal, limit)] = Pacer(limit)
        return pacer
