"""Load a spec: its files (`generator.spec_files`), each file's YAML (`generator.yaml_data`), and
every file its cross-file `$ref`s reach; each file with the line of every JSON pointer on demand.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.pointers import escape_pointer_token
from generator.problems import Problem
from generator.spec_files import citable, discover_files, display_path, read_spec_file
from generator.yaml_data import DataBuilder, compose


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
        builder = DataBuilder(self.display, record=True)
        node, _ = compose(self.text, self.display)
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


def load_spec(spec_path: Path) -> tuple[SpecSet, list[Problem]]:
    """Parse a spec (a file or a folder) and every file its `$ref`s reach.

    Problems are returned, not raised, so that all of them can be reported together.
    """
    spec_path = spec_path.resolve()
    root, files, problems = discover_files(spec_path)
    documents: dict[Path, Document] = {}
    if not files:
        problems.append(Problem(display_path(spec_path), 1, "no .yaml or .yml files found"))
    queue = list(files)
    while queue:
        path = queue.pop(0)
        if path in documents:
            continue
        name = canonical_name(path, root, spec_path.is_dir())
        if not citable(name):
            problems.append(
                Problem(
                    ascii(display_path(path)),
                    1,
                    "the file's name cannot be cited in the generated files' headers (it holds a line break, "
                    "a control character, '-->' or bytes that are not UTF-8); rename the file",
                )
            )
            continue
        doc, doc_problems = parse_document(path, name)
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
    raw, problem = read_spec_file(path, display)
    if raw is None:
        return None, [problem] if problem else []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded")]
    node, problem = compose(text, display)
    if problem is not None:
        return None, [problem]
    if node is None:
        return None, [Problem(display, 1, "the file is empty; expected an OpenAPI document")]
    builder = DataBuilder(display, record=False)
    data = builder.build(node, "")
    if builder.problems:  # walk again, naming every place precisely
        builder = DataBuilder(display, record=True)
        data = builder.build(node, "")
    if builder.stopped:
        return None, builder.problems
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "null"
        problem = Problem(display, node.start_mark.line + 1, f"expected a mapping at the top level, got {kind}", "")
        return None, [problem]
    document = Document(name=name, display=display, data=data, text=text, digest=hashlib.sha256(raw).hexdigest())
    return document, builder.problems
