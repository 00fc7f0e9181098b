"""Types as Python sees them: annotations, argument annotations, decoders, and where records live.

A record lives in the module of the one method that uses it, or in `common` when it is shared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.model.ir import Api, Record, TypeExpr

COMMON_MODULE = "common"
_SCALARS = {"any": "Any", "string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_READERS = {"any": "as_any", "string": "as_str", "integer": "as_int", "number": "as_float", "boolean": "as_bool"}
RUNTIME_MODEL = "_rt"
"""The name the generated model modules import the runtime's `model` module as."""


def annotation(t: TypeExpr) -> str:
    """The type of an attribute holding a value of `t`."""
    if t.kind == "record":
        return t.record or "Any"
    if t.kind in ("array", "map"):
        item = _nullable(annotation(t.item or TypeExpr("any")), t)
        return f"list[{item}]" if t.kind == "array" else f"dict[str, {item}]"
    if t.kind == "union":
        return _union(annotation(m) for m in t.members)
    if t.kind == "tuple":
        return f"tuple[{', '.join(annotation(m) for m in t.members)}]"
    return _SCALARS[t.kind]


def argument_annotation(t: TypeExpr) -> str:
    """What a method argument of type `t` accepts: records also as plain mappings."""
    if t.kind == "record":
        return f"{t.record} | Mapping[str, Any]"
    if t.kind in ("array", "map"):
        item = _nullable(argument_annotation(t.item or TypeExpr("any")), t)
        return f"Sequence[{item}]" if t.kind == "array" else f"Mapping[str, {item}]"
    if t.kind == "union":
        return _union(argument_annotation(m) for m in t.members)
    if t.kind == "tuple":
        return f"tuple[{', '.join(argument_annotation(m) for m in t.members)}]"
    return _SCALARS[t.kind]


_EXACT = {
    "any": "object",
    "string": "str",
    "integer": "int",
    "number": "int, float",
    "boolean": "bool",
    "array": "list",
    "tuple": "list",
    "map": "dict",
    "record": "dict",
    "union": "object",
}
"""The Python types a JSON value of each kind comes as (a union tries those alternatives first)."""


def decoder(t: TypeExpr) -> str:
    """An expression for a callable that reads a JSON value leniently into `annotation(t)`."""
    if t.kind == "record":
        return f"{t.record}.from_dict"
    if t.kind in ("array", "map"):
        item = decoder(t.item or TypeExpr("any"))
        if t.item_nullable:
            item = f"{RUNTIME_MODEL}.or_none({item})"
        return f"{RUNTIME_MODEL}.{'list_of' if t.kind == 'array' else 'dict_of'}({item})"
    if t.kind == "tuple":
        return f"{RUNTIME_MODEL}.tuple_of({', '.join(decoder(m) for m in t.members)})"
    if t.kind == "union":
        alternatives = ", ".join(f"(({_EXACT[m.kind] if not m.yn else 'bool, str'},), {decoder(m)})" for m in t.members)
        read = f"{RUNTIME_MODEL}.union_of({alternatives})"
        if t.discriminator is not None:
            readers = ", ".join(f"{value!r}: {record}.from_dict" for value, record in t.discriminator.mapping)
            return f"{RUNTIME_MODEL}.discriminated({t.discriminator.property!r}, {{{readers}}}, {read})"
        return read
    return f"{RUNTIME_MODEL}.{_READERS[t.kind]}"


def writer(t: TypeExpr, records: dict[str, Record]) -> str | None:
    """An expression for a callable that writes a value of `t` as JSON, where `to_wire` would not.

    Only a "Y"/"N" boolean needs one (and whatever holds one); None for everything else.
    """
    if not t.has_yn(records):
        return None
    if t.yn:
        return f"{RUNTIME_MODEL}.write_yn"
    if t.kind == "record":
        return f"{RUNTIME_MODEL}.write_record({t.record})"
    if t.kind in ("array", "map") and t.item is not None:
        inner = writer(t.item, records) or f"{RUNTIME_MODEL}.to_wire"
        return f"{RUNTIME_MODEL}.{'write_list' if t.kind == 'array' else 'write_map'}({inner})"
    return None  # a union or tuple holding a Y/N boolean: written as given


def _union(annotations: Iterable[str]) -> str:
    return " | ".join(dict.fromkeys(annotations))


def _nullable(item: str, t: TypeExpr) -> str:
    return f"{item} | None" if t.item_nullable else item


def names_used(annotations: Iterable[str], candidates: Iterable[str]) -> tuple[str, ...]:
    """Which of `candidates` the annotations mention (to import only those)."""
    text = " ".join(annotations)
    return tuple(name for name in candidates if re.search(rf"\b{name}\b", text))


def record_homes(api: Api) -> dict[str, str]:
    """The module of every record: its one method's, or `common`."""
    homes: dict[str, str] = {}
    for op in api.operations:
        roots = tuple(name for name in (op.request_record, op.response.record) if name)
        for record in api.reachable(roots):
            homes[record.name] = COMMON_MODULE if record.shared else op.module
    return homes


def import_line(module: str, names: Iterable[str]) -> str:
    """`from module import a, B, C` with the names in the order isort (and ruff) keep them.

    Constants first, then classes, then the rest, each group sorted.
    """

    def kind(name: str) -> int:
        return 0 if name.isupper() else 1 if name[:1].isupper() else 2

    ordered = sorted(set(names), key=lambda n: (kind(n), n))
    return f"from {module} import {', '.join(ordered)}" if ordered else ""
