"""YAML text into JSON-like data, within bounds, with the line of every JSON pointer on demand.

libyaml's C parser composes the node tree; the data is built from it in Python. Hostile input
is stopped with one located problem before it costs much: nesting over `MAX_DEPTH` levels,
more than `MAX_NODES` values, aliases adding over `MAX_ALIAS_VALUES` (an alias bomb). A large
or deeply structured text is first measured from libyaml's event stream, which needs no
recursion: composing a tree 50,000 levels deep would overflow the C stack.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from generator.pointers import escape_pointer_token
from generator.problems import Problem

try:  # libyaml makes parsing several times faster; fall back where it is not compiled in
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

MAX_DEPTH = 100
"""Levels of YAML nesting; a schema nested 32 levels deep needs about 70."""
MAX_NODES = 2_000_000
"""Values in one file; the vendor's whole API in one bundle has about a million."""
MAX_ALIAS_VALUES = 100_000
"""Values that YAML aliases (`*name`) may add to a file; an alias bomb adds billions."""
MEASURE_FROM = 20_000
"""Structure marks (brackets, dashes, colons, commas) from which a text is measured before composing."""
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def compose(text: str, display: str) -> tuple[yaml.Node | None, Problem | None]:
    """The node tree of `text`, or the one problem that prevents composing it."""
    if sum(text.count(mark) for mark in "[{-:,?") >= MEASURE_FROM:
        problem = _measure(text, display)
        if problem is not None:
            return None, problem
    try:
        return yaml.compose(text, Loader=Loader), None
    except yaml.MarkedYAMLError as exc:
        return None, _yaml_problem(display, exc)
    except yaml.YAMLError as exc:
        return None, Problem(display, 1, f"YAML error: {' '.join(str(exc).split())}")


def _measure(text: str, display: str) -> Problem | None:
    """A problem if `text` nests too deeply or holds too many values; syntax is left to `compose`."""
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, _STARTS):
                depth += 1
                nodes += 1
                if depth > MAX_DEPTH:
                    return Problem(display, _line(event), f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, _ENDS):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent):
                nodes += 1
            if nodes > MAX_NODES:
                return Problem(display, _line(event), f"the file holds more than {MAX_NODES:,} values")
    except yaml.YAMLError:
        return None
    return None


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 1


def _yaml_problem(display: str, exc: yaml.MarkedYAMLError) -> Problem:
    """One line for a YAML syntax error, at the line where the mistake most likely is.

    For an unclosed [ or { the parser notices only lines later; the line that opened it is the
    one to fix, so that line is reported (and the other mentioned).
    """
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    what = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
    opened = exc.context_mark
    if opened is not None and "flow" in str(exc.context or "") and opened.line + 1 != line:
        what += f" (the bracket opened at line {opened.line + 1} is not closed; noticed at line {line})"
        line = opened.line + 1
    return Problem(display, line, f"YAML syntax error: {what}")


class _TooBig(Exception):
    """Raised inside `_DataBuilder` to stop building a file that breaks a size bound."""


class DataBuilder:
    """Turns a composed YAML node tree into JSON-like data.

    With `record`, it also notes each JSON pointer's line; without, it builds no pointers at all
    (the fast path for files without problems) and marks problems at the file's root.
    Nesting deeper than `MAX_DEPTH` and aliases that expand past `MAX_ALIAS_VALUES` stop the
    build with one problem at the node where the bound was crossed.
    """

    def __init__(self, display: str, *, record: bool = True) -> None:
        self.display = display
        self.record = record
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        self._constructor = yaml.constructor.SafeConstructor()
        self._active: set[int] = set()
        self._built: set[int] = set()
        self._in_alias = 0
        self._alias_values = 0
        self.stopped = False
        """True once a size bound stopped the build (the data is then None)."""

    def build(self, node: yaml.Node, pointer: str) -> Any:
        """The data of `node`, found at `pointer` (None, with a problem, past a size bound)."""
        try:
            return self._build(node, pointer, 0)
        except _TooBig:
            self.stopped = True
            return None

    def _build(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        if self.record:
            self.lines[pointer] = node.start_mark.line + 1
        if self._in_alias:
            self._alias_values += 1
            if self._alias_values > MAX_ALIAS_VALUES:
                self._stop(
                    node, pointer, f"YAML aliases expand to more than {MAX_ALIAS_VALUES:,} values (an alias bomb?)"
                )
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, pointer)
        if depth >= MAX_DEPTH:
            self._stop(node, pointer, f"nested more than {MAX_DEPTH} levels deep")
        key = id(node)
        if key in self._active:  # a YAML alias that contains itself
            self.problems.append(Problem(self.display, node.start_mark.line + 1, "recursive YAML alias", pointer))
            return None
        alias = key in self._built  # the same node again: an alias of an anchor built before
        self._built.add(key)
        self._active.add(key)
        self._in_alias += alias
        try:
            if isinstance(node, yaml.SequenceNode):
                if not self.record:
                    return [self._build(item, "", depth + 1) for item in node.value]
                return [self._build(item, f"{pointer}/{i}", depth + 1) for i, item in enumerate(node.value)]
            assert isinstance(node, yaml.MappingNode)
            return dict(self._pairs(node, pointer, depth))
        finally:
            self._active.discard(key)
            self._in_alias -= alias

    def _stop(self, node: yaml.Node, pointer: str, message: str) -> None:
        self.problems.append(Problem(self.display, node.start_mark.line + 1, message, pointer or None))
        raise _TooBig

    def _pairs(self, node: yaml.MappingNode, pointer: str, depth: int) -> Iterator[tuple[str, Any]]:
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(self.display, line, "a mapping key must be a plain value", pointer))
                continue
            key = str(key_node.value)
            if key == "<<":
                self.problems.append(Problem(self.display, line, "YAML merge keys ('<<') are not supported", pointer))
                continue
            child = f"{pointer}/{escape_pointer_token(key)}" if self.record else ""
            if key in seen:
                self.problems.append(
                    Problem(self.display, line, f"duplicate key '{key}' (first at line {seen[key]})", child)
                )
                continue
            seen[key] = line
            value = self._build(value_node, child, depth + 1)
            if self.record:
                self.lines[child] = line
            yield key, value

    def _scalar(self, node: yaml.ScalarNode, pointer: str) -> Any:
        try:
            value = self._constructor.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            return self._bad_value(node, pointer, str(exc.problem))
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            # libyaml's constructors read dates, numbers and tags with Python's own parsers.
            reason = str(exc).split(";")[0][:80]
            what = f"cannot read {node.value[:40]!r} as {node.tag.rsplit(':', 1)[-1]} ({reason})"
            return self._bad_value(node, pointer, what)
        if not isinstance(value, (str, int, float, bool, type(None))):
            # Timestamps and binary have no JSON form; keep the text the author wrote.
            return str(node.value)
        return value

    def _bad_value(self, node: yaml.ScalarNode, pointer: str, what: str) -> None:
        self.problems.append(Problem(self.display, node.start_mark.line + 1, f"bad YAML value: {what}", pointer))
        return None
