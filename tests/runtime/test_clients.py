"""`BaseClient` and `AsyncBaseClient` against `httpx.MockTransport`: every test runs with both.

The fake portal answers from a script (or echoes the items it was sent) and serves the OAuth
token endpoint too; nothing touches the network and retries do not wait. Every secret handed out
here joins SECRETS_SEEN, which the session-wide leak check in tests/conftest.py looks for in every
log record (httpx logs each request URL) and in the exceptions caught here.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from client_runtime import PACKAGE, model
from client_runtime._async.client import AsyncBaseClient
from client_runtime._sync.client import BaseClient
from client_runtime.auth import TokenPair, TokenState
from client_runtime.chunks import NOT_ANSWERED, ItemResultsSpec
from client_runtime.core import APPLICATION, WEBHOOK, Endpoint, RawResponse
from client_runtime.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    Bitrix24Error,
    ConfigurationError,
    InvalidArgumentError,
    RateLimitError,
    ServerError,
    TokenRefreshError,
    TransportError,
    UnexpectedResponseError,
)
from client_runtime.retry import RetryPolicy

from tests.support import SECRETS_SEEN, remember

ACCESS = "CLIENTS-access-token-0d3c"
REFRESH = "CLIENTS-refresh-token-6e1a"
NEW_ACCESS = "CLIENTS-new-access-token-9b4f"
NEW_REFRESH = "CLIENTS-new-refresh-token-2a7e"
CLIENT_ID = "app.clients"
CLIENT_SECRET = "CLIENTS-client-secret-5c8d"
WEBHOOK_CODE = "CLIENTSwebhook3j6w"
SECRETS_SEEN.update({ACCESS, REFRESH, NEW_ACCESS, NEW_REFRESH, CLIENT_SECRET, WEBHOOK_CODE})

PORTAL = "example.bitrix24.com"
WEBHOOK_URL = f"https://{PORTAL}/rest/7/{WEBHOOK_CODE}/"
TOKEN_HOST = "oauth.example.test"
TOKEN_URL = f"https://{TOKEN_HOST}/oauth/token/"
NO_WAIT = RetryPolicy(max_retries=2, backoff_base=0.0, backoff_max=0.0, max_rate_limit_wait=5.0)


def read_name(payload: Any) -> str:
    return model.required(model.as_object(payload), "result", model.as_str)


def read_outcomes(payload: Any) -> list[Mapping[str, Any]]:
    result = model.required(model.as_object(payload), "result", model.as_object)
    return model.required(result, "RESULT", model.list_of(model.as_object))


BOTH = (APPLICATION, WEBHOOK)
PROFILE = Endpoint(method="profile", decode=read_name, request_schema={}, contexts=BOTH, idempotent=True)
LEAD_ADD = Endpoint(method="crm.lead.add", decode=read_name, request_schema={}, contexts=BOTH, idempotent=False)
APP_INFO = Endpoint(method="app.info", decode=read_name, request_schema={}, contexts=(APPLICATION,), idempotent=True)
USER_GET = Endpoint(
    method="user.get",
    decode=read_name,
    request_schema={"type": ["object"], "required": ["ID"], "properties": {"ID": {"type": ["integer"]}}},
    contexts=BOTH,
    idempotent=True,
)
ITEMS_DELETE = Endpoint(
    method="items.delete",
    decode=read_outcomes,
    request_schema={},
    contexts=BOTH,
    idempotent=True,
    item_results=ItemResultsSpec(request="ITEMS", response=("result", "RESULT"), success="SUCCESS", errors="ERRORS"),
)


class LineNotFoundError(BadRequestError):
    CODE = "LINE_NOT_FOUND"


class ExpiredTokenError(AuthError):
    CODE = "expired_token"


ERROR_CLASSES: dict[str, type[ApiError]] = {"line_not_found": LineNotFoundError, "expired_token": ExpiredTokenError}


class Client(BaseClient):
    _error_classes = ERROR_CLASSES


class AsyncClient(AsyncBaseClient):
    _error_classes = ERROR_CLASSES


# --- the fake portal ------------------------------------------------------------------------

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def ok(result: Any = "Ann", **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"result": result, **extra})


def error(status: int, code: str, description: str = "", **extra: Any) -> httpx.Response:
    return httpx.Response(status, json={"error": code, "error_description": description, **extra})


def new_pair() -> httpx.Response:
    return httpx.Response(
        200, json={"access_token": NEW_ACCESS, "refresh_token": NEW_REFRESH, "expires_in": 3600, "member_id": "m1"}
    )


def echo(request: httpx.Request, keep: Callable[[list[Any]], list[Any]] = lambda items: items) -> httpx.Response:
    """One successful outcome per sent item (those `keep` leaves), naming the item."""
    items = json.loads(request.content).get("ITEMS", [])
    return ok({"RESULT": [{"SUCCESS": True, "ITEM": item} for item in keep(items)]})


class FakePortal:
    """Serves scripted answers to REST calls, and token answers to the token endpoint, in order."""

    def __init__(self, *answers: Answer, tokens: tuple[Answer, ...] = ()) -> None:
        self.answers = list(answers)
        self.token_answers = list(tokens) or [new_pair()]
        self.requests: list[httpx.Request] = []
        self.token_requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == TOKEN_HOST:
            self.token_requests.append(request)
            answer = self.token_answers.pop(0)
        else:
            self.requests.append(request)
            answer = self.answers.pop(0) if self.answers else error(500, "NOT_SCRIPTED", "no answer left")
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.requests]


# --- one driver for both clients ------------------------------------------------------------


class Driver:
    """A synchronous or an asynchronous client, called the same way."""

    def __init__(self, flavour: str, portal: FakePortal, options: Mapping[str, Any]) -> None:
        self.flavour = flavour
        transport = httpx.MockTransport(portal)
        self.client: Client | AsyncClient = (
            Client(transport=transport, **options) if flavour == "sync" else AsyncClient(transport=transport, **options)
        )

    def call_endpoint_raw(self, endpoint: Endpoint[Any], arguments: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        if isinstance(self.client, Client):
            return self.client.call_endpoint_raw(endpoint, arguments or {}, **kw)
        return asyncio.run(self.client.call_endpoint_raw(endpoint, arguments or {}, **kw))

    def call_endpoint(self, endpoint: Endpoint[Any], arguments: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        return self.call_endpoint_raw(endpoint, arguments, **kw).result

    def fails(self, kind: type[Exception], endpoint: Endpoint[Any], arguments: Mapping[str, Any] | None = None) -> Any:
        """The exception of `kind` the call raises (its texts join the leak check)."""
        with pytest.raises(kind) as caught:
            self.call_endpoint(endpoint, arguments)
        remember(caught.value)
        return caught.value

    @property
    def tokens(self) -> TokenPair | None:
        return self.client.tokens

    def close(self) -> None:
        if isinstance(self.client, Client):
            self.client.close()
        else:
            asyncio.run(self.client.aclose())


def app_options(**overrides: Any) -> dict[str, Any]:
    return {
        "portal": PORTAL,
        "access_token": ACCESS,
        "refresh_token": REFRESH,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "token_url": TOKEN_URL,
        "rate_limit": None,
        "retry_policy": NO_WAIT,
    } | overrides


def webhook_options(**overrides: Any) -> dict[str, Any]:
    return {"webhook_url": WEBHOOK_URL, "rate_limit": None, "retry_policy": NO_WAIT} | overrides


Connect = Callable[..., Driver]


@pytest.fixture(params=["sync", "async"])
def connect(request: pytest.FixtureRequest) -> Iterator[Connect]:
    """Opens a client of the test's flavour on a fake portal (application options unless given)."""
    opened: list[Driver] = []

    def open_client(portal: FakePortal, options: Mapping[str, Any] | None = None) -> Driver:
        driver = Driver(request.param, portal, app_options() if options is None else options)
        opened.append(driver)
        return driver

    yield open_client
    for driver in opened:
        driver.close()


# --- one call -------------------------------------------------------------------------------


def test_a_call_returns_the_decoded_result(connect: Connect) -> None:
    assert connect(FakePortal(ok("Ann"))).call_endpoint(PROFILE, {"ID": 1}) == "Ann"


def test_a_call_is_a_json_post_to_the_methods_url(connect: Connect) -> None:
    portal = FakePortal(ok())
    connect(portal).call_endpoint(PROFILE, {"ID": 1})
    request = portal.requests[0]
    assert (request.method, str(request.url), request.headers["content-type"]) == (
        "POST",
        f"https://{PORTAL}/rest/profile",
        "application/json",
    )


def test_an_application_call_carries_the_arguments_and_the_access_token(connect: Connect) -> None:
    portal = FakePortal(ok())
    connect(portal).call_endpoint(PROFILE, {"ID": 1, "FILTER": None})
    assert portal.bodies() == [{"ID": 1, "auth": ACCESS}]


def test_a_webhook_call_goes_to_the_webhook_url_without_an_auth_argument(connect: Connect) -> None:
    portal = FakePortal(ok())
    connect(portal, webhook_options()).call_endpoint(PROFILE, {"ID": 1})
    assert (str(portal.requests[0].url), portal.bodies()) == (f"{WEBHOOK_URL}profile", [{"ID": 1}])


def test_call_raw_gives_the_http_answer_with_the_result(connect: Connect) -> None:
    answer = httpx.Response(200, json={"result": "Ann", "time": {"start": 1}}, headers={"x-request-id": "r1"})
    raw = connect(FakePortal(answer)).call_endpoint_raw(PROFILE)
    assert isinstance(raw, RawResponse) and (raw.result, raw.status_code, raw.headers["x-request-id"], raw.json) == (
        "Ann",
        200,
        "r1",
        {"result": "Ann", "time": {"start": 1}},
    )


def test_a_per_call_timeout_reaches_the_request(connect: Connect) -> None:
    portal = FakePortal(ok())
    connect(portal).call_endpoint(PROFILE, timeout=1.5)
    assert portal.requests[0].extensions["timeout"] == {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}


def test_a_compressed_answer_is_decompressed(connect: Connect) -> None:
    body = gzip.compress(json.dumps({"result": "zipped"}).encode())
    answer = httpx.Response(200, headers={"content-encoding": "gzip"}, stream=httpx.ByteStream(body))
    assert connect(FakePortal(answer)).call_endpoint(PROFILE) == "zipped"


# --- refused before sending -----------------------------------------------------------------


def test_invalid_arguments_raise_before_anything_is_sent(connect: Connect) -> None:
    portal = FakePortal(ok())
    error = connect(portal).fails(InvalidArgumentError, USER_GET, {"ID": "one"})
    assert (error.problems, portal.requests) == (["ID: expected integer, got 'one'"], [])


def test_an_application_only_method_is_refused_through_a_webhook_before_sending(connect: Connect) -> None:
    portal = FakePortal(ok())
    connect(portal, webhook_options()).fails(ConfigurationError, APP_INFO)
    assert portal.requests == []


# --- retries --------------------------------------------------------------------------------


def test_query_limit_exceeded_is_retried_then_the_answer_returned(connect: Connect) -> None:
    portal = FakePortal(error(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"), ok("Ann"))
    raw = connect(portal).call_endpoint_raw(LEAD_ADD)
    assert (raw.result, len(portal.requests), raw.exchanges[-1].attempts) == ("Ann", 2, 2)


def test_a_server_error_is_retried_for_an_idempotent_method(connect: Connect) -> None:
    portal = FakePortal(error(500, "INTERNAL_SERVER_ERROR"), ok("Ann"))
    assert (connect(portal).call_endpoint(PROFILE), len(portal.requests)) == ("Ann", 2)


def test_a_server_error_is_not_retried_for_a_method_not_safe_to_repeat(connect: Connect) -> None:
    portal = FakePortal(error(500, "INTERNAL_SERVER_ERROR", "boom"), ok("Ann"))
    failure = connect(portal).fails(ServerError, LEAD_ADD)
    assert (failure.code, failure.status, len(portal.requests)) == ("INTERNAL_SERVER_ERROR", 500, 1)


def test_retries_stop_after_max_retries_with_the_last_error(connect: Connect) -> None:
    portal = FakePortal(*[error(503, "QUERY_LIMIT_EXCEEDED", f"attempt {n}") for n in range(1, 5)])
    failure = connect(portal).fails(RateLimitError, PROFILE)
    assert (failure.description, len(portal.requests)) == ("attempt 3", 3)


def test_max_retries_zero_raises_the_first_error(connect: Connect) -> None:
    portal = FakePortal(error(503, "QUERY_LIMIT_EXCEEDED"), ok())
    connect(portal, app_options(max_retries=0)).fails(RateLimitError, PROFILE)
    assert len(portal.requests) == 1


def test_overload_limit_is_never_retried(connect: Connect) -> None:
    portal = FakePortal(error(503, "OVERLOAD_LIMIT"), ok())
    connect(portal).fails(RateLimitError, PROFILE)
    assert len(portal.requests) == 1


def test_operation_time_limit_whose_reset_has_passed_is_retried(connect: Connect) -> None:
    limit = error(429, "OPERATION_TIME_LIMIT", time={"operating_reset_at": time.time() - 1})
    portal = FakePortal(limit, ok("Ann"))
    assert (connect(portal).call_endpoint(LEAD_ADD), len(portal.requests)) == ("Ann", 2)


def test_operation_time_limit_far_away_raises_at_once_with_the_reset_time(connect: Connect) -> None:
    reset = time.time() + 3600
    portal = FakePortal(error(429, "OPERATION_TIME_LIMIT", time={"operating_reset_at": reset}), ok())
    failure = connect(portal).fails(RateLimitError, PROFILE)
    assert (failure.reset_at, len(portal.requests)) == (reset, 1)


def test_each_retry_logs_one_warning_naming_the_method(connect: Connect, caplog: pytest.LogCaptureFixture) -> None:
    portal = FakePortal(error(503, "QUERY_LIMIT_EXCEEDED"), error(502, "BAD_GATEWAY"), ok())
    with caplog.at_level(logging.DEBUG, logger=PACKAGE):
        connect(portal).call_endpoint(PROFILE)
    warnings = [r.getMessage() for r in caplog.records if r.name == PACKAGE and r.levelno == logging.WARNING]
    assert warnings == [
        "profile: QUERY_LIMIT_EXCEEDED (HTTP 503); retry 1/2 in 0.00s",
        "profile: BAD_GATEWAY (HTTP 502); retry 2/2 in 0.00s",
    ]


# --- connection errors ----------------------------------------------------------------------


def test_a_connection_error_becomes_a_transport_error_after_the_retries(connect: Connect) -> None:
    portal = FakePortal(*[httpx.ConnectError("refused") for _ in range(3)])
    failure = connect(portal).fails(TransportError, PROFILE)
    assert (failure.method, failure.reason, len(portal.requests)) == ("profile", "ConnectError: refused", 3)
    assert isinstance(failure.__cause__, httpx.ConnectError)  # the cause is kept


def test_a_connection_error_then_an_answer_gives_the_answer(connect: Connect) -> None:
    portal = FakePortal(httpx.ConnectError("refused"), ok("Ann"))
    assert connect(portal).call_endpoint(PROFILE) == "Ann"


def test_a_connection_error_is_not_retried_for_a_method_not_safe_to_repeat(connect: Connect) -> None:
    portal = FakePortal(httpx.ConnectError("refused"), ok())
    connect(portal).fails(TransportError, LEAD_ADD)
    assert len(portal.requests) == 1


def test_a_timeout_is_reported_as_timed_out(connect: Connect) -> None:
    portal = FakePortal(httpx.ReadTimeout("slow"))
    failure = connect(portal, app_options(max_retries=0)).fails(TransportError, PROFILE)
    assert failure.reason == "timed out (ReadTimeout): slow"


# --- error answers --------------------------------------------------------------------------


def test_a_documented_error_code_raises_the_clients_error_class(connect: Connect) -> None:
    portal = FakePortal(error(400, "LINE_NOT_FOUND", "Line 9 not found"))
    failure = connect(portal).fails(LineNotFoundError, PROFILE)
    assert (failure.code, failure.description, failure.status, failure.method) == (
        "LINE_NOT_FOUND",
        "Line 9 not found",
        400,
        "profile",
    )


def test_an_undocumented_error_code_raises_the_group_of_its_status(connect: Connect) -> None:
    failure = connect(FakePortal(error(403, "ACCESS_DENIED"))).fails(AuthError, PROFILE)
    assert type(failure) is AuthError


def test_an_error_code_inside_http_200_is_raised(connect: Connect) -> None:
    failure = connect(FakePortal(error(200, "ERROR_CORE"))).fails(ApiError, PROFILE)
    assert (failure.code, failure.status) == ("ERROR_CORE", 200)


def test_a_body_that_is_not_json_raises_unexpected_response_with_an_excerpt(connect: Connect) -> None:
    portal = FakePortal(httpx.Response(502, text="<html>Bad Gateway</html>"))
    failure = connect(portal).fails(UnexpectedResponseError, LEAD_ADD)
    assert (failure.status, failure.reason, failure.excerpt) == (
        502,
        "the body is not JSON",
        "<html>Bad Gateway</html>",
    )


def test_an_answer_off_the_spec_raises_unexpected_response_naming_where(connect: Connect) -> None:
    failure = connect(FakePortal(ok(["not", "a", "name"]))).fails(UnexpectedResponseError, PROFILE)
    assert failure.reason == "does not match the spec at result: expected a string, got list of 3"


def test_a_body_that_does_not_decode_as_its_content_encoding_raises_unexpected_response(connect: Connect) -> None:
    answer = httpx.Response(200, headers={"content-encoding": "gzip"}, stream=httpx.ByteStream(b"not gzip at all"))
    failure = connect(FakePortal(answer)).fails(UnexpectedResponseError, PROFILE)
    assert (failure.reason, failure.excerpt) == (
        "the body cannot be decoded as its Content-Encoding says",
        "not gzip at all",
    )


# --- token refresh --------------------------------------------------------------------------


def test_an_expired_token_is_refreshed_once_and_the_call_repeated(connect: Connect) -> None:
    portal = FakePortal(error(401, "expired_token", "The access token provided has expired."), ok("Ann"))
    assert (connect(portal).call_endpoint(LEAD_ADD), len(portal.token_requests), len(portal.requests)) == ("Ann", 1, 2)


def test_the_refresh_asks_the_token_endpoint_for_a_refresh_token_grant(connect: Connect) -> None:
    portal = FakePortal(error(401, "expired_token"), ok())
    connect(portal).call_endpoint(PROFILE)
    request = portal.token_requests[0]
    assert (request.method, f"https://{request.url.host}{request.url.path}", dict(request.url.params)) == (
        "GET",
        TOKEN_URL,
        {
            "grant_type": "refresh_token",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH,
        },
    )


def test_the_repeated_call_carries_the_new_access_token(connect: Connect) -> None:
    portal = FakePortal(error(401, "expired_token"), ok())
    connect(portal).call_endpoint(PROFILE, {"ID": 1})
    assert portal.bodies() == [{"ID": 1, "auth": ACCESS}, {"ID": 1, "auth": NEW_ACCESS}]


def test_the_client_keeps_the_new_pair_and_hands_it_to_on_token_refresh(connect: Connect) -> None:
    stored: list[TokenPair] = []
    client = connect(FakePortal(error(401, "expired_token"), ok()), app_options(on_token_refresh=stored.append))
    client.call_endpoint(PROFILE)
    assert stored == [client.tokens] and client.tokens is not None
    assert (client.tokens.access_token, client.tokens.refresh_token, client.tokens.details["member_id"]) == (
        NEW_ACCESS,
        NEW_REFRESH,
        "m1",
    )


def test_the_next_call_uses_the_refreshed_token_without_refreshing_again(connect: Connect) -> None:
    portal = FakePortal(error(401, "expired_token"), ok(), ok())
    client = connect(portal)
    client.call_endpoint(PROFILE)
    client.call_endpoint(PROFILE)
    assert (portal.bodies()[-1]["auth"], len(portal.token_requests)) == (NEW_ACCESS, 1)


def test_an_expired_token_right_after_a_refresh_is_raised_not_refreshed_again(connect: Connect) -> None:
    portal = FakePortal(error(401, "expired_token"), error(401, "expired_token"), ok())
    connect(portal).fails(ExpiredTokenError, PROFILE)
    assert (len(portal.token_requests), len(portal.requests)) == (1, 2)


def test_without_client_credentials_an_expired_token_is_raised(connect: Connect) -> None:
    portal = FakePortal(error(401, "expired_token"), ok())
    connect(portal, app_options(client_id=None)).fails(ExpiredTokenError, PROFILE)
    assert (portal.token_requests, len(portal.requests)) == ([], 1)


def test_a_refused_refresh_raises_token_refresh_error_and_keeps_the_old_pair(connect: Connect) -> None:
    refusal = httpx.Response(400, json={"error": "invalid_grant", "error_description": "Invalid refresh token"})
    client = connect(FakePortal(error(401, "expired_token"), tokens=(refusal,)))
    failure = client.fails(TokenRefreshError, PROFILE)
    assert (failure.code, client.tokens) == ("invalid_grant", TokenPair(ACCESS, REFRESH))


def test_a_token_endpoint_without_an_answer_raises_transport_error(connect: Connect) -> None:
    portal = FakePortal(error(401, "expired_token"), tokens=(httpx.ConnectError("refused"),))
    failure = connect(portal).fails(TransportError, PROFILE)
    assert (failure.method, failure.reason) == ("oauth/token", "ConnectError")


def test_an_expired_token_code_in_capitals_is_refreshed_too(connect: Connect) -> None:
    portal = FakePortal(error(401, "EXPIRED_TOKEN"), ok("Ann"))
    assert connect(portal).call_endpoint(PROFILE) == "Ann"


# --- many-item calls ------------------------------------------------------------------------


def test_a_many_item_call_is_sent_in_chunks_of_max_items_per_call(connect: Connect) -> None:
    portal = FakePortal(echo, echo, echo)
    connect(portal, app_options(max_items_per_call=2)).call_endpoint(ITEMS_DELETE, {"ITEMS": list(range(5)), "LINE": 1})
    assert [(body["ITEMS"], body["LINE"]) for body in portal.bodies()] == [([0, 1], 1), ([2, 3], 1), ([4], 1)]


def test_the_outcomes_of_all_chunks_come_back_in_input_order(connect: Connect) -> None:
    portal = FakePortal(echo, echo, echo)
    outcomes = connect(portal, app_options(max_items_per_call=2)).call_endpoint(ITEMS_DELETE, {"ITEMS": list(range(5))})
    assert [outcome["ITEM"] for outcome in outcomes] == [0, 1, 2, 3, 4]


def test_a_chunked_call_has_one_exchange_per_chunk(connect: Connect) -> None:
    portal = FakePortal(echo, echo)
    raw = connect(portal, app_options(max_items_per_call=3)).call_endpoint_raw(ITEMS_DELETE, {"ITEMS": list(range(4))})
    assert [len(exchange.json["result"]["RESULT"]) for exchange in raw.exchanges] == [3, 1]


def test_a_later_chunk_that_fails_raises_with_the_outcomes_of_the_chunks_done_and_the_items_not(
    connect: Connect,
) -> None:
    portal = FakePortal(echo, error(400, "NOT_ACTIVE_LINE", "Line is inactive"))
    failure = connect(portal, app_options(max_items_per_call=2)).fails(ApiError, ITEMS_DELETE, {"ITEMS": list(range(5))})

    assert failure.code == "NOT_ACTIVE_LINE"
    assert [outcome["ITEM"] for outcome in failure.partial_result] == [0, 1]
    assert failure.unprocessed == (2, 3, 4) and failure.unsent == (4,)
    assert len(portal.requests) == 2


def test_a_first_chunk_that_fails_raises_with_nothing_done_and_every_item_unprocessed(connect: Connect) -> None:
    portal = FakePortal(error(400, "NOT_ACTIVE_LINE", "Line is inactive"))
    failure = connect(portal, app_options(max_items_per_call=2)).fails(ApiError, ITEMS_DELETE, {"ITEMS": list(range(5))})

    assert (failure.partial_result, failure.unprocessed, failure.unsent) == (None, (0, 1, 2, 3, 4), (2, 3, 4))


def test_an_item_the_portal_did_not_answer_is_reported_failed_not_dropped(connect: Connect) -> None:
    portal = FakePortal(lambda request: echo(request, keep=lambda items: items[:-1]))
    outcomes = connect(portal).call_endpoint(ITEMS_DELETE, {"ITEMS": ["a", "b", "c"]})
    assert outcomes == [
        {"SUCCESS": True, "ITEM": "a"},
        {"SUCCESS": True, "ITEM": "b"},
        {"SUCCESS": False, "ERRORS": [NOT_ANSWERED]},
    ]


def test_an_outcome_list_of_the_wrong_type_raises_unexpected_response(connect: Connect) -> None:
    portal = FakePortal(ok({"RESULT": "done"}))
    failure = connect(portal).fails(UnexpectedResponseError, ITEMS_DELETE, {"ITEMS": [1]})
    assert failure.reason == "does not match the spec at result.RESULT: expected an array, got 'done'"


# --- repr and lifetime ----------------------------------------------------------------------


def test_repr_shows_the_portal_and_no_secret(connect: Connect) -> None:
    text = repr(connect(FakePortal()).client)
    assert text.endswith(f"Client('https://{PORTAL}/rest/')")
    assert not any(secret in text for secret in (ACCESS, REFRESH, CLIENT_SECRET))


def test_repr_after_a_refresh_shows_no_new_token(connect: Connect) -> None:
    client = connect(FakePortal(error(401, "expired_token"), ok()))
    client.call_endpoint(PROFILE)
    assert NEW_ACCESS not in repr(client.client) and NEW_ACCESS not in repr(client.tokens)


def test_a_webhook_clients_repr_hides_the_webhook_url(connect: Connect) -> None:
    text = repr(connect(FakePortal(), webhook_options()).client)
    assert text.endswith("Client('webhook')") and WEBHOOK_CODE not in text


def test_a_webhook_client_has_no_tokens(connect: Connect) -> None:
    assert connect(FakePortal(), webhook_options()).tokens is None


def test_the_client_closes_its_connections_when_used_as_a_context_manager() -> None:
    with Client(transport=httpx.MockTransport(FakePortal(ok(), ok())), **app_options()) as client:
        client.call_endpoint(PROFILE, {})
    with pytest.raises(ConfigurationError, match="the client is closed"):
        client.call_endpoint(PROFILE, {})


def test_the_async_client_closes_its_connections_when_used_as_a_context_manager() -> None:
    async def scenario() -> None:
        async with AsyncClient(transport=httpx.MockTransport(FakePortal(ok(), ok())), **app_options()) as client:
            await client.call_endpoint(PROFILE, {})
        await client.call_endpoint(PROFILE, {})

    with pytest.raises(ConfigurationError, match="the client is closed"):
        asyncio.run(scenario())


def test_concurrent_tasks_that_find_the_token_expired_share_one_refresh() -> None:
    expired = {ACCESS}

    def portal(request: httpx.Request) -> httpx.Response:
        if request.url.host == TOKEN_HOST:
            return new_pair()
        if json.loads(request.content)["auth"] in expired:
            return error(401, "expired_token")
        return ok()

    refreshes: list[TokenPair] = []

    async def scenario() -> list[Any]:
        async with AsyncClient(
            transport=httpx.MockTransport(portal), **app_options(on_token_refresh=refreshes.append)
        ) as client:
            return await asyncio.gather(*(client.call_endpoint(PROFILE, {}) for _ in range(5)))

    assert (asyncio.run(scenario()), len(refreshes)) == (["Ann"] * 5, 1)


def test_a_failed_refresh_is_one_token_request_and_every_waiting_thread_gets_its_error() -> None:
    token_requests: list[httpx.Request] = []
    lock = threading.Lock()
    all_sent = threading.Barrier(30)

    def portal(request: httpx.Request) -> httpx.Response:
        if request.url.host == TOKEN_HOST:
            with lock:
                token_requests.append(request)
            return error(400, "invalid_grant", "the refresh token is dead")
        all_sent.wait(timeout=10)  # every call's request is out before any finds its token expired
        return error(401, "expired_token")

    with Client(transport=httpx.MockTransport(portal), **app_options()) as client:

        def call() -> BaseException | None:
            try:
                client.call_endpoint(PROFILE, {})
            except Bitrix24Error as exc:
                return exc
            return None

        with ThreadPoolExecutor(30) as pool:
            failures = list(pool.map(lambda _: call(), range(30)))

    assert len(token_requests) == 1
    assert all(isinstance(f, TokenRefreshError) and f.code == "invalid_grant" for f in failures)


def test_the_pair_and_its_generation_are_read_as_one_value() -> None:
    state = TokenState(TokenPair("TOKENSTATE-old-access", "TOKENSTATE-old-refresh"))
    before = state.current
    state.replace(TokenPair("TOKENSTATE-new-access", "TOKENSTATE-new-refresh"))

    assert before == (TokenPair("TOKENSTATE-old-access", "TOKENSTATE-old-refresh"), 0)
    assert state.current == (state.pair, state.generation) == (TokenPair("TOKENSTATE-new-access", "TOKENSTATE-new-refresh"), 1)


def test_a_call_after_a_failed_refresh_tries_the_refresh_again() -> None:
    portal = FakePortal(
        error(401, "expired_token"), error(401, "expired_token"), ok("Ann"),
        tokens=(httpx.ConnectError("refused"), new_pair()),
    )  # fmt: skip
    with Client(transport=httpx.MockTransport(portal), **app_options()) as client:
        with pytest.raises(TransportError):
            client.call_endpoint(PROFILE, {})
        assert client.call_endpoint(PROFILE, {}) == "Ann"

    assert len(portal.token_requests) == 2


def test_an_async_client_serves_a_second_event_loop_too() -> None:
    portal = FakePortal(error(401, "expired_token"), ok("Ann"), error(401, "expired_token"), ok("Bob"))
    portal.token_answers = [new_pair(), new_pair()]
    client = AsyncClient(transport=httpx.MockTransport(portal), **app_options())

    assert asyncio.run(client.call_endpoint(PROFILE, {})) == "Ann"  # its refresh lock is made here
    assert asyncio.run(client.call_endpoint(PROFILE, {})) == "Bob"  # and made again for this loop


def test_a_token_callback_that_raises_is_reported_as_the_package_s_error_and_the_pair_kept() -> None:
    def broken(pair: TokenPair) -> None:
        raise OSError("disk full")

    portal = FakePortal(error(401, "expired_token"))
    with Client(transport=httpx.MockTransport(portal), **app_options(on_token_refresh=broken)) as client:
        with pytest.raises(ConfigurationError, match="on_token_refresh raised OSError: disk full") as raised:
            client.call_endpoint(PROFILE, {})
        assert client.tokens is not None and client.tokens.access_token == NEW_ACCESS

    assert isinstance(raised.value.__cause__, OSError)


def test_an_argument_that_is_no_json_is_refused_as_an_invalid_argument() -> None:
    with (
        Client(transport=httpx.MockTransport(FakePortal(ok())), **app_options()) as client,
        pytest.raises(InvalidArgumentError, match="not JSON"),
    ):
        client.call_endpoint(PROFILE, {"IDS": {1, 2}})


@pytest.mark.parametrize(
    ("headers", "content"),
    [
        ({"content-encoding": "gzip"}, gzip.compress(b" " * 5_000_000)),  # 5 KB that expand to 5 MB
        ({}, b" " * 2_000_000),
    ],
    ids=["gzip-bomb", "plain"],
)
def test_an_answer_larger_than_max_answer_bytes_is_refused_without_reading_it_all(
    connect: Connect, headers: dict[str, str], content: bytes
) -> None:
    portal = FakePortal(httpx.Response(200, headers={"content-type": "application/json", **headers}, content=content))
    failure = connect(portal, app_options(max_answer_bytes=1_000_000)).fails(UnexpectedResponseError, PROFILE)

    assert failure.reason == "the answer is larger than 1000000 bytes (max_answer_bytes)"
