"""Changes in the methods of the client: added, removed, renamed, and what each one takes and does."""

from __future__ import annotations

from generator.changes.fields import FieldNames, compare_fields
from generator.changes.rules import Change, Rule
from generator.changes.sides import Side
from generator.model.ir import Api, Example, Field, Operation


def pair_operations(old: Api, new: Api) -> tuple[list[tuple[Operation, Operation]], list[Operation], list[Operation]]:
    """Methods matched by method name, then by operationId (a rename); and those only one side has."""
    by_method = {op.method: op for op in new.operations}
    pairs = [(op, by_method[op.method]) for op in old.operations if op.method in by_method]
    paired = {n.method for _, n in pairs}
    rest_old = [op for op in old.operations if op.method not in by_method]
    by_id = {op.operation_id: op for op in new.operations if op.method not in paired}
    renamed = [(op, by_id[op.operation_id]) for op in rest_old if op.operation_id in by_id]
    taken = {n.method for _, n in renamed}
    gone = [op for op in rest_old if op.operation_id not in by_id]
    added = [op for op in new.operations if op.method not in paired and op.method not in taken]
    return pairs + renamed, gone, added


def compare_operation(old: Side, new: Side, o: Operation, n: Operation) -> list[Change]:
    """Every change of one method present on both sides (its records are compared elsewhere)."""
    where = new.places.operation(n.method)
    symbol = n.call_path
    changes: list[Change] = []

    def add(rule: Rule, symbol: str, old_form: str = "", new_form: str = "") -> None:
        changes.append(Change(rule, symbol, where, old_form, new_form))

    if o.call_path != n.call_path:
        add("method-renamed", symbol, o.call_path, n.call_path)
    changes.extend(compare_fields(o.params, n.params, "argument", _argument_names(old, new, o, n)))
    if (o.list_items is None) != (n.list_items is None):
        add("iterator-added" if n.list_items else "iterator-removed", f"{symbol}_iter")
    if (o.item_results is None) != (n.item_results is None):
        add("item-outcomes-added" if n.item_results else "item-outcomes-removed", f"{symbol}(...).failed")
    for context in o.contexts:
        if context not in n.contexts:
            add("context-removed", symbol, ", ".join(o.contexts), ", ".join(n.contexts))
    for context in n.contexts:
        if context not in o.contexts:
            add("context-added", symbol, ", ".join(o.contexts), ", ".join(n.contexts))
    if (o.scopes, o.idempotent) != (n.scopes, n.idempotent):
        add("policy-changed", symbol, _policy(o), _policy(n))
    if o.deprecated != n.deprecated:
        add("deprecated", symbol, _deprecation(o), _deprecation(n))
    edited = [name for name in ("summary", "description") if getattr(o, name) != getattr(n, name)]
    if edited:
        add("docs-changed", symbol, ", ".join(edited), ", ".join(edited))
    if _examples(o.request_examples) != _examples(n.request_examples) or _examples(o.response_examples) != _examples(
        n.response_examples
    ):
        add("example-changed", symbol)
    old_errors, new_errors = {e.exception for e in o.errors}, {e.exception for e in n.errors}
    for name in sorted(new_errors - old_errors):
        add("method-error-added", symbol, "", f"errors.{name}")
    for name in sorted(old_errors - new_errors):
        add("method-error-removed", symbol, f"errors.{name}", "")
    if old_errors == new_errors and o.errors != n.errors:
        add("docs-changed", symbol, "error descriptions", "error descriptions")
    if (o.http_method, o.errors_at) != (n.http_method, n.errors_at):
        add(
            "detail-changed",
            symbol,
            f"{o.http_method} {o.errors_at or ''}".strip(),
            f"{n.http_method} {n.errors_at or ''}".strip(),
        )
    return changes


def _argument_names(old: Side, new: Side, o: Operation, n: Operation) -> FieldNames:
    def call(op: Operation, f: Field) -> str:
        return f"{op.call_path}({f.name}=...)"

    return FieldNames(
        symbol=lambda f: call(n, f) if f in n.params else call(o, f),
        old_place=lambda f: old.places.field(o.request_record, f.wire_name, o.method),
        new_place=lambda f: new.places.field(n.request_record, f.wire_name, n.method),
    )


def _examples(examples: tuple[Example, ...]) -> list[tuple[str, str, str, object]]:
    """The spec's own examples (those made up from the schema follow the schema's changes)."""
    return [(e.name, e.summary, e.description, e.value) for e in examples if not e.made_up]


def _policy(op: Operation) -> str:
    return f"scopes {', '.join(op.scopes) or 'none'}" + (", safe to repeat" if op.idempotent else "")


def _deprecation(op: Operation) -> str:
    return "deprecated" if op.deprecated else "not deprecated"
