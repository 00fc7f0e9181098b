"""What every call shares, whatever the method: where to send it, how to check and read it.

Kept free of I/O so that `Client` and `AsyncClient` differ only in how they wait.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import SplitResult, urlsplit

import httpx

from . import checks
from . import model as _rt
from .chunks import ItemResultsSpec
from .errors import (
    ApiError,
    Bitrix24Error,
    ConfigurationError,
    InvalidArgumentError,
    UnexpectedResponseError,
    error_from_answer,
)
from .secrets import redact

__all__ = [
    "APPLICATION",
    "CALL_OPTIONS",
    "CONNECT_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "EXCERPT_LENGTH",
    "NOT_JSON",
    "READ_TIMEOUT",
    "WEBHOOK",
    "Connection",
    "Endpoint",
    "Exchange",
    "RawResponse",
    "check_context",
    "decode",
    "error_body",
    "error_code",
    "excerpt",
    "failure",
    "is_success",
    "parse_json",
    "prepare_body",
    "redact_url",
    "reset_at",
]

T = TypeVar("T")

APPLICATION = "application"
"""Auth context of an OAuth application: token sent as the `auth` parameter."""
WEBHOOK = "webhook"
"""Auth context of an incoming webhook: the secret is part of the URL."""

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0
"""Seconds to wait for an answer: the portal's own limit for one request."""
DEFAULT_TIMEOUT = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
CALL_OPTIONS = ("timeout", "deadline")
"""Keyword arguments every generated method takes besides the method's own arguments."""

EXCERPT_LENGTH = 200


@dataclass(frozen=True)
class Endpoint(Generic[T]):
    """One REST method: its name, argument rules, answer reader and call policy."""

    method: str
    decode: Callable[[Any], T]
    request_schema: Mapping[str, Any]
    contexts: tuple[str, ...]
    idempotent: bool
    item_results: ItemResultsSpec | None = None
    writers: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    """How arguments are written where `to_wire` would not (a "Y"/"N" boolean), by wire name."""
    errors_at: tuple[str, ...] | None = None
    """Where an answer with HTTP 200 carries an error code of its own (`("result",)`), if it can."""

    @property
    def checker(self) -> checks.Checker:
        """The compiled argument rules, built on first use."""
        compiled: checks.Checker | None = self.__dict__.get("_checker")
        if compiled is None:
            compiled = checks.compile_checker(self.request_schema)
            object.__setattr__(self, "_checker", compiled)
        return compiled


@dataclass(frozen=True)
class Connection:
    """Where calls go (`base_url` ends with a slash) and in which auth context."""

    base_url: str
    context: str

    @classmethod
    def for_portal(cls, portal: str, *, allow_insecure_http: bool = False) -> Connection:
        """An application connection to `portal` (a host name or an https:// URL)."""
        url = portal if "://" in portal else f"https://{portal}"
        parts = _split_url(url, "portal")
        _check_scheme(parts.scheme, allow_insecure_http)
        if not parts.hostname:
            raise ConfigurationError(f"portal {portal!r} has no host name")
        path = parts.path.rstrip("/")
        if not path.endswith("/rest"):
            path += "/rest"
        return cls(f"{parts.scheme}://{parts.netloc}{path}/", APPLICATION)

    @classmethod
    def for_webhook(cls, webhook_url: str, *, allow_insecure_http: bool = False) -> Connection:
        """A webhook connection: `https://PORTAL/rest/USER_ID/CODE/`."""
        parts = _split_url(webhook_url, "webhook_url")
        _check_scheme(parts.scheme, allow_insecure_http)
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) < 3 or segments[-3] != "rest" or not parts.hostname:
            raise ConfigurationError("a webhook URL looks like https://PORTAL/rest/USER_ID/CODE/")
        return cls(f"{parts.scheme}://{parts.netloc}/{'/'.join(segments)}/", WEBHOOK)

    def url_for(self, endpoint: Endpoint[Any]) -> str:
        """The URL that calls `endpoint`."""
        return self.base_url + endpoint.method

    def __repr__(self) -> str:
        return f"Connection({redact_url(self.base_url)!r}, {self.context!r})"


def _split_url(url: str, name: str) -> SplitResult:
    """`url` in parts; a URL that does not parse (`http://[::1`) is the caller's configuration error."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # a port out of range or not a number raises only when read
    except ValueError as exc:
        raise ConfigurationError(f"{name} is not a valid URL: {exc}") from None
    return parts


def _check_scheme(scheme: str, allow_insecure_http: bool) -> None:
    if scheme == "https" or (scheme == "http" and allow_insecure_http):
        return
    if scheme == "http":
        raise ConfigurationError(
            "refusing plain http://: Bitrix24 requires HTTPS (and a token sent over http can be read "
            "by anyone on the way); pass allow_insecure_http=True only for a local test server"
        )
    raise ConfigurationError(f"unsupported URL scheme {scheme!r}: use https://")


def redact_url(url: str) -> str:
    """`url` with a webhook secret (the segment after the user id) replaced by ***."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if "rest" in segments:
        i = segments.index("rest")
        if len(segments) > i + 2 and segments[i + 1].isdigit() and segments[i + 2]:
            segments[i + 2] = "***"
    return parts._replace(path="/".join(segments), query="").geturl()


def check_context(endpoint: Endpoint[Any], connection: Connection) -> None:
    """Refuse, before sending, a call the method does not accept in this auth context."""
    if connection.context not in endpoint.contexts:
        needed = " or ".join(endpoint.contexts)
        raise ConfigurationError(
            f"{endpoint.method} needs {needed} context and cannot be called through a "
            f"{connection.context} (the portal would answer 403 WRONG_AUTH_TYPE); "
            "create the client with portal= and OAuth tokens instead"
        )


def prepare_body(endpoint: Endpoint[Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body for a call; arguments that break the spec raise `InvalidArgumentError`."""
    writers = endpoint.writers
    body = {
        name: writers.get(name, _rt.to_wire)(value)
        for name, value in arguments.items()
        if value is not None
    }
    problems = endpoint.checker(body, ())
    if problems:
        raise InvalidArgumentError(endpoint.method, problems)
    return body


def excerpt(content: bytes) -> str:
    """The start of a body, decoded leniently and with secrets masked, for error messages."""
    # Masked before it is cut: a secret across the cut would otherwise show its first part.
    text = redact(content[: EXCERPT_LENGTH * 8].decode("utf-8", "replace"))
    return text[:EXCERPT_LENGTH] + (
        "..." if len(text) > EXCERPT_LENGTH or len(content) > EXCERPT_LENGTH * 8 else ""
    )


NOT_JSON: Any = object()
"""What `parse_json` returns for a body that is not JSON."""


def parse_json(content: bytes) -> Any:
    """The JSON in `content`, or `NOT_JSON`."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return NOT_JSON


def error_code(payload: Any) -> str | None:
    """The `error` code of an error body, None for anything else."""
    if isinstance(payload, dict):
        code = payload.get("error")
        if isinstance(code, str) and code:
            return code
    return None


def reset_at(payload: Any) -> float | None:
    """`time.operating_reset_at` of an answer, if it carries one."""
    value = payload.get("time") if isinstance(payload, dict) else None
    value = value.get("operating_reset_at") if isinstance(value, dict) else None
    try:
        moment = (
            float(value)
            if isinstance(value, (int, float, str)) and not isinstance(value, bool)
            else None
        )
    except (ValueError, OverflowError):
        return None
    return moment if moment is not None and math.isfinite(moment) else None


def error_body(endpoint: Endpoint[Any], payload: Any) -> Any:
    """The part of an answer that says what went wrong: the answer itself, or, for a method whose
    HTTP 200 answers carry an error inside (`errors_at`), that inner object when it holds a code."""
    if endpoint.errors_at is None or error_code(payload) is not None:
        return payload
    inner = payload
    for key in endpoint.errors_at:
        inner = inner.get(key) if isinstance(inner, dict) else None
    return inner if error_code(inner) is not None else payload


def is_success(status: int, payload: Any) -> bool:
    """True for an answer to decode: JSON, status below 400, no error code in the body.

    Some methods answer errors with HTTP 200: the body decides, not the status alone.
    """
    return status < 400 and payload is not NOT_JSON and error_code(payload) is None


def failure(
    endpoint: Endpoint[Any],
    status: int,
    payload: Any,
    content: bytes,
    known: Mapping[str, type[ApiError]],
) -> Bitrix24Error:
    """The package exception that describes an answer that is not a success.

    `known` maps the documented error codes (case-insensitively) to their classes.
    """
    code = error_code(payload)
    if code is None and status >= 400 and isinstance(payload, dict) and payload.get("error") == "":
        code = ""  # an error without a code (crm.deal.get's pages): the status group is raised
    if code is not None:
        description = payload.get("error_description")
        if isinstance(description, (int, float)) and not isinstance(description, bool):
            description = str(description)
        return error_from_answer(
            known,
            code,
            redact(description) if isinstance(description, str) else "",
            status,
            endpoint.method,
            reset_at(payload),
        )
    if payload is NOT_JSON:
        return UnexpectedResponseError(
            endpoint.method, status, "the body is not JSON", excerpt(content)
        )
    return UnexpectedResponseError(
        endpoint.method, status, "an error status without an error code", excerpt(content)
    )


def decode(endpoint: Endpoint[T], payload: Any, status: int, content: bytes) -> T:
    """The typed result of a successful answer; a shape the spec does not describe raises."""
    try:
        return endpoint.decode(payload)
    except _rt.DecodeError as exc:
        reason = f"does not match the spec at {exc}"
    except RecursionError:
        reason = "nested too deeply"
    raise UnexpectedResponseError(endpoint.method, status, redact(reason), excerpt(content))


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its answer, as `RawResponse` shows them."""

    status_code: int
    headers: Mapping[str, str]
    json: Any
    elapsed: float
    attempts: int
    content: bytes = field(repr=False)
    repeated: bool = False
    """True if an earlier attempt of this request may have taken effect (its answer was lost,
    or it failed with a 5xx), so this answer may describe a second run."""


@dataclass(frozen=True)
class RawResponse(Generic[T]):
    """A typed result with the HTTP answers it was made from (several when chunked)."""

    result: T
    exchanges: tuple[Exchange, ...]

    @property
    def status_code(self) -> int:
        """The HTTP status of the last answer."""
        return self.exchanges[-1].status_code

    @property
    def headers(self) -> Mapping[str, str]:
        """The headers of the last answer."""
        return self.exchanges[-1].headers

    @property
    def json(self) -> Any:
        """The parsed JSON of the last answer."""
        return self.exchanges[-1].json
