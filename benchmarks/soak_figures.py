"""Figure 8: a soak of one client: 20,000 calls on a MockTransport, start against end.

Every call goes through the whole client (pacing off): a call by name, a typed many-item call,
and every 100th call an error answer raised as the package's exception. Resident memory, open
file descriptors and time per call (wall and CPU) are taken after the first 1,000 calls (the
warm-up: lazy imports, caches) and at the end; a client that leaks shows growth in one of them.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any, NamedTuple

from benchmarks.measure import log_progress
from benchmarks.report import Report, format_count, verdict_at_most

CALLS, QUICK_CALLS = 20_000, 2_000
WINDOW = 1_000
"""Calls per window: time per call is the mean over the first and the last window."""
MAX_RSS_GROWTH_MIB = 8.0
MAX_SLOWDOWN = 1.5
PORTAL = "example.bitrix24.com"
MESSAGES = [{"user": {"id": "u"}, "message": {"id": f"m-{n}"}, "chat": {"id": "c"}} for n in range(3)]


class Sample(NamedTuple):
    rss_kib: int
    fds: int
    wall_us: float
    cpu_us: float


def rss_kib() -> int:
    """Resident memory of this process now (Linux /proc), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def open_fds() -> int:
    """Open file descriptors of this process (Linux /proc)."""
    return len(os.listdir("/proc/self/fd"))


def answer(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode("utf-8")


def soak(calls: int) -> tuple[Sample, Sample]:
    """Run `calls` calls through one client; the sample after the first window and at the end."""
    import bitrix24_rest
    import httpx

    ok = answer({"result": {"ID": "1", "NAME": "Bench"}, "time": {"duration": 0.01}})
    deleted = answer(
        {
            "result": {
                "SUCCESS": True,
                "DATA": {
                    "RESULT": [
                        {"SUCCESS": True, "message": {"id": m["message"]["id"]}, "chat": {"id": "c"}} for m in MESSAGES
                    ]
                },
            },
            "time": {"duration": 0.01},
        }
    )
    failed = answer({"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal server error"})

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("imconnector.delete.messages"):
            return httpx.Response(200, content=deleted, headers={"Content-Type": "application/json"})
        if b'"FAIL"' in request.content:
            return httpx.Response(500, content=failed, headers={"Content-Type": "application/json"})
        return httpx.Response(200, content=ok, headers={"Content-Type": "application/json"})

    samples: list[Sample] = []
    with bitrix24_rest.Client(
        PORTAL, access_token="bench-token", transport=httpx.MockTransport(handler), rate_limit=None, max_retries=0
    ) as client:
        wall = cpu = 0.0
        for n in range(1, calls + 1):
            started, started_cpu = time.perf_counter(), time.process_time()
            if n % 100 == 0:
                with contextlib.suppress(bitrix24_rest.errors.ServerError):
                    client.call("user.get", {"FAIL": True})
            elif n % 2:
                client.call("user.current")
            else:
                client.imconnector.delete_messages(connector="bench", line=1, messages=MESSAGES)
            wall += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
            if n in (WINDOW, calls):
                samples.append(Sample(rss_kib(), open_fds(), wall / WINDOW * 1e6, cpu / WINDOW * 1e6))
            if n % WINDOW == 0:
                wall = cpu = 0.0
    return samples[0], samples[-1]


def measure_soak(quick: bool, report: Report) -> None:
    """Figure 8: memory, descriptors and time per call at the start and the end of a soak."""
    calls = QUICK_CALLS if quick else CALLS
    log_progress(f"8. soak: {calls:,} calls through one client")
    start, end = soak(calls)
    label = f"Soak, {format_count(calls)} calls through one client"
    growth = (end.rss_kib - start.rss_kib) / 1024
    report.add(
        "8",
        f"{label}: resident memory after {format_count(WINDOW)} calls / at the end",
        f"{start.rss_kib / 1024:.1f} / {end.rss_kib / 1024:.1f} MiB (+{growth:.1f})",
        1,
        f"growth ≤ {MAX_RSS_GROWTH_MIB:g} MiB",
        verdict_at_most(max(growth, 0.0), MAX_RSS_GROWTH_MIB),
    )
    report.add(
        "8",
        f"{label}: open file descriptors, start / end",
        f"{start.fds} / {end.fds}",
        1,
        "unchanged",
        "PASS" if end.fds <= start.fds else f"MISS (+{end.fds - start.fds})",
    )
    slowdown = end.cpu_us / start.cpu_us if start.cpu_us else 1.0
    report.add(
        "8",
        f"{label}: per call, first / last {format_count(WINDOW)} calls",
        f"{start.wall_us:.0f} / {end.wall_us:.0f} µs wall, {start.cpu_us:.0f} / {end.cpu_us:.0f} µs CPU",
        1,
        f"last / first by CPU ≤ {MAX_SLOWDOWN:g}",
        verdict_at_most(slowdown, MAX_SLOWDOWN),
    )
