"""Load spec files: YAML (libyaml's C parser) into plain data plus a line for every JSON pointer."""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from generator.problems import Problem

try:  # libyaml makes parsing several times faster; fall back where it is not compiled in
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

SPEC_SUFFIXES = (".yaml", ".yml")

# Bounds on what one spec file may make the generator do, so that a hostile or broken file is a
# located problem within a second instead of gigabytes of memory or a RecursionError.
MAX_FILE_BYTES = 16 * 1024 * 1024
"""A method's file is a few kilobytes; a bundle of the vendor's whole API a few megabytes."""
MAX_DEPTH = 100
"""Levels of YAML nesting; a schema nested 32 levels deep needs about 70."""
MAX_ALIAS_VALUES = 100_000
"""Values that YAML aliases (`*name`) may add to a file; an alias bomb adds billions."""


@dataclass(frozen=True)
class Document:
    """One parsed spec file.

    `name` is stable across machines (the spec root's folder name plus the relative path) and is
    what generated headers cite; `display` is how error messages name the file for the person
    who ran the command.
    """

    name: str
    display: str
    data: Any
    text: str = field(repr=False, compare=False)
    digest: str = field(default="", repr=False, compare=False)
    """SHA-256 of the file's text, to tell whether cached work on it still holds."""

    @functools.cached_property
    def lines(self) -> dict[str, int]:
        """The line of every JSON pointer in the file.

        Built on first use only: a spec without problems never needs it, and for a large API
        the map would cost more memory than the data itself.
        """
        builder = _DataBuilder(self.display, record=True)
        node = yaml.compose(self.text, Loader=_Loader)
        if node is not None:
            builder.build(node, "")
        return builder.lines

    def line_of(self, pointer: str) -> int:
        """The line of the closest node at or above `pointer` (1 when nothing matches)."""
        while True:
            line = self.lines.get(pointer)
            if line is not None:
                return line
            if not pointer:
                return 1
            pointer = pointer.rsplit("/", 1)[0]


@dataclass(frozen=True)
class SpecSet:
    """Every file of one spec, keyed by resolved absolute path.

    Entry documents are the files the user named (or found in the named folder); their paths
    become operations. Files reached only through a cross-file `$ref` are loaded as libraries.
    """

    root: Path
    documents: dict[Path, Document]
    entries: tuple[Path, ...]


def escape_pointer_token(token: str) -> str:
    """Escape one JSON-pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    """Undo `escape_pointer_token`."""
    return token.replace("~1", "/").replace("~0", "~")


def display_path(path: Path) -> str:
    """How to name `path` to a person: relative to the working directory when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def discover_files(spec_path: Path) -> tuple[Path, list[Path]]:
    """The spec root and its YAML files in a stable order (sorted, hidden files skipped).

    Every `*.yaml`/`*.yml` entry is listed, also one that is not a readable regular file (a
    dangling link, a fifo): `parse_document` reports it, so that a method never vanishes silently.
    """
    if not spec_path.is_dir():
        return spec_path.parent, [spec_path]
    files: list[Path] = []
    visited: set[Path] = set()
    for root, dirs, names in os.walk(spec_path, followlinks=True):
        real = Path(root).resolve()
        if real in visited:  # a link back up the tree
            dirs[:] = []
            continue
        visited.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(real / n for n in names if not n.startswith(".") and n.endswith(SPEC_SUFFIXES))
    return spec_path, sorted(files)


def load_spec(spec_path: Path) -> tuple[SpecSet, list[Problem]]:
    """Parse a spec (a file or a folder) and every file its `$ref`s reach.

    Problems are returned, not raised, so that all of them can be reported together.
    """
    spec_path = spec_path.resolve()
    root, files = discover_files(spec_path)
    documents: dict[Path, Document] = {}
    problems: list[Problem] = []
    if not files:
        problems.append(Problem(display_path(spec_path), 1, "no .yaml or .yml files found"))
    queue = list(files)
    while queue:
        path = queue.pop(0)
        if path in documents:
            continue
        doc, doc_problems = parse_document(path, canonical_name(path, root, spec_path.is_dir()))
        problems.extend(doc_problems)
        if doc is None:
            continue
        documents[path] = doc
        for target in referenced_files(doc.data, path.parent):
            if target not in documents and target.is_file():
                queue.append(target)
    entries = tuple(p for p in files if p in documents)
    return SpecSet(root=root, documents=documents, entries=entries), problems


def canonical_name(path: Path, root: Path, root_is_folder: bool) -> str:
    """A machine-independent name for a spec file, used in generated headers."""
    base = root.parent if root_is_folder else root
    return Path(os.path.relpath(path, base)).as_posix()


def referenced_files(data: Any, base: Path) -> Iterator[Path]:
    """The files named by the cross-file `$ref`s in `data`, resolved against `base`."""
    for _pointer, ref in iter_refs(data, ""):
        target = ref.split("#", 1)[0]
        if target and "://" not in target:
            yield (base / unquote(target)).resolve()


# Keys whose values are data, not spec: a "$ref" inside an example or an enum is just text.
_DATA_KEYS = frozenset({"example", "enum", "const"})


def iter_refs(data: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """Every `$ref` string in `data` with the pointer of the object that holds it.

    Example values (`example`, and `value` of an Example object), `enum` and `const` are data
    and are not searched.
    """
    if isinstance(data, dict):
        ref = data.get("$ref")
        if isinstance(ref, str):
            yield pointer, ref
        in_example = pointer.rsplit("/", 2)[-2:-1] == ["examples"]
        for key, value in data.items():
            if key in _DATA_KEYS or (in_example and key == "value"):
                continue
            if isinstance(value, (dict, list)):
                yield from iter_refs(value, f"{pointer}/{escape_pointer_token(key)}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if isinstance(value, (dict, list)):
                yield from iter_refs(value, f"{pointer}/{i}")


def parse_document(path: Path, name: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML file into a `Document`, or say why it cannot be parsed."""
    display = display_path(path)
    raw, problem = _read_regular_file(path, display)
    if raw is None:
        return None, [problem] if problem else []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_problem(display, exc)]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, f"YAML error: {' '.join(str(exc).split())}")]
    if node is None:
        return None, [Problem(display, 1, "the file is empty; expected an OpenAPI document")]
    builder = _DataBuilder(display, record=False)
    data = builder.build(node, "")
    if builder.problems:  # walk again, naming every place precisely
        builder = _DataBuilder(display, record=True)
        data = builder.build(node, "")
    if builder.stopped:
        return None, builder.problems
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "null"
        problem = Problem(display, node.start_mark.line + 1, f"expected a mapping at the top level, got {kind}", "")
        return None, [problem]
    document = Document(name=name, display=display, data=data, text=text, digest=hashlib.sha256(raw).hexdigest())
    return document, builder.problems


def _read_regular_file(path: Path, display: str) -> tuple[bytes | None, Problem | None]:
    """The bytes of a spec file, or the problem that prevents reading it.

    Only regular files are opened: reading a fifo or a device would block or never end.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        what = "a symbolic link to a file that does not exist" if path.is_symlink() else "the file does not exist"
        return None, Problem(display, 1, f"cannot read the spec file: {what}")
    except OSError as exc:
        return None, Problem(display, 1, f"cannot read the spec file: {exc.strerror or exc}")
    if stat.S_ISDIR(info.st_mode):
        return None, None  # a folder named like a spec file: its files are listed on their own
    if not stat.S_ISREG(info.st_mode):
        return None, Problem(
            display, 1, f"cannot read the spec file: it is {_file_kind(info.st_mode)}, not a regular file"
        )
    if info.st_size > MAX_FILE_BYTES:
        return None, Problem(
            display, 1, f"the file is {info.st_size:,} bytes; a spec file may have at most {MAX_FILE_BYTES:,}"
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, Problem(display, 1, f"cannot read the spec file: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:  # it grew since stat
        return None, Problem(
            display, 1, f"the file has more than {MAX_FILE_BYTES:,} bytes, the most a spec file may have"
        )
    return raw, None


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (fifo)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


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


class _DataBuilder:
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
            self.problems.append(
                Problem(self.display, node.start_mark.line + 1, f"bad YAML value: {exc.problem}", pointer)
            )
            return None
        if not isinstance(value, (str, int, float, bool, type(None))):
            # Timestamps and binary have no JSON form; keep the text the author wrote.
            return str(node.value)
        return value
