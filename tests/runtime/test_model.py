"""`model`: lenient JSON readers, `DecodeError` paths, and the `Model` base driven by `_FIELDS`."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import Any

import pytest
from client_runtime import model
from client_runtime.model import DecodeError
from hypothesis import given, settings
from hypothesis import strategies as st


@dataclasses.dataclass(frozen=True, kw_only=True)
class Chat(model.Model):
    id: str
    title: str | None = None
    extra_fields: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Message(model.Model):
    id: int
    read: bool | None = None
    chat: Chat | None = None
    tags: list[str] | None = None
    extra_fields: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False)


Chat._FIELDS = (
    ("id", "ID", model.as_str, True, None),
    ("title", "TITLE", model.as_str, False, None),
)
Message._FIELDS = (
    ("id", "ID", model.as_int, True, None),
    ("read", "IS_READ", model.as_bool, False, None),
    ("chat", "CHAT", Chat.from_dict, False, None),
    ("tags", "TAGS", model.list_of(model.as_str), False, None),
)


def decode_error(read: Any, value: Any) -> DecodeError:
    with pytest.raises(DecodeError) as caught:
        read(value)
    return caught.value


# --- as_int ---------------------------------------------------------------------------------


def test_an_integer_reads_as_itself() -> None:
    assert model.as_int(42) == 42


def test_a_digit_string_reads_as_an_integer() -> None:
    assert model.as_int("42") == 42


def test_a_signed_digit_string_with_spaces_reads_as_an_integer() -> None:
    assert model.as_int(" -7 ") == -7


def test_an_integral_float_reads_as_an_integer() -> None:
    value = model.as_int(3.0)
    assert value == 3 and type(value) is int


@pytest.mark.parametrize("value", [3.5, "3.5", "", "12abc", "1_000", True, False, None, [], {}, float("inf")])
def test_a_value_that_is_no_integer_raises(value: Any) -> None:
    assert "expected an integer" in decode_error(model.as_int, value).message


def test_a_digit_string_past_pythons_conversion_limit_raises_decode_error() -> None:
    assert "too long" in decode_error(model.as_int, "1" * 5000).message


@settings(max_examples=50, deadline=None, database=None)
@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_every_integer_reads_back_from_its_decimal_text(number: int) -> None:
    assert model.as_int(str(number)) == number


# --- as_float -------------------------------------------------------------------------------


def test_a_numeric_string_reads_as_a_float() -> None:
    assert model.as_float("1.5") == 1.5


def test_an_integer_stays_an_integer_so_no_digit_is_lost() -> None:
    big = 2**63 + 1
    assert model.as_float(big) == big and type(model.as_float(big)) is int


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "abc", True, None, [1]])
def test_a_value_that_is_no_finite_number_raises(value: Any) -> None:
    assert "expected a number" in decode_error(model.as_float, value).message


# --- as_bool --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Y", "y", "yes", "true", "TRUE", " 1 ", 1, True])
def test_bitrix_true_forms_read_as_true(value: Any) -> None:
    assert model.as_bool(value) is True


@pytest.mark.parametrize("value", ["N", "n", "no", "false", "0", "", 0, False])
def test_bitrix_false_forms_read_as_false(value: Any) -> None:
    assert model.as_bool(value) is False


@pytest.mark.parametrize("value", [2, -1, 1.0, "maybe", None, []])
def test_a_value_that_is_no_boolean_raises(value: Any) -> None:
    assert "expected a boolean" in decode_error(model.as_bool, value).message


# --- as_str, as_object, as_any, or_none -----------------------------------------------------


def test_a_number_reads_as_its_text() -> None:
    assert (model.as_str(12), model.as_str(1.5)) == ("12", "1.5")


@pytest.mark.parametrize("value", [True, None, [], {}])
def test_a_value_that_is_no_string_raises(value: Any) -> None:
    assert "expected a string" in decode_error(model.as_str, value).message


def test_an_object_reads_as_itself() -> None:
    data = {"a": 1}
    assert model.as_object(data) is data


def test_phps_empty_array_reads_as_an_empty_object() -> None:
    assert model.as_object([]) == {}


@pytest.mark.parametrize("value", [[1], "x", 1, None])
def test_a_value_that_is_no_object_raises(value: Any) -> None:
    assert "expected an object" in decode_error(model.as_object, value).message


def test_as_any_passes_the_value_through_unchanged() -> None:
    value = object()
    assert model.as_any(value) is value


def test_or_none_passes_null_through_and_reads_anything_else() -> None:
    read = model.or_none(model.as_int)
    assert (read(None), read("5")) == (None, 5)


# --- list_of, dict_of, php_list -------------------------------------------------------------


def test_a_list_reads_item_by_item() -> None:
    assert model.list_of(model.as_int)(["1", 2]) == [1, 2]


def test_phps_indexed_object_reads_as_a_list_in_index_order() -> None:
    assert model.list_of(model.as_str)({"1": "b", "0": "a", "10": "c"}) == ["a", "b", "c"]


def test_phps_empty_object_reads_as_an_empty_list() -> None:
    assert model.list_of(model.as_int)({}) == []


def test_an_object_with_keys_that_are_not_indexes_is_no_list() -> None:
    assert "expected an array, got dict of 1" in decode_error(model.list_of(model.as_int), {"a": 1}).message


def test_php_list_leaves_an_object_with_a_named_key_unchanged() -> None:
    data = {"0": "a", "name": "b"}
    assert model.php_list(data) is data


def test_a_bad_list_item_raises_with_its_index_in_the_path() -> None:
    assert decode_error(model.list_of(model.as_int), [1, "x"]).path == (1,)


def test_a_bad_dict_value_raises_with_its_key_in_the_path() -> None:
    assert decode_error(model.dict_of(model.as_int), {"a": 1, "b": "x"}).path == ("b",)


def test_dict_of_reads_every_value() -> None:
    assert model.dict_of(model.as_bool)({"a": "Y", "b": "N"}) == {"a": True, "b": False}


def test_nested_readers_build_the_whole_path() -> None:
    read = model.dict_of(model.list_of(model.as_int))
    error = decode_error(read, {"ids": [1, 2, "three"]})
    assert (error.path, str(error)) == (("ids", 2), "ids[2]: expected an integer, got 'three'")


# --- required, optional, extra --------------------------------------------------------------


def test_a_missing_required_property_raises_is_missing_with_its_name() -> None:
    error = decode_error(lambda data: model.required(data, "ID", model.as_int), {})
    assert (error.message, error.path) == ("is missing", ("ID",))


def test_a_null_required_property_raises_is_null() -> None:
    error = decode_error(lambda data: model.required(data, "ID", model.as_int), {"ID": None})
    assert (error.message, error.path) == ("is null", ("ID",))


def test_a_bad_required_property_raises_with_its_name_in_the_path() -> None:
    assert decode_error(lambda data: model.required(data, "ID", model.as_int), {"ID": "x"}).path == ("ID",)


def test_an_absent_or_null_optional_property_reads_as_none() -> None:
    assert (model.optional({}, "A", model.as_int), model.optional({"A": None}, "A", model.as_int)) == (None, None)


def test_a_bad_optional_property_raises_with_its_name_in_the_path() -> None:
    assert decode_error(lambda data: model.optional(data, "A", model.as_int), {"A": []}).path == ("A",)


def test_extra_keeps_only_the_properties_not_known() -> None:
    assert model.extra({"A": 1, "B": 2}, frozenset({"A"})) == {"B": 2}


def test_extra_is_empty_when_every_property_is_known() -> None:
    assert model.extra({"A": 1}, frozenset({"A", "B"})) == {}


# --- format_path, describe, DecodeError -----------------------------------------------------


def test_a_path_formats_with_dots_for_names_and_brackets_for_indexes() -> None:
    assert model.format_path(("result", "RESULT", 0, "id")) == "result.RESULT[0].id"


def test_a_path_may_start_with_an_index() -> None:
    assert model.format_path((0, "id")) == "[0].id"


def test_an_error_without_a_path_says_the_body() -> None:
    assert str(DecodeError("expected an object")) == "the body: expected an object"


def test_at_adds_one_level_in_front_of_the_path() -> None:
    assert DecodeError("bad", ("b",)).at("a").path == ("a", "b")


def test_describe_gives_the_size_of_a_container() -> None:
    assert (model.describe({"a": 1, "b": 2}), model.describe([1])) == ("dict of 2", "list of 1")


def test_describe_cuts_a_long_value_to_forty_characters() -> None:
    text = model.describe("x" * 100)
    assert len(text) == 40 and text.endswith("...")


# --- Model ----------------------------------------------------------------------------------


def test_a_model_reads_its_properties_leniently() -> None:
    message = Message.from_dict({"ID": "7", "IS_READ": "Y", "CHAT": {"ID": 12}, "TAGS": {"0": "a"}})
    assert message == Message(id=7, read=True, chat=Chat(id="12"), tags=["a"])


def test_absent_optional_properties_read_as_none() -> None:
    message = Message.from_dict({"ID": 1})
    assert (message.read, message.chat, message.tags) == (None, None, None)


def test_phps_empty_array_reads_as_a_model_object_with_nothing_in_it() -> None:
    error = decode_error(Chat.from_dict, [])
    assert (error.message, error.path) == ("is missing", ("ID",))


def test_a_missing_required_property_of_a_model_raises_is_missing() -> None:
    error = decode_error(Message.from_dict, {"IS_READ": "Y"})
    assert (error.message, error.path) == ("is missing", ("ID",))


def test_a_null_required_property_of_a_model_raises_is_null() -> None:
    error = decode_error(Message.from_dict, {"ID": None})
    assert (error.message, error.path) == ("is null", ("ID",))


def test_a_bad_nested_property_raises_with_the_whole_path() -> None:
    error = decode_error(Message.from_dict, {"ID": 1, "CHAT": {"TITLE": "x"}})
    assert str(error) == "CHAT.ID: is missing"


def test_a_model_from_something_not_an_object_raises() -> None:
    assert "expected an object" in decode_error(Message.from_dict, "text").message


def test_unknown_properties_are_kept_in_extra_fields() -> None:
    message = Message.from_dict({"ID": 1, "NEW_FIELD": {"x": [1]}, "OTHER": None})
    assert message.extra_fields == {"NEW_FIELD": {"x": [1]}, "OTHER": None}


def test_to_dict_writes_wire_names_and_leaves_out_absent_optional_properties() -> None:
    assert Message(id=1, chat=Chat(id="c")).to_dict() == {"ID": 1, "CHAT": {"ID": "c"}}


def test_to_dict_writes_the_unknown_properties_back() -> None:
    assert Chat.from_dict({"ID": "c", "COLOR": "red"}).to_dict() == {"ID": "c", "COLOR": "red"}


def test_a_known_property_wins_over_an_extra_field_of_the_same_name() -> None:
    chat = Chat(id="real", extra_fields={"ID": "stale"})
    assert chat.to_dict() == {"ID": "real"}


def test_a_model_round_trips_through_to_dict_with_its_unknown_properties() -> None:
    original = Message.from_dict(
        {"ID": "3", "IS_READ": "N", "CHAT": {"ID": "c", "EXTRA": 1}, "TAGS": ["x"], "UNKNOWN": [1, {"a": None}]}
    )
    again = Message.from_dict(original.to_dict())
    assert again == original and again.chat is not None and again.chat.extra_fields == {"EXTRA": 1}


@settings(max_examples=60, deadline=None, database=None)
@given(
    ident=st.integers(min_value=-(10**12), max_value=10**12),
    read=st.none() | st.booleans(),
    tags=st.none() | st.lists(st.text(max_size=5), max_size=3),
    unknown=st.dictionaries(
        st.text(min_size=1, max_size=5).filter(lambda k: k not in {"ID", "IS_READ", "CHAT", "TAGS"}),
        st.none() | st.integers() | st.text(max_size=5),
        max_size=3,
    ),
)
def test_from_dict_of_to_dict_gives_back_an_equal_model(
    ident: int, read: bool | None, tags: list[str] | None, unknown: dict[str, Any]
) -> None:
    message = Message(id=ident, read=read, tags=tags, extra_fields=unknown)
    assert Message.from_dict(message.to_dict()) == message


def test_two_model_classes_keep_their_own_wire_names() -> None:
    Message.from_dict({"ID": 1})
    chat = Chat.from_dict({"ID": "c", "IS_READ": "Y"})
    assert chat.extra_fields == {"IS_READ": "Y"}


# --- to_wire --------------------------------------------------------------------------------


def test_to_wire_turns_models_inside_containers_into_plain_json() -> None:
    value = {"chats": [Chat(id="a"), (Chat(id="b"),)], 3: None}
    assert model.to_wire(value) == {"chats": [{"ID": "a"}, [{"ID": "b"}]], "3": None}


def test_to_wire_turns_a_tuple_into_a_list() -> None:
    assert model.to_wire((1, "a")) == [1, "a"]


def test_to_wire_reads_any_mapping_as_an_object() -> None:
    assert model.to_wire(OrderedDict(a=Chat(id="x"))) == {"a": {"ID": "x"}}


@pytest.mark.parametrize("value", ["s", 1, 1.5, True, None])
def test_to_wire_leaves_scalars_as_they_are(value: Any) -> None:
    assert model.to_wire(value) is value


def test_a_model_read_from_json_gives_back_exactly_that_json() -> None:
    answer = {"ID": "1477", "IS_READ": "Y", "CHAT": {"ID": 5, "TITLE": None}, "TAGS": [], "X": [None]}
    message = Message.from_dict(answer)
    assert (message.id, message.read, message.chat, message.tags) == (1477, True, Chat(id="5"), [])
    assert message.to_dict() == answer
    assert message.to_dict() is not answer and message.to_dict()["CHAT"] is not answer["CHAT"]


def test_a_model_made_in_python_gives_its_values_in_json_form() -> None:
    made = Message(id=1477, read=True, chat=Chat(id="5"))
    assert made.to_dict() == {"ID": 1477, "IS_READ": True, "CHAT": {"ID": "5"}}
    assert dataclasses.replace(Message.from_dict({"ID": "1"}), id=2).to_dict() == {"ID": 2}


@pytest.mark.parametrize(
    ("writer", "value"),
    [
        (model.write_yn, "maybe"),
        (model.write_yn, 5),
        (model.write_list(model.write_yn), 7),
        (model.write_map(model.write_yn), ["Y"]),
    ],
)
def test_a_writer_passes_a_value_of_the_wrong_shape_on_unchanged_for_the_request_check(writer: Any, value: Any) -> None:
    assert writer(value) == value
