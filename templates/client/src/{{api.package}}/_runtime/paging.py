"""List methods: where a page's items are, and where the next page starts.

A list method answers up to 50 items with `total` and `next` beside `result`; the next page is
the same call with `start` set to `next` (`settings/how-to-call-rest-api/list-methods-pecularities.md`).
"""

from __future__ import annotations

from typing import Any

from .errors import UnexpectedResponseError

__all__ = ["DEFAULT_PAGE_SIZE", "next_start", "page_items", "page_size"]

DEFAULT_PAGE_SIZE = 50
"""Items per page of the vendor's list methods."""


def page_items(method: str, result: Any, key: str | None) -> list[Any]:
    """The items of one page: `result` itself, `result[key]`, or the one list inside `result`.

    PHP's empty array and an object keyed by position both count as lists.
    """
    if key is not None:
        if not isinstance(result, dict) or key not in result:
            if result == []:
                return []
            raise _unexpected(method, f"the page's result has no {key!r}")
        result = result[key]
    if isinstance(result, list):
        return result
    if isinstance(result, dict):
        lists = [value for value in result.values() if isinstance(value, list)]
        if key is None and len(lists) == 1 and len(result) == 1:
            return lists[0]
        if all(str(name).isdigit() for name in result):
            return list(result.values())
    raise _unexpected(
        method, "the page's result is not a list of items (name the key with items=...)"
    )


def next_start(method: str, start: Any, next_value: int | None) -> int | None:
    """Where the page after the one at `start` begins; None after the last page."""
    if next_value is None:
        return None
    if isinstance(start, int) and next_value <= start:
        raise _unexpected(method, f"next ({next_value}) does not move past start ({start})")
    return next_value


def page_size(first_start: Any, second_start: int, first_count: int) -> int:
    """The page size a list method uses, from its first two starts (50 unless it says otherwise)."""
    step = second_start - first_start if isinstance(first_start, int) else first_count
    return step if step > 0 else DEFAULT_PAGE_SIZE


def _unexpected(method: str, reason: str) -> UnexpectedResponseError:
    return UnexpectedResponseError(method, 200, reason, "")
