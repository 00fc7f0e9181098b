"""OAuth tokens of an application: the pair, and refreshing it at the token endpoint.

An access token lives one hour, a refresh token 180 days and only once: refreshing returns a new
pair and invalidates the old refresh token. So a client refreshes only when a call answers
401 `expired_token`, one refresh at a time (callers that raced on the same expired token wait
for that refresh and use its result), and hands every new pair to `on_token_refresh` to store.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import secrets as _secrets
from .errors import ConfigurationError, TokenRefreshError

__all__ = [
    "DEFAULT_TOKEN_URL",
    "TOKEN_TIMEOUT",
    "OAuthApp",
    "TokenCallback",
    "TokenPair",
    "TokenState",
    "read_refresh_answer",
    "refresh_query",
]

TOKEN_TIMEOUT = 10.0
"""Seconds a refresh may take: the token endpoint answers at once or not at all, and every
caller whose token expired waits for it."""
DEFAULT_TOKEN_URL = "https://oauth.bitrix.info/oauth/token/"
"""Bitrix24's OAuth server; the Russian docs use https://oauth.bitrix24.tech/oauth/token/."""


@dataclass(frozen=True)
class TokenPair:
    """An access token and the refresh token that replaces it; tokens never show in repr."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    """Unix time the access token expires, when the token endpoint said."""
    details: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """The token endpoint's whole answer (domain, member_id, scope, user_id, ...)."""


@dataclass(frozen=True)
class OAuthApp:
    """The application's credentials, needed to refresh tokens."""

    client_id: str
    client_secret: str = field(repr=False)
    token_url: str = DEFAULT_TOKEN_URL


TokenCallback = Callable[[TokenPair], Awaitable[None] | None]
"""Receives every new pair; `AsyncClient` awaits an `async def` one."""


class TokenState:
    """The current pair and a generation number that grows with every refresh.

    Both live in one tuple, replaced at once: a reader never sees a new pair with the old
    generation (which would make it refresh a pair that was just refreshed).
    """

    def __init__(self, pair: TokenPair | None) -> None:
        self.current: tuple[TokenPair | None, int] = (pair, 0)
        if pair is not None:
            _secrets.hold(pair.access_token, pair.refresh_token)

    @property
    def pair(self) -> TokenPair | None:
        """The current pair."""
        return self.current[0]

    @property
    def generation(self) -> int:
        """How many times the pair was replaced."""
        return self.current[1]

    def replace(self, pair: TokenPair) -> None:
        """Make `pair` current; it stays hidden while current, the old one among the latest."""
        _secrets.hold(pair.access_token, pair.refresh_token)
        old, generation = self.current
        self.current = (pair, generation + 1)
        if old is not None:
            _secrets.release(old.access_token, old.refresh_token)

    def __del__(self) -> None:
        current = self.__dict__.get("current")
        if current is not None and current[0] is not None:
            _secrets.release_later(current[0].access_token, current[0].refresh_token)


def refresh_query(app: OAuthApp, pair: TokenPair) -> dict[str, str]:
    """The query of a refresh request (grant_type=refresh_token)."""
    if not pair.refresh_token:
        raise ConfigurationError(
            "the access token expired and no refresh_token was given to renew it"
        )
    return {
        "grant_type": "refresh_token",
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "refresh_token": pair.refresh_token,
    }


def read_refresh_answer(status: int, content: bytes) -> TokenPair:
    """The new pair from the token endpoint's answer, or `TokenRefreshError`."""
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or status >= 400 or "error" in data:
        code = data.get("error") if isinstance(data, dict) else None
        description = data.get("error_description") if isinstance(data, dict) else None
        raise TokenRefreshError(
            str(code or "refresh_failed"),
            _secrets.redact(
                str(description or "the token endpoint did not return a new token pair")
            ),
            status,
            "oauth/token",
        )
    access, refresh = data.get("access_token"), data.get("refresh_token")
    if not isinstance(access, str) or not access or not isinstance(refresh, str) or not refresh:
        raise TokenRefreshError(
            "refresh_failed",
            "the answer has no access_token and refresh_token",
            status,
            "oauth/token",
        )
    _secrets.register(access, refresh)
    expires = data.get("expires")
    expires_in = data.get("expires_in")
    if isinstance(expires, (int, float)) and not isinstance(expires, bool):
        expires_at: float | None = float(expires)
    elif isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
        expires_at = time.time() + float(expires_in)
    else:
        expires_at = None
    details = {k: v for k, v in data.items() if k not in ("access_token", "refresh_token")}
    return TokenPair(access, refresh, expires_at, details)
