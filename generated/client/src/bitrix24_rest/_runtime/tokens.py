"""Token stores: where a token pair survives restarts and is shared by several workers.

A refresh token works once, so processes that share one pair must refresh it one at a time and
each must see the newest pair: the client holds the store's `lock()` (when it has one) across
"load the stored pair, refresh only if it is still the one that expired, save the new one".
A worker that finds a newer pair in the store uses it instead of refreshing (which would fail
with `invalid_grant`).

`TokenStore` is the interface (`load`, `save`, optionally `lock`); `AsyncClient` also takes one
whose `load` and `save` are coroutines. `FileTokenStore` is a JSON file with an advisory lock
beside it, for processes on one machine.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .auth import TokenPair

__all__ = ["FileTokenStore", "TokenStore"]


@runtime_checkable
class TokenStore(Protocol):
    """Keeps the current token pair; `load` gives None while there is none.

    A store shared by several processes also has `lock()`, a context manager that keeps the
    others out while it is held (see `FileTokenStore`).
    """

    def load(self) -> TokenPair | None:
        """The stored pair, or None."""

    def save(self, pair: TokenPair) -> None:
        """Store `pair`, replacing the one before."""


class FileTokenStore:
    """A token pair in a JSON file (mode 0600), replaced atomically, with a lock file beside it.

    The lock is `fcntl.flock` on `<path>.lock`: processes on one machine (or sharing a local
    file system) take turns refreshing. Where `fcntl` does not exist (Windows), `lock()` only
    keeps the threads of one process apart.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock_path = self.path.with_name(self.path.name + ".lock")

    def load(self) -> TokenPair | None:
        """The stored pair; None when the file does not exist or holds no pair."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None
        access = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(access, str) or not access:
            return None
        refresh = data.get("refresh_token")
        expires = data.get("expires_at")
        details = data.get("details")
        return TokenPair(
            access,
            refresh if isinstance(refresh, str) else None,
            float(expires) if isinstance(expires, (int, float)) else None,
            details if isinstance(details, dict) else {},
        )

    def save(self, pair: TokenPair) -> None:
        """Write `pair` to a temporary file beside the store and rename it into place."""
        data: dict[str, Any] = {
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
            "expires_at": pair.expires_at,
            "details": dict(pair.details),
        }
        import tempfile  # on first use: importing the client stays cheap

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store for one load-refresh-save; other processes wait meanwhile."""
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - Windows
                yield
                return
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            os.close(descriptor)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"
