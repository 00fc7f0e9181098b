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
YN = "x-bitrix24-yn"
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
    nullable = schema.get("nullable") is True or (isinstance(schema.get("type"), list) and "null" in schema["type"])
    if schema.get(YN) is True:  # the wire form of a Y/N boolean, whatever Python passes
        return {
            "type": ["string", "null"] if nullable else ["string"],
            "enum": ["Y", "N", *([None] if nullable else [])],
        }
    for keyword in ("oneOf", "anyOf", "allOf"):
        members = schema.get(keyword)
        if not isinstance(members, list):
            continue
        if constraints_only(members):  # `anyOf: [{required: [a]}, {required: [b]}]`: a rule beside the type
            rest = validation_schema(
                reader, location, {k: v for k, v in schema.items() if k != keyword}, active - {location}
            )
            rules = [validation_schema(reader, location.child(keyword, i), m, active) for i, m in enumerate(members)]
            return {**rest, ("allOf" if keyword == "allOf" else "anyOf"): rules}
        non_null = [m for m in members if not (isinstance(m, dict) and m.get("type") == "null")]
        if len(non_null) == 1:
            inner = validation_schema(reader, location.child(keyword, members.index(non_null[0])), non_null[0], active)
            if len(members) > 1 and "type" in inner:
                inner["type"] = sorted({*_as_list(inner["type"]), "null"})
            return inner
        if keyword == "allOf" or not non_null:
            return {}
        alternatives = [
            validation_schema(reader, location.child(keyword, members.index(m)), m, active) for m in non_null
        ]
        if len(non_null) < len(members):
            alternatives.append({"type": ["null"]})
        return {"anyOf": alternatives} if all(alternatives) else {}
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
    if isinstance(schema.get("patternProperties"), dict):
        out["patternProperties"] = {
            pattern: validation_schema(reader, location.child("patternProperties", pattern), sub, active)
            for pattern, sub in schema["patternProperties"].items()
        }
    if isinstance(schema.get("additionalProperties"), dict):
        out["additionalProperties"] = validation_schema(
            reader, location.child("additionalProperties"), schema["additionalProperties"], active
        )
    if isinstance(schema.get("prefixItems"), list):
        out["prefixItems"] = [
            validation_schema(reader, location.child("prefixItems", i), sub, active)
            for i, sub in enumerate(schema["prefixItems"])
        ]
        if schema.get("items") is False:
            out["items"] = False
    elif "items" in schema:
        out["items"] = validation_schema(reader, location.child("items"), schema["items"], active)
    return out


TYPE_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "items",
        "prefixItems",
        "$ref",
        "oneOf",
        "anyOf",
        "allOf",
        "enum",
        "const",
        "additionalProperties",
        "patternProperties",
        YN,
    }
)


def constraints_only(members: list[Any]) -> bool:
    """True if the alternatives only add rules (`required`, bounds), none says what type a value is."""
    return bool(members) and all(isinstance(m, dict) and m and TYPE_KEYWORDS.isdisjoint(m) for m in members)


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
