"""The rules a client checks before sending: a JSON Schema subset of the request, `$ref`s inlined."""

from __future__ import annotations

from typing import Any

from generator.model.reader import SpecReader
from generator.refs import Location

VALIDATION_KEYWORDS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "enum",
    "pattern",
)
MAX_EXPANSION = 64
"""Schemas expanded inside one another; below that anything is accepted."""


def validation_schema(
    reader: SpecReader, location: Location, schema: Any, active: frozenset[Location] = frozenset()
) -> dict[str, Any]:
    """The subset of `schema` the client checks before sending, with every `$ref` inlined.

    A schema that contains itself is checked down to where it recurs (`active` holds the
    schemas being expanded); below that anything is accepted.
    """
    location, schema = reader.resolve(location, schema)
    if not isinstance(schema, dict) or location in active or len(active) > MAX_EXPANSION:
        return {}
    active = active | {location}
    for keyword in ("oneOf", "anyOf", "allOf"):
        members = schema.get(keyword)
        if isinstance(members, list):
            non_null = [m for m in members if not (isinstance(m, dict) and m.get("type") == "null")]
            if len(non_null) == 1:
                inner = validation_schema(reader, location.child(keyword, members.index(non_null[0])), non_null[0], active)
                if len(members) > 1 and "type" in inner:
                    inner["type"] = sorted({*_as_list(inner["type"]), "null"})
                return inner
            return {}
    out: dict[str, Any] = {}
    if "type" in schema:
        types = _as_list(schema["type"])
        out["type"] = sorted({*types, "null"}) if schema.get("nullable") is True else types
    for keyword in VALIDATION_KEYWORDS:
        if keyword in schema:
            out[keyword] = schema[keyword]
    if isinstance(schema.get("required"), list):
        out["required"] = list(schema["required"])
    properties = schema.get("properties")
    if isinstance(properties, dict):
        out["properties"] = {
            name: validation_schema(reader, location.child("properties", name), sub, active)
            for name, sub in properties.items()
        }
    if "items" in schema:
        out["items"] = validation_schema(reader, location.child("items"), schema["items"], active)
    return out


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
