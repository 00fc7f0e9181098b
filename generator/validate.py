"""Validate each spec file against the OpenAPI specification (openapi-spec-validator)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from jsonschema.exceptions import ValidationError, best_match
from jsonschema_path import SchemaPath
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from generator.loader import Document, SpecSet, escape_pointer_token
from generator.problems import Problem

SUPPORTED_VERSIONS = {"3.0": OpenAPIV30SpecValidator, "3.1": OpenAPIV31SpecValidator}


def validate_spec(spec: SpecSet) -> list[Problem]:
    """Every OpenAPI violation in every file of `spec`, each located by file and line."""
    problems: list[Problem] = []
    handler = _InMemoryFiles(spec)
    for path, doc in sorted(spec.documents.items()):
        problems.extend(validate_document(path, doc, handler))
    return problems


def validate_document(path: Path, doc: Document, handler: _InMemoryFiles) -> list[Problem]:
    """The OpenAPI violations of one file; cross-file `$ref`s are served from memory."""
    version = doc.data.get("openapi")
    if version is None:
        return [Problem(doc.display, 1, "not an OpenAPI document: the 'openapi' field is missing", "")]
    validator_class = SUPPORTED_VERSIONS.get(".".join(str(version).split(".")[:2]))
    if validator_class is None or not isinstance(version, str):
        return [
            Problem(
                doc.display,
                doc.line_of("/openapi"),
                f"unsupported OpenAPI version {version!r}; use 3.1.x (or 3.0.x)",
                "/openapi",
            )
        ]
    schema_path = SchemaPath.from_dict(doc.data, base_uri=path.as_uri(), handlers={"file": handler})
    errors = validator_class(schema_path).iter_errors()
    return [_to_problem(doc, error) for error in _unique(errors)]


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


def _unique(errors: Iterable[ValidationError]) -> list[ValidationError]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for error in errors:
        key = (_pointer(error), error.message)
        if key not in seen:
            seen.add(key)
            kept.append(error)
    return kept


def _pointer(error: ValidationError) -> str:
    return "".join("/" + escape_pointer_token(str(token)) for token in error.absolute_path)


def _to_problem(doc: Document, error: ValidationError) -> Problem:
    # oneOf/anyOf failures say only "is not valid under any of the given schemas"; the deepest
    # sub-error usually names the real mistake.
    if error.context:
        error = best_match(error.context) or error
    pointer = _locate(doc, _pointer(error), error.instance)
    message = " ".join(_shorten(error.message).split())
    return Problem(doc.display, doc.line_of(pointer), message, pointer)


def _locate(doc: Document, pointer: str, instance: Any) -> str:
    """The document pointer of an error's instance.

    Errors about a schema or an example are reported relative to that schema, not the document;
    the first place in the document (in file order) whose path ends the same way and that holds
    the same value is where it is.
    """
    if _value_at(doc.data, pointer) == instance:
        return pointer
    suffix = pointer
    candidates = [p for p in doc.lines if p.endswith(suffix)] if suffix else []
    exact = [p for p in candidates if _value_at(doc.data, p) == instance]
    found = exact or candidates
    return min(found, key=lambda p: (doc.lines[p], p)) if found else pointer


def _value_at(data: Any, pointer: str) -> Any:
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(data, dict) and token in data:
            data = data[token]
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return _MISSING
    return data


_MISSING = object()


def _shorten(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."
