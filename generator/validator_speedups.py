"""Workarounds that make openapi-spec-validator 0.9.0 many times faster, with the same findings.

1. **Re-crawled meta-schemas.** Each check of a schema against its JSON Schema dialect makes a
   new meta-schema validator (jsonschema's `check_schema`), and the OAS 3.1 document validator is
   one instance whose resolver was never crawled: `referencing` then crawls the meta-schema
   registry again on every `$dynamicRef` (2,650 crawls for 166 files, 40% of the time). Here
   each validator is built once, with a crawled registry.
2. **Quadratic bookkeeping.** The schema keyword validator remembers the schemas it visited in
   lists checked with `in`; sets do the same in constant time.
3. **A fast path for the dialect check.** Checking one schema against the OpenAPI 3.1 dialect
   costs about 3 ms in Python; jsonschema-rs checks it against JSON Schema 2020-12 in 2 us. The
   OpenAPI dialect is 2020-12 plus a vocabulary of four keywords, so a schema that uses none of
   them (nor `pattern`, whose regex format only Python checks, nor `$schema`) and that
   jsonschema-rs finds valid is valid; any other schema takes the Python path, which also words
   every problem, so messages do not change.
4. **A fast path for the document check.** The same for a whole file against the OpenAPI 3.1
   document schema (4.3 ms in Python, 0.04 ms in jsonschema-rs): only a file jsonschema-rs
   refuses (or cannot take) is checked again in Python, which words the problems.

Both are applied by `speed_up` to the validator classes of `generator.oas_check`;
`tests/generator/test_validator_speedups.py` checks that upstream still needs them (so they go
when it does not) and that findings stay the same.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for


class IdSet(set[int]):
    """A set that answers the list methods the validator uses (`append`, `in`)."""

    def append(self, value: int) -> None:
        """Add `value` (a list's name for it)."""
        self.add(value)


def crawled(validator: Any) -> Any:
    """`validator` with its resolver over a crawled registry (found anchors are not re-crawled)."""
    resolver = validator._resolver  # jsonschema keeps no public way to give a resolver
    if resolver is not None:
        validator._resolver = resolver._registry.crawl().resolver(base_uri=resolver._base_uri)
    return validator


_DEFAULT = object()
"""`check_schema` called without a format checker: it then uses the meta-validator's own."""


@functools.cache
def meta_checker(cls: type, format_checker: Any, openapi: bool) -> Callable[[Any], None]:
    """`cls.check_schema(value, format_checker=...)`, its meta-validator built once.

    That is jsonschema's `check_schema`, or with `openapi` openapi-schema-validator's
    `check_openapi_schema`, which validates against the OpenAPI dialects' registry.
    """
    if format_checker is _DEFAULT:
        format_checker = cls.FORMAT_CHECKER  # type: ignore[attr-defined]
    meta_cls = validator_for(cls.META_SCHEMA, default=cls)  # type: ignore[attr-defined]
    if openapi:
        from openapi_schema_validator._specifications import REGISTRY

        meta = meta_cls(cls.META_SCHEMA, format_checker=format_checker, registry=REGISTRY)  # type: ignore[attr-defined]
    else:
        meta = meta_cls(cls.META_SCHEMA, format_checker=format_checker)  # type: ignore[attr-defined]
    crawled(meta)

    def check(value: Any) -> None:
        if plainly_valid(value):
            return
        for error in meta.iter_errors(value):
            raise SchemaError.create_from(error)

    return check


SLOW_PATH_KEYS = frozenset(
    {"discriminator", "xml", "externalDocs", "example", "pattern", "patternProperties", "$schema"}
)
"""Keys whose checks only the Python path makes (the OpenAPI vocabulary, regex formats, dialects)."""


def plainly_valid(schema: Any) -> bool:
    """True if `schema` is valid OpenAPI 3.1 for certain by the fast path (False: ask Python)."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - the fast path is an optimisation only
        return False
    stack = [schema]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if not SLOW_PATH_KEYS.isdisjoint(value):
                return False
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    try:
        return bool(jsonschema_rs.meta.is_valid(schema))
    except Exception:  # anything jsonschema-rs cannot take (a huge integer, a lone surrogate)
        return False


def faster_checker(checker: Callable[[Any], None]) -> Callable[[Any], None]:
    """The cached twin of a `check_schema` checker as openapi-spec-validator makes it."""
    func = getattr(checker, "func", checker)
    keywords = getattr(checker, "keywords", {}) or {}
    owner = getattr(func, "__self__", None)
    name = getattr(func, "__name__", "")
    if name not in ("check_schema", "check_openapi_schema") or owner is None:
        return checker  # not the shape this workaround knows: leave it alone
    return meta_checker(owner, keywords.get("format_checker", _DEFAULT), name == "check_openapi_schema")


class FastDocumentCheck:
    """A document validator that asks jsonschema-rs first and Python only about invalid documents."""

    def __init__(self, python: Any) -> None:
        self.python = python
        self._rust: Any = None
        self._broken = False

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        """The Python validator's errors; none at once when jsonschema-rs finds `instance` valid."""
        if not self._broken:
            try:
                if self._rust is None:
                    import jsonschema_rs

                    schema = dict(self.python.schema)
                    self._rust = jsonschema_rs.validator_cls_for(schema)(schema)
                if self._rust.is_valid(instance):
                    return iter(())
            except ImportError:
                self._broken = True  # no fast path here: Python alone, as upstream does
            except Exception:  # a value jsonschema-rs cannot take (a huge integer): Python decides
                pass
        return iter(self.python.iter_errors(instance))


_DONE: set[int] = set()


def speed_up(schema_validators: Iterable[Any], spec_schema_validators: Iterable[Any]) -> None:
    """Apply both workarounds (idempotent)."""
    for validator in spec_schema_validators:
        target = getattr(validator, "__wrapped__", validator)  # openapi-spec-validator's lazy proxies
        if id(target) not in _DONE:
            crawled(target)
            _DONE.add(id(target))
    for cls in schema_validators:
        if id(cls) in _DONE:
            continue
        _DONE.add(id(cls))
        cls.__init__ = _with_id_sets(cls.__init__)
        cls._get_schema_checker = _with_faster_checker(cls._get_schema_checker)


def _with_id_sets(init: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.visited_schema_ids = IdSet()
        self.meta_checked_schema_ids = IdSet()

    return __init__


def _with_faster_checker(get: Callable[..., Callable[[Any], None]]) -> Callable[..., Callable[[Any], None]]:
    @functools.wraps(get)
    def _get_schema_checker(self: Any, schema: Any, schema_value: Any) -> Callable[[Any], None]:
        return faster_checker(get(self, schema, schema_value))

    return _get_schema_checker
