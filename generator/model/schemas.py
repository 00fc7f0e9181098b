"""Schemas into types: primitives, arrays, maps, and records (object schemas with properties).

A record is named after its component (`components/schemas/<Name>`) or, inline, after its
parent and property; names that collide are told apart or reported. Records are collected once
each, however many places refer to them, and a schema may refer to itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator import naming
from generator.model.ir import ANY, Constraints, Field, TypeExpr
from generator.model.reader import SpecReader
from generator.pointers import unescape_pointer_token
from generator.refs import Location

UNSUPPORTED_KEYWORDS = ("not", "if", "then", "else", "patternProperties", "prefixItems", "$dynamicRef", "discriminator")
PRIMITIVES = ("string", "integer", "number", "boolean")
MAX_DEPTH = 32
"""Schemas inside schemas, inline or by $ref; the vendor's deepest nest about 6."""
CONSTRAINT_KEYWORDS = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "minItems": "min_items",
    "maxItems": "max_items",
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "pattern": "pattern",
}


@dataclass
class RecordDraft:
    """A record while its fields are read (a record may refer to itself, so it exists before them)."""

    name: str
    location: Location
    description: str
    fields: list[Field] = field(default_factory=list)
    refers_to: set[str] = field(default_factory=set)


class SchemaReader:
    """Reads schemas into types, keeping every record it meets (by the schema's location)."""

    def __init__(self, reader: SpecReader, reserved_classes: frozenset[str], reserved_members: frozenset[str]) -> None:
        self.reader = reader
        self.reserved_classes = reserved_classes
        self.reserved_members = reserved_members
        self.drafts: dict[Location, RecordDraft] = {}
        self.by_name: dict[str, RecordDraft] = {}
        self._open: list[RecordDraft] = []
        self._depth = 0

    def type_of(self, location: Location, schema: Any, hint: str) -> tuple[TypeExpr, bool]:
        """The type of `schema` (named after `hint` if it becomes a record) and whether it admits null."""
        if isinstance(schema, dict) and "$ref" in schema:
            target_location, target = self.reader.resolve(location, schema)
            return self.type_of(target_location, target, _component_name(target_location) or hint)
        if self._depth >= MAX_DEPTH:
            self.reader.problem(location, f"schemas nest more than {MAX_DEPTH} levels deep here (inline or through $refs)")
            return ANY, False
        self._depth += 1
        try:
            return self._type_here(location, schema, hint)
        finally:
            self._depth -= 1

    def _type_here(self, location: Location, schema: Any, hint: str) -> tuple[TypeExpr, bool]:
        if not isinstance(schema, dict) or not schema:
            return ANY, False
        for keyword in UNSUPPORTED_KEYWORDS:
            if keyword in schema:
                self.reader.problem(location.child(keyword), f"unsupported construct '{keyword}' in a schema")
                return ANY, False
        for keyword in ("oneOf", "anyOf", "allOf"):
            if keyword in schema:
                return self._composed(location, schema, keyword, hint)
        nullable = schema.get("nullable") is True
        kind = schema.get("type")
        if isinstance(kind, list):
            nullable = nullable or "null" in kind
            kinds = [t for t in kind if t != "null"]
            if len(kinds) > 1:
                self.reader.problem(
                    location.child("type"), f"unsupported construct: a value of several types ({', '.join(kinds)})"
                )
                return ANY, nullable
            kind = kinds[0] if kinds else None
        if kind == "null":
            return ANY, True
        if kind == "object" or (kind is None and "properties" in schema):
            return self._object(location, schema, hint), nullable
        if kind == "array":
            item, item_nullable = self.type_of(location.child("items"), schema.get("items", {}), f"{hint}Item")
            return TypeExpr("array", item=item, item_nullable=item_nullable and item.kind != "any"), nullable
        if kind in PRIMITIVES:
            enum = tuple(schema["enum"]) if isinstance(schema.get("enum"), list) else ()
            return TypeExpr(kind, enum=enum), nullable
        return ANY, nullable

    def _composed(self, location: Location, schema: dict[str, Any], keyword: str, hint: str) -> tuple[TypeExpr, bool]:
        """`oneOf`/`anyOf`/`allOf` of one schema (plus null); more alternatives are unsupported."""
        members = schema[keyword] if isinstance(schema[keyword], list) else []
        non_null = [m for m in members if not (isinstance(m, dict) and m.get("type") == "null")]
        if len(non_null) == 1:
            type_expr, nullable = self.type_of(location.child(keyword, members.index(non_null[0])), non_null[0], hint)
            return type_expr, nullable or len(members) > 1
        self.reader.problem(
            location.child(keyword),
            f"unsupported construct '{keyword}' with {len(non_null)} alternatives; only one schema (plus null) is supported",
        )
        return ANY, False

    def _object(self, location: Location, schema: dict[str, Any], hint: str) -> TypeExpr:
        """A record for an object schema with properties; a map for one without."""
        if not schema.get("properties"):
            extra = schema.get("additionalProperties")
            value, value_nullable = ANY, False
            if isinstance(extra, dict):
                value, value_nullable = self.type_of(location.child("additionalProperties"), extra, f"{hint}Value")
            return TypeExpr("map", item=value, item_nullable=value_nullable and value.kind != "any")
        draft = self.drafts.get(location)
        if draft is None:
            draft = self._new_draft(location, schema, hint)
            self._open.append(draft)
            draft.fields = self._fields(location, schema, draft.name)
            self._open.pop()
        if self._open:
            self._open[-1].refers_to.add(draft.name)
        return TypeExpr("record", record=draft.name)

    def _new_draft(self, location: Location, schema: dict[str, Any], hint: str) -> RecordDraft:
        """A record not read yet, under a class name no other record has."""
        name = naming.class_name(hint, self.reserved_classes)
        component = _component_name(location)
        if name in self.by_name:
            other = self.by_name[name].location
            if component is not None and _component_name(other) is not None:
                self.reader.problem(
                    location,
                    f"schema name '{component}' becomes class {name}, as does {other.path.name}#{other.pointer}",
                )
            base, n = name, 2
            while name in self.by_name:
                name, n = f"{base}{n}", n + 1
        draft = RecordDraft(name=name, location=location, description=_text(schema.get("description")))
        self.drafts[location] = draft
        self.by_name[name] = draft
        return draft

    def _fields(self, location: Location, schema: dict[str, Any], record: str) -> list[Field]:
        """The fields of an object schema, with names checked for clashes."""
        properties = schema.get("properties") or {}
        required = schema.get("required") or []
        for name in required:
            if name not in properties:
                self.reader.problem(
                    location.child("required"), f"required property '{name}' is not defined under properties"
                )
        fields: list[Field] = []
        taken: dict[str, str] = {}
        for wire_name, sub in properties.items():
            sub_location = location.child("properties", wire_name)
            type_expr, nullable = self.type_of(sub_location, sub, record + naming.pascal_case(wire_name))
            name = naming.attribute_name(wire_name)
            if name in self.reserved_members:
                name += "_"
            if name in taken:
                self.reader.problem(
                    sub_location, f"properties '{taken[name]}' and '{wire_name}' both become the attribute '{name}'"
                )
                continue
            taken[name] = wire_name
            _, resolved = self.reader.resolve(sub_location, sub)
            resolved = resolved if isinstance(resolved, dict) else {}
            own = sub.get("description") if isinstance(sub, dict) else None
            fields.append(
                Field(
                    wire_name=wire_name,
                    name=name,
                    type=type_expr,
                    required=wire_name in required,
                    nullable=nullable,
                    description=_text(own) or _text(resolved.get("description")),
                    constraints=constraints_of(resolved),
                )
            )
        return fields


def constraints_of(schema: dict[str, Any]) -> Constraints:
    """The validation keywords of a schema."""
    values = {attr: schema[key] for key, attr in CONSTRAINT_KEYWORDS.items() if key in schema}
    return Constraints(**values)


def _component_name(location: Location) -> str | None:
    parts = location.pointer.split("/")
    if len(parts) == 4 and parts[1] == "components" and parts[2] == "schemas":
        return unescape_pointer_token(parts[3])
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
