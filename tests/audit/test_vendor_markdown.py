"""The vendor's Markdown dialect: tables, cells over several lines, code, skipped blocks, includes."""

from __future__ import annotations

from pathlib import Path

from generator.audit.markdown import Heading, Table, read_page
from generator.audit.vendor_types import parse_vendor_type
from tests.audit.samples import write


def tables_of(path: Path) -> list[Table]:
    page, problems = read_page(path)
    assert page is not None, problems
    return [b for b in page.blocks if isinstance(b, Table)]


def cell_texts(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_a_cell_spans_lines_and_blank_lines_and_its_row_starts_at_the_opening_bars(tmp_path: Path) -> None:
    page = write(
        tmp_path / "p.md",
        """
        #|
        || **Name**
        `type` | **Description** ||
        || **PARAMS**
        [`object`](../../data-types.md) | Selection parameters

        over two paragraphs
        ||

        || **LIMIT** | Items per page ||
        |#
        """,
    )
    (table,) = tables_of(page)
    assert cell_texts(table) == [
        ["**Name**\n`type`", "**Description**"],
        ["**PARAMS**\n[`object`](../../data-types.md)", "Selection parameters\n\nover two paragraphs"],
        ["**LIMIT**", "Items per page"],
    ]
    assert [row.where.line for row in table.rows] == [2, 4, 10]
    assert table.rows[1].cells[1].where.line == 5


def test_a_bar_inside_a_code_span_or_escaped_does_not_split_a_cell(tmp_path: Path) -> None:
    page = write(
        tmp_path / "p.md",
        """
        #|
        || **Notation** | **Meaning** ||
        || ```type1 | type2``` | one of the types, or `a || b` \\| escaped ||
        || `unclosed | tick | last ||
        |#
        """,
    )
    (table,) = tables_of(page)
    assert cell_texts(table)[1] == ["```type1 | type2```", "one of the types, or `a || b` \\| escaped"]
    assert cell_texts(table)[2] == ["`unclosed", "tick", "last"]


def test_tables_in_code_fences_notes_conditions_and_tabs_are_not_tables(tmp_path: Path) -> None:
    page = write(
        tmp_path / "p.md",
        """
        ```md
        #|
        || a | b ||
        |#
        ```
        {% note info "" %}
        #|
        || in a note | b ||
        |#
        {% endnote %}
        {% if build == 'dev' %}
        ## Hidden heading
        {% endif %}
        {% list tabs %}
        - JS
            #|
            || in a tab | b ||
            |#
        {% endlist %}
        #|
        || kept | b ||
        |#
        """,
    )
    page_text, problems = read_page(page)
    assert page_text is not None, problems
    assert [cell_texts(b) for b in page_text.blocks if isinstance(b, Table)] == [[["kept", "b"]]]
    assert not [b for b in page_text.blocks if isinstance(b, Heading)]


def test_an_include_is_read_relative_to_the_page_and_its_lines_name_the_included_file(tmp_path: Path) -> None:
    write(tmp_path / "_includes" / "errors.md", "intro\n\n#|\n|| **Status** | **Code** ||\n|| `500` | `X` ||\n|#\n")
    page = write(
        tmp_path / "api" / "group" / "p.md",
        """
        # Title a.b
        {% include [errors](../../_includes/errors.md) %}
        {% include [not copied](../../_includes/examples.md) %}
        """,
    )
    page_text, problems = read_page(page)
    assert page_text is not None, problems
    (table,) = [b for b in page_text.blocks if isinstance(b, Table)]
    assert table.rows[1].where.file.endswith("_includes/errors.md")
    assert table.rows[1].where.line == 5
    assert [m.target.name for m in page_text.missing_includes] == ["examples.md"]


def test_a_broken_table_is_one_problem_at_its_line(tmp_path: Path) -> None:
    unclosed_table = write(tmp_path / "a.md", "text\n#|\n|| a | b ||\n")
    unclosed_row = write(tmp_path / "b.md", "#|\n|| a | b ||\n|| c | d\n|#\n")
    stray_text = write(tmp_path / "c.md", "#|\n|| a | b ||\nstray\n|#\n")
    unclosed_fence = write(tmp_path / "d.md", "# T\n\n```json\n{}\n")
    messages = {}
    for path in (unclosed_table, unclosed_row, stray_text, unclosed_fence):
        page, problems = read_page(path)
        assert page is None
        (problem,) = problems
        messages[path.name] = (problem.line, problem.message)
    assert messages == {
        "a.md": (2, "broken table: the table opened here (#|) is never closed (|#)"),
        "b.md": (3, "broken table: the row opened here is never closed (||)"),
        "c.md": (3, "broken table: text outside a row (|| ... ||)"),
        "d.md": (3, "the code fence opened here is never closed"),
    }


def test_vendor_types_are_read_from_links_code_unions_and_arrays() -> None:
    assert parse_vendor_type("[`integer`](../../data-types.md)").alternatives == ("integer",)
    assert parse_vendor_type("`string`").alternatives == ("string",)
    assert parse_vendor_type("```string | null```").alternatives == ("string", "null")
    listed = parse_vendor_type("`integer[]`")
    assert (listed.alternatives, listed.items) == (("array",), ("integer",))
    objects = parse_vendor_type("[`array`](../../data-types.md) of [`object`](../../data-types.md)")
    assert (objects.alternatives, objects.items) == (("array",), ("object",))
    assert parse_vendor_type("`boolean`").allowed() == {"boolean", "yn"}
    assert parse_vendor_type("`datetime`").allowed() == {"string"}
    assert parse_vendor_type("`any`").allowed() == frozenset()
    assert parse_vendor_type("`widget`").unknown() == ("widget",)
