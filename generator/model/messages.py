"""A method's request (its arguments, their rules, its examples) and its success response."""

from __future__ import annotations

from typing import Any, NamedTuple

from generator import naming
from generator.model.errors import is_error_example, json_media
from generator.model.examples import check_request_examples, made_up, media_examples
from generator.model.ir import ANY, Example, Field, JsonValue, TypeExpr
from generator.model.operations import OperationSite
from generator.model.rules import validation_schema
from generator.model.schemas import SchemaReader

ENVELOPE = "the success response must be an application/json object schema (the {result, time} envelope)"


class Request(NamedTuple):
    """The arguments of a method: their record, fields, rules and examples."""

    record: str | None
    params: tuple[Field, ...]
    rules: dict[str, JsonValue]
    examples: tuple[Example, ...]


class Response(NamedTuple):
    """The success answer of a method: its type and examples."""

    type: TypeExpr
    examples: tuple[Example, ...]


def read_request(schemas: SchemaReader, site: OperationSite, call_options: tuple[str, ...]) -> Request:
    """The request of `site`; an example is made up from the schema when the spec has none."""
    reader = schemas.reader
    record: str | None = None
    params: tuple[Field, ...] = ()
    rules: dict[str, JsonValue] = {}
    examples: tuple[Example, ...] = ()
    body_location, body = reader.resolve(site.location.child("requestBody"), site.data.get("requestBody"))
    media = None
    if isinstance(body, dict) and body:
        media = json_media(reader, body_location.child("content"), body.get("content"), "the request body")
    if media is not None:
        media_location, media_data = media
        schema_location = media_location.child("schema")
        type_expr, _ = schemas.type_of(schema_location, media_data.get("schema", {}), _stem(site) + "Request")
        if type_expr.kind != "record" or type_expr.record is None:
            reader.problem(schema_location, "the request body schema must be an object with properties")
        else:
            record = type_expr.record
            params = tuple(schemas.by_name[record].fields)
            rules = validation_schema(reader, schema_location, media_data.get("schema", {}))
            examples = media_examples(reader, media_location, media_data)
            for f in params:
                if f.required and f.nullable:
                    reader.problem(
                        schema_location,
                        f"unsupported construct: required argument '{f.wire_name}' may be null; the client treats "
                        "None as 'not given', so make it optional or not nullable",
                    )
    for f in params:
        if f.name in call_options:
            reader.problem(
                site.location, f"request property '{f.wire_name}' clashes with the per-call option '{f.name}'"
            )
    if not examples:
        if params:
            examples = (made_up(rules, "Made from the schema: the spec has no request example"),)
        else:
            examples = (Example("synthesized", "A call without arguments", "", {}, made_up=True),)
    check_request_examples(reader, site.location.child("requestBody"), examples, rules)
    return Request(record, params, rules, examples)


def read_response(schemas: SchemaReader, site: OperationSite) -> Response:
    """The success response of `site`; an example is made up from the schema when the spec has none."""
    reader = schemas.reader
    responses: dict[str, Any] = site.data.get("responses") or {}
    ok = sorted(str(k) for k in responses if str(k).startswith("2"))
    if not ok:
        reader.problem(
            site.location.child("responses"), "no 2xx response: the client cannot know what a success looks like"
        )
        return Response(ANY, ())
    location, response = reader.resolve(site.location.child("responses", ok[0]), responses[ok[0]])
    content = response.get("content") if isinstance(response, dict) else None
    media = json_media(reader, location.child("content"), content, "the response")
    if media is None:
        reader.problem(location, f"unsupported construct: {ENVELOPE}")
        return Response(ANY, ())
    media_location, media_data = media
    schema = media_data.get("schema", {})
    type_expr, _ = schemas.type_of(media_location.child("schema"), schema, _stem(site) + "Response")
    if type_expr.kind != "record":
        reader.problem(media_location.child("schema"), f"unsupported construct: {ENVELOPE}")
        return Response(ANY, ())
    examples = tuple(
        e for e in media_examples(reader, media_location, media_data) if not is_error_example(e.value, site.errors_at)
    )
    if not examples:
        shape = validation_schema(reader, media_location.child("schema"), schema)
        examples = (made_up(shape, "Made from the schema: the spec has no response example"),)
    return Response(type_expr, examples)


def _stem(site: OperationSite) -> str:
    return naming.pascal_case(site.method)
