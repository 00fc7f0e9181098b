"""Formatting: ruff writes, black judges; where they differ, the output is black's."""

from __future__ import annotations

import black

from generator.format import black_mode, format_files, format_python
from generator.render import RenderedFile

LONG_ANNOTATION = (
    "def f(\n    *,\n    field: Sequence[AVeryLongRecordNameForTheRequestItemOfThisMethod | Mapping[str, Any]]"
    " | None = None,\n    timeout: float | None = None,\n) -> None:\n    pass\n"
)


def test_an_annotation_too_long_for_its_line_is_formatted_as_black_formats_it() -> None:
    formatted = format_python("m.py", LONG_ANNOTATION)

    assert formatted == black.format_str(formatted, mode=black_mode())
    assert "field: (\n" in formatted


def test_every_file_of_a_run_is_left_unchanged_by_black() -> None:
    files = [RenderedFile("a.py", LONG_ANNOTATION), RenderedFile("b.py", "x = {  'a':1 }\n")]

    for rendered in format_files(files):
        assert rendered.content == black.format_str(rendered.content, mode=black_mode())
