"""List methods: which methods page by `start`/`next`, and where a page's items are.

Standard OpenAPI says it where it can: a method whose arguments include `start` and whose
answer has `next` (or `total`) beside `result` is a list method; its items are `result` when
that is an array, or the one array inside `result` (`crm.item.list`: `result.items`). Where the
schema cannot say it, `x-bitrix24-list: {items: /result/tasks}` names the items (a JSON pointer
into the answer) and makes the method a list method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.model.ir import Field, ListItems, TypeExpr
from generator.model.reader import SpecReader
from generator.refs import Location

EXTENSION = "x-bitrix24-list"
START = "start"


def list_items(
    reader: SpecReader,
    location: Location,
    op: dict[str, Any],
    params: tuple[Field, ...],
    response: TypeExpr,
    fields_of: Callable[[str], tuple[Field, ...]],
) -> ListItems | None:
    """The method's list items, or None when it is no list method."""
    declared = op.get(EXTENSION)
    has_start = any(f.wire_name == START for f in params)
    if declared is None:
        if not has_start or response.record is None:
            return None
        envelope = {f.wire_name: f for f in fields_of(response.record)}
        if "next" not in envelope and "total" not in envelope:
            return None
        return _standard(envelope.get("result"), fields_of)
    where = location.child(EXTENSION)
    pointer = declared.get("items") if isinstance(declared, dict) else None
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        reader.problem(where, f"{EXTENSION} must be an object with `items`, a JSON pointer such as /result/items")
        return None
    if not has_start:
        reader.problem(where, f"{EXTENSION}: a list method takes a `{START}` argument (the page to fetch)")
        return None
    found = _follow(response, pointer.lstrip("/").split("/"), fields_of)
    if found is None:
        reader.problem(where.child("items"), f"{pointer!r} does not name an array in the answer's schema")
    return found


def _standard(result: Field | None, fields_of: Callable[[str], tuple[Field, ...]]) -> ListItems | None:
    if result is None:
        return None
    if result.type.kind == "array" and result.type.item is not None:
        return ListItems((result.name,), result.type.item, result.type.item_nullable)
    if result.type.record is not None:
        arrays = [f for f in fields_of(result.type.record) if f.type.kind == "array" and f.type.item is not None]
        if len(arrays) == 1:
            inner = arrays[0]
            assert inner.type.item is not None
            return ListItems((result.name, inner.name), inner.type.item, inner.type.item_nullable)
    return None


def _follow(response: TypeExpr, keys: list[str], fields_of: Callable[[str], tuple[Field, ...]]) -> ListItems | None:
    current, attributes = response, []
    for key in keys:
        if current.record is None:
            return None
        field = next((f for f in fields_of(current.record) if f.wire_name == key), None)
        if field is None:
            return None
        attributes.append(field.name)
        current = field.type
    if current.kind != "array" or current.item is None:
        return None
    return ListItems(tuple(attributes), current.item, current.item_nullable)
