"""Answers that carry one outcome per request item: `.items`, `.failed`, `.succeeded`, `.all_succeeded`.

A generated response model with per-item outcomes (partial failure inside HTTP 200) derives from
`ItemOutcomes` and names, in `_ITEMS_PATH`, the attributes that lead from the answer to the list
of outcomes, and in `_SUCCESS` the attribute of an outcome that says it succeeded.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from .errors import ItemsFailedError

__all__ = ["ItemOutcomes"]

T = TypeVar("T")
S = TypeVar("S", bound="ItemOutcomes[Any]")


class ItemOutcomes(Generic[T]):
    """The per-item view of an answer."""

    _ITEMS_PATH: ClassVar[tuple[str, ...]] = ()
    _SUCCESS: ClassVar[str] = ""

    @property
    def items(self) -> list[T]:
        """One outcome per element of the request's item list, in the order sent."""
        value: Any = self
        for attribute in self._ITEMS_PATH:
            value = getattr(value, attribute)
            if value is None:
                return []
        items: list[T] = value
        return items

    @property
    def failed(self) -> list[T]:
        """The items the portal did not process (their success flag is false)."""
        return [item for item in self.items if not getattr(item, self._SUCCESS)]

    @property
    def succeeded(self) -> list[T]:
        """The items the portal processed."""
        return [item for item in self.items if getattr(item, self._SUCCESS)]

    @property
    def all_succeeded(self) -> bool:
        """True if every item was processed; partial failure inside HTTP 200 makes it false."""
        return not self.failed

    def raise_for_failures(self: S) -> S:
        """This result, or `ItemsFailedError` (with the failed outcomes) if any item failed."""
        failed = self.failed
        if failed:
            raise ItemsFailedError(self, failed, len(self.items))
        return self
