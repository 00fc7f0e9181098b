"""Hostile responses: answers that are not what the docs promise never crash the generated client.

Whatever the portal (or a proxy in front of it) sends back, `client.imconnector.delete_messages()`
either returns a typed response with exactly one outcome per sent message, or raises one of the
package's own exceptions (all below `bitrix24_rest.Bitrix24Error`): never KeyError, TypeError,
AttributeError, ValueError, OverflowError, RecursionError or anything else. Every such exception
names the HTTP status, and for bodies that are not JSON or have the wrong shape it quotes a short
excerpt of the body. Where an answer can be read leniently without losing meaning (extra fields,
"Y"/"N" and 1/0 booleans, numbers sent as strings or strings sent as numbers, PHP's `{}` and
`{"0": ...}` for arrays) it is read, and the extra fields are kept in `extra_fields`.

Two kinds of test, all through `httpx.MockTransport` with no retries and no pacing:

- a table of hand-made hostile answers (`CASES`), each with the outcome it must have, run through
  `Client` and a few of them through `AsyncClient`;
- a hypothesis test feeding random JSON (and random bytes) with random status codes, both free-form
  and "shaped" like the documented answer with random values at the known keys.

The default example count is modest; `HYPOTHESIS_PROFILE=long` runs 5000 random answers.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import bitrix24_rest
import httpx
import pytest
from bitrix24_rest import AsyncClient, Client, errors
from bitrix24_rest.models import DeleteMessagesItemResult, ImconnectorDeleteMessagesResponse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

PORTAL = "example.bitrix24.com"
METHOD = "imconnector.delete.messages"
NOT_ANSWERED = "The portal returned no result for this item"
"""The error text of an outcome the client made up for an item the portal did not answer for."""
MAX_EXCERPT = 203
"""About 200 characters of body, plus "..." when cut."""

# Loading a profile is global, so it happens only when asked for; the example count of the test
# below is set explicitly either way, so the order in which test modules register "long" does not
# change what any of them runs.
PROFILE = os.environ.get("HYPOTHESIS_PROFILE")
settings.register_profile("long", max_examples=5000, deadline=None)
if PROFILE == "long":
    settings.load_profile("long")
RANDOM_ANSWERS = settings(
    max_examples=5000 if PROFILE == "long" else 300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# -- requests and answers -------------------------------------------------------------------------


def message(i: int) -> dict[str, Any]:
    """The i-th message to delete; its ids are numeric strings, as external systems often use."""
    return {"user": {"id": f"ext-user-{i}"}, "message": {"id": str(1001 + i)}, "chat": {"id": "77"}}


def outcome(i: int, **fields: Any) -> dict[str, Any]:
    """The portal's outcome for message(i), with `fields` changed."""
    return {"user": "585", "message": {"id": str(1001 + i)}, "chat": {"id": "77"}, "SUCCESS": True, **fields}


def answer(*items: Any) -> dict[str, Any]:
    """A documented successful answer with these outcomes in RESULT."""
    return {"result": {"SUCCESS": True, "DATA": {"RESULT": list(items)}}}


def encode(body: Any) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


def new_client(status: int, content: bytes, headers: dict[str, str] | None = None) -> Client:
    def handler(request: httpx.Request) -> httpx.Response:
        # A byte stream, as a real transport delivers it: the body is decoded when read.
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(content))

    return Client(PORTAL, access_token="t", transport=httpx.MockTransport(handler), max_retries=0, rate_limit=None)


def call(status: int, content: bytes, n: int, headers: dict[str, str] | None = None) -> Any:
    """The response to deleting n messages, or the exception raised."""
    with new_client(status, content, headers) as client:
        try:
            return client.imconnector.delete_messages(
                connector="myconnector", line=107, messages=[message(i) for i in range(n)]
            )
        except Exception as exc:  # judged by the caller: only package exceptions may come out
            return exc


def call_async(status: int, content: bytes, n: int, headers: dict[str, str] | None = None) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        # A byte stream, as a real transport delivers it: the body is decoded when read.
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(content))

    async def run() -> Any:
        transport = httpx.MockTransport(handler)
        async with AsyncClient(PORTAL, access_token="t", transport=transport, max_retries=0, rate_limit=None) as client:
            try:
                return await client.imconnector.delete_messages(
                    connector="myconnector", line=107, messages=[message(i) for i in range(n)]
                )
            except Exception as exc:
                return exc

    return asyncio.run(run())


# -- expected outcomes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Raises:
    """The call raises `exception` (exactly that class unless `exact` is False; a tuple means any of
    them), its message names the HTTP status and contains every text in `says`."""

    exception: type[bitrix24_rest.Bitrix24Error] | tuple[type[bitrix24_rest.Bitrix24Error], ...]
    says: tuple[str, ...] = ()
    exact: bool = True
    check: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class Reads:
    """The call returns a response; `outcomes` has one entry per sent message: True/False is the
    SUCCESS the portal gave, None an item the portal did not answer for (reported as failed).
    With `same`, `to_dict()` gives back the body exactly (no field lost or changed)."""

    outcomes: tuple[bool | None, ...]
    same: bool = False
    check: Callable[[ImconnectorDeleteMessagesResponse], None] | None = None


@dataclass(frozen=True)
class Survives:
    """Either a response with one outcome per message or UnexpectedResponseError; both are fine."""


Expected = Raises | Reads | Survives


def check_outcome(result: Any, status: int, content: bytes, n: int, expected: Expected) -> None:
    if isinstance(result, BaseException) and not isinstance(result, bitrix24_rest.Bitrix24Error):
        raise AssertionError(f"a non-package exception escaped: {type(result).__name__}: {result}") from result
    if isinstance(expected, Survives):
        if isinstance(result, bitrix24_rest.Bitrix24Error):
            expected = Raises(errors.UnexpectedResponseError)
        else:
            assert isinstance(result, ImconnectorDeleteMessagesResponse), f"expected a response, got {result!r}"
            assert len(result.items) == n
            return
    if isinstance(expected, Raises):
        assert isinstance(result, bitrix24_rest.Bitrix24Error), f"expected {expected.exception}, got {result!r}"
        check_exception(result, status, content, expected)
    else:
        assert isinstance(result, ImconnectorDeleteMessagesResponse), f"expected a response, got {result!r}"
        check_response(result, content, n, expected)


def check_exception(exc: bitrix24_rest.Bitrix24Error, status: int, content: bytes, expected: Raises) -> None:
    classes = expected.exception if isinstance(expected.exception, tuple) else (expected.exception,)
    if expected.exact:
        assert type(exc) in classes, f"expected exactly {classes}, got {type(exc).__name__}: {exc}"
    else:
        assert isinstance(exc, classes), f"expected {classes}, got {type(exc).__name__}: {exc}"
    text = str(exc)
    assert f"HTTP {status}" in text, text
    assert len(text) < 1000, f"message of {len(text)} characters"
    for part in expected.says:
        assert part in text, f"{part!r} not in {text!r}"
    if isinstance(exc, errors.UnexpectedResponseError):
        assert exc.status == status
        assert exc.method == METHOD
        assert len(exc.excerpt) <= MAX_EXCERPT
        if content:
            start = content[:400].decode("utf-8", "replace")[:10]
            assert exc.excerpt.startswith(start), (exc.excerpt, start)
            assert exc.excerpt[:10] in text or repr(exc.excerpt[:10])[1:-1] in text, text
    if isinstance(exc, errors.ApiError):
        assert exc.status == status
        assert exc.code in text
    if expected.check is not None:
        expected.check(exc)


def check_response(result: ImconnectorDeleteMessagesResponse, content: bytes, n: int, expected: Reads) -> None:
    assert len(result.items) == n, f"{len(result.items)} outcomes for {n} messages"
    assert len(expected.outcomes) == n
    for item, want in zip(result.items, expected.outcomes, strict=True):
        assert isinstance(item, DeleteMessagesItemResult)
        if want is None:
            assert item.success is False
            assert item.errors == [NOT_ANSWERED], item
        else:
            assert item.success is want, item
            assert item.errors != [NOT_ANSWERED], item
    assert result.failed == [item for item in result.items if not item.success]
    if expected.same:
        assert result.to_dict() == json.loads(content)
    if expected.check is not None:
        expected.check(result)


# -- checks of particular cases -------------------------------------------------------------------


def description_is(text: str) -> Callable[[Any], None]:
    def check(exc: Any) -> None:
        assert exc.description == text

    return check


def reset_at_is(value: float | None) -> Callable[[Any], None]:
    def check(exc: Any) -> None:
        assert exc.reset_at == value

    return check


def top_level_success_is_false(result: ImconnectorDeleteMessagesResponse) -> None:
    assert result.result.success is False


def numbers_are_read_as_strings(result: ImconnectorDeleteMessagesResponse) -> None:
    item = result.items[0]
    assert item.user == "585"
    assert item.message is not None and item.message.id == "1001"
    assert item.message.date == 1773267564
    assert item.chat is not None and item.chat.id == "77"
    assert item.errors == ["404"]


def php_arrays_are_lists(result: ImconnectorDeleteMessagesResponse) -> None:
    item = result.items[0]
    assert item.errors == []
    assert item.message is not None and item.message.files == ["a.png"]


def nulls_are_absent(result: ImconnectorDeleteMessagesResponse) -> None:
    item = result.items[0]
    assert (item.user, item.message, item.chat, item.errors) == (None, None, None, None)


def error_null_is_kept(result: ImconnectorDeleteMessagesResponse) -> None:
    assert result.extra_fields == {"error": None}


def date_is_exact(result: ImconnectorDeleteMessagesResponse) -> None:
    item = result.items[0]
    assert item.message is not None and item.message.date == 10**40


def operating_is_1e308(result: ImconnectorDeleteMessagesResponse) -> None:
    assert result.time is not None and result.time.operating == 1e308


def reset_at_is_exact(result: ImconnectorDeleteMessagesResponse) -> None:
    assert result.time is not None and result.time.operating_reset_at == 10**400


def only_the_matching_outcome_is_kept(result: ImconnectorDeleteMessagesResponse) -> None:
    (item,) = result.items
    assert item.message is not None and item.message.id == "1001"
    assert item.extra_fields == {"note": "the right one"}


def outcomes_belong_to_their_messages(result: ImconnectorDeleteMessagesResponse) -> None:
    assert [item.message.id if item.message else None for item in result.items] == ["1001", "1002"]


EXTRA_BODY: dict[str, Any] = {
    "result": {
        "SUCCESS": True,
        "DATA": {
            "RESULT": [
                outcome(
                    0,
                    message={"id": "1001", "author": {"name": "bot"}},
                    chat={"id": "77", "name": "Support"},
                    priority=5,
                )
            ],
            "next": 1,
        },
        "warnings": [],
    },
    "time": {"start": 1773267564, "memory": 12.5, "date_start": "2026-03-11T14:19:24+01:00"},
    "total": 1,
    "": "empty key",
}


def extra_fields_are_kept(result: ImconnectorDeleteMessagesResponse) -> None:
    assert result.extra_fields == {"total": 1, "": "empty key"}
    assert result.result.extra_fields == {"warnings": []}
    assert result.result.data is not None and result.result.data.extra_fields == {"next": 1}
    assert result.time is not None and result.time.extra_fields == {"memory": 12.5}
    item = result.items[0]
    assert item.extra_fields == {"priority": 5}
    assert item.message is not None and item.message.extra_fields == {"author": {"name": "bot"}}
    assert item.chat is not None and item.chat.extra_fields == {"name": "Support"}


HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>\n" + b"<!-- padding -->\n" * 40
) + b"</body></html>\n"
FULL_ANSWER = encode(answer(outcome(0)) | {"time": {"start": 1773267564, "operating": 0.11}})
DEPTH = sys.getrecursionlimit() * 6 // 10  # json.loads reads it; a recursive copy at 2+ frames per level does not
DEEP = b"[" * DEPTH + b"]" * DEPTH
DEEP_INSIDE = b'{"result": {"SUCCESS": true, "DATA": {"RESULT": [{"SUCCESS": true, "x": ' + DEEP + b"}]}}}"
DEEP_BESIDE = b'{"result": {"SUCCESS": true, "DATA": {"RESULT": []}}, "x": ' + DEEP + b"}"
GARBAGE_5MB = random.Random(5).randbytes(5 * 1024 * 1024)
BIG_JSON = encode(answer(outcome(0, blob="x" * (5 * 1024 * 1024))))
UNEXPECTED = errors.UnexpectedResponseError
ERROR_ARGUMENT = {"error": "ERROR_ARGUMENT", "error_description": "Argument 'LINE' is null or empty"}


def case(name: str, status: int, body: Any, expected: Expected, *, n: int = 1, headers: Any = None) -> Any:
    return pytest.param(status, encode(body), n, headers, expected, id=name)


CASES = [
    # -- not JSON at all ------------------------------------------------------------------------
    case("not-json-text", 200, b"Service temporarily unavailable, try again later", Raises(UNEXPECTED)),
    case("html-page-502", 502, HTML_PAGE, Raises(UNEXPECTED, says=("<!DOCTYPE html>",))),
    case("html-page-200", 200, HTML_PAGE, Raises(UNEXPECTED, says=("502 Bad Gateway",))),
    case("empty-body-200", 200, b"", Raises(UNEXPECTED)),
    case("empty-body-500", 500, b"", Raises(UNEXPECTED)),
    case("whitespace-body-503", 503, b" \r\n\t ", Raises(UNEXPECTED)),
    case("truncated-json-200", 200, FULL_ANSWER[: len(FULL_ANSWER) // 2], Raises(UNEXPECTED)),
    case("truncated-error-json-400", 400, encode(ERROR_ARGUMENT)[:30], Raises(UNEXPECTED)),
    case("two-json-documents", 200, FULL_ANSWER + FULL_ANSWER, Raises(UNEXPECTED)),
    case("non-utf8-200", 200, FULL_ANSWER.replace(b'"585"', b'"\xff\xfe\xc3\x28"'), Raises(UNEXPECTED)),
    case(
        "latin1-error-400",
        400,
        b'{"error": "ERROR_ARGUMENT", "error_description": "Argument \xe9"}',
        Raises((UNEXPECTED, errors.ArgumentError)),
    ),
    case("deep-10000-levels", 200, b"[" * 10000 + b"]" * 10000, Raises(UNEXPECTED, says=("[[[[",))),
    case("deep-10000-levels-500", 500, b'{"error": ' + b"[" * 10000 + b"]" * 10000 + b"}", Raises(UNEXPECTED)),
    case("garbage-5MB", 200, GARBAGE_5MB, Raises(UNEXPECTED)),
    case("garbage-5MB-502", 502, GARBAGE_5MB, Raises(UNEXPECTED)),
    case(
        "gzip-header-garbage-body",
        200,
        b"this is not gzip",
        Raises(bitrix24_rest.Bitrix24Error, exact=False),
        headers={"Content-Encoding": "gzip"},
    ),
    # -- JSON of the wrong kind -----------------------------------------------------------------
    case("json-list", 200, [1, 2, 3], Raises(UNEXPECTED, says=("[1, 2, 3]",))),
    case("json-empty-list", 200, [], Raises(UNEXPECTED)),
    case("json-string", 200, "OK", Raises(UNEXPECTED, says=("OK",))),
    case("json-number", 200, 42, Raises(UNEXPECTED, says=("42",))),
    case("json-null", 200, None, Raises(UNEXPECTED, says=("null",))),
    case("json-true", 200, True, Raises(UNEXPECTED)),
    case("json-empty-object", 200, {}, Raises(UNEXPECTED)),
    case("json-list-400", 400, [{"error": "ERROR_ARGUMENT"}], Raises(UNEXPECTED)),
    case("json-null-500", 500, None, Raises(UNEXPECTED)),
    case("json-string-401", 401, "Unauthorized", Raises(UNEXPECTED)),
    # -- error bodies ---------------------------------------------------------------------------
    case("error-code-with-200", 200, ERROR_ARGUMENT, Raises(errors.ArgumentError, says=("ERROR_ARGUMENT",))),
    case("error-code-and-result-with-200", 200, ERROR_ARGUMENT | answer(outcome(0)), Raises(errors.ArgumentError)),
    case("error-code-lowercase", 400, {"error": "error_argument"}, Raises(errors.ArgumentError)),
    case("error-code-at-odd-status", 500, ERROR_ARGUMENT, Raises(errors.ArgumentError, says=("HTTP 500",))),
    case("unknown-code-200", 200, {"error": "SOMETHING_NEW"}, Raises(errors.ApiError, says=("SOMETHING_NEW",))),
    case("unknown-code-400", 400, {"error": "SOMETHING_NEW"}, Raises(errors.BadRequestError)),
    case("unknown-code-401", 401, {"error": "SOMETHING_NEW"}, Raises(errors.AuthError)),
    case("unknown-code-403", 403, {"error": "SOMETHING_NEW"}, Raises(errors.AuthError)),
    case("unknown-code-404", 404, {"error": "SOMETHING_NEW"}, Raises(errors.BadRequestError)),
    case("unknown-code-429", 429, {"error": "SOMETHING_NEW"}, Raises(errors.RateLimitError)),
    case("unknown-code-500", 500, {"error": "SOMETHING_NEW"}, Raises(errors.ServerError)),
    case("unknown-code-502", 502, {"error": "SOMETHING_NEW"}, Raises(errors.ServerError)),
    case("unknown-code-503", 503, {"error": "SOMETHING_NEW"}, Raises(errors.RateLimitError)),
    case(
        "error-is-number-400", 400, {"error": 5, "error_description": "x"}, Raises((UNEXPECTED, errors.BadRequestError))
    ),
    case("error-is-null-400", 400, {"error": None, "error_description": "x"}, Raises(UNEXPECTED)),
    case("error-is-object-403", 403, {"error": {}, "error_description": "x"}, Raises(UNEXPECTED)),
    case("error-is-list-500", 500, {"error": ["INTERNAL_SERVER_ERROR"]}, Raises(UNEXPECTED)),
    # An empty code is what crm.deal.get's page documents: the status decides the group.
    case("error-is-empty-400", 400, {"error": "", "error_description": "x"}, Raises(bitrix24_rest.BadRequestError)),
    case("error-is-number-200", 200, {"error": 5}, Raises(UNEXPECTED)),
    case(
        "error-is-null-with-result-200",
        200,
        {"error": None} | answer(outcome(0)),
        Reads((True,), True, error_null_is_kept),
    ),
    case(
        "description-missing",
        400,
        {"error": "NOT_ACTIVE_LINE"},
        Raises(errors.NotActiveLineError, check=description_is("")),
    ),
    case(
        "description-null",
        400,
        {"error": "NOT_ACTIVE_LINE", "error_description": None},
        Raises(errors.NotActiveLineError, check=description_is("")),
    ),
    case(
        "description-object",
        400,
        {"error": "NOT_ACTIVE_LINE", "error_description": {"en": "inactive"}},
        Raises(errors.NotActiveLineError),
    ),
    case(
        "description-list",
        400,
        {"error": "NOT_ACTIVE_LINE", "error_description": ["a", "b"]},
        Raises(errors.NotActiveLineError),
    ),
    case(
        "description-number",
        400,
        {"error": "NOT_ACTIVE_LINE", "error_description": 42},
        Raises(errors.NotActiveLineError, check=description_is("42")),
    ),
    case(
        "reset-at-as-string",
        429,
        {"error": "OPERATION_TIME_LIMIT", "time": {"operating_reset_at": "1773268164"}},
        Raises(errors.OperationTimeLimitError, check=reset_at_is(1773268164.0)),
    ),
    case(
        "reset-at-garbage",
        429,
        {"error": "OPERATION_TIME_LIMIT", "time": {"operating_reset_at": {"x": 1}}},
        Raises(errors.OperationTimeLimitError, check=reset_at_is(None)),
    ),
    case(
        "time-is-a-string",
        429,
        {"error": "OPERATION_TIME_LIMIT", "time": "soon"},
        Raises(errors.OperationTimeLimitError, check=reset_at_is(None)),
    ),
    case(
        "reset-at-huge-int",
        429,
        {"error": "OPERATION_TIME_LIMIT", "time": {"operating_reset_at": 10**400}},
        Raises(errors.OperationTimeLimitError),
    ),
    case(
        "reset-at-huge-int-unknown-code",
        503,
        {"error": "SOMETHING_NEW", "time": {"operating_reset_at": -(10**400)}},
        Raises(errors.RateLimitError),
    ),
    # -- booleans -------------------------------------------------------------------------------
    case("success-Y", 200, {"result": {"SUCCESS": "Y", "DATA": {"RESULT": [outcome(0, SUCCESS="Y")]}}}, Reads((True,))),
    case(
        "success-N",
        200,
        {"result": {"SUCCESS": "N", "DATA": {"RESULT": [outcome(0, SUCCESS="N")]}}},
        Reads((False,), check=top_level_success_is_false),
    ),
    case(
        "success-1-and-0",
        200,
        {"result": {"SUCCESS": 1, "DATA": {"RESULT": [outcome(0, SUCCESS=1), outcome(1, SUCCESS=0)]}}},
        Reads((True, False)),
        n=2,
    ),
    case(
        "success-true-false-strings",
        200,
        answer(outcome(0, SUCCESS="true"), outcome(1, SUCCESS="false")),
        Reads((True, False)),
        n=2,
    ),
    case(
        "success-maybe",
        200,
        {"result": {"SUCCESS": "maybe", "DATA": {"RESULT": [outcome(0)]}}},
        Raises(UNEXPECTED, says=("result.SUCCESS",)),
    ),
    case(
        "item-success-maybe", 200, answer(outcome(0, SUCCESS="maybe")), Raises(UNEXPECTED, says=("RESULT[0].SUCCESS",))
    ),
    case("item-success-2", 200, answer(outcome(0, SUCCESS=2)), Raises(UNEXPECTED, says=("RESULT[0].SUCCESS",))),
    case("item-success-list", 200, answer(outcome(0, SUCCESS=[True])), Raises(UNEXPECTED, says=("SUCCESS",))),
    # -- other wrong types ----------------------------------------------------------------------
    case(
        "numbers-where-strings-are-promised",
        200,
        answer(outcome(0, user=585, message={"id": 1001, "date": "1773267564"}, chat={"id": 77}, ERRORS=[404])),
        Reads((True,), check=numbers_are_read_as_strings),
    ),
    case("message-is-text", 200, answer(outcome(0, message="text")), Raises(UNEXPECTED, says=("RESULT[0].message",))),
    case("chat-is-list", 200, answer(outcome(0, chat=["77"])), Raises(UNEXPECTED, says=("RESULT[0].chat",))),
    case("user-is-object", 200, answer(outcome(0, user={"id": 585})), Raises(UNEXPECTED, says=("RESULT[0].user",))),
    case("errors-of-objects", 200, answer(outcome(0, ERRORS=[{"x": 1}])), Raises(UNEXPECTED, says=("ERRORS[0]",))),
    case(
        "php-empty-arrays-as-objects",
        200,
        answer(outcome(0, ERRORS={}, message={"id": "1001", "files": {"0": "a.png"}})),
        Reads((True,), check=php_arrays_are_lists),
    ),
    case("result-is-list", 200, {"result": []}, Raises(UNEXPECTED, says=("result",))),
    case("result-is-string", 200, {"result": "ok"}, Raises(UNEXPECTED, says=("result",))),
    case(
        "DATA-is-string",
        200,
        {"result": {"SUCCESS": True, "DATA": "done"}},
        Raises(UNEXPECTED, says=("DATA",)),
    ),
    case(
        "RESULT-is-string",
        200,
        {"result": {"SUCCESS": True, "DATA": {"RESULT": "all deleted"}}},
        Raises(UNEXPECTED, says=("RESULT",)),
    ),
    case(
        "RESULT-is-number",
        200,
        {"result": {"SUCCESS": True, "DATA": {"RESULT": 1}}},
        Raises(UNEXPECTED, says=("RESULT",)),
    ),
    case(
        "RESULT-object-with-names",
        200,
        {"result": {"SUCCESS": True, "DATA": {"RESULT": {"first": outcome(0)}}}},
        Raises(UNEXPECTED, says=("RESULT",)),
    ),
    case(
        "RESULT-object-with-superscript-digit-key",
        200,
        {"result": {"SUCCESS": True, "DATA": {"RESULT": {"²": outcome(0)}}}},
        Raises(UNEXPECTED, says=("RESULT",)),
    ),
    case(
        "RESULT-object-with-5000-digit-key",
        200,
        {"result": {"SUCCESS": True, "DATA": {"RESULT": {"1" * 5000: outcome(0)}}}},
        Survives(),
    ),
    case("DATA-php-empty-array", 200, {"result": {"SUCCESS": True, "DATA": []}}, Reads((None, None)), n=2),
    # -- null where an object was promised, missing keys ----------------------------------------
    case("result-null", 200, {"result": None}, Raises(UNEXPECTED, says=("result",))),
    case("DATA-null", 200, {"result": {"SUCCESS": True, "DATA": None}}, Reads((None, None)), n=2),
    case("RESULT-null", 200, {"result": {"SUCCESS": True, "DATA": {"RESULT": None}}}, Reads((None,))),
    case(
        "item-fields-null",
        200,
        answer({"user": None, "message": None, "chat": None, "SUCCESS": True, "ERRORS": None}),
        Reads((True,), check=nulls_are_absent),
    ),
    case("item-null", 200, answer(None), Raises(UNEXPECTED, says=("RESULT[0]",))),
    case("item-SUCCESS-null", 200, answer(outcome(0, SUCCESS=None)), Raises(UNEXPECTED, says=("RESULT[0].SUCCESS",))),
    case("no-result", 200, {"time": {"start": 1773267564}}, Raises(UNEXPECTED, says=("result",))),
    case(
        "no-result-SUCCESS", 200, {"result": {"DATA": {"RESULT": [outcome(0)]}}}, Raises(UNEXPECTED, says=("SUCCESS",))
    ),
    case("no-DATA", 200, {"result": {"SUCCESS": True}}, Reads((None, None)), n=2),
    case("no-RESULT", 200, {"result": {"SUCCESS": True, "DATA": {}}}, Reads((None,))),
    case(
        "item-without-SUCCESS",
        200,
        answer({"user": "585", "message": {"id": "1001"}, "chat": {"id": "77"}}),
        Raises(UNEXPECTED, says=("RESULT[0].SUCCESS",)),
    ),
    # -- huge numbers ---------------------------------------------------------------------------
    case(
        "date-10**40",
        200,
        answer(outcome(0, message={"id": "1001", "date": 10**40})),
        Reads((True,), True, date_is_exact),
    ),
    case(
        "operating-1e308",
        200,
        answer(outcome(0)) | {"time": {"operating": 1e308}},
        Reads((True,), True, operating_is_1e308),
    ),
    case(
        "operating-reset-at-10**400",
        200,
        answer(outcome(0)) | {"time": {"operating_reset_at": 10**400}},
        Reads((True,), True, reset_at_is_exact),
    ),
    case(
        "start-1e999-string",
        200,
        answer(outcome(0)) | {"time": {"start": "1e999"}},
        Raises(UNEXPECTED, says=("time.start",)),
    ),
    case(
        "date-1e999",
        200,
        FULL_ANSWER.replace(b'{"id": "1001"}', b'{"id": "1001", "date": 1e999}'),
        Raises(UNEXPECTED, says=("message.date",)),
    ),
    case(
        "date-5000-digit-string",
        200,
        answer(outcome(0, message={"id": "1001", "date": "1" * 5000})),
        Raises(UNEXPECTED, says=("message.date",)),
    ),
    case("number-of-5000-digits", 200, FULL_ANSWER.replace(b"1773267564", b"1" * 5000), Raises(UNEXPECTED)),
    # -- fields nobody documented ---------------------------------------------------------------
    case("extra-fields-everywhere", 200, EXTRA_BODY, Reads((True,), True, extra_fields_are_kept)),
    case("utf8-bom", 200, b"\xef\xbb\xbf" + FULL_ANSWER, Reads((True,))),
    case("json-served-as-html", 200, FULL_ANSWER, Reads((True,), True), headers={"Content-Type": "text/html"}),
    case("big-valid-json-5MB", 200, BIG_JSON, Reads((True,), True)),
    # -- one outcome per sent item --------------------------------------------------------------
    case("RESULT-fewer-items", 200, answer(outcome(1)), Reads((None, True, None)), n=3),
    case("RESULT-empty-list", 200, answer(), Reads((None, None)), n=2),
    case(
        "RESULT-more-items",
        200,
        answer(outcome(7), outcome(0, note="the right one"), outcome(0, SUCCESS=False)),
        Reads((True,), check=only_the_matching_outcome_is_kept),
    ),
    case("RESULT-more-items-none-matching", 200, answer(outcome(7), outcome(8)), Reads((None,))),
    case(
        "RESULT-php-object",
        200,
        {"result": {"SUCCESS": True, "DATA": {"RESULT": {"1": outcome(1), "0": outcome(0, SUCCESS=False)}}}},
        Reads((False, True), check=outcomes_belong_to_their_messages),
        n=2,
    ),
    case(
        "RESULT-php-empty-object", 200, {"result": {"SUCCESS": True, "DATA": {"RESULT": {}}}}, Reads((None, None)), n=2
    ),
    case(
        "RESULT-as-many-items",
        200,
        answer(outcome(0), outcome(1, SUCCESS="N")),
        Reads((True, False), check=outcomes_belong_to_their_messages),
        n=2,
    ),
    # 51 messages go as two requests (50 + 1), each answered with the same body: outcomes of both merged
    case(
        "two-chunks-same-answer",
        200,
        answer(outcome(0), outcome(50)),
        Reads((True,) + (None,) * 49 + (True,)),
        n=51,
    ),
    case(
        "RESULT-as-many-items-in-other-order",
        200,
        answer(outcome(1), outcome(0, SUCCESS=False)),
        Reads((False, True), check=outcomes_belong_to_their_messages),
        n=2,
    ),
    case(
        "RESULT-as-many-items-for-other-messages",
        200,
        answer(outcome(5)),
        Reads((None,)),
    ),
    case("two-chunks-not-json", 502, HTML_PAGE, Raises(UNEXPECTED), n=51),
    case(
        "RESULT-fewer-items-numeric-ids",
        200,
        answer(outcome(1, message={"id": 1002}, chat={"id": 77})),
        Reads((None, True)),
        n=2,
    ),
    case("deep-json-inside-a-valid-answer", 200, DEEP_INSIDE, Survives()),
    case(
        "deep-json-beside-fewer-items",
        200,
        DEEP_BESIDE,
        Survives(),
    ),
]

ASYNC_CASES = [
    c
    for c in CASES
    if c.id
    in {
        "html-page-502",
        "empty-body-200",
        "json-list",
        "error-code-with-200",
        "unknown-code-503",
        "error-is-object-403",
        "success-Y",
        "extra-fields-everywhere",
        "RESULT-fewer-items",
        "RESULT-php-object",
        "reset-at-huge-int",
        "deep-json-inside-a-valid-answer",
        "deep-json-beside-fewer-items",
    }
]


@pytest.mark.parametrize(("status", "content", "n", "headers", "expected"), CASES)
def test_hostile_answer(status: int, content: bytes, n: int, headers: Any, expected: Expected) -> None:
    check_outcome(call(status, content, n, headers), status, content, n, expected)


@pytest.mark.parametrize(("status", "content", "n", "headers", "expected"), ASYNC_CASES)
def test_hostile_answer_async(status: int, content: bytes, n: int, headers: Any, expected: Expected) -> None:
    check_outcome(call_async(status, content, n, headers), status, content, n, expected)


def test_the_deep_json_cases_really_are_json() -> None:
    """The `deep-json-*` cases test the client, not the parser: json.loads reads them."""
    assert json.loads(DEEP_INSIDE)["result"]["SUCCESS"] is True
    assert json.loads(DEEP_BESIDE)["result"]["SUCCESS"] is True


def test_the_table_names_are_unique() -> None:
    names = [c.id for c in CASES]
    assert len(names) == len(set(names))
    assert len(ASYNC_CASES) == 13


# -- random answers -------------------------------------------------------------------------------

HUGE_INTS = st.sampled_from([2**63, -(2**63) - 1, 10**40, 10**308, 10**400, -(10**400)])
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | HUGE_INTS
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["Y", "N", "y", "n", "1", "0", "", "true", "false", "1001", "77", " 5 ", "1e999", "NaN"])
)
JSON = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
IDS = st.sampled_from(["1001", "1002", "1003", "77", "x"]) | st.sampled_from([1001, 1002, 77])
GOOD_BOOLS = st.sampled_from([True, False, "Y", "N", "y", "n", 1, 0, "true", "false", "1", "0", ""])
BAD_BOOLS = st.sampled_from(["maybe", 2, -1, 0.5, None, [], {}, "YES!"])


def sometimes(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the plausible `strategy`, sometimes any JSON value instead."""
    return st.one_of(strategy, strategy, strategy, strategy, JSON)


def shaped(
    required: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """An object with the `required` keys, any subset of the `optional` ones and maybe undocumented ones."""
    return st.tuples(
        st.fixed_dictionaries(required, optional=optional), st.dictionaries(st.text(max_size=6), JSON, max_size=2)
    ).map(lambda parts: parts[1] | parts[0])


ITEM_FIELDS = {
    "user": sometimes(st.sampled_from(["585", 585, "0", 5.5])),
    "message": sometimes(
        shaped(
            {"id": IDS},
            {
                "date": sometimes(st.integers() | HUGE_INTS | st.sampled_from(["1773267564", " 7 ", "-1"])),
                "text": sometimes(st.text(max_size=10)),
                "files": sometimes(st.lists(JSON, max_size=2) | st.just({})),
            },
        )
    ),
    "chat": sometimes(shaped({"id": IDS}, {"description": sometimes(st.text(max_size=10))})),
    "ERRORS": sometimes(st.lists(st.text(max_size=8) | st.integers(), max_size=3) | st.just({})),
}
ITEM = st.one_of(
    shaped({"SUCCESS": GOOD_BOOLS}, ITEM_FIELDS),  # documented, with lenient values
    shaped({"SUCCESS": GOOD_BOOLS}, ITEM_FIELDS),
    shaped({}, ITEM_FIELDS | {"SUCCESS": GOOD_BOOLS | BAD_BOOLS}),
    JSON,
)
RESULT = st.one_of(
    st.lists(ITEM, max_size=5),
    st.lists(ITEM, max_size=5),
    st.dictionaries(st.sampled_from(["0", "1", "2", "3", "01", "\u0661"]), ITEM, max_size=4),  # PHP arrays
    JSON,
)
TIME = shaped(
    {},
    {
        key: sometimes(
            st.integers(0, 2**40) | st.floats(0, 1e10) | HUGE_INTS | st.sampled_from(["1773268164", "1e999", "soon"])
        )
        for key in ("start", "finish", "duration", "processing", "operating_reset_at", "operating")
    },
)
RESULT_BLOCK = shaped({"SUCCESS": GOOD_BOOLS}, {"DATA": sometimes(shaped({}, {"RESULT": RESULT}) | st.just([]))})
ERROR_CODES = st.sampled_from(
    ["ERROR_ARGUMENT", "expired_token", "OPERATION_TIME_LIMIT", "QUERY_LIMIT_EXCEEDED", "OVERLOAD_LIMIT", "NEW", ""]
)
ANSWER = st.one_of(
    # the documented success shape, with lenient and random values inside
    shaped({"result": RESULT_BLOCK}, {"time": sometimes(TIME)}),
    shaped({"result": RESULT_BLOCK}, {"time": sometimes(TIME)}),
    shaped({"result": RESULT_BLOCK}, {"time": sometimes(TIME)}),
    # an error body, or a mix
    shaped({"error": sometimes(ERROR_CODES)}, {"error_description": sometimes(st.text(max_size=20)), "time": TIME}),
    # any subset of the known keys with anything in them
    shaped(
        {},
        {
            "result": sometimes(shaped({}, {"SUCCESS": GOOD_BOOLS | BAD_BOOLS, "DATA": JSON | RESULT_BLOCK})),
            "time": sometimes(TIME),
            "error": sometimes(ERROR_CODES),
            "error_description": sometimes(st.text(max_size=20)),
        },
    ),
)


def dump(value: Any) -> bytes:
    return json.dumps(value).encode()  # NaN and Infinity come out as the literals some servers send


BODIES = st.one_of(
    ANSWER.map(dump),
    ANSWER.map(dump),
    ANSWER.map(dump),
    ANSWER.map(dump),
    JSON.map(dump),
    st.binary(max_size=64),
    st.tuples(ANSWER.map(dump), st.floats(0, 1)).map(lambda t: t[0][: int(len(t[0]) * t[1])]),
    st.tuples(ANSWER.map(dump), st.binary(min_size=1, max_size=3), st.floats(0, 1)).map(
        lambda t: t[0][: int(len(t[0]) * t[2])] + t[1] + t[0][int(len(t[0]) * t[2]) :]
    ),
)
STATUSES = st.one_of(st.just(200), st.sampled_from([200, 400, 401, 403, 404, 429, 500, 502, 503]))


def has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(has_nan(v) for v in value)
    return False


@RANDOM_ANSWERS
@given(status=STATUSES, content=BODIES, n=st.integers(1, 4), use_async=st.booleans())
def test_random_answer_gives_one_outcome_per_message_or_a_package_error(
    status: int, content: bytes, n: int, use_async: bool
) -> None:
    result = (call_async if use_async else call)(status, content, n)
    event(type(result).__name__)
    if isinstance(result, BaseException):
        if not isinstance(result, bitrix24_rest.Bitrix24Error):
            raise AssertionError(f"a non-package exception escaped: {type(result).__name__}: {result}") from result
        assert f"HTTP {status}" in str(result), str(result)
        assert len(str(result)) < 1000
        if isinstance(result, errors.UnexpectedResponseError):
            assert len(result.excerpt) <= MAX_EXCERPT
        return
    assert isinstance(result, ImconnectorDeleteMessagesResponse)
    assert len(result.items) == n
    assert all(isinstance(item, DeleteMessagesItemResult) and isinstance(item.success, bool) for item in result.items)
    data = result.to_dict()
    if not has_nan(data):
        assert ImconnectorDeleteMessagesResponse.from_dict(data) == result
