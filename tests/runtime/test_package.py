"""The runtime as a package: relative imports only, and the names it says it exports."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import client_runtime
import pytest

RUNTIME_NAME = client_runtime.__name__
RUNTIME_FOLDER = Path(client_runtime.__file__ or "").parent
MODULES = sorted(
    ".".join(p.relative_to(RUNTIME_FOLDER).with_suffix("").parts).removesuffix("__init__").rstrip(".")
    for p in RUNTIME_FOLDER.rglob("*.py")
)
ALLOWED_ABSOLUTE = set(sys.stdlib_module_names) | {"httpx"}
"""What the runtime may import by absolute name: the standard library and httpx."""


def module_path(module: str) -> Path:
    path = RUNTIME_FOLDER.joinpath(*module.split(".")) if module else RUNTIME_FOLDER
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def test_the_runtime_is_loaded_from_its_template_folder(runtime_folder: Path) -> None:
    assert runtime_folder == RUNTIME_FOLDER and "{{api.package}}" in runtime_folder.parts


def test_package_is_the_name_the_runtime_was_imported_under() -> None:
    assert client_runtime.PACKAGE == RUNTIME_NAME == "client_runtime"


@pytest.mark.parametrize("module", MODULES)
def test_a_module_imports_the_runtime_only_relatively(module: str) -> None:
    tree = ast.parse(module_path(module).read_text(encoding="utf-8"))
    absolute = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    absolute |= {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and not node.level
    }
    assert absolute <= ALLOWED_ABSOLUTE


@pytest.mark.parametrize("module", [m for m in MODULES if m])
def test_every_name_in_a_modules_all_is_defined(module: str) -> None:
    loaded = importlib.import_module(f"{RUNTIME_NAME}.{module}")
    assert all(hasattr(loaded, name) for name in getattr(loaded, "__all__", ()))


@pytest.mark.parametrize(("name", "module"), sorted(client_runtime.PUBLIC_API.items()))
def test_every_public_name_is_defined_in_the_module_it_is_listed_under(name: str, module: str) -> None:
    assert name in importlib.import_module(f"{RUNTIME_NAME}.{module}").__all__
