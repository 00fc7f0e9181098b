"""The intermediate model: what templates see, and all they see.

Built from a validated spec by `generator.build.build_model`. Every name here is already a safe
Python identifier, every text already has its escaped forms, and every type already has its
Python annotation and decoder, so templates only place values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator import naming


@dataclass(frozen=True)
class Text:
    """One piece of prose from the spec, in each form a template may need."""

    raw: str
    plain: str
    doc: str
    md: str
    cell: str

    @classmethod
    def of(cls, text: str | None) -> Text:
        """All renderings of `text` (an empty text when the spec has none)."""
        raw = text or ""
        return cls(
            raw=raw,
            plain=naming.one_line(raw),
            doc=naming.docstring_text(raw),
            md=naming.markdown_text(raw),
            cell=naming.markdown_cell(raw),
        )

    def __bool__(self) -> bool:
        return bool(self.plain)


@dataclass(frozen=True)
class TypeRef:
    """A schema's type as Python sees it.

    `annotation` is the attribute type, `param_annotation` what a method argument accepts
    (models also as plain mappings), `decoder` an expression for a callable that reads a JSON
    value leniently into `annotation`, `label` the type for docs.
    """

    kind: str
    annotation: str
    param_annotation: str
    decoder: str
    label: str
    item: TypeRef | None = None
    model: str | None = None
    enum: tuple[Any, ...] = ()

    @property
    def label_text(self) -> Text:
        """The docs label in each escaped form (an enum's values may hold any text)."""
        return Text.of(self.label)


@dataclass(frozen=True)
class Field:
    """One property of a model."""

    wire_name: str
    name: str
    type: TypeRef
    required: bool
    nullable: bool
    description: Text
    wire_literal: str
    constraints: tuple[str, ...]

    @property
    def constraint_text(self) -> Text:
        """The constraints as one escaped text (a pattern may hold backslashes and pipes)."""
        return Text.of(", ".join(self.constraints))

    @property
    def name_literal(self) -> str:
        """The attribute name as a Python string literal."""
        return repr(self.name)

    @property
    def optional(self) -> bool:
        """True if the attribute may be None (absent from the data, or null)."""
        return not self.required or self.nullable


@dataclass(frozen=True)
class ItemResults:
    """Where a response carries one outcome per request item (partial failure inside HTTP 200).

    `steps` walks from the response model to the array: (attribute, may be None) pairs.
    """

    request_field: str
    request_wire_name: str
    steps: tuple[tuple[str, bool], ...]
    wire_path: tuple[str, ...]
    item_model: str
    success_attribute: str
    success_wire_name: str
    errors_attribute: str | None
    errors_wire_name: str | None
    chunk_size: int
    match: tuple[str, ...]

    @property
    def attribute_path_literal(self) -> str:
        """The attributes from the response model to the outcomes, as a Python tuple literal."""
        return repr(tuple(attribute for attribute, _ in self.steps))

    @property
    def success_attribute_literal(self) -> str:
        """The outcome's success attribute as a Python literal."""
        return repr(self.success_attribute)

    @property
    def match_literal(self) -> str:
        """The match keys as a Python tuple literal."""
        return repr(self.match)

    @property
    def wire_path_literal(self) -> str:
        """The path to the array, as a Python tuple literal of wire names."""
        return repr(self.wire_path)

    @property
    def request_wire_literal(self) -> str:
        """The request property's wire name as a Python literal."""
        return repr(self.request_wire_name)

    @property
    def success_wire_literal(self) -> str:
        """The per-item success flag's wire name as a Python literal."""
        return repr(self.success_wire_name)

    @property
    def errors_wire_literal(self) -> str:
        """The wire name of the per-item errors as a Python literal (None when there is none)."""
        return repr(self.errors_wire_name)


@dataclass(frozen=True)
class Model:
    """A generated dataclass, from an object schema."""

    name: str
    description: Text
    fields: tuple[Field, ...]
    module: str
    source: str
    item_results: ItemResults | None = None


@dataclass(frozen=True)
class Example:
    """A named example from the spec, as data and as literal text."""

    name: str
    summary: Text
    description: Text
    value: Any
    json: str

    @property
    def name_literal(self) -> str:
        """The example's name as a Python string literal."""
        return repr(self.name)


@dataclass(frozen=True)
class ErrorCase:
    """One documented way a method fails: status, code, message and when it happens."""

    status: int | None
    code: str
    code_literal: str
    message: Text
    when: Text
    exception: str
    system: bool


@dataclass(frozen=True)
class ErrorClass:
    """The exception class generated for one error code."""

    code: str
    code_literal: str
    name: str
    base: str
    statuses: tuple[int, ...]
    cases: tuple[ErrorCase, ...]
    summary: Text


@dataclass(frozen=True)
class Call:
    """A request example turned into a call of the generated method.

    `arguments` pairs each Python argument name with the literal to pass.
    """

    example: Example
    arguments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Operation:
    """One Bitrix24 REST method."""

    method: str
    method_literal: str
    operation_id: str
    source: str
    namespace: str
    function: str
    module: str
    http_method: str
    path: str
    summary: Text
    description: Text
    scopes: tuple[str, ...]
    contexts: tuple[str, ...]
    idempotent: bool
    deprecated: bool
    params: tuple[Field, ...]
    request_model: Model
    request_schema_literal: str
    """The argument rules (a JSON Schema subset) as a Python literal of one JSON string."""
    response_model: Model | None
    response_type: TypeRef
    errors: tuple[ErrorCase, ...]
    request_examples: tuple[Example, ...]
    calls: tuple[Call, ...]
    response_examples: tuple[Example, ...]
    item_results: ItemResults | None
    endpoint_name: str
    request_models: tuple[Model, ...]
    response_models: tuple[Model, ...]
    failure_counts: tuple[int, ...]
    item_counts: tuple[int, ...]
    failure_example: Example | None
    required_cases: tuple[tuple[str, str, str, str], ...]
    test_data_literal: str
    """The examples, error cases and expectations the generated tests use, as a Python literal
    of one JSON string (one line: quick to format however large the examples are)."""
    imports: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Model modules and names the method's signature mentions (set once models are placed)."""
    abc_imports: tuple[str, ...] = ()
    typing_imports: tuple[str, ...] = ()
    mixin_name: str = ""
    """The class holding the method for `Client` (`DeleteMessagesMethod`), set with `imports`."""
    async_mixin_name: str = ""
    """The same for `AsyncClient` (`AsyncDeleteMessagesMethod`)."""
    method_module: str = ""
    """The module of those classes (`_imconnector_delete_messages`)."""
    raw_function: str = ""
    """The twin that also returns the HTTP answers (`delete_messages_raw`)."""

    @property
    def passthrough_example(self) -> Example:
        """A response example that can answer the first call unchanged.

        For a many-item method that is one with as many outcomes as the call sends items (the
        client pairs outcomes with items); otherwise simply the first example.
        """
        if self.item_results is None:
            return self.response_examples[0]
        sent = (
            self.call.example.value.get(self.item_results.request_wire_name)
            if isinstance(self.call.example.value, dict)
            else None
        )
        for example, count in zip(self.response_examples, self.item_counts, strict=True):
            if isinstance(sent, list) and count == len(sent):
                return example
        return self.response_examples[0]

    @property
    def tested_models(self) -> tuple[str, ...]:
        """The model classes the generated tests check results against, in import order."""
        names = {self.response_type.model, self.item_results.item_model if self.item_results else None}
        return tuple(sorted((n for n in names if n), key=lambda n: (n.lower(), n)))

    @property
    def call(self) -> Call:
        """The call the generated tests and docs show first."""
        return self.calls[0]

    @property
    def response_checks(self) -> tuple[tuple[Example, int], ...]:
        """Each response example with the number of failed items it holds."""
        return tuple(zip(self.response_examples, self.failure_counts, strict=True))

    @property
    def contexts_literal(self) -> str:
        """The auth contexts as a Python tuple literal."""
        return repr(self.contexts)

    @property
    def webhook_allowed(self) -> bool:
        """True if the method may be called through an incoming webhook."""
        return "webhook" in self.contexts

    @property
    def exception_names(self) -> tuple[str, ...]:
        """The exception classes this method is documented to raise, sorted."""
        return tuple(sorted({e.exception for e in self.errors}))

    @property
    def method_errors(self) -> tuple[ErrorCase, ...]:
        """The errors documented for this method alone (not the system ones)."""
        return tuple(e for e in self.errors if not e.system)

    @property
    def system_errors(self) -> tuple[ErrorCase, ...]:
        """The system errors this method lists."""
        return tuple(e for e in self.errors if e.system)


@dataclass(frozen=True)
class ModelModule:
    """One generated module of models: shared ones (`common`) or one operation's."""

    name: str
    models: tuple[Model, ...]
    operations: tuple[Operation, ...]
    imports: tuple[tuple[str, tuple[str, ...]], ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Namespace:
    """The methods sharing a first name segment: `client.imconnector`."""

    name: str
    class_name: str
    async_class_name: str
    operations: tuple[Operation, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Api:
    """Everything generated from one spec."""

    title: str
    package: str
    distribution: str
    version: str
    python_requires: str
    operations: tuple[Operation, ...]
    namespaces: tuple[Namespace, ...]
    modules: tuple[ModelModule, ...]
    error_classes: tuple[ErrorClass, ...]
    sources: tuple[str, ...]

    @property
    def models(self) -> tuple[Model, ...]:
        """All generated models, module by module."""
        return tuple(m for module in self.modules for m in module.models)
