"""What the client runtime defines, read from its source: the generator keeps no copy of it.

Names are read from the runtime's modules without importing them (the runtime needs httpx, the
generator does not): every module's `__all__`, and the public members of the client and model
classes. Rules are the runtime's own functions and constants, from the few modules that need
nothing but the standard library (`model`, `errors`, `chunks`, `retry`, `pacer`), imported
under a private package name.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACKAGE = "_generator_client_runtime"
"""The name the runtime is imported under inside the generator."""


@dataclass(frozen=True)
class RuntimeFacts:
    """Names the generated code must not take, and rules it must follow, all from the runtime."""

    exported: frozenset[str]
    """Every name a runtime module exports (generated modules may import any of them)."""
    client_members: frozenset[str]
    """Public attributes of the runtime's client classes (a namespace may not take one)."""
    model_members: frozenset[str]
    """Public attributes of every generated model (a field may not take one)."""
    outcome_members: frozenset[str]
    """Public attributes of a response with per-item outcomes."""
    exception_names: frozenset[str]
    """The runtime's own exception classes (an error code's class may not take one)."""
    call_options: tuple[str, ...]
    """Keyword arguments every generated method takes (an argument may not take one)."""
    default_chunk_size: int
    read_bool: Callable[[Any], bool]
    """How the runtime reads a boolean (also "Y"/"N" and the like); raises on anything else."""
    group_for_status: Callable[[int | None], type]
    """The exception group of an HTTP status."""
    connect_timeout: float
    read_timeout: float
    max_connections: int
    """Connections a client keeps open to its portal by default."""
    public_api: tuple[tuple[str, str], ...]
    """The runtime's names the package exports, each with its runtime module."""
    module: Callable[[str], types.ModuleType]
    """A standard-library-only runtime module by name, for the docs' facts (retry, pacer)."""

    @property
    def exception_tree(self) -> str:
        """The tree drawn in the runtime's `errors` docstring, from `Bitrix24Error` to the blank line."""
        lines = (self.module("errors").__doc__ or "").splitlines()
        start = next((i for i, line in enumerate(lines) if line.strip() == "Bitrix24Error"), len(lines))
        tree = []
        for line in lines[start:]:
            if not line.strip():
                break
            tree.append(line[4:] if line.startswith("    ") else line)
        return "\n".join(tree)


@functools.cache
def runtime_facts(folder: Path) -> RuntimeFacts:
    """The facts of the runtime whose source is in `folder`."""
    trees = dict(_trees(folder))
    exported = frozenset(name for tree in trees.values() for name in _all_of(tree))
    client = _class_members(trees, "_async/client", "AsyncBaseClient") | _class_members(
        trees, "_sync/client", "BaseClient"
    )
    module = functools.partial(_import, folder)
    model, chunks, errors = module("model"), module("chunks"), module("errors")
    return RuntimeFacts(
        exported=exported,
        client_members=frozenset(n for n in client if not n.startswith("_")),
        model_members=frozenset(n for n in _class_members(trees, "model", "Model") if not n.startswith("_")),
        outcome_members=frozenset(n for n in _class_members(trees, "items", "ItemOutcomes") if not n.startswith("_")),
        exception_names=frozenset(n for n in _all_of(trees["errors"]) if n[:1].isupper()),
        call_options=tuple(_constant(trees["core"], "CALL_OPTIONS")),
        default_chunk_size=chunks.DEFAULT_CHUNK_SIZE,
        read_bool=model.as_bool,
        group_for_status=errors.group_for_status,
        connect_timeout=_constant(trees["core"], "CONNECT_TIMEOUT"),
        read_timeout=_constant(trees["core"], "READ_TIMEOUT"),
        max_connections=_constant(trees["settings"], "DEFAULT_MAX_CONNECTIONS"),
        public_api=tuple(sorted(_constant(trees["__init__"], "PUBLIC_API").items())),
        module=module,
    )


def _trees(folder: Path) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(folder.rglob("*.py")):
        if "__pycache__" not in path.parts:
            name = path.relative_to(folder).with_suffix("").as_posix()
            yield name, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _all_of(tree: ast.Module) -> list[str]:
    try:
        value = _constant(tree, "__all__")
    except LookupError:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _constant(tree: ast.Module, name: str) -> Any:
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return ast.literal_eval(value)
    raise LookupError(f"the runtime defines no constant {name}")


def _class_members(trees: dict[str, ast.Module], module: str, cls: str) -> set[str]:
    """The names `cls` defines, and those of its bases defined anywhere in the runtime."""
    for node in trees[module].body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            members: set[str] = set()
            for base in node.bases:
                home = next((m for m, tree in trees.items() if _defines_class(tree, base)), None)
                if home is not None and isinstance(base, ast.Name):
                    members |= _class_members(trees, home, base.id)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    members.update(t.id for t in item.targets if isinstance(t, ast.Name))
            return members
    raise LookupError(f"the runtime's {module} module defines no class {cls}")


def _import(folder: Path, name: str) -> types.ModuleType:
    """Import the runtime module `name` (standard library only) under `PACKAGE`."""
    package = sys.modules.get(PACKAGE)
    if package is None or list(getattr(package, "__path__", [])) != [str(folder)]:
        for key in [k for k in sys.modules if k == PACKAGE or k.startswith(PACKAGE + ".")]:
            del sys.modules[key]
        spec = importlib.util.spec_from_file_location(
            PACKAGE, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        assert spec is not None and spec.loader is not None
        package = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{PACKAGE}.{name}")


def _defines_class(tree: ast.Module, base: ast.expr) -> bool:
    return isinstance(base, ast.Name) and any(
        isinstance(node, ast.ClassDef) and node.name == base.id for node in tree.body
    )
