"""Reading JSON into typed models, and turning models back into JSON.

Responses are read leniently where no meaning is lost (numbers sent as strings, "Y"/"N"
booleans, an empty PHP object where a list was promised); anything else raises `DecodeError`,
which the client turns into `UnexpectedResponseError` with the HTTP status and a body excerpt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

__all__ = [
    "DecodeError",
    "FieldSpec",
    "Model",
    "as_any",
    "as_bool",
    "as_float",
    "as_int",
    "as_object",
    "as_str",
    "copy_json",
    "describe",
    "discriminated",
    "dict_of",
    "extra",
    "format_path",
    "list_of",
    "optional",
    "or_none",
    "php_list",
    "required",
    "to_wire",
    "tuple_of",
    "union_of",
    "write_list",
    "write_map",
    "write_record",
    "write_yn",
]

T = TypeVar("T")
M = TypeVar("M", bound="Model")

FieldSpec = tuple[str, str, Callable[[Any], Any], bool, "Callable[[Any], Any] | None"]
"""How a model reads and writes one property: (attribute, wire name, reader, required, writer).

The writer turns the attribute's value into JSON where `to_wire` alone would not (a "Y"/"N"
boolean); None for every other property."""
PatternSpec = tuple[str, "re.Pattern[str]", Callable[[Any], Any], "Callable[[Any], Any] | None"]
"""Properties named by a pattern, kept in one dict attribute: (attribute, pattern, reader, writer)."""

_TRUE = frozenset({"y", "yes", "true", "1"})
_FALSE = frozenset({"n", "no", "false", "0", ""})


class DecodeError(Exception):
    """A JSON value does not have the shape the spec describes; `path` says where."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def at(self, key: str | int) -> DecodeError:
        """The same error, one level further out."""
        return DecodeError(self.message, (key, *self.path))

    def __str__(self) -> str:
        return f"{format_path(self.path) or 'the body'}: {self.message}"


def format_path(path: Sequence[str | int]) -> str:
    """`("result", "RESULT", 0)` -> `result.RESULT[0]`."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def describe(value: Any) -> str:
    """A short, safe description of a JSON value for error messages."""
    if isinstance(value, (dict, list)):
        return f"{type(value).__name__} of {len(value)}"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def as_object(value: Any) -> Mapping[str, Any]:
    """`value` if it is a JSON object; PHP's empty array `[]` is read as an empty object."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and not value:
        return {}
    raise DecodeError(f"expected an object, got {describe(value)}")


def as_any(value: Any) -> Any:
    """`value` unchanged: the spec says nothing of its type."""
    return value


def as_str(value: Any) -> str:
    """A string; numbers are taken as their text."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise DecodeError(f"expected a string, got {describe(value)}")


def as_int(value: Any) -> int:
    """An integer; also from an integral float or a string of digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9]+\s*", value):
        try:
            return int(value)
        except ValueError:  # past Python's limit on digits in one conversion
            raise DecodeError(f"integer too long ({len(value)} characters)") from None
    raise DecodeError(f"expected an integer, got {describe(value)}")


def as_float(value: Any) -> float:
    """A number; also from a numeric string. Integers stay integers, so no digit is lost."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if number == number and number not in (float("inf"), float("-inf")):
                return number
    raise DecodeError(f"expected a number, got {describe(value)}")


def as_bool(value: Any) -> bool:
    """A boolean; also from Bitrix24's "Y"/"N", "true"/"false" and 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise DecodeError(f"expected a boolean, got {describe(value)}")


def or_none(decode: Callable[[Any], T]) -> Callable[[Any], T | None]:
    """A reader that passes null through and reads anything else with `decode`."""

    def read(value: Any) -> T | None:
        return None if value is None else decode(value)

    return read


def php_list(value: dict[str, Any]) -> list[Any] | dict[str, Any]:
    """An object whose keys are all array indexes ({}, {"0": ..., "1": ...}) as the list PHP meant.

    Anything else comes back unchanged.
    """
    indexed = []
    for key, item in value.items():
        if not (isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 18):
            return value
        indexed.append((int(key), item))
    return [item for _, item in sorted(indexed, key=lambda pair: pair[0])]


def list_of(decode: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    """A reader for a JSON array whose items `decode` reads.

    PHP encodes an empty or sparse array as an object ({} or {"0": ...}); such objects are read
    as the list of their values.
    """

    def read(value: Any) -> list[T]:
        if isinstance(value, dict):
            value = php_list(value)
        if not isinstance(value, list):
            raise DecodeError(f"expected an array, got {describe(value)}")
        items = []
        for index, item in enumerate(value):
            try:
                items.append(decode(item))
            except DecodeError as exc:
                raise exc.at(index) from None
        return items

    return read


def dict_of(decode: Callable[[Any], T]) -> Callable[[Any], dict[str, T]]:
    """A reader for a JSON object whose values `decode` reads."""

    def read(value: Any) -> dict[str, T]:
        result = {}
        for key, item in as_object(value).items():
            try:
                result[key] = decode(item)
            except DecodeError as exc:
                raise exc.at(key) from None
        return result

    return read


Alternative = tuple[tuple[type, ...], Callable[[Any], Any]]
"""One alternative of a union: the JSON types it takes as they are, and its reader."""


def union_of(*alternatives: Alternative) -> Callable[[Any], Any]:
    """A reader for a value of several types (`oneOf`/`anyOf`), in a documented order.

    First the alternatives whose JSON type the value has exactly (a JSON boolean is no
    integer), in the order the spec writes them; then every alternative leniently, in the same
    order (so "5" is an integer only when no alternative is a string). The first reader that
    takes the value wins.
    """

    def read(value: Any) -> Any:
        exact = [r for kinds, r in alternatives if _is_exactly(value, kinds)]
        for reader in (*exact, *(r for _, r in alternatives if r not in exact)):
            try:
                return reader(value)
            except DecodeError:
                continue
        raise DecodeError(
            f"matches none of the {len(alternatives)} forms the spec allows: {describe(value)}"
        )

    return read


def discriminated(
    name: str, readers: Mapping[str, Callable[[Any], Any]], fallback: Callable[[Any], Any]
) -> Callable[[Any], Any]:
    """A reader for a union of records told apart by the property `name` (a `discriminator`)."""

    def read(value: Any) -> Any:
        tag = value.get(name) if isinstance(value, dict) else None
        reader = readers.get(str(tag)) if tag is not None else None
        return reader(value) if reader is not None else fallback(value)

    return read


def _is_exactly(value: Any, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


def tuple_of(*readers: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    """A reader for a JSON array of a fixed length whose items each have their own type."""

    def read(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list) or len(value) != len(readers):
            raise DecodeError(f"expected an array of {len(readers)} items, got {describe(value)}")
        items = []
        for index, (reader, item) in enumerate(zip(readers, value, strict=True)):
            try:
                items.append(reader(item))
            except DecodeError as exc:
                raise exc.at(index) from None
        return tuple(items)

    return read


# Writers never raise: a value of the wrong shape is passed on as it is, and the request check
# that follows reports it with its path, as an `InvalidArgumentError`.


def write_yn(value: Any) -> Any:
    """The vendor's "Y"/"N" for a boolean (also for "Y"/"N" or 1/0 given as they are)."""
    if value is None:
        return None
    try:
        return "Y" if as_bool(value) else "N"
    except DecodeError:
        return value


def write_list(write: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A writer for a sequence whose items `write` turns into JSON."""

    def write_items(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [write(item) for item in value]
        return value

    return write_items


def write_map(write: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A writer for a mapping whose values `write` turns into JSON."""

    def write_values(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): write(v) for k, v in value.items()}
        return value

    return write_values


def write_record(model: type[Model]) -> Callable[[Any], Any]:
    """A writer for a record given as a model or as a plain mapping of wire names."""

    def write(value: Any) -> Any:
        if value is None or isinstance(value, Model):
            return to_wire(value)
        data = {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else value
        if not isinstance(data, dict):
            return to_wire(value)
        for _, wire, _, _, writer in model._FIELDS:
            if writer is not None and data.get(wire) is not None:
                data[wire] = writer(data[wire])
        return to_wire(data)

    return write


def required(data: Mapping[str, Any], key: str, decode: Callable[[Any], T]) -> T:
    """Read the property `key`, which the spec says is always present."""
    value = data.get(key)
    if value is None:
        raise DecodeError("is missing" if key not in data else "is null", (key,))
    try:
        return decode(value)
    except DecodeError as exc:
        raise exc.at(key) from None


def optional(data: Mapping[str, Any], key: str, decode: Callable[[Any], T]) -> T | None:
    """Read the property `key` if present and not null."""
    value = data.get(key)
    if value is None:
        return None
    try:
        return decode(value)
    except DecodeError as exc:
        raise exc.at(key) from None


def extra(data: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    """The properties the spec does not describe, kept so that no data is lost."""
    if len(data) <= len(known) and known.issuperset(data):
        return {}
    return {k: v for k, v in data.items() if k not in known}


class Model:
    """Base of every generated model: reading from and writing to JSON, driven by `_FIELDS`.

    Subclasses are frozen dataclasses; each keeps the properties the spec does not describe in
    `extra_fields` (kept as they came), so `from_dict(x.to_dict()) == x` and nothing the portal
    sent is lost.
    """

    _FIELDS: ClassVar[tuple[FieldSpec, ...]] = ()
    _PATTERNS: ClassVar[tuple[PatternSpec, ...]] = ()
    _WIRE_NAMES: ClassVar[frozenset[str]] = frozenset()
    _DEFAULTS: ClassVar[dict[str, Any] | None] = None
    extra_fields: dict[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._WIRE_NAMES = frozenset()

    @classmethod
    def from_dict(cls: type[M], data: Any) -> M:
        """Read a JSON object; raises `DecodeError` where it breaks the spec."""
        obj = as_object(data)
        fields = cls._FIELDS
        if not cls._WIRE_NAMES and fields:
            cls._WIRE_NAMES = frozenset(spec[1] for spec in fields)
        values: dict[str, Any] = {}
        for attribute, wire, read, is_required, _ in fields:
            value = obj.get(wire)
            if value is None:
                if is_required:
                    raise DecodeError("is missing" if wire not in obj else "is null", (wire,))
                continue
            try:
                values[attribute] = read(value)
            except DecodeError as exc:
                raise exc.at(wire) from None
        rest = extra(obj, cls._WIRE_NAMES)
        if cls._PATTERNS:
            rest = _read_patterns(cls._PATTERNS, rest, values)
        values["extra_fields"] = rest
        # Filled in directly rather than through the frozen dataclass's __init__, which sets
        # each field by object.__setattr__; the values are already checked above.
        model = object.__new__(cls)
        model.__dict__.update(cls._defaults())
        model.__dict__.update(values)
        model.__dict__[_SOURCE] = obj
        return model

    @classmethod
    def _defaults(cls) -> dict[str, Any]:
        defaults: dict[str, Any] | None = cls.__dict__.get("_DEFAULTS")
        if defaults is None:
            defaults = {spec[0]: None for spec in cls._FIELDS if not spec[3]}
            cls._DEFAULTS = defaults
        if cls._PATTERNS:  # each model gets dicts of its own for its patterned properties
            return {**defaults, **{spec[0]: {} for spec in cls._PATTERNS}}
        return defaults

    def has(self, attribute: str) -> bool:
        """True if the property behind `attribute` was in the JSON the model was read from.

        `model.title is None` cannot tell an absent property from a null one; together with
        this it can. A model made in Python has what is not None.
        """
        source = self.__dict__.get(_SOURCE)
        wire = next((spec[1] for spec in self._FIELDS if spec[0] == attribute), None)
        if wire is None:
            raise AttributeError(f"{type(self).__name__} has no property {attribute!r}")
        return wire in source if source is not None else getattr(self, attribute) is not None

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON data.

        A model read from JSON gives back exactly that JSON: nulls, digit strings, "Y"/"N" and
        PHP's empty arrays as they came (the model is frozen, so nothing can differ). A model
        made in Python gives its values in their JSON form, with its `extra_fields`.
        """
        source = self.__dict__.get(_SOURCE)
        if source is not None:
            return copy_json(source)  # type: ignore[no-any-return]
        data: dict[str, Any] = {}
        for attribute, wire, _, is_required, write in self._FIELDS:
            value = getattr(self, attribute)
            if value is not None or is_required:
                data[wire] = (
                    write(value) if write is not None and value is not None else to_wire(value)
                )
        for attribute, _, _, write in self._PATTERNS:
            for key, value in getattr(self, attribute).items():
                data[key] = (
                    write(value) if write is not None and value is not None else to_wire(value)
                )
        for key, value in self.extra_fields.items():
            data.setdefault(key, value)
        return data


def _read_patterns(
    patterns: tuple[PatternSpec, ...], rest: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    """Move the properties of `rest` a pattern names into their attributes; what is left over."""
    left: dict[str, Any] = {}
    for key, value in rest.items():
        for attribute, pattern, read, _ in patterns:
            if pattern.search(key):
                try:
                    values.setdefault(attribute, {})[key] = None if value is None else read(value)
                except DecodeError as exc:
                    raise exc.at(key) from None
                break
        else:
            left[key] = value
    return left


_SOURCE = "_source"
"""Where a model read from JSON keeps that JSON (not a dataclass field: equality ignores it)."""


def copy_json(value: Any) -> Any:
    """A copy of JSON data that shares nothing that can be changed."""
    if type(value) is dict:
        return {key: copy_json(item) for key, item in value.items()}
    if type(value) is list:
        return [copy_json(item) for item in value]
    return value


def to_wire(value: Any) -> Any:
    """A model, mapping or sequence as plain JSON data."""
    if value is None or type(value) in _SCALARS:
        return value
    if type(value) is dict:
        return {str(k): to_wire(v) for k, v in value.items()}
    if type(value) is list:
        return [to_wire(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None and callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return {str(k): to_wire(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    return value


_SCALARS = frozenset({str, int, float, bool})
