"""`settings.ClientSettings`: a client's options, checked once, the same for both clients."""

from __future__ import annotations

import random
from typing import Any

import pytest
from client_runtime import secrets
from client_runtime.auth import DEFAULT_TOKEN_URL, TokenPair
from client_runtime.chunks import ItemResultsSpec
from client_runtime.core import APPLICATION, WEBHOOK, Endpoint
from client_runtime.errors import ConfigurationError
from client_runtime.pacer import ENTERPRISE_PLAN, Pacer
from client_runtime.retry import RetryPolicy
from client_runtime.settings import ClientSettings

from tests.support import SECRETS_SEEN

ACCESS = "SETTINGS-access-3f9a"
REFRESH = "SETTINGS-refresh-8c1d"
CLIENT_SECRET = "SETTINGS-client-secret-2b7e"
WEBHOOK_CODE = "SETTINGSwebhook5q8r"
WEBHOOK_URL = f"https://example.bitrix24.com/rest/1/{WEBHOOK_CODE}/"
SECRETS_SEEN.update({ACCESS, REFRESH, CLIENT_SECRET, WEBHOOK_CODE})

MANY = Endpoint(
    method="items.delete",
    decode=lambda payload: payload,
    request_schema={},
    contexts=(APPLICATION,),
    idempotent=True,
    item_results=ItemResultsSpec(request="ITEMS", response=("result",), success="ok", chunk_size=20),
)


def make(**options: Any) -> ClientSettings:
    """Settings of an OAuth application client, with `options` changed."""
    values: dict[str, Any] = {
        "portal": "example.bitrix24.com",
        "access_token": ACCESS,
        "refresh_token": REFRESH,
        "client_id": "app.settings",
        "client_secret": CLIENT_SECRET,
        "token_url": DEFAULT_TOKEN_URL,
        "webhook_url": None,
        "rate_limit": None,
        "max_retries": None,
        "retry_policy": None,
        "max_items_per_call": None,
        "allow_insecure_http": False,
    } | options
    return ClientSettings(**values)


def webhook(**options: Any) -> ClientSettings:
    """Settings of a webhook client, with `options` changed."""
    values = {
        "portal": None,
        "access_token": None,
        "refresh_token": None,
        "client_id": None,
        "webhook_url": WEBHOOK_URL,
    }
    return make(**values | options)


def test_an_application_client_calls_the_portals_rest_url() -> None:
    settings = make()
    assert (settings.connection.base_url, settings.connection.context) == (
        "https://example.bitrix24.com/rest/",
        APPLICATION,
    )


def test_an_application_client_holds_its_tokens_and_app() -> None:
    settings = make()
    assert settings.tokens.pair == TokenPair(ACCESS, REFRESH) and settings.app is not None
    assert (settings.app.client_id, settings.app.client_secret) == ("app.settings", CLIENT_SECRET)


def test_a_webhook_client_has_no_tokens_and_no_app() -> None:
    settings = webhook()
    assert (settings.connection.context, settings.tokens.pair, settings.app) == (WEBHOOK, None, None)


def test_portal_and_webhook_url_together_are_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"either portal= .* or webhook_url="):
        make(webhook_url=WEBHOOK_URL)


def test_neither_portal_nor_webhook_url_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="either portal="):
        make(portal=None)


@pytest.mark.parametrize("token", [None, ""])
def test_an_application_client_without_an_access_token_is_refused(token: str | None) -> None:
    with pytest.raises(ConfigurationError, match="needs access_token="):
        make(access_token=token)


def test_without_a_client_id_there_is_no_app_to_refresh_with() -> None:
    assert make(client_id=None).app is None


def test_a_plain_http_token_url_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="plain http:// token_url"):
        make(token_url="http://oauth.example.test/oauth/token/")


def test_a_plain_http_token_url_is_allowed_for_a_local_test_server_when_asked() -> None:
    settings = make(
        portal="http://127.0.0.1:8080", token_url="http://127.0.0.1:8080/oauth/token/", allow_insecure_http=True
    )
    assert settings.app is not None and settings.app.token_url == "http://127.0.0.1:8080/oauth/token/"


def test_a_plain_http_portal_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="refusing plain http://"):
        make(portal="http://example.bitrix24.com")


def test_zero_items_per_call_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="max_items_per_call must be at least 1"):
        make(max_items_per_call=0)


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="max_retries must be 0 or more"):
        make(max_retries=-1)


def test_the_default_retry_policy_is_used_without_options() -> None:
    assert make().retry == RetryPolicy()


def test_max_retries_overrides_the_policys_count_and_keeps_the_rest() -> None:
    rng = random.Random(1)
    policy = RetryPolicy(max_retries=9, backoff_base=0.1, backoff_max=1.0, max_rate_limit_wait=5.0, rng=rng)
    settings = make(max_retries=0, retry_policy=policy)
    assert settings.retry == RetryPolicy(0, 0.1, 1.0, 5.0) and settings.retry.rng is rng


def test_no_rate_limit_means_no_pacer() -> None:
    assert make().pacer is None


def test_a_rate_limit_gets_a_pacer_for_it() -> None:
    pacer = make(rate_limit=ENTERPRISE_PLAN).pacer
    assert isinstance(pacer, Pacer) and pacer.limit == ENTERPRISE_PLAN


def test_an_application_call_carries_the_access_token_as_auth() -> None:
    assert make().authorize({"ID": 1}) == (0, {"ID": 1, "auth": ACCESS})


def test_authorize_leaves_the_body_unchanged() -> None:
    body = {"ID": 1}
    make().authorize(body)
    assert body == {"ID": 1}


def test_a_webhook_call_carries_no_auth() -> None:
    body = {"ID": 1}
    generation, sent = webhook().authorize(body)
    assert (generation, sent) == (0, {"ID": 1})


def test_authorize_gives_the_generation_of_the_token_it_used() -> None:
    settings = make()
    settings.tokens.replace(TokenPair("SETTINGS-next-access-1", "SETTINGS-next-refresh-1"))
    SECRETS_SEEN.update({"SETTINGS-next-access-1", "SETTINGS-next-refresh-1"})
    assert settings.authorize({}) == (1, {"auth": "SETTINGS-next-access-1"})


def test_a_client_with_app_and_refresh_token_can_refresh() -> None:
    assert make().can_refresh() is True


@pytest.mark.parametrize("options", [{"client_id": None}, {"refresh_token": None}, {"refresh_token": ""}])
def test_a_client_without_app_or_refresh_token_cannot_refresh(options: dict[str, Any]) -> None:
    assert make(**options).can_refresh() is False


def test_a_webhook_client_cannot_refresh() -> None:
    assert webhook().can_refresh() is False


def test_the_chunk_size_is_the_specs_unless_max_items_per_call_is_given() -> None:
    assert (make().chunk_size(MANY), make(max_items_per_call=3).chunk_size(MANY)) == (20, 3)


def test_an_application_clients_description_shows_where_it_calls() -> None:
    assert make().describe("Client") == "Client('https://example.bitrix24.com/rest/')"


def test_a_webhook_clients_description_shows_no_url() -> None:
    assert webhook().describe("AsyncClient") == "AsyncClient('webhook')"


def test_the_clients_secrets_are_registered_for_masking() -> None:
    make()
    webhook()
    assert secrets.redact(f"{ACCESS} {REFRESH} {CLIENT_SECRET} {WEBHOOK_URL}") == (
        "*** *** *** https://example.bitrix24.com/rest/1/***/"
    )


def test_a_webhook_url_without_a_trailing_slash_has_its_code_registered() -> None:
    code = "SETTINGSwebhookNoSlash7"
    SECRETS_SEEN.add(code)
    webhook(webhook_url=f"https://example.bitrix24.com/rest/1/{code}")
    assert secrets.redact(code) == "***"


def test_a_webhook_url_with_a_query_still_has_its_code_masked() -> None:
    code = "SETTINGSwebhookQuery4x"
    settings = webhook(webhook_url=f"https://example.bitrix24.com/rest/1/{code}/?from=docs")
    assert code in settings.connection.base_url
    assert secrets.redact(settings.connection.base_url + "profile") == "https://example.bitrix24.com/rest/1/***/profile"
    assert secrets.redact(f"the code {code} in any text") == "the code *** in any text"
