"""A client's options, checked once when it is made; the same for both clients."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from . import secrets as _secrets
from .auth import OAuthApp, TokenPair, TokenState
from .core import APPLICATION, Connection, Endpoint
from .errors import ConfigurationError
from .pacer import Pacer, RateLimit, shared_pacer
from .retry import RetryPolicy

__all__ = ["ClientSettings"]


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
    ) -> None:
        _secrets.install_log_filter()
        _secrets.register(access_token, refresh_token)
        _secrets.hold(client_secret)  # used by every refresh, for the life of the process
        if (portal is None) == (webhook_url is None):
            raise ConfigurationError(
                "give either portal= (with access_token=) or webhook_url=, not both"
            )
        if webhook_url is not None:
            segments = [s for s in urlsplit(webhook_url).path.split("/") if s]
            if len(segments) >= 2:
                _secrets.hold(segments[-1])  # the webhook's code: the secret of every call
            self.connection = Connection.for_webhook(
                webhook_url, allow_insecure_http=allow_insecure_http
            )
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
