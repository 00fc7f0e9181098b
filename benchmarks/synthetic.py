"""Synthetic specs for the scale benchmarks: N renamed copies of one method of `spec/`.

The copied method is `imconnector.delete.messages` (`TEMPLATE_METHOD`), the first method of the
spec, so figures stay comparable with runs made when it was the only one; it takes every
extension the generator has (item results, contexts, idempotency, errors by `$ref`).

Copy number 12 of `imconnector.delete.messages` becomes the method `bench.op0012.delete`
(path `/bench.op0012.delete`, the same operationId) and every schema under its
`components/schemas` gets the suffix `Op0012` (`ImconnectorDeleteMessagesRequest` ->
`ImconnectorDeleteMessagesRequestOp0012`), with the `$ref`s that point at them renamed too.
`common.yaml` is copied once and shared by every copy, as in the real spec.

Two layouts are written:

- `write_spec_folder`: one YAML file per operation plus `common.yaml`, for our generator;
- `write_bundle`: one self-contained JSON file (OpenAPI 3.1) for openapi-python-client, which
  reads a single document: schemas stay `$ref`s into the bundle's own `components/schemas`,
  every other `$ref` (shared responses and examples) is inlined.

The renaming is done once on the parsed method with a placeholder number, serialised once, and
then each copy is a string substitution, so 1,646 copies take well under a second.

    python -m benchmarks.synthetic 50 benchmarks/.work/spec-50 [--bundle benchmarks/.work/spec-50.json]
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml when compiled in, as the generator itself uses it
    from yaml import CSafeDumper as YamlDumper
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as YamlDumper  # type: ignore[assignment]
    from yaml import SafeLoader as YamlLoader  # type: ignore[assignment]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = PROJECT_ROOT / "spec"
COMMON_FILE_NAME = "common.yaml"
TEMPLATE_METHOD = "imconnector.delete.messages"
PLACEHOLDER = "XBENCHNUMX"
"""Stands for the copy's number in the serialised template; must not occur in the spec."""
NUMBER_WIDTH = 4
MAX_COPIES = 10**NUMBER_WIDTH - 1
LOCAL_SCHEMA_PREFIX = "#/components/schemas/"
COMMON_REF_PREFIX = f"{COMMON_FILE_NAME}#/"
BENCH_TAG = {"name": "bench", "description": "Synthetic copies of a method, for benchmarks."}

JsonValue = Any
"""A node of parsed YAML/JSON: dict, list, str, number, bool or None."""


def copy_number(index: int) -> str:
    """The zero-padded number of copy `index` (1-based): 12 -> `0012`."""
    if not 1 <= index <= MAX_COPIES:
        raise ValueError(f"copy number {index} is outside 1..{MAX_COPIES}")
    return f"{index:0{NUMBER_WIDTH}d}"


def method_name(index: int) -> str:
    """The REST method name of copy `index`: `bench.op0012.delete`."""
    return f"bench.op{copy_number(index)}.delete"


def load_yaml(path: Path) -> JsonValue:
    """A YAML file as plain data."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=YamlLoader)  # a safe loader (C or Python)


def find_method_file(spec_dir: Path) -> Path:
    """The method file to copy: `TEMPLATE_METHOD`'s, or the only method file of `spec_dir`."""
    named = spec_dir / f"{TEMPLATE_METHOD}.yaml"
    if named.is_file():
        return named
    methods = sorted(p for p in spec_dir.glob("*.yaml") if p.name != COMMON_FILE_NAME)
    if len(methods) != 1:
        names = ", ".join(p.name for p in methods) or "none"
        raise ValueError(f"{spec_dir}: no {named.name}, and not exactly one method file to copy: {names}")
    return methods[0]


def map_refs(node: JsonValue, rename: Callable[[str], JsonValue]) -> JsonValue:
    """A copy of `node` in which each `{"$ref": ref}` object is replaced by `rename(ref)`."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) == 1:
            return rename(ref)
        return {key: map_refs(value, rename) for key, value in node.items()}
    if isinstance(node, list):
        return [map_refs(item, rename) for item in node]
    return node


def renamed_method(method: dict[str, JsonValue]) -> dict[str, JsonValue]:
    """The method spec with path, operationId and schema names carrying `PLACEHOLDER`."""
    paths = method["paths"]
    if len(paths) != 1:
        raise ValueError(f"the method file must have one path, found {len(paths)}")
    schemas: dict[str, JsonValue] = method.get("components", {}).get("schemas", {})
    suffix = f"Op{PLACEHOLDER}"
    new_names = {name: name + suffix for name in schemas}

    def rename_local_schema(ref: str) -> JsonValue:
        name = ref.removeprefix(LOCAL_SCHEMA_PREFIX)
        if ref.startswith(LOCAL_SCHEMA_PREFIX) and name in new_names:
            return {"$ref": LOCAL_SCHEMA_PREFIX + new_names[name]}
        return {"$ref": ref}

    result: dict[str, JsonValue] = map_refs(method, rename_local_schema)
    new_method = f"bench.op{PLACEHOLDER}.delete"
    (operation,) = result["paths"].values()
    for verb in operation.values():
        if isinstance(verb, dict) and "operationId" in verb:
            verb["operationId"] = new_method
            verb["tags"] = [BENCH_TAG["name"]]
    result["tags"] = [BENCH_TAG]
    result["paths"] = {f"/{new_method}": operation}
    result["info"] = {**result.get("info", {}), "title": new_method}
    result.setdefault("components", {})["schemas"] = {
        new_names[name]: schema for name, schema in result["components"]["schemas"].items()
    }
    return result


def check_placeholder_unused(text: str) -> None:
    """Refuse a spec that already contains `PLACEHOLDER`: copies would be mangled."""
    if PLACEHOLDER in text:
        raise ValueError(f"the spec contains the placeholder {PLACEHOLDER!r}; pick another one")


def method_template(spec_dir: Path) -> str:
    """The renamed method file as YAML text with `PLACEHOLDER` for the copy number."""
    source = find_method_file(spec_dir)
    check_placeholder_unused(source.read_text(encoding="utf-8"))
    template = renamed_method(load_yaml(source))
    header = f"# Synthetic copy of {source.name}, made by benchmarks/synthetic.py.\n"
    return header + yaml.dump(template, Dumper=YamlDumper, sort_keys=False, allow_unicode=True, width=1000)


def reset_folder(folder: Path) -> None:
    """Make `folder` exist and be empty."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


def write_spec_folder(target: Path, count: int, spec_dir: Path = SPEC_DIR) -> list[Path]:
    """Write `count` method files plus `common.yaml` into `target` (emptied first); their paths."""
    template = method_template(spec_dir)
    reset_folder(target)
    shutil.copyfile(spec_dir / COMMON_FILE_NAME, target / COMMON_FILE_NAME)
    written = []
    for index in range(1, count + 1):
        path = target / f"{method_name(index)}.yaml"
        path.write_text(template.replace(PLACEHOLDER, copy_number(index)), encoding="utf-8")
        written.append(path)
    return written


def resolve_pointer(document: JsonValue, pointer: str) -> JsonValue:
    """The node at a JSON pointer such as `/components/examples/ACCESS_DENIED`."""
    node = document
    for token in pointer.lstrip("/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def bundle_refs(node: JsonValue, common: dict[str, JsonValue], own: dict[str, JsonValue]) -> JsonValue:
    """`node` with schema `$ref`s made local to the bundle and every other `$ref` inlined.

    `own` is the document `node` comes from (for `#/...` refs), `common` is `common.yaml`.
    """

    def rewrite(ref: str) -> JsonValue:
        if ref.startswith(COMMON_REF_PREFIX):
            document, pointer = common, ref.removeprefix(COMMON_FILE_NAME + "#")
        elif ref.startswith("#/"):
            document, pointer = own, ref.removeprefix("#")
        else:
            raise ValueError(f"cannot bundle the $ref {ref!r}")
        if pointer.startswith("/components/schemas/"):
            return {"$ref": "#" + pointer}
        return bundle_refs(copy.deepcopy(resolve_pointer(document, pointer)), common, document)

    return map_refs(node, rewrite)


def bundle_template(spec_dir: Path) -> tuple[str, dict[str, JsonValue]]:
    """The bundled path item and schemas of one copy as JSON text with `PLACEHOLDER`, and the
    bundle's shared part (common schemas and security schemes, servers)."""
    common = load_yaml(spec_dir / COMMON_FILE_NAME)
    source = find_method_file(spec_dir)
    check_placeholder_unused(source.read_text(encoding="utf-8"))
    method = renamed_method(load_yaml(source))
    fragment = {
        "paths": bundle_refs(method["paths"], common, method),
        "schemas": bundle_refs(method["components"]["schemas"], common, method),
    }
    shared = {
        "servers": method.get("servers", []),
        "schemas": bundle_refs(common["components"].get("schemas", {}), common, common),
        "securitySchemes": common["components"].get("securitySchemes", {}),
    }
    return json.dumps(fragment), shared


def bundle_document(count: int, spec_dir: Path = SPEC_DIR) -> dict[str, JsonValue]:
    """One OpenAPI 3.1 document with the `count` copies and everything they refer to."""
    fragment_text, shared = bundle_template(spec_dir)
    paths: dict[str, JsonValue] = {}
    schemas: dict[str, JsonValue] = dict(shared["schemas"])
    for index in range(1, count + 1):
        fragment = json.loads(fragment_text.replace(PLACEHOLDER, copy_number(index)))
        paths.update(fragment["paths"])
        schemas.update(fragment["schemas"])
    return {
        "openapi": "3.1.0",
        "info": {"title": "Bitrix24 bench", "version": "1"},
        "servers": shared["servers"],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": shared["securitySchemes"]},
    }


def write_bundle(target: Path, count: int, spec_dir: Path = SPEC_DIR) -> Path:
    """Write the single-file spec of `count` copies to `target` (JSON); returns `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(bundle_document(count, spec_dir), indent=1), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: write a spec folder of N copies, and optionally the one-file bundle."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synthetic", description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of operations (1..9999)")
    parser.add_argument("out", type=Path, help="spec folder to write (emptied first)")
    parser.add_argument("--bundle", type=Path, help="also write the single-file JSON spec here")
    parser.add_argument("--spec", type=Path, default=SPEC_DIR, help="source spec folder (default: spec/)")
    args = parser.parse_args(argv)
    write_spec_folder(args.out, args.count, args.spec)
    if args.bundle is not None:
        write_bundle(args.bundle, args.count, args.spec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
