"""A content-addressed cache of work the generator can skip when its input has not changed.

Formatting with black and validating with openapi-spec-validator are the slow stages; both are
pure functions of their input (and of the tool's version), so their results are stored under
the SHA-256 of everything that determines them. Entries are written atomically (never seen
half-written), and any error disables the cache for the run instead of failing it.

An entry is never trusted blindly: it starts with the SHA-256 of its kind, key and value, and one
that does not match (truncated, emptied, overwritten, copied under another key) is ignored and
removed, so the run recomputes it; its output is then byte for byte what `--no-cache` gives.
Only regular files are read (a fifo in the cache cannot make a run wait).

Location: `$GENERATOR_CACHE_DIR`, else `.cache/generator` in the project. `GENERATOR_CACHE=0`
(or `--no-cache`) turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
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
        entry = _read_regular(path)
        if entry is None:
            return None
        value = entry[_DIGEST_SIZE:]
        if len(entry) < _DIGEST_SIZE or _seal(kind, key, value) != entry[:_DIGEST_SIZE]:
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
                    handle.write(_seal(kind, key, value) + value)
                os.replace(tmp, folder / key)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            self.root = None


def _seal(kind: str, key: str, value: bytes) -> bytes:
    """What an entry starts with: the digest of where it belongs and what it holds."""
    return hashlib.sha256(digest(kind, key).encode("ascii") + value).digest()


def _read_regular(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)


_DIGEST_SIZE = 32

NO_CACHE = Cache(None)
