"""`x-bitrix24-item-results`: an answer with one outcome per request item, checked against the records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.model.ir import Field, ItemResults
from generator.model.reader import SpecReader
from generator.refs import Location
from generator.runtime_facts import RuntimeFacts

KEY = "x-bitrix24-item-results"


def item_results(
    reader: SpecReader,
    facts: RuntimeFacts,
    location: Location,
    op: dict[str, Any],
    params: tuple[Field, ...],
    response: str | None,
    fields_of: Callable[[str], tuple[Field, ...]],
) -> ItemResults | None:
    """Where the answer carries per-item outcomes, or None (with problems if the extension is wrong).

    `response` is the answer's record, `fields_of` gives the fields of any record by name.
    """
    spec = op.get(KEY)
    if spec is None:
        return None
    location = location.child(KEY)
    if not isinstance(spec, dict):
        reader.problem(
            location,
            f"{KEY} must be a mapping with 'request', 'response', 'success' and optionally 'errors', 'chunk-size', 'match'",
        )
        return None
    members = facts.outcome_members
    clash = [f.wire_name for f in (fields_of(response) if response else ()) if f.name in members]
    if clash:
        reader.problem(
            location,
            f"{KEY}: response properties {', '.join(clash)} clash with the generated {', '.join(sorted(members))}",
        )
        return None
    request_field = next((f for f in params if f.wire_name == spec.get("request")), None)
    if request_field is None or request_field.type.kind != "array":
        reader.problem(location.child("request"), f"{KEY}.request must name an array property of the request body")
        return None
    pointer = spec.get("response")
    if response is None or not isinstance(pointer, str) or not pointer.startswith("/"):
        reader.problem(
            location.child("response"),
            f"{KEY}.response must be a JSON pointer into the 200 response, like /result/DATA/RESULT",
        )
        return None
    record: str | None = response
    wire_path = tuple(pointer[1:].split("/"))
    attributes: list[str] = []
    item_record: str | None = None
    for i, token in enumerate(wire_path):
        found = next((f for f in fields_of(record) if f.wire_name == token), None) if record else None
        if found is None:
            reader.problem(
                location.child("response"), f"{KEY}.response: no property '{token}' at /{'/'.join(wire_path[:i])}"
            )
            return None
        attributes.append(found.name)
        if i == len(wire_path) - 1:
            item = found.type.item if found.type.kind == "array" else None
            item_record = item.record if item is not None and item.kind == "record" else None
        else:
            record = found.type.record if found.type.kind == "record" else None
    if item_record is None:
        reader.problem(location.child("response"), f"{KEY}.response must point at an array of objects")
        return None
    outcome = fields_of(item_record)
    success = next((f for f in outcome if f.wire_name == spec.get("success")), None)
    if success is None or success.type.kind != "boolean":
        reader.problem(location.child("success"), f"{KEY}.success must name a boolean property of {item_record}")
        return None
    errors = next((f for f in outcome if f.wire_name == spec.get("errors")), None)
    if spec.get("errors") is not None and errors is None:
        reader.problem(location.child("errors"), f"{KEY}.errors must name a property of {item_record}")
    chunk_size = spec.get("chunk-size", facts.default_chunk_size)
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
        reader.problem(location.child("chunk-size"), f"{KEY}.chunk-size must be a whole number of at least 1")
        chunk_size = facts.default_chunk_size
    match = spec.get("match", [])
    if not isinstance(match, list) or not all(isinstance(m, str) and m for m in match):
        reader.problem(location.child("match"), f"{KEY}.match must be a list of dotted property paths, like message.id")
        match = []
    return ItemResults(
        request_field=request_field.name,
        request_wire_name=request_field.wire_name,
        wire_path=wire_path,
        attribute_path=tuple(attributes),
        item_record=item_record,
        success_attribute=success.name,
        success_wire_name=success.wire_name,
        errors_attribute=errors.name if errors else None,
        errors_wire_name=errors.wire_name if errors else None,
        chunk_size=chunk_size,
        match=tuple(match),
    )
