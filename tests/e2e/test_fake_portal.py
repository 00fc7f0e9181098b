"""Specification of the fake Bitrix24 portal, checked with plain httpx over real TLS sockets."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.fake_portal import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_CONNECTOR,
    DEFAULT_LINE,
    DELETE_MESSAGES_METHOD,
    FakePortal,
    MessageKey,
    fake_portal,
)

CHAT_ID = "channel-123"
EXTERNAL_USER_ID = "ext-user-42"
DELETE_PATH = f"/rest/{DELETE_MESSAGES_METHOD}"

__all__ = ["fake_portal"]  # the shared fixture: pytest finds it by this name in the module


@pytest.fixture
def client(fake_portal: FakePortal) -> Iterator[httpx.Client]:
    """An httpx client for the fixture portal that trusts only the test CA."""
    with portal_client(fake_portal) as http_client:
        yield http_client


def portal_client(portal: FakePortal) -> httpx.Client:
    """A new httpx client bound to `portal.url`, verifying TLS against the test CA."""
    return httpx.Client(base_url=portal.url, verify=portal.ssl_context(), timeout=10.0)


def message_item(message_id: str, chat_id: str = CHAT_ID, user_id: str = EXTERNAL_USER_ID) -> dict[str, Any]:
    """One element of MESSAGES as the docs describe it."""
    return {"user": {"id": user_id}, "message": {"id": message_id}, "chat": {"id": chat_id}}


def delete_body(portal: FakePortal, messages: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """A JSON body for imconnector.delete.messages with `auth` in it; `overrides` replace or add keys."""
    body: dict[str, Any] = {
        "CONNECTOR": DEFAULT_CONNECTOR,
        "LINE": DEFAULT_LINE,
        "MESSAGES": messages,
        "auth": portal.access_token,
    }
    body.update(overrides)
    return body


def add_known_message(portal: FakePortal, message_id: str) -> MessageKey:
    """Record a message sent on the default connector, line and chat."""
    return portal.add_message(DEFAULT_CONNECTOR, DEFAULT_LINE, CHAT_ID, message_id, user_id=EXTERNAL_USER_ID)


def refresh(client: httpx.Client, refresh_token: str, client_secret: str = DEFAULT_CLIENT_SECRET) -> httpx.Response:
    """Ask the token endpoint for a new pair."""
    params = {
        "grant_type": "refresh_token",
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": client_secret,
        "refresh_token": refresh_token,
    }
    return client.get("/oauth/token/", params=params)


def assert_error(response: httpx.Response, status: int, code: str, description: str) -> None:
    """The response is a Bitrix24 error with exactly this status, code and description."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code
    assert body["error_description"] == description


# --- transport -------------------------------------------------------------------------------------


def test_portal_serves_https_on_loopback_with_a_certificate_from_the_test_ca(fake_portal: FakePortal) -> None:
    assert fake_portal.url.startswith("https://127.0.0.1:")
    assert fake_portal.port > 0
    with httpx.Client(verify=ssl.create_default_context(cafile=str(fake_portal.ca_pem_path))) as pem_client:
        assert pem_client.post(f"{fake_portal.url}{DELETE_PATH}", json={}).status_code == 401
    with httpx.Client(verify=fake_portal.ssl_context()) as localhost_client:
        response = localhost_client.post(f"https://localhost:{fake_portal.port}{DELETE_PATH}", json={})
        assert response.status_code == 401


def test_portal_certificate_is_rejected_without_the_test_ca(fake_portal: FakePortal) -> None:
    with httpx.Client(verify=ssl.create_default_context()) as system_trust_client, pytest.raises(httpx.ConnectError):
        system_trust_client.post(f"{fake_portal.url}{DELETE_PATH}", json={})


def test_plain_http_is_not_served(fake_portal: FakePortal) -> None:
    plain_url = fake_portal.url.replace("https://", "http://")
    with httpx.Client(timeout=5.0) as plain_client, pytest.raises(httpx.TransportError):
        plain_client.post(f"{plain_url}{DELETE_PATH}", json={})
    assert fake_portal.requests == []


def test_portal_starts_fast_and_stops_without_leaving_threads_behind() -> None:
    started_at = time.perf_counter()
    with FakePortal() as portal:
        assert time.perf_counter() - started_at < 1.0
        portal.issue_tokens(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        keep_alive_client = portal_client(portal)
        assert keep_alive_client.post(DELETE_PATH, json={"auth": portal.access_token}).status_code == 400
        stopping_at = time.perf_counter()
    assert time.perf_counter() - stopping_at < 1.0
    keep_alive_client.close()
    assert [thread.name for thread in threading.enumerate() if thread.name.startswith("fake-portal")] == []


def test_two_hundred_concurrent_connections_are_all_answered() -> None:
    connection_count = 200
    statuses: list[int] = []
    failures: list[BaseException] = []
    start_together = threading.Barrier(connection_count)
    with FakePortal(burst=None, latency=0.3) as portal:
        portal.add_line(DEFAULT_LINE, DEFAULT_CONNECTOR)
        portal.issue_tokens(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        shared_context = portal.ssl_context()
        for index in range(connection_count):
            add_known_message(portal, f"msg-{index}")

        def delete_one(index: int) -> None:
            try:
                with httpx.Client(base_url=portal.url, verify=shared_context, timeout=20.0) as own_client:
                    start_together.wait(timeout=20.0)
                    response = own_client.post(DELETE_PATH, json=delete_body(portal, [message_item(f"msg-{index}")]))
                    statuses.append(response.status_code)
            except BaseException as error:
                failures.append(error)

        workers = [threading.Thread(target=delete_one, args=(index,)) for index in range(connection_count)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30.0)

        assert failures == []
        assert statuses == [200] * connection_count
        assert portal.messages == frozenset()
        assert set(portal.deletions.values()) == {1}
        assert len(portal.deletions) == connection_count
        assert portal.peak_connections > connection_count // 2


def test_latency_delays_every_answer(fake_portal: FakePortal, client: httpx.Client) -> None:
    fake_portal.latency = 0.1
    started_at = time.perf_counter()
    client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item("m")]))
    assert time.perf_counter() - started_at >= 0.1


# --- imconnector.delete.messages -------------------------------------------------------------------


def test_deleting_a_known_message_succeeds_once_and_then_the_message_is_unknown(
    fake_portal: FakePortal, client: httpx.Client
) -> None:
    key = add_known_message(fake_portal, "ext-msg-1001")
    body = delete_body(fake_portal, [message_item("ext-msg-1001")])

    first = client.post(DELETE_PATH, json=body)
    second = client.post(f"{DELETE_PATH}.json", json=body)

    assert first.status_code == 200
    [first_item] = first.json()["result"]["DATA"]["RESULT"]
    assert first_item == {
        "user": fake_portal.internal_user_id(DEFAULT_CONNECTOR, EXTERNAL_USER_ID),
        "message": {"id": "ext-msg-1001"},
        "chat": {"id": CHAT_ID},
        "SUCCESS": True,
    }
    assert first.json()["result"]["SUCCESS"] is True
    assert second.status_code == 200
    [second_item] = second.json()["result"]["DATA"]["RESULT"]
    assert second_item["SUCCESS"] is False
    assert second_item["ERRORS"] == ["Message not found"]
    assert fake_portal.deletions[key] == 1
    assert fake_portal.deletions[(DEFAULT_CONNECTOR, DEFAULT_LINE, CHAT_ID, "ext-msg-1001")] == 1
    assert fake_portal.delete_attempts[key] == 2
    assert not fake_portal.has_message(DEFAULT_CONNECTOR, DEFAULT_LINE, CHAT_ID, "ext-msg-1001")


def test_unknown_message_fails_per_item_inside_http_200(fake_portal: FakePortal, client: httpx.Client) -> None:
    add_known_message(fake_portal, "known-1")
    add_known_message(fake_portal, "known-2")
    messages = [message_item("known-1"), message_item("never-sent"), message_item("known-2", chat_id="other-chat")]

    response = client.post(DELETE_PATH, json=delete_body(fake_portal, messages))

    assert response.status_code == 200
    results = response.json()["result"]["DATA"]["RESULT"]
    assert [item["message"]["id"] for item in results] == ["known-1", "never-sent", "known-2"]
    assert [item["SUCCESS"] for item in results] == [True, False, False]
    assert "ERRORS" not in results[0]
    assert results[1]["ERRORS"] == ["Message not found"]
    assert results[2]["ERRORS"] == ["Message not found"]  # the message was sent in another chat
    assert all(item["user"].isdigit() for item in results)
    assert fake_portal.has_message(DEFAULT_CONNECTOR, DEFAULT_LINE, CHAT_ID, "known-2")


def test_successful_answer_carries_the_documented_time_block(fake_portal: FakePortal, client: httpx.Client) -> None:
    response = client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item("m")]))

    time_block = response.json()["time"]
    assert set(time_block) == {
        "start",
        "finish",
        "duration",
        "processing",
        "date_start",
        "date_finish",
        "operating_reset_at",
        "operating",
    }
    assert isinstance(time_block["operating_reset_at"], int)
    assert time_block["finish"] >= time_block["start"]


@pytest.mark.parametrize(
    ("overrides", "missing_argument"),
    [
        pytest.param(
            {"CONNECTOR": None, "LINE": None, "MESSAGES": None}, "CONNECTOR", id="all-missing-connector-first"
        ),
        pytest.param({"CONNECTOR": ""}, "CONNECTOR", id="empty-connector"),
        pytest.param({"LINE": None, "MESSAGES": []}, "LINE", id="missing-line-before-messages"),
        pytest.param({"LINE": 0}, "LINE", id="zero-line"),
        pytest.param({"MESSAGES": []}, "MESSAGES", id="empty-messages"),
        pytest.param({"MESSAGES": None}, "MESSAGES", id="missing-messages"),
    ],
)
def test_missing_or_empty_required_argument_answers_error_argument_in_documented_order(
    fake_portal: FakePortal, client: httpx.Client, overrides: dict[str, Any], missing_argument: str
) -> None:
    body = delete_body(fake_portal, [message_item("m")], **overrides)
    body = {key: value for key, value in body.items() if value is not None}

    response = client.post(DELETE_PATH, json=body)

    assert_error(response, 400, "ERROR_ARGUMENT", f"Argument '{missing_argument}' is null or empty")


@pytest.mark.parametrize(
    ("connector", "line"),
    [
        pytest.param(DEFAULT_CONNECTOR, 999, id="line-does-not-exist"),
        pytest.param("otherconnector", DEFAULT_LINE, id="line-not-open-for-this-connector"),
    ],
)
def test_line_that_is_not_open_for_the_connector_answers_not_active_line(
    fake_portal: FakePortal, client: httpx.Client, connector: str, line: int
) -> None:
    add_known_message(fake_portal, "m")
    body = delete_body(fake_portal, [message_item("m")], CONNECTOR=connector, LINE=line)

    response = client.post(DELETE_PATH, json=body)

    assert_error(response, 400, "NOT_ACTIVE_LINE", "Line with such ID is inactive or does not exist")
    assert fake_portal.deletions == {}


def test_closed_line_answers_not_active_line(fake_portal: FakePortal, client: httpx.Client) -> None:
    fake_portal.close_line(DEFAULT_LINE, DEFAULT_CONNECTOR)

    response = client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item("m")]))

    assert_error(response, 400, "NOT_ACTIVE_LINE", "Line with such ID is inactive or does not exist")


def test_drop_last_result_items_omits_them_from_the_answer_but_still_deletes_them(
    fake_portal: FakePortal, client: httpx.Client
) -> None:
    keys = [add_known_message(fake_portal, message_id) for message_id in ("a", "b", "c")]
    fake_portal.drop_last_result_items(2)

    dropped = client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item(key.message_id) for key in keys]))
    add_known_message(fake_portal, "d")
    complete = client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item("d")]))

    assert [item["message"]["id"] for item in dropped.json()["result"]["DATA"]["RESULT"]] == ["a"]
    assert all(fake_portal.deletions[key] == 1 for key in keys)
    assert [item["SUCCESS"] for item in complete.json()["result"]["DATA"]["RESULT"]] == [True]


def test_drop_last_result_items_unprocessed_leaves_the_omitted_messages_in_place(
    fake_portal: FakePortal, client: httpx.Client
) -> None:
    first, second = add_known_message(fake_portal, "a"), add_known_message(fake_portal, "b")
    fake_portal.drop_last_result_items(1, processed=False)

    response = client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item("a"), message_item("b")]))

    assert len(response.json()["result"]["DATA"]["RESULT"]) == 1
    assert fake_portal.deletions[first] == 1
    assert fake_portal.deletions[second] == 0
    assert fake_portal.messages == {second}


def test_unknown_method_answers_method_not_found(fake_portal: FakePortal, client: httpx.Client) -> None:
    response = client.post("/rest/imconnector.no.such.method", json={"auth": fake_portal.access_token})

    assert_error(response, 404, "ERROR_METHOD_NOT_FOUND", "Method not found!")


# --- authorization ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_webhook_form_is_refused_with_wrong_auth_type(
    fake_portal: FakePortal, client: httpx.Client, suffix: str
) -> None:
    add_known_message(fake_portal, "m")
    body = delete_body(fake_portal, [message_item("m")])

    response = client.post(f"/rest/1/webhookcode123/{DELETE_MESSAGES_METHOD}{suffix}", json=body)

    assert_error(
        response,
        403,
        "WRONG_AUTH_TYPE",
        "Current authorization type is denied for this method Application context required",
    )
    assert fake_portal.deletions == {}
    assert fake_portal.requests[-1].via_webhook is True


def test_access_token_is_also_accepted_in_the_query_string(fake_portal: FakePortal, client: httpx.Client) -> None:
    key = add_known_message(fake_portal, "m")
    body = delete_body(fake_portal, [message_item("m")])
    del body["auth"]

    response = client.post(DELETE_PATH, params={"auth": fake_portal.access_token}, json=body)

    assert response.status_code == 200
    assert fake_portal.deletions[key] == 1


@pytest.mark.parametrize("auth", [None, "not-a-token"], ids=["missing", "unknown"])
def test_missing_or_unknown_access_token_answers_no_auth_found(
    fake_portal: FakePortal, client: httpx.Client, auth: str | None
) -> None:
    body = delete_body(fake_portal, [message_item("m")], auth=auth)

    response = client.post(DELETE_PATH, json={key: value for key, value in body.items() if value is not None})

    assert_error(response, 401, "NO_AUTH_FOUND", "Wrong authorization data")


def test_expired_access_token_answers_expired_token_until_refreshed(
    fake_portal: FakePortal, client: httpx.Client
) -> None:
    key = add_known_message(fake_portal, "m")
    old_access, old_refresh = fake_portal.access_token, fake_portal.refresh_token
    fake_portal.expire_access_token()

    refused = client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item("m")]))
    refreshed = refresh(client, old_refresh)
    new_pair = refreshed.json()
    retried = client.post(
        DELETE_PATH, json=delete_body(fake_portal, [message_item("m")], auth=new_pair["access_token"])
    )

    assert_error(refused, 401, "expired_token", "The access token provided has expired")
    assert refreshed.status_code == 200
    assert new_pair["access_token"] != old_access
    assert new_pair["refresh_token"] != old_refresh
    assert new_pair["expires_in"] == 3600
    assert new_pair["client_endpoint"] == f"{fake_portal.url}/rest/"
    expected_fields = {"access_token", "refresh_token", "expires_in", "expires", "domain", "member_id", "scope"}
    assert expected_fields | {"status", "user_id", "client_endpoint", "server_endpoint"} <= set(new_pair)
    assert (fake_portal.access_token, fake_portal.refresh_token) == (
        new_pair["access_token"],
        new_pair["refresh_token"],
    )
    assert fake_portal.refresh_count == 1
    assert retried.status_code == 200
    assert fake_portal.deletions[key] == 1


def test_refresh_token_is_single_use(fake_portal: FakePortal, client: httpx.Client) -> None:
    old_refresh = fake_portal.refresh_token

    first = refresh(client, old_refresh)
    reused = refresh(client, old_refresh)
    rotated = refresh(client, first.json()["refresh_token"])

    assert first.status_code == 200
    assert reused.status_code in (400, 401)
    assert reused.json()["error"] == "invalid_grant"
    assert rotated.status_code == 200
    assert fake_portal.refresh_count == 2


def test_token_endpoint_checks_client_credentials_before_using_the_refresh_token(
    fake_portal: FakePortal, client: httpx.Client
) -> None:
    refresh_token = fake_portal.refresh_token

    wrong_secret = refresh(client, refresh_token, client_secret="wrong-secret")
    right_secret = refresh(client, refresh_token)

    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["error"] == "invalid_client"
    assert right_secret.status_code == 200
    assert fake_portal.refresh_count == 1


# --- limits and injected trouble -------------------------------------------------------------------


def test_leaky_bucket_answers_503_over_burst_without_processing_and_drains_over_time() -> None:
    with FakePortal(burst=3, drain_per_second=1.0) as portal, portal_client(portal) as http_client:
        portal.add_line(DEFAULT_LINE, DEFAULT_CONNECTOR)
        portal.issue_tokens(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        key = add_known_message(portal, "m")
        harmless_body = delete_body(portal, [message_item("never-sent")])

        within_burst = [http_client.post(DELETE_PATH, json=harmless_body).status_code for _ in range(3)]
        over_limit = http_client.post(DELETE_PATH, json=delete_body(portal, [message_item("m")]))
        time.sleep(1.05)
        after_draining = http_client.post(DELETE_PATH, json=delete_body(portal, [message_item("m")]))

        assert within_burst == [200, 200, 200]
        assert_error(over_limit, 503, "QUERY_LIMIT_EXCEEDED", "Too many requests")
        assert after_draining.status_code == 200
        assert portal.deletions[key] == 1
        assert [record.status for record in portal.calls_to(DELETE_MESSAGES_METHOD)] == [200, 200, 200, 503, 200]


def test_rate_limit_can_be_turned_off(fake_portal: FakePortal, client: httpx.Client) -> None:
    fake_portal.set_bucket(2, drain_per_second=0.001)
    fake_portal.disable_rate_limit()

    statuses = {
        client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item("m")])).status_code for _ in range(5)
    }

    assert statuses == {200}


def test_blocked_operations_answer_429_with_the_reset_time(fake_portal: FakePortal, client: httpx.Client) -> None:
    key = add_known_message(fake_portal, "m")
    reset_at = fake_portal.block_operations(60)

    blocked = client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item("m")]))
    fake_portal.unblock_operations()
    unblocked = client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item("m")]))

    assert_error(blocked, 429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit")
    assert blocked.json()["time"]["operating_reset_at"] == reset_at
    assert isinstance(reset_at, int)
    assert reset_at >= time.time() + 59
    assert unblocked.status_code == 200
    assert fake_portal.deletions[key] == 1


def test_fail_next_answers_internal_server_error_then_recovers(fake_portal: FakePortal, client: httpx.Client) -> None:
    key = add_known_message(fake_portal, "m")
    fake_portal.fail_next(2)
    body = delete_body(fake_portal, [message_item("m")])

    failures = [client.post(DELETE_PATH, json=body) for _ in range(2)]
    recovered = client.post(DELETE_PATH, json=body)

    for failure in failures:
        assert_error(failure, 500, "INTERNAL_SERVER_ERROR", "Internal server error")
    assert recovered.status_code == 200
    assert fake_portal.deletions[key] == 1


def test_fail_next_with_html_answers_a_non_json_502_page(fake_portal: FakePortal, client: httpx.Client) -> None:
    fake_portal.fail_next_with_html(1)
    body = delete_body(fake_portal, [message_item("m")])

    page = client.post(DELETE_PATH, json=body)
    recovered = client.post(DELETE_PATH, json=body)

    assert page.status_code == 502
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.lstrip().startswith("<html>")
    with pytest.raises(ValueError):
        page.json()
    assert recovered.status_code == 200


def test_overload_answers_503_overload_limit_until_lifted(fake_portal: FakePortal, client: httpx.Client) -> None:
    fake_portal.overload()
    body = delete_body(fake_portal, [message_item("m")])

    overloaded = client.post(DELETE_PATH, json=body)
    fake_portal.overload(False)
    lifted = client.post(DELETE_PATH, json=body)

    assert_error(overloaded, 503, "OVERLOAD_LIMIT", "REST API is blocked due to overload")
    assert lifted.status_code == 200


# --- fixture and request log -----------------------------------------------------------------------


def test_fixture_portal_has_line_107_for_myconnector_and_tokens_for_app_test(
    fake_portal: FakePortal, client: httpx.Client
) -> None:
    key = add_known_message(fake_portal, "m")

    deleted = client.post(DELETE_PATH, json=delete_body(fake_portal, [message_item("m")]))
    refreshed = refresh(client, fake_portal.refresh_token)

    assert deleted.status_code == 200
    assert fake_portal.deletions[key] == 1
    assert refreshed.status_code == 200


def test_request_log_records_method_status_webhook_flag_and_time(fake_portal: FakePortal, client: httpx.Client) -> None:
    before = time.time()
    client.post(f"{DELETE_PATH}.json", json=delete_body(fake_portal, [message_item("m")]))
    client.post(f"/rest/1/code/{DELETE_MESSAGES_METHOD}", json={})
    refresh(client, fake_portal.refresh_token)

    records = fake_portal.requests

    assert [(record.method, record.status, record.via_webhook) for record in records] == [
        (DELETE_MESSAGES_METHOD, 200, False),
        (DELETE_MESSAGES_METHOD, 403, True),
        ("oauth/token", 200, False),
    ]
    assert all(before <= record.at <= time.time() for record in records)
