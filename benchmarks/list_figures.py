"""Figure 7: memory while iterating a list method's items page by page (`client.iter_list`).

A MockTransport answers `crm.item.list` with 50 items per page, made when asked, so nothing but
the client holds items. Peak memory is traced (tracemalloc) over the whole iteration, for a
short and a long list: flat memory means the two peaks are about the same.
"""

from __future__ import annotations

import json
import tracemalloc
from typing import Any

from benchmarks.measure import log_progress
from benchmarks.report import Report, format_count

PAGE = 50
PORTAL = "example.bitrix24.com"
LONG, SHORT = 100_000, 5_000
QUICK_LONG, QUICK_SHORT = 5_000, 1_000
TARGET_GROWTH = 2.0
"""Flat: the long list's peak at most twice the short list's."""


def page(start: int, total: int) -> bytes:
    """One page of `crm.item.list` from `start`, as the vendor's list methods answer."""
    items = [{"id": n, "title": f"Item {n}", "stageId": "NEW"} for n in range(start + 1, min(start + PAGE, total) + 1)]
    body: dict[str, Any] = {"result": {"items": items}, "total": total, "time": {"duration": 0.01}}
    if start + PAGE < total:
        body["next"] = start + PAGE
    return json.dumps(body).encode("utf-8")


def peak_while_iterating(total: int) -> tuple[int, int]:
    """(items seen, peak traced bytes) over one iteration of `total` items."""
    import bitrix24_rest
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        start = int(json.loads(request.content).get("start", 0))
        return httpx.Response(200, content=page(start, total), headers={"Content-Type": "application/json"})

    seen = 0
    with bitrix24_rest.Client(
        PORTAL, access_token="bench-token", transport=httpx.MockTransport(handler), rate_limit=None, max_retries=0
    ) as client:
        client.call("crm.item.list")  # warm: lazy imports and the connection pool are not the figure
        tracemalloc.start()
        try:
            for _ in client.iter_list("crm.item.list", {"entityTypeId": 2}, items="items"):
                seen += 1
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return seen, peak


def measure_list_memory(quick: bool, report: Report) -> None:
    """Figure 7: peak memory iterating a long and a short list."""
    long, short = (QUICK_LONG, QUICK_SHORT) if quick else (LONG, SHORT)
    log_progress(f"7. iterating {long:,} list items")
    results = {}
    for total in (short, long):
        seen, peak = peak_while_iterating(total)
        if seen != total:
            raise AssertionError(f"iterated {seen} items, expected {total}")
        results[total] = peak
    for total in (short, long):
        report.add(
            "7",
            f"Iterate {format_count(total)} list items (`iter_list`): peak traced memory",
            f"{results[total] / 1024:.0f} KiB",
            1,
            "-",
            "info",
        )
    growth = results[long] / results[short]
    report.add(
        "7",
        f"Memory growth, {format_count(long)} / {format_count(short)} items",
        f"{growth:.2f}",
        1,
        f"≤ {TARGET_GROWTH:g} (flat)",
        "PASS" if growth <= TARGET_GROWTH else f"MISS ({growth / TARGET_GROWTH:.2f}x the limit)",
    )
