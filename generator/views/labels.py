"""How types and rules read in prose (`array of ExternalMessageRef`, `must not be empty`).

Plain text, the same for docstrings and docs; each view then makes it safe for its place.
"""

from __future__ import annotations

import json

from generator.model.ir import Constraints, TypeExpr


def type_label(t: TypeExpr) -> str:
    """The type as the docs name it."""
    if t.kind == "record":
        return t.record or "object"
    if t.kind == "map":
        return "object"
    if t.kind == "array":
        item = t.item or TypeExpr("any")
        return f"array of {type_label(item)}" + (" or null" if t.item_nullable else "")
    if t.kind == "union":
        return " or ".join(dict.fromkeys(type_label(m) for m in t.members))
    if t.kind == "tuple":
        return f"array of {len(t.members)}: ({', '.join(type_label(m) for m in t.members)})"
    if t.yn:
        return 'boolean ("Y" or "N")'
    if t.enum:
        return f"{t.kind} (one of {', '.join(json.dumps(v, ensure_ascii=False) for v in t.enum)})"
    return t.kind


def constraint_labels(c: Constraints, *, pattern: bool = True) -> tuple[str, ...]:
    """The rules of a value, one phrase each (without the pattern's when `pattern` is false)."""
    labels = []
    if c.non_empty:
        labels.append("must not be empty")
    pairs = (
        (c.min_length if c.min_length != 1 else None, "at least {} characters"),
        (c.max_length, "at most {} characters"),
        (c.min_items if c.min_items != 1 else None, "at least {} items"),
        (c.max_items, "at most {} items"),
        (c.minimum, "at least {}"),
        (c.maximum, "at most {}"),
        (c.exclusive_minimum, "more than {}"),
        (c.exclusive_maximum, "less than {}"),
        (c.pattern if pattern else None, "matches `{}`"),
    )
    labels.extend(label.format(value) for value, label in pairs if value is not None)
    return tuple(labels)
