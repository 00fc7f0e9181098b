"""Keep secrets (tokens, client secret, webhook code) out of logs, reprs and error messages.

Every secret a client holds is registered here. `redact` replaces them in any text, and a
logging filter on this package's logger and on httpx's and httpcore's (which log request URLs,
where a webhook code or a token-refresh query would otherwise show) applies it to every record.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

from . import PACKAGE

__all__ = [
    "LOGGER_NAMES",
    "MASK",
    "RedactingFilter",
    "install_log_filter",
    "redact",
    "register",
]

MASK = "***"
_MIN_LENGTH = 6  # shorter strings would mask ordinary words
_lock = threading.Lock()
_secrets: deque[str] = deque(maxlen=1024)


def register(*secrets: str | None) -> None:
    """Remember `secrets` so that `redact` hides them from now on."""
    with _lock:
        for secret in secrets:
            if secret and len(secret) >= _MIN_LENGTH and secret not in _secrets:
                _secrets.append(secret)


def redact(text: str) -> str:
    """`text` with every registered secret replaced by ***."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
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
