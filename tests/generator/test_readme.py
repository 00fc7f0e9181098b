"""The README's module table is the tree: every module of the generator is there, nothing more."""

from __future__ import annotations

import re

from generator.config import PROJECT_ROOT

GENERATOR = PROJECT_ROOT / "generator"


def module_table() -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("| module | job |")
    rows = text[start:].split("\n\n", 1)[0].splitlines()[2:]
    return rows


def test_every_generator_module_is_in_the_readme_table_and_every_named_one_exists() -> None:
    named: set[str] = set()
    for cell in module_table():
        paths = [p for p in re.findall(r"`([^`]+)`", cell) if p.endswith((".py", "/"))]
        folder = next((p for p in paths if p.endswith("/")), None)
        for path in paths:
            if path.endswith("/"):
                continue
            named.add(path if path.startswith("generator/") else f"{folder or 'generator/'}{path}")
    actual = {p.relative_to(PROJECT_ROOT).as_posix() for p in GENERATOR.rglob("*.py") if "__pycache__" not in p.parts}
    assert sorted(actual - named) == [], "modules missing from the README's table"
    assert sorted(named - actual) == [], "the README's table names modules that do not exist"


def test_no_generator_module_is_over_400_lines() -> None:
    long = {p.name: n for p in GENERATOR.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
