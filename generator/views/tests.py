"""The tests target's view: per method, a test module and its data, all from the spec."""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator.config import Config
from generator.model.ir import Api, JsonValue, Operation
from generator.runtime_facts import RuntimeFacts
from generator.views.outcomes import failed_in, failure_counts, failure_example, passthrough_example
from generator.views.python_types import import_line
from generator.views.safe import Identifier, JsonText, PyCode


@dataclass(frozen=True)
class TestOutcomes:
    """What the per-item tests look at."""

    item_model: Identifier
    success_attribute: Identifier
    errors_attribute: Identifier | None


@dataclass(frozen=True)
class TestOperation:
    """One method's generated tests."""

    method: Identifier
    module: Identifier
    call_path: Identifier
    http_method: Identifier
    response_model: Identifier
    tested_models: tuple[Identifier, ...]
    outcomes: TestOutcomes | None
    has_errors: bool
    has_required: bool
    has_failure: bool
    webhook_allowed: bool
    data: JsonText
    """Examples, error cases and expectations, pretty-printed JSON."""
    package_import: PyCode
    """What the tests take from the package (only what they use)."""
    sources: tuple[str, ...]


@dataclass(frozen=True)
class TestApi:
    """What the tests templates see as `api`."""

    package: Identifier
    operations: tuple[TestOperation, ...]
    sources: tuple[str, ...]


def tests_view(api: Api, config: Config, facts: RuntimeFacts) -> TestApi:
    """The tests target's view of `api`."""
    classes = {e.name: e for e in api.error_classes}
    return TestApi(
        package=Identifier(config.package),
        operations=tuple(
            _operation(op, config.package, facts, {n: list(c.bases) for n, c in classes.items()})
            for op in api.operations
        ),
        sources=api.sources,
    )


def test_data(op: Operation, facts: RuntimeFacts, groups: dict[str, list[str]]) -> dict[str, JsonValue]:
    """What a method's tests check, every value taken from the spec."""
    call = op.request_examples[0].value
    declared = {f.wire_name for f in op.params}
    # What the client can send of the example: its arguments (a page's example may carry more).
    sent = {k: v for k, v in call.items() if k in declared} if isinstance(call, dict) else {}
    failure = failure_example(op, facts.read_bool)
    passthrough = passthrough_example(op)
    missing: list[dict[str, JsonValue]] = []
    for f in op.params:
        if f.required:
            missing.append({"argument": f.name, "value": None, "wire_name": f.wire_name})
            if f.constraints.non_empty:
                missing.append(
                    {"argument": f.name, "value": "" if f.type.kind == "string" else [], "wire_name": f.wire_name}
                )
    return {
        "method": op.method,
        "arguments": {f.name: f.wire_name for f in op.params if f.wire_name in sent},
        "request": sent,
        "request_example": op.request_examples[0].name,
        "responses": {e.name: e.value for e in (*op.response_examples, passthrough)},
        "passthrough": passthrough.name,
        "failed_items": dict(
            zip((e.name for e in op.response_examples), failure_counts(op, facts.read_bool), strict=True)
        )
        | {passthrough.name: failed_in(passthrough, op, facts.read_bool)},
        "errors": [
            {
                "status": e.status or 200,
                "code": e.code,
                "description": e.message,
                "body": _error_body(e.code, e.message, op.errors_at if not e.status else None),
                "exception": e.exception,
                "groups": groups.get(e.exception, []),
            }
            for e in op.errors
        ],
        "failure": failure.value if failure else None,
        "missing_or_empty": missing,
    }


def _error_body(code: str, message: str, at: tuple[str, ...] | None) -> JsonValue:
    """The answer of a documented error: where the method carries it inside HTTP 200, there."""
    body: JsonValue = {"error": code, "error_description": message}
    for key in reversed(at or ()):
        body = {key: body}
    return body


def _operation(op: Operation, package: str, facts: RuntimeFacts, groups: dict[str, list[str]]) -> TestOperation:
    outcomes = op.item_results
    response = op.response.record or ""
    tested = sorted({response, *([outcomes.item_record] if outcomes else [])}, key=lambda n: (n.lower(), n))
    data = test_data(op, facts, groups)
    return TestOperation(
        method=Identifier(op.method),
        module=Identifier(op.module),
        call_path=Identifier(op.call_path),
        http_method=Identifier(op.http_method),
        response_model=Identifier(response),
        tested_models=tuple(Identifier(n) for n in tested),
        outcomes=(
            TestOutcomes(
                Identifier(outcomes.item_record),
                Identifier(outcomes.success_attribute),
                Identifier(outcomes.errors_attribute) if outcomes.errors_attribute else None,
            )
            if outcomes
            else None
        ),
        has_errors=bool(op.errors),
        has_required=bool(data["missing_or_empty"]),
        has_failure=data["failure"] is not None,
        webhook_allowed=op.webhook_allowed,
        data=JsonText(json.dumps(data, indent=2, ensure_ascii=False) + "\n"),
        package_import=PyCode(
            import_line(
                package,
                [
                    *(["ConfigurationError"] if not op.webhook_allowed else []),
                    *(["InvalidArgumentError"] if data["missing_or_empty"] else []),
                    *(["errors"] if op.errors else []),
                ],
            )
        ),
        sources=(op.source,),
    )
