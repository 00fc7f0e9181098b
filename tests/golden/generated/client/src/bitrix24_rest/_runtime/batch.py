"""Batch: up to 50 calls in one request (`batch`), each command's outcome its own.

A `Command` is one call, typed (made by a generated method's `*_command` twin, its arguments
checked there) or by name (`Command.named("user.get", {...})`). `plan` splits the commands into
requests of at most `MAX_COMMANDS`; `read_outcomes` turns one batch answer into one
`CommandOutcome` per command: its typed result, or the exception its `result_error` entry
describes, raised only when the result is read. Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from . import model as _rt
from .calls import CallResult, endpoint_for, envelope_count
from .core import Endpoint, error_code, prepare_body
from .errors import (
    ApiError,
    Bitrix24Error,
    CommandNotRunError,
    InvalidArgumentError,
    UnexpectedResponseError,
    error_from_answer,
)
from .secrets import redact

__all__ = ["MAX_COMMANDS", "BatchResults", "Command", "CommandOutcome"]

T = TypeVar("T")

MAX_COMMANDS = 50
"""Commands one batch request may carry (`ERROR_BATCH_LENGTH_EXCEEDED` beyond)."""
BATCH_STATUS = 200
"""The HTTP status of a batch answer: a command's error has no status of its own."""
REFERENCE = re.compile(r"\$result\[([^\]]+)\]")
"""A reference to an earlier command's result inside a command (`$result[get_user][ID]`)."""


@dataclass(frozen=True)
class Command(Generic[T]):
    """One call to send in a batch: the method, its wire-named arguments, how to read its answer."""

    endpoint: Endpoint[T]
    arguments: Mapping[str, Any]

    @classmethod
    def of(cls, endpoint: Endpoint[T], arguments: Mapping[str, Any]) -> Command[T]:
        """A typed command; arguments that break the spec raise `InvalidArgumentError` now."""
        return cls(endpoint, prepare_body(endpoint, arguments))

    @classmethod
    def named(cls, method: str, params: Mapping[str, Any] | None = None) -> Command[CallResult]:
        """An untyped command for any method, as `client.call` makes it."""
        return Command(endpoint_for(method, None), dict(params or {}))

    def query(self) -> str:
        """The command as the batch's `cmd` wants it: `method?key=value&...` (PHP's encoding)."""
        encoded = "&".join(_pairs("", self.arguments))
        return f"{self.endpoint.method}?{encoded}" if encoded else self.endpoint.method


@dataclass(frozen=True)
class CommandOutcome(Generic[T]):
    """What became of one command: its result, or why there is none.

    `result` returns the typed result or raises the command's own exception (an `ApiError`
    subclass from `result_error`, `CommandNotRunError` when `halt` stopped the batch before it,
    or the error of the whole request that carried it). `error` is that exception, unraised.
    """

    name: str
    method: str
    value: T | None = None
    error: Bitrix24Error | None = None
    total: int | None = None
    next: int | None = None

    @property
    def ok(self) -> bool:
        """True when the command ran and succeeded."""
        return self.error is None

    @property
    def result(self) -> T:
        """The command's result; its exception if it failed or did not run."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


@dataclass(frozen=True)
class BatchResults(Mapping[str, CommandOutcome[Any]]):
    """The outcome of every command, by the name it was given, in the order given."""

    outcomes: Mapping[str, CommandOutcome[Any]] = field(default_factory=dict)
    requests: int = 0
    """How many batch requests carried the commands."""

    def __getitem__(self, name: str) -> CommandOutcome[Any]:
        return self.outcomes[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.outcomes)

    def __len__(self) -> int:
        return len(self.outcomes)

    @property
    def failed(self) -> tuple[CommandOutcome[Any], ...]:
        """The commands that failed or did not run."""
        return tuple(o for o in self.outcomes.values() if not o.ok)


def named_commands(
    commands: Mapping[str, Command[Any]] | Sequence[Command[Any]],
) -> dict[str, Command[Any]]:
    """The commands by name (a sequence is named by position: "0", "1", ...), names checked."""
    if isinstance(commands, Mapping):
        named = {str(name): command for name, command in commands.items()}
    else:
        named = {str(index): command for index, command in enumerate(commands)}
    problems = [
        f"{name!r}: a command name may not contain '[', ']', '&', '=' or '?'"
        for name in named
        if not name or any(c in name for c in "[]&=?")
    ]
    problems += [
        f"{name!r}: not a Command (use a method's *_command twin or Command.named)"
        for name, command in named.items()
        if not isinstance(command, Command)
    ]
    if problems:
        raise InvalidArgumentError("batch", problems)
    return named


def plan(
    commands: dict[str, Command[Any]], size: int = MAX_COMMANDS
) -> list[dict[str, Command[Any]]]:
    """The commands split into requests of at most `size`, in order.

    A command may refer only to commands before it in the same request (`$result[name]`): the
    portal resolves references inside one batch, so one across requests is refused here.
    """
    names = list(commands)
    requests = [
        {name: commands[name] for name in names[start : start + size]}
        for start in range(0, len(names), size)
    ]
    problems = []
    for request in requests:
        before: set[str] = set()
        for name, command in request.items():
            for target in REFERENCE.findall(command.query()):
                if target not in before:
                    where = "a later command" if target in commands else "no command"
                    problems.append(
                        f"{name!r} refers to $result[{target}], {where} of its request of "
                        f"{size}: put it after {target!r}, in the same request"
                    )
            before.add(name)
    if problems:
        raise InvalidArgumentError("batch", problems)
    return requests


def batch_body(request: Mapping[str, Command[Any]], halt: bool) -> dict[str, Any]:
    """The JSON body of one batch request."""
    return {"halt": 1 if halt else 0, "cmd": {name: c.query() for name, c in request.items()}}


def read_outcomes(
    request: Mapping[str, Command[Any]],
    payload: Any,
    known: Mapping[str, type[ApiError]],
) -> dict[str, CommandOutcome[Any]]:
    """One outcome per command of `request` from the batch answer `payload`.

    A command the answer names neither among results nor among errors did not run (the portal
    stopped at an error with `halt`, or skipped it): it says so, and is never made a success.
    """
    inner = payload.get("result") if isinstance(payload, dict) else None
    if not isinstance(inner, dict):
        raise UnexpectedResponseError("batch", BATCH_STATUS, "the answer has no result object", "")
    results, errors = _php_map(inner.get("result")), _php_map(inner.get("result_error"))
    totals, nexts = _php_map(inner.get("result_total")), _php_map(inner.get("result_next"))
    times = _php_map(inner.get("result_time"))
    outcomes: dict[str, CommandOutcome[Any]] = {}
    for name, command in request.items():
        method = command.endpoint.method
        total, next_start = envelope_count(totals.get(name)), envelope_count(nexts.get(name))
        if name in errors:
            outcomes[name] = CommandOutcome(name, method, error=_error(errors[name], method, known))
        elif name in results:
            envelope = {"result": results[name]}
            for key, value in (("total", totals.get(name)), ("next", nexts.get(name))):
                if value is not None:
                    envelope[key] = value
            if isinstance(times.get(name), dict):
                envelope["time"] = times[name]
            try:
                value = command.endpoint.decode(envelope)
            except (_rt.DecodeError, RecursionError) as exc:
                reason = redact(f"does not match the spec at {exc}")
                error = UnexpectedResponseError(method, BATCH_STATUS, reason, "")
                outcomes[name] = CommandOutcome(name, method, error=error)
                continue
            outcomes[name] = CommandOutcome(name, method, value, None, total, next_start)
        else:
            outcomes[name] = CommandOutcome(name, method, error=CommandNotRunError(name, method))
    return outcomes


def not_sent(
    request: Mapping[str, Command[Any]], error: Bitrix24Error
) -> dict[str, CommandOutcome[Any]]:
    """The outcomes of a request that failed as a whole (or was not sent): `error` for each."""
    return {
        name: CommandOutcome(name, command.endpoint.method, error=error)
        for name, command in request.items()
    }


def not_run(request: Mapping[str, Command[Any]]) -> dict[str, CommandOutcome[Any]]:
    """The outcomes of a request not sent because `halt` stopped the batch before it."""
    return {
        name: CommandOutcome(
            name, c.endpoint.method, error=CommandNotRunError(name, c.endpoint.method)
        )
        for name, c in request.items()
    }


def _error(entry: Any, method: str, known: Mapping[str, type[ApiError]]) -> Bitrix24Error:
    code = error_code(entry)
    if code is None:
        return UnexpectedResponseError(method, BATCH_STATUS, "an error entry without a code", "")
    description = entry.get("error_description")
    text = redact(description) if isinstance(description, str) else ""
    return error_from_answer(known, code, text, BATCH_STATUS, method)


def _php_map(value: Any) -> dict[str, Any]:
    """An object of the batch answer by command name; PHP's `[]` (and a list) by position."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return {}


def _pairs(prefix: str, value: Any) -> Iterator[str]:
    """`key=value` pairs as PHP's http_build_query writes nested arrays (`a[b][0]=x`)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _pairs(f"{prefix}[{key}]" if prefix else str(key), item)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _pairs(f"{prefix}[{index}]", item)
    elif value is not None:
        text = ("1" if value else "0") if isinstance(value, bool) else str(value)
        # `$`, `[` and `]` stay as they are so that `$result[name][ID]` references still work.
        yield f"{quote(prefix, safe='[]$')}={quote(text, safe='[]$')}"
