"""The fake HTTPS portal with one open line, and clients of both kinds made for it.

`started_portal()` is the `portal` fixture of tests/e2e (conftest.py); `client(portal, **options)` and
`async_client(portal, **options)` make a client with the portal's tokens and CA, pacing off and
no retries unless a test asks for them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from bitrix24_rest import AsyncClient, Client

from tests.e2e.fake_portal import DEFAULT_CONNECTOR, DEFAULT_LINE, FakePortal
from tests.support import SECRETS_SEEN

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "async_client", "client", "options", "seed_messages", "started_portal"]

CLIENT_ID, CLIENT_SECRET = "app.integration", "integration-secret"
SECRETS_SEEN.add(CLIENT_SECRET)


@contextlib.contextmanager
def started_portal() -> Iterator[FakePortal]:
    """A running portal with the default open line and an application's tokens issued."""
    with FakePortal(burst=None) as started:
        started.add_line(DEFAULT_LINE, DEFAULT_CONNECTOR)
        started.family.connectors[DEFAULT_CONNECTOR] = "My connector"
        SECRETS_SEEN.update(started.issue_tokens(CLIENT_ID, CLIENT_SECRET))
        yield started
        SECRETS_SEEN.update((started.access_token, started.refresh_token))
        assert not started.internal_errors


def options(portal: FakePortal, **overrides: Any) -> dict[str, Any]:
    return {
        "access_token": portal.access_token,
        "refresh_token": portal.refresh_token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "token_url": portal.token_url,
        "verify": portal.ssl_context(),
        "rate_limit": None,
        "max_retries": 0,
    } | overrides


def client(portal: FakePortal, **overrides: Any) -> Client:
    return Client(portal.url, **options(portal, **overrides))


def async_client(portal: FakePortal, **overrides: Any) -> AsyncClient:
    return AsyncClient(portal.url, **options(portal, **overrides))


def seed_messages(portal: FakePortal, count: int, chat: str = "chat-1") -> list[dict[str, Any]]:
    """Put `count` messages in one chat of the portal; the items that delete them."""
    for n in range(count):
        portal.add_message(DEFAULT_CONNECTOR, DEFAULT_LINE, chat, f"m-{n}")
    return [{"user": {"id": "ext-user"}, "message": {"id": f"m-{n}"}, "chat": {"id": chat}} for n in range(count)]
