"""One attempt of a call, as both clients judge it: why it failed, whether time is left for
another, what to log. Plain functions, the same for the synchronous and asynchronous client."""

from __future__ import annotations

import logging
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from . import PACKAGE, chunks
from . import retry as _retry
from .core import Endpoint, Exchange, decode
from .errors import Bitrix24Error, DeadlineExceededError, PortalMovedError
from .retry import RetryPolicy
from .secrets import redact
from .settings import CallBudget

__all__ = [
    "AnswerTooLargeError",
    "BrokenTransportError",
    "MAX_ANSWER_BYTES",
    "NOT_SENT",
    "UndecodableBodyError",
    "certificate_failed",
    "check_time_left",
    "has_time_for",
    "log_attempt",
    "log_retry",
    "moved_error",
    "tell_partial",
    "timeout_arguments",
    "transport_reason",
]

log = logging.getLogger(PACKAGE)
Timeout = httpx.Timeout | float | None

NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Transport errors that mean the request never reached the portal."""


MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""The largest answer a client reads, before and after decoding (a list page is far smaller)."""


class AnswerTooLargeError(Exception):
    """An answer larger than the client's `max_answer_bytes`: not read further."""

    def __init__(self, status: int, cap: int) -> None:
        super().__init__(status)
        self.status = status
        self.cap = cap


class BrokenTransportError(Exception):
    """The transport failed in a way httpx does not call a transport error (a StreamError, an
    InvalidURL, a bug in a custom transport): reported as `TransportError`, never repeated."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


class UndecodableBodyError(Exception):
    """An answer arrived, but its body does not decode as its Content-Encoding says."""

    def __init__(self, status: int, raw: bytes) -> None:
        super().__init__(status)
        self.status = status
        self.raw = raw


def tell_partial(
    error: Bitrix24Error,
    endpoint: Endpoint[Any],
    spec: chunks.ItemResultsSpec,
    exchanges: list[Exchange],
    items: list[Any],
    rest: list[dict[str, Any]],
) -> None:
    """Attach to `error` the typed result of the chunks done and the items no answer covers."""
    error.unprocessed = tuple(item for piece in rest for item in piece.get(spec.request) or [])
    error.unsent = tuple(item for piece in rest[1:] for item in piece.get(spec.request) or [])
    if not exchanges:
        return
    try:
        merged = chunks.merge([e.json for e in exchanges], items, spec)
        error.partial_result = decode(endpoint, merged, exchanges[-1].status_code, b"")
    except Bitrix24Error:
        error.partial_result = None


def has_time_for(budget: CallBudget, delay: float) -> bool:
    """True if a wait of `delay` seconds still leaves time before the deadline."""
    left = budget.remaining()
    return left is None or delay < left


def check_time_left(endpoint: Endpoint[Any], budget: CallBudget, delay: float, why: str) -> None:
    """Raise `DeadlineExceededError` if waiting `delay` seconds would pass the deadline."""
    if not has_time_for(budget, delay):
        raise DeadlineExceededError(endpoint.method, budget.deadline or 0, why)


def transport_reason(error: httpx.HTTPError) -> str:
    """What went wrong on the way, in words (a refused connection, a name that does not
    resolve and a bad certificate are all httpx.ConnectError), secrets masked."""
    kind = type(error).__name__
    if certificate_failed(error):
        return f"{kind}: the portal's TLS certificate is not trusted (certificate verify failed)"
    detail = redact(str(error).strip())
    what = f"timed out ({kind})" if isinstance(error, httpx.TimeoutException) else kind
    return f"{what}: {detail}" if detail else what


def certificate_failed(error: BaseException) -> bool:
    """True if the cause is TLS certificate verification (not worth repeating)."""
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def moved_error(endpoint: Endpoint[Any], response: httpx.Response) -> PortalMovedError:
    """The error of a redirect: the portal's new address, from `Location`."""
    location = response.headers["location"]
    host = urlsplit(location).hostname or ""
    return PortalMovedError(endpoint.method, response.status_code, location, host)


def log_attempt(endpoint: Endpoint[Any], attempt: int, status: int | str, started: float) -> None:
    log.debug(
        "%s attempt %d: %s in %.3fs", endpoint.method, attempt, status, time.monotonic() - started
    )


def log_retry(
    endpoint: Endpoint[Any], verdict: _retry.Verdict, retry: int, policy: RetryPolicy
) -> None:
    log.warning(
        "%s: %s; retry %d/%d in %.2fs",
        endpoint.method,
        verdict.reason,
        retry,
        policy.max_retries,
        verdict.delay,
    )


def timeout_arguments(timeout: Timeout) -> dict[str, Any]:
    return {} if timeout is None else {"timeout": timeout}
