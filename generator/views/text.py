"""Texts from the spec made safe for where they go: docstrings, Markdown paragraphs and cells.

Each function is the one place its escaping happens; the views wrap the results in the safe
types of `generator.views.safe`.
"""

from __future__ import annotations

import functools
import re
import textwrap

# Unicode's control characters (category Cc) and lone surrogates (Cs), as one character class.
_UNPRINTABLE = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_DROPPED = re.compile(f"(?![\n\t])[{_UNPRINTABLE}]")


def _escape_unprintable(text: str) -> str:
    """Control characters and lone surrogates as Python escapes (source cannot hold them raw)."""
    return _DROPPED.sub(lambda m: _python_escape(m.group()), text)


def _python_escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@functools.lru_cache(maxsize=65536)  # the same descriptions come back method after method
def docstring_text(text: str, width: int = 72) -> str:
    """Text for the inside of a triple-quoted docstring: wrapped, with quotes and escapes made safe.

    Long words (URLs) are never broken, nor are lines broken at hyphens.
    """
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    wrapped = "\n\n".join(
        textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False) for p in paragraphs if p
    )
    escaped = _escape_unprintable(wrapped.replace("\\", "\\\\")).replace('"""', '\\"\\"\\"').rstrip()
    if escaped.endswith('"'):
        # A docstring ending in a quote would close early, and formatters disagree on how to pad
        # it: the last quote is written as an escape, which reads back the same.
        body = escaped[:-1]
        slashes = len(body) - len(body.rstrip("\\"))
        escaped = body[: -1 if slashes % 2 else None] + "\\x22"  # an odd run of backslashes escaped it
    return escaped


def docstring_verbatim(text: str) -> str:
    """Text for the inside of a docstring, its lines kept as they are (a drawing, a table)."""
    return _escape_unprintable(text.replace("\\", "\\\\")).replace('"""', '\\"\\"\\"').rstrip()


def one_line(text: str) -> str:
    """`text` on one line with runs of white space folded and control characters dropped."""
    return " ".join(_DROPPED.sub("", text).split())


@functools.lru_cache(maxsize=65536)
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


def markdown_code_cell(code: str) -> str:
    """`code` as a code span inside a Markdown table cell: shown exactly as it is.

    A code span shows backslashes and entities literally, so only the table's pipe is escaped
    (GFM unescapes it inside the span), and the fence is longer than any backtick run inside.
    """
    line = one_line(code).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", line)), default=0) + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    return f"{fence}{pad}{line}{pad}{fence}"


@functools.lru_cache(maxsize=65536)
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
