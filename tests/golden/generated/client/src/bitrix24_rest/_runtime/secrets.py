"""Keep secrets (tokens, client secret, webhook code) out of logs, reprs and error messages.

Every secret a client holds is registered here. `redact` replaces them in any text, and a
logging filter on this package's logger and on httpx's and httpcore's (which log request URLs,
where a webhook code or a token-refresh query would otherwise show) applies it to every record.

Secrets in use never expire: a client's secret and webhook code are held for the life of the
process, and the token pair each client holds now for as long as it holds it (`hold` and
`release`); tokens no client holds any more are still remembered, the latest 4,096 of them.
Wherever a secret sits in a known place (`client_secret=`, `refresh_token=`, `access_token=`,
`auth=` in a query, the same keys in JSON, a webhook's code in `/rest/<user>/<code>/`), it is
masked by that pattern too, registered or not.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter, deque

from . import PACKAGE

__all__ = [
    "LOGGER_NAMES",
    "MASK",
    "RedactingFilter",
    "install_log_filter",
    "hold",
    "redact",
    "register",
    "release",
    "release_later",
]

MASK = "***"
_MIN_LENGTH = 6  # shorter strings would mask ordinary words
_REMEMBERED = 4096
_lock = threading.Lock()
_secrets: deque[str] = deque()
"""Secrets no longer held (old tokens), the latest `_REMEMBERED` of them, oldest first."""
_remembered: set[str] = set()
"""The same, for lookups."""
_by_prefix: dict[str, tuple[str, ...]] | None = None
"""Every registered or held secret by its first `_MIN_LENGTH` characters (longest first); None
when a change makes it stale. With it, `redact` costs one lookup per character of the text,
however many secrets there are."""
_held: Counter[str] = Counter()
"""Secrets in use, with how many holders each has: never forgotten while held."""
_pending: deque[tuple[str | None, ...]] = deque()
"""Releases queued by finalisers (`release_later`)."""
_PATTERNS = (
    (re.compile(r"((?:client_secret|refresh_token|access_token|auth)=)[^&\s\"']+"), r"\1" + MASK),
    (
        re.compile(r"(\"(?:client_secret|refresh_token|access_token|auth)\"\s*:\s*\")[^\"]*(\")"),
        r"\1" + MASK + r"\2",
    ),
    (re.compile(r"(/rest/\d+/)[^/\s\"'?]{6,}(/)"), r"\1" + MASK + r"\2"),
)


def register(*secrets: str | None) -> None:
    """Remember `secrets` so that `redact` hides them from now on."""
    with _lock:
        for secret in secrets:
            if secret and len(secret) >= _MIN_LENGTH:
                _remember_locked(secret)


def _remember_locked(secret: str) -> None:
    global _by_prefix
    if secret in _remembered:
        return
    _secrets.append(secret)
    _remembered.add(secret)
    if len(_secrets) > _REMEMBERED:
        _remembered.discard(_secrets.popleft())
    _by_prefix = None


def hold(*secrets: str | None) -> None:
    """Hide `secrets` for as long as they are held (until as many `release` calls)."""
    global _by_prefix
    with _lock:
        _drain_locked()
        for secret in secrets:
            if secret and len(secret) >= _MIN_LENGTH:
                _held[secret] += 1
                _by_prefix = None


def release(*secrets: str | None) -> None:
    """Let go of held `secrets`; they are still remembered among the latest ones."""
    with _lock:
        _release_locked(secrets)


def release_later(*secrets: str | None) -> None:
    """`release`, from a finaliser: queued without the lock (the collector may run a finaliser
    while this very thread holds it), done by the next call that takes the lock."""
    _pending.append(secrets)


def _release_locked(secrets: tuple[str | None, ...]) -> None:
    for secret in secrets:
        if secret and _held.get(secret, 0) > 0:
            _held[secret] -= 1
            if not _held[secret]:
                del _held[secret]
                _remember_locked(secret)


def _index_locked() -> dict[str, tuple[str, ...]]:
    global _by_prefix
    if _by_prefix is None:
        grouped: dict[str, list[str]] = {}
        for secret in sorted({*_secrets, *_held}, key=len, reverse=True):
            grouped.setdefault(secret[:_MIN_LENGTH], []).append(secret)
        _by_prefix = {prefix: tuple(group) for prefix, group in grouped.items()}
    return _by_prefix


def _drain_locked() -> None:
    while _pending:
        _release_locked(_pending.popleft())


def redact(text: str) -> str:
    """`text` with every registered or held secret, and every secret in a known place, as ***."""
    with _lock:
        _drain_locked()
        index = _index_locked()
    found: set[str] = set()
    if index:
        for start in range(len(text) - _MIN_LENGTH + 1):
            candidates = index.get(text[start : start + _MIN_LENGTH])
            if candidates:
                found.update(c for c in candidates if text.startswith(c, start))
    for secret in sorted(found, key=len, reverse=True):  # the longer of two overlapping first
        text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites a record's message with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's business, not ours
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = RedactingFilter()
LOGGER_NAMES = (PACKAGE, "httpx", "httpcore")


def install_log_filter() -> None:
    """Attach the redacting filter to the loggers that may see a secret (once)."""
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
