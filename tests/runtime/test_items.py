"""`items.ItemOutcomes`: the per-item view of an answer with one outcome per request item."""

from __future__ import annotations

import dataclasses

from client_runtime.items import ItemOutcomes


@dataclasses.dataclass(frozen=True)
class Outcome:
    id: str
    ok: bool | None


@dataclasses.dataclass(frozen=True)
class Data:
    outcomes: list[Outcome] | None


@dataclasses.dataclass(frozen=True)
class Answer(ItemOutcomes[Outcome]):
    data: Data | None

    _ITEMS_PATH = ("data", "outcomes")
    _SUCCESS = "ok"


def answer(*flags: bool | None) -> Answer:
    return Answer(Data([Outcome(str(i), flag) for i, flag in enumerate(flags)]))


def test_items_follows_the_path_to_the_outcome_list_in_the_order_sent() -> None:
    assert [item.id for item in answer(True, False, True).items] == ["0", "1", "2"]


def test_failed_lists_the_items_whose_success_flag_is_false() -> None:
    assert [item.id for item in answer(True, False, True, False).failed] == ["1", "3"]


def test_an_item_without_a_success_flag_counts_as_failed() -> None:
    assert [item.id for item in answer(True, None).failed] == ["1"]


def test_succeeded_lists_the_processed_items() -> None:
    assert [item.id for item in answer(False, True).succeeded] == ["1"]


def test_all_succeeded_is_false_when_any_item_failed() -> None:
    assert answer(True, False).all_succeeded is False


def test_all_succeeded_is_true_when_every_item_succeeded() -> None:
    assert answer(True, True).all_succeeded is True


def test_a_missing_object_on_the_path_means_no_items() -> None:
    empty = Answer(None)
    assert (empty.items, empty.failed, empty.all_succeeded) == ([], [], True)


def test_a_missing_list_at_the_end_of_the_path_means_no_items() -> None:
    assert Answer(Data(None)).items == []
