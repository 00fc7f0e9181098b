"""Texts made safe for one kind of place, as distinct types: all a template may print.

The views (`generator.views`) wrap every value they give a template in one of these. A template's
`finalize` (`finalizer`) lets through only the types made for the kind of file being rendered, so
a plain `str` (an unescaped spec text, or a value a template computed itself) fails the run at
the template, naming it, instead of breaking a user's package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any, ClassVar

import jinja2.filters


class SafeText(str):
    """A text that may be printed into the files whose suffix is in `PLACES`."""

    PLACES: ClassVar[frozenset[str]] = frozenset()

    __slots__ = ()


class Identifier(SafeText):
    """A Python identifier or dotted name (a method name too): safe anywhere."""

    PLACES = frozenset({".py", ".md", ".toml", ".json"})
    _SHAPE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_0-9]+)*$")

    def __new__(cls, value: str) -> Identifier:
        if not cls._SHAPE.match(value):
            raise ValueError(f"not an identifier: {value!r}")
        return super().__new__(cls, value)


class PyLiteral(SafeText):
    """A Python literal (`repr` of data)."""

    PLACES = frozenset({".py"})

    @classmethod
    def of(cls, value: Any) -> PyLiteral:
        """The literal of `value` (str, number, bool, None, and tuples, lists and dicts of them)."""
        return cls(repr(value))


class PyCode(SafeText):
    """Python source the views composed from identifiers and literals (an annotation, an import)."""

    PLACES = frozenset({".py"})


class DocText(SafeText):
    """Text for the inside of a triple-quoted docstring."""

    PLACES = frozenset({".py"})


class TomlText(SafeText):
    """Text for the inside of a TOML basic string (the configuration's checked values)."""

    PLACES = frozenset({".toml"})


class MdText(SafeText):
    """Markdown prose: paragraphs, with raw HTML and code fences neutralised."""

    PLACES = frozenset({".md"})


class MdCell(SafeText):
    """Text for one Markdown table cell: one line, pipes escaped."""

    PLACES = frozenset({".md"})


class MdBlock(SafeText):
    """A whole fenced code block, its fence longer than any run of backticks inside it."""

    PLACES = frozenset({".md"})

    @classmethod
    def fenced(cls, code: str, language: str) -> MdBlock:
        """`code` in a fence that nothing inside it can close."""
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)
        return cls(f"{fence}{language}\n{code.rstrip(chr(10))}\n{fence}")


class JsonText(SafeText):
    """A JSON document."""

    PLACES = frozenset({".json"})


class UnsafeValueError(Exception):
    """A template printed a value not made safe for the file it renders."""


def finalizer(output_path: str) -> Callable[[Any], Any]:
    """Jinja's `finalize` for a template that renders `output_path`."""
    suffix = PurePosixPath(output_path).suffix

    def finalize(value: Any) -> Any:
        if isinstance(value, SafeText):
            if suffix in value.PLACES:
                return value
            raise UnsafeValueError(f"a {type(value).__name__} may not be printed into a '{suffix}' file")
        numbers = isinstance(value, int) and not isinstance(value, bool) and suffix in (".py", ".md")
        if numbers or (isinstance(value, bool) and suffix == ".py"):  # True/False in code
            return value
        raise UnsafeValueError(f"{type(value).__name__} {str(value)[:40]!r} is not made safe for a '{suffix}' file")

    return finalize


def indent(value: SafeText, width: int = 4, first: bool = False, blank: bool = False) -> SafeText:
    """Jinja's `indent`, keeping the safe type (indenting changes no character's meaning)."""
    if not isinstance(value, SafeText):
        raise UnsafeValueError(f"indent of a plain {type(value).__name__}: {str(value)[:40]!r}")
    return type(value)(jinja2.filters.do_indent(value, width, first, blank))
