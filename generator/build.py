"""Build the intermediate model (`generator.model.Api`) from a loaded, validated spec.

Everything the spec says is read here and only here: names become identifiers, schemas become
types with decoders, error examples become exception classes, examples become literals. Problems
are collected, not raised, so one run reports all of them.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from dataclasses import dataclass, field
from typing import Any

from generator import naming
from generator.config import Config
from generator.loader import SpecSet, unescape_pointer_token
from generator.model import (
    Api,
    Call,
    ErrorCase,
    ErrorClass,
    Example,
    Field,
    ItemResults,
    Model,
    ModelModule,
    Namespace,
    Operation,
    Text,
    TypeRef,
)
from generator.problems import Problem
from generator.refs import Location, RefError, RefResolver

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COMMON_MODULE = "common"
CONTEXTS = ("application", "webhook")
SAFE_OPERATION_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
METHOD_PATH = re.compile(r"^/[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")
UNSUPPORTED_SCHEMA_KEYWORDS = (
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "prefixItems",
    "$dynamicRef",
    "discriminator",
)
# Attributes every generated model has; a property with one of these names gets a trailing "_".
MODEL_MEMBERS = {"extra_fields", "from_dict", "to_dict"}
# Items per request when a many-item call is split, unless the spec says otherwise: the batch
# limit of Bitrix24, which keeps one request well inside the portal's 60 s execution limit.
DEFAULT_CHUNK_SIZE = 50
# Keyword arguments every generated method takes besides the request's properties.
CALL_OPTIONS = {"timeout"}
# What Client and AsyncClient define themselves; a namespace of that name gets a trailing "_".
CLIENT_MEMBERS = {"call", "call_raw", "close", "aclose", "tokens"}
# Properties a response with per-item outcomes gets.
ENVELOPE_MEMBERS = {"items", "failed", "succeeded", "all_succeeded"}
# Exception names the generated errors module defines itself.
FIXED_ERROR_CLASSES = {
    "Bitrix24Error",
    "ApiError",
    "AuthError",
    "RateLimitError",
    "BadRequestError",
    "ServerError",
    "TransportError",
    "InvalidArgumentError",
    "UnexpectedResponseError",
    "ConfigurationError",
}
MAX_EXAMPLE_VALUES = 10_000
"""JSON values in one example; the vendor's largest page examples hold a few hundred."""
MAX_SCHEMA_DEPTH = 32
"""Schemas inside schemas, inline or by $ref; the vendor's deepest nest about 6."""
VALIDATION_KEYWORDS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "enum",
    "pattern",
)

ANY = TypeRef(kind="any", annotation="Any", param_annotation="Any", decoder="_rt.as_any", label="any")
PRIMITIVES = {
    "string": ("str", "_rt.as_str"),
    "integer": ("int", "_rt.as_int"),
    "number": ("float", "_rt.as_float"),
    "boolean": ("bool", "_rt.as_bool"),
}


def build_model(spec: SpecSet, config: Config) -> tuple[Api | None, list[Problem]]:
    """The `Api` for `spec`, or None and the problems that prevent building it."""
    builder = _ApiBuilder(spec, config)
    api = builder.build()
    return (None if builder.problems else api), builder.problems


@dataclass
class _Draft:
    """A model while it is being built (fields are filled after the name is taken)."""

    name: str
    location: Location
    description: str
    fields: list[Field] = field(default_factory=list)
    refs: set[Location] = field(default_factory=set)
    done: bool = False


class _ApiBuilder:
    """Builds the `Api` from a spec, collecting problems instead of stopping at the first."""

    def __init__(self, spec: SpecSet, config: Config) -> None:
        self.spec = spec
        self.config = config
        self.resolver = RefResolver(spec)
        self.problems: list[Problem] = []
        self.drafts: dict[Location, _Draft] = {}
        self.names: dict[str, Location] = {}
        self._current: list[_Draft] = []
        self.home_of_model: dict[str, str] = {}
        self._depth = 0

    # -- reporting ---------------------------------------------------------------------------

    def problem(self, location: Location, message: str) -> None:
        """Record a problem at `location`."""
        doc = self.spec.documents[location.path]
        self.problems.append(Problem(doc.display, doc.line_of(location.pointer), message, location.pointer))

    def source(self, location: Location) -> str:
        """The machine-independent name of the file holding `location`."""
        return self.spec.documents[location.path].name

    def resolve(self, location: Location, value: Any) -> tuple[Location, Any]:
        """Follow `$ref`s from `value`; a broken one becomes a problem and an empty value."""
        try:
            return self.resolver.resolve(location, value)
        except RefError as exc:  # check_refs reports these; keep building to find more problems
            self.problem(location, str(exc))
            return location, {}

    # -- the whole API -----------------------------------------------------------------------

    def build(self) -> Api:
        """The whole model: operations, namespaces, model modules and exception classes."""
        drafts_ops = []
        for path in self.spec.entries:
            doc = self.spec.documents[path]
            paths = doc.data.get("paths") or {}
            if not isinstance(paths, dict):
                continue
            for key, item in paths.items():
                found = self.operation(Location(path, "/paths").child(key), key, item)
                if found is not None:
                    drafts_ops.append(found)
        if not drafts_ops and not self.problems:
            first = self.spec.entries[0] if self.spec.entries else next(iter(self.spec.documents))
            self.problem(Location(first, ""), "no methods found: no file of the spec has a path like '/crm.deal.get'")
        self.check_unique(drafts_ops)
        operations = _name_exceptions(self.finish_operations(drafts_ops))
        modules = self.place_models(operations)
        operations = tuple(self.with_signature_imports(op) for op in operations)
        by_method = {op.method: op for op in operations}
        modules = tuple(
            dataclasses.replace(m, operations=tuple(by_method[o.method] for o in m.operations)) for m in modules
        )
        namespaces = self.namespaces(operations)
        sources = tuple(sorted({op.source for op in operations} | {m for mod in modules for m in mod.sources}))
        return Api(
            title=self.config.title,
            package=self.config.package,
            distribution=self.config.distribution,
            version=self.config.version,
            python_requires=self.config.python_requires,
            operations=operations,
            namespaces=namespaces,
            modules=modules,
            error_classes=self.error_classes(operations),
            sources=sources,
        )

    def check_unique(self, ops: list[_OpDraft]) -> None:
        """Report methods, operationIds, modules and client attributes that two operations share."""
        for attr, what in (("method", "method"), ("operation_id", "operationId"), ("module", "module name")):
            first: dict[str, _OpDraft] = {}
            for op in ops:
                key = getattr(op, attr)
                if key in first and (attr == "method" or first[key].method != op.method):
                    other = first[key]
                    where = f"{self.spec.documents[other.location.path].display}:{self.line(other.location)}"
                    self.problem(op.location, f"duplicate {what} '{key}' (also at {where})")
                else:
                    first[key] = op
        # Each method is also reached as <function>_raw: that name must not be another method's.
        seen: dict[tuple[str, str], _OpDraft] = {}
        for op in ops:
            for key in ((op.namespace, op.function), (op.namespace, op.function + "_raw")):
                if key in seen and seen[key].method != op.method:
                    self.problem(
                        op.location,
                        f"methods '{seen[key].method}' and '{op.method}' both become client.{key[0]}.{key[1]}",
                    )
                seen.setdefault(key, op)

    def line(self, location: Location) -> int:
        """The line of `location` in its file."""
        return self.spec.documents[location.path].line_of(location.pointer)

    # -- operations ----------------------------------------------------------------------------

    def operation(self, location: Location, key: str, item: Any) -> _OpDraft | None:
        """The operation of one path item, checked for what a Bitrix24 method must be."""
        item_location, item = self.resolve(location, item)
        if not isinstance(item, dict):
            return None
        present = [m for m in HTTP_METHODS if m in item]
        if not present:
            return None
        if len(present) > 1:
            self.problem(location, f"one operation per method path expected, found {', '.join(present)}")
            return None
        http_method = present[0]
        op_location = item_location.child(http_method)
        op = item[http_method]
        if not isinstance(op, dict):
            return None
        if not METHOD_PATH.match(key):
            self.problem(
                location,
                f"path '{key}' is not a Bitrix24 method name: expected '/namespace.method' such as '/crm.deal.list'",
            )
            return None
        for where, params in (("path item", item.get("parameters")), ("operation", op.get("parameters"))):
            if params:
                at = item_location if where == "path item" else op_location
                self.problem(
                    at.child("parameters"),
                    "unsupported construct 'parameters': Bitrix24 methods take their arguments in the JSON request body",
                )
        method = key[1:]
        segments = method.split(".")
        operation_id = op.get("operationId", method)
        if not isinstance(operation_id, str) or not SAFE_OPERATION_ID.match(operation_id):
            self.problem(
                op_location.child("operationId"),
                f"operationId {operation_id!r} is not a safe name: use letters, digits, '.', '_' and '-' "
                "(it must never turn into a path like '../x' or '/etc/x')",
            )
            operation_id = method
        return _OpDraft(
            location=op_location,
            data=op,
            method=method,
            operation_id=operation_id,
            http_method=http_method.upper(),
            path=key,
            namespace=_namespace_attribute(segments[0]),
            function=naming.attribute_name(".".join(segments[1:])),
            module=naming.safe_identifier(naming.snake_case(method), fallback="method"),
            security=op.get("security", self.spec.documents[op_location.path].data.get("security")),
        )

    def finish_operations(self, drafts: list[_OpDraft]) -> tuple[Operation, ...]:
        """Every operation built in full, in method-name order."""
        built = [self.finish_operation(d) for d in sorted(drafts, key=lambda d: d.method)]
        return tuple(op for op in built if op is not None)

    def finish_operation(self, d: _OpDraft) -> Operation | None:
        """One operation in full: arguments, answer, errors, examples and test data."""
        op = d.data
        stem = naming.pascal_case(d.method)
        request_model, request_schema, request_examples = self.request(d, stem)
        response_model, response_type, response_examples, response_schema = self.response(d, stem)
        params = request_model.fields if request_model else ()
        for f in params:
            if f.name in CALL_OPTIONS:
                self.problem(
                    d.location, f"request property '{f.wire_name}' clashes with the per-call option '{f.name}'"
                )
        if request_model is None:
            request_model = Model(
                name=f"{stem}Request",
                description=Text.of(""),
                fields=(),
                module=d.module,
                source=self.source(d.location),
            )
        item_results = self.item_results(d, request_model, response_model)
        if not request_examples and params:
            request_examples = (
                _example(
                    "synthesized",
                    {
                        "summary": "Made from the schema: the spec has no request example",
                        "value": _synthesize(request_schema),
                    },
                ),
            )
        if not request_examples:
            request_examples = (_example("synthesized", {"summary": "A call without arguments", "value": {}}),)
        self.check_request_examples(d, request_examples, request_schema)
        if not response_examples and response_model is not None:
            response_examples = (
                _example(
                    "synthesized",
                    {
                        "summary": "Made from the schema: the spec has no response example",
                        "value": _synthesize(response_schema),
                    },
                ),
            )
        failure_counts = tuple(_failures(e.value, item_results) for e in response_examples)
        errors = self.errors(d)
        failure_example = _failure_example(
            response_examples, failure_counts, item_results, _sent_items(request_examples[0], item_results)
        )
        item_counts = tuple(len(_items_at(e.value, item_results)) for e in response_examples)
        return Operation(
            method=d.method,
            method_literal=repr(d.method),
            operation_id=d.operation_id,
            source=self.source(d.location),
            namespace=d.namespace,
            function=d.function,
            module=d.module,
            http_method=d.http_method,
            path=d.path,
            summary=Text.of(op.get("summary") or d.method),
            description=Text.of(op.get("description")),
            scopes=self.scopes(d),
            contexts=self.contexts(d),
            idempotent=self.flag(d, "x-bitrix24-idempotent"),
            deprecated=op.get("deprecated") is True,
            params=params,
            request_model=request_model,
            request_schema_literal=repr(json.dumps(request_schema, ensure_ascii=True, separators=(",", ":"))),
            response_model=response_model,
            response_type=response_type,
            errors=errors,
            request_examples=request_examples,
            calls=tuple(self.call(example, params) for example in request_examples),
            response_examples=response_examples,
            item_results=item_results,
            endpoint_name=d.module.upper(),
            request_models=self.models_from(request_model.name) if params else (),
            response_models=self.models_from(response_model.name) if response_model else (),
            failure_counts=failure_counts,
            item_counts=item_counts,
            failure_example=failure_example,
            required_cases=_required_cases(params),
            test_data_literal=_test_data_literal(
                params, request_examples[0], response_examples, failure_counts, errors, failure_example
            ),
        )

    def check_request_examples(self, d: _OpDraft, examples: tuple[Example, ...], rules: dict[str, Any]) -> None:
        """Report request examples that break the argument rules.

        The generated tests and docs send the first example as a call; one the client would
        refuse must be caught here, at the spec, not as a failing test later.
        """
        if not rules:
            return
        from jsonschema import Draft202012Validator

        validator = Draft202012Validator(rules)
        for example in examples:
            made_up = (
                " (it was made up from the schema: add a request example)" if example.name == "synthesized" else ""
            )
            for error in sorted(validator.iter_errors(example.value), key=lambda e: list(map(str, e.absolute_path))):
                where = "".join(f"/{part}" for part in error.absolute_path) or "/"
                self.problem(
                    d.location.child("requestBody"),
                    f"request example '{example.name}' breaks the argument rules at {where}: {error.message}{made_up}",
                )

    def models_from(self, name: str) -> tuple[Model, ...]:
        """`name` and every model it refers to, in first-mention order."""
        order: list[str] = []
        stack = [name]
        while stack:
            current = stack.pop(0)
            if current in order or current not in self.names:
                continue
            order.append(current)
            for f in self.drafts[self.names[current]].fields:
                stack.extend(sorted(_model_names(f.type)))
        return tuple(self.model_by_name(n) for n in order)

    def flag(self, d: _OpDraft, key: str) -> bool:
        """A boolean extension of the operation (false when absent)."""
        value = d.data.get(key, False)
        if not isinstance(value, bool):
            self.problem(d.location.child(key), f"{key} must be true or false")
            return False
        return value

    def contexts(self, d: _OpDraft) -> tuple[str, ...]:
        """The auth contexts the method accepts (`x-bitrix24-contexts`, default both)."""
        key = "x-bitrix24-contexts"
        value = d.data.get(key, list(CONTEXTS))
        if not isinstance(value, list) or not value or any(v not in CONTEXTS for v in value):
            self.problem(d.location.child(key), f"{key} must be a non-empty list of {', '.join(CONTEXTS)}")
            return CONTEXTS
        return tuple(c for c in CONTEXTS if c in value)

    def scopes(self, d: _OpDraft) -> tuple[str, ...]:
        """The OAuth scopes named by the operation's security requirements."""
        scopes: set[str] = set()
        for requirement in d.security or []:
            if isinstance(requirement, dict):
                for values in requirement.values():
                    scopes.update(str(v) for v in values or [])
        return tuple(sorted(scopes))

    # -- request and response --------------------------------------------------------------

    def json_media(self, location: Location, content: Any, what: str) -> tuple[Location, dict[str, Any]] | None:
        """The JSON media type of a content map; any other media type is a problem."""
        if not isinstance(content, dict) or not content:
            return None
        for media_type, media in content.items():
            if media_type.split(";")[0].strip() in ("application/json", "*/*") or media_type.endswith("+json"):
                return location.child(media_type), media if isinstance(media, dict) else {}
        self.problem(location, f"unsupported construct: {what} must be application/json, found {', '.join(content)}")
        return None

    def request(self, d: _OpDraft, stem: str) -> tuple[Model | None, dict[str, Any], tuple[Example, ...]]:
        """The request model, the argument rules and the request examples."""
        body_location, body = self.resolve(d.location.child("requestBody"), d.data.get("requestBody"))
        if not isinstance(body, dict) or not body:
            return None, {}, ()
        media = self.json_media(body_location.child("content"), body.get("content"), "the request body")
        if media is None:
            return None, {}, ()
        media_location, media_data = media
        schema_location, schema = self.resolve(media_location.child("schema"), media_data.get("schema", {}))
        type_ref = self.type_of(
            media_location.child("schema"), media_data.get("schema", {}), f"{stem}Request", d.module
        )
        if type_ref.kind != "model" or type_ref.model is None:
            self.problem(media_location.child("schema"), "the request body schema must be an object with properties")
            return None, {}, ()
        model = self.model_by_name(type_ref.model)
        for f in model.fields:
            if f.required and f.nullable:
                self.problem(
                    media_location.child("schema"),
                    f"unsupported construct: required argument '{f.wire_name}' may be null; the client treats None "
                    "as 'not given', so make it optional or not nullable",
                )
        examples = self.examples(media_location, media_data)
        return model, self.validation_schema(schema_location, schema), examples

    def response(self, d: _OpDraft, stem: str) -> tuple[Model | None, TypeRef, tuple[Example, ...], dict[str, Any]]:
        """The success model and type, its examples, and its shape for made-up examples."""
        responses = d.data.get("responses") or {}
        ok = sorted(str(k) for k in responses if str(k).startswith("2"))
        if not ok:
            self.problem(
                d.location.child("responses"), "no 2xx response: the client cannot know what a success looks like"
            )
            return None, ANY, (), {}
        location, response = self.resolve(d.location.child("responses", ok[0]), responses[ok[0]])
        media = self.json_media(
            location.child("content"), response.get("content") if isinstance(response, dict) else None, "the response"
        )
        envelope = "the success response must be an application/json object schema (the {result, time} envelope)"
        if media is None:
            self.problem(location, f"unsupported construct: {envelope}")
            return None, ANY, (), {}
        media_location, media_data = media
        schema = media_data.get("schema", {})
        type_ref = self.type_of(media_location.child("schema"), schema, f"{stem}Response", d.module)
        if type_ref.kind != "model" or not type_ref.model:
            self.problem(media_location.child("schema"), f"unsupported construct: {envelope}")
            return None, ANY, (), {}
        model = self.model_by_name(type_ref.model)
        shape = self.validation_schema(media_location.child("schema"), schema)
        return model, type_ref, self.examples(media_location, media_data), shape

    def examples(self, location: Location, media: dict[str, Any]) -> tuple[Example, ...]:
        """The `example` and named `examples` of a media type object (too large ones are problems)."""
        found: list[Example] = []
        candidates: list[tuple[Location, str, Any]] = []
        if "example" in media:
            candidates.append((location.child("example"), "example", {"value": media["example"]}))
        for name, raw in (media.get("examples") or {}).items():
            example_location, example = self.resolve(location.child("examples", name), raw)
            candidates.append((example_location, name, example))
        for example_location, name, example in candidates:
            if not isinstance(example, dict) or "value" not in example:
                continue
            size = _count_values(example["value"], MAX_EXAMPLE_VALUES)
            if size > MAX_EXAMPLE_VALUES:
                self.problem(
                    example_location,
                    f"example '{name}' holds more than {MAX_EXAMPLE_VALUES:,} values; examples are copied into "
                    "the docs and tests, so keep them small",
                )
                continue
            found.append(_example(name, example))
        return tuple(found)

    def call(self, example: Example, params: tuple[Field, ...]) -> Call:
        """A request example as keyword arguments of the generated method."""
        value = example.value if isinstance(example.value, dict) else {}
        arguments = tuple((f.name, repr(value[f.wire_name])) for f in params if f.wire_name in value)
        return Call(example=example, arguments=arguments)

    # -- errors ------------------------------------------------------------------------------

    def errors(self, d: _OpDraft) -> tuple[ErrorCase, ...]:
        """Every documented error of the operation, own ones first, then system ones."""
        cases: dict[tuple[int | None, str, str], ErrorCase] = {}
        for key, raw in (d.data.get("responses") or {}).items():
            key = str(key)
            if key.startswith("2"):
                continue
            status = int(key) if key.isdigit() else None
            location, response = self.resolve(d.location.child("responses", key), raw)
            if not isinstance(response, dict):
                continue
            media = self.json_media(location.child("content"), response.get("content"), "an error response")
            if media is None:
                continue
            media_location, media_data = media
            for case in self.error_cases(d, status, media_location, media_data):
                cases.setdefault((case.status, case.code, case.message.plain), case)
        return tuple(sorted(cases.values(), key=lambda c: (c.system, c.status or 0, c.code.lower(), c.message.plain)))

    def error_cases(
        self, d: _OpDraft, status: int | None, location: Location, media: dict[str, Any]
    ) -> list[ErrorCase]:
        """The errors one error response documents: its examples, and any `enum` of `error`."""
        raw_examples: list[tuple[Location, Any]] = []
        if "example" in media:
            raw_examples.append((location.child("example"), {"value": media["example"]}))
        for name, raw in (media.get("examples") or {}).items():
            raw_examples.append(self.resolve(location.child("examples", name), raw))
        cases = []
        for example_location, example in raw_examples:
            value = example.get("value") if isinstance(example, dict) else None
            code = value.get("error") if isinstance(value, dict) else None
            if not isinstance(value, dict) or not isinstance(code, str) or not code:
                self.problem(example_location, "error example has no 'error' code in its value")
                continue
            message = value.get("error_description")
            when = example.get("summary") or example.get("description")
            cases.append(
                self.error_case(
                    status,
                    code,
                    message if isinstance(message, str) else "",
                    when if isinstance(when, str) else "",
                    system=example_location.path != d.location.path,
                )
            )
        schema_location, schema = self.resolve(location.child("schema"), media.get("schema", {}))
        error_schema = schema.get("properties", {}).get("error") if isinstance(schema, dict) else None
        if isinstance(error_schema, dict):
            _, error_schema = self.resolve(schema_location.child("properties", "error"), error_schema)
            known = {c.code for c in cases}
            for code in error_schema.get("enum", []) if isinstance(error_schema, dict) else []:
                if isinstance(code, str) and code not in known:
                    cases.append(self.error_case(status, code, "", "", system=schema_location.path != d.location.path))
        return cases

    def error_case(self, status: int | None, code: str, message: str, when: str, *, system: bool) -> ErrorCase:
        """One documented error with its texts in every form."""
        return ErrorCase(
            status=status,
            code=code,
            code_literal=repr(code),
            message=Text.of(message),
            when=Text.of(when),
            exception=error_class_name(code),
            system=system,
        )

    def error_classes(self, operations: tuple[Operation, ...]) -> tuple[ErrorClass, ...]:
        """One exception class per error code (codes compared case-insensitively)."""
        # Codes are case-insensitive (`expired_token`, `EXPIRED_TOKEN`): one class for both.
        by_code: dict[str, list[ErrorCase]] = {}
        for op in operations:
            for case in op.errors:
                by_code.setdefault(case.code.lower(), []).append(case)
        classes = []
        for folded in sorted(by_code):
            cases = by_code[folded]
            code = min(c.code for c in cases)
            statuses = tuple(sorted({c.status for c in cases if c.status is not None}))
            summary = next((c.when.plain for c in cases if c.when), "") or next(
                (c.message.plain for c in cases if c.message), code
            )
            classes.append(
                ErrorClass(
                    code=code,
                    code_literal=repr(code),
                    name=cases[0].exception,
                    base=error_base(statuses[0] if statuses else None),
                    statuses=statuses,
                    cases=tuple(cases),
                    summary=Text.of(summary),
                )
            )
        return tuple(classes)

    # -- partial failure -----------------------------------------------------------------

    def item_results(self, d: _OpDraft, request: Model, response: Model | None) -> ItemResults | None:
        """Where the answer carries per-item outcomes (`x-bitrix24-item-results`), checked against the models."""
        key = "x-bitrix24-item-results"
        spec = d.data.get(key)
        if spec is None:
            return None
        location = d.location.child(key)
        if not isinstance(spec, dict):
            self.problem(
                location,
                f"{key} must be a mapping with 'request', 'response', 'success' and optionally 'errors', 'chunk-size', 'match'",
            )
            return None
        clash = [f.wire_name for f in (response.fields if response else ()) if f.name in ENVELOPE_MEMBERS]
        if clash:
            self.problem(
                location,
                f"{key}: response properties {', '.join(clash)} clash with the generated {', '.join(sorted(ENVELOPE_MEMBERS))}",
            )
            return None
        request_field = next((f for f in request.fields if f.wire_name == spec.get("request")), None)
        if request_field is None or request_field.type.kind != "array":
            self.problem(location.child("request"), f"{key}.request must name an array property of the request body")
            return None
        pointer = spec.get("response")
        if response is None or not isinstance(pointer, str) or not pointer.startswith("/"):
            self.problem(
                location.child("response"),
                f"{key}.response must be a JSON pointer into the 200 response, like /result/DATA/RESULT",
            )
            return None
        model: Model | None = response
        steps: list[tuple[str, bool]] = []
        wire_path = pointer[1:].split("/")
        item_type: TypeRef | None = None
        for i, token in enumerate(wire_path):
            found = next((f for f in model.fields if f.wire_name == token), None) if model else None
            if found is None:
                self.problem(
                    location.child("response"), f"{key}.response: no property '{token}' at /{'/'.join(wire_path[:i])}"
                )
                return None
            steps.append((found.name, found.optional))
            if i == len(wire_path) - 1:
                item_type = found.type.item if found.type.kind == "array" else None
            else:
                model = (
                    self.model_by_name(found.type.model) if found.type.kind == "model" and found.type.model else None
                )
        if item_type is None or item_type.kind != "model" or item_type.model is None:
            self.problem(location.child("response"), f"{key}.response must point at an array of objects")
            return None
        item_model = self.model_by_name(item_type.model)
        success = next((f for f in item_model.fields if f.wire_name == spec.get("success")), None)
        if success is None or success.type.kind != "boolean":
            self.problem(location.child("success"), f"{key}.success must name a boolean property of {item_model.name}")
            return None
        errors = next((f for f in item_model.fields if f.wire_name == spec.get("errors")), None)
        if spec.get("errors") is not None and errors is None:
            self.problem(location.child("errors"), f"{key}.errors must name a property of {item_model.name}")
        chunk_size = spec.get("chunk-size", DEFAULT_CHUNK_SIZE)
        if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
            self.problem(location.child("chunk-size"), f"{key}.chunk-size must be a whole number of at least 1")
            chunk_size = DEFAULT_CHUNK_SIZE
        match = spec.get("match", [])
        if not isinstance(match, list) or not all(isinstance(m, str) and m for m in match):
            self.problem(
                location.child("match"), f"{key}.match must be a list of dotted property paths, like message.id"
            )
            match = []
        return ItemResults(
            chunk_size=chunk_size,
            match=tuple(match),
            request_field=request_field.name,
            request_wire_name=request_field.wire_name,
            steps=tuple(steps),
            wire_path=tuple(wire_path),
            item_model=item_model.name,
            success_attribute=success.name,
            success_wire_name=success.wire_name,
            errors_attribute=errors.name if errors else None,
            errors_wire_name=errors.wire_name if errors else None,
        )

    # -- schemas ---------------------------------------------------------------------------

    def type_of(self, location: Location, schema: Any, hint: str, owner: str) -> TypeRef:
        """The Python type for `schema`; object schemas with properties become models."""
        type_ref, _ = self.typed(location, schema, hint, owner)
        return type_ref

    def typed(self, location: Location, schema: Any, hint: str, owner: str) -> tuple[TypeRef, bool]:
        """The type for `schema` and whether it admits null."""
        if isinstance(schema, dict) and "$ref" in schema:
            target_location, target = self.resolve(location, schema)
            component = _component_name(target_location)
            if component is not None:
                hint = component
            return self.typed(target_location, target, hint, owner)
        if self._depth >= MAX_SCHEMA_DEPTH:
            self.problem(
                location, f"schemas nest more than {MAX_SCHEMA_DEPTH} levels deep here (inline or through $refs)"
            )
            return ANY, False
        self._depth += 1
        try:
            return self.typed_here(location, schema, hint, owner)
        finally:
            self._depth -= 1

    def typed_here(self, location: Location, schema: Any, hint: str, owner: str) -> tuple[TypeRef, bool]:
        """`typed` for a schema that is not a `$ref`."""
        if schema is True or schema == {} or schema is None:
            return ANY, False
        if not isinstance(schema, dict):
            return ANY, False
        for keyword in UNSUPPORTED_SCHEMA_KEYWORDS:
            if keyword in schema:
                self.problem(location.child(keyword), f"unsupported construct '{keyword}' in a schema")
                return ANY, False
        for keyword in ("oneOf", "anyOf", "allOf"):
            if keyword in schema:
                return self.composed(location, schema, keyword, hint, owner)
        nullable = schema.get("nullable") is True
        types = schema.get("type")
        if isinstance(types, list):
            nullable = nullable or "null" in types
            types = [t for t in types if t != "null"]
            if len(types) > 1:
                self.problem(
                    location.child("type"), f"unsupported construct: a value of several types ({', '.join(types)})"
                )
                return ANY, nullable
            types = types[0] if types else None
        if types == "null":
            return ANY, True
        if types == "object" or (types is None and "properties" in schema):
            return self.object_type(location, schema, hint, owner), nullable
        if types == "array":
            item, item_nullable = self.typed(location.child("items"), schema.get("items", {}), f"{hint}Item", owner)
            return _list_of(_or_none(item) if item_nullable else item), nullable
        if types in PRIMITIVES:
            annotation, decoder = PRIMITIVES[types]
            enum = tuple(schema.get("enum", ())) if isinstance(schema.get("enum"), list) else ()
            label = types + (
                " (one of " + ", ".join(json.dumps(v, ensure_ascii=False) for v in enum) + ")" if enum else ""
            )
            return TypeRef(types, annotation, annotation, decoder, label, enum=enum), nullable
        return ANY, nullable

    def composed(
        self, location: Location, schema: dict[str, Any], keyword: str, hint: str, owner: str
    ) -> tuple[TypeRef, bool]:
        """`oneOf`/`anyOf`/`allOf` of one schema (plus null); more alternatives are unsupported."""
        members = schema[keyword] if isinstance(schema[keyword], list) else []
        non_null = [m for m in members if not (isinstance(m, dict) and m.get("type") == "null")]
        if len(non_null) == 1:
            index = members.index(non_null[0])
            type_ref, nullable = self.typed(location.child(keyword, index), non_null[0], hint, owner)
            return type_ref, nullable or len(members) > 1
        self.problem(
            location.child(keyword),
            f"unsupported construct '{keyword}' with {len(non_null)} alternatives; only one schema (plus null) is supported",
        )
        return ANY, False

    def object_type(self, location: Location, schema: dict[str, Any], hint: str, owner: str) -> TypeRef:
        """A model for an object schema with properties; a dict type for one without."""
        if not schema.get("properties"):
            extra = schema.get("additionalProperties")
            value = ANY
            if isinstance(extra, dict):
                value, value_nullable = self.typed(location.child("additionalProperties"), extra, f"{hint}Value", owner)
                value = _or_none(value) if value_nullable else value
            return TypeRef(
                kind="object",
                annotation=f"dict[str, {value.annotation}]",
                param_annotation=f"Mapping[str, {value.param_annotation}]",
                decoder=f"_rt.dict_of({value.decoder})",
                label="object",
                item=value,
            )
        draft = self.drafts.get(location)
        if draft is None:
            draft = self.new_draft(location, schema, hint)
            self.drafts[location] = draft
            self._current.append(draft)
            draft.fields = self.fields(location, schema, draft.name, owner)
            self._current.pop()
            draft.done = True
        if self._current:
            self._current[-1].refs.add(location)
        return _model_type(draft.name)

    def new_draft(self, location: Location, schema: dict[str, Any], hint: str) -> _Draft:
        """A model not yet built, under a class name no other model has."""
        name = naming.class_name(hint)
        component = _component_name(location)
        if name in self.names:
            if component is not None and _component_name(self.names[name]) is not None:
                other = self.names[name]
                self.problem(
                    location,
                    f"schema name '{component}' becomes class {name}, as does {other.path.name}#{other.pointer}",
                )
            base, n = name, 2
            while name in self.names:
                name, n = f"{base}{n}", n + 1
        self.names[name] = location
        return _Draft(name=name, location=location, description=str(schema.get("description") or ""))

    def fields(self, location: Location, schema: dict[str, Any], model_name: str, owner: str) -> list[Field]:
        """The fields of an object schema, with names checked for clashes."""
        properties = schema.get("properties") or {}
        required = schema.get("required") or []
        for name in required:
            if name not in properties:
                self.problem(location.child("required"), f"required property '{name}' is not defined under properties")
        fields: list[Field] = []
        taken: dict[str, str] = {}
        for wire_name, sub in properties.items():
            sub_location = location.child("properties", wire_name)
            type_ref, nullable = self.typed(sub_location, sub, model_name + naming.pascal_case(wire_name), owner)
            name = naming.attribute_name(wire_name)
            if name in MODEL_MEMBERS:
                name += "_"
            if name in taken:
                self.problem(
                    sub_location, f"properties '{taken[name]}' and '{wire_name}' both become the attribute '{name}'"
                )
                continue
            taken[name] = wire_name
            _, resolved = self.resolve(sub_location, sub)
            description = (sub.get("description") if isinstance(sub, dict) else None) or (
                resolved.get("description") if isinstance(resolved, dict) else None
            )
            fields.append(
                Field(
                    wire_name=wire_name,
                    name=name,
                    type=type_ref,
                    required=wire_name in required,
                    nullable=nullable,
                    description=Text.of(description if isinstance(description, str) else ""),
                    wire_literal=repr(wire_name),
                    constraints=_constraints(resolved if isinstance(resolved, dict) else {}),
                )
            )
        return fields

    def validation_schema(
        self, location: Location, schema: Any, active: frozenset[Location] = frozenset()
    ) -> dict[str, Any]:
        """The subset of `schema` the client checks before sending, with every `$ref` inlined.

        A schema that contains itself is checked down to where it recurs (`active` holds the
        schemas being expanded); below that anything is accepted.
        """
        location, schema = self.resolve(location, schema)
        if not isinstance(schema, dict) or location in active or len(active) > 64:
            return {}
        active = active | {location}
        for keyword in ("oneOf", "anyOf", "allOf"):
            members = schema.get(keyword)
            if isinstance(members, list):
                non_null = [m for m in members if not (isinstance(m, dict) and m.get("type") == "null")]
                if len(non_null) == 1:
                    inner = self.validation_schema(
                        location.child(keyword, members.index(non_null[0])), non_null[0], active
                    )
                    if len(members) > 1 and "type" in inner:
                        inner["type"] = sorted({*_as_list(inner["type"]), "null"})
                    return inner
                return {}
        out: dict[str, Any] = {}
        if "type" in schema:
            types = _as_list(schema["type"])
            out["type"] = sorted({*types, "null"}) if schema.get("nullable") is True else types
        for keyword in VALIDATION_KEYWORDS:
            if keyword in schema:
                out[keyword] = schema[keyword]
        if isinstance(schema.get("required"), list):
            out["required"] = list(schema["required"])
        properties = schema.get("properties")
        if isinstance(properties, dict):
            out["properties"] = {
                name: self.validation_schema(location.child("properties", name), sub, active)
                for name, sub in properties.items()
            }
        if "items" in schema:
            out["items"] = self.validation_schema(location.child("items"), schema["items"], active)
        return out

    def model_by_name(self, name: str) -> Model:
        """The model called `name` (without its module: see `place_models`)."""
        draft = self.drafts[self.names[name]]
        return Model(
            name=draft.name,
            description=Text.of(draft.description),
            fields=tuple(draft.fields),
            module="",
            source=self.source(draft.location),
        )

    # -- where models live -----------------------------------------------------------------

    def place_models(self, operations: tuple[Operation, ...]) -> tuple[ModelModule, ...]:
        """Put each model in its operation's module, or in `common` when several share it."""
        users: dict[Location, set[str]] = {}
        roots: dict[str, list[Location]] = {}
        for op in operations:
            for model in (op.request_model, op.response_model):
                if model is not None and model.name in self.names:
                    roots.setdefault(op.module, []).append(self.names[model.name])
        for module, locations in roots.items():
            for location in self.reachable(locations):
                users.setdefault(location, set()).add(module)
        entry_paths = set(self.spec.entries)
        home: dict[Location, str] = {}
        for location, user_modules in users.items():
            library = location.path not in entry_paths or not self.spec.documents[location.path].data.get("paths")
            home[location] = COMMON_MODULE if len(user_modules) > 1 or library else next(iter(user_modules))
        changed = True
        while changed:  # whatever a shared model refers to must be shared too
            changed = False
            for location, module in home.items():
                if module == COMMON_MODULE:
                    for ref in self.drafts[location].refs:
                        if home.get(ref) not in (None, COMMON_MODULE):
                            home[ref] = COMMON_MODULE
                            changed = True
        envelopes = {
            op.response_model.name: op.item_results for op in operations if op.response_model and op.item_results
        }
        module_models: dict[str, list[Model]] = {}
        for location in sorted(home, key=lambda loc: (self.drafts[loc].name.lower(), self.drafts[loc].name)):
            draft = self.drafts[location]
            module_models.setdefault(home[location], []).append(
                Model(
                    name=draft.name,
                    description=Text.of(draft.description),
                    fields=tuple(draft.fields),
                    module=home[location],
                    source=self.source(location),
                    item_results=envelopes.get(draft.name),
                )
            )
        name_home = {self.drafts[loc].name: module for loc, module in home.items()}
        self.home_of_model = name_home
        modules: list[ModelModule] = []
        if COMMON_MODULE in module_models:
            models = tuple(module_models[COMMON_MODULE])
            modules.append(ModelModule(COMMON_MODULE, models, (), (), tuple(sorted({m.source for m in models}))))
        for op in operations:
            op_models = tuple(module_models.get(op.module, []))
            needed = sorted(
                {
                    name
                    for m in op_models
                    for f in m.fields
                    for name in _model_names(f.type)
                    if name_home.get(name) == COMMON_MODULE
                }
                | {name for name in _model_names(op.response_type) if name_home.get(name) == COMMON_MODULE}
                | ({op.request_model.name} if name_home.get(op.request_model.name) == COMMON_MODULE else set())
            )
            imports = ((COMMON_MODULE, tuple(needed)),) if needed else ()
            modules.append(ModelModule(op.module, op_models, (op,), imports, (op.source,)))
        return tuple(modules)

    def reachable(self, starts: list[Location]) -> set[Location]:
        """Every model reachable from `starts` through fields."""
        seen: set[Location] = set()
        stack = list(starts)
        while stack:
            location = stack.pop()
            if location in seen:
                continue
            seen.add(location)
            stack.extend(self.drafts[location].refs)
        return seen

    def with_signature_imports(self, op: Operation) -> Operation:
        """`op` with the imports its generated method module needs."""
        needed: dict[str, set[str]] = {}
        for type_ref in (*(f.type for f in op.params), op.response_type):
            for model_name in _model_names(type_ref):
                needed.setdefault(self.home_of_model.get(model_name, op.module), set()).add(model_name)
        return dataclasses.replace(
            op,
            imports=tuple((module, tuple(sorted(names))) for module, names in sorted(needed.items())),
            abc_imports=_names_used((op,), ("Mapping", "Sequence")),
            typing_imports=("TYPE_CHECKING", *_names_used((op,), ("Any",))),
            mixin_name=f"{naming.pascal_case(op.function)}Method",
            async_mixin_name=f"Async{naming.pascal_case(op.function)}Method",
            method_module=f"_{op.module}",
            raw_function=f"{op.function}_raw",
        )

    def namespaces(self, operations: tuple[Operation, ...]) -> tuple[Namespace, ...]:
        """The method groups, by the first segment of the method name."""
        grouped: dict[str, list[Operation]] = {}
        for op in operations:
            grouped.setdefault(op.namespace, []).append(op)
        result = []
        for name in sorted(grouped):
            ops = tuple(sorted(grouped[name], key=lambda o: o.function))
            stem = naming.pascal_case(name)
            result.append(
                Namespace(
                    name=name,
                    class_name=f"{stem}Methods",
                    async_class_name=f"Async{stem}Methods",
                    operations=ops,
                    sources=tuple(sorted({o.source for o in ops})),
                )
            )
        return tuple(result)


@dataclass
class _OpDraft:
    location: Location
    data: dict[str, Any]
    method: str
    operation_id: str
    http_method: str
    path: str
    namespace: str
    function: str
    module: str
    security: Any


def _name_exceptions(operations: tuple[Operation, ...]) -> tuple[Operation, ...]:
    """Give every error code its own exception class name, also when two codes would clash.

    `ERROR_NOT_FOUND` and `NOT_FOUND` would both be `NotFoundError`: the code that needs no
    prefix stripped keeps the short name, the other keeps its prefix (`ErrorNotFoundError`).
    """
    codes = {case.code.lower(): case.code for op in operations for case in op.errors}
    names: dict[str, str] = {}
    taken: set[str] = set()
    for folded in sorted(codes, key=lambda c: (c.startswith("error_"), c)):
        candidates = [error_class_name(codes[folded]), naming.class_name(codes[folded]) + "Error"]
        name = next((n for n in candidates if n not in taken), None)
        n = 2
        while name is None or name in taken:
            name, n = f"{candidates[0][: -len('Error')]}{n}Error", n + 1
        names[folded] = name
        taken.add(name)
    return tuple(
        dataclasses.replace(
            op, errors=tuple(dataclasses.replace(c, exception=names[c.code.lower()]) for c in op.errors)
        )
        for op in operations
    )


def _namespace_attribute(segment: str) -> str:
    """The client attribute for a namespace; never one that hides a member of the client."""
    name = naming.attribute_name(segment)
    return name + "_" if name in CLIENT_MEMBERS else name


def error_class_name(code: str) -> str:
    """`ERROR_ARGUMENT` -> `ArgumentError`, `expired_token` -> `ExpiredTokenError`."""
    stem = re.sub(r"^ERROR_", "", code, flags=re.IGNORECASE) or code
    name = naming.pascal_case(stem) or "Unnamed"
    if name[0].isdigit():
        name = "Code" + name
    name = name if name.endswith("Error") else name + "Error"
    return name.replace("Error", "CodeError", 1) if name in FIXED_ERROR_CLASSES else name


def error_base(status: int | None) -> str:
    """The exception group an HTTP status belongs to."""
    if status in (401, 403):
        return "AuthError"
    if status in (429, 503):
        return "RateLimitError"
    if status is not None and status >= 500:
        return "ServerError"
    if status is not None and status >= 400:
        return "BadRequestError"
    return "ApiError"


def _example(name: str, example: dict[str, Any]) -> Example:
    value = example.get("value")
    return Example(
        name=name,
        summary=Text.of(example.get("summary") if isinstance(example.get("summary"), str) else ""),
        description=Text.of(example.get("description") if isinstance(example.get("description"), str) else ""),
        value=value,
        json=json.dumps(value, indent=2, ensure_ascii=False),
    )


def _component_name(location: Location) -> str | None:
    parts = location.pointer.split("/")
    if len(parts) == 4 and parts[1] == "components" and parts[2] == "schemas":
        return unescape_pointer_token(parts[3])
    return None


def _model_type(name: str) -> TypeRef:
    return TypeRef(
        kind="model",
        annotation=name,
        param_annotation=f"{name} | Mapping[str, Any]",
        decoder=f"{name}.from_dict",
        label=name,
        model=name,
    )


def _or_none(type_ref: TypeRef) -> TypeRef:
    """`type_ref` that may also be null (an array item or map value the spec allows to be null)."""
    if type_ref.kind == "any":
        return type_ref
    return dataclasses.replace(
        type_ref,
        annotation=f"{type_ref.annotation} | None",
        param_annotation=f"{type_ref.param_annotation} | None",
        decoder=f"_rt.or_none({type_ref.decoder})",
        label=f"{type_ref.label} or null",
    )


def _list_of(item: TypeRef) -> TypeRef:
    param_item = item.param_annotation
    return TypeRef(
        kind="array",
        annotation=f"list[{item.annotation}]",
        param_annotation=f"Sequence[{param_item}]",
        decoder=f"_rt.list_of({item.decoder})",
        label=f"array of {item.label}",
        item=item,
    )


def _model_names(type_ref: TypeRef | None) -> set[str]:
    names: set[str] = set()
    while type_ref is not None:
        if type_ref.model:
            names.add(type_ref.model)
        type_ref = type_ref.item
    return names


def _count_values(value: Any, limit: int) -> int:
    """How many JSON values `value` holds, counting stopped just past `limit`."""
    count = 0
    stack = [value]
    while stack and count <= limit:
        current = stack.pop()
        count += 1
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return count


def _synthesize(schema: dict[str, Any]) -> Any:
    """A small value that satisfies `schema` (a validation schema), for specs without examples."""
    types = [t for t in schema.get("type", []) if t != "null"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = types[0] if types else ("object" if "properties" in schema else "string")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _synthesize(properties.get(name, {})) for name in schema.get("required", [])}
    if kind == "array":
        return [_synthesize(schema.get("items", {})) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    return "x" * max(1, schema.get("minLength", 1))


def _items_at(value: Any, item_results: ItemResults | None) -> list[Any]:
    if item_results is None:
        return []
    for key in item_results.wire_path:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, list) else []


def _failures(value: Any, item_results: ItemResults | None) -> int:
    """How many items of a response example report failure."""
    failed = 0
    for item in _items_at(value, item_results):
        flag = item.get(item_results.success_wire_name) if isinstance(item, dict) and item_results else None
        if flag in (False, 0, "N", "n", "false", "0"):
            failed += 1
    return failed


def _failure_example(
    examples: tuple[Example, ...], counts: tuple[int, ...], item_results: ItemResults | None, sent: int | None
) -> Example | None:
    """A response with a failed item that can answer a call sending `sent` items.

    The spec's own when one fits, else a success example with its first item made to fail.
    """
    if item_results is None:
        return None
    fits = [e for e in examples if sent is None or len(_items_at(e.value, item_results)) == sent]
    for example, count in zip(examples, counts, strict=True):
        if count and example in fits:
            return example
    for example in fits or list(examples):
        value = copy.deepcopy(example.value)
        items = _items_at(value, item_results)
        if items and isinstance(items[0], dict):
            items[0][item_results.success_wire_name] = False
            if item_results.errors_wire_name:
                items[0][item_results.errors_wire_name] = ["Made-up failure for the generated test"]
            return _example(
                "made_up_failure", {"summary": "A success example with its first item failed", "value": value}
            )
    return None


def _test_data_literal(
    params: tuple[Field, ...],
    call: Example,
    responses: tuple[Example, ...],
    failure_counts: tuple[int, ...],
    errors: tuple[ErrorCase, ...],
    failure: Example | None,
) -> str:
    sent = call.value if isinstance(call.value, dict) else {}
    data = {
        "arguments": {f.name: f.wire_name for f in params if f.wire_name in sent},
        "request": sent,
        "responses": {e.name: e.value for e in responses},
        "failed_items": {e.name: n for e, n in zip(responses, failure_counts, strict=True)},
        "errors": [
            [e.status or 200, {"error": e.code, "error_description": e.message.raw}, e.exception] for e in errors
        ],
        "failure": failure.value if failure else None,
    }
    return repr(json.dumps(data, ensure_ascii=True, separators=(",", ":")))


def _sent_items(example: Example, item_results: ItemResults | None) -> int | None:
    """How many items the call made from `example` sends (None when not a many-item method)."""
    if item_results is None or not isinstance(example.value, dict):
        return None
    items = example.value.get(item_results.request_wire_name)
    return len(items) if isinstance(items, list) else None


def _required_cases(params: tuple[Field, ...]) -> tuple[tuple[str, str, str, str], ...]:
    """Literals (argument, bad value, wire name, test id) for each way to leave out a required argument."""
    cases = []
    for f in params:
        if not f.required:
            continue
        bad_values = ["None"]
        if "must not be empty" in f.constraints:
            bad_values.append('""' if f.type.kind == "string" else "[]")
        for value in bad_values:
            cases.append((repr(f.name), value, f.wire_literal, repr(f"{f.name}={value}")))
    return tuple(cases)


def _names_used(operations: tuple[Operation, ...], candidates: tuple[str, ...]) -> tuple[str, ...]:
    """Which of `candidates` the signatures of `operations` mention (to import only those)."""
    text = " ".join(f.type.param_annotation for op in operations for f in op.params)
    return tuple(name for name in candidates if re.search(rf"\b{name}\b", text))


def _constraints(schema: dict[str, Any]) -> tuple[str, ...]:
    if schema.get("minLength") == 1:
        schema = {k: v for k, v in schema.items() if k != "minLength"} | {"nonEmpty": True}
    if schema.get("minItems") == 1:
        schema = {k: v for k, v in schema.items() if k != "minItems"} | {"nonEmpty": True}
    labels = {
        "nonEmpty": "must not be empty",
        "minLength": "at least {} characters",
        "maxLength": "at most {} characters",
        "minItems": "at least {} items",
        "maxItems": "at most {} items",
        "minimum": "at least {}",
        "maximum": "at most {}",
        "exclusiveMinimum": "more than {}",
        "exclusiveMaximum": "less than {}",
        "pattern": "matches `{}`",
    }
    return tuple(label.format(schema[key]) for key, label in labels.items() if key in schema)


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
