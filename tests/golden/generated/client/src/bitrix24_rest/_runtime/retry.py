"""When to repeat a call, and how long to wait first.

- 503 QUERY_LIMIT_EXCEEDED and 429 OPERATION_TIME_LIMIT: the portal refused the request without
  running it, so repeating is safe for every method.
- 500/502/503/504 without a rate-limit code, connection errors and timeouts: the request may have
  run, so only methods the spec marks idempotent are repeated.
- OVERLOAD_LIMIT (a manual block) and every other 4xx: never.
Waits grow exponentially with full jitter; 429 waits until the portal's `operating_reset_at`
when that is within `max_rate_limit_wait`, else the error is raised at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = [
    "NEVER_RETRIED_CODES",
    "NO_RETRY",
    "RATE_LIMIT_CODES",
    "REFUSED_CODES",
    "RETRIED_STATUSES",
    "TIME_LIMIT_CODES",
    "RetryPolicy",
    "Verdict",
    "after_error",
]

RETRIED_STATUSES = frozenset({500, 502, 503, 504})
RATE_LIMIT_CODES = frozenset({"query_limit_exceeded"})
TIME_LIMIT_CODES = frozenset({"operation_time_limit"})
NEVER_RETRIED_CODES = frozenset({"overload_limit"})
REFUSED_CODES = RATE_LIMIT_CODES | TIME_LIMIT_CODES | NEVER_RETRIED_CODES
"""Codes of requests the portal refused without running them."""


@dataclass(frozen=True)
class RetryPolicy:
    """How persistent a client is. `max_retries=0` surfaces every error at once."""

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_rate_limit_wait: float = 60.0
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def ceiling(self, retry: int) -> float:
        """The longest backoff before retry number `retry` (1-based): exponential, capped."""
        # The exponent is capped first: 2 ** 1100 would overflow a float.
        exponent: int = min(max(retry - 1, 0), 64)
        return min(self.backoff_max, self.backoff_base * float(2**exponent))

    def backoff(self, retry: int) -> float:
        """Seconds to wait before retry number `retry` (1-based): full jitter, capped."""
        return self.rng.uniform(0, self.ceiling(retry))


@dataclass(frozen=True)
class Verdict:
    """Whether to try again, after how long, and why (for the log)."""

    retry: bool
    delay: float = 0.0
    reason: str = ""


NO_RETRY = Verdict(False)


def after_error(
    policy: RetryPolicy,
    retry: int,
    *,
    idempotent: bool,
    status: int | None,
    code: str | None,
    reset_in: float | None = None,
) -> Verdict:
    """The verdict for attempt `retry` (1-based) after an error answer or a failed connection.

    `status` is None for a connection error or timeout; `code` the error code, if any;
    `reset_in` the seconds until `operating_reset_at` for a 429.
    """
    if retry > policy.max_retries:
        return NO_RETRY
    folded = (code or "").lower()
    if folded in NEVER_RETRIED_CODES:
        return NO_RETRY
    if folded in TIME_LIMIT_CODES:
        if reset_in is None or reset_in > policy.max_rate_limit_wait:
            return NO_RETRY
        # A reset time already past on this clock (the clocks differ) is no reason to hurry:
        # never less than the backoff ceiling, so retries do not burn out at once.
        return Verdict(
            True, max(reset_in, policy.ceiling(retry)), f"{code} until operating_reset_at"
        )
    if folded in RATE_LIMIT_CODES:
        return Verdict(True, policy.backoff(retry), f"{code} (HTTP {status})")
    if not idempotent:
        return NO_RETRY
    if status is None:
        return Verdict(True, policy.backoff(retry), "no answer")
    if status in RETRIED_STATUSES:
        return Verdict(True, policy.backoff(retry), f"{code or 'error'} (HTTP {status})")
    return NO_RETRY
