"""OpenAPI validation: every violation in one run, each at the file, pointer and line of the offending node."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.loader import load_spec
from generator.problems import Problem
from generator.validate import validate_spec
from tests.support import write_spec

TYPE_NAMES = "['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']"


def validate(tmp_path: Path, files: dict[str, str]) -> list[Problem]:
    """Write `files`, load them (they must parse and their refs resolve) and validate them."""
    spec, problems = load_spec(write_spec(tmp_path / "spec", files))
    assert problems == []
    return validate_spec(spec)


def where(problems: list[Problem]) -> list[tuple[str, int, str | None]]:
    return sorted((Path(p.file).name, p.line, p.pointer) for p in problems)


@pytest.mark.parametrize("version", ["3.1.0", "3.1.1", "3.0.3"])
def test_a_valid_spec_has_no_problems(tmp_path: Path, version: str) -> None:
    problems = validate(
        tmp_path,
        {"api.yaml": f"""
            openapi: "{version}"
            info: {{title: Test, version: "1"}}
            paths:
              /crm.item.get:
                post:
                  responses:
                    "200":
                      description: OK
                      content:
                        application/json:
                          schema: {{type: object, properties: {{result: {{type: string}}}}}}
            """},
    )
    assert problems == []


def test_an_invalid_type_is_reported_at_the_pointer_and_line_of_the_offending_node(tmp_path: Path) -> None:
    problems = validate(
        tmp_path,
        {"api.yaml": """
            openapi: 3.1.0
            info:
              title: Test
              version: "1"
            paths:
              /crm.item.get:
                post:
                  summary: 5
                  responses:
                    "200":
                      description: OK
            """},
    )
    assert len(problems) == 1
    assert problems[0].line == 8
    assert problems[0].pointer == "/paths/~1crm.item.get/post/summary"
    assert problems[0].message == "5 is not of type 'string'"
    assert problems[0].file.endswith("api.yaml")


def test_an_invalid_schema_type_is_reported_at_the_schema_not_line_1(tmp_path: Path) -> None:
    problems = validate(
        tmp_path,
        {"api.yaml": """
            openapi: 3.1.0
            info: {title: Test, version: "1"}
            paths:
              /crm.item.get:
                post:
                  responses:
                    "200":
                      description: OK
                      content:
                        application/json:
                          schema:
                            type: object
                            properties:
                              count: {type: integr}
            """},
    )
    assert len(problems) == 1
    assert problems[0].line == 14
    assert problems[0].pointer == (
        "/paths/~1crm.item.get/post/responses/200/content/application~1json/schema/properties/count/type"
    )
    assert problems[0].message == f"'integr' is not one of {TYPE_NAMES}"


def test_several_problems_in_several_files_are_reported_in_one_run(tmp_path: Path) -> None:
    problems = validate(
        tmp_path,
        {
            "a.yaml": """
            openapi: 3.1.0
            info:
              title: 7
            paths:
              /crm.item.get:
                post:
                  responses:
                    "200": {}
            components:
              schemas:
                Bad: {type: bogus}
                AlsoBad:
                  type: object
                  required: not-a-list
            """,
            "b.yaml": """
            openapi: 3.1.0
            info: {title: B, version: 1}
            paths: {}
            """,
        },
    )
    assert where(problems) == [
        ("a.yaml", 2, "/info"),  # 'version' is missing
        ("a.yaml", 3, "/info/title"),
        ("a.yaml", 8, "/paths/~1crm.item.get/post/responses/200"),  # 'description' is missing
        ("a.yaml", 11, "/components/schemas/Bad/type"),
        ("a.yaml", 14, "/components/schemas/AlsoBad/required"),
        ("b.yaml", 2, "/info/version"),
    ]


def test_a_missing_openapi_field_is_one_clear_problem(tmp_path: Path) -> None:
    problems = validate(tmp_path, {"api.yaml": "info: {title: Test, version: '1'}\npaths: {}\n"})
    assert problems == [
        Problem(problems[0].file, 1, "not an OpenAPI document: the 'openapi' field is missing", ""),
    ]


@pytest.mark.parametrize("version", ["2.0", "4.0.0", "3.2.0"])
def test_an_unsupported_openapi_version_is_one_clear_problem(tmp_path: Path, version: str) -> None:
    problems = validate(
        tmp_path,
        {"api.yaml": f"""
            info: {{title: Test}}
            openapi: "{version}"
            paths: {{/not-even: valid}}
            """},
    )
    assert len(problems) == 1
    assert problems[0].line == 2
    assert problems[0].pointer == "/openapi"
    assert problems[0].message == f"unsupported OpenAPI version '{version}'; use 3.1.x (or 3.0.x)"


def test_an_unsupported_version_in_one_file_does_not_hide_problems_in_another(tmp_path: Path) -> None:
    problems = validate(
        tmp_path,
        {
            "a.yaml": "openapi: '2.0'\n",
            "b.yaml": "openapi: 3.1.0\ninfo: {title: 5, version: '1'}\npaths: {}\n",
        },
    )
    assert where(problems) == [("a.yaml", 1, "/openapi"), ("b.yaml", 2, "/info/title")]


def test_the_same_mistake_in_two_schemas_is_reported_twice(tmp_path: Path) -> None:
    problems = validate(
        tmp_path,
        {"api.yaml": """
            openapi: 3.1.0
            info: {title: Test, version: "1"}
            paths: {}
            components:
              schemas:
                First: {type: strin}
                Second: {type: strin}
            """},
    )
    assert where(problems) == [
        ("api.yaml", 6, "/components/schemas/First/type"),
        ("api.yaml", 7, "/components/schemas/Second/type"),
    ]


def test_a_schema_error_is_reported_at_the_schema_not_at_an_example_with_the_same_text(tmp_path: Path) -> None:
    problems = validate(
        tmp_path,
        {"api.yaml": """
            openapi: 3.1.0
            info: {title: Test, version: "1"}
            paths: {}
            components:
              examples:
                Sample:
                  value:
                    type: strin
              schemas:
                Thing:
                  type: strin
            """},
    )
    assert where(problems) == [("api.yaml", 11, "/components/schemas/Thing/type")]


def test_an_error_in_a_referenced_file_is_reported_only_in_that_file(tmp_path: Path) -> None:
    problems = validate(
        tmp_path,
        {
            "api.yaml": """
            openapi: 3.1.0
            info: {title: Test, version: "1"}
            paths:
              /crm.item.get:
                post:
                  responses:
                    "200":
                      description: OK
                      content:
                        application/json:
                          schema: {$ref: "lib.yaml#/components/schemas/Item"}
            """,
            "lib.yaml": """
            openapi: 3.1.0
            info: {title: Library, version: "1"}
            components:
              schemas:
                Item:
                  type: object
                  properties:
                    count: {type: 12}
            """,
        },
    )
    assert where(problems) == [("lib.yaml", 8, "/components/schemas/Item/properties/count/type")]
