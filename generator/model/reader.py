"""Reading a loaded spec while collecting problems: the one piece of state the model builders share."""

from __future__ import annotations

from typing import Any

from generator.loader import SpecSet
from generator.pointers import unescape_pointer_token
from generator.problems import Problem
from generator.refs import Location, RefError, RefResolver

SHARED_MARK = "x-bitrix24-shared"
"""Marks a component of a bundle that came from a file of shared components."""


class SpecReader:
    """Follows `$ref`s over one spec and keeps every problem found, each at its file and line.

    Problems are collected, not raised, so that one run reports all of them.
    """

    def __init__(self, spec: SpecSet) -> None:
        self.spec = spec
        self.resolver = RefResolver(spec)
        self.problems: list[Problem] = []
        self._entries = frozenset(spec.entries)

    def problem(self, location: Location, message: str) -> None:
        """Record a problem at `location`."""
        doc = self.spec.documents[location.path]
        self.problems.append(Problem(doc.display, doc.line_of(location.pointer), message, location.pointer))

    def resolve(self, location: Location, value: Any) -> tuple[Location, Any]:
        """Follow `$ref`s from `value`; a broken one becomes a problem and an empty value."""
        try:
            return self.resolver.resolve(location, value)
        except RefError as exc:  # check_refs reports these too; keep building to find more problems
            self.problem(location, str(exc))
            return location, {}

    def source(self, location: Location) -> str:
        """The machine-independent name of the file holding `location`."""
        return self.spec.documents[location.path].name

    def where(self, location: Location) -> str:
        """`file:line` of `location`, as a person reads it."""
        doc = self.spec.documents[location.path]
        return f"{doc.display}:{doc.line_of(location.pointer)}"

    def is_library(self, location: Location) -> bool:
        """True if `location` is in a file of shared components (one with no paths of its own), or
        in a component marked `x-bitrix24-shared` (one that came from such a file into a bundle)."""
        if location.path not in self._entries:
            return True
        data = self.spec.documents[location.path].data
        if not data.get("paths"):
            return True
        tokens = [unescape_pointer_token(token) for token in location.pointer.split("/")[1:4]]
        if len(tokens) < 3 or tokens[0] != "components":
            return False
        component = (data.get("components") or {}).get(tokens[1], {}).get(tokens[2])
        return isinstance(component, dict) and component.get(SHARED_MARK) is True
