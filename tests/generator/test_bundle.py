"""generated/openapi.yaml (and .json): the whole spec as one self-contained OpenAPI 3.1 document."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.bundle import bundle_files
from generator.config import Config
from generator.loader import iter_refs, load_spec
from generator.pipeline import load_api
from generator.problems import SpecError
from tests.support import GENERATED_DIR, PROJECT_ROOT, SPEC_DIR


def bundle_of(spec_dir: Path, config: Config) -> dict[str, str]:
    spec, problems = load_spec(spec_dir)
    assert problems == []
    return {path: content for path, content in bundle_files(spec, config)}


def test_the_bundle_holds_every_method_and_every_shared_component(config: Config) -> None:
    document = yaml.safe_load(bundle_of(SPEC_DIR, config)["openapi.yaml"])
    methods = sorted(p.stem for p in SPEC_DIR.glob("*.yaml") if p.name != "common.yaml")
    assert sorted(route.lstrip("/") for route in document["paths"]) == methods
    common = yaml.safe_load((SPEC_DIR / "common.yaml").read_text(encoding="utf-8"))["components"]
    for kind, named in common.items():
        assert set(named) <= set(document["components"][kind]), kind
    assert document["openapi"] == "3.1.0"
    assert document["servers"][0]["url"] == "https://{portal}/rest"
    assert document["components"]["securitySchemes"]["oauth"]["type"] == "oauth2"


def test_every_ref_in_the_bundle_is_local_and_resolves_inside_it(config: Config) -> None:
    document = yaml.safe_load(bundle_of(SPEC_DIR, config)["openapi.yaml"])
    refs = [ref for _, ref in iter_refs(document, "")]
    assert len(refs) > 100
    for ref in refs:
        assert ref.startswith("#/"), ref
        value: Any = document
        for token in ref[2:].split("/"):
            value = value[token.replace("~1", "/").replace("~0", "~")]
        assert isinstance(value, dict), ref


def test_yaml_and_json_carry_the_same_document(config: Config) -> None:
    files = bundle_of(SPEC_DIR, config)
    assert yaml.safe_load(files["openapi.yaml"]) == json.loads(files["openapi.json"])


def test_the_bundle_does_not_depend_on_where_the_spec_folder_is(config: Config, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "spec"
    shutil.copytree(SPEC_DIR, moved)
    assert bundle_of(moved, config) == bundle_of(SPEC_DIR, config)


def test_the_committed_bundle_is_what_the_generator_makes_today(config: Config) -> None:
    for path, content in bundle_of(SPEC_DIR, config).items():
        assert (GENERATED_DIR / path).read_text(encoding="utf-8") == content, path


def test_the_bundle_generates_the_same_client_as_the_spec_folder(config: Config, tmp_path: Path) -> None:
    bundle = tmp_path / "openapi.yaml"
    bundle.write_text(bundle_of(SPEC_DIR, config)["openapi.yaml"], encoding="utf-8")
    from_bundle, from_folder = load_api(bundle, config), load_api(SPEC_DIR, config)
    # Only where each piece was written differs: one file against one file per method.
    assert [replace(op, source="") for op in from_bundle.operations] == [
        replace(op, source="") for op in from_folder.operations
    ]
    assert [replace(r, source="") for r in from_bundle.records] == [replace(r, source="") for r in from_folder.records]
    assert from_bundle.error_classes == from_folder.error_classes


def test_a_component_two_files_define_differently_is_refused_naming_both(config: Config, tmp_path: Path) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, spec)
    common = spec / "common.yaml"
    text = common.read_text(encoding="utf-8")
    clash = "    ImconnectorSendStatusReadingChat:\n      type: object\n      description: Another chat.\n"
    common.write_text(text.replace("  schemas:\n", "  schemas:\n" + clash, 1), encoding="utf-8")
    loaded, problems = load_spec(spec)
    assert problems == []
    with pytest.raises(SpecError) as raised:
        bundle_files(loaded, config)
    message = str(raised.value)
    assert "'ImconnectorSendStatusReadingChat' is defined differently in two files" in message
    assert "common.yaml:" in message and "imconnector.send.status.reading.yaml:" in message


def test_check_fails_when_the_committed_bundle_is_stale(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    shutil.copytree(GENERATED_DIR, out)
    stale = out / "openapi.yaml"
    stale.write_text(
        stale.read_text(encoding="utf-8").replace("Activate the connector", "Activate it"), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--check", "--out", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "is stale: openapi.yaml" in done.stderr
