"""`chunks`: splitting many-item calls, giving every sent item one outcome, merging the answers."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from client_runtime import chunks
from client_runtime.chunks import NOT_ANSWERED, ItemResultsSpec
from client_runtime.model import DecodeError

BY_POSITION = ItemResultsSpec(request="ITEMS", response=("result", "RESULT"), success="SUCCESS", errors="ERRORS")
BY_KEYS = ItemResultsSpec(
    request="MESSAGES",
    response=("result", "DATA", "RESULT"),
    success="SUCCESS",
    errors="ERRORS",
    match=("message.id", "chat.id"),
)


def sent(*ids: str, chat: str = "c1") -> list[dict[str, Any]]:
    return [{"message": {"id": i}, "chat": {"id": chat}} for i in ids]


def outcome(message_id: Any, chat_id: Any = "c1", success: bool = True) -> dict[str, Any]:
    return {"message": {"id": message_id}, "chat": {"id": chat_id}, "SUCCESS": success}


def keyed_answer(*outcomes: dict[str, Any]) -> dict[str, Any]:
    return {"result": {"SUCCESS": True, "DATA": {"RESULT": list(outcomes)}}}


def positional_answer(*outcomes: Any) -> dict[str, Any]:
    return {"result": {"RESULT": list(outcomes)}, "time": {"start": 1}}


# --- split ----------------------------------------------------------------------------------


def test_split_makes_one_request_per_chunk_of_items() -> None:
    parts = chunks.split({"ITEMS": list(range(5))}, BY_POSITION, 2)
    assert [part["ITEMS"] for part in parts] == [[0, 1], [2, 3], [4]]


def test_every_chunk_keeps_the_other_arguments() -> None:
    parts = chunks.split({"ITEMS": list(range(3)), "LINE": 7}, BY_POSITION, 2)
    assert [part["LINE"] for part in parts] == [7, 7]


def test_a_body_within_the_chunk_size_is_sent_as_it_is() -> None:
    body = {"ITEMS": [1, 2]}
    parts = chunks.split(body, BY_POSITION, 2)
    assert len(parts) == 1 and parts[0] is body


def test_a_body_without_an_item_list_is_sent_as_it_is() -> None:
    body = {"ITEMS": "not a list"}
    assert chunks.split(body, BY_POSITION, 1) == [body]


def test_split_does_not_change_the_body() -> None:
    body = {"ITEMS": list(range(4))}
    chunks.split(body, BY_POSITION, 3)
    assert body == {"ITEMS": [0, 1, 2, 3]}


def test_the_default_chunk_size_is_the_batch_limit_of_fifty() -> None:
    assert (chunks.DEFAULT_CHUNK_SIZE, BY_POSITION.chunk_size) == (50, 50)


# --- answered_items -------------------------------------------------------------------------


def test_answered_items_follows_the_response_path() -> None:
    assert chunks.answered_items(positional_answer({"SUCCESS": True}), BY_POSITION) == [{"SUCCESS": True}]


@pytest.mark.parametrize(
    "payload",
    [{}, {"result": None}, {"result": []}, {"result": {"RESULT": None}}, None],
)
def test_an_answer_without_the_outcome_list_has_no_outcomes(payload: Any) -> None:
    assert chunks.answered_items(payload, BY_POSITION) == []


def test_phps_indexed_object_is_read_as_the_outcome_list() -> None:
    payload = {"result": {"RESULT": {"1": "second", "0": "first"}}}
    assert chunks.answered_items(payload, BY_POSITION) == ["first", "second"]


def test_a_string_where_an_object_should_be_raises_naming_where() -> None:
    with pytest.raises(DecodeError) as caught:
        chunks.answered_items({"result": {"DATA": "oops"}}, BY_KEYS)
    assert (caught.value.path, caught.value.message) == (("result", "DATA"), "expected an object, got 'oops'")


def test_a_non_list_outcome_value_raises_naming_the_list() -> None:
    with pytest.raises(DecodeError) as caught:
        chunks.answered_items({"result": {"RESULT": 5}}, BY_POSITION)
    assert caught.value.path == ("result", "RESULT")


def test_an_answer_that_is_not_an_object_raises_at_the_body() -> None:
    with pytest.raises(DecodeError) as caught:
        chunks.answered_items([1, 2], BY_POSITION)
    assert str(caught.value) == "the body: expected an object, got list of 2"


# --- align by position ----------------------------------------------------------------------


def test_one_outcome_per_item_is_taken_as_it_is() -> None:
    payload = positional_answer({"SUCCESS": True}, {"SUCCESS": False})
    aligned = chunks.align(payload, ["a", "b"], BY_POSITION)
    assert aligned is chunks.answered_items(payload, BY_POSITION)


def test_items_past_the_answered_outcomes_get_failed_outcomes() -> None:
    aligned = chunks.align(positional_answer({"SUCCESS": True}), ["a", "b", "c"], BY_POSITION)
    failed = {"SUCCESS": False, "ERRORS": [NOT_ANSWERED]}
    assert aligned == [{"SUCCESS": True}, failed, failed]


def test_outcomes_for_items_not_sent_are_dropped() -> None:
    aligned = chunks.align(positional_answer({"n": 1}, {"n": 2}, {"n": 3}), ["a", "b"], BY_POSITION)
    assert aligned == [{"n": 1}, {"n": 2}]


def test_an_empty_answer_fails_every_item() -> None:
    aligned = chunks.align({"result": []}, ["a", "b"], BY_POSITION)
    assert [o["SUCCESS"] for o in aligned] == [False, False]


# --- align by match keys --------------------------------------------------------------------


def test_outcomes_whose_keys_agree_pair_by_position() -> None:
    payload = keyed_answer(outcome("m1"), outcome("m2"))
    assert chunks.align(payload, sent("m1", "m2"), BY_KEYS) == [outcome("m1"), outcome("m2")]


def test_outcomes_in_another_order_pair_by_their_keys() -> None:
    payload = keyed_answer(outcome("m2", success=False), outcome("m1"))
    assert chunks.align(payload, sent("m1", "m2"), BY_KEYS) == [outcome("m1"), outcome("m2", success=False)]


def test_outcomes_without_keys_pair_by_position_when_one_per_item() -> None:
    payload = keyed_answer({"SUCCESS": True}, {"SUCCESS": False})
    assert chunks.align(payload, sent("m1", "m2"), BY_KEYS) == [{"SUCCESS": True}, {"SUCCESS": False}]


def test_a_numeric_id_in_the_answer_matches_the_same_id_sent_as_a_string() -> None:
    payload = keyed_answer(outcome(1002), outcome(1001))
    assert chunks.align(payload, sent("1001", "1002"), BY_KEYS) == [outcome(1001), outcome(1002)]


def test_the_same_message_id_in_another_chat_does_not_match() -> None:
    payload = keyed_answer(outcome("m1", chat_id="other"))
    aligned = chunks.align(payload, sent("m1"), BY_KEYS)
    assert aligned == [{"message": {"id": "m1"}, "chat": {"id": "c1"}, "SUCCESS": False, "ERRORS": [NOT_ANSWERED]}]


def test_an_unanswered_item_gets_a_failed_outcome_carrying_its_keys() -> None:
    payload = keyed_answer(outcome("m2"))
    aligned = chunks.align(payload, sent("m1", "m2"), BY_KEYS)
    assert aligned == [
        {"message": {"id": "m1"}, "chat": {"id": "c1"}, "SUCCESS": False, "ERRORS": [NOT_ANSWERED]},
        outcome("m2"),
    ]


def test_an_item_sent_twice_takes_the_outcomes_of_its_key_in_order() -> None:
    payload = keyed_answer(outcome("m2"), outcome("m1", success=True), outcome("m1", success=False))
    aligned = chunks.align(payload, [*sent("m1", "m1"), *sent("m2"), *sent("m1")], BY_KEYS)
    assert [o["SUCCESS"] for o in aligned] == [True, False, True, False]
    assert aligned[3]["ERRORS"] == [NOT_ANSWERED]


def test_an_outcome_for_an_item_not_sent_is_dropped_when_pairing_by_keys() -> None:
    payload = keyed_answer(outcome("stranger"), outcome("m1"))
    assert chunks.align(payload, sent("m1"), BY_KEYS) == [outcome("m1")]


# --- failed_outcome -------------------------------------------------------------------------


def test_a_failed_outcome_without_an_errors_property_has_only_the_flag() -> None:
    spec = ItemResultsSpec(request="ITEMS", response=("result",), success="ok")
    assert chunks.failed_outcome({"x": 1}, spec) == {"ok": False}


def test_a_failed_outcome_leaves_out_keys_the_item_does_not_have() -> None:
    assert chunks.failed_outcome({"message": {"id": "m1"}}, BY_KEYS) == {
        "message": {"id": "m1"},
        "SUCCESS": False,
        "ERRORS": [NOT_ANSWERED],
    }


# --- merge ----------------------------------------------------------------------------------


def test_merge_puts_all_outcomes_into_the_first_answer() -> None:
    first, second = keyed_answer(outcome("m1")), keyed_answer(outcome("m2"))
    merged = chunks.merge([first, second], [outcome("m1"), outcome("m2")], BY_KEYS)
    assert merged == keyed_answer(outcome("m1"), outcome("m2"))


def test_merge_keeps_the_rest_of_the_first_answer() -> None:
    merged = chunks.merge([positional_answer(1), positional_answer(2)], [1, 2], BY_POSITION)
    assert merged == {"result": {"RESULT": [1, 2]}, "time": {"start": 1}}


def test_merge_changes_none_of_the_answers() -> None:
    answers = [keyed_answer(outcome("m1")), keyed_answer(outcome("m2"))]
    before = copy.deepcopy(answers)
    chunks.merge(answers, [outcome("m1"), outcome("m2")], BY_KEYS)
    assert answers == before


def test_merge_builds_the_path_when_no_answer_has_it() -> None:
    merged = chunks.merge([None, "text", {"result": []}], ["x"], BY_KEYS)
    assert merged == {"result": {"DATA": {"RESULT": ["x"]}}}


def test_ids_echoed_in_another_form_pair_by_position_when_the_counts_match() -> None:
    payload = keyed_answer(outcome(" MSG-1 ", "C1"), outcome(7, "c1", success=False))
    aligned = chunks.align(payload, [*sent("msg-1"), {"message": {"id": "7"}, "chat": {"id": "c1"}}], BY_KEYS)

    assert aligned == [outcome(" MSG-1 ", "C1"), outcome(7, "c1", success=False)]  # nothing made up


def test_ids_echoed_in_another_form_and_reordered_still_find_their_item() -> None:
    payload = keyed_answer(outcome("B"), outcome(" a"), outcome("x"))
    aligned = chunks.align(payload, sent("a", "b"), BY_KEYS)

    assert aligned == [outcome(" a"), outcome("B")]


def test_an_outcome_made_up_for_an_unanswered_item_says_so() -> None:
    aligned = chunks.align(keyed_answer(outcome("a")), sent("a", "b"), BY_KEYS)

    assert aligned[1]["SUCCESS"] is False and aligned[1]["ERRORS"] == [NOT_ANSWERED]
    assert "returned no result" in NOT_ANSWERED
