"""Texts from the spec made safe for where they go: docstrings, Markdown paragraphs and cells.

Each function is the one place its escaping happens; the views wrap the results in the safe
types of `generator.views.safe`.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata


def _escape_unprintable(text: str) -> str:
    """Control characters and lone surrogates as Python escapes (source cannot hold them raw)."""
    return "".join(
        _python_escape(c) if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cs") else c for c in text
    )


def _python_escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def docstring_text(text: str, width: int = 72) -> str:
    """Text for the inside of a triple-quoted docstring: wrapped, with quotes and escapes made safe.

    Long words (URLs) are never broken, nor are lines broken at hyphens.
    """
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    wrapped = "\n\n".join(
        textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False) for p in paragraphs if p
    )
    escaped = _escape_unprintable(wrapped.replace("\\", "\\\\")).replace('"""', '\\"\\"\\"')
    if escaped.endswith('"'):
        escaped += " "  # a docstring ending in a quote would close early
    return escaped.rstrip() if not escaped.endswith('" ') else escaped


def one_line(text: str) -> str:
    """`text` on one line with runs of white space folded and control characters dropped."""
    return " ".join("".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs") or c in "\n\t").split())


def markdown_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes and HTML escaped."""
    return (
        one_line(text)
        .replace("&", "&amp;")
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def markdown_text(text: str) -> str:
    """Prose for a Markdown page: paragraphs kept, raw HTML neutralised."""
    paragraphs = [one_line(p) for p in re.split(r"\n\s*\n", text.strip())]
    # A run of three backticks or tildes would open a code fence that swallows the page.
    return "\n\n".join(
        re.sub(r"([`~]{3,})", lambda m: "\\" + "\\".join(m.group(1)), p)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        for p in paragraphs
        if p
    )
