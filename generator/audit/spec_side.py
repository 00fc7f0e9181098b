"""What a spec file says about a method, in the terms a vendor page is compared in.

Arguments are the request body's properties, result fields the properties of `result` in the
200 answer (`time` and the envelope's other fields beside it), error codes the named examples of
each status (`{error: CODE}`; inside a 200 answer at `x-bitrix24-errors-at`) or an `enum` on the
error schema's `error`. `$ref`s are followed, also into `common.yaml`; a line in a file the
method only refers to is cited at the method file's `$ref` where that is nearer to what to edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.audit.markdown import Where
from generator.audit.page import ErrorCode
from generator.audit.vendor_types import ANY
from generator.loader import SpecSet
from generator.pointers import unescape_pointer_token
from generator.refs import Location, RefError, RefResolver

_JSON_MEDIA = "application/json"


@dataclass(frozen=True)
class SpecField:
    """A property of an object schema: its name, whether its object requires it, and its schema's place."""

    name: str
    required: bool
    location: Location


@dataclass(frozen=True)
class SpecMethod:
    """One operation of a spec file: where its path is, and the locations the comparison reads."""

    name: str
    where: Where
    request: Location | None
    answer: Location | None
    errors: tuple[ErrorCode, ...]


class SchemaReader:
    """Reads types and properties of the schemas of one `SpecSet`, following `$ref`s."""

    def __init__(self, spec: SpecSet) -> None:
        self.spec = spec
        self.resolver = RefResolver(spec)

    def where(self, location: Location) -> Where:
        """The file and line of `location` (of its nearest parent that has a line)."""
        doc = self.spec.documents[location.path]
        return Where(doc.display, doc.line_of(location.pointer))

    def schema(self, location: Location) -> tuple[Location, dict[str, Any]]:
        """The schema at `location` with its `$ref`s followed (an empty schema if it cannot be)."""
        try:
            target, value = self.resolver.resolve(location, self.resolver.value_at(location))
        except RefError:
            return location, {}
        return target, value if isinstance(value, dict) else {}

    def types(self, location: Location) -> frozenset[str]:
        """The JSON types a schema allows (`yn` for `x-bitrix24-yn`); `ANY` when it does not say."""
        return self._types(location, 0)

    def _types(self, location: Location, depth: int) -> frozenset[str]:
        place, schema = self.schema(location)
        found: set[str] = set()
        kind = schema.get("type")
        if isinstance(kind, str):
            found.add(kind)
        elif isinstance(kind, list):
            found.update(k for k in kind if isinstance(k, str))
        if schema.get("nullable") is True:
            found.add("null")
        if schema.get("x-bitrix24-yn") is True:
            found.add("yn")
        if not found and isinstance(schema.get("properties"), dict):
            found.add("object")
        if depth < 16:
            for keyword in ("oneOf", "anyOf", "allOf"):
                parts = schema.get(keyword)
                if isinstance(parts, list):
                    for index in range(len(parts)):
                        found |= self._types(place.child(keyword, index), depth + 1)
        return frozenset(found) if found else ANY

    def fields(self, location: Location) -> dict[str, SpecField] | None:
        """The properties a schema's values have: its own, its items', its map values' or its
        alternatives'; None if it names none (an open object, a scalar)."""
        return self._fields(location, 0)

    def _fields(self, location: Location, depth: int) -> dict[str, SpecField] | None:
        place, schema = self.schema(location)
        if depth > 16:
            return None
        properties = schema.get("properties")
        if isinstance(properties, dict) and properties:
            required = schema.get("required")
            needed = set(required) if isinstance(required, list) else set()
            return {
                str(name): SpecField(str(name), name in needed, place.child("properties", name)) for name in properties
            }
        for keyword in ("items", "additionalProperties"):
            if isinstance(schema.get(keyword), dict):
                found = self._fields(place.child(keyword), depth + 1)
                if found is not None:
                    return found
        merged: dict[str, SpecField] = {}
        for keyword in ("oneOf", "anyOf", "allOf"):
            parts = schema.get(keyword)
            for index in range(len(parts) if isinstance(parts, list) else 0):
                for name, field in (self._fields(place.child(keyword, index), depth + 1) or {}).items():
                    merged.setdefault(name, field)
        return merged or None


def spec_methods(reader: SchemaReader, path: Path) -> list[SpecMethod]:
    """The operations of one spec file, in the order written."""
    doc = reader.spec.documents[path]
    paths = doc.data.get("paths")
    methods: list[SpecMethod] = []
    if not isinstance(paths, dict):
        return methods
    for route, item in paths.items():
        if not isinstance(item, dict) or not isinstance(item.get("post"), dict):
            continue
        operation = Location(path, "").child("paths", route, "post")
        name = str(route).lstrip("/")
        methods.append(
            SpecMethod(
                name=name,
                where=reader.where(Location(path, "").child("paths", route)),
                request=_media_schema(reader, operation.child("requestBody")),
                answer=_answer(reader, operation),
                errors=tuple(_errors(reader, operation, item["post"])),
            )
        )
    return methods


def _media_schema(reader: SchemaReader, location: Location) -> Location | None:
    """The `application/json` schema of a request body or response at `location`, if it has one."""
    try:
        place, value = reader.resolver.resolve(location, reader.resolver.value_at(location))
    except RefError:
        return None
    content = value.get("content") if isinstance(value, dict) else None
    if not isinstance(content, dict) or not isinstance(content.get(_JSON_MEDIA), dict):
        return None
    if "schema" not in content[_JSON_MEDIA]:
        return None
    return place.child("content", _JSON_MEDIA, "schema")


def _answer(reader: SchemaReader, operation: Location) -> Location | None:
    responses = reader.resolver.value_at(operation).get("responses")
    if not isinstance(responses, dict):
        return None
    success = sorted(str(s) for s in responses if str(s).startswith("2"))
    return _media_schema(reader, operation.child("responses", success[0])) if success else None


def _errors(reader: SchemaReader, operation: Location, raw: dict[str, Any]) -> list[ErrorCode]:
    """Every (status, code) the operation documents, at the line of its example (or of its status)."""
    responses = raw.get("responses")
    errors_at = raw.get("x-bitrix24-errors-at")
    codes: list[ErrorCode] = []
    for status in responses if isinstance(responses, dict) else {}:
        at_status = operation.child("responses", status)
        try:
            place, response = reader.resolver.resolve(at_status, reader.resolver.value_at(at_status))
        except RefError:
            continue
        media = response.get("content", {}).get(_JSON_MEDIA) if isinstance(response, dict) else None
        if not isinstance(media, dict):
            continue
        here = place.path == operation.path
        status_where = reader.where(at_status)
        examples = media.get("examples")
        for name in examples if isinstance(examples, dict) else {}:
            at_example = place.child("content", _JSON_MEDIA, "examples", name)
            _, example = reader.schema(at_example)
            pointer = errors_at if isinstance(errors_at, str) and str(status).startswith("2") else ""
            code = _error_code(example.get("value"), pointer)
            if code is not None:
                codes.append(ErrorCode(str(status), code, reader.where(at_example) if here else status_where))
        schema_at = place.child("content", _JSON_MEDIA, "schema")
        if "schema" in media:
            _, schema = reader.schema(schema_at)
            error = schema.get("properties", {}).get("error") if isinstance(schema.get("properties"), dict) else None
            for code in error.get("enum", []) if isinstance(error, dict) else []:
                codes.append(ErrorCode(str(status), str(code), reader.where(schema_at) if here else status_where))
    return codes


def _error_code(value: Any, pointer: str) -> str | None:
    """The `error` of an example value, at the top or at `pointer` (None: not an error example)."""
    for candidate in (value, _at_pointer(value, pointer) if pointer else None):
        if isinstance(candidate, dict) and isinstance(candidate.get("error"), str):
            return str(candidate["error"])
    return None


def _at_pointer(value: Any, pointer: str) -> Any:
    for token in pointer.strip("/").split("/"):
        if not isinstance(value, dict):
            return None
        value = value.get(unescape_pointer_token(token))
    return value
