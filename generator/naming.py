"""Turn names from the spec into safe Python identifiers, and text into safe literals.

Everything a template prints that came from the spec passes through here first, so templates
never escape or convert anything themselves.
"""

from __future__ import annotations

import keyword
import re
import textwrap
import unicodedata

# Names a generated attribute or parameter must not take: keywords break the syntax, and a
# dataclass field named like a builtin type shadows that type for later annotations.
_RESERVED = (
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | {"self", "cls", "str", "int", "float", "bool", "list", "dict", "object", "type", "Any"}
)
# Names the generated modules import or define themselves; a schema named so gets a suffix.
_RESERVED_CLASSES = {"Any", "ClassVar", "Mapping", "Sequence", "Self", "Endpoint", "Client", "AsyncClient"}
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SAFE_MODULE = re.compile(r"^[a-z_][a-z0-9_]*$")


def ascii_fold(text: str) -> str:
    """Drop accents and any other non-ASCII characters (é -> e)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def words(name: str) -> list[str]:
    """Split a name in any common style (camelCase, snake_case, UPPER, dotted) into words."""
    return [w for part in re.split(r"[^A-Za-z0-9]+", ascii_fold(name)) for w in _WORD.findall(part)]


def snake_case(name: str) -> str:
    """`userId` -> `user_id`, `CONNECTOR` -> `connector`, `delete.messages` -> `delete_messages`."""
    return "_".join(w.lower() for w in words(name))


def pascal_case(name: str) -> str:
    """`delete.messages` -> `DeleteMessages`; words already in PascalCase keep their capitals."""
    return "".join(
        w[:1].upper() + (w[1:] if w[:1].isupper() and not w.isupper() else w[1:].lower()) for w in words(name)
    )


def safe_identifier(name: str, *, fallback: str) -> str:
    """A valid, non-reserved Python identifier for `name` (already converted to a style)."""
    if not name:
        name = fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if name in _RESERVED or keyword.iskeyword(name):
        name += "_"
    return name


def attribute_name(wire_name: str) -> str:
    """The Python attribute or parameter for a property named `wire_name` in the spec."""
    return safe_identifier(snake_case(wire_name), fallback="field")


def class_name(name: str) -> str:
    """The Python class name for a schema or error code."""
    name = safe_identifier(pascal_case(name), fallback="Model")
    return name + "Model" if name in _RESERVED_CLASSES else name


def is_safe_module_name(name: str) -> bool:
    """True if `name` can be a module file name (no path separators, dots or odd characters)."""
    return bool(_SAFE_MODULE.match(name)) and not keyword.iskeyword(name)


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
