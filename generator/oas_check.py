"""Check spec files against the OpenAPI specification with openapi-spec-validator.

The slow part of loading a spec, imported only when some file's result is not cached
(`generator.validate` decides).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

# The Python backend words the problems we map to lines (and the bad-spec corpus pins them); with
# jsonschema-rs installed (for its fast dialect check), the validator would pick it otherwise.
os.environ["OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"] = "jsonschema"

from jsonschema.exceptions import ValidationError, best_match  # after the backend choice above
from jsonschema_path import SchemaPath
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation import keywords

from generator.loader import Document, SpecSet
from generator.pointers import escape_pointer_token
from generator.problems import Problem
from generator.refs import Location, RefError, RefResolver
from generator.validator_speedups import FastDocumentCheck, speed_up
from generator.workers import map_batches, worker_count

_SCHEMA_PARTS = "_generator_schema_parts"
# "Additional properties are not allowed ('foo' was unexpected)": point at the key itself.
_UNEXPECTED_KEY = re.compile(r"\('([^']+)' was unexpected\)|^'([^']+)' does not match")


def _tracking(base: type[keywords.SchemaValidator]) -> type[keywords.SchemaValidator]:
    """A schema keyword validator that tags each error with the schema's path in the spec.

    openapi-spec-validator reports a schema's problems relative to that schema; the tag lets
    them be placed in the document (and in the right file when the schema came by `$ref`).
    """

    class Tracking(base):  # type: ignore[valid-type,misc]
        """The schema validator, tagging its errors with the schema's place."""

        def __call__(
            self, schema: SchemaPath, require_properties: bool = True, meta_checked: bool = False
        ) -> Iterator[ValidationError]:
            for error in super().__call__(schema, require_properties, meta_checked):
                if not hasattr(error, _SCHEMA_PARTS):
                    setattr(error, _SCHEMA_PARTS, tuple(schema.parts))
                yield error

    return Tracking


class _V30(OpenAPIV30SpecValidator):
    schema_validator = FastDocumentCheck(OpenAPIV30SpecValidator.schema_validator)
    keyword_validators = {  # noqa: RUF012 - the library's own class attribute, overridden
        **OpenAPIV30SpecValidator.keyword_validators,
        "schema": _tracking(keywords.OpenAPIV30SchemaValidator),
    }


class _V31(OpenAPIV31SpecValidator):
    schema_validator = FastDocumentCheck(OpenAPIV31SpecValidator.schema_validator)
    keyword_validators = {  # noqa: RUF012 - the library's own class attribute, overridden
        **OpenAPIV31SpecValidator.keyword_validators,
        "schema": _tracking(keywords.OpenAPIV31SchemaValidator),
    }


speed_up(
    [_V30.keyword_validators["schema"], _V31.keyword_validators["schema"]],
    [OpenAPIV30SpecValidator.schema_validator, OpenAPIV31SpecValidator.schema_validator],
)

SUPPORTED_VERSIONS: dict[str, type[OpenAPIV30SpecValidator] | type[OpenAPIV31SpecValidator]] = {
    "3.0": _V30,
    "3.1": _V31,
}


Finding = tuple[int, str, str | None]
"""A problem in a known file: (line, message, pointer)."""

_SHARED: dict[str, Any] = {}
PARALLEL_FROM = 16  # files to check before worker processes pay for their start-up
RESOLVED_CACHE = 4096
"""Resolved nodes each document keeps (jsonschema-path resolves every step of a walk otherwise)."""


def check_documents(spec: SpecSet, paths: list[Path]) -> dict[Path, list[Finding]]:
    """The findings for each of `paths`; many files are checked by one worker per core."""
    workers = worker_count()
    if len(paths) < PARALLEL_FROM or workers < 2:
        return dict(zip(paths, _check_batch(spec, paths), strict=True))
    _SHARED["spec"] = spec  # forked workers inherit the loaded spec instead of receiving a copy
    try:
        batches = [paths[i::workers] for i in range(workers)]
        parts = map_batches(_check_shared_batch, batches)
    finally:
        _SHARED.clear()
    found: dict[Path, list[Finding]] = {}
    for batch, part in zip(batches, parts, strict=True):
        found.update(zip(batch, part, strict=True))
    return found


def _check_shared_batch(paths: list[Path]) -> list[list[Finding]]:
    return _check_batch(_SHARED["spec"], paths)


def _check_batch(spec: SpecSet, paths: list[Path]) -> list[list[Finding]]:
    handler = _InMemoryFiles(spec)
    resolver = RefResolver(spec)
    return [
        [(p.line, p.message, p.pointer) for p in validate_document(path, spec.documents[path], handler, resolver)]
        for path in paths
    ]


def validate_document(path: Path, doc: Document, handler: _InMemoryFiles, resolver: RefResolver) -> list[Problem]:
    """The OpenAPI violations of one file; cross-file `$ref`s are served from memory.

    A problem inside a schema that another file defines is left to that file's own validation.
    """
    version = doc.data.get("openapi")
    if version is None and "swagger" in doc.data:
        return [
            Problem(
                doc.display,
                doc.line_of("/swagger"),
                "Swagger 2.0 is not supported: convert the file to OpenAPI 3.1",
                "/swagger",
            )
        ]
    if version is None:
        return [Problem(doc.display, 1, "not an OpenAPI document: the 'openapi' field is missing", "")]
    validator_class = (
        SUPPORTED_VERSIONS.get(".".join(str(version).split(".")[:2])) if isinstance(version, str) else None
    )
    if validator_class is None:
        hint = ' (write it as a quoted string, e.g. "3.1.0")' if isinstance(version, (int, float)) else ""
        return [
            Problem(
                doc.display,
                doc.line_of("/openapi"),
                f"unsupported OpenAPI version {version!r}{hint}; use 3.1.x (or 3.0.x)",
                "/openapi",
            )
        ]
    schema_path = SchemaPath.from_dict(
        doc.data, base_uri=path.as_uri(), handlers={"file": handler}, resolved_cache_maxsize=RESOLVED_CACHE
    )
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    validator = validator_class(schema_path)
    try:
        errors = list(_all_errors(validator, schema_path, doc.data))
    except RecursionError:
        # The loader bounds nesting per file; a chain of $refs across files can still be deeper.
        return [Problem(doc.display, 1, "schemas nest too deeply (through $refs) to be validated", "")]
    for error in errors:
        location = _locate(resolver, path, doc, error)
        if location.path != path:
            continue
        message = " ".join(_shorten(_deepest(error).message).split())
        if not location.pointer:
            location = _pointer_named_in(message, doc, location)
        unexpected = _UNEXPECTED_KEY.search(message)
        key = unexpected and (unexpected.group(1) or unexpected.group(2))
        if key and location.pointer + "/" + escape_pointer_token(key) in doc.lines:
            location = location.child(key)
        if (location.pointer, message) not in seen:
            seen.add((location.pointer, message))
            problems.append(Problem(doc.display, doc.line_of(location.pointer), message, location.pointer))
    return problems


def _all_errors(validator: Any, root: SchemaPath, data: Any) -> Iterator[ValidationError]:
    """The validator's errors, plus meta-schema errors of schemas written inline under paths.

    openapi-spec-validator checks the schemas under `components` against the JSON Schema
    dialect, but not those written inline in a request body or response.
    """
    yield from validator.iter_errors()
    check_schema = validator.keyword_validators_registry["schema"]
    for parts in _inline_schemas(data.get("paths"), ("paths",)):
        schema = root
        for part in parts:
            schema = schema / part
        yield from check_schema(schema)


def _inline_schemas(value: Any, parts: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, dict):
        for key, child in value.items():
            if key in ("example", "examples") or not isinstance(key, str):
                continue
            if key == "schema" and isinstance(child, dict) and "$ref" not in child:
                yield (*parts, key)
            else:
                yield from _inline_schemas(child, (*parts, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _inline_schemas(child, (*parts, i))


class _InMemoryFiles:
    """A jsonschema-path handler that serves already-loaded spec files instead of reading disk."""

    def __init__(self, spec: SpecSet) -> None:
        self.spec = spec

    def __call__(self, uri: str) -> Any:
        path = Path(unquote(urlparse(uri).path)).resolve()
        doc = self.spec.documents.get(path)
        if doc is None:
            raise FileNotFoundError(path)
        return doc.data


def _pointer_named_in(message: str, doc: Document, location: Location) -> Location:
    """For a document-level error that quotes a path ("... in '/users/{id}'"), that path's node."""
    paths = doc.data.get("paths")
    for quoted in re.findall(r"'(/[^']*)'", message):
        if isinstance(paths, dict) and quoted in paths:
            return location.child("paths", quoted)
    return location


def _deepest(error: ValidationError) -> ValidationError:
    # oneOf/anyOf failures say only "is not valid under any of the given schemas"; the deepest
    # sub-error usually names the real mistake.
    return (best_match(error.context) or error) if error.context else error


def _pointer(tokens: Iterable[Any]) -> str:
    return "".join("/" + escape_pointer_token(str(token)) for token in tokens)


def _locate(resolver: RefResolver, path: Path, doc: Document, error: ValidationError) -> Location:
    """Where in which file an error's instance is."""
    parts = getattr(error, _SCHEMA_PARTS, None)
    relative = [str(t) for t in _deepest(error).absolute_path]
    if parts is None:
        return Location(path, _pointer(relative))
    try:
        return _follow(resolver, Location(path, ""), [*map(str, parts), *relative])
    except RefError:
        return Location(path, _pointer(parts))


def _follow(resolver: RefResolver, location: Location, tokens: list[str]) -> Location:
    """The real location of a logical path that may pass through `$ref`s (even across files)."""
    location, value = resolver.resolve(location, resolver.value_at(location))
    for i, token in enumerate(tokens):
        child = location.child(token)
        try:
            value = resolver.value_at(child)
        except RefError:
            # The rest names something absent (say, a missing key): point at the last real node.
            return Location(location.path, location.pointer + _pointer(tokens[i:]))
        location = child
        if i < len(tokens) - 1:
            location, value = resolver.resolve(location, value)
    return location


def _shorten(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."
