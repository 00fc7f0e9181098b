"""Templates print only values made safe for their place, and the runtime is plain Python."""

from __future__ import annotations

import re
from pathlib import Path

import black
import pytest

from generator.config import Config, Target
from generator.format import black_mode
from generator.model.ir import Api
from generator.pipeline import generate, load_api
from generator.render import TemplateError, render_target
from generator.runtime_facts import runtime_facts
from generator.views.python import python_view
from tests.support import SPEC_DIR

JINJA = re.compile(r"\{\{|\{%|\{#")


@pytest.fixture(scope="module")
def api(config: Config) -> Api:
    return load_api(SPEC_DIR, config)


def render_one(tmp_path: Path, api: Api, config: Config, name: str, text: str) -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    view = python_view(api, config, runtime_facts(config.runtime))
    files = list(render_target(view, Target("t", tmp_path, "out", "python")))
    return files[0].content


def test_a_safe_value_prints_in_its_place(tmp_path: Path, api: Api, config: Config) -> None:
    assert "bitrix24_rest" in render_one(tmp_path, api, config, "a.py.j2", "x = '{{ api.package }}'\n")


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("a.py.j2", "# fine\nx = '{{ api.package | upper }}'\n", 2),  # a filter's plain str
        ("b.py.j2", "{{ api.operations[0].summary_cell }}\n", 1),  # Markdown in code
        ("c.md.j2", "\n\n{{ api.version_literal }}\n", 3),  # a Python literal in Markdown
        ("d.py.j2", "{{ 'a' ~ api.package }}\n", 1),  # a string built in the template
    ],
)
def test_a_value_not_made_safe_for_the_file_fails_the_run_naming_the_template_and_line(
    tmp_path: Path, api: Api, config: Config, name: str, text: str, line: int
) -> None:
    with pytest.raises(TemplateError) as raised:
        render_one(tmp_path, api, config, name, text)
    assert f"templates/{name}:{line}:" in str(raised.value)


def test_no_runtime_source_holds_template_syntax(config: Config) -> None:
    sources = sorted(config.runtime.rglob("*.py"))
    assert len(sources) > 10
    offenders = [p.name for p in sources if JINJA.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_black_leaves_every_generated_python_file_unchanged(config: Config) -> None:
    files = [f for f in generate(SPEC_DIR, config) if f.path.endswith(".py")]
    assert any(f.verbatim for f in files) and any(not f.verbatim for f in files)
    changed = [f.path for f in files if black.format_str(f.content, mode=black_mode()) != f.content]
    assert changed == []
