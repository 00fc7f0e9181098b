"""The client runtime, imported straight from its template folder as the package `client_runtime`.

The runtime is plain Python with relative imports only, so it runs under any package name: here
it is loaded from `[tool.generator] runtime` with no generation step, and test modules import it
at module level (`from client_runtime import model`). Every module is imported once, here, with
bytecode writing off, so that running these tests leaves no `__pycache__` in the template folder.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from generator.config import PROJECT_ROOT, load_config

RUNTIME_NAME = "client_runtime"
"""The private package name the runtime is imported under."""
RUNTIME_FOLDER = load_config(PROJECT_ROOT / "pyproject.toml").runtime
"""The runtime's source folder (its name, `{{api.package}}`, is literal)."""


def load_runtime(name: str, folder: Path) -> ModuleType:
    """Import `folder` as the package `name`, with every module below it; registered in sys.modules."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None, f"cannot load the runtime from {folder}"
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    writes_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        spec.loader.exec_module(package)
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts:
                importlib.import_module(".".join((name, *parts)))
    except BaseException:
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]
        raise
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return package


RUNTIME = load_runtime(RUNTIME_NAME, RUNTIME_FOLDER)


@pytest.fixture(scope="session")
def runtime_folder() -> Path:
    """The runtime's source folder."""
    return RUNTIME_FOLDER


@pytest.fixture
def isolated_secrets() -> Iterator[None]:
    """Put the runtime's secret registry back as it was after the test, however the test filled it."""
    from client_runtime import secrets

    saved, held = list(secrets._secrets), dict(secrets._held)
    try:
        yield
    finally:
        with secrets._lock:
            secrets._secrets.clear()
            secrets._secrets.extend(saved)
            secrets._remembered.clear()
            secrets._remembered.update(saved)
            secrets._held.clear()
            secrets._held.update(held)
            secrets._by_prefix = None
