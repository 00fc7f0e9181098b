"""The model of an API (`generator.model.ir`), built from a loaded, validated spec.

    build_model(spec, facts)
      operations.read_operations   the methods, their names and policies
      messages.read_request        arguments (schemas.SchemaReader), rules, examples
      messages.read_response       the success answer's type and examples
      errors.error_cases           documented errors; errors.exception_names, error_classes
      item_results.item_results    per-item outcomes (x-bitrix24-item-results)

Every step reads the spec through one `SpecReader`, which collects problems instead of stopping
at the first; the model is returned only when there are none. Names the runtime owns
(`generator.runtime_facts`) are never given to anything generated.
"""

from __future__ import annotations

from generator.loader import SpecSet
from generator.model.errors import DocumentedError, check_stable_groups, error_cases, error_classes, exception_names
from generator.model.ir import Api, Namespace, Operation, Record
from generator.model.item_results import item_results
from generator.model.list_methods import list_items
from generator.model.messages import Request, Response, read_request, read_response
from generator.model.operations import OperationSite, read_operations
from generator.model.reader import SpecReader
from generator.model.schemas import RecordDraft, SchemaReader
from generator.problems import Problem
from generator.runtime_facts import RuntimeFacts

TYPING_NAMES = frozenset({"Any", "ClassVar", "Mapping", "Sequence", "Self", "TYPE_CHECKING"})
"""Names the generated modules import from `typing` and `collections.abc` (no record may take one)."""
CLIENT_CLASSES = frozenset({"Client", "AsyncClient"})


def schema_reader(reader: SpecReader, facts: RuntimeFacts) -> SchemaReader:
    """The schema reader `build_model` uses: record names may not shadow what the package exports."""
    return SchemaReader(
        reader,
        reserved_classes=facts.exported | TYPING_NAMES | CLIENT_CLASSES,
        reserved_members=facts.model_members,
    )


def build_model(spec: SpecSet, facts: RuntimeFacts) -> tuple[Api | None, list[Problem]]:
    """The model of `spec`, or None and the problems that prevent building it."""
    reader = SpecReader(spec)
    schemas = schema_reader(reader, facts)
    sites = read_operations(reader, facts)
    parts = [_parts(schemas, facts, site) for site in sites]
    names = exception_names((case.code for *_, cases in parts for case in cases), facts)
    check_stable_groups(reader, [(site.method, site.location, cases) for site, _, _, cases in parts], facts)
    operations = tuple(
        _operation(site, request, response, cases, names, schemas, facts) for site, request, response, cases in parts
    )
    if reader.problems:
        return None, reader.problems
    records = _records(schemas, operations)
    namespaces = tuple(
        Namespace(name, tuple(sorted((op for op in operations if op.namespace == name), key=lambda o: o.function)))
        for name in sorted({op.namespace for op in operations})
    )  # the namespace "" holds the methods without a dot, which sit on the client itself
    sources = tuple(sorted({op.source for op in operations} | {r.source for r in records}))
    api = Api(operations, namespaces, records, error_classes(operations, facts), sources)
    return api, []


def _parts(
    schemas: SchemaReader, facts: RuntimeFacts, site: OperationSite
) -> tuple[OperationSite, Request, Response, tuple[DocumentedError, ...]]:
    request = read_request(schemas, site, facts.call_options)
    response = read_response(schemas, site)
    return site, request, response, error_cases(schemas.reader, site.location, site.data, site.errors_at)


def _operation(
    site: OperationSite,
    request: Request,
    response: Response,
    cases: tuple[DocumentedError, ...],
    names: dict[str, str],
    schemas: SchemaReader,
    facts: RuntimeFacts,
) -> Operation:
    outcomes = item_results(
        schemas.reader,
        facts,
        site.location,
        site.data,
        request.params,
        response.type.record,
        lambda name: tuple(schemas.by_name[name].fields),
    )
    return Operation(
        method=site.method,
        operation_id=site.operation_id,
        source=site.source,
        namespace=site.namespace,
        function=site.function,
        module=site.module,
        http_method=site.http_method,
        path=site.path,
        summary=site.summary,
        description=site.description,
        scopes=site.scopes,
        contexts=site.contexts,
        idempotent=site.idempotent,
        deprecated=site.deprecated,
        params=request.params,
        request_record=request.record,
        response=response.type,
        errors=tuple(case.named(names, facts) for case in cases),
        request_examples=request.examples,
        response_examples=response.examples,
        item_results=outcomes,
        errors_at=site.errors_at,
        argument_rules=request.rules,
        list_items=list_items(
            schemas.reader,
            site.location,
            site.data,
            request.params,
            response.type,
            lambda name: tuple(schemas.by_name[name].fields),
        ),
    )


def _records(schemas: SchemaReader, operations: tuple[Operation, ...]) -> tuple[Record, ...]:
    """Every record, complete, each marked shared when several methods (or shared files) have it."""
    drafts = schemas.by_name
    users: dict[str, set[str]] = {}
    for op in operations:
        roots = [name for name in (op.request_record, op.response.record) if name]
        for name in _reachable(drafts, roots):
            users.setdefault(name, set()).add(op.method)
    shared = {
        name for name, methods in users.items() if len(methods) > 1 or schemas.reader.is_library(drafts[name].location)
    }
    shared = _reachable(drafts, sorted(shared))  # what a shared record refers to is shared too
    return tuple(
        Record(
            name=name,
            description=drafts[name].description,
            fields=tuple(drafts[name].fields),
            pattern_fields=tuple(drafts[name].pattern_fields),
            source=schemas.reader.source(drafts[name].location),
            shared=name in shared,
        )
        for name in sorted(users, key=lambda n: (n.lower(), n))
    )


def _reachable(drafts: dict[str, RecordDraft], roots: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen or name not in drafts:
            continue
        seen.add(name)
        stack.extend(drafts[name].refers_to)
    return seen
