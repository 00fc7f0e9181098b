"""Changes in the records (model classes) a method's arguments and answer reach.

Records are paired by where they sit, not by name: the old and the new record behind the same
argument or result field are the same model, so a renamed class is reported as renamed and its
fields are still compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from generator.changes.fields import FieldNames, Role, compare_fields, pair_fields
from generator.changes.rules import IMPACTS, Change
from generator.changes.sides import Side
from generator.model.ir import Operation, Record, TypeExpr


class Root(NamedTuple):
    """Where a walk through records starts: a type on each side, read or written by client code."""

    old: TypeExpr
    new: TypeExpr
    role: Role
    old_method: str
    new_method: str


class RecordPair(NamedTuple):
    old: str
    new: str


def compare_records(old: Side, new: Side, roots: list[Root]) -> list[Change]:
    """Every change in the records reached from `roots`, each pair of records compared once."""
    roles: dict[RecordPair, set[Role]] = {}
    methods: dict[RecordPair, tuple[str, str]] = {}
    queue = list(roots)
    while queue:
        root = queue.pop()
        for pair in _record_pairs(root.old, root.new):
            if pair.old not in old.api.records_by_name or pair.new not in new.api.records_by_name:
                continue
            seen = roles.setdefault(pair, set())
            if root.role in seen:
                continue
            seen.add(root.role)
            methods.setdefault(pair, (root.old_method, root.new_method))
            fields, _, _ = pair_fields(old.api.record(pair.old).fields, new.api.record(pair.new).fields)
            queue.extend(Root(o.type, n.type, root.role, root.old_method, root.new_method) for o, n in fields)
    changes: list[Change] = []
    for pair in sorted(roles):
        changes.extend(_compare_pair(old, new, pair, roles[pair], methods[pair]))
    return changes


def _record_pairs(old: TypeExpr, new: TypeExpr) -> Iterator[RecordPair]:
    """The records at the same place of two types (items of arrays and maps, members of unions and tuples)."""
    if old.kind == "record" and new.kind == "record" and old.record and new.record:
        yield RecordPair(old.record, new.record)
    elif old.kind == new.kind and old.kind in ("array", "map") and old.item and new.item:
        yield from _record_pairs(old.item, new.item)
    elif old.kind == new.kind and old.kind in ("union", "tuple") and len(old.members) == len(new.members):
        for a, b in zip(old.members, new.members, strict=True):
            yield from _record_pairs(a, b)


def _compare_pair(old: Side, new: Side, pair: RecordPair, roles: set[Role], methods: tuple[str, str]) -> list[Change]:
    a, b = old.api.record(pair.old), new.api.record(pair.new)
    where = new.places.record(b.name, methods[1])
    changes: list[Change] = []
    if a.name != b.name:
        changes.append(Change("record-renamed", b.name, where, a.name, b.name))
    if a.description != b.description:
        changes.append(Change("docs-changed", b.name, where, "description", "description"))
    if a.fields != b.fields:
        # A record both written and read by client code: the stricter judgement holds.
        judged = [_field_changes(old, new, a, b, role, methods) for role in sorted(roles)]
        chosen: list[Change] = min(judged, key=_worst)
        changes.extend(chosen)
    if a.pattern_fields != b.pattern_fields:
        changes.append(Change("detail-changed", f"{b.name}.<patternProperties>", where))
    return changes


def _field_changes(old: Side, new: Side, a: Record, b: Record, role: Role, methods: tuple[str, str]) -> list[Change]:
    names = FieldNames(
        symbol=lambda f: f"{b.name}.{f.name}",
        old_place=lambda f: old.places.field(a.name, f.wire_name, methods[0]),
        new_place=lambda f: new.places.field(b.name, f.wire_name, methods[1]),
    )
    return compare_fields(a.fields, b.fields, role, names)


def _worst(changes: list[Change]) -> tuple[int, int]:
    """Sorts the worse judgement first: the worst impact, then the most changes of it."""
    worst = min((IMPACTS.index(c.impact) for c in changes), default=len(IMPACTS))
    return worst, -sum(1 for c in changes if IMPACTS.index(c.impact) == worst)


def operation_roots(o: Operation, n: Operation) -> list[Root]:
    """The walks through records a method pair starts: each argument's type, and the answer's."""
    pairs, _, _ = pair_fields(o.params, n.params)
    roots = [Root(a.type, b.type, "argument", o.method, n.method) for a, b in pairs]
    return [*roots, Root(o.response, n.response, "result", o.method, n.method)]
