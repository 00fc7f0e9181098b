"""The model: what the spec says about the API, once checked, and nothing about how it is printed.

Built once, complete and frozen by `generator.model.build_model`. Names are already safe Python
identifiers (the client is Python, and a name that collides must be a spec problem with a line),
but texts are raw and types are structures: turning them into annotations, literals, docstrings
or Markdown is the business of each target's view (`generator.views`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

JsonValue = Any
"""A value as JSON has it: dict, list, str, int, float, bool or None."""

TypeKind = Literal["any", "string", "integer", "number", "boolean", "array", "map", "record", "union", "tuple"]


class Discriminator(NamedTuple):
    """The property that tells which record of a union a value is, and its values per record."""

    property: str
    mapping: tuple[tuple[str, str], ...]
    """(the property's value, the record) pairs."""


@dataclass(frozen=True)
class TypeExpr:
    """The type of a value, as the spec's schema describes it.

    `item` is the type of an array's items or a map's values (with `item_nullable` when those
    may be null); `record` names the record of an object with properties; `members` are the
    alternatives of a union (`oneOf`/`anyOf`, in the order written, with a `discriminator` when
    the spec gives one) or the items of a tuple (`prefixItems`); `enum` lists the values a
    string, number or boolean may take; `yn` marks the vendor's "Y"/"N" boolean.
    """

    kind: TypeKind
    item: TypeExpr | None = None
    item_nullable: bool = False
    record: str | None = None
    enum: tuple[JsonValue, ...] = ()
    members: tuple[TypeExpr, ...] = ()
    discriminator: Discriminator | None = None
    yn: bool = False

    def records(self) -> tuple[str, ...]:
        """The records this type mentions, outermost first."""
        found: list[str] = [self.record] if self.record else []
        for inner in (*((self.item,) if self.item else ()), *self.members):
            found.extend(name for name in inner.records() if name not in found)
        return tuple(found)

    def has_yn(self, records: dict[str, Record], seen: frozenset[str] = frozenset()) -> bool:
        """True if a "Y"/"N" boolean is somewhere in the type (through records too)."""
        if self.yn:
            return True
        if self.record and self.record not in seen:
            record = records.get(self.record)
            if record and any(t.has_yn(records, seen | {self.record}) for t in record.types()):
                return True
        return any(t.has_yn(records, seen) for t in (*((self.item,) if self.item else ()), *self.members))


ANY = TypeExpr("any")


class Constraints(NamedTuple):
    """The checks a value must pass, as the spec's validation keywords give them (None: no bound)."""

    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    pattern: str | None = None

    @property
    def non_empty(self) -> bool:
        """True if the value may not be empty (a string or array of at least one)."""
        return self.min_length == 1 or self.min_items == 1


@dataclass(frozen=True)
class Field:
    """One property of a record: its name on the wire and in Python, its type and rules."""

    wire_name: str
    name: str
    type: TypeExpr
    required: bool
    nullable: bool
    description: str
    constraints: Constraints

    @property
    def optional(self) -> bool:
        """True if the attribute may be None (absent from the data, or null)."""
        return not self.required or self.nullable


@dataclass(frozen=True)
class PatternField:
    """Properties named by a pattern (`patternProperties`), kept together under one attribute."""

    name: str
    pattern: str
    type: TypeExpr
    nullable: bool


@dataclass(frozen=True)
class Record:
    """An object schema with properties: a class in the client (`models/`)."""

    name: str
    description: str
    fields: tuple[Field, ...]
    pattern_fields: tuple[PatternField, ...]
    source: str
    """The spec file that defines it (machine-independent name)."""
    shared: bool
    """True if it is defined in a file of shared components, or used by several methods."""

    def types(self) -> tuple[TypeExpr, ...]:
        """The types of its properties: named ones first, then those of its patterns."""
        return (*(f.type for f in self.fields), *(f.type for f in self.pattern_fields))


@dataclass(frozen=True)
class Example:
    """A named example from the spec (or made up from the schema, `made_up`)."""

    name: str
    summary: str
    description: str
    value: JsonValue
    made_up: bool = False


@dataclass(frozen=True)
class ErrorCase:
    """One documented way a method fails: status, code, message and when it happens."""

    status: int | None
    code: str
    message: str
    when: str
    exception: str
    system: bool
    """True for a system error (documented in a shared file), False for the method's own."""


@dataclass(frozen=True)
class ErrorClass:
    """The exception class of one error code (codes compared case-insensitively)."""

    code: str
    name: str
    bases: tuple[str, ...]
    """The runtime's exception groups it derives from (`AuthError`, `BadRequestError`, ...)."""
    statuses: tuple[int, ...]
    cases: tuple[ErrorCase, ...]
    summary: str


@dataclass(frozen=True)
class ListItems:
    """Where a list method's answer holds one page of items (it pages by `start` and `next`)."""

    attributes: tuple[str, ...]
    """The Python attributes from the response model to the items: `("result",)`, `("result", "items")`."""
    item: TypeExpr
    item_nullable: bool


@dataclass(frozen=True)
class ItemResults:
    """Where the answer carries one outcome per request item (partial failure inside HTTP 200)."""

    request_field: str
    request_wire_name: str
    wire_path: tuple[str, ...]
    """Wire names from the answer to the array of outcomes (`result`, `DATA`, `RESULT`)."""
    attribute_path: tuple[str, ...]
    """The same path as attributes of the response records."""
    item_record: str
    success_attribute: str
    success_wire_name: str
    errors_attribute: str | None
    errors_wire_name: str | None
    chunk_size: int
    match: tuple[str, ...]


Context = Literal["application", "webhook"]


@dataclass(frozen=True)
class Operation:
    """One Bitrix24 REST method."""

    method: str
    operation_id: str
    source: str
    namespace: str
    """The client attribute of its group (`imconnector`); empty for a method without a dot."""
    function: str
    module: str
    """A snake_case name for the method, unique in the API (file and module names derive from it)."""
    http_method: str
    path: str
    summary: str
    description: str
    scopes: tuple[str, ...]
    contexts: tuple[Context, ...]
    idempotent: bool
    deprecated: bool
    params: tuple[Field, ...]
    request_record: str | None
    """The record of the arguments (None when the method takes none)."""
    response: TypeExpr
    errors: tuple[ErrorCase, ...]
    request_examples: tuple[Example, ...]
    """At least one: the spec's, or one made up from the schema."""
    response_examples: tuple[Example, ...]
    item_results: ItemResults | None
    errors_at: tuple[str, ...] | None
    """Where its HTTP 200 answers carry an error code of their own (`x-bitrix24-errors-at`)."""
    argument_rules: dict[str, JsonValue]
    """The arguments' rules as a JSON Schema subset (every `$ref` inlined), checked before sending."""
    list_items: ListItems | None = None
    """Set for a list method: its `*_iter` twin follows `next` page after page."""

    @property
    def call_path(self) -> str:
        """How a user reaches the method: `client.imconnector.delete_messages`, `client.profile`."""
        return ".".join(("client", *([self.namespace] if self.namespace else []), self.function))

    @property
    def webhook_allowed(self) -> bool:
        """True if the method may be called through an incoming webhook."""
        return "webhook" in self.contexts


@dataclass(frozen=True)
class Namespace:
    """The methods sharing a first name segment: `client.imconnector`."""

    name: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Api:
    """Everything the spec says, checked: what every target's view starts from."""

    operations: tuple[Operation, ...]
    namespaces: tuple[Namespace, ...]
    records: tuple[Record, ...]
    """Every record, by name."""
    error_classes: tuple[ErrorClass, ...]
    sources: tuple[str, ...]

    @functools.cached_property
    def records_by_name(self) -> dict[str, Record]:
        """Every record by its name."""
        return {r.name: r for r in self.records}

    def record(self, name: str) -> Record:
        """The record called `name`."""
        return self.records_by_name[name]

    def reachable(self, names: tuple[str, ...]) -> tuple[Record, ...]:
        """The records `names` refer to, and those they refer to, in first-mention order."""
        order: list[str] = []
        queue = list(names)
        by_name = self.records_by_name
        while queue:
            name = queue.pop(0)
            if name in order or name not in by_name:
                continue
            order.append(name)
            for type_expr in by_name[name].types():
                queue.extend(sorted(type_expr.records()))
        return tuple(by_name[n] for n in order)
