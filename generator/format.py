"""Format generated Python with black, in-process, with one pinned configuration."""

from __future__ import annotations

import ast

import black
from black.mode import Mode, TargetVersion
from black.parsing import InvalidInput

from generator.problems import GeneratorError
from generator.render import RenderedFile

# Pinned here (and black's exact version in pyproject.toml) so output is the same everywhere.
BLACK_MODE = Mode(
    target_versions={TargetVersion.PY310},
    line_length=100,
    string_normalization=True,
    magic_trailing_comma=True,
)


class GeneratedCodeError(GeneratorError):
    """A template produced Python that does not parse: a template bug, reported with the file."""


def format_file(rendered: RenderedFile) -> RenderedFile:
    """`rendered` with Python formatted by black; other files unchanged."""
    if not rendered.path.endswith(".py"):
        return rendered
    try:
        ast.parse(rendered.content, filename=rendered.path)
        content = black.format_str(rendered.content, mode=BLACK_MODE)
    except SyntaxError as exc:
        raise GeneratedCodeError(f"{rendered.path}:{exc.lineno}: generated code does not parse: {exc.msg}") from None
    except InvalidInput as exc:
        raise GeneratedCodeError(f"{rendered.path}: black cannot format the generated code: {exc}") from None
    return RenderedFile(rendered.path, content)
