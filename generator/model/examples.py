"""Examples: the spec's own (bounded in size), or one made up from the schema when it has none.

The first request example becomes a call in the generated docs and tests, so one that the
client itself would refuse is a problem of the spec, found here rather than as a failing test.
"""

from __future__ import annotations

from typing import Any

from generator.model.ir import Example, JsonValue
from generator.model.reader import SpecReader
from generator.refs import Location

MAX_VALUES = 10_000
"""JSON values in one example; the vendor's largest page examples hold a few hundred."""


def media_examples(reader: SpecReader, location: Location, media: dict[str, Any]) -> tuple[Example, ...]:
    """The `example` and named `examples` of a media type object (too large ones are problems)."""
    candidates: list[tuple[Location, str, Any]] = []
    if "example" in media:
        candidates.append((location.child("example"), "example", {"value": media["example"]}))
    for name, raw in (media.get("examples") or {}).items():
        example_location, example = reader.resolve(location.child("examples", name), raw)
        candidates.append((example_location, name, example))
    found: list[Example] = []
    for example_location, name, example in candidates:
        if not isinstance(example, dict) or "value" not in example:
            continue
        if count_values(example["value"], MAX_VALUES) > MAX_VALUES:
            reader.problem(
                example_location,
                f"example '{name}' holds more than {MAX_VALUES:,} values; examples are copied into "
                "the docs and tests, so keep them small",
            )
            continue
        found.append(
            Example(
                name=name,
                summary=_text(example.get("summary")),
                description=_text(example.get("description")),
                value=example["value"],
            )
        )
    return tuple(found)


def made_up(rules: dict[str, Any], summary: str) -> Example:
    """An example made from a schema, for a spec that gives none."""
    return Example(name="synthesized", summary=summary, description="", value=synthesize(rules), made_up=True)


def check_request_examples(
    reader: SpecReader, location: Location, examples: tuple[Example, ...], rules: dict[str, Any]
) -> None:
    """Report request examples that break the argument rules."""
    if not rules:
        return
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(rules)
    for example in examples:
        hint = " (it was made up from the schema: add a request example)" if example.made_up else ""
        for error in sorted(validator.iter_errors(example.value), key=lambda e: list(map(str, e.absolute_path))):
            where = "".join(f"/{part}" for part in error.absolute_path) or "/"
            reader.problem(
                location,
                f"request example '{example.name}' breaks the argument rules at {where}: {error.message}{hint}",
            )


def synthesize(schema: dict[str, Any]) -> JsonValue:
    """A small value that satisfies `schema` (a validation schema), for specs without examples."""
    types = [t for t in schema.get("type", []) if t != "null"]
    if schema.get("enum"):
        return schema["enum"][0]
    if schema.get("anyOf") and "type" not in schema:
        return synthesize(schema["anyOf"][0])
    if isinstance(schema.get("prefixItems"), list):
        return [synthesize(sub) for sub in schema["prefixItems"]]
    kind = types[0] if types else ("object" if "properties" in schema else "string")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: synthesize(properties.get(name, {})) for name in schema.get("required", [])}
    if kind == "array":
        return [synthesize(schema.get("items", {})) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    return "x" * max(1, schema.get("minLength", 1))


def count_values(value: JsonValue, limit: int) -> int:
    """How many JSON values `value` holds, counting stopped just past `limit`."""
    count = 0
    stack = [value]
    while stack and count <= limit:
        current = stack.pop()
        count += 1
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return count


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
