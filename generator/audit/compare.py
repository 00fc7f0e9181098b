"""The differences between a vendor page and a spec's method, each with a stable key.

A difference's key (`parameter-missing MESSAGES.user.id`, `error-extra 429 OPERATION_TIME_LIMIT`)
names what differs without saying where, so that the accepted-differences file can name it and a
line moving does not make an acceptance stale. Something the page has and the spec lacks is
located on the page; everything else in the spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.audit.markdown import Where
from generator.audit.page import ErrorCode, PageField, PageMethod
from generator.audit.spec_side import SchemaReader, SpecField, SpecMethod
from generator.audit.vendor_types import ANY, parse_vendor_type
from generator.refs import Location

Side = Literal["parameter", "field"]


@dataclass(frozen=True)
class Difference:
    """One way the page and the spec disagree about `method`."""

    method: str
    key: str
    where: Where
    message: str

    def sort_key(self) -> tuple[str, int, str, str]:
        """Differences are listed by file, then line."""
        return (self.where.file, self.where.line, self.method, self.key)

    def __str__(self) -> str:
        return f"{self.where}: {self.method}: {self.key}: {self.message}"


def compare_method(page: PageMethod, spec: SpecMethod, reader: SchemaReader) -> list[Difference]:
    """Every difference between what `page` documents and what `spec` says."""
    found: list[_Found] = []
    arguments = reader.fields(spec.request) if spec.request is not None else None
    _compare_fields(reader, page.parameters, arguments or {}, "", "parameter", found)
    answer = reader.fields(spec.answer) if spec.answer is not None else None
    envelope = answer or {}
    result = envelope.get("result")
    if result is None:
        found.append(
            ("field-missing result", page.result.where, "the page documents `result`; the spec's 200 answer has none")
        )
    else:
        _compare_field(reader, page.result, result, "result", "field", found)
    _compare_fields(
        reader,
        page.envelope,
        {k: v for k, v in envelope.items() if k != "result"},
        "",
        "field",
        found,
        report_extra=False,
    )
    _compare_errors(page.errors, spec.errors, found)
    return [Difference(spec.name, key, where, message) for key, where, message in found]


_Found = tuple[str, Where, str]


def _compare_fields(
    reader: SchemaReader,
    page_fields: tuple[PageField, ...],
    spec_fields: dict[str, SpecField],
    prefix: str,
    side: Side,
    found: list[_Found],
    *,
    report_extra: bool = True,
) -> None:
    what = "argument" if side == "parameter" else "field"
    named = {field.name for field in page_fields}
    for field in page_fields:
        path = f"{prefix}{field.name}"
        spec_field = spec_fields.get(field.name)
        if spec_field is None:
            found.append(
                (f"{side}-missing {path}", field.where, f"the page lists {what} `{path}`; the spec does not have it")
            )
            continue
        _compare_field(reader, field, spec_field, path, side, found)
    if report_extra:
        for name, spec_field in spec_fields.items():
            if name not in named:
                path = f"{prefix}{name}"
                found.append(
                    (
                        f"{side}-extra {path}",
                        reader.where(spec_field.location),
                        f"the spec has {what} `{path}`; the page does not list it",
                    )
                )


def _compare_field(
    reader: SchemaReader, field: PageField, spec_field: SpecField, path: str, side: Side, found: list[_Found]
) -> None:
    spec_where = reader.where(spec_field.location)
    if field.type_text:
        _compare_type(reader, field, spec_field.location, path, side, spec_where, found)
    if side == "parameter" and field.required != spec_field.required:
        says = "requires" if field.required else "does not require"
        spec_says = "does" if spec_field.required else "does not"
        found.append(
            (f"{side}-required {path}", spec_where, f"the page ({field.where}) {says} `{path}`; the spec {spec_says}")
        )
    if field.children is not None:
        nested = reader.fields(spec_field.location) or {}
        _compare_fields(reader, field.children, nested, f"{path}.", side, found)


def _compare_type(
    reader: SchemaReader,
    field: PageField,
    location: Location,
    path: str,
    side: Side,
    spec_where: Where,
    found: list[_Found],
) -> None:
    vendor = parse_vendor_type(field.type_text)
    unknown = vendor.unknown()
    if unknown or not vendor.alternatives:
        written = ", ".join(unknown) if unknown else field.type_text or "nothing"
        found.append(
            (f"unknown-type {path}", field.where, f"the page types `{path}` as {written}, not a type of data-types.md")
        )
        return
    allowed = vendor.allowed()
    actual = reader.types(location) - {"null"}
    if allowed is None or allowed is ANY or actual is ANY or not actual:
        return
    if not actual & allowed:
        page_types, spec_types = " | ".join(vendor.alternatives), " | ".join(sorted(actual))
        message = f"the page ({field.where}) types `{path}` as {page_types}; the spec as {spec_types}"
        found.append((f"{side}-type {path}", spec_where, message))


def _compare_errors(page: tuple[ErrorCode, ...], spec: tuple[ErrorCode, ...], found: list[_Found]) -> None:
    page_at = _first_of_each(page)
    spec_at = _first_of_each(spec)
    for (status, code), where in page_at.items():
        if (status, code) not in spec_at:
            elsewhere = sorted(s for s, c in spec_at if c == code)
            also = f" (it has it at {', '.join(elsewhere)})" if elsewhere else ""
            found.append(
                (
                    f"error-missing {status} {code}",
                    where,
                    f"the page lists {code} at status {status}; the spec does not{also}",
                )
            )
    for (status, code), where in spec_at.items():
        if (status, code) not in page_at:
            elsewhere = sorted(s for s, c in page_at if c == code)
            also = f" (it has it at {', '.join(elsewhere)})" if elsewhere else ""
            found.append(
                (
                    f"error-extra {status} {code}",
                    where,
                    f"the spec answers {code} at status {status}; the page does not list it{also}",
                )
            )


def _first_of_each(codes: tuple[ErrorCode, ...]) -> dict[tuple[str, str], Where]:
    """Each (status, code) once, at the first place it is written (a page lists ERROR_ARGUMENT per argument)."""
    first: dict[tuple[str, str], Where] = {}
    for status, code, where in codes:
        first.setdefault((status, code), where)
    return first
