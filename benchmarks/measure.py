"""Running a process and measuring it: wall time, CPU time, peak memory of its whole tree, a
timeout that kills the tree, repeated runs within a time budget, and progress lines."""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

FIGURE_RUNS = 3
"""How many runs a process figure gets (its values are their medians), budget permitting."""
FIGURE_BUDGET_S = 90.0
"""After the first run of a figure, another run starts only if the figure stays within this."""
RUN_TIMEOUT_S = 150.0
"""A generator run still going after this is killed and reported as timed out (a miss)."""
MEMORY_SAMPLE_INTERVAL_S = 0.05


@dataclass(frozen=True)
class ProcessRun:
    """One measured process: wall time, CPU time, memory, and how it ended."""

    seconds: float
    """Wall time from start to exit (perf_counter), interpreter start-up included."""
    cpu_seconds: float
    """User + system CPU time of the process and of every descendant it waited for (wait4's
    rusage; a generator reaps its workers, so they count; a process left running when a timeout
    kills the group does not)."""
    peak_memory_bytes: int
    """The larger of: the biggest single process of the tree (wait4's ru_maxrss) and the sampled
    peak of the whole tree's proportional set size (the generator forks workers)."""
    exit_code: int
    timed_out: bool
    output_tail: str

    @property
    def ok(self) -> bool:
        """True when the process finished by itself with exit status 0."""
        return self.exit_code == 0 and not self.timed_out


def child_pids(pid: int) -> list[int]:
    """The direct children of `pid`, from /proc (empty when unavailable)."""
    children: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                children.extend(int(token) for token in handle.read().split())
    except OSError:
        pass
    return children


def process_tree(pid: int) -> Iterator[int]:
    """`pid` and all its descendants."""
    pending = [pid]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(child_pids(current))


def proportional_set_size(pid: int) -> int:
    """The PSS of one process in bytes (0 when unavailable): shared pages split between sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class TreeMemorySampler:
    """Samples the summed PSS of a process tree in a background thread and keeps the peak."""

    def __init__(self, pid: int, interval: float = MEMORY_SAMPLE_INTERVAL_S) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="memory-sampler", daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = sum(proportional_set_size(p) for p in process_tree(self.pid))
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def max_rss_bytes(ru_maxrss: int) -> int:
    """`ru_maxrss` in bytes (Linux reports KiB, macOS bytes)."""
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def kill_group(pid: int) -> None:
    """Kill the process group led by `pid` (the process and any workers it forked)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def run_measured(
    command: Sequence[str | Path],
    *,
    cwd: Path,
    log_file: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = RUN_TIMEOUT_S,
) -> ProcessRun:
    """Run `command` to completion, timing it with perf_counter and measuring its memory.

    The process leads its own group so that a timeout kills its workers too; `os.wait4` gives
    the tree's largest ru_maxrss and its CPU time without a wrapper process. Output goes to
    `log_file`.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    timed_out = threading.Event()
    with log_file.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def on_timeout() -> None:
            timed_out.set()
            kill_group(process.pid)

        timer = threading.Timer(timeout, on_timeout)
        timer.start()
        with TreeMemorySampler(process.pid) as sampler:
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    output = log_file.read_text(encoding="utf-8", errors="replace")
    return ProcessRun(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_memory_bytes=max(max_rss_bytes(usage.ru_maxrss), sampler.peak_bytes),
        exit_code=process.returncode,
        timed_out=timed_out.is_set(),
        output_tail=output[-2000:],
    )


def median_times(runs: Sequence[ProcessRun]) -> tuple[float, float]:
    """The median wall time and the median CPU time of `runs`, in seconds."""
    return statistics.median(r.seconds for r in runs), statistics.median(r.cpu_seconds for r in runs)


def time_process(command: Sequence[str | Path], *, cwd: Path, env: Mapping[str, str]) -> tuple[float, float]:
    """Wall and CPU time (user + system, waited-for descendants included) of one short process
    whose output is discarded; no memory sampling, so nothing else runs beside it. A failure
    (non-zero exit status) raises `subprocess.CalledProcessError`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(part) for part in command],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, [str(part) for part in command])
    return seconds, usage.ru_utime + usage.ru_stime


def repeat_runs(
    measure: Callable[[int], ProcessRun], runs: int = FIGURE_RUNS, budget: float = FIGURE_BUDGET_S
) -> list[ProcessRun]:
    """Up to `runs` runs of `measure(i)`; stops early on a failure or when the next run would
    probably take the figure past `budget` seconds of wall time (the first run is always made,
    however long it takes: only the run timeout ends it)."""
    results: list[ProcessRun] = []
    spent = 0.0
    for index in range(runs):
        if results and spent + results[-1].seconds > budget:
            break
        result = measure(index)
        results.append(result)
        spent += result.seconds
        if not result.ok:
            break
    return results


PROCESS_START = time.perf_counter()


def log_progress(message: str) -> None:
    """One progress line on stderr, with the seconds since the harness started."""
    print(f"bench [{time.perf_counter() - PROCESS_START:6.1f} s]: {message}", file=sys.stderr, flush=True)
