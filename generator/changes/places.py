"""Where the symbols of a model are in the spec: `file:line` of methods, fields and error codes.

The model keeps names, not places. To find a record's place, the model's own readers are run
once more over the loaded spec, in the order `generator.model.build_model` runs them, so that
every record gets the same name and its schema's location.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.loader import SpecSet
from generator.model import schema_reader
from generator.model.messages import read_request, read_response
from generator.model.operations import read_operations
from generator.model.reader import SpecReader
from generator.pointers import escape_pointer_token
from generator.refs import Location
from generator.runtime_facts import RuntimeFacts
from generator.spec_files import display_path


@dataclass(frozen=True)
class Places:
    """The places of one side's methods, records and error codes, named for the report."""

    spec: SpecSet
    operations: dict[str, Location]
    """By method name (`imconnector.delete.messages`)."""
    records: dict[str, Location]
    """By record (class) name."""
    show: Callable[[str], str]
    """How the report names a file, from its display name (a git revision's file as `REV:path`)."""
    _codes: dict[str, list[Location]] = field(default_factory=dict, repr=False)

    def at(self, location: Location) -> str:
        """`file:line` of `location`."""
        doc = self.spec.documents[location.path]
        return f"{self.show(doc.display)}:{doc.line_of(location.pointer)}"

    def operation(self, method: str) -> str:
        """`file:line` of a method's operation."""
        location = self.operations.get(method)
        return self.at(location) if location else self._first_file()

    def field(self, record: str | None, wire_name: str, method: str) -> str:
        """`file:line` of a record's property (of the method when the record is unknown)."""
        location = self.records.get(record or "")
        if location is None:
            return self.operation(method)
        return self.at(location.child("properties", wire_name))

    def record(self, record: str, method: str) -> str:
        """`file:line` of a record's schema."""
        location = self.records.get(record)
        return self.at(location) if location else self.operation(method)

    def error_code(self, code: str, method: str | None = None) -> str:
        """`file:line` where an error code is documented, in the method's own file when it is there."""
        found = self._codes.get(code.lower(), [])
        home = self.operations.get(method or "")
        preferred = [loc for loc in found if home and loc.path == home.path]
        if preferred or found:
            return self.at((preferred or found)[0])
        return self.operation(method) if method else self._first_file()

    def _first_file(self) -> str:
        path = self.spec.entries[0] if self.spec.entries else next(iter(self.spec.documents))
        return f"{self.show(self.spec.documents[path].display)}:1"


def find_places(spec: SpecSet, facts: RuntimeFacts, show: Callable[[str], str]) -> Places:
    """The places of every method, record and error code of a spec that builds a model."""
    reader = SpecReader(spec)
    schemas = schema_reader(reader, facts)
    sites = read_operations(reader, facts)
    for site in sites:  # the same order as build_model, hence the same record names
        read_request(schemas, site, facts.call_options)
        read_response(schemas, site)
    codes: dict[str, list[Location]] = {}
    for path in (*spec.entries, *sorted(p for p in spec.documents if p not in spec.entries)):
        for code, pointer in _error_codes(spec.documents[path].data, ""):
            codes.setdefault(code.lower(), []).append(Location(path, pointer))
    return Places(
        spec=spec,
        operations={site.method: site.location for site in sites},
        records={name: draft.location for name, draft in schemas.by_name.items()},
        show=show,
        _codes=codes,
    )


def _error_codes(data: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """Every documented error code with its pointer: `{error: CODE}` values and enums of `error`."""
    if isinstance(data, dict):
        code = data.get("error")
        if isinstance(code, str) and code:
            yield code, f"{pointer}/error"
        elif isinstance(code, dict) and isinstance(code.get("enum"), list):
            for i, value in enumerate(code["enum"]):
                if isinstance(value, str) and value:
                    yield value, f"{pointer}/error/enum/{i}"
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                yield from _error_codes(value, f"{pointer}/{escape_pointer_token(str(key))}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _error_codes(value, f"{pointer}/{i}")


def same_file(display: str) -> str:
    """The report names a file as the loader displays it."""
    return display


def revision_file(revision: str, root: Path) -> Callable[[str], str]:
    """Names files extracted from a git revision under `root` as `REVISION:path/in/repo`."""
    prefix = display_path(root).rstrip("/") + "/"
    absolute = str(root).rstrip("/") + "/"

    def show(display: str) -> str:
        for start in (prefix, absolute):
            if display.startswith(start):
                return f"{revision}:{display[len(start):]}"
        return display

    return show
