"""Figures 5 and 6, the generated client: per-call overhead against bare httpx, parsing a large
answer (both in this process), and import time in fresh processes."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import time
from collections.abc import Callable
from typing import Any

from benchmarks import synthetic
from benchmarks.measure import log_progress, time_process
from benchmarks.report import Report, format_count, format_seconds, verdict_at_most, verdict_below
from benchmarks.settings import PYTHON, SPEC_DIR, Settings, python_env

IMPORT_RUNS = 9
CLIENT_CALLS, CLIENT_REPEATS = 2000, 5
PARSE_LOOPS, PARSE_REPEATS = 20, 5
PARSE_ITEMS = 1000

TARGET_CLIENT_RATIO = 1.3
TARGET_PARSE_S = 0.002
TARGET_IMPORT_RATIO = 1.2
PORTAL = "example.bitrix24.com"
ACCESS_TOKEN = "bench-token"
METHOD = "imconnector.delete.messages"


def documented_example(status_or_body: str) -> Any:
    """The first named example of the method's request body (`request`) or 200 answer (`200`)."""
    method = synthetic.load_yaml(SPEC_DIR / f"{METHOD}.yaml")
    operation = method["paths"][f"/{METHOD}"]["post"]
    if status_or_body == "request":
        media = operation["requestBody"]["content"]["application/json"]
    else:
        media = operation["responses"][status_or_body]["content"]["application/json"]
    examples = media.get("examples") or {"only": {"value": media["example"]}}
    return next(iter(examples.values()))["value"]


def timed_loop(call: Callable[[], object], loops: int) -> float:
    """Seconds per call of `call`, over `loops` calls."""
    started = time.perf_counter()
    for _ in range(loops):
        call()
    return (time.perf_counter() - started) / loops


def interleaved_medians(
    first: Callable[[], object], second: Callable[[], object], loops: int, repeats: int
) -> tuple[float, float]:
    """Median per-call seconds of `first` and of `second`, timed in alternating repeats."""
    first_times: list[float] = []
    second_times: list[float] = []
    timed_loop(first, max(loops // 10, 1))  # warm-up: connection pool, caches, lazy imports
    timed_loop(second, max(loops // 10, 1))
    for _ in range(repeats):
        first_times.append(timed_loop(first, loops))
        second_times.append(timed_loop(second, loops))
    return statistics.median(first_times), statistics.median(second_times)


def measure_call_overhead(settings: Settings, report: Report) -> None:
    """Figure 5: per-call time of `delete_messages` against bare `httpx.Client.post` + `json.loads`."""
    log_progress("5. client per-call overhead")
    import bitrix24_rest
    import httpx

    request = documented_example("request")
    answer = json.dumps(documented_example("200")).encode("utf-8")

    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answer, headers={"Content-Type": "application/json"})

    transport = httpx.MockTransport(handler)
    arguments = {name.lower(): value for name, value in request.items()}
    url = f"https://{PORTAL}/rest/{METHOD}"
    body = {**request, "auth": ACCESS_TOKEN}
    loops, repeats = (200, 1) if settings.quick else (CLIENT_CALLS, CLIENT_REPEATS)
    with (
        bitrix24_rest.Client(
            PORTAL, access_token=ACCESS_TOKEN, transport=transport, rate_limit=None, max_retries=0
        ) as client,
        httpx.Client(transport=transport) as bare,
    ):
        ours, theirs = interleaved_medians(
            lambda: client.imconnector.delete_messages(**arguments),
            lambda: json.loads(bare.post(url, json=body).content),
            loops,
            repeats,
        )
    runs = f"{repeats} x {loops} calls"
    report.add("5", "Client: `delete_messages` per call (MockTransport)", format_seconds(ours), runs, "-", "info")
    report.add("5", "Bare `httpx.Client.post` + `json.loads` per call", format_seconds(theirs), runs, "-", "info")
    ratio = ours / theirs
    report.add(
        "5",
        "Client overhead: ours / bare per call",
        f"{ratio:.2f}",
        runs,
        "≤ 1.3",
        verdict_at_most(ratio, TARGET_CLIENT_RATIO),
    )


def many_item_answer(count: int) -> dict[str, Any]:
    """The documented answer with `count` items in `result.DATA.RESULT`; every 10th failed."""
    answer = documented_example("200")
    template = answer["result"]["DATA"]["RESULT"][0]
    items = []
    for index in range(count):
        item = json.loads(json.dumps(template))
        item["message"]["id"] = f"ext-msg-{index}"
        if index % 10 == 9:
            item["SUCCESS"] = False
            item["ERRORS"] = ["Message not found"]
        items.append(item)
    answer["result"]["DATA"]["RESULT"] = items
    payload: dict[str, Any] = json.loads(json.dumps(answer))  # fresh objects, as from the wire
    return payload


def measure_parse(settings: Settings, report: Report) -> None:
    """Figure 5: `ImconnectorDeleteMessagesResponse.from_dict` of a 1,000-item answer."""
    log_progress("5. parsing a 1,000-item RESULT")
    from bitrix24_rest.models import ImconnectorDeleteMessagesResponse

    payload = many_item_answer(PARSE_ITEMS)
    parsed = ImconnectorDeleteMessagesResponse.from_dict(payload)
    if len(parsed.items) != PARSE_ITEMS:
        raise AssertionError(f"parsed {len(parsed.items)} items, expected {PARSE_ITEMS}")
    loops, repeats = (3, 1) if settings.quick else (PARSE_LOOPS, PARSE_REPEATS)
    times = [timed_loop(lambda: ImconnectorDeleteMessagesResponse.from_dict(payload), loops) for _ in range(repeats)]
    median = statistics.median(times)
    report.add(
        "5",
        f"Parse a {format_count(PARSE_ITEMS)}-item RESULT into typed objects",
        format_seconds(median),
        f"{repeats} x {loops}",
        "< 2 ms",
        verdict_below(median, TARGET_PARSE_S),
    )


# --- import time --------------------------------------------------------------------------------

IMPORTTIME_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)\s*$")

IMPORT_STATEMENTS = {
    "usable": "from bitrix24_rest import Client, errors",
    "package": "import bitrix24_rest",
    "httpx": "import httpx",
    "nothing": "pass",
}
"""What each import measurement runs: the README's import, the bare package, httpx, a baseline."""


def top_level_import_us(stderr: str) -> int:
    """The summed cumulative µs of every top-level import in `-X importtime` output."""
    total = 0
    for line in stderr.splitlines():
        match = IMPORTTIME_LINE.match(line)
        if match and len(match.group(3)) == 1:
            total += int(match.group(2))
    return total


def import_seconds(settings: Settings, code: str) -> float:
    """`python -X importtime -c CODE` in a fresh process: seconds of all its top-level imports."""
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", code],
        cwd=settings.work,
        env=python_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return top_level_import_us(done.stderr) / 1e6


def process_times(settings: Settings, code: str) -> tuple[float, ...]:
    """Wall and CPU time of `python -c CODE` in a fresh process."""
    return time_process([PYTHON, "-c", code], cwd=settings.work, env=python_env())


def median_import_costs(
    measure: Callable[[Settings, str], tuple[float, ...]], settings: Settings, runs: int
) -> dict[str, tuple[float, ...]]:
    """For each of `IMPORT_STATEMENTS`, the median of each number `measure` gives minus its
    median for `pass`; the statements are interleaved run by run so that drift hits all of them
    alike."""
    samples: dict[str, list[tuple[float, ...]]] = {name: [] for name in IMPORT_STATEMENTS}
    for _ in range(runs):
        for name, code in IMPORT_STATEMENTS.items():
            samples[name].append(measure(settings, code))

    def medians(name: str) -> tuple[float, ...]:
        return tuple(statistics.median(column) for column in zip(*samples[name], strict=True))

    baseline = medians("nothing")
    return {
        name: tuple(value - base for value, base in zip(medians(name), baseline, strict=True))
        for name in IMPORT_STATEMENTS
        if name != "nothing"
    }


def importtime_seconds(settings: Settings, code: str) -> tuple[float, ...]:
    """`import_seconds` as a one-number tuple, for `median_import_costs`."""
    return (import_seconds(settings, code),)


def ratio_text(ours: float, theirs: float) -> str:
    """`66.4 ms / 60.3 ms = 1.10`."""
    ratio = f"{ours / theirs:.2f}" if theirs > 0 else "n/a"
    return f"{format_seconds(ours)} / {format_seconds(theirs)} = {ratio}"


def measure_import(settings: Settings, report: Report) -> None:
    """Figure 6: importing the generated package against `import httpx`, in fresh processes."""
    log_progress("6. import time")
    runs = settings.runs(IMPORT_RUNS)
    for code in IMPORT_STATEMENTS.values():  # warm-up: byte-compile anything not yet compiled
        import_seconds(settings, code)
    costs = median_import_costs(importtime_seconds, settings, runs)
    (usable,), (package,), (httpx_alone,) = costs["usable"], costs["package"], costs["httpx"]
    statement = IMPORT_STATEMENTS["usable"]
    report.add("6", f"`{statement}` (-X importtime)", format_seconds(usable), runs, "-", "info")
    report.add("6", "`import bitrix24_rest` alone (-X importtime)", format_seconds(package), runs, "-", "info")
    report.add("6", "`import httpx` (-X importtime)", format_seconds(httpx_alone), runs, "-", "info")
    ratio = usable / httpx_alone
    report.add(
        "6",
        "Import: generated package (`from bitrix24_rest import Client, errors`) / `import httpx`",
        f"{ratio:.2f}",
        runs,
        "≤ 1.2",
        verdict_at_most(ratio, TARGET_IMPORT_RATIO),
    )
    processes = median_import_costs(process_times, settings, runs)
    (usable_wall, usable_cpu), (httpx_wall, httpx_cpu) = processes["usable"], processes["httpx"]
    report.add(
        "6b",
        "Import, whole process minus `python -c pass`: generated package / httpx",
        f"wall {ratio_text(usable_wall, httpx_wall)}; CPU {ratio_text(usable_cpu, httpx_cpu)}",
        runs,
        "-",
        "info",
    )
