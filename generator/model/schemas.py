"""Schemas into types: primitives, arrays, maps, and records (object schemas with properties).

A record is named after its component (`components/schemas/<Name>`) or, inline, after its
parent and property; names that collide are told apart or reported. Records are collected once
each, however many places refer to them, and a schema may refer to itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator import naming
from generator.model.ir import ANY, Constraints, Discriminator, Field, PatternField, TypeExpr
from generator.model.reader import SpecReader
from generator.model.rules import constraints_only
from generator.pointers import unescape_pointer_token
from generator.refs import Location

UNSUPPORTED_KEYWORDS = ("not", "if", "then", "else", "$dynamicRef")
YN = "x-bitrix24-yn"
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
    pattern_fields: list[PatternField] = field(default_factory=list)
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
            self.reader.problem(
                location, f"schemas nest more than {MAX_DEPTH} levels deep here (inline or through $refs)"
            )
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
                if isinstance(schema[keyword], list) and constraints_only(schema[keyword]):
                    # A rule beside the type (which rules.py checks), not alternatives of a type.
                    return self._type_here(location, {k: v for k, v in schema.items() if k != keyword}, hint)
                return self._composed(location, schema, keyword, hint)
        if "discriminator" in schema:
            self.reader.problem(location.child("discriminator"), "a discriminator needs oneOf or anyOf beside it")
        nullable = schema.get("nullable") is True
        kind = schema.get("type")
        if isinstance(kind, list):
            nullable = nullable or "null" in kind
            kinds = [t for t in kind if t != "null"]
            if len(kinds) > 1:  # `type: [integer, string]`: a union of the types as written
                members = tuple(self._type_here(location, {**schema, "type": k}, hint)[0] for k in kinds)
                return TypeExpr("union", members=members), nullable
            kind = kinds[0] if kinds else None
        if schema.get(YN) is not None:
            return self._yn(location, schema, kind), nullable
        if kind == "null":
            return ANY, True
        if kind == "object" or (kind is None and ("properties" in schema or "patternProperties" in schema)):
            return self._object(location, schema, hint), nullable
        if kind == "array":
            if "prefixItems" in schema:
                return self._tuple(location, schema, hint), nullable
            item, item_nullable = self.type_of(location.child("items"), schema.get("items", {}), f"{hint}Item")
            return TypeExpr("array", item=item, item_nullable=item_nullable and item.kind != "any"), nullable
        if kind in PRIMITIVES:
            enum = tuple(schema["enum"]) if isinstance(schema.get("enum"), list) else ()
            return TypeExpr(kind, enum=enum), nullable
        return ANY, nullable

    def _yn(self, location: Location, schema: dict[str, Any], kind: Any) -> TypeExpr:
        """The vendor's "Y"/"N" boolean (`x-bitrix24-yn: true` on a boolean or a Y/N string)."""
        if schema.get(YN) is not True or kind not in ("boolean", "string"):
            self.reader.problem(location.child(YN), f"{YN} must be true, on a schema of type boolean or string")
            return TypeExpr("boolean")
        return TypeExpr("boolean", yn=True)

    def _tuple(self, location: Location, schema: dict[str, Any], hint: str) -> TypeExpr:
        """`prefixItems`: an array of a fixed length whose items each have their own type."""
        items = schema.get("prefixItems")
        if not isinstance(items, list) or not items or schema.get("items", False) is not False:
            self.reader.problem(
                location.child("prefixItems"),
                "unsupported construct: a tuple needs prefixItems, and `items: false` or no `items` (no further typed items)",
            )
            return ANY
        members = tuple(
            self.type_of(location.child("prefixItems", i), item, f"{hint}Item{i}")[0] for i, item in enumerate(items)
        )
        return TypeExpr("tuple", members=members)

    def _composed(self, location: Location, schema: dict[str, Any], keyword: str, hint: str) -> tuple[TypeExpr, bool]:
        """`allOf` of one schema, or a union: `oneOf`/`anyOf` of several (`null` among them: nullable)."""
        members = schema[keyword] if isinstance(schema[keyword], list) else []
        non_null = [m for m in members if not (isinstance(m, dict) and m.get("type") == "null")]
        nullable = len(non_null) < len(members)
        if len(non_null) == 1:
            type_expr, inner_nullable = self.type_of(
                location.child(keyword, members.index(non_null[0])), non_null[0], hint
            )
            return type_expr, inner_nullable or nullable
        if keyword == "allOf" or not non_null:
            self.reader.problem(
                location.child(keyword),
                f"unsupported construct '{keyword}' with {len(non_null)} schemas; allOf may have only one (plus null)",
            )
            return ANY, False
        alternatives: list[TypeExpr] = []
        for member in non_null:
            type_expr, member_nullable = self.type_of(
                location.child(keyword, members.index(member)), member, f"{hint}Option{len(alternatives) + 1}"
            )
            nullable = nullable or member_nullable
            alternatives.append(type_expr)
        return (
            TypeExpr(
                "union", members=tuple(alternatives), discriminator=self._discriminator(location, schema, alternatives)
            ),
            nullable,
        )

    def _discriminator(
        self, location: Location, schema: dict[str, Any], alternatives: list[TypeExpr]
    ) -> Discriminator | None:
        """The union's `discriminator`: which property tells its records apart, and how."""
        raw = schema.get("discriminator")
        if raw is None:
            return None
        records = [t.record for t in alternatives if t.kind == "record" and t.record]
        name = raw.get("propertyName") if isinstance(raw, dict) else None
        if not isinstance(name, str) or len(records) != len(alternatives):
            self.reader.problem(
                location.child("discriminator"), "a discriminator needs a propertyName, and every alternative a record"
            )
            return None
        mapping: dict[str, str] = {}
        for value, ref in (raw.get("mapping") or {}).items():
            target = (
                self.drafts.get(self.reader.resolver.target_of(str(ref), location.path))
                if isinstance(ref, str)
                else None
            )
            if target is None or target.name not in records:
                self.reader.problem(
                    location.child("discriminator", "mapping", value),
                    f"mapping '{value}' names no alternative of the union",
                )
                continue
            mapping[str(value)] = target.name
        for record in records:  # OpenAPI: without a mapping, a record's own name is its value
            if record not in mapping.values():
                mapping[record] = record
        return Discriminator(name, tuple(sorted(mapping.items())))

    def _object(self, location: Location, schema: dict[str, Any], hint: str) -> TypeExpr:
        """A record for an object schema with properties (or patternProperties); a map for one without."""
        if not schema.get("properties") and not schema.get("patternProperties"):
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
            draft.pattern_fields = self._pattern_fields(location, schema, draft)
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

    def _pattern_fields(self, location: Location, schema: dict[str, Any], draft: RecordDraft) -> list[PatternField]:
        """One attribute per pattern of `patternProperties`, named after the pattern's literal start."""
        patterns = schema.get("patternProperties") or {}
        taken = {f.name for f in draft.fields}
        found: list[PatternField] = []
        for pattern, sub in patterns.items():
            sub_location = location.child("patternProperties", pattern)
            try:
                re.compile(pattern)
            except re.error as exc:
                self.reader.problem(sub_location, f"patternProperties: {pattern!r} is not a regular expression ({exc})")
                continue
            type_expr, nullable = self.type_of(sub_location, sub, draft.name + "Pattern")
            name, n = pattern_attribute(pattern), 2
            while name in taken or name in self.reserved_members:
                name, n = f"{pattern_attribute(pattern)}_{n}", n + 1
            taken.add(name)
            found.append(PatternField(name, pattern, type_expr, nullable and type_expr.kind != "any"))
        return found


PATTERN_LITERAL = re.compile(r"^\^?([A-Za-z0-9_]*)")


def pattern_attribute(pattern: str) -> str:
    """The attribute of properties named by `pattern`: its literal start (`^UF_CRM_` -> `uf_crm_fields`)."""
    stem = naming.snake_case(PATTERN_LITERAL.match(pattern).group(1))  # type: ignore[union-attr]
    return f"{stem}_fields" if stem else "pattern_fields"


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
