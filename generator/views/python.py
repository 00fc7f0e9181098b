"""The client target's view: the model as the Python package's templates print it."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass

from generator import naming
from generator.config import Config
from generator.model.ir import Api, ErrorClass, Field, Operation, Record
from generator.runtime_facts import RuntimeFacts
from generator.views import text
from generator.views.calls import python_call
from generator.views.labels import constraint_labels, type_label
from generator.views.python_records import PyModel, doc, model_view
from generator.views.python_types import (
    COMMON_MODULE,
    annotation,
    argument_annotation,
    decoder,
    import_line,
    names_used,
    record_homes,
    writer,
)
from generator.views.safe import DocText, Identifier, MdBlock, MdCell, MdText, PyCode, PyLiteral, TomlText


@dataclass(frozen=True)
class PyParam:
    """A method argument."""

    name: Identifier
    annotation: PyCode
    optional: bool
    wire_literal: PyLiteral
    doc: DocText


@dataclass(frozen=True)
class PyItemResults:
    """The literals of an endpoint's `ItemResultsSpec`."""

    request: PyLiteral
    response: PyLiteral
    success: PyLiteral
    errors: PyLiteral
    chunk_size: int
    match: PyLiteral


@dataclass(frozen=True)
class PyListIter:
    """A list method's `*_iter` twin: every item, page after page."""

    function: Identifier
    item_annotation: PyCode
    attributes: PyLiteral
    params: tuple[PyParam, ...]
    """The method's arguments but `start`, which the twin sets itself."""


@dataclass(frozen=True)
class PyOperation:
    """A method: its endpoint declaration and its method classes."""

    method: Identifier
    method_literal: PyLiteral
    summary_doc: DocText
    summary_cell: MdCell
    example: MdBlock
    """The first request example as a call, for the README."""
    description_doc: DocText | None
    policy_doc: DocText
    namespace: Identifier | None
    """None for a method without a dot, which sits on the client itself."""
    function: Identifier
    call_path: Identifier
    """How a user reaches it: `client.imconnector.delete_messages`, `client.profile`."""
    raw_function: Identifier
    command_function: Identifier
    module: Identifier
    method_module: Identifier
    mixin_name: Identifier
    async_mixin_name: Identifier
    endpoint_name: Identifier
    params: tuple[PyParam, ...]
    return_annotation: PyCode
    returns_doc: DocText
    exceptions_doc: DocText
    imports: tuple[PyCode, ...]
    type_imports: tuple[PyCode, ...]
    list_iter: PyListIter | None
    """Imports needed only by annotations (under `if TYPE_CHECKING:`)."""
    decoder: PyCode
    rules_literal: PyLiteral
    contexts_literal: PyLiteral
    idempotent: bool
    writers: tuple[tuple[PyLiteral, PyCode], ...]
    """How the arguments that need it are written (a "Y"/"N" boolean), by wire name."""
    errors_at: PyLiteral | None
    item_results: PyItemResults | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PyModule:
    """A module of models: `common`, or one method's."""

    name: Identifier
    doc: DocText
    models: tuple[PyModel, ...]
    operations: tuple[PyOperation, ...]
    imports: tuple[PyCode, ...]
    has_outcomes: bool
    has_item_results: bool
    """True if an endpoint of the module declares per-item outcomes (`ItemResultsSpec`)."""
    has_patterns: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PyNamespace:
    """A method group: `client.imconnector`."""

    name: Identifier
    class_name: Identifier
    async_class_name: Identifier
    operations: tuple[PyOperation, ...]
    method_modules_import: PyCode
    """The import of the method modules whose classes the namespace mixes in."""
    type_import: PyCode
    """The import of its two classes, for the client's annotations."""
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PyErrorCase:
    """One documented case of an error code, for its class's docstring."""

    where_doc: DocText
    message_doc: DocText | None
    when_doc: DocText | None


@dataclass(frozen=True)
class PyErrorClass:
    """The exception class of an error code."""

    name: Identifier
    bases: PyCode
    code_doc: DocText
    code_literal: PyLiteral
    summary_doc: DocText
    cases: tuple[PyErrorCase, ...]


@dataclass(frozen=True)
class PyApi:
    """What the client's templates see as `api`."""

    package: Identifier
    title_doc: DocText
    title_md: MdText
    title_toml: TomlText
    distribution_md: MdText
    distribution_toml: TomlText
    version_toml: TomlText
    version_literal: PyLiteral
    python_requires_md: MdText
    python_requires_toml: TomlText
    operations: tuple[PyOperation, ...]
    namespaces: tuple[PyNamespace, ...]
    root_operations: tuple[PyOperation, ...]
    """The methods without a dot, mixed into the clients themselves."""
    root_import: PyCode
    modules: tuple[PyModule, ...]
    error_classes: tuple[PyErrorClass, ...]
    exceptions: tuple[Identifier, ...]
    """The runtime's exception classes, re-exported by the generated `errors` module."""
    exception_tree_doc: DocText
    """The runtime's drawing of its exception hierarchy, indented for the `errors` docstring."""
    public: tuple[tuple[Identifier, Identifier], ...]
    """The runtime's public names and the runtime module of each, re-exported by the package."""
    public_imports: tuple[PyCode, ...]
    """The same as import statements, one per runtime module."""
    sources: tuple[str, ...]

    @property
    def has_models(self) -> bool:
        """True when some module defines models (the models package then imports them)."""
        return any(m.models for m in self.modules)


def python_view(api: Api, config: Config, facts: RuntimeFacts) -> PyApi:
    """The client target's view of `api`."""
    homes = record_homes(api)
    operations = tuple(_operation(op, config.package, homes, api.records_by_name) for op in api.operations)
    by_method = {op.method: py for op, py in zip(api.operations, operations, strict=True)}
    return PyApi(
        package=Identifier(config.package),
        title_doc=doc(config.title),
        title_md=MdText(text.markdown_text(config.title)),
        title_toml=TomlText(config.title),
        distribution_md=MdText(text.markdown_text(config.distribution)),
        distribution_toml=TomlText(config.distribution),
        version_toml=TomlText(config.version),
        version_literal=PyLiteral.of(config.version),
        python_requires_md=MdText(f"`{config.python_requires}`"),  # the configuration holds no backticks
        python_requires_toml=TomlText(config.python_requires),
        operations=operations,
        namespaces=tuple(
            PyNamespace(
                name=Identifier(ns.name),
                class_name=Identifier(_pascal(ns.name) + "Methods"),
                async_class_name=Identifier("Async" + _pascal(ns.name) + "Methods"),
                operations=tuple(by_method[op.method] for op in ns.operations),
                method_modules_import=PyCode(import_line(".", ("_" + op.module for op in ns.operations))),
                type_import=PyCode(
                    import_line(
                        f".methods.{ns.name}", (f"Async{_pascal(ns.name)}Methods", f"{_pascal(ns.name)}Methods")
                    )
                ),
                sources=tuple(sorted({op.source for op in ns.operations})),
            )
            for ns in api.namespaces
            if ns.name
        ),
        root_operations=tuple(by_method[op.method] for op in api.operations if not op.namespace),
        root_import=PyCode(import_line(".methods", ("_" + op.module for op in api.operations if not op.namespace))),
        modules=_modules(api, homes, by_method),
        error_classes=tuple(_error_class(e) for e in api.error_classes),
        exceptions=tuple(Identifier(n) for n in sorted(facts.exception_names)),
        exception_tree_doc=DocText(text.docstring_verbatim(textwrap.indent(facts.exception_tree, "    "))),
        public=tuple((Identifier(name), Identifier(module)) for name, module in facts.public_api),
        public_imports=tuple(
            PyCode(import_line(f"._runtime.{module}", (n for n, m in facts.public_api if m == module)))
            for module in sorted({m for _, m in facts.public_api})
        ),
        sources=api.sources,
    )


def _operation(op: Operation, package: str, homes: dict[str, str], records: dict[str, Record]) -> PyOperation:
    params = tuple(_param(f) for f in op.params)
    returned = annotation(op.response)
    needed: dict[str, set[str]] = {}
    listed = op.list_items
    for t in (*(f.type for f in op.params), op.response, *((listed.item,) if listed else ())):
        for name in t.records():
            needed.setdefault(homes.get(name, op.module), set()).add(name)
    abc = names_used((p.annotation for p in params), ("Mapping", "Sequence"))
    typing = ("TYPE_CHECKING", *names_used((p.annotation for p in params), ("Any",)))
    imports = ([f"from collections.abc import {', '.join(abc)}"] if abc else []) + [
        f"from typing import {', '.join(typing)}"
    ]
    outcomes = op.item_results
    policy = f"Scope: {', '.join(op.scopes) or 'none'}. Auth: {' or '.join(op.contexts)} context."
    returns = type_label(op.response)
    if outcomes:
        returns += "; `.failed` lists the items the portal did not process (HTTP 200 with partial failure)"
    exceptions = ", ".join(sorted({e.exception for e in op.errors})) + "." if op.errors else ""
    return PyOperation(
        method=Identifier(op.method),
        method_literal=PyLiteral.of(op.method),
        summary_doc=doc(op.summary),
        summary_cell=MdCell(text.markdown_cell(op.summary)),
        example=MdBlock.fenced(python_call(op, package, op.request_examples[0]), "python"),
        description_doc=doc(op.description) if op.description.strip() else None,
        policy_doc=doc(policy + (" Safe to repeat." if op.idempotent else "")),
        namespace=Identifier(op.namespace) if op.namespace else None,
        function=Identifier(op.function),
        call_path=Identifier(op.call_path),
        raw_function=Identifier(op.function + "_raw"),
        command_function=Identifier(op.function + "_command"),
        module=Identifier(op.module),
        method_module=Identifier("_" + op.module),
        mixin_name=Identifier(_pascal(op.function) + "Method"),
        async_mixin_name=Identifier("Async" + _pascal(op.function) + "Method"),
        endpoint_name=Identifier(op.module.upper()),
        params=params,
        return_annotation=PyCode(returned),
        returns_doc=doc(returns + "."),
        exceptions_doc=DocText(textwrap.fill(text.docstring_text(exceptions), 72)),
        imports=tuple(PyCode(line) for line in imports),
        type_imports=tuple(
            PyCode(import_line(f"..models.{module}", names)) for module, names in sorted(needed.items())
        ),
        decoder=PyCode(decoder(op.response)),
        rules_literal=PyLiteral.of(json.dumps(op.argument_rules, ensure_ascii=True, separators=(",", ":"))),
        contexts_literal=PyLiteral.of(op.contexts),
        idempotent=op.idempotent,
        writers=tuple(
            (PyLiteral.of(f.wire_name), PyCode(w)) for f in op.params if (w := writer(f.type, records)) is not None
        ),
        errors_at=PyLiteral.of(op.errors_at) if op.errors_at is not None else None,
        item_results=(
            PyItemResults(
                request=PyLiteral.of(outcomes.request_wire_name),
                response=PyLiteral.of(outcomes.wire_path),
                success=PyLiteral.of(outcomes.success_wire_name),
                errors=PyLiteral.of(outcomes.errors_wire_name),
                chunk_size=outcomes.chunk_size,
                match=PyLiteral.of(outcomes.match),
            )
            if outcomes
            else None
        ),
        list_iter=(
            PyListIter(
                function=Identifier(op.function + "_iter"),
                item_annotation=PyCode(annotation(listed.item) + (" | None" if listed.item_nullable else "")),
                attributes=PyLiteral.of(listed.attributes),
                params=tuple(p for p, f in zip(params, op.params, strict=True) if f.wire_name != "start"),
            )
            if listed
            else None
        ),
        sources=(op.source,),
    )


def _param(f: Field) -> PyParam:
    annotated = argument_annotation(f.type) + (" | None = None" if f.optional else "")
    rules = constraint_labels(f.constraints)
    described = f.description + (f" Constraints: {', '.join(rules)}." if rules else "")
    return PyParam(Identifier(f.name), PyCode(annotated), f.optional, PyLiteral.of(f.wire_name), doc(described))


def _modules(api: Api, homes: dict[str, str], by_method: dict[str, PyOperation]) -> tuple[PyModule, ...]:
    outcomes = {op.response.record: op.item_results for op in api.operations if op.item_results}
    modules: list[PyModule] = []
    names = [COMMON_MODULE] if COMMON_MODULE in homes.values() else []
    records_of: dict[str, list[Record]] = {}
    for record in api.records:
        records_of.setdefault(homes.get(record.name, ""), []).append(record)
    ops_of: dict[str, list[Operation]] = {}
    for op in api.operations:
        ops_of.setdefault(op.module, []).append(op)
    for module in (*names, *(op.module for op in api.operations)):
        records = tuple(records_of.get(module, ()))
        ops = tuple(ops_of.get(module, ()))
        mentioned = {n for r in records for t in r.types() for n in t.records()}
        mentioned |= {
            n for op in ops for n in (op.response.records() + ((op.request_record,) if op.request_record else ()))
        }
        shared = sorted(n for n in mentioned if homes.get(n) == COMMON_MODULE and module != COMMON_MODULE)
        models = tuple(model_view(r, outcomes.get(r.name), api.records_by_name) for r in records)
        what = "Models shared by several methods." if not ops else f"Request and response models of `{ops[0].method}`."
        modules.append(
            PyModule(
                name=Identifier(module),
                doc=DocText(text.docstring_text(what)),
                models=models,
                operations=tuple(by_method[op.method] for op in ops),
                imports=(PyCode(import_line(f".{COMMON_MODULE}", shared)),) if shared else (),
                has_outcomes=any(m.outcomes for m in models),
                has_item_results=any(op.item_results for op in ops),
                has_patterns=any(m.patterns for m in models),
                sources=tuple(sorted({r.source for r in records} | {op.source for op in ops})),
            )
        )
    return tuple(sorted(modules, key=lambda m: str(m.name)))  # isort's order of `from .x import`


def _error_class(e: ErrorClass) -> PyErrorClass:
    return PyErrorClass(
        name=Identifier(e.name),
        bases=PyCode(", ".join(str(Identifier(b)) for b in e.bases)),
        code_doc=doc(e.code),
        code_literal=PyLiteral.of(e.code),
        summary_doc=doc(e.summary),
        cases=tuple(
            PyErrorCase(
                where_doc=DocText(f"HTTP {c.status}" if c.status else "any status"),
                message_doc=doc(c.message) if c.message.strip() else None,
                when_doc=doc(c.when) if c.when.strip() else None,
            )
            for c in e.cases
        ),
    )


def _pascal(name: str) -> str:
    return naming.pascal_case(name)
