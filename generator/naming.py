"""Turn names from the spec into safe Python identifiers: attributes, classes, modules.

Texts are made safe for where they go by `generator.views.text`.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

# Names a generated attribute or parameter must not take: keywords break the syntax, and a
# dataclass field named like a builtin type shadows that type for later annotations.
_RESERVED = (
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | {"self", "cls", "str", "int", "float", "bool", "list", "dict", "object", "type", "Any"}
)
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


def class_name(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """The Python class name for a schema; one in `reserved` (names the module binds) gets a suffix."""
    name = safe_identifier(pascal_case(name), fallback="Model")
    return name + "Model" if name in reserved else name


def is_safe_module_name(name: str) -> bool:
    """True if `name` can be a module file name (no path separators, dots or odd characters)."""
    return bool(_SAFE_MODULE.match(name)) and not keyword.iskeyword(name)
