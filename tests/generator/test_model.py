"""Building the model from a valid spec: what is read from where, and what is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import Config
from generator.loader import load_spec
from generator.model import build_model
from generator.model.ir import Api, Operation
from generator.problems import Problem
from generator.refs import check_refs
from generator.runtime_facts import runtime_facts
from generator.validate import validate_spec
from generator.views.outcomes import failure_example
from generator.views.python_types import annotation
from tests.support import SPEC_DIR, write_spec

SUCCESS = {
    "description": "Success.",
    "content": {"application/json": {"schema": {"type": "object", "properties": {"result": {"type": "boolean"}}}}},
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}


def operation(**fields: Any) -> dict[str, Any]:
    """A valid operation with a JSON success response; `fields` are added to (or replace) it."""
    return {"responses": {"200": SUCCESS}, **fields}


def request_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def error_response(examples: dict[str, Any] | None = None, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema or ERROR_SCHEMA}
    if examples is not None:
        media["examples"] = examples
    return {"description": "Failure.", "content": {"application/json": media}}


def spec_file(operations: dict[str, Any], *, path_items: dict[str, Any] | None = None, **top: Any) -> str:
    """An OpenAPI 3.1 file: each of `operations` is the POST of its path; `path_items` are used whole."""
    paths = {path: {"post": op} for path, op in operations.items()} | (path_items or {})
    document = {"openapi": "3.1.0", "info": {"title": "Test", "version": "1"}, "paths": paths, **top}
    return yaml.safe_dump(document, sort_keys=False)


def build(tmp_path: Path, config: Config, files: dict[str, str]) -> tuple[Api | None, list[Problem]]:
    """Write `files` as a spec folder and build it; the spec must load, resolve and validate cleanly."""
    spec, problems = load_spec(write_spec(tmp_path / "spec", files))
    problems += check_refs(spec)
    problems += validate_spec(spec)
    assert problems == [], "the test's spec must be valid OpenAPI"
    return build_model(spec, runtime_facts(config.runtime))


def built(tmp_path: Path, config: Config, files: dict[str, str]) -> Api:
    api, problems = build(tmp_path, config, files)
    assert problems == []
    assert api is not None
    return api


def only_operation(api: Api) -> Operation:
    assert len(api.operations) == 1
    return api.operations[0]


def refused(tmp_path: Path, config: Config, files: dict[str, str]) -> list[Problem]:
    """The problems that stop `files` from building (there must be some)."""
    api, problems = build(tmp_path, config, files)
    assert problems, "expected the build to be refused"
    assert api is None
    return problems


# -- error cases ---------------------------------------------------------------------------------


def test_error_codes_come_from_named_examples_under_error_responses(tmp_path: Path, config: Config) -> None:
    examples = {
        "NOT_FOUND": {
            "summary": "The item does not exist",
            "value": {"error": "NOT_FOUND", "error_description": "Not found"},
        },
        "ARGUMENT_ID": {"summary": "ID missing", "value": {"error": "ERROR_ARGUMENT", "error_description": "No ID"}},
    }
    op = operation(responses={"200": SUCCESS, "400": error_response(examples), "401": error_response({})})
    api = built(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": op})})

    errors = only_operation(api).errors
    assert [(e.status, e.code, e.message, e.when) for e in errors] == [
        (400, "ERROR_ARGUMENT", "No ID", "ID missing"),
        (400, "NOT_FOUND", "Not found", "The item does not exist"),
    ]
    assert [e.exception for e in errors] == ["ArgumentError", "NotFoundError"]
    assert not any(e.system for e in errors)
    assert [c.code for c in api.error_classes] == ["ERROR_ARGUMENT", "NOT_FOUND"]


def test_error_codes_also_come_from_an_enum_on_the_error_property(tmp_path: Path, config: Config) -> None:
    schema = {
        "type": "object",
        "properties": {"error": {"type": "string", "enum": ["DOCUMENTED", "ENUM_ONLY"]}},
    }
    examples = {"DOCUMENTED": {"value": {"error": "DOCUMENTED", "error_description": "Has an example"}}}
    op = operation(responses={"200": SUCCESS, "403": error_response(examples, schema)})
    api = built(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": op})})

    errors = only_operation(api).errors
    assert [(e.status, e.code, e.message) for e in errors] == [
        (403, "DOCUMENTED", "Has an example"),  # once: the enum does not add it again
        (403, "ENUM_ONLY", ""),
    ]
    assert {c.code: c.bases for c in api.error_classes} == {"DOCUMENTED": ("AuthError",), "ENUM_ONLY": ("AuthError",)}


def test_an_enum_on_an_error_property_reached_through_refs_is_read(tmp_path: Path, config: Config) -> None:
    components = {
        "schemas": {
            "Failure": {"type": "object", "properties": {"error": {"$ref": "#/components/schemas/Code"}}},
            "Code": {"type": "string", "enum": ["FROM_REF"]},
        }
    }
    op = operation(responses={"200": SUCCESS, "400": error_response(schema={"$ref": "#/components/schemas/Failure"})})
    api = built(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": op}, components=components)})
    assert [e.code for e in only_operation(api).errors] == ["FROM_REF"]


def test_error_examples_from_another_file_are_system_errors(tmp_path: Path, config: Config) -> None:
    shared = {"components": {"examples": {"LIMIT": {"value": {"error": "QUERY_LIMIT_EXCEEDED"}}}}}
    examples = {
        "OWN": {"value": {"error": "OWN_ERROR"}},
        "LIMIT": {"$ref": "common.yaml#/components/examples/LIMIT"},
    }
    op = operation(responses={"200": SUCCESS, "503": error_response(examples)})
    files = {
        "api.yaml": spec_file({"/crm.item.get": op}),
        "common.yaml": yaml.safe_dump({"openapi": "3.1.0", "info": {"title": "Shared", "version": "1"}, **shared}),
    }
    op_built = only_operation(built(tmp_path, config, files))

    assert [e.code for e in [e for e in op_built.errors if not e.system]] == ["OWN_ERROR"]
    assert [e.code for e in [e for e in op_built.errors if e.system]] == ["QUERY_LIMIT_EXCEEDED"]


def test_error_codes_that_become_the_same_exception_name_are_kept_apart_or_refused(
    tmp_path: Path, config: Config
) -> None:
    examples = {
        "prefixed": {"value": {"error": "ERROR_NOT_FOUND", "error_description": "one"}},
        "plain": {"value": {"error": "NOT_FOUND", "error_description": "two"}},
    }
    op = operation(responses={"200": SUCCESS, "400": error_response(examples)})
    api, problems = build(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": op})})

    if api is None:  # refused, naming the clash
        assert any("NotFoundError" in p.message for p in problems)
    else:  # or given distinct class names
        names = [c.name for c in api.error_classes]
        assert len(names) == 2
        assert len(set(names)) == 2


def test_an_error_example_without_an_error_code_is_a_problem(tmp_path: Path, config: Config) -> None:
    examples = {
        "GOOD": {"value": {"error": "GOOD", "error_description": "fine"}},
        "NO_CODE": {"value": {"error_description": "Something failed"}},
        "NUMBER_CODE": {"value": {"error": 100, "error_description": "Something failed"}},
        "NOT_AN_OBJECT": {"value": "Something failed"},
    }
    op = operation(responses={"200": SUCCESS, "400": error_response(examples)})
    problems = refused(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": op})})

    media = "/paths/~1crm.item.get/post/responses/400/content/application~1json"
    assert sorted(p.pointer or "" for p in problems) == [
        f"{media}/examples/{name}" for name in ("NOT_AN_OBJECT", "NO_CODE", "NUMBER_CODE")
    ]
    assert {p.message for p in problems} == {"error example has no 'error' code (a string) in its value"}


def test_an_empty_error_code_at_a_status_raises_that_status_group_and_makes_no_class(tmp_path: Path, config: Config) -> None:
    examples = {"NOT_FOUND": {"value": {"error": "", "error_description": "Not found"}}}
    op = operation(responses={"200": SUCCESS, "400": error_response(examples)})
    api = built(tmp_path, config, {"api.yaml": spec_file({"/crm.deal.get": op})})

    assert [(e.status, e.code, e.exception) for e in only_operation(api).errors] == [(400, "", "BadRequestError")]
    assert api.error_classes == ()


# -- schemas ---------------------------------------------------------------------------------------


def test_a_required_property_not_defined_under_properties_is_a_problem(tmp_path: Path, config: Config) -> None:
    schema = {"type": "object", "required": ["ID", "GHOST"], "properties": {"ID": {"type": "integer"}}}
    op = operation(requestBody=request_body(schema))
    problems = refused(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": op})})

    assert len(problems) == 1
    assert problems[0].message == "required property 'GHOST' is not defined under properties"
    assert problems[0].pointer == "/paths/~1crm.item.get/post/requestBody/content/application~1json/schema/required"


def test_two_properties_colliding_after_name_conversion_are_a_problem(tmp_path: Path, config: Config) -> None:
    schema = {"type": "object", "properties": {"userId": {"type": "integer"}, "user_id": {"type": "integer"}}}
    op = operation(requestBody=request_body(schema))
    problems = refused(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": op})})

    assert len(problems) == 1
    assert problems[0].message == "properties 'userId' and 'user_id' both become the attribute 'user_id'"
    assert (problems[0].pointer or "").endswith("/schema/properties/user_id")


def test_a_schema_that_refers_to_itself_builds_a_model_that_refers_to_itself(tmp_path: Path, config: Config) -> None:
    components = {
        "schemas": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "parent": {"$ref": "#/components/schemas/Node"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                },
            }
        }
    }
    op = operation(requestBody=request_body({"$ref": "#/components/schemas/Node"}))
    api = built(tmp_path, config, {"api.yaml": spec_file({"/tree.node.add": op}, components=components)})

    node = api.record("Node")
    assert {f.name: annotation(f.type) for f in node.fields} == {
        "name": "str",
        "parent": "Node",
        "children": "list[Node]",
    }


# -- operations ------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["operation", "path item"])
def test_parameters_are_an_unsupported_construct(tmp_path: Path, config: Config, level: str) -> None:
    parameters = [{"name": "id", "in": "query", "schema": {"type": "integer"}}]
    if level == "operation":
        file = spec_file({"/crm.item.get": operation(parameters=parameters)})
        pointer = "/paths/~1crm.item.get/post/parameters"
    else:
        file = spec_file({}, path_items={"/crm.item.get": {"parameters": parameters, "post": operation()}})
        pointer = "/paths/~1crm.item.get/parameters"
    problems = refused(tmp_path, config, {"api.yaml": file})

    assert len(problems) == 1
    assert problems[0].message.startswith("unsupported construct 'parameters'")
    assert problems[0].pointer == pointer


@pytest.mark.parametrize("path", ["/crm/item/get", "/crm-item-get", "/1crm.item", "/crm.item.", "/.crm.item", "/crm..item"])
def test_a_path_that_is_not_a_method_name_is_a_problem(tmp_path: Path, config: Config, path: str) -> None:
    problems = refused(tmp_path, config, {"api.yaml": spec_file({"/crm.item.list": operation(), path: operation()})})

    assert len(problems) == 1
    assert problems[0].message.startswith(f"path '{path}' is not a Bitrix24 method name")
    assert problems[0].pointer == "/paths/" + path.replace("/", "~1")


def test_a_method_without_a_dot_is_called_on_the_client_itself(tmp_path: Path, config: Config) -> None:
    api = built(tmp_path, config, {"api.yaml": spec_file({"/profile": operation()})})

    op = only_operation(api)
    assert (op.namespace, op.function, op.call_path) == ("", "profile", "client.profile")


def test_a_method_without_a_dot_may_not_take_the_name_of_a_namespace(tmp_path: Path, config: Config) -> None:
    problems = refused(tmp_path, config, {"api.yaml": spec_file({"/crm": operation(), "/crm.item.get": operation()})})

    assert [p.message for p in problems] == [
        "method 'crm' becomes client.crm, the attribute of the methods 'crm.*' (such as crm.item.get)"
    ]


def test_a_duplicate_operation_id_across_files_is_a_problem(tmp_path: Path, config: Config) -> None:
    problems = refused(
        tmp_path,
        config,
        {
            "a.yaml": spec_file({"/crm.item.get": operation(operationId="getItem")}),
            "b.yaml": spec_file({"/crm.item.fetch": operation(operationId="getItem")}),
        },
    )
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file.endswith("b.yaml")
    assert problem.message.startswith("duplicate operationId 'getItem' (also at ")
    assert "a.yaml:" in problem.message


def test_the_same_method_in_two_files_is_a_problem(tmp_path: Path, config: Config) -> None:
    problems = refused(
        tmp_path,
        config,
        {"a.yaml": spec_file({"/crm.item.get": operation()}), "b.yaml": spec_file({"/crm.item.get": operation()})},
    )
    assert any(p.message.startswith("duplicate method 'crm.item.get'") for p in problems)
    assert all(p.file.endswith("b.yaml") for p in problems)


def test_operation_id_defaults_to_the_method_name(tmp_path: Path, config: Config) -> None:
    op = only_operation(built(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": operation()})}))
    assert (op.method, op.operation_id, op.namespace, op.function, op.module) == (
        "crm.item.get",
        "crm.item.get",
        "crm",
        "item_get",
        "crm_item_get",
    )


# -- x-bitrix24 extensions -----------------------------------------------------------------------


def test_a_plain_spec_without_extensions_builds_with_the_defaults(tmp_path: Path, config: Config) -> None:
    op = only_operation(built(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": operation()})}))
    assert op.contexts == ("application", "webhook")
    assert op.webhook_allowed
    assert op.idempotent is False
    assert op.item_results is None


def test_contexts_and_idempotent_are_read_into_the_operation(tmp_path: Path, config: Config) -> None:
    op = operation(**{"x-bitrix24-contexts": ["webhook", "application"], "x-bitrix24-idempotent": True})
    webhook_only = operation(**{"x-bitrix24-contexts": ["application"]})
    api = built(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": op, "/crm.item.add": webhook_only})})

    by_method = {o.method: o for o in api.operations}
    assert by_method["crm.item.get"].contexts == ("application", "webhook")
    assert by_method["crm.item.get"].idempotent is True
    assert by_method["crm.item.add"].contexts == ("application",)
    assert not by_method["crm.item.add"].webhook_allowed
    assert by_method["crm.item.add"].idempotent is False


def test_item_results_are_read_into_the_operation(tmp_path: Path, config: Config) -> None:
    item = {
        "type": "object",
        "properties": {
            "ID": {"type": "integer"},
            "OK": {"type": "boolean"},
            "MESSAGES": {"type": "array", "items": {"type": "string"}},
        },
    }
    response = {
        "type": "object",
        "properties": {
            "result": {"type": "object", "properties": {"ITEMS": {"type": "array", "items": item}}},
        },
    }
    op = operation(
        **{
            "x-bitrix24-item-results": {
                "request": "IDS",
                "response": "/result/ITEMS",
                "success": "OK",
                "errors": "MESSAGES",
            }
        },
        requestBody=request_body(
            {"type": "object", "properties": {"IDS": {"type": "array", "items": {"type": "integer"}}}}
        ),
        responses={
            "200": {
                "description": "Per-item outcome.",
                "content": {
                    "application/json": {
                        "schema": response,
                        "example": {"result": {"ITEMS": [{"ID": 1, "OK": True}]}},
                    }
                },
            }
        },
    )
    result = only_operation(built(tmp_path, config, {"api.yaml": spec_file({"/crm.items.delete": op})}))

    items = result.item_results
    assert items is not None
    assert (items.request_field, items.request_wire_name) == ("ids", "IDS")
    assert items.wire_path == ("result", "ITEMS")
    assert items.attribute_path == ("result", "items")
    assert (items.success_attribute, items.success_wire_name) == ("ok", "OK")
    assert (items.errors_attribute, items.errors_wire_name) == ("messages", "MESSAGES")
    made_up = failure_example(result, runtime_facts(config.runtime).read_bool)
    assert made_up is not None and made_up.made_up  # the success example with its first item failed
    assert made_up.value["result"]["ITEMS"][0]["OK"] is False


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("x-bitrix24-contexts", ["portal"], "x-bitrix24-contexts must be a non-empty list of application, webhook"),
        ("x-bitrix24-contexts", [], "x-bitrix24-contexts must be a non-empty list of application, webhook"),
        ("x-bitrix24-contexts", "webhook", "x-bitrix24-contexts must be a non-empty list of application, webhook"),
        ("x-bitrix24-idempotent", "yes", "x-bitrix24-idempotent must be true or false"),
        ("x-bitrix24-item-results", "MESSAGES", "x-bitrix24-item-results must be a mapping"),
        ("x-bitrix24-item-results", {"request": "NOPE"}, "x-bitrix24-item-results.request must name an array"),
    ],
)
def test_a_malformed_extension_is_a_problem(tmp_path: Path, config: Config, key: str, value: Any, message: str) -> None:
    problems = refused(tmp_path, config, {"api.yaml": spec_file({"/crm.item.get": operation(**{key: value})})})
    assert len(problems) == 1
    assert problems[0].message.startswith(message)
    assert problems[0].pointer is not None and problems[0].pointer.startswith(f"/paths/~1crm.item.get/post/{key}")


# -- the real spec -------------------------------------------------------------------------------


def test_the_real_spec_builds_with_22_error_cases_for_imconnector_delete_messages(config: Config) -> None:
    spec, problems = load_spec(SPEC_DIR)
    assert problems == []
    api, problems = build_model(spec, runtime_facts(config.runtime))
    assert problems == []
    assert api is not None

    op = next(o for o in api.operations if o.method == "imconnector.delete.messages")
    assert len(op.errors) == 22
    own = [e for e in op.errors if not e.system]
    system = [e for e in op.errors if e.system]
    assert (len(own), len(system)) == (6, 16)
    assert {e.code for e in own} == {
        "ERROR_ARGUMENT",
        "NOT_ACTIVE_LINE",
        "IMCONNECTOR_NO_CORRECT_PROVIDER",
        "WRONG_AUTH_TYPE",
    }
    assert {e.code for e in system} >= {"expired_token", "QUERY_LIMIT_EXCEEDED", "INTERNAL_SERVER_ERROR"}
    assert op.contexts == ("application",)
    assert op.idempotent is True
    assert op.item_results is not None and op.item_results.wire_path == ("result", "DATA", "RESULT")
