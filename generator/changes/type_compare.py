"""Whether one type takes every value another takes: how a changed type is judged.

Records count as compatible with records here: a record's name and fields are compared on their
own (`generator.changes.records`), so a renamed record is reported once, as a renamed class.
"""

from __future__ import annotations

import json
from typing import Literal

from generator.model.ir import JsonValue, TypeExpr
from generator.views.python_types import annotation, argument_annotation

Verdict = Literal["same", "widened", "narrowed", "changed"]


def accepts(wide: TypeExpr, narrow: TypeExpr) -> bool:
    """True if every value of `narrow` is a value of `wide` (as Python sees them: "Y"/"N" is a bool)."""
    if wide.kind == "any":
        return True
    if narrow.kind == "union":
        return all(accepts(wide, member) for member in narrow.members)
    if wide.kind == "union":
        return any(accepts(member, narrow) for member in wide.members)
    if wide.kind == "number" and narrow.kind == "integer":  # Python's float annotation takes an int
        return _enum_within(wide.enum, narrow.enum)
    if wide.kind != narrow.kind:
        return False
    if wide.kind in ("array", "map"):
        inner = accepts(wide.item or TypeExpr("any"), narrow.item or TypeExpr("any"))
        return inner and (wide.item_nullable or not narrow.item_nullable)
    if wide.kind == "tuple":
        return len(wide.members) == len(narrow.members) and all(map(accepts, wide.members, narrow.members))
    return _enum_within(wide.enum, narrow.enum)


def _enum_within(wide: tuple[JsonValue, ...], narrow: tuple[JsonValue, ...]) -> bool:
    if not wide:
        return True
    return bool(narrow) and all(value in wide for value in narrow)


def compare_types(old: TypeExpr, new: TypeExpr) -> Verdict:
    """How `new` relates to `old`: the same values, more (widened), fewer (narrowed), or neither."""
    takes_old, takes_new = accepts(new, old), accepts(old, new)
    if takes_old and takes_new:
        return "same"
    if takes_old:
        return "widened"
    return "narrowed" if takes_new else "changed"


def enum_only(old: TypeExpr, new: TypeExpr) -> bool:
    """True if the two types are one scalar kind whose listed values alone differ."""
    return old.kind == new.kind and old.kind in ("string", "integer", "number") and bool(old.enum) and bool(new.enum)


def values_missing(of: TypeExpr, from_: TypeExpr) -> tuple[JsonValue, ...]:
    """The listed values of `from_` that `of` does not list."""
    return tuple(value for value in from_.enum if value not in of.enum)


def form(t: TypeExpr, argument: bool) -> str:
    """The type as the client's signature shows it, with its listed values: `str (one of "a", "b")`."""
    text = argument_annotation(t) if argument else annotation(t)
    return text + (f" (one of {enum_text(t.enum)})" if t.enum else "")


def enum_text(values: tuple[JsonValue, ...]) -> str:
    """Listed values as JSON: `"a", "b"`."""
    return ", ".join(json.dumps(v, ensure_ascii=False) for v in values)
