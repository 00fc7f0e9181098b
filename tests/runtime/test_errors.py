"""`errors`: the exception hierarchy, status groups and the exception for an error answer."""

from __future__ import annotations

import pickle

import pytest
from client_runtime import errors
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
    error_from_answer,
    group_for_status,
)


class NotFoundError(BadRequestError):
    CODE = "ERROR_NOT_FOUND"


KNOWN: dict[str, type[ApiError]] = {"error_not_found": NotFoundError}


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        (InvalidArgumentError, Bitrix24Error),
        (ConfigurationError, Bitrix24Error),
        (TransportError, Bitrix24Error),
        (UnexpectedResponseError, Bitrix24Error),
        (ApiError, Bitrix24Error),
        (AuthError, ApiError),
        (TokenRefreshError, AuthError),
        (RateLimitError, ApiError),
        (BadRequestError, ApiError),
        (ServerError, ApiError),
    ],
)
def test_the_hierarchy_is_as_documented(child: type[Exception], parent: type[Exception]) -> None:
    assert issubclass(child, parent)


def test_every_exported_name_exists() -> None:
    assert all(hasattr(errors, name) for name in errors.__all__)


@pytest.mark.parametrize(
    ("status", "group"),
    [
        (401, AuthError),
        (403, AuthError),
        (429, RateLimitError),
        (503, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (504, ServerError),
        (400, BadRequestError),
        (404, BadRequestError),
        (405, BadRequestError),
        (200, ApiError),
        (None, ApiError),
    ],
)
def test_a_status_belongs_to_its_group(status: int | None, group: type[ApiError]) -> None:
    assert group_for_status(status) is group


def test_a_documented_code_raises_its_own_class() -> None:
    error = error_from_answer(KNOWN, "ERROR_NOT_FOUND", "no such line", 400, "imconnector.send")
    assert type(error) is NotFoundError


def test_codes_are_matched_case_insensitively() -> None:
    assert type(error_from_answer(KNOWN, "Error_Not_Found", "", 400)) is NotFoundError


def test_an_undocumented_code_raises_the_group_of_its_status() -> None:
    assert type(error_from_answer(KNOWN, "SOMETHING_NEW", "", 503)) is RateLimitError


def test_an_api_error_keeps_what_the_portal_said() -> None:
    error = error_from_answer(KNOWN, "OPERATION_TIME_LIMIT", "too long", 429, "crm.list", 1700000000.4)
    assert (error.code, error.description, error.status, error.method, error.reset_at) == (
        "OPERATION_TIME_LIMIT",
        "too long",
        429,
        "crm.list",
        1700000000.4,
    )


def test_an_api_errors_message_names_method_code_status_and_reset_time() -> None:
    error = ApiError("OPERATION_TIME_LIMIT", "too long", 429, "crm.list", 1700000000.4)
    assert str(error) == "crm.list: OPERATION_TIME_LIMIT (HTTP 429): too long; blocked until unix time 1700000000"


def test_an_api_error_without_a_method_starts_with_the_code() -> None:
    assert str(ApiError("X", "d", 500)) == "X (HTTP 500): d"


def test_invalid_arguments_list_every_problem() -> None:
    error = InvalidArgumentError("m.x", ["A: is required", "B: must not be empty"])
    assert (str(error), error.problems) == (
        "m.x: invalid arguments: A: is required; B: must not be empty",
        ["A: is required", "B: must not be empty"],
    )


def test_a_transport_error_says_no_answer() -> None:
    error = TransportError("m.x", "ConnectError")
    assert (str(error), error.reason) == ("m.x: no answer from the portal: ConnectError", "ConnectError")


def test_an_unexpected_response_shows_status_reason_and_excerpt() -> None:
    error = UnexpectedResponseError("m.x", 502, "the body is not JSON", "<html>")
    assert str(error) == "m.x: unexpected answer (HTTP 502): the body is not JSON; body starts: '<html>'"


def test_an_api_error_survives_pickling() -> None:
    error = ApiError("ERROR_ARGUMENT", "bad", 400, "m.x")
    again = pickle.loads(pickle.dumps(error))
    assert (again.code, again.status, str(again)) == ("ERROR_ARGUMENT", 400, str(error))
