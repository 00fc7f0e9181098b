"""Calls by method name: any REST method, typed or not, with what every answer carries.

`client.call("crm.deal.list", {...})` reaches a method the spec does not describe (or one it
does, untyped) through the same auth, pacing, retries, redaction and exceptions as the typed
methods. Its answer is a `CallResult`: the untyped `result` plus `time`, `total` and `next`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .core import APPLICATION, WEBHOOK, Endpoint
from .errors import InvalidArgumentError

__all__ = ["CallResult", "endpoint_for", "envelope_count", "read_call_result"]

METHOD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")
"""A REST method name: dotted words (`crm.deal.list`), or one word (`batch`, `profile`)."""


@dataclass(frozen=True)
class CallResult:
    """The answer of a call by name: the method's `result`, untyped, and the envelope around it.

    `total` and `next` are set by list methods (`next` is the `start` of the following page,
    None on the last); `time` is the portal's timing object, when it sent one.
    """

    result: Any
    time: Mapping[str, Any] | None = None
    total: int | None = None
    next: int | None = None


def read_call_result(payload: Any) -> CallResult:
    """The `CallResult` of an answer's JSON (an object with `result`; anything else is the result)."""
    if not isinstance(payload, dict):
        return CallResult(payload)
    time = payload.get("time")
    return CallResult(
        payload.get("result"),
        time if isinstance(time, dict) else None,
        envelope_count(payload.get("total")),
        envelope_count(payload.get("next")),
    )


def endpoint_for(method: str, known: Endpoint[Any] | None) -> Endpoint[CallResult]:
    """The endpoint of an untyped call: the known method's policy (contexts, retries, errors
    inside 200) when the spec has it, else one that any auth context may call and that is
    repeated only where a repeat cannot do harm."""
    if not isinstance(method, str) or not METHOD_NAME.match(method):
        raise InvalidArgumentError(str(method), ["not a REST method name such as 'crm.deal.list'"])
    if known is not None:
        return Endpoint(
            method=method,
            decode=read_call_result,
            request_schema={},
            contexts=known.contexts,
            idempotent=known.idempotent,
            errors_at=known.errors_at,
        )
    return Endpoint(
        method=method,
        decode=read_call_result,
        request_schema={},
        contexts=(APPLICATION, WEBHOOK),
        idempotent=False,
    )


def envelope_count(value: Any) -> int | None:
    """A non-negative integer of the envelope (`total`, `next`), also from a digit string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else None
