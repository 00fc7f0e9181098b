"""The synchronous client is derived from the asynchronous one, and the committed copy is that derivation."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator.sync_twins import RENAMES, derive


@pytest.fixture(scope="module")
def derived(runtime_folder: Path) -> dict[Path, str]:
    return derive(runtime_folder)


def committed_twins(runtime_folder: Path) -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for path in sorted((runtime_folder / "_sync").glob("*.py"))
        if path.name != "__init__.py"
    }


def test_every_asynchronous_module_has_a_committed_synchronous_twin(
    derived: dict[Path, str], runtime_folder: Path
) -> None:
    assert sorted(derived) == sorted(committed_twins(runtime_folder)) != []


def test_each_committed_twin_is_exactly_what_derive_gives(derived: dict[Path, str], runtime_folder: Path) -> None:
    stale = [path.name for path, text in committed_twins(runtime_folder).items() if derived.get(path) != text]
    assert stale == [], f"stale: {stale}; run `python -m generator.sync_twins`"


def test_the_synchronous_client_neither_awaits_nor_names_an_asynchronous_twin(derived: dict[Path, str]) -> None:
    nodes = [node for text in derived.values() for node in ast.walk(ast.parse(text))]
    asynchronous = (ast.AsyncFunctionDef, ast.AsyncWith, ast.AsyncFor, ast.Await)
    names = {node.id for node in nodes if isinstance(node, ast.Name)}
    names |= {node.attr for node in nodes if isinstance(node, ast.Attribute)}
    names |= {node.name for node in nodes if isinstance(node, ast.alias)}
    assert not [node for node in nodes if isinstance(node, asynchronous)]
    assert not names & (set(RENAMES) | {"__aenter__", "__aexit__"})
