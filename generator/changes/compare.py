"""Two versions of the spec compared as the generated client's public API: every change, classified."""

from __future__ import annotations

from generator.changes.exceptions import compare_exceptions
from generator.changes.operations import compare_operation, pair_operations
from generator.changes.records import compare_records, operation_roots
from generator.changes.rules import Change
from generator.changes.sides import Side
from generator.changes.type_compare import form
from generator.model.ir import Field


def compare_sides(old: Side, new: Side) -> list[Change]:
    """Every change from `old` to `new`, worst first, each once."""
    pairs, gone, added = pair_operations(old.api, new.api)
    changes: list[Change] = []
    for op in gone:
        changes.append(Change("method-removed", op.call_path, old.places.operation(op.method), _signature(op.params)))
    for op in added:
        changes.append(Change("method-added", op.call_path, new.places.operation(op.method), "", _signature(op.params)))
    roots = []
    for o, n in pairs:
        changes.extend(compare_operation(old, new, o, n))
        roots.extend(operation_roots(o, n))
    changes.extend(compare_records(old, new, roots))
    changes.extend(compare_exceptions(old, new))
    if not changes:
        changes.extend(_spec_changes(old, new))
    return sorted(set(changes), key=Change.sort_key)


def _signature(params: tuple[Field, ...]) -> str:
    return "(" + ", ".join(f"{p.name}: {form(p.type, True)}" for p in params) + ")"


def _spec_changes(old: Side, new: Side) -> list[Change]:
    """The files whose data differ though the client's API is the same (servers, info, tags).

    Only between two specs of the same files: a folder and its bundle lay the same spec out
    differently, and that is no change.
    """
    old_docs = {d.name: d for d in old.places.spec.documents.values()}
    new_docs = {d.name: d for d in new.places.spec.documents.values()}
    if old_docs.keys() != new_docs.keys():
        return []
    return [
        Change("spec-changed", name, f"{new.places.show(doc.display)}:1")
        for name, doc in sorted(new_docs.items())
        if doc.data != old_docs[name].data
    ]
