"""The differences a maintainer has accepted as deliberate, read from `audit-accepted.toml`.

The file has one table per method (`"*"`: every method); each key is a difference's key as the
audit prints it, its value the reason (the point of spec/README.md that explains it):

    ["imconnector.unregister"]
    "field-type result" = "The page's table types result as boolean; its examples show an object."

TOML, not YAML, because every `*.yaml` in spec/ is read as an OpenAPI document. An acceptance
that no longer matches a difference is reported, so the file cannot silently outgrow the spec.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from generator.audit.compare import Difference
from generator.audit.markdown import Where, read_text_file
from generator.problems import Problem
from generator.spec_files import display_path

EVERY_METHOD = "*"
FILE_NAME = "audit-accepted.toml"
_TABLE = re.compile(r'^\s*\[\s*"?([^"\]]+)"?\s*\]')
_KEY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*=')


@dataclass(frozen=True)
class Acceptance:
    """One accepted difference: the method (or `*`), the difference's key, and why it is deliberate."""

    method: str
    key: str
    reason: str
    where: Where


@dataclass(frozen=True)
class Verdict:
    """The audit's differences sorted out by the acceptances."""

    open: tuple[Difference, ...]
    accepted: tuple[tuple[Difference, Acceptance], ...]
    stale: tuple[Difference, ...]


def load_acceptances(path: Path) -> tuple[list[Acceptance], list[Problem]]:
    """The acceptances in `path`, or the problems that make the file unusable."""
    text, problem = read_text_file(path, "accepted-differences file")
    if text is None:
        return [], [problem] if problem else []
    display = display_path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
        return [], [Problem(display, line, f"not TOML: {exc}")]
    lines = _key_lines(text)
    acceptances: list[Acceptance] = []
    problems: list[Problem] = []
    for method, table in data.items():
        if not isinstance(table, dict):
            problems.append(Problem(display, 1, f"'{method}' must be a table of difference = reason"))
            continue
        for key, reason in table.items():
            where = Where(display, lines.get((method, key), 1))
            if not isinstance(reason, str) or not reason.strip():
                problems.append(Problem(where.file, where.line, f"the reason for '{key}' must be a non-empty string"))
                continue
            acceptances.append(Acceptance(method, key, reason.strip(), where))
    return acceptances, problems


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """The line of each `"key" = ...` under its `["method"]` header (tomllib keeps no lines)."""
    lines: dict[tuple[str, str], int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _TABLE.match(line):
            table = header.group(1).strip()
        elif key := _KEY.match(line):
            lines.setdefault((table, key.group(1).replace('\\"', '"')), number)
    return lines


def judge(
    differences: list[Difference], acceptances: list[Acceptance], methods: frozenset[str], *, whole_spec: bool
) -> Verdict:
    """Sort `differences` into open and accepted.

    An acceptance for one of the audited `methods` that matched nothing is stale (a `*` one: when
    it matched no method); with `whole_spec`, so is one naming a method the spec does not have.
    """
    open_: list[Difference] = []
    accepted: list[tuple[Difference, Acceptance]] = []
    used: set[Acceptance] = set()
    for difference in differences:
        match = next(
            (a for a in acceptances if a.key == difference.key and a.method in (difference.method, EVERY_METHOD)),
            None,
        )
        if match is None:
            open_.append(difference)
        else:
            used.add(match)
            accepted.append((difference, match))
    stale = []
    for a in acceptances:
        if a in used:
            continue
        if a.method in methods or a.method == EVERY_METHOD:
            stale.append(Difference(a.method, "stale-acceptance", a.where, f"'{a.key}' no longer occurs; remove it"))
        elif whole_spec:
            stale.append(Difference(a.method, "stale-acceptance", a.where, "the spec has no such method; remove it"))
    return Verdict(tuple(open_), tuple(accepted), tuple(stale))
