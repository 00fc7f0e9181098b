"""`checks`: argument rules, a JSON Schema subset, compiled once and checked before sending."""

from __future__ import annotations

from typing import Any

import pytest
from client_runtime import checks

MESSAGES_SCHEMA: dict[str, Any] = {
    "type": ["object"],
    "required": ["CONNECTOR", "MESSAGES"],
    "properties": {
        "CONNECTOR": {"type": ["string"], "minLength": 1},
        "LINE": {"type": ["integer"]},
        "MESSAGES": {
            "type": ["array"],
            "minItems": 1,
            "items": {
                "type": ["object"],
                "required": ["message"],
                "properties": {"message": {"type": ["object"], "properties": {"id": {"type": ["string"]}}}},
            },
        },
    },
}


def test_an_empty_schema_accepts_anything() -> None:
    assert [checks.check(value, {}) for value in (None, 1, "x", [1], {"a": 1})] == [[]] * 5


def test_a_value_of_an_allowed_type_passes() -> None:
    assert checks.check("x", {"type": ["string"]}) == []


def test_a_value_of_another_type_is_reported_with_the_expected_types() -> None:
    assert checks.check(5, {"type": ["string", "null"]}) == ["the request: expected string or null, got 5"]


def test_a_boolean_is_not_an_integer() -> None:
    assert checks.check(True, {"type": ["integer"]}) == ["the request: expected integer, got True"]


def test_a_boolean_passes_where_booleans_are_allowed() -> None:
    assert checks.check(False, {"type": ["boolean"]}) == []


def test_an_integer_is_a_number() -> None:
    assert checks.check(3, {"type": ["number"]}) == []


def test_a_float_is_not_an_integer() -> None:
    assert checks.check(3.0, {"type": ["integer"]}) == ["the request: expected integer, got 3.0"]


def test_null_passes_where_null_is_allowed() -> None:
    assert checks.check(None, {"type": ["string", "null"]}) == []


def test_a_min_length_of_one_says_must_not_be_empty() -> None:
    assert checks.check("", {"minLength": 1}) == ["the request: must not be empty"]


def test_a_longer_min_length_gives_the_count() -> None:
    assert checks.check("ab", {"minLength": 3}) == ["the request: must have at least 3 characters"]


def test_a_max_length_gives_the_count() -> None:
    assert checks.check("abcd", {"maxLength": 3}) == ["the request: must have at most 3 characters"]


def test_lengths_count_characters_not_bytes() -> None:
    assert checks.check("ééé", {"maxLength": 3}) == []


def test_a_pattern_is_searched_anywhere_in_the_string_as_json_schema_says() -> None:
    assert checks.check("abc123", {"pattern": "[0-9]+"}) == []


def test_a_string_without_the_pattern_is_reported() -> None:
    assert checks.check("abc", {"pattern": "^[0-9]+$"}) == ["the request: must match '^[0-9]+$'"]


@pytest.mark.parametrize(
    ("rule", "value", "message"),
    [
        ({"minimum": 1}, 0, "must be at least 1"),
        ({"maximum": 10}, 11, "must be at most 10"),
        ({"exclusiveMinimum": 0}, 0, "must be more than 0"),
        ({"exclusiveMaximum": 5}, 5, "must be less than 5"),
    ],
)
def test_a_number_past_a_bound_is_reported(rule: dict[str, Any], value: int, message: str) -> None:
    assert checks.check(value, rule) == [f"the request: {message}"]


@pytest.mark.parametrize(
    ("rule", "value"),
    [({"minimum": 1}, 1), ({"maximum": 10}, 10), ({"exclusiveMinimum": 0}, 0.5), ({"exclusiveMaximum": 5}, 4)],
)
def test_a_number_on_the_allowed_side_of_a_bound_passes(rule: dict[str, Any], value: float) -> None:
    assert checks.check(value, rule) == []


def test_bounds_do_not_apply_to_booleans() -> None:
    assert checks.check(False, {"minimum": 1}) == []


def test_a_min_items_of_one_says_must_not_be_empty() -> None:
    assert checks.check([], {"minItems": 1}) == ["the request: must not be empty"]


def test_item_counts_give_the_count() -> None:
    assert checks.check([1], {"minItems": 2}) == ["the request: must have at least 2 items"]
    assert checks.check([1, 2, 3], {"maxItems": 2}) == ["the request: must have at most 2 items"]


def test_a_value_outside_the_enum_lists_the_choices() -> None:
    assert checks.check("c", {"enum": ["a", "b"]}) == ["the request: must be one of 'a', 'b'"]


def test_a_value_in_the_enum_passes() -> None:
    assert checks.check("b", {"enum": ["a", "b"]}) == []


def test_every_array_item_is_checked_with_its_index_in_the_path() -> None:
    schema = {"type": ["array"], "items": {"type": ["integer"]}}
    assert checks.check([1, "x", 3, None], schema) == [
        "[1]: expected integer, got 'x'",
        "[3]: expected integer, got None",
    ]


def test_a_missing_required_property_is_reported_with_its_path() -> None:
    assert checks.check({"CONNECTOR": "c"}, MESSAGES_SCHEMA) == ["MESSAGES: is required"]


def test_a_null_required_property_counts_as_missing() -> None:
    assert checks.check({"CONNECTOR": "c", "MESSAGES": None}, MESSAGES_SCHEMA) == ["MESSAGES: is required"]


def test_nested_problems_carry_the_whole_path() -> None:
    body = {"CONNECTOR": "c", "MESSAGES": [{"message": {"id": "ok"}}, {"message": {"id": 5}}, {}]}
    assert checks.check(body, MESSAGES_SCHEMA) == [
        "MESSAGES[1].message.id: expected string, got 5",
        "MESSAGES[2].message: is required",
    ]


def test_every_broken_rule_is_reported_not_only_the_first() -> None:
    body = {"CONNECTOR": "", "LINE": "one", "MESSAGES": []}
    assert checks.check(body, MESSAGES_SCHEMA) == [
        "CONNECTOR: must not be empty",
        "LINE: expected integer, got 'one'",
        "MESSAGES: must not be empty",
    ]


def test_an_optional_property_that_is_null_is_not_checked() -> None:
    assert checks.check({"CONNECTOR": "c", "MESSAGES": [{"message": {}}], "LINE": None}, MESSAGES_SCHEMA) == []


def test_a_value_of_the_wrong_type_is_not_checked_further() -> None:
    assert checks.check("text", MESSAGES_SCHEMA) == ["the request: expected object, got 'text'"]


def test_the_path_given_prefixes_every_message() -> None:
    assert checks.check("", {"minLength": 1}, ("A", 0)) == ["A[0]: must not be empty"]


def test_a_compiled_checker_gives_the_same_answers_as_check() -> None:
    checker = checks.compile_checker(MESSAGES_SCHEMA)
    body = {"CONNECTOR": 1, "MESSAGES": [1]}
    assert checker(body, ()) == checks.check(body, MESSAGES_SCHEMA) and checker(body, ()) != []
