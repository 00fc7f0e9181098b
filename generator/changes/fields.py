"""Changes between two versions of one list of fields: a method's arguments or a record's properties."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

from generator.changes.rules import Change, Rule
from generator.changes.type_compare import compare_types, enum_only, enum_text, form, values_missing
from generator.model.ir import Constraints, Field

Role = Literal["argument", "result"]
"""Arguments are written by client code (wider is safe); results are read by it (narrower is safe)."""

_TYPE_RULES: dict[tuple[Role, str], Rule] = {
    ("argument", "widened"): "argument-type-widened",
    ("argument", "narrowed"): "argument-type-narrowed",
    ("argument", "changed"): "argument-type-changed",
    ("result", "widened"): "result-type-widened",
    ("result", "narrowed"): "result-type-narrowed",
    ("result", "changed"): "result-type-changed",
}
_LOWER_BOUNDS = {
    "min_length": "minLength",
    "min_items": "minItems",
    "minimum": "minimum",
    "exclusive_minimum": "exclusiveMinimum",
}
_UPPER_BOUNDS = {
    "max_length": "maxLength",
    "max_items": "maxItems",
    "maximum": "maximum",
    "exclusive_maximum": "exclusiveMaximum",
}


class FieldNames(NamedTuple):
    """How the report names the fields of one list: their symbol and their place on each side."""

    symbol: Callable[[Field], str]
    old_place: Callable[[Field], str]
    new_place: Callable[[Field], str]


def pair_fields(
    old: Sequence[Field], new: Sequence[Field]
) -> tuple[list[tuple[Field, Field]], list[Field], list[Field]]:
    """Fields matched by Python name, then by wire name (a rename); and those only old or only new have."""
    by_name = {f.name: f for f in new}
    pairs = [(f, by_name[f.name]) for f in old if f.name in by_name]
    paired_new = {n.name for _, n in pairs}
    rest_old = [f for f in old if f.name not in by_name]
    rest_new = {f.wire_name: f for f in new if f.name not in paired_new}
    renamed = [(f, rest_new[f.wire_name]) for f in rest_old if f.wire_name in rest_new]
    taken = {n.name for _, n in renamed}
    gone = [f for f in rest_old if f.wire_name not in rest_new]
    added = [f for f in new if f.name not in paired_new and f.name not in taken]
    return pairs + renamed, gone, added


def compare_fields(old: Sequence[Field], new: Sequence[Field], role: Role, names: FieldNames) -> list[Change]:
    """Every change between two versions of a field list, judged for `role`."""
    argument = role == "argument"
    pairs, gone, added = pair_fields(old, new)
    changes = [
        Change(
            "argument-removed" if argument else "result-field-removed",
            names.symbol(f),
            names.old_place(f),
            field_form(f, role),
        )
        for f in gone
    ]
    for f in added:
        if argument:
            rule: Rule = "argument-added-required" if f.required else "argument-added-optional"
        else:
            rule = "result-field-added"
        changes.append(Change(rule, names.symbol(f), names.new_place(f), "", field_form(f, role)))
    for o, n in pairs:
        changes.extend(compare_field(o, n, role, names))
    return changes


def compare_field(o: Field, n: Field, role: Role, names: FieldNames) -> list[Change]:
    """The changes of one field present on both sides."""
    argument = role == "argument"
    symbol, where = names.symbol(n), names.new_place(n)
    changes: list[Change] = []

    def add(rule: Rule, old: str, new: str) -> None:
        changes.append(Change(rule, symbol, where, old, new))

    if o.name != n.name:
        add("argument-renamed" if argument else "result-field-renamed", o.name, n.name)
    elif o.wire_name != n.wire_name:
        add("wire-name-changed", o.wire_name, n.wire_name)
    _compare_type(o, n, role, add)
    if argument and o.required != n.required:
        add("argument-now-required" if n.required else "argument-now-optional", _presence(o), _presence(n))
    if not argument and o.optional != n.optional:
        add("result-field-now-optional" if n.optional else "result-field-now-guaranteed", _presence(o), _presence(n))
    if o.constraints != n.constraints:
        if argument:
            changes.extend(
                Change(rule, symbol, where, a, b) for rule, a, b in constraint_changes(o.constraints, n.constraints)
            )
        else:
            add(
                "detail-changed",
                "checks: " + constraint_text(o.constraints),
                "checks: " + constraint_text(n.constraints),
            )
    if o.description != n.description:
        add("docs-changed", "description", "description")
    if not changes and (o.nullable != n.nullable or o.type.yn != n.type.yn):
        add("detail-changed", "", "")  # an argument's nullability, Y/N on the wire: not seen from Python
    return changes


def _compare_type(o: Field, n: Field, role: Role, add: Callable[[Rule, str, str], None]) -> None:
    argument = role == "argument"
    if enum_only(o.type, n.type):
        removed, extra = values_missing(n.type, o.type), values_missing(o.type, n.type)
        if removed:
            add("argument-enum-value-removed" if argument else "result-enum-value-removed", enum_text(removed), "")
        if extra:
            add("argument-enum-value-added" if argument else "result-enum-value-added", "", enum_text(extra))
        return
    verdict = compare_types(o.type, n.type)
    if verdict != "same":
        add(_TYPE_RULES[(role, verdict)], form(o.type, argument), form(n.type, argument))


def field_form(f: Field, role: Role) -> str:
    """The field's type as client code sees it: a result that may be absent or null is `X | None`."""
    if role == "argument":
        return form(f.type, True)
    return form(f.type, False) + (" | None" if f.optional else "")


def _presence(f: Field) -> str:
    return "required" if f.required else "optional"


def constraint_changes(old: Constraints, new: Constraints) -> list[tuple[Rule, str, str]]:
    """Each check of an argument that got stricter (tightened) or laxer (loosened)."""
    found: list[tuple[Rule, str, str]] = []
    for attr, keyword in (*_LOWER_BOUNDS.items(), *_UPPER_BOUNDS.items()):
        a, b = getattr(old, attr), getattr(new, attr)
        if a == b:
            continue
        lower = attr in _LOWER_BOUNDS
        stricter = a is None or (b is not None and (b > a if lower else b < a))
        rule: Rule = "argument-constraint-tightened" if stricter else "argument-constraint-loosened"
        found.append((rule, f"{keyword} {_bound(a)}", f"{keyword} {_bound(b)}"))
    if old.pattern != new.pattern:  # another pattern may refuse what the old one took
        rule = "argument-constraint-loosened" if new.pattern is None else "argument-constraint-tightened"
        found.append((rule, f"pattern {_bound(old.pattern)}", f"pattern {_bound(new.pattern)}"))
    return found


def constraint_text(c: Constraints) -> str:
    """The checks, as the spec's keywords: `minLength 1, maxLength 10` (`none` without any)."""
    keywords = {**_LOWER_BOUNDS, **_UPPER_BOUNDS, "pattern": "pattern"}
    parts = [f"{keywords[attr]} {value}" for attr, value in c._asdict().items() if value is not None]
    return ", ".join(parts) or "none"


def _bound(value: float | str | None) -> str:
    return "none" if value is None else str(value)
