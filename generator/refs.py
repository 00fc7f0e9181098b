"""Resolve `$ref`s within a spec file and across spec files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.loader import SpecSet, iter_refs
from generator.pointers import escape_pointer_token, unescape_pointer_token
from generator.problems import Problem


@dataclass(frozen=True, order=True)
class Location:
    """Where a value sits: a spec file and a JSON pointer inside it."""

    path: Path
    pointer: str

    def child(self, *tokens: str | int) -> Location:
        """The location of a value below this one."""
        pointer = self.pointer
        for token in tokens:
            pointer += "/" + escape_pointer_token(str(token))
        return Location(self.path, pointer)


class RefError(Exception):
    """A `$ref` that cannot be followed; the message says why."""


class RefResolver:
    """Follows `$ref`s over the documents of one `SpecSet`."""

    def __init__(self, spec: SpecSet) -> None:
        self.spec = spec
        self._files: dict[tuple[Path, str], Path] = {}

    def value_at(self, location: Location) -> Any:
        """The value at `location`, without following a `$ref` found there."""
        doc = self.spec.documents.get(location.path)
        if doc is None:
            raise RefError(f"file not found: {location.path.name}")
        value: Any = doc.data
        if not location.pointer:
            return value
        if not location.pointer.startswith("/"):
            raise RefError(f"'{location.pointer}' is not a JSON pointer (it must start with '/')")
        for raw in location.pointer[1:].split("/"):
            token = unescape_pointer_token(raw)
            if isinstance(value, dict) and token in value:
                value = value[token]
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                raise RefError(
                    f"points at nothing: {location.path.name} has no '{token}' on the way to '{location.pointer}'"
                )
        return value

    def target_of(self, ref: str, base: Path) -> Location:
        """The location a `$ref` string points at, relative to the file `base`."""
        if "://" in ref.split("#", 1)[0]:
            raise RefError(f"remote $ref '{ref}' is not supported; copy the schema into spec/")
        file_part, _, fragment = ref.partition("#")
        path = self._file(base, file_part) if file_part else base
        if path not in self.spec.documents:
            raise RefError(f"$ref '{ref}' names a file that does not exist or did not load: {file_part}")
        return Location(path, unquote(fragment))

    def _file(self, base: Path, file_part: str) -> Path:
        """The file a `$ref`'s file part names, relative to `base` (resolved once per pair)."""
        key = (base, file_part)
        path = self._files.get(key)
        if path is None:
            path = self._files[key] = (base.parent / unquote(file_part)).resolve()
        return path

    def resolve(self, location: Location, value: Any) -> tuple[Location, Any]:
        """Follow `value` while it is a `$ref` object; return where the chain ends and its value."""
        seen: list[Location] = []
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            if location in seen:
                raise RefError(
                    "circular $ref chain: " + " -> ".join(_short(s, seen[0].path) for s in [*seen, location])
                )
            seen.append(location)
            location = self.target_of(value["$ref"], location.path)
            value = self.value_at(location)
        return location, value


def check_refs(spec: SpecSet) -> list[Problem]:
    """Every `$ref` in the spec that cannot be followed, as problems with file and line."""
    resolver = RefResolver(spec)
    problems: list[Problem] = []
    for path, doc in spec.documents.items():
        for pointer, ref in iter_refs(doc.data, ""):
            try:
                resolver.resolve(Location(path, pointer), {"$ref": ref})
            except RefError as exc:
                message = str(exc) if str(exc).startswith(("$ref", "remote", "circular")) else f"$ref '{ref}' {exc}"
                problems.append(Problem(doc.display, doc.line_of(pointer + "/$ref"), message, pointer))
    return problems


def _short(location: Location, home: Path) -> str:
    return f"{'' if location.path == home else location.path.name}#{location.pointer}"
