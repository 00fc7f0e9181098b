"""The vendor's type names (api-reference/data-types.md) and the JSON Schema types each allows.

A page writes a type as `[\\`integer\\`](../../data-types.md)` or `\\`integer\\``, a union as
`\\`string\\` | \\`null\\``, an array as `\\`string[]\\`` or `\\`array\\` of \\`object\\``. The spec's side
of the comparison is a set of JSON Schema types, with `yn` standing for `x-bitrix24-yn` (a `Y`/`N`
string that the client reads as a boolean).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ANY: frozenset[str] = frozenset()
"""No constraint: the page's `any`, or a spec schema without a type."""

VENDOR_TYPES: dict[str, frozenset[str]] = {
    "string": frozenset({"string"}),
    "text": frozenset({"string"}),
    "char": frozenset({"string"}),
    "date": frozenset({"string"}),
    "datetime": frozenset({"string"}),
    "integer": frozenset({"integer"}),
    "timestamp": frozenset({"integer"}),
    "user": frozenset({"integer"}),
    "double": frozenset({"number"}),
    "boolean": frozenset({"boolean", "yn"}),
    "array": frozenset({"array"}),
    "object": frozenset({"object"}),
    "time": frozenset({"object"}),
    "null": frozenset({"null"}),
    "enum": frozenset({"string", "integer"}),
    "crm": frozenset({"string", "array"}),
    # "a numeric value with a unique file identifier ... or an array describing the file"
    "file": frozenset({"integer", "string", "array", "object"}),
    "any": ANY,
}
"""Each type data-types.md defines that a REST value may have, and the JSON types it allows."""

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_CODE = re.compile(r"`+([^`]+?)`+")


@dataclass(frozen=True)
class VendorType:
    """A type as a page writes it: its alternatives (`string | null`) and, for arrays, the items' type."""

    text: str
    alternatives: tuple[str, ...]
    items: tuple[str, ...] = ()

    def allowed(self) -> frozenset[str] | None:
        """The JSON Schema types the page allows (`ANY`: no constraint); None if a name is not the vendor's."""
        if not self.alternatives or self.unknown():
            return None
        allowed: set[str] = set()
        for name in self.alternatives:
            if VENDOR_TYPES[name] is ANY:
                return ANY
            allowed |= VENDOR_TYPES[name]
        return frozenset(allowed)

    def unknown(self) -> tuple[str, ...]:
        """The names in this type that data-types.md does not define."""
        return tuple(name for name in (*self.alternatives, *self.items) if name not in VENDOR_TYPES)


def parse_vendor_type(text: str) -> VendorType:
    """The type written in a parameter cell after the name (links and code spans as the pages write them)."""
    plain = _LINK.sub(r"\1", text).strip()
    alternatives: list[str] = []
    items: list[str] = []
    last = 0
    for span in _CODE.finditer(plain):
        between = plain[last : span.start()].strip().lower()
        last = span.end()
        for name in (part.strip() for part in span.group(1).split("|")):
            if not name:
                continue
            if name.endswith("[]"):
                alternatives.append("array")
                items.append(name[:-2].strip())
            elif between == "of" and alternatives and alternatives[-1] == "array":
                items.append(name)
            else:
                alternatives.append(name)
    return VendorType(text=plain, alternatives=tuple(dict.fromkeys(alternatives)), items=tuple(items))
