"""Calls that carry many items: split them into chunks, and give every item one outcome.

A method whose answer has one outcome per request item (`x-bitrix24-item-results` in the spec)
is called with at most `chunk_size` items per request. The outcomes of all chunks are merged in
input order. An item the portal did not answer for is reported as failed, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import model as _rt

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "NOT_ANSWERED",
    "ItemResultsSpec",
    "align",
    "answered_items",
    "failed_outcome",
    "merge",
    "split",
]

DEFAULT_CHUNK_SIZE = 50
"""Items per request unless the spec says otherwise: the batch limit of Bitrix24, which keeps one
request well inside the portal's 60 s execution limit."""
NOT_ANSWERED = "The portal returned no result for this item"


@dataclass(frozen=True)
class ItemResultsSpec:
    """Where an answer carries one outcome per request item."""

    request: str
    response: tuple[str, ...]
    success: str
    errors: str | None = None
    chunk_size: int = DEFAULT_CHUNK_SIZE
    match: tuple[str, ...] = ()


def split(body: dict[str, Any], spec: ItemResultsSpec, size: int) -> list[dict[str, Any]]:
    """`body` as one request per `size` items of its item list."""
    items = body.get(spec.request)
    if not isinstance(items, list) or len(items) <= size:
        return [body]
    return [
        {**body, spec.request: items[start : start + size]} for start in range(0, len(items), size)
    ]


def answered_items(payload: Any, spec: ItemResultsSpec) -> list[Any]:
    """The outcome list inside an answer; empty when the answer has none.

    A value of the wrong type on the way (a string where the list or an object holding it
    should be) is not "no outcomes": it raises `DecodeError`, naming where.
    """
    value = payload
    for depth, key in enumerate(spec.response):
        if value is None or value == []:  # absent, or PHP's empty array for an empty object
            return []
        if not isinstance(value, dict):
            raise _rt.DecodeError(
                f"expected an object, got {_rt.describe(value)}", spec.response[:depth]
            )
        value = value.get(key)
    if value is None:
        return []
    if isinstance(value, dict):
        value = _rt.php_list(value)
    if not isinstance(value, list):
        raise _rt.DecodeError(f"expected an array, got {_rt.describe(value)}", spec.response)
    return value


def align(payload: Any, sent: Sequence[Any], spec: ItemResultsSpec) -> list[Any]:
    """One outcome per sent item, in the order sent.

    Outcomes pair with items by position when the portal answered one per item and, where the
    spec names `match` keys (such as message.id and chat.id), the keys agree (or the portal left
    them out). Otherwise they pair by those keys; without keys, by position. Every sent item
    left without an outcome gets a failed one, and an outcome for something not sent is dropped.
    """
    answered = answered_items(payload, spec)
    if not spec.match:
        if len(answered) == len(sent):
            return answered
        return [
            answered[i] if i < len(answered) else failed_outcome(item, spec)
            for i, item in enumerate(sent)
        ]
    sent_keys = [_key(item, spec.match) for item in sent]
    answered_keys = [_key(outcome, spec.match) for outcome in answered]
    if len(answered) == len(sent) and all(
        a == s or None in a or _loose(a) == _loose(s)  # the same ids, perhaps in another form
        for a, s in zip(answered_keys, sent_keys, strict=True)
    ):
        return answered
    exact: dict[tuple[Any, ...], list[int]] = {}
    loose: dict[tuple[Any, ...], list[int]] = {}
    for index, key in enumerate(answered_keys):
        exact.setdefault(key, []).append(index)
        loose.setdefault(_loose(key), []).append(index)
    taken: set[int] = set()
    result = []
    for key, item in zip(sent_keys, sent, strict=True):
        found = _first_free(exact.get(key), taken)
        if found is None:  # an id echoed in another form: "ABC " for "abc", 7 for "7"
            found = _first_free(loose.get(_loose(key)), taken)
        if found is None:
            result.append(failed_outcome(item, spec))
        else:
            taken.add(found)
            result.append(answered[found])
    return result


def _first_free(indexes: list[int] | None, taken: set[int]) -> int | None:
    return next((i for i in indexes or () if i not in taken), None)


def _loose(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """A key compared by its text alone: case, surrounding spaces and number-or-string ignored."""
    return tuple(v.strip().casefold() if isinstance(v, str) else v for v in key)


def failed_outcome(item: Any, spec: ItemResultsSpec) -> dict[str, Any]:
    """The outcome reported for an item the portal did not answer for."""
    outcome: dict[str, Any] = {}
    for path in spec.match:
        value = _get(item, path)
        if value is not None:
            _put(outcome, path, value)
    outcome[spec.success] = False
    if spec.errors:
        outcome[spec.errors] = [NOT_ANSWERED]
    return outcome


def merge(payloads: Sequence[Any], items: list[Any], spec: ItemResultsSpec) -> Any:
    """The first answer with its outcome list replaced by `items` (all chunks, in order)."""
    base = next((p for p in payloads if isinstance(p, dict)), None)
    # Only the objects on the way to the list are copied: the rest is shared, never changed.
    merged: dict[str, Any] = dict(base) if base is not None else {}
    node = merged
    for key in spec.response[:-1]:
        child = node.get(key)
        child = dict(child) if isinstance(child, dict) else {}
        node[key] = child
        node = child
    node[spec.response[-1]] = items
    return merged


def _key(value: Any, paths: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_hashable(_get(value, path)) for path in paths)


def _hashable(value: Any) -> Any:
    # Ids are strings, but the portal may echo them as numbers: 1002 matches "1002".
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, (str, bool, type(None))) else repr(value)


def _get(value: Any, path: str) -> Any:
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value
