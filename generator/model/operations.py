"""The methods of a spec: one per path, with the names the client gives them and their policies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator import naming
from generator.model.ir import Context
from generator.model.reader import SpecReader
from generator.pointers import unescape_pointer_token
from generator.refs import Location
from generator.runtime_facts import RuntimeFacts

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CONTEXTS: tuple[Context, ...] = ("application", "webhook")
TWIN_SUFFIXES = ("", "_raw", "_command", "_iter")
"""A method's function, and its twins: with the HTTP answers, as a batch command, every page's items."""
SAFE_OPERATION_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
METHOD_PATH = re.compile(r"^/[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")


@dataclass(frozen=True)
class OperationSite:
    """Where a method is in the spec, what it is called, and the policies the spec gives it."""

    location: Location
    data: dict[str, Any]
    method: str
    operation_id: str
    http_method: str
    path: str
    namespace: str
    function: str
    module: str
    source: str
    summary: str
    description: str
    scopes: tuple[str, ...]
    contexts: tuple[Context, ...]
    idempotent: bool
    deprecated: bool
    errors_at: tuple[str, ...] | None


def read_operations(reader: SpecReader, facts: RuntimeFacts) -> list[OperationSite]:
    """Every method of the spec's entry files, in method-name order, checked for clashes."""
    sites: list[OperationSite] = []
    for path in reader.spec.entries:
        paths = reader.spec.documents[path].data.get("paths") or {}
        if not isinstance(paths, dict):
            continue
        for key, item in paths.items():
            site = _site(reader, facts, Location(path, "/paths").child(key), key, item)
            if site is not None:
                sites.append(site)
    if not sites and not reader.problems:
        first = reader.spec.entries[0] if reader.spec.entries else next(iter(reader.spec.documents))
        reader.problem(Location(first, ""), "no methods found: no file of the spec has a path like '/crm.deal.get'")
    _check_unique(reader, sites)
    return sorted(sites, key=lambda s: s.method)


def _site(reader: SpecReader, facts: RuntimeFacts, location: Location, key: str, item: Any) -> OperationSite | None:
    """The method of one path item, checked for what a Bitrix24 method must be."""
    item_location, item = reader.resolve(location, item)
    if not isinstance(item, dict):
        return None
    present = [m for m in HTTP_METHODS if m in item]
    if not present:
        return None
    if len(present) > 1:
        reader.problem(location, f"one operation per method path expected, found {', '.join(present)}")
        return None
    op_location = item_location.child(present[0])
    op = item[present[0]]
    if not isinstance(op, dict):
        return None
    if not METHOD_PATH.match(key):
        reader.problem(
            location,
            f"path '{key}' is not a Bitrix24 method name: expected '/namespace.method' such as '/crm.deal.list' "
            "(or a name without a dot, such as '/profile')",
        )
        return None
    for at, params in ((item_location, item.get("parameters")), (op_location, op.get("parameters"))):
        if params:
            reader.problem(
                at.child("parameters"),
                "unsupported construct 'parameters': Bitrix24 methods take their arguments in the JSON request body",
            )
    method = key[1:]
    segments = method.split(".")
    operation_id = op.get("operationId", method)
    if not isinstance(operation_id, str) or not SAFE_OPERATION_ID.match(operation_id):
        reader.problem(
            op_location.child("operationId"),
            f"operationId {operation_id!r} is not a safe name: use letters, digits, '.', '_' and '-' "
            "(it must never turn into a path like '../x' or '/etc/x')",
        )
        operation_id = method
    if len(segments) == 1:  # a method without a dot sits on the client itself: client.profile()
        namespace, function = "", naming.attribute_name(method)
        function = function + "_" if function in facts.client_members else function
    else:
        namespace = naming.attribute_name(segments[0])
        namespace = namespace + "_" if namespace in facts.client_members else namespace
        function = naming.attribute_name(".".join(segments[1:]))
    security = op.get("security", reader.spec.documents[op_location.path].data.get("security"))
    return OperationSite(
        location=op_location,
        data=op,
        method=method,
        operation_id=operation_id,
        http_method=present[0].upper(),
        path=key,
        namespace=namespace,
        function=function,
        module=naming.safe_identifier(naming.snake_case(method), fallback="method"),
        source=reader.source(op_location),
        summary=_text(op.get("summary")) or method,
        description=_text(op.get("description")),
        scopes=_scopes(security),
        contexts=_contexts(reader, op_location, op),
        idempotent=_flag(reader, op_location, op, "x-bitrix24-idempotent"),
        deprecated=op.get("deprecated") is True,
        errors_at=_errors_at(reader, op_location, op),
    )


def _check_unique(reader: SpecReader, sites: list[OperationSite]) -> None:
    """Report methods, operationIds, modules and client attributes that two methods share."""
    for attr, what in (("method", "method"), ("operation_id", "operationId"), ("module", "module name")):
        first: dict[str, OperationSite] = {}
        for site in sites:
            key = getattr(site, attr)
            if key in first and (attr == "method" or first[key].method != site.method):
                reader.problem(site.location, f"duplicate {what} '{key}' (also at {reader.where(first[key].location)})")
            else:
                first[key] = site
    # A method without a dot is a client attribute, as a namespace is: the two may not meet.
    namespaces = {site.namespace: site for site in sites if site.namespace}
    for site in sites:
        for name in (site.function + suffix for suffix in TWIN_SUFFIXES) if not site.namespace else ():
            if name in namespaces:
                reader.problem(
                    site.location,
                    f"method '{site.method}' becomes client.{name}, the attribute of the methods "
                    f"'{namespaces[name].namespace}.*' (such as {namespaces[name].method})",
                )
    # Each method is also reached as <function>_raw and <function>_command: no other method's names.
    seen: dict[tuple[str, str], OperationSite] = {}
    for site in sites:
        for key in ((site.namespace, site.function + suffix) for suffix in TWIN_SUFFIXES):
            if key in seen and seen[key].method != site.method:
                reader.problem(
                    site.location,
                    f"methods '{seen[key].method}' and '{site.method}' both become client.{key[0]}.{key[1]}",
                )
            seen.setdefault(key, site)


def _flag(reader: SpecReader, location: Location, op: dict[str, Any], key: str) -> bool:
    """A boolean extension of the operation (false when absent)."""
    value = op.get(key, False)
    if not isinstance(value, bool):
        reader.problem(location.child(key), f"{key} must be true or false")
        return False
    return value


def _contexts(reader: SpecReader, location: Location, op: dict[str, Any]) -> tuple[Context, ...]:
    """The auth contexts the method accepts (`x-bitrix24-contexts`, default both)."""
    key = "x-bitrix24-contexts"
    value = op.get(key, list(CONTEXTS))
    if not isinstance(value, list) or not value or any(v not in CONTEXTS for v in value):
        reader.problem(location.child(key), f"{key} must be a non-empty list of {', '.join(CONTEXTS)}")
        return CONTEXTS
    return tuple(c for c in CONTEXTS if c in value)


def _errors_at(reader: SpecReader, location: Location, op: dict[str, Any]) -> tuple[str, ...] | None:
    """`x-bitrix24-errors-at`: the JSON pointer, into a 200 answer, of an error the answer carries."""
    key = "x-bitrix24-errors-at"
    pointer = op.get(key)
    if pointer is None:
        return None
    if not isinstance(pointer, str) or not pointer.startswith("/") or pointer == "/":
        reader.problem(location.child(key), f"{key} must be a JSON pointer into the 200 answer, like /result")
        return None
    return tuple(unescape_pointer_token(t) for t in pointer[1:].split("/"))


def _scopes(security: Any) -> tuple[str, ...]:
    """The OAuth scopes named by security requirements."""
    scopes: set[str] = set()
    for requirement in security if isinstance(security, list) else []:
        if isinstance(requirement, dict):
            for values in requirement.values():
                scopes.update(str(v) for v in values or [] if isinstance(values, list))
    return tuple(sorted(scopes))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
