"""The client target's view of records: how each generated dataclass, its fields and patterns print."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.ir import Field, ItemResults, PatternField, Record
from generator.views import text
from generator.views.python_types import annotation, decoder, writer
from generator.views.safe import DocText, Identifier, PyCode, PyLiteral


def doc(value: str) -> DocText:
    """`value` made safe inside a docstring."""
    return DocText(text.docstring_text(value))


@dataclass(frozen=True)
class PyField:
    """A model attribute, and how the runtime reads and writes it."""

    name: Identifier
    annotation: PyCode
    optional: bool
    doc: DocText | None
    name_literal: PyLiteral
    wire_literal: PyLiteral
    decoder: PyCode
    required: bool
    """True when the runtime must find it (required and not nullable)."""
    writer: PyCode
    """How the runtime writes it where `to_wire` would not (`None` for most)."""


@dataclass(frozen=True)
class PyPattern:
    """The attribute of the properties a `patternProperties` pattern names."""

    name: Identifier
    annotation: PyCode
    doc: DocText
    name_literal: PyLiteral
    pattern_literal: PyLiteral
    decoder: PyCode
    writer: PyCode


@dataclass(frozen=True)
class PyOutcomes:
    """A response model's per-item outcomes (its `ItemOutcomes` base)."""

    item_model: Identifier
    attribute_path: PyLiteral
    success: PyLiteral


@dataclass(frozen=True)
class PyModel:
    """A generated dataclass."""

    name: Identifier
    doc: DocText
    fields: tuple[PyField, ...]
    patterns: tuple[PyPattern, ...]
    outcomes: PyOutcomes | None


def model_view(record: Record, items: ItemResults | None, records: dict[str, Record]) -> PyModel:
    """The dataclass `record` becomes; `items` when it carries per-item outcomes."""
    return PyModel(
        name=Identifier(record.name),
        doc=doc(record.description or record.name),
        fields=tuple(_field(f, records) for f in record.fields),
        patterns=tuple(_pattern(f, records) for f in record.pattern_fields),
        outcomes=(
            PyOutcomes(
                Identifier(items.item_record), PyLiteral.of(items.attribute_path), PyLiteral.of(items.success_attribute)
            )
            if items
            else None
        ),
    )


def _field(f: Field, records: dict[str, Record]) -> PyField:
    return PyField(
        name=Identifier(f.name),
        annotation=PyCode(annotation(f.type) + (" | None = None" if f.optional else "")),
        optional=f.optional,
        doc=doc(f.description) if f.description.strip() else None,
        name_literal=PyLiteral.of(f.name),
        wire_literal=PyLiteral.of(f.wire_name),
        decoder=PyCode(decoder(f.type)),
        required=f.required and not f.nullable,
        writer=PyCode(writer(f.type, records) or "None"),
    )


def _pattern(f: PatternField, records: dict[str, Record]) -> PyPattern:
    value = annotation(f.type) + (" | None" if f.nullable else "")
    read = decoder(f.type)
    return PyPattern(
        name=Identifier(f.name),
        annotation=PyCode(f"dict[str, {value}]"),
        doc=doc(f"The properties whose names match {f.pattern!r}."),
        name_literal=PyLiteral.of(f.name),
        pattern_literal=PyLiteral.of(f.pattern),
        decoder=PyCode(f"_rt.or_none({read})" if f.nullable else read),
        writer=PyCode(writer(f.type, records) or "None"),
    )
