"""The vendor's Markdown dialect as headings, text lines and tables, each with its file and line.

The vendor's pages (Yandex Flavored Markdown) write tables as `#| ... |#` with rows `|| a | b ||`
whose cells may span lines, and pull shared pieces in with `{% include [..](path) %}`. Includes
are expanded in place (relative to the file that includes them, so each line keeps the file it
came from); code fences and `{% note %}`, `{% if %}`, `{% list %}`, `{% cut %}` blocks are dropped,
so a table inside a code example is not a table.
"""

from __future__ import annotations

import os
import re
import stat
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from generator.problems import Problem
from generator.spec_files import display_path

MAX_PAGE_BYTES = 4 * 1024 * 1024
"""The longest vendor page is about 60 kB."""
MAX_INCLUDE_DEPTH = 8

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}")
_INCLUDE_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_SKIPPED_BLOCKS = frozenset({"note", "if", "list", "cut"})
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{#([\w-]+)\})?\s*$")


class Where(NamedTuple):
    """A place in a file: how to name the file to a person, and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Heading:
    """`## Text {#anchor}`."""

    level: int
    text: str
    anchor: str
    where: Where


@dataclass(frozen=True)
class TextLine:
    """A line of running text (not a heading, not inside a table)."""

    text: str
    where: Where


@dataclass(frozen=True)
class Cell:
    """One table cell, its text stripped; `where` is the line its text starts on."""

    text: str
    where: Where


@dataclass(frozen=True)
class Row:
    """One `|| ... ||` row; `where` is the line of its opening `||`."""

    cells: tuple[Cell, ...]
    where: Where


@dataclass(frozen=True)
class Table:
    """One `#| ... |#` table; the first row is its header."""

    rows: tuple[Row, ...]
    where: Where


Block = Heading | TextLine | Table


@dataclass(frozen=True)
class MissingInclude:
    """An `{% include %}` whose file is not on disk (the vendor's copies leave some out)."""

    target: Path
    where: Where


@dataclass(frozen=True)
class PageText:
    """A page read in the vendor's dialect."""

    blocks: tuple[Block, ...]
    missing_includes: tuple[MissingInclude, ...]


class _Line(NamedTuple):
    text: str
    where: Where


def read_page(path: Path) -> tuple[PageText | None, list[Problem]]:
    """Read a vendor page, its includes expanded, into blocks; or the problems that prevent it."""
    lines: list[_Line] = []
    missing: list[MissingInclude] = []
    problems = _expand(path, lines, missing, (), None)
    if problems:
        return None, problems
    blocks, problems = _blocks(lines)
    if problems:
        return None, problems
    return PageText(tuple(blocks), tuple(missing)), []


def read_text_file(path: Path, what: str = "page") -> tuple[str | None, Problem | None]:
    """The text of a page (or another file, `what`), or why it cannot be read.

    Only regular files are opened: a fifo would block.
    """
    display = display_path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, Problem(display, 1, f"cannot read the {what}: not a regular file")
        if info.st_size > MAX_PAGE_BYTES:
            return None, Problem(display, 1, f"the {what} has {info.st_size:,} bytes, more than {MAX_PAGE_BYTES:,}")
        raw = path.read_bytes()
    except OSError as exc:
        return None, Problem(display, 1, f"cannot read the {what}: {exc.strerror or exc}")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(display, line, f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded")


def _expand(
    path: Path, out: list[_Line], missing: list[MissingInclude], chain: tuple[Path, ...], included_at: Where | None
) -> list[Problem]:
    """Append the lines of `path` that are page text to `out`, with includes expanded."""
    text, problem = read_text_file(path)
    if problem is not None:
        if included_at is not None:
            return [Problem(included_at.file, included_at.line, f"cannot read the included file: {problem.message}")]
        return [problem]
    assert text is not None
    display = display_path(path)
    fence: tuple[str, Where] | None = None
    blocks: list[tuple[str, Where]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = Where(display, number)
        mark = _FENCE.match(line)
        if fence is not None:
            if mark and mark.group(1)[0] == fence[0][0] and len(mark.group(1)) >= len(fence[0]):
                fence = None
            continue
        if mark:
            fence = (mark.group(1), where)
            continue
        tags = list(_TAG.finditer(line))
        if tags:
            problems = _follow_tags(tags, line, path, where, blocks, out, missing, chain)
            if problems:
                return problems
            continue
        if not blocks:
            out.append(_Line(line, where))
    if fence is not None:
        return [Problem(display, fence[1].line, "the code fence opened here is never closed")]
    if blocks:
        name, where = blocks[-1]
        return [Problem(display, where.line, f"the {{% {name} %}} block opened here is never closed")]
    return []


def _follow_tags(
    tags: list[re.Match[str]],
    line: str,
    path: Path,
    where: Where,
    blocks: list[tuple[str, Where]],
    out: list[_Line],
    missing: list[MissingInclude],
    chain: tuple[Path, ...],
) -> list[Problem]:
    """Open or close skipped blocks, or expand an include; a line holding a tag is not page text."""
    for tag in tags:
        name = tag.group(1)
        if name in _SKIPPED_BLOCKS:
            blocks.append((name, where))
        elif name.startswith("end") and name[3:] in _SKIPPED_BLOCKS:
            if not blocks or blocks[-1][0] != name[3:]:
                return [Problem(where.file, where.line, f"{{% {name} %}} closes no open {{% {name[3:]} %}} block")]
            blocks.pop()
        elif name == "include" and not blocks:
            link = _INCLUDE_LINK.search(tag.group(2))
            if link is None:
                return [Problem(where.file, where.line, f"cannot read the include: {line.strip()}")]
            # normalised, not resolved: the included file is then named the way the page was
            target = Path(os.path.normpath(path.parent / link.group(1)))
            if target.resolve() in chain or len(chain) >= MAX_INCLUDE_DEPTH:
                return [Problem(where.file, where.line, f"the include of {link.group(1)} is circular or too deep")]
            if not target.is_file():
                missing.append(MissingInclude(target, where))
                continue
            problems = _expand(target, out, missing, (*chain, path.resolve()), where)
            if problems:
                return problems
    return []


def _blocks(lines: list[_Line]) -> tuple[list[Block], list[Problem]]:
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        text, where = lines[index]
        stripped = text.strip()
        if stripped.startswith("#|"):
            end = next((j for j in range(index + 1, len(lines)) if lines[j].text.strip().startswith("|#")), None)
            if end is None:
                return [], [
                    Problem(where.file, where.line, "broken table: the table opened here (#|) is never closed (|#)")
                ]
            table, problems = _table([_Line(stripped[2:], where), *lines[index + 1 : end]], where)
            if problems:
                return [], problems
            blocks.append(table)
            index = end + 1
            continue
        heading = _HEADING.match(text)
        if heading:
            blocks.append(Heading(len(heading.group(1)), heading.group(2), heading.group(3) or "", where))
        elif stripped:
            blocks.append(TextLine(stripped, where))
        index += 1
    return blocks, []


def _table(lines: list[_Line], where: Where) -> tuple[Table, list[Problem]]:
    """The rows of a table's body: `||` opens a row, `|` separates cells, `||` closes the row.

    The body is scanned as one text, so that cells span lines; `|` inside a code span or escaped
    as `\\|` is text.
    """
    body = "\n".join(line.text for line in lines)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line.text) + 1)

    def place(offset: int) -> Where:
        return lines[bisect_right(starts, offset) - 1].where

    rows: list[Row] = []
    pos = 0
    while True:
        while pos < len(body) and body[pos].isspace():
            pos += 1
        if pos >= len(body):
            break
        at = place(pos)
        if not body.startswith("||", pos):
            return Table((), where), [Problem(at.file, at.line, "broken table: text outside a row (|| ... ||)")]
        row_start, cells, pos = pos, [], pos + 2
        cell_start, closed = pos, False
        while pos < len(body):
            char = body[pos]
            if char == "\\":
                pos += 2
            elif char == "`":
                pos = _after_code_span(body, pos)
            elif char == "|":
                cells.append(_cell(body, cell_start, pos, place))
                if body.startswith("||", pos):
                    pos += 2
                    closed = True
                    break
                pos += 1
                cell_start = pos
            else:
                pos += 1
        if not closed:
            return Table((), where), [
                Problem(at.file, at.line, "broken table: the row opened here is never closed (||)")
            ]
        rows.append(Row(tuple(cells), place(row_start)))
    return Table(tuple(rows), where), []


def _cell(body: str, start: int, end: int, place: Callable[[int], Where]) -> Cell:
    raw = body[start:end]
    lead = len(raw) - len(raw.lstrip())
    return Cell(raw.strip(), place(start + lead if raw.strip() else start))


def _after_code_span(body: str, pos: int) -> int:
    """The offset after the code span opening at `pos`, or after the backticks if nothing closes them.

    A span closes at a run of as many backticks, before the paragraph ends (a blank line).
    """
    run = len(body) - len(body[pos:].lstrip("`")) - pos
    ticks = "`" * run
    search = pos + run
    paragraph_end = body.find("\n\n", search)
    limit = len(body) if paragraph_end < 0 else paragraph_end
    while True:
        found = body.find(ticks, search, limit)
        if found < 0:
            return pos + run
        after = found + run
        if after >= len(body) or body[after] != "`":
            return after
        search = after  # a longer run of backticks does not close the span; look past it
        while search < len(body) and body[search] == "`":
            search += 1
