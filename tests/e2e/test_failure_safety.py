"""Nothing lost, nothing invented, nothing leaked: the client under failure, against the fake
HTTPS portal (issue 13). Each test names the behaviour it pins; the generated docs cite them.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from bitrix24_rest import AsyncClient, Client, RateLimit, RetryPolicy, errors

from tests.e2e.fake_portal import DEFAULT_CONNECTOR, DEFAULT_LINE, FakePortal
from tests.e2e.portal_clients import CLIENT_SECRET, async_client, client, options, seed_messages
from tests.support import find_leaks

# -- per-item truth --------------------------------------------------------------------------------


def test_a_later_chunk_that_fails_says_which_deletions_happened_and_which_items_were_never_sent(
    portal: FakePortal,
) -> None:
    messages = seed_messages(portal, 120)
    portal.fail_call(2, 400, "NOT_ACTIVE_LINE")
    with client(portal) as c, pytest.raises(errors.NotActiveLineError) as raised:
        c.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)

    done = raised.value.partial_result
    assert done is not None and len(done.items) == 50 and done.all_succeeded
    assert len(raised.value.unprocessed) == 70 and raised.value.unsent == tuple(messages[100:])
    assert len(portal.messages) == 70


def test_the_async_client_says_the_same_after_a_later_chunk_fails(portal: FakePortal) -> None:
    messages = seed_messages(portal, 120)
    portal.fail_call(2, 400, "NOT_ACTIVE_LINE")

    async def run() -> Any:
        async with async_client(portal) as c:
            await c.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)

    with pytest.raises(errors.NotActiveLineError) as raised:
        asyncio.run(run())
    assert len(raised.value.partial_result.items) == 50 and len(raised.value.unsent) == 20


def test_partial_failure_logs_one_warning_with_counts_and_raise_for_failures_raises_it(
    portal: FakePortal, caplog: pytest.LogCaptureFixture
) -> None:
    messages = [
        *seed_messages(portal, 3),
        {"user": {"id": "ext-user"}, "message": {"id": "gone"}, "chat": {"id": "chat-1"}},
    ]
    with client(portal) as c, caplog.at_level("WARNING", logger="bitrix24_rest"):
        result = c.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)

    warnings = [r.getMessage() for r in caplog.records if r.name == "bitrix24_rest" and r.levelname == "WARNING"]
    assert warnings == ["imconnector.delete.messages: 1 of 4 items not processed"]
    with pytest.raises(errors.ItemsFailedError) as raised:
        result.raise_for_failures()
    assert [item.message.id for item in raised.value.failed] == ["gone"] and raised.value.result is result


def test_raise_for_failures_gives_back_a_result_without_failures(portal: FakePortal) -> None:
    with client(portal) as c:
        result = c.imconnector.delete_messages(
            connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=seed_messages(portal, 2)
        )

    assert result.raise_for_failures() is result


# -- pacing ----------------------------------------------------------------------------------------


def test_two_clients_of_one_portal_share_its_bucket_and_a_503_fills_it(portal: FakePortal) -> None:
    from bitrix24_rest import RateLimit

    limit = RateLimit(burst=20, drain_per_second=100.0)
    with client(portal, rate_limit=limit) as first, client(portal, rate_limit=limit) as second:
        assert first._settings.pacer is second._settings.pacer
        portal.fail_next(1, status=503, code="QUERY_LIMIT_EXCEEDED")
        with pytest.raises(errors.RateLimitError):
            first.call("user.current")
        assert first._settings.pacer.reserve() > 0  # the portal said full: the next request waits
    with client(portal, rate_limit=limit, share_rate_limit=False) as alone:
        assert alone._settings.pacer is not first._settings.pacer


# -- transport -----------------------------------------------------------------------------------


def test_an_untrusted_certificate_is_named_and_never_retried(
    portal: FakePortal, caplog: pytest.LogCaptureFixture
) -> None:
    import ssl

    untrusting = ssl.create_default_context()  # the system's CAs: not the fake portal's
    with (
        caplog.at_level("DEBUG", logger="bitrix24_rest"),
        client(portal, verify=untrusting, max_retries=3) as c,
        pytest.raises(errors.TransportError) as raised,
    ):
        c.imconnector.list_()  # safe to repeat: a connection error would be retried

    assert "certificate" in raised.value.reason and isinstance(raised.value.__cause__, Exception)
    attempts = [r for r in caplog.records if r.name == "bitrix24_rest" and "attempt" in r.getMessage()]
    assert len(attempts) == 1


def test_a_refused_connection_says_so(portal: FakePortal) -> None:
    with (
        Client("https://127.0.0.1:1", access_token="x", max_retries=0, rate_limit=None) as c,
        pytest.raises(errors.TransportError) as raised,
    ):
        c.call("user.current")

    assert raised.value.reason.startswith("ConnectError: ") and len(raised.value.reason) > len("ConnectError: ")


# -- secrets ---------------------------------------------------------------------------------------


def test_a_failed_refresh_carries_no_secret_anywhere_in_its_exception_chain(portal: FakePortal) -> None:
    portal.expire_access_token()
    with (
        client(portal, token_url="https://127.0.0.1:1/oauth/token/") as c,
        pytest.raises(errors.TransportError) as raised,
    ):
        c.call("user.current")

    chain, error = [], raised.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    texts = " ".join(f"{e!r} {e}" for e in chain)
    assert len(chain) == 1
    assert CLIENT_SECRET not in texts and portal.refresh_token not in texts


@pytest.mark.parametrize("make", [client, async_client], ids=["sync", "async"])
def test_ids_echoed_in_another_form_keep_their_real_outcomes_instead_of_made_up_failures(
    portal: FakePortal, make: Any
) -> None:
    messages = seed_messages(portal, 5)
    portal.echo_ids_in_another_form()  # "m-0" comes back as " M-0 "

    async def run_async() -> Any:
        async with make(portal) as c:
            return await c.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)

    def run_sync() -> Any:
        with make(portal) as c:
            return c.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)

    result = asyncio.run(run_async()) if make is async_client else run_sync()
    assert result.all_succeeded and [i.message.id for i in result.items] == [f" M-{n} " for n in range(5)]
    assert portal.messages == frozenset()


# -- a lost answer, repeated -----------------------------------------------------------------------

QUICK_RETRIES = RetryPolicy(max_retries=2, backoff_base=0.01)


def _lose_the_first_answer(portal: FakePortal, count: int) -> list[dict[str, Any]]:
    messages = seed_messages(portal, count)
    portal.hold_next_answers(1, seconds=1.5)  # the portal deletes, then answers after the client gave up
    return messages


def _assert_deleted_once_asked_twice_and_reported_uncertain(portal: FakePortal, result: Any, count: int) -> None:
    assert result.failed == [] and len(result.uncertain) == count and not result.all_succeeded
    assert [item.message.id for item in result.uncertain] == [f"m-{n}" for n in range(count)]
    assert set(portal.deletions.values()) == {1} and len(portal.deletions) == count
    assert set(portal.delete_attempts.values()) == {2}  # the lost request, and one repeat
    with pytest.raises(errors.ItemsFailedError) as raised:
        result.raise_for_failures()
    assert raised.value.failed == [] and len(raised.value.uncertain) == count


def test_a_deletion_whose_answer_was_lost_is_repeated_once_and_reported_uncertain_never_failed(
    portal: FakePortal, caplog: pytest.LogCaptureFixture
) -> None:
    messages = _lose_the_first_answer(portal, 3)
    with client(portal, timeout=0.5, retry_policy=QUICK_RETRIES, max_retries=None) as c, caplog.at_level("WARNING", "bitrix24_rest"):
        raw = c.imconnector.delete_messages_raw(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)

    _assert_deleted_once_asked_twice_and_reported_uncertain(portal, raw.result, 3)
    assert raw.exchanges[0].repeated and raw.exchanges[0].attempts == 2
    assert "imconnector.delete.messages: 0 of 3 items not processed, 3 unknown (a lost answer was repeated)" in [
        r.getMessage() for r in caplog.records
    ]


def test_the_async_client_reports_a_repeated_deletion_as_uncertain_too(portal: FakePortal) -> None:
    messages = _lose_the_first_answer(portal, 2)

    async def run() -> Any:
        async with async_client(portal, timeout=0.5, retry_policy=QUICK_RETRIES, max_retries=None) as c:
            return await c.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)

    _assert_deleted_once_asked_twice_and_reported_uncertain(portal, asyncio.run(run()), 2)


def test_an_item_that_really_fails_on_a_first_attempt_stays_failed_not_uncertain(portal: FakePortal) -> None:
    messages = [*seed_messages(portal, 1), {"user": {"id": "u"}, "message": {"id": "never"}, "chat": {"id": "chat-1"}}]
    with client(portal) as c:
        raw = c.imconnector.delete_messages_raw(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)

    assert not raw.exchanges[0].repeated
    assert [i.message.id for i in raw.result.failed] == ["never"] and raw.result.uncertain == []


# -- deadlines -------------------------------------------------------------------------------------


def test_a_body_trickling_past_the_deadline_ends_the_call_at_its_deadline(portal: FakePortal) -> None:
    portal.add_items(100)
    portal.trickle_next_answer(8.0)  # every read arrives within the read timeout: httpx alone waits 8 s
    started = time.monotonic()
    with client(portal, timeout=2.0) as c, pytest.raises(errors.DeadlineExceededError) as raised:
        c.call("crm.item.list", deadline=1.0)

    assert time.monotonic() - started < 8.0 and raised.value.deadline == 1.0
    assert isinstance(raised.value, errors.TransportError) and "deadline of 1 s passed" in str(raised.value)


def test_the_async_client_keeps_the_client_wide_deadline(portal: FakePortal) -> None:
    portal.add_items(100)
    portal.trickle_next_answer(8.0)

    async def run() -> None:
        async with async_client(portal, timeout=2.0, deadline=1.0) as c:
            await c.call("crm.item.list")

    started = time.monotonic()
    with pytest.raises(errors.DeadlineExceededError):
        asyncio.run(run())
    assert time.monotonic() - started < 8.0


def test_a_retry_that_cannot_fit_in_the_deadline_is_not_waited_for_and_the_portal_s_error_is_raised(
    portal: FakePortal,
) -> None:
    portal.fail_next(5, status=500)
    slow_retries = RetryPolicy(max_retries=5, backoff_base=30.0, backoff_max=30.0, rng=random.Random(1))
    with client(portal, retry_policy=slow_retries, max_retries=None, deadline=2.0) as c, pytest.raises(errors.ServerError):
        c.imconnector.list_()  # safe to repeat, but no backoff of up to 30 s fits in 2 s... or one does, once

    assert 1 <= len(portal.calls_to("imconnector.list")) <= 2


def test_a_429_whose_reset_time_has_passed_on_a_skewed_clock_backs_off_instead_of_burning_every_retry(
    portal: FakePortal,
) -> None:
    portal.block_operations(1.0)
    portal.set_clock_offset(-60.0)  # the portal's clock is a minute behind: its reset time "has passed"
    policy = RetryPolicy(max_retries=3, backoff_base=0.3, rng=random.Random(7))
    with client(portal, retry_policy=policy, max_retries=None) as c:
        c.imconnector.list_()

    attempts = portal.calls_to("imconnector.list")
    assert 2 <= len(attempts) <= 4  # waited 0.3 s, 0.6 s, ... until the block lifted, not 0 s


def test_a_rate_limit_wait_beyond_the_deadline_raises_before_waiting(portal: FakePortal) -> None:
    slow = RateLimit(burst=1, drain_per_second=0.1)  # the second request would wait 10 s
    with client(portal, rate_limit=slow, share_rate_limit=False) as c:
        c.call("user.current")
        with pytest.raises(errors.DeadlineExceededError) as raised:
            c.call("user.current", deadline=0.5)

    assert "waiting for the rate limit" in str(raised.value) and len(portal.calls_to("user.current")) == 1


def test_a_deadline_covers_every_chunk_of_a_split_call_and_says_what_was_done(portal: FakePortal) -> None:
    messages = seed_messages(portal, 60)
    slow = RateLimit(burst=1, drain_per_second=0.2)  # the second chunk would wait 5 s
    with client(portal, rate_limit=slow, share_rate_limit=False) as c, pytest.raises(errors.DeadlineExceededError) as raised:
        c.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages, deadline=2.0)

    assert len(raised.value.partial_result.items) == 50 and len(raised.value.unsent) == 0
    assert len(raised.value.unprocessed) == 10 and len(portal.messages) == 10


# -- bad input raises the package's own errors -----------------------------------------------------


def _nested(depth: int) -> list[Any]:
    tree: list[Any] = []
    for _ in range(depth):
        tree = [tree]
    return tree


def _cycle() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


BAD_ARGUMENTS = {
    "nan": math.nan,
    "a set": {1, 2},
    "a self-containing list": _cycle(),
    "a 5000-deep tree": _nested(5000),
    "an integer of 5000 digits": 10**4999,
    "a lone surrogate": "\ud800",
    "bytes": b"raw",
}


@pytest.mark.parametrize("value", BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
def test_an_argument_that_is_not_json_raises_invalid_argument_error_and_sends_nothing(
    portal: FakePortal, value: Any
) -> None:
    with client(portal) as c, pytest.raises(errors.InvalidArgumentError):
        c.call("user.get", {"FILTER": value})

    assert portal.calls_to("user.get") == []


@pytest.mark.parametrize("value", BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
def test_the_async_client_refuses_the_same_arguments(portal: FakePortal, value: Any) -> None:
    async def run() -> None:
        async with async_client(portal) as c:
            await c.call("user.get", {"FILTER": value})

    with pytest.raises(errors.InvalidArgumentError):
        asyncio.run(run())


BAD_OPTIONS = {
    "a portal URL that does not parse": {"portal": "http://[::1"},
    "a webhook URL that does not parse": {"portal": None, "access_token": None, "webhook_url": "https://[::1/rest/1/x/"},
    "a port out of range": {"portal": "https://example.bitrix24.com:99999"},
    "a negative timeout": {"timeout": -1},
    "a timeout as text": {"timeout": "5"},
    "a timeout part that is NaN": {"timeout": httpx.Timeout(5, read=math.nan)},
    "a zero deadline": {"deadline": 0},
    "max_retries as text": {"max_retries": "3"},
    "a portal that is a number": {"portal": 5},
    "rate_limit as text": {"rate_limit": "x"},
    "max_answer_bytes as float": {"max_answer_bytes": 1.5},
    "max_connections of 0": {"max_connections": 0},
}


@pytest.mark.parametrize("overrides", BAD_OPTIONS.values(), ids=BAD_OPTIONS.keys())
def test_a_bad_option_raises_configuration_error_when_the_client_is_made(portal: FakePortal, overrides: Any) -> None:
    arguments = {"portal": portal.url, **options(portal), **overrides}
    with pytest.raises(errors.ConfigurationError):
        Client(**arguments)
    with pytest.raises(errors.ConfigurationError):
        AsyncClient(**arguments)


@pytest.mark.parametrize("call_options", [{"timeout": "5"}, {"timeout": -1}, {"deadline": "soon"}], ids=str)
def test_a_bad_call_option_raises_invalid_argument_error_before_any_request(
    portal: FakePortal, call_options: Any
) -> None:
    with client(portal) as c, pytest.raises(errors.InvalidArgumentError):
        c.imconnector.list_(**call_options)

    assert portal.requests == []


@pytest.mark.parametrize(
    "failure", [httpx.StreamConsumed(), httpx.InvalidURL("bad"), RuntimeError("a bug in the transport")], ids=type
)
def test_a_transport_failing_outside_httpx_s_errors_raises_transport_error_with_its_cause(failure: Exception) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise failure

    with (
        Client(webhook_url="https://example.bitrix24.com/rest/1/secretcode/", transport=httpx.MockTransport(broken)) as c,
        pytest.raises(errors.TransportError) as raised,
    ):
        c.call("user.current")

    assert raised.value.__cause__ is failure and type(failure).__name__ in raised.value.reason


# -- connections -----------------------------------------------------------------------------------


@pytest.mark.parametrize("overrun", ["extra_bytes", "second_response"])
def test_stray_bytes_after_an_answer_close_its_connection_so_every_later_call_gets_its_own_answer(
    portal: FakePortal, overrun: str
) -> None:
    portal.add_items(300)
    with client(portal) as c:
        portal.overrun_next_answer(overrun)
        nexts = [c.call("crm.item.list", {"start": start}).next for start in (0, 50, 100, 150)]

    assert nexts == [50, 100, 150, 200]
    assert portal.connections_opened == 2


def test_the_async_client_drops_a_misframed_connection_too(portal: FakePortal) -> None:
    portal.add_items(300)

    async def run() -> list[int | None]:
        async with async_client(portal) as c:
            portal.overrun_next_answer("second_response")
            return [(await c.call("crm.item.list", {"start": start})).next for start in (0, 50, 100, 150)]

    assert asyncio.run(run()) == [50, 100, 150, 200]


@pytest.mark.parametrize(("limit", "expected"), [(None, 50), (8, 8)])
def test_concurrent_async_calls_share_at_most_max_connections_kept_alive_connections(
    portal: FakePortal, limit: int | None, expected: int
) -> None:
    async def run() -> None:
        extra = {} if limit is None else {"max_connections": limit}
        async with async_client(portal, **extra) as c:
            await asyncio.gather(*(c.call("user.current") for _ in range(300)))

    asyncio.run(run())
    assert len(portal.calls_to("user.current")) == 300
    assert portal.connections_opened <= expected  # with httpx's defaults (keep 20 of 100) 300 calls opened 300


# -- secrets ---------------------------------------------------------------------------------------


def test_no_secret_of_2000_refreshes_appears_in_any_log_record_exception_or_repr_at_debug(portal: FakePortal) -> None:
    issued = {CLIENT_SECRET, portal.access_token, portal.refresh_token}
    records: list[logging.LogRecord] = []
    texts: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root, keep = logging.getLogger(), Keep(logging.DEBUG)
    root.addHandler(keep)
    try:
        with client(portal, on_token_refresh=lambda pair: issued.update((pair.access_token, pair.refresh_token))) as c:
            for n in range(2000):
                portal.expire_access_token()
                if n % 250 == 0:  # now and then the call itself fails too, with its exception chain
                    portal.fail_next(1, status=500)
                    with pytest.raises(errors.ServerError) as raised:
                        c.call("user.current")
                    error: BaseException | None = raised.value
                    while error is not None:
                        texts += [str(error), repr(error), *map(str, error.args)]
                        error = error.__cause__ or error.__context__
                c.call("user.current")
                texts.append(repr(c))
    finally:
        root.removeHandler(keep)

    assert portal.refresh_count == 2000 and len(issued) == 1 + 2 * 2001  # the secret, and every pair
    texts += [f"{r.getMessage()} {r.args!r} {r.msg}" for r in records]
    assert find_leaks(issued, texts) == []
    canary = portal.access_token
    assert find_leaks(issued, [f"x{canary}y", "log line"]) == [canary]  # the check does see a leak


# -- refresh, closed clients, event loops, answer size (the portal's side of tests/runtime) ----------


def test_thirty_threads_with_a_dead_refresh_token_make_one_token_request_and_all_get_its_error(
    portal: FakePortal,
) -> None:
    portal.expire_access_token()
    portal.latency = 1.0  # every call is out before the first finds its token expired
    with client(portal, refresh_token="dead-refresh-token") as c:

        def call(_: int) -> BaseException | None:
            try:
                c.call("user.current")
            except errors.Bitrix24Error as exc:
                return exc
            return None

        with ThreadPoolExecutor(30) as pool:
            failures = list(pool.map(call, range(30)))

    token_requests = [r for r in portal.requests if "oauth/token" in r.path]
    assert len(token_requests) == 1
    assert all(isinstance(f, errors.TokenRefreshError) and f.code == "invalid_grant" for f in failures)


def test_a_hanging_token_endpoint_fails_every_waiting_thread_after_the_token_timeout_not_the_read_timeout(
    portal: FakePortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bitrix24_rest._runtime._sync.client as sync_client

    monkeypatch.setattr(sync_client, "TOKEN_TIMEOUT", 0.5)  # 10 s in production: a test need not wait it
    portal.expire_access_token()
    portal.hold_token_answers(5.0)
    started = time.monotonic()
    with client(portal, timeout=30.0) as c, ThreadPoolExecutor(10) as pool:

        def call(_: int) -> BaseException | None:
            try:
                c.call("user.current")
            except errors.Bitrix24Error as exc:
                return exc
            return None

        failures = list(pool.map(call, range(10)))
    waited = time.monotonic() - started
    portal.hold_token_answers(0.0)

    assert all(isinstance(f, errors.TransportError) for f in failures), failures
    assert len([r for r in portal.requests if "oauth/token" in r.path]) == 1 and waited < 5.0


def test_the_async_client_lets_partial_failure_raise_too(portal: FakePortal) -> None:
    messages = [*seed_messages(portal, 2), {"user": {"id": "u"}, "message": {"id": "never"}, "chat": {"id": "chat-1"}}]

    async def run() -> Any:
        async with async_client(portal) as c:
            result = await c.imconnector.delete_messages(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE, messages=messages)
            return result.raise_for_failures()

    with pytest.raises(errors.ItemsFailedError) as raised:
        asyncio.run(run())
    assert [i.message.id for i in raised.value.failed] == ["never"] and "1 of 3 items" in str(raised.value)


def test_a_closed_client_raises_configuration_error_and_sends_nothing(portal: FakePortal) -> None:
    c = client(portal)
    c.close()
    with pytest.raises(errors.ConfigurationError, match="closed"):
        c.call("user.current")

    assert portal.requests == []


def test_an_async_client_serves_two_asyncio_runs_against_the_portal(portal: FakePortal) -> None:
    c = async_client(portal)

    async def once() -> Any:
        return (await c.call("user.current")).result

    first, second = asyncio.run(once()), asyncio.run(once())
    assert first == second and len(portal.calls_to("user.current")) == 2


@pytest.mark.parametrize("make", [client, async_client], ids=["sync", "async"])
def test_an_answer_larger_than_max_answer_bytes_raises_unexpected_response_error(portal: FakePortal, make: Any) -> None:
    portal.add_items(100)

    async def run() -> None:
        async with make(portal, max_answer_bytes=1_000) as c:
            await c.call("crm.item.list")

    def run_sync() -> None:
        with make(portal, max_answer_bytes=1_000) as c:
            c.call("crm.item.list")

    with pytest.raises(errors.UnexpectedResponseError, match="larger than 1000 bytes"):
        asyncio.run(run()) if make is async_client else run_sync()
