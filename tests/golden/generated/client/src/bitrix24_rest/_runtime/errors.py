"""Every exception the client raises, all below `Bitrix24Error`.

    Bitrix24Error
    ├── InvalidArgumentError     arguments rejected before any request was sent
    ├── ConfigurationError       the client cannot make this call as set up (no request sent)
    │   └── PortalMovedError     the portal answered with a redirect to its new address
    ├── CommandNotRunError       a batch command the portal did not run (`halt` stopped it)
    ├── ItemsFailedError         `raise_for_failures()`: some items of a many-item call failed
    ├── TransportError           no answer: connection failed or timed out
    │   └── DeadlineExceededError    the call's deadline passed (retries and waits included)
    ├── UnexpectedResponseError  an answer the spec does not describe (not JSON, wrong shape)
    └── ApiError                 the server answered with an error code
        ├── AuthError            401/403: token, scope, plan or permission problems
        │   └── TokenRefreshError    the token endpoint refused to renew the tokens
        ├── RateLimitError       429/503: request intensity or execution-time limits
        ├── BadRequestError      400/404/405: the request itself was rejected
        └── ServerError          500: the portal failed

The generated `errors` module adds one subclass per documented error code; a code the spec does
not list raises the group its HTTP status belongs to (`group_for_status`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "ApiError",
    "AuthError",
    "BadRequestError",
    "Bitrix24Error",
    "CommandNotRunError",
    "ConfigurationError",
    "DeadlineExceededError",
    "InvalidArgumentError",
    "ItemsFailedError",
    "PortalMovedError",
    "RateLimitError",
    "ServerError",
    "TokenRefreshError",
    "TransportError",
    "UnexpectedResponseError",
    "error_from_answer",
    "group_for_status",
]


class Bitrix24Error(Exception):
    """Base class of every exception raised by this package.

    A many-item call split into chunks that fails after some chunks succeeded says what was
    done: `partial_result` is the typed result of the chunks that succeeded (None if none did),
    and `unprocessed` the items given that no answer covers (those of the failed chunk, and
    `unsent`, those of the chunks never sent).
    """

    partial_result: Any = None
    unprocessed: tuple[Any, ...] = ()
    unsent: tuple[Any, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # The subclasses take several arguments but give Exception only the message: pickle
        # (multiprocessing, a process pool) rebuilds them from their message and attributes.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(
    cls: type[Bitrix24Error], args: tuple[Any, ...], state: dict[str, Any]
) -> Bitrix24Error:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class InvalidArgumentError(Bitrix24Error):
    """Arguments that break the spec; raised before any request is sent.

    `problems` lists every broken rule, such as ``"MESSAGES: must not be empty"``.
    """

    def __init__(self, method: str, problems: list[str]) -> None:
        self.method = method
        self.problems = problems
        super().__init__(f"{method}: invalid arguments: " + "; ".join(problems))


class ConfigurationError(Bitrix24Error):
    """The client, as configured, must not make this call; no request was sent."""


class PortalMovedError(ConfigurationError):
    """The portal's address changed: it answered with a redirect (HTTP 301/302/307/308).

    The request is not repeated at the new address, which could carry the token to a host the
    client was not given: `location` is where the portal points, `portal` its host; make the
    client again with it (and store it) to go on.
    """

    def __init__(self, method: str, status: int, location: str, portal: str) -> None:
        self.method = method
        self.status = status
        self.location = location
        self.portal = portal
        super().__init__(
            f"{method}: the portal moved (HTTP {status}) to {portal or location!r}; "
            "create the client with the new address"
        )


class CommandNotRunError(Bitrix24Error):
    """A batch command the portal did not run: `halt` stopped the batch at an earlier error."""

    def __init__(self, name: str, method: str) -> None:
        self.name = name
        self.method = method
        super().__init__(f"batch command {name!r} ({method}) did not run")


class ItemsFailedError(Bitrix24Error):
    """Some items of a many-item call were not processed (raised by `raise_for_failures()`).

    `result` is the whole typed result, `failed` its failed outcomes, `uncertain` the outcomes
    that are not known (see `ItemOutcomes.uncertain`).
    """

    def __init__(
        self, result: Any, failed: list[Any], total: int, uncertain: list[Any] | None = None
    ) -> None:
        self.result = result
        self.failed = failed
        self.uncertain = uncertain or []
        unknown = f", {len(self.uncertain)} unknown" if self.uncertain else ""
        super().__init__(f"{len(failed)} of {total} items were not processed{unknown}")


class TransportError(Bitrix24Error):
    """The request got no answer: the connection failed or timed out."""

    def __init__(self, method: str, reason: str) -> None:
        self.method = method
        self.reason = reason
        super().__init__(f"{method}: no answer from the portal: {reason}")


class DeadlineExceededError(TransportError):
    """The call's `deadline` (seconds for the whole call: pacing, retries, waits and reads)
    passed before it had its answer. `deadline` is that number of seconds."""

    def __init__(self, method: str, deadline: float, reason: str) -> None:
        self.deadline = deadline
        super().__init__(method, f"the deadline of {deadline:g} s passed {reason}")


class UnexpectedResponseError(Bitrix24Error):
    """The portal answered with something the spec does not describe.

    `status` is the HTTP status and `excerpt` the start of the body, to see what came back.
    """

    def __init__(self, method: str, status: int, reason: str, excerpt: str) -> None:
        self.method = method
        self.status = status
        self.reason = reason
        self.excerpt = excerpt
        super().__init__(
            f"{method}: unexpected answer (HTTP {status}): {reason}; body starts: {excerpt!r}"
        )


class ApiError(Bitrix24Error):
    """The portal answered with an error code.

    `code` is the code as sent (``ERROR_ARGUMENT``, ``expired_token``), `description` the
    server's text (not meant for end users), `status` the HTTP status. `reset_at` is the unix
    time the portal gave as `operating_reset_at` (for 429 OPERATION_TIME_LIMIT), else None.
    """

    CODE: ClassVar[str] = ""

    def __init__(
        self,
        code: str,
        description: str,
        status: int,
        method: str = "",
        reset_at: float | None = None,
    ) -> None:
        self.code = code
        self.description = description
        self.status = status
        self.method = method
        self.reset_at = reset_at
        where = f"{method}: " if method else ""
        until = f"; blocked until unix time {reset_at:.0f}" if reset_at is not None else ""
        super().__init__(f"{where}{code} (HTTP {status}): {description}{until}")


class AuthError(ApiError):
    """The token, webhook, scope, plan or user's permissions do not allow the call."""


class TokenRefreshError(AuthError):
    """The token endpoint did not renew the tokens (a refresh token is single-use)."""


class RateLimitError(ApiError):
    """A request-intensity or execution-time limit was hit."""


class BadRequestError(ApiError):
    """The portal rejected the request itself (arguments, method or line)."""


class ServerError(ApiError):
    """The portal failed to process the request."""


def group_for_status(status: int | None) -> type[ApiError]:
    """The exception group an HTTP status belongs to (None: a status the spec does not give)."""
    if status in (401, 403):
        return AuthError
    if status in (429, 503):
        return RateLimitError
    if status is not None and status >= 500:
        return ServerError
    if status is not None and status >= 400:
        return BadRequestError
    return ApiError


def error_from_answer(
    known: Mapping[str, type[ApiError]],
    code: str,
    description: str,
    status: int,
    method: str = "",
    reset_at: float | None = None,
) -> ApiError:
    """The exception for an error answer: the code's own class from `known`, else its status group.

    `known` is keyed by the lower-cased code: codes are case-insensitive (`expired_token`).
    """
    cls = known.get(code.lower()) or group_for_status(status)
    return cls(code, description, status, method, reset_at)
