"""A client's options, checked once when it is made; the same for both clients."""

from __future__ import annotations

import math
import time
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx

from . import secrets as _secrets
from .auth import OAuthApp, TokenPair, TokenState
from .core import APPLICATION, Connection, Endpoint
from .errors import ConfigurationError, InvalidArgumentError
from .pacer import Pacer, RateLimit, shared_pacer
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_MAX_CONNECTIONS",
    "CallBudget",
    "ClientSettings",
    "seconds_problem",
    "timeout_problem",
]

DEFAULT_MAX_CONNECTIONS = 50
"""Connections a client keeps open to its portal, all kept alive between calls: as many as the
standard plan's burst, so that a burst of concurrent calls reuses them instead of opening new ones."""


def seconds_problem(name: str, value: Any) -> str | None:
    """What is wrong with `value` as a number of seconds (None, or a finite number above 0)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{name} must be a number of seconds or None, not {type(value).__name__}"
    if not math.isfinite(value) or value <= 0:
        return f"{name} must be above 0 seconds (got {value!r})"
    return None


def timeout_problem(value: Any) -> str | None:
    """What is wrong with `value` as an httpx timeout (seconds, an `httpx.Timeout` or None)."""
    if isinstance(value, httpx.Timeout):
        parts = value.as_dict()
        return next(
            (p for p in (seconds_problem(f"timeout.{k}", v) for k, v in parts.items()) if p), None
        )
    return seconds_problem("timeout", value)


class CallBudget(NamedTuple):
    """What bounds one call: each request's httpx timeout, and when the whole call must be over."""

    timeout: httpx.Timeout | float | None
    """The call's own timeout, or None for the client's."""
    deadline: float | None
    """Seconds for the whole call (pacing, retries, waits, reads), or None for no limit."""
    ends_at: float | None
    """`time.monotonic()` when the deadline passes."""

    def remaining(self) -> float | None:
        """Seconds left before the deadline (0 once passed); None without a deadline."""
        return None if self.ends_at is None else max(0.0, self.ends_at - time.monotonic())

    def request_timeout(self, default: httpx.Timeout) -> httpx.Timeout | float | None:
        """The httpx timeout of the next request: the call's (or `default`), cut to what is left."""
        left = self.remaining()
        chosen = default if self.timeout is None else self.timeout
        if left is None:
            return self.timeout  # None: the client's own, as httpx has it
        parts = httpx.Timeout(chosen).as_dict()
        return httpx.Timeout(**{k: left if v is None else min(v, left) for k, v in parts.items()})


_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "portal": (str,),
    "access_token": (str,),
    "refresh_token": (str,),
    "client_id": (str,),
    "client_secret": (str,),
    "token_url": (str,),
    "webhook_url": (str,),
    "max_retries": (int,),
    "max_items_per_call": (int,),
    "max_connections": (int,),
}


def _type_problems(options: dict[str, Any]) -> list[str]:
    problems = []
    for name, value in options.items():
        expected = _OPTION_TYPES.get(name)
        if value is None or expected is None:
            continue
        if isinstance(value, bool) or not isinstance(value, expected):
            problems.append(f"{name} must be {expected[0].__name__}, not {type(value).__name__}")
    return problems


class ClientSettings:
    """What a client was created with, checked once; the same for the synchronous and asynchronous client."""

    def __init__(
        self,
        portal: str | None,
        access_token: str | None,
        refresh_token: str | None,
        client_id: str | None,
        client_secret: str | None,
        token_url: str,
        webhook_url: str | None,
        rate_limit: RateLimit | None,
        max_retries: int | None,
        retry_policy: RetryPolicy | None,
        max_items_per_call: int | None,
        allow_insecure_http: bool,
        *,
        has_store: bool = False,
        share_rate_limit: bool = True,
        timeout: Any = None,
        deadline: Any = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        problems = _type_problems(
            {
                "portal": portal,
                "access_token": access_token,
                "refresh_token": refresh_token,
                "client_id": client_id,
                "client_secret": client_secret,
                "token_url": token_url,
                "webhook_url": webhook_url,
                "max_retries": max_retries,
                "max_items_per_call": max_items_per_call,
                "max_connections": max_connections,
            }
        )
        if rate_limit is not None and not isinstance(rate_limit, RateLimit):
            problems.append(
                f"rate_limit must be a RateLimit or None, not {type(rate_limit).__name__}"
            )
        if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
            problems.append(
                f"retry_policy must be a RetryPolicy, not {type(retry_policy).__name__}"
            )
        problems += [
            p for p in (timeout_problem(timeout), seconds_problem("deadline", deadline)) if p
        ]
        if problems:  # every problem at once, before anything is kept
            raise ConfigurationError("; ".join(problems))
        if max_connections < 1:
            raise ConfigurationError("max_connections must be at least 1")
        self.deadline: float | None = deadline
        self.max_connections = max_connections
        _secrets.install_log_filter()
        _secrets.register(access_token, refresh_token)
        _secrets.hold(client_secret)  # used by every refresh, for the life of the process
        if (portal is None) == (webhook_url is None):
            raise ConfigurationError(
                "give either portal= (with access_token=) or webhook_url=, not both"
            )
        if webhook_url is not None:
            self.connection = Connection.for_webhook(
                webhook_url, allow_insecure_http=allow_insecure_http
            )
            segments = [s for s in urlsplit(webhook_url).path.split("/") if s]
            _secrets.hold(segments[-1])  # the webhook's code: the secret of every call
            self.tokens = TokenState(None)
            self.app: OAuthApp | None = None
        else:
            assert portal is not None
            if not access_token and not has_store:
                raise ConfigurationError(
                    "an application client needs access_token= (or token_store=)"
                )
            self.connection = Connection.for_portal(portal, allow_insecure_http=allow_insecure_http)
            self.tokens = TokenState(
                TokenPair(access_token, refresh_token) if access_token else None
            )
            self.app = OAuthApp(client_id, client_secret or "", token_url) if client_id else None
            if (
                self.app is not None
                and not token_url.startswith("https://")
                and not allow_insecure_http
            ):
                raise ConfigurationError(
                    "refusing a plain http:// token_url: tokens would travel unencrypted"
                )
        if max_items_per_call is not None and max_items_per_call < 1:
            raise ConfigurationError("max_items_per_call must be at least 1")
        if max_retries is not None and max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
        policy = retry_policy or RetryPolicy()
        if max_retries is not None:
            policy = RetryPolicy(
                max_retries,
                policy.backoff_base,
                policy.backoff_max,
                policy.max_rate_limit_wait,
                policy.rng,
            )
        self.retry = policy
        self.pacer = (
            None
            if rate_limit is None
            else (
                shared_pacer(self.connection.base_url, rate_limit)
                if share_rate_limit
                else Pacer(rate_limit)
            )
        )
        self.max_items_per_call = max_items_per_call

    def budget(self, timeout: Any, deadline: Any) -> CallBudget:
        """The bounds of a call starting now; a timeout or deadline that is not seconds is refused."""
        problems = [
            p for p in (timeout_problem(timeout), seconds_problem("deadline", deadline)) if p
        ]
        if problems:
            raise InvalidArgumentError("call options", problems)
        seconds = self.deadline if deadline is None else deadline
        ends_at = None if seconds is None else time.monotonic() + seconds
        return CallBudget(timeout, seconds, ends_at)

    def authorize(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The body with the current access token as `auth`, and that token's generation."""
        pair, generation = self.tokens.current  # one read: the pair and its generation agree
        if self.connection.context != APPLICATION or pair is None:
            return generation, body
        return generation, {**body, "auth": pair.access_token}

    def can_refresh(self) -> bool:
        """True if the client holds what a token refresh needs."""
        pair = self.tokens.pair
        return self.app is not None and pair is not None and bool(pair.refresh_token)

    def chunk_size(self, endpoint: Endpoint[Any]) -> int:
        """Items per request for a many-item method."""
        spec = endpoint.item_results
        assert spec is not None
        return self.max_items_per_call or spec.chunk_size

    def describe(self, name: str) -> str:
        """The client's repr: where it calls, never a secret."""
        where = self.connection.base_url if self.connection.context == APPLICATION else "webhook"
        return f"{name}({_secrets.redact(where)!r})"
