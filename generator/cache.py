"""A content-addressed cache of work the generator can skip when its input has not changed.

Formatting with black and validating with openapi-spec-validator are the slow stages; both are
pure functions of their input (and of the tool's version), so their results are stored under
the SHA-256 of everything that determines them. Entries are written atomically (never seen
half-written), and any error disables the cache for the run instead of failing it.

An entry is never trusted blindly: it starts with the SHA-256 of the value it holds, and one
whose value does not match (truncated, emptied, overwritten) is ignored and removed, so the run
recomputes it; its output is then byte for byte what `--no-cache` gives.

Location: `$GENERATOR_CACHE_DIR`, else `.cache/generator` in the project. `GENERATOR_CACHE=0`
(or `--no-cache`) turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from generator.config import PROJECT_ROOT


def digest(*parts: str | bytes) -> str:
    """SHA-256 over `parts`, each length-prefixed so that no two part lists collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


class Cache:
    """Values by (kind, key) in a folder; `Cache(None)` stores nothing."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    @classmethod
    def default(cls) -> Cache:
        """The cache the environment asks for."""
        if os.environ.get("GENERATOR_CACHE", "1") == "0":
            return cls(None)
        folder = os.environ.get("GENERATOR_CACHE_DIR")
        return cls(Path(folder) if folder else PROJECT_ROOT / ".cache" / "generator")

    def get(self, kind: str, key: str) -> bytes | None:
        """The stored value, or None (also for an entry that fails its digest check)."""
        if self.root is None:
            return None
        path = self.root / kind / key[:2] / key
        try:
            entry = path.read_bytes()
        except OSError:
            return None
        value = entry[_DIGEST_SIZE:]
        if len(entry) < _DIGEST_SIZE or hashlib.sha256(value).digest() != entry[:_DIGEST_SIZE]:
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        return value

    def put(self, kind: str, key: str, value: bytes) -> None:
        """Store `value`; a failure turns the cache off for the rest of the run."""
        if self.root is None:
            return
        folder = self.root / kind / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(hashlib.sha256(value).digest() + value)
                os.replace(tmp, folder / key)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            self.root = None


_DIGEST_SIZE = 32

NO_CACHE = Cache(None)
