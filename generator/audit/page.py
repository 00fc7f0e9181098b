"""What a vendor page says about its method: arguments, result fields and error codes, each at its line.

The page's sections: `## Method Parameters` (a table of the arguments, then a table per object
argument under its own heading), `## Response Handling` -> `### Returned Data` (the answer's
fields, nested the same way), `## Error Handling` -> `### Possible Error Codes` (Status | Code |
...) plus the included system-error table. A nested table belongs to the row whose description
links to its heading's anchor (`[below](#messages)`), or else to the row named in its heading
(`### MESSAGES Parameter`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from generator.audit.markdown import Block, Heading, PageText, Row, Table, TextLine, Where, read_page, read_text_file
from generator.problems import Problem
from generator.spec_files import display_path

_NAME_CELL = re.compile(r"^\*\*(?P<name>[^*]+?)\*\*(?P<star>\\?\*)?(?P<type>.*)$", re.DOTALL)
_STATUS = re.compile(r"\b([1-5]\d\d)\b")
_CODE_SPAN = re.compile(r"`([^`]*)`")
_ANCHOR_LINK = re.compile(r"\]\(#([\w-]+)\)")
_HEADING_WORDS = frozenset({"parameter", "parameters", "object", "array", "element", "field", "fields", "the"})
_METHOD_NAME = re.compile(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")
SYSTEM_ERRORS_FILE = "system-errors.md"


class ErrorCode(NamedTuple):
    """An error code at an HTTP status (a string, as spec files write statuses), and where it is written."""

    status: str
    code: str
    where: Where


@dataclass(frozen=True)
class PageField:
    """One row of a parameter or result table; `children` is its nested table (None: the page has none)."""

    name: str
    type_text: str
    required: bool
    where: Where
    children: tuple[PageField, ...] | None = None


@dataclass(frozen=True)
class PageMethod:
    """What one vendor page documents.

    `result` is the answer's `result` (its type and fields); when the table of returned data
    lists `result`'s fields directly, `result` has no type of its own (`type_text` empty).
    `envelope` are the answer's other top-level fields (`time`, `next`, `total`).
    """

    name: str
    where: Where
    parameters: tuple[PageField, ...]
    result: PageField
    envelope: tuple[PageField, ...]
    errors: tuple[ErrorCode, ...]


def page_method_name(path: Path) -> tuple[str | None, Problem | None]:
    """The method a page documents: the last word of its first `# ` heading."""
    text, problem = read_text_file(path)
    if text is None:
        return None, problem
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("# "):
            return _name_in_title(line[2:], Where(display_path(path), number))
    return None, Problem(
        display_path(path), 1, "no '# Title method.name' heading: cannot tell which method the page is for"
    )


def _name_in_title(title: str, where: Where) -> tuple[str | None, Problem | None]:
    words = title.strip().split()
    name = words[-1].strip("`*") if words else ""
    if not _METHOD_NAME.match(name):
        return None, Problem(where.file, where.line, f"the title does not end with a method name: {title.strip()!r}")
    return name, None


def read_method_page(path: Path) -> tuple[PageMethod | None, list[Problem]]:
    """Read a method's page into a `PageMethod`, or say what on it cannot be read."""
    page, problems = read_page(path)
    if page is None:
        return None, problems
    title = next((b for b in page.blocks if isinstance(b, Heading) and b.level == 1), None)
    if title is None:
        return None, [Problem(display_path(path), 1, "no '# Title method.name' heading")]
    name, problem = _name_in_title(title.text, title.where)
    if name is None:
        return None, [problem] if problem else []
    sections = _sections(page.blocks)
    problems = []
    parameters = _parameters(sections.get("parameters"), title.where, problems)
    result, envelope = _returned_data(sections.get("response"), title.where, problems)
    errors = _errors(sections.get("errors"), page, title.where, problems)
    if problems:
        return None, problems
    return PageMethod(name, title.where, parameters, result, envelope, errors), []


def _sections(blocks: tuple[Block, ...]) -> dict[str, list[Block]]:
    """The blocks under each `## ` heading the audit reads, the heading first."""
    kinds = {"method parameters": "parameters", "parameters": "parameters", "response handling": "response"}
    sections: dict[str, list[Block]] = {}
    current: list[Block] | None = None
    for block in blocks:
        if isinstance(block, Heading) and block.level <= 2:
            title = block.text.strip().lower()
            kind = kinds.get(title) or ("errors" if title.startswith("error") else None)
            current = sections.setdefault(kind, []) if kind and kind not in sections else None
        if current is not None:
            current.append(block)
    return sections


def _parameters(section: list[Block] | None, title: Where, problems: list[Problem]) -> tuple[PageField, ...]:
    if section is None:
        problems.append(Problem(title.file, title.line, "no '## Method Parameters' section"))
        return ()
    tables = _tables_with_headings(section)
    if not tables:
        if not any(isinstance(b, TextLine) and "no parameters" in b.text.lower() for b in section):
            where = section[0].where
            problems.append(
                Problem(where.file, where.line, "no parameter table (and the section does not say 'No parameters')")
            )
        return ()
    return _field_tree(tables, problems)


def _returned_data(
    section: list[Block] | None, title: Where, problems: list[Problem]
) -> tuple[PageField, tuple[PageField, ...]]:
    """`result`, and the answer's other top-level fields (`time`, `next`, `total`).

    A table with a `result` row describes the envelope; one without lists `result`'s own fields
    (and `time`, which is the envelope's by convention).
    """
    empty = PageField("result", "", False, title)
    if section is None:
        problems.append(Problem(title.file, title.line, "no '## Response Handling' section"))
        return empty, ()
    start = next((i for i, b in enumerate(section) if isinstance(b, Heading) and "returned data" in b.text.lower()), 0)
    tables = _tables_with_headings(section[start:])
    if not tables:
        where = section[start].where
        problems.append(Problem(where.file, where.line, "no table of returned data"))
        return empty, ()
    fields = _field_tree(tables, problems)
    result = next((f for f in fields if f.name == "result"), None)
    if result is not None:
        return result, tuple(f for f in fields if f is not result)
    own = tuple(f for f in fields if f.name != "time")
    return PageField("result", "", False, tables[0].table.where, own), tuple(f for f in fields if f.name == "time")


class _Placed(NamedTuple):
    heading: Heading | None
    table: Table


def _tables_with_headings(section: list[Block]) -> list[_Placed]:
    """Each table with the heading it sits under (None: the section's own text)."""
    placed: list[_Placed] = []
    heading: Heading | None = None
    for block in section[1:] if section and isinstance(section[0], Heading) else section:
        if isinstance(block, Heading):
            heading = block
        elif isinstance(block, Table):
            placed.append(_Placed(heading, block))
    return placed


def _field_tree(tables: list[_Placed], problems: list[Problem]) -> tuple[PageField, ...]:
    """The first table's rows, each with the nested table that describes it (recursively)."""
    rows_of: list[list[tuple[Row, str]]] = []
    # id(row) -> index of the table that describes it; by identity, as two rows may read the same
    children_of: dict[int, int] = {}
    for index, (heading, table) in enumerate(tables):
        rows = _field_rows(table, problems)
        rows_of.append(rows)
        if index == 0:
            continue
        parent = _parent_row(heading, rows_of[:index], children_of)
        if parent is None:
            named = f"'{heading.text}'" if heading else "without a heading"
            problems.append(
                Problem(
                    table.where.file,
                    table.where.line,
                    f"the table under {named} describes no row of the tables above it",
                )
            )
            continue
        children_of[id(parent)] = index

    def build(index: int, seen: frozenset[int]) -> tuple[PageField, ...]:
        fields = []
        for row, _ in rows_of[index]:
            child = children_of.get(id(row))
            nested = build(child, seen | {child}) if child is not None and child not in seen else None
            fields.append(_field(row, nested))
        return tuple(fields)

    return build(0, frozenset({0}))


def _field_rows(table: Table, problems: list[Problem]) -> list[tuple[Row, str]]:
    """The data rows (the header skipped), each with its name; rows whose name cannot be read are problems."""
    rows = []
    for row in table.rows[1:]:
        match = _NAME_CELL.match(row.cells[0].text) if len(row.cells) >= 2 else None
        if match is None:
            problems.append(
                Problem(
                    row.where.file, row.where.line, "cannot read the row: expected '|| **NAME**`type` | description ||'"
                )
            )
            continue
        rows.append((row, match.group("name").strip().strip("`")))
    return rows


def _parent_row(heading: Heading | None, earlier: list[list[tuple[Row, str]]], taken: dict[int, int]) -> Row | None:
    """The row a nested table describes: the one linking to its anchor, else the one its heading names."""
    if heading is None:
        return None
    candidates = [row for rows in earlier for row in rows if id(row[0]) not in taken]
    if heading.anchor:
        for row, _ in candidates:
            description = " ".join(cell.text for cell in row.cells[1:])
            if heading.anchor in _ANCHOR_LINK.findall(description):
                return row
    words = [w.strip("`*").removesuffix("[]") for w in heading.text.split() if w.lower() not in _HEADING_WORDS]
    if len(words) != 1:
        return None
    for fold in (str, str.lower):
        for row, name in reversed(candidates):
            if fold(name) == fold(words[0]):
                return row
    return None


def _field(row: Row, children: tuple[PageField, ...] | None) -> PageField:
    match = _NAME_CELL.match(row.cells[0].text)
    assert match is not None  # rows whose name cell does not match were left out by _field_rows
    return PageField(
        name=match.group("name").strip().strip("`"),
        type_text=match.group("type").strip(),
        required=bool(match.group("star")),
        where=row.where,
        children=children,
    )


def _errors(
    section: list[Block] | None, page: PageText, title: Where, problems: list[Problem]
) -> tuple[ErrorCode, ...]:
    for missing in page.missing_includes:
        if missing.target.name == SYSTEM_ERRORS_FILE:
            problems.append(
                Problem(
                    missing.where.file,
                    missing.where.line,
                    f"the system-error table is included from {display_path(missing.target)}, which does not exist",
                )
            )
    if section is None:
        problems.append(Problem(title.file, title.line, "no '## Error Handling' section"))
        return ()
    codes: list[ErrorCode] = []
    for block in section:
        if isinstance(block, Table) and block.rows:
            codes.extend(_error_rows(block, problems))
    return tuple(codes)


def _error_rows(table: Table, problems: list[Problem]) -> list[ErrorCode]:
    """The rows of a table with a **Status** and a **Code** column; other tables are not error tables."""
    header = [
        cell.text.replace("*", "").splitlines()[0].strip().lower() if cell.text else "" for cell in table.rows[0].cells
    ]
    if "status" not in header or "code" not in header:
        return []
    status_at, code_at = header.index("status"), header.index("code")
    codes = []
    for row in table.rows[1:]:
        if len(row.cells) <= max(status_at, code_at):
            problems.append(Problem(row.where.file, row.where.line, "cannot read the error row: too few cells"))
            continue
        status = _STATUS.search(row.cells[status_at].text)
        code_cell = row.cells[code_at].text
        span = _CODE_SPAN.search(code_cell)
        code = (
            span.group(1).strip() if span else code_cell.replace("*", "").splitlines()[0].strip() if code_cell else ""
        )
        if status is None:
            problems.append(Problem(row.where.file, row.where.line, "cannot read the error row: no HTTP status"))
            continue
        codes.append(ErrorCode(status.group(1), code, row.where))
    return codes
