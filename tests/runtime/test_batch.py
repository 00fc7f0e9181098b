"""`batch`, `calls` and `paging`: commands as the portal wants them, outcomes as the answer says."""

from __future__ import annotations

from typing import Any

import pytest
from client_runtime import batch, calls, paging
from client_runtime.errors import (
    ApiError,
    CommandNotRunError,
    InvalidArgumentError,
    UnexpectedResponseError,
)


def test_a_command_is_written_as_php_s_http_build_query_writes_nested_arrays() -> None:
    command = batch.Command.named(
        "crm.item.list",
        {"entityTypeId": 2, "filter": {">id": 5, "title": "a b&c"}, "select": ["id", "title"], "flag": True, "none": None},
    )

    assert command.query() == (
        "crm.item.list?entityTypeId=2&filter[%3Eid]=5&filter[title]=a%20b%26c&select[0]=id&select[1]=title&flag=1"
    )


def test_a_reference_to_an_earlier_result_stays_readable_for_the_portal() -> None:
    command = batch.Command.named("user.get", {"ID": "$result[me][ID]"})

    assert command.query() == "user.get?ID=$result[me][ID]"


def test_commands_are_split_into_requests_of_50_in_order() -> None:
    commands = {f"c{n}": batch.Command.named("user.current") for n in range(120)}

    requests = batch.plan(commands)

    assert [len(r) for r in requests] == [50, 50, 20]
    assert [name for r in requests for name in r] == list(commands)


def test_a_reference_to_a_later_or_missing_command_is_refused() -> None:
    commands = {"a": batch.Command.named("user.get", {"ID": "$result[b][ID]"}), "b": batch.Command.named("user.current")}

    with pytest.raises(InvalidArgumentError, match="later command"):
        batch.plan(commands)
    with pytest.raises(InvalidArgumentError, match="no command"):
        batch.plan({"a": batch.Command.named("user.get", {"ID": "$result[x][ID]"})})


@pytest.mark.parametrize("name", ["", "a[b]", "a&b", "a=b", "a?b"])
def test_a_command_name_the_query_cannot_carry_is_refused(name: str) -> None:
    with pytest.raises(InvalidArgumentError):
        batch.named_commands({name: batch.Command.named("user.current")})


def test_each_command_gets_its_result_its_error_or_says_it_did_not_run() -> None:
    request = {name: batch.Command.named("crm.item.list") for name in ("ok", "bad", "skipped")}
    answer = {
        "result": {
            "result": {"ok": [{"id": 1}]},
            "result_error": {"bad": {"error": "ACCESS_DENIED", "error_description": "no"}},
            "result_total": {"ok": "1"},
            "result_next": [],
            "result_time": {"ok": {"duration": 0.1}},
        }
    }

    class AccessDeniedError(ApiError):
        pass

    outcomes = batch.read_outcomes(request, answer, {"access_denied": AccessDeniedError})

    assert outcomes["ok"].result == calls.CallResult([{"id": 1}], {"duration": 0.1}, 1, None)
    assert type(outcomes["bad"].error) is AccessDeniedError
    with pytest.raises(AccessDeniedError):
        _ = outcomes["bad"].result
    assert type(outcomes["skipped"].error) is CommandNotRunError


def test_an_answer_without_a_result_object_is_unexpected() -> None:
    with pytest.raises(UnexpectedResponseError):
        batch.read_outcomes({"a": batch.Command.named("user.current")}, {"result": []}, {})


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"result": [1], "total": "2", "next": 1}, calls.CallResult([1], None, 2, 1)),
        ({"result": {"a": 1}, "time": {"start": 1}}, calls.CallResult({"a": 1}, {"start": 1}, None, None)),
        ({"result": True, "total": -1, "next": True}, calls.CallResult(True, None, None, None)),
        ("not an object", calls.CallResult("not an object")),
    ],
)
def test_a_call_by_name_reads_result_time_total_and_next(payload: Any, expected: calls.CallResult) -> None:
    assert calls.read_call_result(payload) == expected


@pytest.mark.parametrize("method", ["", "../oauth/token", "crm deal", "crm..deal", 5])
def test_a_call_by_name_refuses_what_is_not_a_method_name(method: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        calls.endpoint_for(method, None)


@pytest.mark.parametrize(
    ("result", "key", "items"),
    [
        ([1, 2], None, [1, 2]),
        ({"items": [1, 2]}, None, [1, 2]),
        ({"items": [1], "other": 3}, "items", [1]),
        ({"0": "a", "1": "b"}, None, ["a", "b"]),
        ([], "items", []),
    ],
)
def test_the_items_of_a_page_are_found_where_list_methods_put_them(result: Any, key: str | None, items: list[Any]) -> None:
    assert paging.page_items("x.list", result, key) == items


def test_a_page_whose_items_cannot_be_told_is_unexpected() -> None:
    with pytest.raises(UnexpectedResponseError):
        paging.page_items("x.list", {"a": [1], "b": [2]}, None)


def test_a_next_that_does_not_move_forward_stops_with_an_error_instead_of_looping() -> None:
    assert paging.next_start("x.list", 0, 50) == 50
    assert paging.next_start("x.list", 50, None) is None
    with pytest.raises(UnexpectedResponseError):
        paging.next_start("x.list", 50, 50)
