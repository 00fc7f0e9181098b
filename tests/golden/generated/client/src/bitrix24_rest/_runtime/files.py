"""File arguments: Bitrix24 takes a file as a pair `[name, base64 of the content]`."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from .errors import InvalidArgumentError

__all__ = ["file_argument"]


def file_argument(
    source: bytes | str | os.PathLike[str], name: str | None = None
) -> tuple[str, str]:
    """The `(name, base64)` pair for a file argument, from its bytes or from a path.

    From a path the name defaults to the file's name; from bytes a name must be given. A file
    that cannot be read, or bytes without a name, raise `InvalidArgumentError`.
    """
    if isinstance(source, (bytes, bytearray)):
        if not name:
            raise InvalidArgumentError("file_argument", ["a file given as bytes needs a name"])
        content = bytes(source)
    else:
        path = Path(source)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise InvalidArgumentError(
                "file_argument", [f"{path}: {exc.strerror or exc}"]
            ) from None
        name = name or path.name
    return name, base64.b64encode(content).decode("ascii")
