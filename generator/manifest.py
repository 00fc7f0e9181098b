"""The manifest: the list of files the generator wrote into an output folder, with their digests.

It is how the generator proves a file is its own. Only a file the manifest lists may be replaced
or removed without `--force`; anything else in the folder (notes, a virtualenv, a copy that
quotes the header) belongs to someone else. The manifest is itself an output file, written in
the same all-or-nothing update as the rest, so it always describes the tree beside it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.problems import OutputError

MANIFEST_NAME = ".generator-manifest.json"
"""The manifest's path inside the output folder."""
FORMAT = 1
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def is_inside_path(path: str) -> bool:
    """True if `path` is a plain relative POSIX path that stays inside the folder it is relative to.

    Paths read back from files in the output folder (the manifest, a journal) are checked with it
    before anything is done to them: a damaged or hostile file must not point outside.
    """
    parts = path.split("/")
    return (
        bool(path)
        and path.isprintable()
        and "\\" not in path
        and not path.startswith("/")
        and all(part not in ("", ".", "..") for part in parts)
    )


@dataclass(frozen=True)
class Manifest:
    """The files of one output folder the generator wrote, by POSIX path, with their SHA-256."""

    files: Mapping[str, str]

    def owns(self, path: str) -> bool:
        """True if the generator wrote `path` into this folder."""
        return path in self.files

    def edited(self, path: str, content: bytes) -> bool:
        """True if the generator wrote `path` but its content has changed since."""
        digest = self.files.get(path)
        return digest is not None and digest != file_digest(content)


EMPTY = Manifest({})


def file_digest(content: bytes) -> str:
    """The digest the manifest records for a file's content."""
    return "sha256:" + hashlib.sha256(content).hexdigest()


def render_manifest(files: Mapping[str, bytes]) -> bytes:
    """The manifest of `files` (output path -> content), deterministic."""
    data = {
        "about": "Files written by `python -m generator`; it replaces or removes only these.",
        "format": FORMAT,
        "files": {path: file_digest(files[path]) for path in sorted(files) if path != MANIFEST_NAME},
    }
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def read_manifest(out: Path) -> Manifest | None:
    """The manifest of the folder `out`, or None if it has none.

    A manifest that cannot be read or makes no sense is an `OutputError`: guessing would risk
    replacing files that are not the generator's.
    """
    path = out / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{path}: cannot read the manifest: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        data = None
    files = data.get("files") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and is_inside_path(k) and k != MANIFEST_NAME and isinstance(v, str) and _DIGEST.match(v)
        for k, v in files.items()
    ):
        raise OutputError(
            f"{path}: the manifest is damaged; restore it (git checkout), or delete it and run with --force"
        )
    return Manifest(files)
