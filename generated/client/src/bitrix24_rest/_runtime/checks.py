"""Checking a method's arguments against its rules before anything is sent.

The rules are a subset of JSON Schema (types, required, lengths, counts, bounds, patterns, enums),
written by the generator from the spec; each schema is compiled once into a checker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .model import describe, format_path

__all__ = [
    "Checker",
    "check",
    "compile_checker",
]

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}
"""JSON types as Python types; a bool is an int to Python, so booleans are told apart."""

Checker = Callable[[Any, tuple[str | int, ...]], list[str]]
"""Checks a value against a compiled schema; returns the broken rules as messages."""


def check(value: Any, schema: Mapping[str, Any], path: tuple[str | int, ...] = ()) -> list[str]:
    """Every way `value` breaks the request `schema` (a JSON Schema subset), as messages."""
    return compile_checker(schema)(value, path)


def compile_checker(schema: Mapping[str, Any]) -> Checker:
    """A function that checks values against `schema`, built once per schema.

    Compiling turns each schema node into a closure with only the rules that node has, so a
    call checks its arguments without looking the rules up again.
    """
    type_names = " or ".join(schema.get("type", ()))
    allowed = tuple({t for name in schema.get("type", ()) for t in _PYTHON_TYPES.get(name, ())})
    bool_allowed = "boolean" in schema.get("type", ())
    rules: list[Callable[[Any], str | None]] = []
    if "minLength" in schema:
        least = schema["minLength"]
        rules.append(
            lambda v: (
                ("must not be empty" if least == 1 else f"must have at least {least} characters")
                if isinstance(v, str) and len(v) < least
                else None
            )
        )
    if "maxLength" in schema:
        most = schema["maxLength"]
        rules.append(
            lambda v: (
                f"must have at most {most} characters"
                if isinstance(v, str) and len(v) > most
                else None
            )
        )
    if "pattern" in schema:
        pattern = re.compile(schema["pattern"])
        rules.append(
            lambda v: (
                f"must match {pattern.pattern!r}"
                if isinstance(v, str) and not pattern.search(v)
                else None
            )
        )
    if "minimum" in schema:
        low = schema["minimum"]
        rules.append(lambda v: f"must be at least {low}" if _is_number(v) and v < low else None)
    if "maximum" in schema:
        high = schema["maximum"]
        rules.append(lambda v: f"must be at most {high}" if _is_number(v) and v > high else None)
    if "exclusiveMinimum" in schema:
        floor = schema["exclusiveMinimum"]
        rules.append(
            lambda v: f"must be more than {floor}" if _is_number(v) and v <= floor else None
        )
    if "exclusiveMaximum" in schema:
        ceiling = schema["exclusiveMaximum"]
        rules.append(
            lambda v: f"must be less than {ceiling}" if _is_number(v) and v >= ceiling else None
        )
    if "minItems" in schema:
        fewest = schema["minItems"]
        rules.append(
            lambda v: (
                ("must not be empty" if fewest == 1 else f"must have at least {fewest} items")
                if isinstance(v, list) and len(v) < fewest
                else None
            )
        )
    if "maxItems" in schema:
        most_items = schema["maxItems"]
        rules.append(
            lambda v: (
                f"must have at most {most_items} items"
                if isinstance(v, list) and len(v) > most_items
                else None
            )
        )
    if "enum" in schema:
        choices = list(schema["enum"])
        rules.append(
            lambda v: (
                f"must be one of {', '.join(map(repr, choices))}" if v not in choices else None
            )
        )
    item_checker = (
        compile_checker(schema["items"]) if isinstance(schema.get("items"), dict) else None
    )
    positions = tuple(compile_checker(sub) for sub in schema.get("prefixItems", ()))
    closed = schema.get("items") is False
    alternatives = tuple(compile_checker(sub) for sub in schema.get("anyOf", ()))
    required = tuple(schema.get("required", ()))
    properties = tuple(
        (name, compile_checker(sub)) for name, sub in schema.get("properties", {}).items() if sub
    )
    known = frozenset(schema.get("properties", {}))
    patterns = tuple(
        (re.compile(pattern), compile_checker(sub))
        for pattern, sub in schema.get("patternProperties", {}).items()
    )
    others = (
        compile_checker(schema["additionalProperties"])
        if isinstance(schema.get("additionalProperties"), dict)
        else None
    )

    def checker(value: Any, path: tuple[str | int, ...]) -> list[str]:
        if allowed and (
            not isinstance(value, allowed)
            or ((value is True or value is False) and not bool_allowed)
        ):
            return [
                f"{format_path(path) or 'the request'}: expected {type_names}, got {describe(value)}"
            ]
        if alternatives and all(alternative(value, path) for alternative in alternatives):
            return [f"{format_path(path) or 'the request'}: matches none of the allowed forms"]
        problems = [broken for rule in rules if (broken := rule(value)) is not None]
        if problems:
            where = format_path(path) or "the request"
            problems = [f"{where}: {broken}" for broken in problems]
        if isinstance(value, list):
            if positions:
                if len(value) < len(positions) or (closed and len(value) > len(positions)):
                    where = format_path(path) or "the request"
                    problems.append(f"{where}: must have {len(positions)} items")
                for index, (item, position) in enumerate(zip(value, positions, strict=False)):
                    problems.extend(position(item, (*path, index)))
            if item_checker is not None:
                for index, item in enumerate(value[len(positions) :], start=len(positions)):
                    problems.extend(item_checker(item, (*path, index)))
        if isinstance(value, dict):
            for name in required:
                if value.get(name) is None:
                    problems.append(f"{format_path((*path, name))}: is required")
            for name, property_checker in properties:
                if value.get(name) is not None:
                    problems.extend(property_checker(value[name], (*path, name)))
            if patterns or others is not None:
                for name, item in value.items():
                    if name in known or item is None:
                        continue
                    matched = [check for pattern, check in patterns if pattern.search(name)]
                    for check in matched or ([others] if others is not None else []):
                        problems.extend(check(item, (*path, name)))
        return problems

    return checker


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
