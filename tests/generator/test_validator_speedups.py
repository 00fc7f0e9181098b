"""The validator workarounds (`generator.validator_speedups`): still needed, and changing no finding.

If an upstream release fixes what a workaround works around, a "still needed" test fails: then
the workaround goes. The others hold the fast paths to what Python decides.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import referencing
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import SchemaError
from jsonschema_path import SchemaPath
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import OpenAPIV31SpecValidator
from openapi_spec_validator.schemas import get_validator_for, schema_v31
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.registries import KeywordValidatorRegistry

import generator.oas_check as oas_check
from generator.loader import parse_document
from generator.validator_speedups import FastDocumentCheck, meta_checker, plainly_valid
from tests.support import SPEC_DIR

CORPUS = Path(__file__).parent.parent / "bad_specs"
GOLDEN = Path(__file__).parent.parent / "golden" / "spec"


def openapi_31(path: Path) -> dict[str, Any] | None:
    """The data of an OpenAPI 3.1 file the loader accepts (within its bounds), else None."""
    parsed, _ = parse_document(path, path.name)
    data = parsed.data if parsed is not None else None
    return data if isinstance(data, dict) and str(data.get("openapi", "")).startswith("3.1") else None


DOCUMENTS = sorted(
    p
    for folder in (CORPUS, SPEC_DIR, GOLDEN)
    for p in folder.rglob("*.yaml")
    if p.is_file() and not p.is_symlink() and openapi_31(p) is not None
)


def count_crawls(action: Any, monkeypatch: pytest.MonkeyPatch) -> int:
    crawls = 0
    real = referencing.Registry.crawl

    def counting(self: referencing.Registry[Any]) -> referencing.Registry[Any]:
        nonlocal crawls
        crawls += 1
        return real(self)

    monkeypatch.setattr(referencing.Registry, "crawl", counting)
    action()
    monkeypatch.undo()
    return crawls


# -- still needed ------------------------------------------------------------------------------


def test_upstream_still_keeps_visited_schemas_in_lists() -> None:
    validator = keywords.OpenAPIV31SchemaValidator(KeywordValidatorRegistry({}))
    assert type(validator.visited_schema_ids) is list
    assert type(validator.meta_checked_schema_ids) is list


def test_upstream_still_builds_a_meta_validator_for_every_schema_check(monkeypatch: pytest.MonkeyPatch) -> None:
    import openapi_schema_validator.validators as upstream

    built = 0
    real = upstream.validator_for

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal built
        built += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(upstream, "validator_for", counting)
    schema = {"type": "object", "properties": {"a": {"type": "string", "pattern": "^a"}}}
    OAS31Validator.check_schema(schema)
    OAS31Validator.check_schema(schema)
    assert built == 2  # one meta-schema validator (and its registry) per check
    ours = meta_checker(OAS31Validator, OAS31Validator.FORMAT_CHECKER, True)
    ours(schema)
    ours(schema)
    assert built == 2  # ours was built once, before


def test_upstream_still_checks_documents_with_an_uncrawled_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = get_validator_for(schema_v31)
    document = yaml.safe_load((SPEC_DIR / "imconnector.delete.messages.yaml").read_text(encoding="utf-8"))
    list(fresh.iter_errors(document))
    assert count_crawls(lambda: list(fresh.iter_errors(document)), monkeypatch) > 0


# -- the same findings ---------------------------------------------------------------------------


def findings(validator_class: type[OpenAPIV31SpecValidator], document: dict[str, Any], path: Path) -> list[str]:
    schema_path = SchemaPath.from_dict(document, base_uri=path.as_uri())
    return sorted(str(e.message) for e in validator_class(schema_path).iter_errors())


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.relative_to(p.parents[1]).as_posix() for p in DOCUMENTS])
def test_every_corpus_and_spec_file_has_the_same_findings_with_and_without_the_workarounds(path: Path) -> None:
    document = openapi_31(path)
    assert document is not None
    try:
        upstream: list[str] | str = findings(OpenAPIV31SpecValidator, document, path)
    except Exception as exc:  # upstream itself fails on some broken files (missing $ref targets)
        upstream = type(exc).__name__
    try:
        ours: list[str] | str = findings(oas_check._V31, copy.deepcopy(document), path)
    except Exception as exc:
        ours = type(exc).__name__
    assert ours == upstream


SCHEMA_KEYS = ["type", "properties", "items", "minLength", "maximum", "enum", "required", "description", "oneOf"]
JSON_SCALARS = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=6) | st.floats(allow_nan=False)
SCHEMAS = st.recursive(
    JSON_SCALARS | st.sampled_from(["string", "integer", "object", "array", "null"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(SCHEMA_KEYS), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMAS)
def test_a_schema_the_fast_path_accepts_is_one_python_accepts(schema: Any) -> None:
    if not isinstance(schema, (dict, bool)) or not plainly_valid(schema):
        return
    try:
        OAS31Validator.check_schema(schema)
    except SchemaError as exc:  # pragma: no cover - the failure this test exists to catch
        raise AssertionError(f"the fast path accepted a schema Python refuses: {exc.message}") from None


PYTHON_DOCUMENT_CHECK = get_validator_for(schema_v31)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["/info", "/paths", "/openapi", "/components/schemas"]), JSON_SCALARS | SCHEMAS)
def test_a_document_the_fast_path_accepts_is_one_python_accepts(pointer: str, value: Any) -> None:
    document = yaml.safe_load((SPEC_DIR / "imconnector.delete.messages.yaml").read_text(encoding="utf-8"))
    *parents, last = pointer.strip("/").split("/")
    node = document
    for key in parents:
        node = node[key]
    node[last] = value
    fast = FastDocumentCheck(PYTHON_DOCUMENT_CHECK)
    if not list(fast.iter_errors(document)):
        assert list(PYTHON_DOCUMENT_CHECK.iter_errors(document)) == []
