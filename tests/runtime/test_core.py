"""`core`: endpoints, connections and URLs, request bodies, and reading answers into results or errors."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from client_runtime import core, model, secrets
from client_runtime.core import APPLICATION, NOT_JSON, WEBHOOK, Connection, Endpoint, Exchange, RawResponse
from client_runtime.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    ConfigurationError,
    InvalidArgumentError,
    RateLimitError,
    UnexpectedResponseError,
)

from tests.support import SECRETS_SEEN

TOKEN = "CORE-access-token-61b0"
WEBHOOK_CODE = "COREwebhook4k2m9"
SECRETS_SEEN.update({TOKEN, WEBHOOK_CODE})


def read_name(payload: Any) -> str:
    return model.required(model.as_object(payload), "result", model.as_str)


PROFILE = Endpoint(
    method="profile",
    decode=read_name,
    request_schema={"type": ["object"], "properties": {"ID": {"type": ["integer"]}}, "required": ["ID"]},
    contexts=(APPLICATION,),
    idempotent=True,
)


class LineNotFoundError(BadRequestError):
    CODE = "LINE_NOT_FOUND"


KNOWN: dict[str, type[ApiError]] = {"line_not_found": LineNotFoundError}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Ref(model.Model):
    id: int
    extra_fields: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False)


Ref._FIELDS = (("id", "ID", model.as_int, True, None),)


def failure_of(status: int, payload: Any, content: bytes = b"") -> Exception:
    return core.failure(PROFILE, status, payload, content, KNOWN)


def api_error_of(status: int, payload: Any) -> ApiError:
    error = failure_of(status, payload)
    assert isinstance(error, ApiError)
    return error


# --- Connection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("portal", "base_url"),
    [
        ("example.bitrix24.com", "https://example.bitrix24.com/rest/"),
        ("https://example.bitrix24.com", "https://example.bitrix24.com/rest/"),
        ("https://example.bitrix24.com/", "https://example.bitrix24.com/rest/"),
        ("https://example.bitrix24.com/rest", "https://example.bitrix24.com/rest/"),
        ("https://example.bitrix24.com/rest/", "https://example.bitrix24.com/rest/"),
        ("example.test:8443", "https://example.test:8443/rest/"),
        ("https://intranet.test/bitrix/?lang=en", "https://intranet.test/bitrix/rest/"),
    ],
)
def test_a_portal_in_any_usual_form_gets_its_rest_url(portal: str, base_url: str) -> None:
    connection = Connection.for_portal(portal)
    assert (connection.base_url, connection.context) == (base_url, APPLICATION)


def test_a_plain_http_portal_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="refusing plain http://"):
        Connection.for_portal("http://example.bitrix24.com")


def test_a_plain_http_portal_is_allowed_for_a_local_test_server_when_asked() -> None:
    connection = Connection.for_portal("http://127.0.0.1:8080", allow_insecure_http=True)
    assert connection.base_url == "http://127.0.0.1:8080/rest/"


def test_a_scheme_other_than_https_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="unsupported URL scheme 'ftp'"):
        Connection.for_portal("ftp://example.bitrix24.com")


def test_a_portal_without_a_host_name_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="has no host name"):
        Connection.for_portal("https://")


def test_a_webhook_url_is_its_own_base_url() -> None:
    connection = Connection.for_webhook(f"https://example.bitrix24.com/rest/1/{WEBHOOK_CODE}/")
    assert (connection.base_url, connection.context) == (
        f"https://example.bitrix24.com/rest/1/{WEBHOOK_CODE}/",
        WEBHOOK,
    )


def test_a_webhook_url_without_the_trailing_slash_gets_one() -> None:
    connection = Connection.for_webhook(f"https://example.bitrix24.com/rest/1/{WEBHOOK_CODE}")
    assert connection.base_url == f"https://example.bitrix24.com/rest/1/{WEBHOOK_CODE}/"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.bitrix24.com/rest/",
        "https://example.bitrix24.com/rest/1/",
        f"https://example.bitrix24.com/api/1/{WEBHOOK_CODE}/",
        f"https://example.bitrix24.com/rest/1/{WEBHOOK_CODE}/profile",
        "https:///rest/1/code/",
    ],
)
def test_a_url_that_is_no_webhook_url_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match="a webhook URL looks like"):
        Connection.for_webhook(url)


def test_a_plain_http_webhook_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="refusing plain http://"):
        Connection.for_webhook(f"http://example.bitrix24.com/rest/1/{WEBHOOK_CODE}/")


def test_a_method_url_is_the_base_url_and_the_method_name() -> None:
    assert Connection.for_portal("example.bitrix24.com").url_for(PROFILE) == "https://example.bitrix24.com/rest/profile"


def test_a_webhook_connections_repr_hides_the_code() -> None:
    text = repr(Connection.for_webhook(f"https://example.bitrix24.com/rest/1/{WEBHOOK_CODE}/"))
    assert text == "Connection('https://example.bitrix24.com/rest/1/***/', 'webhook')"


# --- redact_url -----------------------------------------------------------------------------


def test_redact_url_masks_the_webhook_code() -> None:
    url = f"https://example.bitrix24.com/rest/12/{WEBHOOK_CODE}/profile"
    assert core.redact_url(url) == "https://example.bitrix24.com/rest/12/***/profile"


def test_redact_url_drops_the_query_where_a_token_may_be() -> None:
    assert core.redact_url(f"https://example.bitrix24.com/rest/profile?auth={TOKEN}") == (
        "https://example.bitrix24.com/rest/profile"
    )


def test_redact_url_leaves_a_portal_url_as_it_is() -> None:
    assert core.redact_url("https://example.bitrix24.com/rest/") == "https://example.bitrix24.com/rest/"


def test_redact_url_leaves_a_method_after_rest_alone() -> None:
    assert core.redact_url("https://example.bitrix24.com/rest/crm.lead.add/x") == (
        "https://example.bitrix24.com/rest/crm.lead.add/x"
    )


# --- check_context, prepare_body ------------------------------------------------------------


def test_a_method_is_refused_in_an_auth_context_it_does_not_accept() -> None:
    webhook = Connection.for_webhook(f"https://example.bitrix24.com/rest/1/{WEBHOOK_CODE}/")
    with pytest.raises(ConfigurationError, match="profile needs application context"):
        core.check_context(PROFILE, webhook)


def test_a_method_is_accepted_in_its_auth_context() -> None:
    assert core.check_context(PROFILE, Connection.for_portal("example.bitrix24.com")) is None


def test_the_body_leaves_out_arguments_that_are_none() -> None:
    assert core.prepare_body(PROFILE, {"ID": 1, "FILTER": None}) == {"ID": 1}


def test_the_body_has_models_and_tuples_as_plain_json() -> None:
    assert core.prepare_body(PROFILE, {"ID": 1, "REFS": (Ref(id=2),)}) == {"ID": 1, "REFS": [{"ID": 2}]}


def test_arguments_that_break_the_rules_raise_before_sending() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        core.prepare_body(PROFILE, {"ID": "one"})
    assert (caught.value.method, caught.value.problems) == ("profile", ["ID: expected integer, got 'one'"])


def test_a_required_argument_given_as_none_is_reported_missing() -> None:
    with pytest.raises(InvalidArgumentError, match="ID: is required"):
        core.prepare_body(PROFILE, {"ID": None})


def test_an_endpoint_compiles_its_rules_once() -> None:
    assert PROFILE.checker is PROFILE.checker


# --- parse_json, error_code, reset_at, is_success -------------------------------------------


def test_parse_json_reads_json() -> None:
    assert core.parse_json(b'{"result": [1]}') == {"result": [1]}


@pytest.mark.parametrize("content", [b"<html>502</html>", b"", b"\xff\xfe{", b"[" * 100_000])
def test_a_body_that_is_no_json_is_not_json(content: bytes) -> None:
    assert core.parse_json(content) is NOT_JSON


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"error": "ERROR_CORE"}, "ERROR_CORE"),
        ({"error": ""}, None),
        ({"error": 5}, None),
        ({"result": 1}, None),
        ([{"error": "X"}], None),
        (NOT_JSON, None),
    ],
)
def test_error_code_is_the_error_string_of_an_object(payload: Any, code: str | None) -> None:
    assert core.error_code(payload) == code


@pytest.mark.parametrize(
    ("payload", "moment"),
    [
        ({"time": {"operating_reset_at": 1700000000}}, 1700000000.0),
        ({"time": {"operating_reset_at": "1700000000.5"}}, 1700000000.5),
        ({"time": {"operating_reset_at": True}}, None),
        ({"time": {"operating_reset_at": "soon"}}, None),
        ({"time": {"operating_reset_at": "inf"}}, None),
        ({"time": {"operating_reset_at": 10**400}}, None),
        ({"time": {}}, None),
        ({"time": 5}, None),
        ({}, None),
        (NOT_JSON, None),
    ],
)
def test_reset_at_reads_a_finite_operating_reset_at(payload: Any, moment: float | None) -> None:
    assert core.reset_at(payload) == moment


@pytest.mark.parametrize(
    ("status", "payload", "success"),
    [
        (200, {"result": 1}, True),
        (200, [], True),
        (200, {"error": "ERROR_ARGUMENT"}, False),
        (400, {"result": 1}, False),
        (500, {"result": 1}, False),
        (200, NOT_JSON, False),
    ],
)
def test_an_answer_succeeds_with_json_a_status_below_400_and_no_error_code(
    status: int, payload: Any, success: bool
) -> None:
    assert core.is_success(status, payload) is success


# --- failure --------------------------------------------------------------------------------


def test_a_documented_error_code_raises_its_class_from_known() -> None:
    error = api_error_of(400, {"error": "LINE_NOT_FOUND", "error_description": "no line"})
    assert type(error) is LineNotFoundError and (error.code, error.description, error.method) == (
        "LINE_NOT_FOUND",
        "no line",
        "profile",
    )


def test_known_codes_are_matched_whatever_their_case() -> None:
    assert type(failure_of(400, {"error": "line_not_found"})) is LineNotFoundError


def test_an_undocumented_code_raises_its_status_group() -> None:
    assert type(failure_of(401, {"error": "expired_token"})) is AuthError


def test_a_code_inside_http_200_raises_a_plain_api_error() -> None:
    assert type(failure_of(200, {"error": "SOMETHING"})) is ApiError


def test_a_numeric_description_is_kept_as_text() -> None:
    assert api_error_of(400, {"error": "X", "error_description": 42}).description == "42"


def test_a_description_that_is_not_text_is_left_out() -> None:
    assert api_error_of(400, {"error": "X", "error_description": {"a": 1}}).description == ""


def test_a_description_repeating_a_secret_is_masked() -> None:
    secrets.register(TOKEN)
    error = api_error_of(401, {"error": "invalid_token", "error_description": f"token {TOKEN} is invalid"})
    assert error.description == "token *** is invalid"


def test_the_reset_time_travels_with_the_error() -> None:
    payload = {"error": "OPERATION_TIME_LIMIT", "time": {"operating_reset_at": 1700000000}}
    error = api_error_of(429, payload)
    assert type(error) is RateLimitError and error.reset_at == 1700000000.0


def test_a_body_that_is_not_json_raises_unexpected_response_with_an_excerpt() -> None:
    error = failure_of(502, NOT_JSON, b"<html>Bad gateway</html>")
    assert isinstance(error, UnexpectedResponseError) and (error.status, error.reason, error.excerpt) == (
        502,
        "the body is not JSON",
        "<html>Bad gateway</html>",
    )


def test_an_error_status_with_json_but_no_code_raises_unexpected_response() -> None:
    error = failure_of(500, {"result": None}, b'{"result": null}')
    assert isinstance(error, UnexpectedResponseError) and error.reason == "an error status without an error code"


# --- excerpt --------------------------------------------------------------------------------


def test_an_excerpt_is_the_start_of_the_body_with_an_ellipsis() -> None:
    text = core.excerpt(b"a" * 500)
    assert text == "a" * core.EXCERPT_LENGTH + "..."


def test_a_short_body_is_excerpted_whole() -> None:
    assert core.excerpt(b"short body") == "short body"


def test_an_excerpt_reads_broken_utf8_leniently() -> None:
    assert core.excerpt(b"caf\xc3") == "caf\ufffd"


def test_an_excerpt_masks_secrets() -> None:
    secrets.register(TOKEN)
    assert core.excerpt(f'{{"auth": "{TOKEN}"}}'.encode()) == '{"auth": "***"}'


def test_an_excerpt_shows_no_part_of_a_secret_cut_at_its_end() -> None:
    secrets.register(TOKEN)
    content = b"x" * (core.EXCERPT_LENGTH - 10) + TOKEN.encode()
    assert TOKEN[:10] not in core.excerpt(content)


# --- decode, RawResponse --------------------------------------------------------------------


def test_decode_returns_the_typed_result() -> None:
    assert core.decode(PROFILE, {"result": "Ann"}, 200, b"") == "Ann"


def test_an_answer_off_the_spec_raises_unexpected_response_naming_where() -> None:
    with pytest.raises(UnexpectedResponseError) as caught:
        core.decode(PROFILE, {"result": []}, 200, b'{"result": []}')
    assert (caught.value.reason, caught.value.excerpt) == (
        "does not match the spec at result: expected a string, got list of 0",
        '{"result": []}',
    )


def test_an_answer_nested_too_deeply_raises_unexpected_response() -> None:
    def recurse(payload: Any) -> Any:
        return recurse(payload)

    endpoint = dataclasses.replace(PROFILE, decode=recurse)
    with pytest.raises(UnexpectedResponseError, match="nested too deeply"):
        core.decode(endpoint, {}, 200, b"{}")


def test_a_raw_response_shows_the_last_exchange() -> None:
    first = Exchange(200, {"x-n": "1"}, {"n": 1}, 0.1, 1, b"1")
    last = Exchange(201, {"x-n": "2"}, {"n": 2}, 0.2, 3, b"2")
    raw = RawResponse("result", (first, last))
    assert (raw.result, raw.status_code, raw.headers, raw.json) == ("result", 201, {"x-n": "2"}, {"n": 2})


def test_an_exchanges_repr_leaves_out_the_body() -> None:
    assert "content" not in repr(Exchange(200, {}, None, 0.0, 1, b"body-bytes"))
