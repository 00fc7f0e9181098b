"""Per-item outcomes in a method's examples, judged as the runtime judges them.

An outcome failed when its success flag, read by the runtime's own boolean reader, is false or
absent: the generated docs and tests count failures exactly as the client will.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from generator.model.ir import Example, ItemResults, JsonValue, Operation

MADE_UP_ERROR = "Made-up failure for the generated test"


def items_at(value: JsonValue, results: ItemResults | None) -> list[Any]:
    """The outcomes inside an answer (empty when there are none, or no per-item outcomes)."""
    if results is None:
        return []
    for key in results.wire_path:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, list) else []


def failed(item: Any, results: ItemResults, read_bool: Callable[[Any], bool]) -> bool:
    """True if the runtime reports `item` as failed."""
    flag = item.get(results.success_wire_name) if isinstance(item, dict) else None
    if flag is None:
        return True
    try:
        return not read_bool(flag)
    except Exception:  # a flag the runtime cannot read: the answer does not decode at all
        return True


def failed_in(example: Example, op: Operation, read_bool: Callable[[Any], bool]) -> int:
    """How many failed items a response example of `op` holds."""
    results = op.item_results
    if results is None:
        return 0
    return sum(1 for item in items_at(example.value, results) if failed(item, results, read_bool))


def failure_counts(op: Operation, read_bool: Callable[[Any], bool]) -> tuple[int, ...]:
    """How many failed items each response example holds."""
    return tuple(failed_in(e, op, read_bool) for e in op.response_examples)


def sent_items(op: Operation) -> int | None:
    """How many items the first request example sends (None when not a many-item method)."""
    value = op.request_examples[0].value
    if op.item_results is None or not isinstance(value, dict):
        return None
    items = value.get(op.item_results.request_wire_name)
    return len(items) if isinstance(items, list) else None


def passthrough_example(op: Operation) -> Example:
    """A response example that can answer the first call unchanged.

    For a many-item method that is one with as many outcomes as the call sends items (the
    client pairs outcomes with items); when the spec has none, its first example with the list
    of outcomes cut or extended (by repeating the last) to that length. Otherwise simply the
    first example.
    """
    sent = sent_items(op)
    for example in op.response_examples:
        if sent is not None and len(items_at(example.value, op.item_results)) == sent:
            return example
    first = op.response_examples[0]
    if sent is None or not items_at(first.value, op.item_results):
        return first
    value = copy.deepcopy(first.value)
    items = items_at(value, op.item_results)
    items[sent:] = []
    items.extend(copy.deepcopy(items[-1]) for _ in range(sent - len(items)))
    return Example("fitted", f"{first.name}, with one outcome per item the call sends", "", value, made_up=True)


def failure_example(op: Operation, read_bool: Callable[[Any], bool]) -> Example | None:
    """A response with a failed item that can answer the first call.

    The spec's own when one fits, else a success example with its first item made to fail.
    """
    results = op.item_results
    if results is None:
        return None
    sent = sent_items(op)
    fits = [e for e in op.response_examples if sent is None or len(items_at(e.value, results)) == sent]
    for example, count in zip(op.response_examples, failure_counts(op, read_bool), strict=True):
        if count and example in fits:
            return example
    for example in fits or list(op.response_examples):
        value = copy.deepcopy(example.value)
        items = items_at(value, results)
        if items and isinstance(items[0], dict):
            items[0][results.success_wire_name] = False
            if results.errors_wire_name:
                items[0][results.errors_wire_name] = [MADE_UP_ERROR]
            return Example("made_up_failure", "A success example with its first item failed", "", value, made_up=True)
    return None
