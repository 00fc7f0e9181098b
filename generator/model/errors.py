"""Documented errors: the cases of each method, and one exception class per error code.

An error response documents its codes as named examples (`{error, error_description}`) or as an
`enum` of its `error` property. Cases from another file (shared components) are system errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from generator import naming
from generator.model.ir import ErrorCase, ErrorClass, Operation
from generator.model.reader import SpecReader
from generator.refs import Location
from generator.runtime_facts import RuntimeFacts


class DocumentedError(NamedTuple):
    """An error case as the spec documents it, before its code has a class name."""

    status: int | None
    code: str
    message: str
    when: str
    system: bool

    def named(self, names: dict[str, str], facts: RuntimeFacts) -> ErrorCase:
        """The case, with its exception class from `names` (by lower-cased code).

        An empty code (some pages document `"error": ""`) has no class of its own: the group of
        its status is raised.
        """
        exception = names[self.code.lower()] if self.code else facts.group_for_status(self.status).__name__
        return ErrorCase(self.status, self.code, self.message, self.when, exception, self.system)


def error_cases(
    reader: SpecReader, location: Location, op: dict[str, Any], errors_at: tuple[str, ...] | None = None
) -> tuple[DocumentedError, ...]:
    """Every documented error of one operation, own ones first, then system ones."""
    cases: dict[tuple[int | None, str, str], DocumentedError] = {}
    for key, raw in (op.get("responses") or {}).items():
        key = str(key)
        success = key.startswith("2")  # its error examples are errors inside HTTP 200
        status = int(key) if key.isdigit() else None
        response_location, response = reader.resolve(location.child("responses", key), raw)
        if not isinstance(response, dict):
            continue
        what = "the response" if success else "an error response"
        media = json_media(reader, response_location.child("content"), response.get("content"), what)
        if media is None:
            continue
        for case in _cases(reader, location, status, *media, only_errors=success, at=errors_at if success else None):
            cases.setdefault((case.status, case.code, " ".join(case.message.split())), case)
    return tuple(sorted(cases.values(), key=lambda c: (c.system, c.status or 0, c.code.lower(), c.message)))


def json_media(
    reader: SpecReader, location: Location, content: Any, what: str
) -> tuple[Location, dict[str, Any]] | None:
    """The JSON media type of a content map; any other media type is a problem."""
    if not isinstance(content, dict) or not content:
        return None
    for media_type, media in content.items():
        if media_type.split(";")[0].strip() in ("application/json", "*/*") or media_type.endswith("+json"):
            return location.child(media_type), media if isinstance(media, dict) else {}
    reader.problem(location, f"unsupported construct: {what} must be application/json, found {', '.join(content)}")
    return None


def _cases(
    reader: SpecReader,
    op_location: Location,
    status: int | None,
    location: Location,
    media: dict[str, Any],
    *,
    only_errors: bool = False,
    at: tuple[str, ...] | None = None,
) -> list[DocumentedError]:
    """The errors one error response documents: its examples, and any `enum` of `error`.

    With `only_errors` (a success response) only the examples that carry an error code count.
    """
    raw_examples: list[tuple[Location, Any]] = []
    if "example" in media:
        raw_examples.append((location.child("example"), {"value": media["example"]}))
    for name, raw in (media.get("examples") or {}).items():
        raw_examples.append(reader.resolve(location.child("examples", name), raw))
    cases = []
    for example_location, example in raw_examples:
        value = example.get("value") if isinstance(example, dict) else None
        if at is not None and not is_error_example(value):  # the error inside the answer
            value = error_inside(value, at)
        code = value.get("error") if isinstance(value, dict) else None
        if not isinstance(value, dict) or not isinstance(code, str) or (not code and (only_errors or status is None)):
            if not only_errors:
                reader.problem(example_location, "error example has no 'error' code (a string) in its value")
            continue
        message = value.get("error_description")
        when = example.get("summary") or example.get("description")
        # Another file's, or a bundle's component that came from the shared components' file.
        system = example_location.path != op_location.path or reader.is_library(example_location)
        cases.append(DocumentedError(status, code, _text(message), _text(when), system))
    if only_errors:
        return cases
    schema_location, schema = reader.resolve(location.child("schema"), media.get("schema", {}))
    error_schema = schema.get("properties", {}).get("error") if isinstance(schema, dict) else None
    if isinstance(error_schema, dict):
        _, error_schema = reader.resolve(schema_location.child("properties", "error"), error_schema)
        known = {c.code for c in cases}
        for code in error_schema.get("enum", []) if isinstance(error_schema, dict) else []:
            if isinstance(code, str) and code not in known:
                cases.append(DocumentedError(status, code, "", "", schema_location.path != op_location.path))
    return cases


def exception_names(codes: Iterable[str], facts: RuntimeFacts) -> dict[str, str]:
    """The exception class name of every error code (by lower-cased code), none clashing.

    `ERROR_NOT_FOUND` and `NOT_FOUND` would both be `NotFoundError`: the code that needs no
    prefix stripped keeps the short name, the other keeps its prefix (`ErrorNotFoundError`).
    Names the runtime's own exceptions have are never taken.
    """
    folded = {code.lower(): code for code in codes if code}
    names: dict[str, str] = {}
    taken: set[str] = set(facts.exception_names)
    for key in sorted(folded, key=lambda c: (c.startswith("error_"), c)):
        code = folded[key]
        short = _short_name(code)
        candidates = [short, naming.pascal_case(code) + "Error", short.replace("Error", "CodeError", 1)]
        name = next((n for n in candidates if n not in taken and n[:1].isalpha()), None)
        n = 2
        base = candidates[0][: -len("Error")]
        while name is None or name in taken:
            name, n = f"{base}{n}Error", n + 1
        names[key] = name
        taken.add(name)
    return names


def _short_name(code: str) -> str:
    """`ERROR_ARGUMENT` -> `ArgumentError`, `expired_token` -> `ExpiredTokenError`."""
    stem = re.sub(r"^ERROR_", "", code, flags=re.IGNORECASE) or code
    name = naming.pascal_case(stem) or "Unnamed"
    if name[0].isdigit():
        name = "Code" + name
    return name if name.endswith("Error") else name + "Error"


def check_stable_groups(
    reader: SpecReader, documented: list[tuple[str, Location, tuple[DocumentedError, ...]]], facts: RuntimeFacts
) -> None:
    """Refuse a code only methods document, at statuses of two groups: its exception's group
    would then depend on which methods the spec has, and adding one would move it.

    `documented` is (method, its location, its cases) for every method, in the spec's order.
    """
    system = {c.code.lower() for _, _, cases in documented for c in cases if c.system}
    first: dict[str, tuple[str, str, int | None]] = {}
    for method, location, cases in sorted(documented, key=lambda d: d[0]):
        for case in cases:
            code = case.code.lower()
            if not case.code or code in system:
                continue
            group = facts.group_for_status(case.status).__name__
            seen = first.setdefault(code, (group, method, case.status))
            if seen[0] != group:
                reader.problem(
                    location,
                    f"error code '{case.code}' is documented here at {case.status or 'any status'} ({group}) and by "
                    f"{seen[1]} at {seen[2] or 'any status'} ({seen[0]}): its exception's group would depend on "
                    "which methods the spec has; give it once in common.yaml#/components/examples with the "
                    "status that decides its group, and refer to it from both methods",
                )


def error_classes(operations: tuple[Operation, ...], facts: RuntimeFacts) -> tuple[ErrorClass, ...]:
    """One exception class per error code (codes compared case-insensitively).

    Its groups never move when a method documents the code at another status: the status the
    shared components give a system error decides; a code only methods document has one group
    (`check_stable_groups` refuses one that two methods give statuses of different groups).
    """
    by_code: dict[str, list[ErrorCase]] = {}
    for op in operations:
        for case in op.errors:
            if case.code:  # an empty code raises its status group: no class of its own
                by_code.setdefault(case.code.lower(), []).append(case)
    classes = []
    for folded in sorted(by_code):
        cases = by_code[folded]
        statuses = tuple(sorted({c.status for c in cases if c.status is not None}))
        deciding = sorted({c.status for c in cases if c.system and c.status is not None}) or list(statuses)
        summary = next((c.when for c in cases if c.when.strip()), "") or next(
            (c.message for c in cases if c.message.strip()), min(c.code for c in cases)
        )
        classes.append(
            ErrorClass(
                code=min(c.code for c in cases),
                name=cases[0].exception,
                bases=_groups(deciding, facts),
                statuses=statuses,
                cases=tuple(cases),
                summary=summary,
            )
        )
    return tuple(classes)


def _groups(statuses: list[int], facts: RuntimeFacts) -> tuple[str, ...]:
    """The runtime's groups of `statuses`, each once; the plain `ApiError` only when alone."""
    groups = list(dict.fromkeys(facts.group_for_status(s).__name__ for s in statuses)) or [
        facts.group_for_status(None).__name__
    ]
    specific = [g for g in groups if g != "ApiError"]
    return tuple(specific or groups)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def is_error_example(value: Any, at: tuple[str, ...] | None = None) -> bool:
    """True if an example's value is an error answer (`{error: CODE, ...}`), also inside at `at`."""
    if at is not None and not (isinstance(value, dict) and "error" in value):
        value = error_inside(value, at)
    return isinstance(value, dict) and isinstance(value.get("error"), str) and bool(value.get("error"))


def error_inside(value: Any, at: tuple[str, ...]) -> Any:
    """The object at the path `at` inside an answer (None when there is none)."""
    for key in at:
        value = value.get(key) if isinstance(value, dict) else None
    return value
