"""Answers that carry one outcome per request item: `.items`, `.failed`, `.uncertain`,
`.succeeded`, `.all_succeeded`.

A generated response model with per-item outcomes (partial failure inside HTTP 200) derives from
`ItemOutcomes` and names, in `_ITEMS_PATH`, the attributes that lead from the answer to the list
of outcomes, and in `_SUCCESS` the attribute of an outcome that says it succeeded.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from .errors import ItemsFailedError

__all__ = ["ItemOutcomes", "mark_uncertain"]

_UNCERTAIN = "_uncertain_items"
"""Where a result keeps the positions of its uncertain outcomes (not a field: not in to_dict)."""

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
        """The items the portal did not process (their success flag is false), `uncertain` aside."""
        unknown = self._uncertain_positions()
        return [
            item
            for i, item in enumerate(self.items)
            if not getattr(item, self._SUCCESS) and i not in unknown
        ]

    @property
    def uncertain(self) -> list[T]:
        """Items whose outcome is not known: reported as not processed by a repeated request
        whose earlier attempt may have processed them (its answer was lost). A message the lost
        attempt deleted reads "not found" on the repeat: it is listed here, not in `failed`."""
        unknown = self._uncertain_positions()
        return [item for i, item in enumerate(self.items) if i in unknown]

    def _uncertain_positions(self) -> frozenset[int]:
        positions: frozenset[int] = self.__dict__.get(_UNCERTAIN, frozenset())
        return positions

    @property
    def succeeded(self) -> list[T]:
        """The items the portal processed."""
        return [item for item in self.items if getattr(item, self._SUCCESS)]

    @property
    def all_succeeded(self) -> bool:
        """True if every item was processed; a failed or uncertain item makes it false."""
        return not self.failed and not self._uncertain_positions()

    def raise_for_failures(self: S) -> S:
        """This result, or `ItemsFailedError` (with the failed and the uncertain outcomes) if
        any item failed or is uncertain."""
        failed, uncertain = self.failed, self.uncertain
        if failed or uncertain:
            raise ItemsFailedError(self, failed, len(self.items), uncertain)
        return self


def mark_uncertain(result: ItemOutcomes[Any], ranges: list[range]) -> None:
    """Mark as uncertain the not-processed outcomes at `ranges` (the positions of the items a
    repeated request carried)."""
    items = result.items
    positions = frozenset(
        i
        for span in ranges
        for i in span
        if i < len(items) and not getattr(items[i], result._SUCCESS)
    )
    if positions:
        result.__dict__[_UNCERTAIN] = positions
