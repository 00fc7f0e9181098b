"""Changes in the exception classes of the client's `errors` module: one class per error code."""

from __future__ import annotations

from generator.changes.rules import Change, Rule
from generator.changes.sides import Side
from generator.model.ir import ErrorClass


def compare_exceptions(old: Side, new: Side) -> list[Change]:
    """Exception classes added, removed, renamed (same code, another name), or moved to other bases."""
    old_by_code = {c.code.lower(): c for c in old.api.error_classes}
    new_by_code = {c.code.lower(): c for c in new.api.error_classes}
    changes: list[Change] = []
    for code in sorted(old_by_code.keys() - new_by_code.keys()):
        a = old_by_code[code]
        changes.append(Change("exception-removed", f"errors.{a.name}", old.places.error_code(a.code), _form(a)))
    for code in sorted(new_by_code.keys() - old_by_code.keys()):
        b = new_by_code[code]
        changes.append(Change("exception-added", f"errors.{b.name}", new.places.error_code(b.code), "", _form(b)))
    for code in sorted(old_by_code.keys() & new_by_code.keys()):
        a, b = old_by_code[code], new_by_code[code]
        symbol, where = f"errors.{b.name}", new.places.error_code(b.code)
        if a.name != b.name:
            changes.append(Change("exception-renamed", symbol, where, a.name, b.name))
        if set(a.bases) != set(b.bases):
            rule: Rule = "exception-base-added" if set(a.bases) <= set(b.bases) else "exception-base-changed"
            changes.append(Change(rule, symbol, where, _form(a), _form(b)))
        if a.summary != b.summary:
            changes.append(Change("docs-changed", symbol, where, "summary", "summary"))
    return changes


def _form(c: ErrorClass) -> str:
    return f"{c.name}({', '.join(c.bases)})"
