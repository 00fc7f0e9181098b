"""The generated client against a fake Bitrix24 portal over real HTTPS on 127.0.0.1.

Auth (OAuth refresh, webhooks, HTTPS only), pacing under the portal's leaky bucket, retries,
429 waits, chunking of large calls, raw answers and logging, with threads and asyncio tasks.
Every secret handed out here joins SECRETS_SEEN, which the session-wide leak check in
conftest.py looks for in every log record, exception text and repr of the whole test run.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from bitrix24_rest import AsyncClient, Client, ConfigurationError, RateLimit, RetryPolicy, TokenPair, errors
from bitrix24_rest.models.imconnector_delete_messages import IMCONNECTOR_DELETE_MESSAGES

from tests.e2e.fake_portal import DEFAULT_CONNECTOR, DEFAULT_LINE, FakePortal
from tests.support import LOG, SECRETS_SEEN, remember

CLIENT_ID = "app.canary"
CLIENT_SECRET = "CANARY-client-secret-5f1c"
WEBHOOK_CODE = "CANARYwebhook9x7"
FAST_RETRIES = RetryPolicy(max_retries=3, backoff_base=0.02, backoff_max=0.3, max_rate_limit_wait=5)
METHOD = "imconnector.delete.messages"

SECRETS_SEEN.update({CLIENT_SECRET, WEBHOOK_CODE})


@pytest.fixture
def portal() -> Iterator[FakePortal]:
    with FakePortal(burst=None) as started:
        started.add_line(DEFAULT_LINE, DEFAULT_CONNECTOR)
        SECRETS_SEEN.update(started.issue_tokens(CLIENT_ID, CLIENT_SECRET))
        yield started
        SECRETS_SEEN.update((started.access_token, started.refresh_token))
        assert not started.internal_errors


def client_options(portal: FakePortal, **overrides: Any) -> dict[str, Any]:
    """OAuth credentials for the portal, its CA, quick retries and no pacing, then `overrides`."""
    return {
        "access_token": portal.access_token,
        "refresh_token": portal.refresh_token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "token_url": portal.token_url,
        "verify": portal.ssl_context(),
        "retry_policy": FAST_RETRIES,
        "rate_limit": None,
    } | overrides


def make_client(portal: FakePortal, **options: Any) -> Client:
    return Client(portal.url, **client_options(portal, **options))


def make_async_client(portal: FakePortal, **options: Any) -> AsyncClient:
    return AsyncClient(portal.url, **client_options(portal, **options))


def seed(portal: FakePortal, count: int, prefix: str = "msg") -> list[dict[str, Any]]:
    """Messages the external system 'sent', as the MESSAGES argument wants them."""
    messages = []
    for i in range(count):
        portal.add_message(DEFAULT_CONNECTOR, DEFAULT_LINE, "channel-1", f"{prefix}-{i}", user_id="ext-user-42")
        messages.append(
            {"user": {"id": "ext-user-42"}, "message": {"id": f"{prefix}-{i}"}, "chat": {"id": "channel-1"}}
        )
    return messages


def delete(client: Client, messages: list[dict[str, Any]]) -> Any:
    return client.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)


def deleted_once_each(portal: FakePortal, messages: list[dict[str, Any]]) -> bool:
    return all(
        portal.deletions[(DEFAULT_CONNECTOR, DEFAULT_LINE, "channel-1", m["message"]["id"])] == 1 for m in messages
    )


def statuses(portal: FakePortal) -> list[int]:
    return [r.status for r in portal.calls_to(METHOD)]


# -- pacing and retries under load ---------------------------------------------------------------


def test_twenty_threads_through_one_paced_client_never_hit_the_portals_limit(portal: FakePortal) -> None:
    portal.set_bucket(10, 20.0)
    messages = seed(portal, 60)
    with make_client(portal, rate_limit=RateLimit(10, 20.0)) as client, ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda i: delete(client, messages[i : i + 2]), range(0, 60, 2)))
    assert all(r.all_succeeded for r in results)
    assert statuses(portal) == [200] * 30
    assert deleted_once_each(portal, messages)


def test_two_hundred_asyncio_tasks_through_one_paced_client_never_hit_the_portals_limit(
    portal: FakePortal,
) -> None:
    portal.set_bucket(20, 50.0)
    messages = seed(portal, 200)

    async def run() -> list[Any]:
        async with make_async_client(portal, rate_limit=RateLimit(20, 50.0)) as client:
            calls = [
                client.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=[m])
                for m in messages
            ]
            return await asyncio.gather(*calls)

    results = asyncio.run(run())
    assert all(r.all_succeeded for r in results)
    assert statuses(portal) == [200] * 200
    assert deleted_once_each(portal, messages)


def test_without_pacing_the_portal_answers_503_and_retries_still_deliver_each_message_once(
    portal: FakePortal,
) -> None:
    portal.set_bucket(10, 20.0)
    messages = seed(portal, 60)
    patient = RetryPolicy(max_retries=12, backoff_base=0.05, backoff_max=0.5)
    with make_client(portal, rate_limit=None, retry_policy=patient) as client, ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda i: delete(client, messages[i : i + 2]), range(0, 60, 2)))
    assert all(r.all_succeeded for r in results)
    assert 503 in statuses(portal)
    assert deleted_once_each(portal, messages)
    retries = [r for r in LOG.records if r.levelno == logging.WARNING and "QUERY_LIMIT_EXCEEDED" in r.getMessage()]
    assert retries


def test_without_pacing_and_retries_the_typed_rate_limit_error_surfaces(portal: FakePortal) -> None:
    portal.set_bucket(5, 1.0)
    messages = seed(portal, 20)
    raised: list[BaseException] = []
    with make_client(portal, rate_limit=None, max_retries=0) as client:
        for m in messages:
            try:
                delete(client, [m])
            except errors.QueryLimitExceededError as exc:
                raised.append(remember(exc))
    assert raised
    assert all(isinstance(e, errors.RateLimitError) and e.status == 503 for e in raised)
    assert statuses(portal).count(503) == len(raised)


# -- OAuth --------------------------------------------------------------------------------------


def test_expired_token_mid_load_leads_to_exactly_one_refresh_shared_by_all_threads(portal: FakePortal) -> None:
    messages = seed(portal, 80)
    stored: list[TokenPair] = []
    with make_client(portal, on_token_refresh=stored.append) as client:
        delete(client, messages[:2])
        portal.expire_access_token()
        with ThreadPoolExecutor(20) as pool:
            results = list(pool.map(lambda i: delete(client, messages[i : i + 2]), range(2, 80, 2)))
        assert client.tokens is not None and client.tokens.access_token == portal.access_token
    assert all(r.all_succeeded for r in results)
    assert portal.refresh_count == 1
    assert len(stored) == 1 and stored[0].refresh_token == portal.refresh_token
    assert CLIENT_SECRET not in repr(stored[0]) and portal.access_token not in repr(stored[0])
    assert deleted_once_each(portal, messages)


def test_expired_token_with_many_asyncio_tasks_is_refreshed_once(portal: FakePortal) -> None:
    messages = seed(portal, 50)
    stored: list[TokenPair] = []

    async def run() -> list[Any]:
        async with make_async_client(portal, on_token_refresh=stored.append) as client:
            portal.expire_access_token()
            calls = [
                client.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=[m])
                for m in messages
            ]
            return await asyncio.gather(*calls)

    results = asyncio.run(run())
    assert all(r.all_succeeded for r in results)
    assert portal.refresh_count == 1 and len(stored) == 1
    assert deleted_once_each(portal, messages)


def test_a_refused_refresh_raises_the_typed_error_without_secrets(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    with make_client(portal, client_secret="CANARY-wrong-secret") as client:
        SECRETS_SEEN.add("CANARY-wrong-secret")
        portal.expire_access_token()
        with pytest.raises(errors.TokenRefreshError) as raised:
            delete(client, messages)
    remember(raised.value)
    assert isinstance(raised.value, errors.AuthError)


# -- refusing before sending ---------------------------------------------------------------------


def test_webhook_client_refuses_an_application_only_method_before_sending(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    webhook = f"{portal.url}/rest/1/{WEBHOOK_CODE}/"
    with Client(webhook_url=webhook, verify=portal.ssl_context()) as client:
        with pytest.raises(ConfigurationError, match="needs application context") as raised:
            delete(client, messages)
        assert WEBHOOK_CODE not in repr(client)
    remember(raised.value)
    assert portal.requests == []


def test_http_portal_is_refused_before_any_request_unless_allowed(portal: FakePortal) -> None:
    with pytest.raises(ConfigurationError, match="refusing plain http://") as raised:
        Client("http://127.0.0.1:9", access_token=portal.access_token)
    remember(raised.value)
    insecure = Client("http://127.0.0.1:9", access_token=portal.access_token, allow_insecure_http=True)
    insecure.close()
    assert portal.requests == []


# -- large calls ---------------------------------------------------------------------------------


def test_a_thousand_messages_come_back_as_a_thousand_outcomes_in_input_order(portal: FakePortal) -> None:
    known = seed(portal, 1000)
    unknown = {7, 500, 999}
    messages = [{**m, "message": {"id": f"never-sent-{i}"}} if i in unknown else m for i, m in enumerate(known)]
    with make_client(portal) as client:
        raw = client.imconnector.delete_messages_raw(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)
    result = raw.result
    assert len(result.items) == 1000
    assert [item.message.id for item in result.items] == [m["message"]["id"] for m in messages]
    assert [i for i, item in enumerate(result.items) if not item.success] == sorted(unknown)
    assert len(raw.exchanges) == 20 and len(portal.calls_to(METHOD)) == 20


def test_an_item_the_portal_did_not_answer_is_reported_failed_not_dropped(portal: FakePortal) -> None:
    messages = seed(portal, 5)
    portal.drop_last_result_items(2)
    with make_client(portal) as client:
        result = delete(client, messages)
    assert [item.message.id for item in result.items] == [m["message"]["id"] for m in messages]
    assert [item.success for item in result.items] == [True, True, True, False, False]
    assert result.failed[0].errors == ["The portal returned no result for this item"]


def test_max_items_per_call_sets_the_chunk_size(portal: FakePortal) -> None:
    messages = seed(portal, 25)
    with make_client(portal, max_items_per_call=10) as client:
        result = delete(client, messages)
    assert len(result.items) == 25 and result.all_succeeded
    assert len(portal.calls_to(METHOD)) == 3


# -- retries and limits --------------------------------------------------------------------------


def test_server_errors_are_retried_for_a_method_safe_to_repeat(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    portal.fail_next(1, status=500)
    portal.fail_next_with_html(1, status=502)
    with make_client(portal) as client:
        assert delete(client, messages).all_succeeded
    assert statuses(portal) == [500, 502, 200]


def test_server_errors_are_not_retried_for_a_method_not_safe_to_repeat(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    portal.fail_next(1, status=500)
    unsafe = dataclasses.replace(IMCONNECTOR_DELETE_MESSAGES, idempotent=False)
    arguments = {"CONNECTOR": DEFAULT_CONNECTOR, "LINE": DEFAULT_LINE, "MESSAGES": messages}
    with make_client(portal) as client, pytest.raises(errors.InternalServerError) as raised:
        client.call_endpoint(unsafe, arguments)
    remember(raised.value)
    assert statuses(portal) == [500]


def test_retries_stop_after_max_retries_with_the_last_error(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    portal.fail_next(10, status=500)
    with make_client(portal, max_retries=2) as client, pytest.raises(errors.ServerError) as raised:
        delete(client, messages)
    remember(raised.value)
    assert statuses(portal) == [500, 500, 500]


def test_overload_limit_is_never_retried(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    portal.overload()
    with make_client(portal) as client, pytest.raises(errors.OverloadLimitError) as raised:
        delete(client, messages)
    remember(raised.value)
    assert statuses(portal) == [503]


def test_operation_time_limit_is_waited_out_when_the_reset_is_near(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    portal.block_operations(1.0)
    started = time.monotonic()
    with make_client(portal) as client:
        assert delete(client, messages).all_succeeded
    assert time.monotonic() - started >= 0.5
    assert statuses(portal)[0] == 429 and statuses(portal)[-1] == 200


def test_operation_time_limit_too_far_away_raises_at_once_with_the_reset_time(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    reset_at = portal.block_operations(600)
    with make_client(portal) as client, pytest.raises(errors.OperationTimeLimitError) as raised:
        delete(client, messages)
    remember(raised.value)
    assert raised.value.reset_at == reset_at
    assert statuses(portal) == [429]


def test_per_call_timeout_overrides_the_clients_and_ends_in_a_transport_error(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    portal.latency = 0.5
    with (
        make_client(portal, max_retries=1) as client,
        pytest.raises(errors.TransportError, match="timed out") as raised,
    ):
        client.imconnector.delete_messages(
            connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages, timeout=0.1
        )
    remember(raised.value)
    attempts = [r for r in LOG.records if r.name == "bitrix24_rest" and "timed out" in r.getMessage()]
    assert len(attempts) >= 2


# -- observability -------------------------------------------------------------------------------


def test_raw_answer_comes_with_the_typed_result(portal: FakePortal) -> None:
    messages = seed(portal, 2)
    with make_client(portal) as client:
        raw = client.imconnector.delete_messages_raw(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.json["result"]["SUCCESS"] is True
    assert raw.result.all_succeeded and len(raw.result.items) == 2


def test_each_attempt_logs_one_debug_line_and_each_retry_one_warning(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    portal.fail_next(2, status=500)
    before = len(LOG.records)
    with make_client(portal) as client:
        delete(client, messages)
    ours = [r for r in LOG.records[before:] if r.name == "bitrix24_rest"]
    debug = [r.getMessage() for r in ours if r.levelno == logging.DEBUG]
    warnings = [r.getMessage() for r in ours if r.levelno == logging.WARNING]
    assert debug == [
        f"{METHOD} attempt 1: HTTP 500 in " + debug[0].rsplit(" in ", 1)[1],
        f"{METHOD} attempt 2: HTTP 500 in " + debug[1].rsplit(" in ", 1)[1],
        f"{METHOD} attempt 3: HTTP 200 in " + debug[2].rsplit(" in ", 1)[1],
    ]
    assert len(warnings) == 2 and all("retry" in w for w in warnings)


def test_secrets_are_masked_in_reprs_and_in_httpx_request_logs(portal: FakePortal) -> None:
    messages = seed(portal, 1)
    logged_before = len(LOG.lines)  # earlier tests may call the fake portal with bare httpx
    with make_client(portal) as client:
        portal.expire_access_token()
        delete(client, messages)
        text = repr(client) + repr(client.tokens)
    assert portal.refresh_token not in text and CLIENT_SECRET not in text
    token_requests = [line for line in LOG.lines[logged_before:] if line.startswith("httpx") and "oauth/token" in line]
    assert token_requests and all("***" in line for line in token_requests)
