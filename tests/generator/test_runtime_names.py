"""Names and rules the runtime owns are read from it: nothing the spec names can clash with them.

The four defects the review found when the generator kept copies (a spec code `TOKEN_REFRESH`,
a schema named `RawResponse`, a scope holding `\"\"\"`, an example saying `SUCCESS: "no"`) come
together in one spec, whose package must pass `mypy --strict` and its own generated tests. The
rest checks every runtime name, so a copy could not drift unnoticed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.loader import load_spec
from generator.model import build_model
from generator.model.ir import Api
from generator.views.outcomes import failure_counts
from tests.support import FACTS, run_generator, write_spec

DEFECTS = {
    "openapi": "3.1.0",
    "info": {"title": "defects", "version": "1"},
    "paths": {
        "/crm.defect.run": {
            "post": {
                "security": [{"oauth": ['crm"""\\N{BULLET}']}],
                "x-bitrix24-item-results": {"request": "IDS", "response": "/result/ITEMS", "success": "SUCCESS"},
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RawResponse"}}}
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ItemResultsSpec"},
                                "example": {"result": {"ITEMS": [{"SUCCESS": "no"}, {"SUCCESS": "Y"}]}},
                            }
                        },
                    },
                    "401": {
                        "description": "refresh refused",
                        "content": {
                            "application/json": {
                                "examples": {
                                    "refresh": {"value": {"error": "TOKEN_REFRESH", "error_description": "no"}},
                                    "quoted": {"value": {"error": 'Q"""\\N', "error_description": 'say """x"""'}},
                                }
                            }
                        },
                    },
                },
            }
        }
    },
    "components": {
        "schemas": {
            "RawResponse": {
                "type": "object",
                "required": ["IDS"],
                "properties": {"IDS": {"type": "array", "items": {"type": "integer"}}},
                "example": {"IDS": [1, 2]},
            },
            "ItemResultsSpec": {
                "type": "object",
                "properties": {
                    "result": {
                        "type": "object",
                        "properties": {
                            "ITEMS": {
                                "type": "array",
                                "items": {"type": "object", "properties": {"SUCCESS": {"type": "boolean"}}},
                            }
                        },
                    }
                },
            },
        }
    },
}


def test_the_four_defects_give_a_package_that_type_checks_and_passes_its_own_tests(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "spec", {"crm.defect.run.yaml": yaml.safe_dump(DEFECTS, sort_keys=False)})
    out = tmp_path / "out"
    run = run_generator("--spec", spec, "--out", out)
    assert run.code == 0, run.stderr

    src = out / "client" / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(src / "bitrix24_rest")],
        capture_output=True,
        text=True,
        check=False,
        cwd=out / "client",
    )
    assert checked.returncode == 0, checked.stdout[-3000:]
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(out / "tests")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert tested.returncode == 0, tested.stdout[-3000:]
    probe = (
        "from bitrix24_rest import errors, models\n"
        "assert issubclass(errors.TokenRefreshCodeError, errors.AuthError)\n"
        "assert errors.TokenRefreshCodeError is not errors.TokenRefreshError\n"
        "assert models.RawResponseModel and models.ItemResultsSpecModel\n"
    )
    probed = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False)
    assert probed.returncode == 0, probed.stderr


def model_of(tmp_path: Path, document: dict[str, Any]) -> Api:
    spec, problems = load_spec(write_spec(tmp_path / "spec", {"api.yaml": yaml.safe_dump(document, sort_keys=False)}))
    assert problems == []
    api, problems = build_model(spec, FACTS)
    assert api is not None, problems
    return api


def method(path: str, properties: dict[str, Any], result: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = {"type": "object", "properties": result or {"result": {"type": "boolean"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            path: {
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"type": "object", "properties": properties}}}
                    },
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": answer}}}},
                }
            }
        },
    }


@pytest.mark.parametrize("member", sorted(FACTS.client_members))
def test_a_namespace_named_like_a_client_member_gets_a_trailing_underscore(tmp_path: Path, member: str) -> None:
    api = model_of(tmp_path, method(f"/{member}.thing.get", {"x": {"type": "string"}}))
    assert api.operations[0].namespace == member + "_"


@pytest.mark.parametrize("member", sorted(FACTS.model_members))
def test_a_property_named_like_a_model_member_gets_a_trailing_underscore(tmp_path: Path, member: str) -> None:
    api = model_of(tmp_path, method("/crm.thing.get", {member: {"type": "string"}}))
    assert [f.name for f in api.operations[0].params] == [member + "_"]


@pytest.mark.parametrize("name", sorted(n for n in FACTS.exported if n[:1].isupper()))
def test_a_schema_named_like_anything_the_runtime_exports_gets_a_suffix(tmp_path: Path, name: str) -> None:
    document = method("/crm.thing.get", {"x": {"$ref": f"#/components/schemas/{name}"}})
    document["components"] = {"schemas": {name: {"type": "object", "properties": {"a": {"type": "string"}}}}}
    api = model_of(tmp_path, document)
    assert name not in {r.name for r in api.records}


def test_a_per_item_flag_counts_as_failed_exactly_when_the_runtime_reads_it_as_false(tmp_path: Path) -> None:
    flags = ["Y", "N", "y", "n", "yes", "no", "true", "false", "1", "0", "", 1, 0, True, False]
    document = method(
        "/crm.items.delete",
        {"IDS": {"type": "array", "items": {"type": "integer"}}},
        {"LIST": {"type": "array", "items": {"type": "object", "properties": {"OK": {"type": "boolean"}}}}},
    )
    operation = document["paths"]["/crm.items.delete"]["post"]
    operation["x-bitrix24-item-results"] = {"request": "IDS", "response": "/LIST", "success": "OK"}
    media = operation["responses"]["200"]["content"]["application/json"]
    media["examples"] = {str(i): {"value": {"LIST": [{"OK": flag}]}} for i, flag in enumerate(flags)}
    op = model_of(tmp_path, document).operations[0]
    assert failure_counts(op, FACTS.read_bool) == tuple(0 if FACTS.read_bool(flag) else 1 for flag in flags)
