"""The docs target's view: the model, and the runtime's defaults, as the Markdown pages print them."""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator.config import Config
from generator.model.ir import Api, ErrorCase, Field, Operation, Record
from generator.runtime_facts import RuntimeFacts
from generator.views import text
from generator.views.calls import curl_call, python_call
from generator.views.doc_examples import IndexExamples, index_examples
from generator.views.labels import constraint_labels, type_label
from generator.views.outcomes import failure_counts
from generator.views.safe import Identifier, MdBlock, MdCell, MdText


def md(value: str) -> MdText:
    """Prose made safe for a Markdown page."""
    return MdText(text.markdown_text(value))


def cell(value: str) -> MdCell:
    """Text made safe for a Markdown table cell."""
    return MdCell(text.markdown_cell(value))


@dataclass(frozen=True)
class DocRow:
    """A property in a table of arguments or of a response model."""

    wire_name: MdCell
    name: Identifier
    type: MdCell
    required: bool
    description: MdCell


@dataclass(frozen=True)
class DocTable:
    """A record's properties."""

    name: Identifier
    description: MdText | None
    rows: tuple[DocRow, ...]


@dataclass(frozen=True)
class DocExample:
    """A response example with the number of failed items it holds."""

    title: MdText
    failures: int
    description: MdText | None
    block: MdBlock


@dataclass(frozen=True)
class DocError:
    """A row of an error table."""

    status: MdCell
    code: MdCell
    message: MdCell
    when: MdCell
    exception: Identifier


@dataclass(frozen=True)
class DocOutcomes:
    """How a many-item method reports per-item outcomes."""

    chunk_size: int
    request_wire_name: MdCell
    request_field: Identifier
    wire_path: MdCell
    success_wire_name: MdCell
    errors_wire_name: MdCell | None
    success_attribute: Identifier
    errors_attribute: Identifier | None


@dataclass(frozen=True)
class DocOperation:
    """One method's page."""

    method: Identifier
    summary: MdCell
    description: MdText
    call_path: Identifier
    http_method: Identifier
    scopes: tuple[MdCell, ...]
    webhook_allowed: bool
    idempotent: bool
    deprecated: bool
    outcomes: DocOutcomes | None
    python_example: MdBlock
    curl_example: MdBlock
    example_summary: MdText | None
    arguments: tuple[DocTable, ...]
    response: MdCell
    response_tables: tuple[DocTable, ...]
    response_examples: tuple[DocExample, ...]
    method_errors: tuple[DocError, ...]
    system_errors: tuple[DocError, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class DocErrorClass:
    """A row of the index's table of exception classes."""

    code: MdCell
    name: Identifier
    bases: MdCell
    statuses: MdCell


@dataclass(frozen=True)
class DocDefaults:
    """The runtime's defaults, as the index states them."""

    standard_burst: int
    standard_drain: MdText
    enterprise_burst: int
    enterprise_drain: MdText
    max_retries: int
    backoff_base: MdText
    backoff_max: MdText
    max_rate_limit_wait: MdText
    connect_timeout: MdText
    read_timeout: MdText
    retried_statuses: MdText
    token_url: MdText
    chunk_size: int
    time_limit_error: Identifier
    batch_size: int
    page_size: int
    max_connections: int
    token_timeout: MdText


@dataclass(frozen=True)
class DocApi:
    """What the docs templates see as `api`."""

    title: MdText
    package: Identifier
    operations: tuple[DocOperation, ...]
    error_classes: tuple[DocErrorClass, ...]
    defaults: DocDefaults
    examples: IndexExamples
    exception_tree: MdBlock
    """The runtime's exception hierarchy, as its `errors` module draws it."""
    sources: tuple[str, ...]


def docs_view(api: Api, config: Config, facts: RuntimeFacts) -> DocApi:
    """The docs target's view of `api`."""
    defaults = _defaults(api, facts)
    return DocApi(
        title=md(config.title),
        package=Identifier(config.package),
        operations=tuple(
            _operation(op, api, config.package, failure_counts(op, facts.read_bool)) for op in api.operations
        ),
        error_classes=tuple(
            DocErrorClass(
                cell(e.code),
                Identifier(e.name),
                cell(", ".join(e.bases)),
                cell(", ".join(map(str, e.statuses)) or "any"),
            )
            for e in api.error_classes
        ),
        defaults=defaults,
        examples=index_examples(api, config.package, _example_defaults(defaults)),
        exception_tree=MdBlock.fenced(facts.exception_tree, ""),
        sources=api.sources,
    )


def _operation(op: Operation, api: Api, package: str, failures: tuple[int, ...]) -> DocOperation:
    call = op.request_examples[0]
    outcomes = op.item_results
    arguments = api.reachable((op.request_record,)) if op.request_record else ()
    return DocOperation(
        method=Identifier(op.method),
        summary=cell(op.summary),
        description=md(op.description),
        call_path=Identifier(op.call_path),
        http_method=Identifier(op.http_method),
        scopes=tuple(cell(s) for s in op.scopes),
        webhook_allowed=op.webhook_allowed,
        idempotent=op.idempotent,
        deprecated=op.deprecated,
        outcomes=(
            DocOutcomes(
                chunk_size=outcomes.chunk_size,
                request_wire_name=cell(outcomes.request_wire_name),
                request_field=Identifier(outcomes.request_field),
                wire_path=cell(".".join(outcomes.wire_path)),
                success_wire_name=cell(outcomes.success_wire_name),
                errors_wire_name=cell(outcomes.errors_wire_name) if outcomes.errors_wire_name else None,
                success_attribute=Identifier(outcomes.success_attribute),
                errors_attribute=Identifier(outcomes.errors_attribute) if outcomes.errors_attribute else None,
            )
            if outcomes
            else None
        ),
        python_example=MdBlock.fenced(python_call(op, package, call), "python"),
        curl_example=MdBlock.fenced(curl_call(op, call), "sh"),
        example_summary=md(call.summary) if call.summary.strip() else None,
        arguments=tuple(_table(r) for r in arguments),
        response=cell(type_label(op.response)),
        response_tables=tuple(_table(r) for r in api.reachable(op.response.records())),
        response_examples=tuple(
            DocExample(
                title=md(e.summary) if e.summary.strip() else md(e.name),
                failures=n,
                description=md(e.description) if e.description.strip() else None,
                block=MdBlock.fenced(json.dumps(e.value, indent=2, ensure_ascii=False), "json"),
            )
            for e, n in zip(op.response_examples, failures, strict=True)
        ),
        method_errors=tuple(_error(e) for e in op.errors if not e.system),
        system_errors=tuple(_error(e) for e in op.errors if e.system),
        sources=(op.source,),
    )


def _table(record: Record) -> DocTable:
    return DocTable(
        name=Identifier(record.name),
        description=md(record.description) if record.description.strip() else None,
        rows=tuple(_row(f) for f in record.fields),
    )


def _row(f: Field) -> DocRow:
    rules = [text.markdown_cell(rule) for rule in constraint_labels(f.constraints, pattern=False)]
    if f.constraints.pattern is not None:
        rules.append("matches " + text.markdown_code_cell(f.constraints.pattern))
    described = MdCell(text.markdown_cell(f.description) + (f" ({', '.join(rules)})" if rules else ""))
    return DocRow(
        wire_name=cell(f.wire_name),
        name=Identifier(f.name),
        type=cell(type_label(f.type) + (" or null" if f.nullable else "")),
        required=f.required,
        description=described,
    )


def _error(e: ErrorCase) -> DocError:
    return DocError(
        status=cell(str(e.status) if e.status else "any"),
        code=cell(e.code),
        message=cell(e.message),
        when=cell(e.when),
        exception=Identifier(e.exception),
    )


def _defaults(api: Api, facts: RuntimeFacts) -> DocDefaults:
    pacer, retry, auth = facts.module("pacer"), facts.module("retry"), facts.module("auth")
    policy = retry.RetryPolicy()
    time_limit = next((e.name for e in api.error_classes if e.code.lower() == "operation_time_limit"), "RateLimitError")
    return DocDefaults(
        standard_burst=pacer.STANDARD_PLAN.burst,
        standard_drain=md(f"{pacer.STANDARD_PLAN.drain_per_second:g}"),
        enterprise_burst=pacer.ENTERPRISE_PLAN.burst,
        enterprise_drain=md(f"{pacer.ENTERPRISE_PLAN.drain_per_second:g}"),
        max_retries=policy.max_retries,
        backoff_base=md(f"{policy.backoff_base:g}"),
        backoff_max=md(f"{policy.backoff_max:g}"),
        max_rate_limit_wait=md(f"{policy.max_rate_limit_wait:g}"),
        connect_timeout=md(f"{facts.connect_timeout:g}"),
        read_timeout=md(f"{facts.read_timeout:g}"),
        retried_statuses=md("/".join(str(s) for s in sorted(retry.RETRIED_STATUSES))),
        token_url=md(auth.DEFAULT_TOKEN_URL),
        chunk_size=facts.default_chunk_size,
        time_limit_error=Identifier(time_limit),
        batch_size=facts.module("batch").MAX_COMMANDS,
        page_size=facts.module("paging").DEFAULT_PAGE_SIZE,
        max_connections=facts.max_connections,
        token_timeout=md(f"{auth.TOKEN_TIMEOUT:g}"),
    )


def _example_defaults(d: DocDefaults) -> dict[str, str]:
    """The defaults the index's examples quote in their comments."""
    return {
        "burst": str(d.standard_burst),
        "drain": str(d.standard_drain),
        "max_retries": str(d.max_retries),
        "backoff_base": str(d.backoff_base),
        "backoff_max": str(d.backoff_max),
        "wait": str(d.max_rate_limit_wait),
        "connect": str(d.connect_timeout),
        "read": str(d.read_timeout),
    }
