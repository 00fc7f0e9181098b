"""The benchmark harness: `python -m benchmarks.run [--quick] [--out FILE] [--work DIR]`.

Measures, each as the median of several runs (see benchmarks/README.md for the method):

1. cold generation of `spec/` (a whole `python -m generator` process, empty cache and output);
2. a no-op regeneration of `spec/`: it must rewrite no file;
3. synthetic specs of N = 50, 160, 500 and 1,600 operations: wall time, peak memory, linearity;
4. the N = 50 and N = 500 specs through openapi-python-client, and the ratio ours / theirs;
5. client overhead per call against bare httpx, and parsing a 1,000-item RESULT;
6. import time of the generated package against `import httpx`.

It prints a Markdown table and writes it to `benchmarks/results.md` (or `--out`). `--quick` is the
smoke version run by the tests: N = 50 only, one run of everything, no openapi-python-client, and
the table goes to a temporary file unless `--out` is given. Exit status 1 means a measurement
could not be made (an error, not a missed target).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import synthetic

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_ROOT / "benchmarks"
DEFAULT_WORK_DIR = BENCH_DIR / ".work"
DEFAULT_RESULTS = BENCH_DIR / "results.md"
PYCACHE_DIR = DEFAULT_WORK_DIR / "pycache"
"""Bytecode of every measured process (and of this one), kept between runs, --quick included."""
SPEC_DIR = PROJECT_ROOT / "spec"
PYTHON = sys.executable

OPC_VERSION = "0.29.1"
"""openapi-python-client, pinned: `pip index versions openapi-python-client` at the time of writing."""
OPC_RUFF_VERSION = "0.17.6"
"""ruff for openapi-python-client's post-hooks (`ruff check --fix`, `ruff format`), in its venv."""

SCALE_SIZES = (50, 160, 500, 1600)
OPC_SIZES = (50, 500)
LINEARITY_PAIR = (160, 1600)
RATIO_SIZE = 500

COLD_SPEC_RUNS = 5
NOOP_RUNS = 3
SCALE_RUNS = 3
OPC_RUNS = {50: 3, 500: 1}
IMPORT_RUNS = 9
CLIENT_CALLS, CLIENT_REPEATS = 2000, 5
PARSE_LOOPS, PARSE_REPEATS = 20, 5
PARSE_ITEMS = 1000

FIGURE_BUDGET_S = 90.0
"""After the first run of a figure, another run starts only if the figure stays within this."""
RUN_TIMEOUT_S = 150.0
"""A generator run still going after this is killed and reported as timed out (a miss)."""
MEMORY_SAMPLE_INTERVAL_S = 0.05

TARGET_COLD_SPEC_S = 0.5
TARGET_BIG_TIME_S = 30.0
TARGET_BIG_MEMORY_BYTES = 1024**3
TARGET_LINEARITY = 11.0
TARGET_OURS_OVER_THEIRS = 0.25
TARGET_CLIENT_RATIO = 1.3
TARGET_PARSE_S = 0.005
TARGET_IMPORT_RATIO = 1.2

PORTAL = "example.bitrix24.com"
ACCESS_TOKEN = "bench-token"
METHOD = "imconnector.delete.messages"


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    number: str
    figure: str
    value: str
    runs: str
    target: str
    result: str


@dataclass
class Report:
    """Everything measured so far, and the measurements that could not be made."""

    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, number: str, figure: str, value: str, runs: int | str, target: str, result: str) -> None:
        """Append a row."""
        self.rows.append(Row(number, figure, value, str(runs), target, result))


def verdict_at_most(value: float, limit: float) -> str:
    """PASS when `value` <= `limit`; otherwise MISS and by how much."""
    if value <= limit:
        return "PASS"
    return f"MISS ({value / limit:.2f}x the limit)"


def verdict_below(value: float, limit: float) -> str:
    """PASS when `value` < `limit`; otherwise MISS and by how much."""
    if value < limit:
        return "PASS"
    return f"MISS ({value / limit:.2f}x the limit)"


def format_seconds(seconds: float) -> str:
    """A duration with a unit that keeps it readable: 830 µs, 12.3 ms, 4.56 s."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def format_bytes(size: float) -> str:
    """A memory size in MiB."""
    return f"{size / 1024**2:.0f} MiB"


def format_count(n: int) -> str:
    """An operation count with a thousands separator: 1,600."""
    return f"{n:,}"


# --- machine ------------------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def total_memory_bytes() -> int | None:
    """Physical memory from /proc/meminfo, None when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def git_revision() -> str:
    """The project's commit, marked when the working tree has changes; `unknown` without git."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "generator", "templates", "spec"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with uncommitted changes to generator/templates/spec" if dirty else "")


def machine_description() -> str:
    """Platform, CPU model, cores, memory and Python of this machine, on one line."""
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    memory = total_memory_bytes()
    memory_text = f", {memory / 1024**3:.1f} GiB RAM" if memory else ""
    return (
        f"{platform.platform()}, {cpu_model()}, {cores} cores ({usable} usable){memory_text}, "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )


# --- running a process and measuring it ----------------------------------------------------------


@dataclass(frozen=True)
class ProcessRun:
    """One measured process: wall time, memory, and how it ended."""

    seconds: float
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
    the tree's largest ru_maxrss without a wrapper process. Output goes to `log_file`.
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
        peak_memory_bytes=max(max_rss_bytes(usage.ru_maxrss), sampler.peak_bytes),
        exit_code=process.returncode,
        timed_out=timed_out.is_set(),
        output_tail=output[-2000:],
    )


def repeat_runs(measure: Callable[[int], ProcessRun], runs: int, budget: float = FIGURE_BUDGET_S) -> list[ProcessRun]:
    """Up to `runs` runs of `measure(i)`; stops early on a failure or when the next run would
    probably take the figure past `budget` seconds (at least one run is always made)."""
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


def failure_text(run: ProcessRun) -> str:
    """How a failed run is shown in the table."""
    if run.timed_out:
        return f"> {format_seconds(run.seconds)} (timed out)"
    return f"failed (exit {run.exit_code})"


PROCESS_START = time.perf_counter()


def log_progress(message: str) -> None:
    """One progress line on stderr, with the seconds since the harness started."""
    print(f"bench [{time.perf_counter() - PROCESS_START:6.1f} s]: {message}", file=sys.stderr, flush=True)


# --- our generator ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What this invocation measures and where it works."""

    quick: bool
    work: Path
    run_timeout: float = RUN_TIMEOUT_S

    def runs(self, full: int) -> int:
        """How many runs a figure gets: `full`, or 1 in quick mode."""
        return 1 if self.quick else full


def fresh_folder(path: Path) -> Path:
    """`path`, emptied (or made)."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def python_env() -> dict[str, str]:
    """The environment of every Python process the harness measures.

    Bytecode is written, as on a normal machine (an environment that sets
    PYTHONDONTWRITEBYTECODE would make every process compile every module again), but into the
    work folder (PYTHONPYCACHEPREFIX) so that nothing appears in the project's folders.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE_DIR)
    return env


def generator_env(settings: Settings, cache_dir: Path) -> dict[str, str]:
    """The environment of a generator run, with its cache in `cache_dir` (never the project's)."""
    env = python_env()
    env["GENERATOR_CACHE_DIR"] = str(cache_dir)
    env.pop("GENERATOR_CACHE", None)
    env.pop("GENERATOR_DEBUG", None)
    return env


def run_generator(settings: Settings, spec: Path, out: Path, cache_dir: Path, log_name: str) -> ProcessRun:
    """One whole `python -m generator --spec SPEC --out OUT` process, measured; its output goes
    to `logs/LOG_NAME.log` in the work folder."""
    return run_measured(
        [PYTHON, "-m", "generator", "--spec", spec, "--out", out],
        cwd=PROJECT_ROOT,
        log_file=settings.work / "logs" / f"{log_name}.log",
        env=generator_env(settings, cache_dir),
        timeout=settings.run_timeout,
    )


def run_generator_cold(settings: Settings, spec: Path, label: str, index: int) -> ProcessRun:
    """A generator run with an empty cache and no output folder; both removed afterwards."""
    out = settings.work / f"out-{label}"
    cache = fresh_folder(settings.work / f"cache-{label}")
    if out.exists():
        shutil.rmtree(out)
    try:
        return run_generator(settings, spec, out, cache, f"{label}-{index}")
    finally:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


def report_failure(report: Report, what: str, run: ProcessRun) -> None:
    """Record a run that failed (not one that timed out: that is a measured miss)."""
    if not run.timed_out:
        report.errors.append(f"{what}: exit {run.exit_code}\n{run.output_tail}")


def warm_up(settings: Settings) -> None:
    """One unmeasured generation of `spec/`: byte-compiles the generator and its libraries into
    the work folder's pycache, so that figure 1 measures generation, not compilation."""
    log_progress("warm-up: one unmeasured generation of spec/")
    run = run_generator_cold(settings, SPEC_DIR, "warm-up", 0)
    if not run.ok:
        raise RuntimeError(f"the warm-up generation of spec/ failed (exit {run.exit_code}):\n{run.output_tail}")


def measure_cold_spec(settings: Settings, report: Report) -> None:
    """Figure 1: cold generation of `spec/`, and the same with a warm cache for reference."""
    log_progress("1. cold generation of spec/")
    runs = repeat_runs(lambda i: run_generator_cold(settings, SPEC_DIR, "spec-cold", i), settings.runs(COLD_SPEC_RUNS))
    last = runs[-1]
    if not last.ok:
        report_failure(report, "cold generation of spec/", last)
        report.add(
            "1",
            "Cold generation of `spec/` (whole process, empty cache)",
            failure_text(last),
            len(runs),
            "< 0.5 s",
            "MISS",
        )
        return
    median = statistics.median(r.seconds for r in runs)
    report.add(
        "1",
        "Cold generation of `spec/` (whole process, empty cache)",
        format_seconds(median),
        len(runs),
        "< 0.5 s",
        verdict_below(median, TARGET_COLD_SPEC_S),
    )
    cache = fresh_folder(settings.work / "cache-spec-warm")
    run_generator(settings, SPEC_DIR, settings.work / "out-spec-warm-fill", cache, "spec-warm-fill")

    def warm(index: int) -> ProcessRun:
        out = settings.work / "out-spec-warm"
        shutil.rmtree(out, ignore_errors=True)
        return run_generator(settings, SPEC_DIR, out, cache, f"spec-warm-{index}")

    warm_runs = repeat_runs(warm, settings.runs(COLD_SPEC_RUNS))
    for folder in ("out-spec-warm", "out-spec-warm-fill", "cache-spec-warm"):
        shutil.rmtree(settings.work / folder, ignore_errors=True)
    if warm_runs[-1].ok:
        value = format_seconds(statistics.median(r.seconds for r in warm_runs))
    else:
        report_failure(report, "generation of spec/ with a warm cache", warm_runs[-1])
        value = failure_text(warm_runs[-1])
    report.add(
        "1b", "Generation of `spec/` into an empty folder, cache already filled", value, len(warm_runs), "-", "info"
    )


def file_stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, inode) of every file under `folder`, by relative path; caches skipped."""
    stamps: dict[str, tuple[int, int]] = {}
    for path in folder.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            info = path.stat()
            stamps[path.relative_to(folder).as_posix()] = (info.st_mtime_ns, info.st_ino)
    return stamps


def rewritten_files(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    """Files added, removed, or whose mtime or inode changed between two `file_stamps`."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def measure_noop(settings: Settings, report: Report) -> None:
    """Figure 2: regenerate `spec/` into an up-to-date folder; no file may be rewritten."""
    log_progress("2. no-op regeneration of spec/")
    out = fresh_folder(settings.work / "out-noop")
    cache = fresh_folder(settings.work / "cache-noop")
    first = run_generator(settings, SPEC_DIR, out, cache, "noop-first")
    figure = "No-op regeneration of `spec/`: files rewritten (mtime or inode changed)"
    if not first.ok:
        report_failure(report, "first generation for the no-op check", first)
        report.add("2", figure, failure_text(first), 0, "0 files", "MISS")
        return
    time.sleep(0.05)  # so that a rewrite could not land on the same mtime tick
    before = file_stamps(out)
    rewritten: set[str] = set()

    def noop(index: int) -> ProcessRun:
        run = run_generator(settings, SPEC_DIR, out, cache, f"noop-{index}")
        rewritten.update(rewritten_files(before, file_stamps(out)))
        return run

    runs = repeat_runs(noop, settings.runs(NOOP_RUNS))
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    if not runs[-1].ok:
        report_failure(report, "no-op regeneration", runs[-1])
        report.add("2", figure, failure_text(runs[-1]), len(runs), "0 files", "MISS")
        return
    names = f": {', '.join(sorted(rewritten)[:5])}" if rewritten else ""
    report.add(
        "2",
        figure,
        f"{len(rewritten)} of {len(before)}{names}",
        len(runs),
        "0 files",
        "PASS" if not rewritten else f"MISS ({len(rewritten)} rewritten)",
    )
    median = statistics.median(r.seconds for r in runs)
    report.add("2b", "No-op regeneration of `spec/`: wall time", format_seconds(median), len(runs), "-", "info")


@dataclass(frozen=True)
class ScaleResult:
    """Median time and memory of our generator on one synthetic spec (None: not measured)."""

    size: int
    seconds: float | None
    memory_bytes: float | None
    timed_out: bool


def synthetic_spec(settings: Settings, size: int) -> Path:
    """The synthetic spec folder of `size` operations, written afresh."""
    folder = settings.work / f"spec-{size}"
    synthetic.write_spec_folder(folder, size)
    return folder


def measure_scale_size(settings: Settings, report: Report, size: int) -> ScaleResult:
    """Figure 3 for one N: cold generation of the synthetic spec, time and peak memory."""
    log_progress(f"3. our generator, N = {size}")
    spec = synthetic_spec(settings, size)
    runs = repeat_runs(lambda i: run_generator_cold(settings, spec, f"scale-{size}", i), settings.runs(SCALE_RUNS))
    shutil.rmtree(spec, ignore_errors=True)
    big = size == max(SCALE_SIZES)
    time_target = "< 30 s" if big else "-"
    memory_target = "< 1 GiB" if big else "-"
    label = format_count(size)
    last = runs[-1]
    if not last.ok:
        report_failure(report, f"generation of the N = {size} spec", last)
        time_result = "MISS"
        if big and last.timed_out:
            time_result = f"MISS (> {last.seconds / TARGET_BIG_TIME_S:.1f}x the limit)"
        report.add("3", f"Ours, N = {label}: wall time", failure_text(last), len(runs), time_target, time_result)
        if last.timed_out:
            memory_text = f"≥ {format_bytes(last.peak_memory_bytes)} (when killed)"
            share = last.peak_memory_bytes / TARGET_BIG_MEMORY_BYTES
            memory_result = (f"MISS (≥ {share:.2f}x the limit)" if share >= 1 else "unknown") if big else "info"
        else:
            memory_text, memory_result = "-", "MISS" if big else "n/a"
        report.add("3", f"Ours, N = {label}: peak memory", memory_text, len(runs), memory_target, memory_result)
        return ScaleResult(size, last.seconds if last.timed_out else None, None, last.timed_out)
    seconds = statistics.median(r.seconds for r in runs)
    memory = statistics.median(r.peak_memory_bytes for r in runs)
    report.add(
        "3",
        f"Ours, N = {label}: wall time",
        format_seconds(seconds),
        len(runs),
        time_target,
        verdict_below(seconds, TARGET_BIG_TIME_S) if big else "info",
    )
    report.add(
        "3",
        f"Ours, N = {label}: peak memory",
        format_bytes(memory),
        len(runs),
        memory_target,
        verdict_below(memory, TARGET_BIG_MEMORY_BYTES) if big else "info",
    )
    return ScaleResult(size, seconds, memory, False)


def report_not_run(report: Report, number: str, figure: str, target: str, why: str) -> None:
    """A row for a figure this invocation does not measure."""
    report.add(number, figure, f"not run ({why})", "-", target, "n/a")


def report_linearity(report: Report, results: Mapping[int, ScaleResult]) -> None:
    """Figure 3: t(1,600) / t(160), from the scale results."""
    small, big = LINEARITY_PAIR
    figure = f"Linearity: t({format_count(big)}) / t({format_count(small)})"
    low, high = results.get(small), results.get(big)
    if low is None or high is None:
        report_not_run(report, "3", figure, "≤ 11", "--quick")
        return
    if low.seconds is None or high.seconds is None or low.timed_out:
        report.add("3", figure, "unknown (a run failed)", "-", "≤ 11", "MISS")
        return
    ratio = high.seconds / low.seconds
    if high.timed_out:
        result = "MISS" if ratio > TARGET_LINEARITY else "unknown"
        report.add("3", figure, f"≥ {ratio:.1f} (N = {format_count(big)} timed out)", "-", "≤ 11", result)
        return
    report.add("3", figure, f"{ratio:.1f}", "-", "≤ 11", verdict_at_most(ratio, TARGET_LINEARITY))


def measure_scale(settings: Settings, report: Report) -> dict[int, ScaleResult]:
    """Figure 3: every N, then the linearity ratio."""
    results: dict[int, ScaleResult] = {}
    for size in SCALE_SIZES:
        if settings.quick and size != SCALE_SIZES[0]:
            target = "< 30 s, < 1 GiB" if size == max(SCALE_SIZES) else "-"
            report_not_run(report, "3", f"Ours, N = {format_count(size)}: wall time and peak memory", target, "--quick")
            continue
        results[size] = measure_scale_size(settings, report, size)
    report_linearity(report, results)
    return results


# --- openapi-python-client -----------------------------------------------------------------------


def opc_venv(settings: Settings) -> Path:
    """The virtualenv of openapi-python-client under the work folder."""
    return settings.work / "opc-venv"


def opc_installed_version(venv: Path) -> str | None:
    """The openapi-python-client version installed in `venv`, None if it is not."""
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    done = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('openapi-python-client'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def ensure_opc_venv(settings: Settings) -> Path:
    """The openapi-python-client virtualenv, made and filled (pinned versions) when needed."""
    venv = opc_venv(settings)
    if opc_installed_version(venv) == OPC_VERSION and (venv / "bin" / "ruff").exists():
        return venv
    log_progress(f"4. installing openapi-python-client=={OPC_VERSION} into {venv}")
    subprocess.run([PYTHON, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"openapi-python-client=={OPC_VERSION}",
            f"ruff=={OPC_RUFF_VERSION}",
        ],
        check=True,
    )
    return venv


def opc_env(settings: Settings, venv: Path) -> dict[str, str]:
    """The environment of an openapi-python-client run: its venv first on PATH (for ruff)."""
    env = python_env()
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env.pop("PYTHONPATH", None)
    return env


def run_opc(settings: Settings, venv: Path, bundle: Path, size: int, index: int) -> ProcessRun:
    """One `openapi-python-client generate` of `bundle` into a fresh folder, measured."""
    out = settings.work / f"opc-out-{size}"
    shutil.rmtree(out, ignore_errors=True)
    try:
        return run_measured(
            [venv / "bin" / "openapi-python-client", "generate", "--path", bundle, "--output-path", out, "--overwrite"],
            cwd=settings.work,
            log_file=settings.work / "logs" / f"opc-{size}-{index}.log",
            env=opc_env(settings, venv),
            timeout=settings.run_timeout * 2,
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)


def opc_figure(size: int) -> str:
    """The table label of openapi-python-client's run at N = `size`."""
    return f"openapi-python-client {OPC_VERSION} (with its ruff hooks), N = {format_count(size)}: wall time"


def report_ratio(report: Report, size: int, ours: ScaleResult | None, theirs: float) -> None:
    """Figure 4: ours / theirs at one N (a target only at `RATIO_SIZE`)."""
    label = format_count(size)
    has_target = size == RATIO_SIZE
    target = "≤ 0.25 (≥ 4x faster)" if has_target else "-"
    figure = f"Ratio ours / theirs, N = {label}"
    if ours is None or ours.seconds is None:
        report.add("4", figure, "unknown (our run failed)", "-", target, "MISS" if has_target else "n/a")
        return
    ratio = ours.seconds / theirs
    prefix = "≥ " if ours.timed_out else ""
    speed = f"{1 / ratio:.1f}x faster" if ratio <= 1 else f"{ratio:.1f}x slower"
    value = f"{prefix}{ratio:.2f} ({speed})"
    result = verdict_at_most(ratio, TARGET_OURS_OVER_THEIRS) if has_target else "info"
    report.add("4", figure, value, "-", target, result)


def measure_opc(settings: Settings, report: Report, ours: Mapping[int, ScaleResult]) -> None:
    """Figure 4: openapi-python-client on the same synthetic specs, and the ratios."""
    if settings.quick:
        for size in OPC_SIZES:
            report_not_run(report, "4", opc_figure(size), "-", "--quick")
        report_not_run(report, "4", f"Ratio ours / theirs, N = {format_count(RATIO_SIZE)}", "≤ 0.25", "--quick")
        return
    venv = ensure_opc_venv(settings)
    log_progress("4. warm-up: one unmeasured openapi-python-client run (byte-compiles it)")
    warm_up_bundle = synthetic.write_bundle(settings.work / "bundle-warm-up.json", 1)
    run_opc(settings, venv, warm_up_bundle, 1, 0)
    for size in OPC_SIZES:
        log_progress(f"4. openapi-python-client, N = {size}")
        bundle = synthetic.write_bundle(settings.work / f"bundle-{size}.json", size)
        runs = repeat_runs(functools.partial(run_opc, settings, venv, bundle, size), OPC_RUNS[size])
        figure = opc_figure(size)
        if not runs[-1].ok:
            report_failure(report, f"openapi-python-client on N = {size}", runs[-1])
            report.add("4", figure, failure_text(runs[-1]), len(runs), "-", "n/a")
            continue
        theirs = statistics.median(r.seconds for r in runs)
        memory = format_bytes(statistics.median(r.peak_memory_bytes for r in runs))
        report.add("4", figure, f"{format_seconds(theirs)} (peak {memory})", len(runs), "-", "info")
        report_ratio(report, size, ours.get(size), theirs)


# --- the generated client -------------------------------------------------------------------------


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
        "< 5 ms",
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


def process_seconds(settings: Settings, code: str) -> float:
    """Wall time of `python -c CODE` in a fresh process."""
    started = time.perf_counter()
    subprocess.run([PYTHON, "-c", code], cwd=settings.work, env=python_env(), check=True, capture_output=True)
    return time.perf_counter() - started


def median_import_costs(measure: Callable[[Settings, str], float], settings: Settings, runs: int) -> dict[str, float]:
    """For each of `IMPORT_STATEMENTS`, the median of `measure` minus the median for `pass`;
    the statements are interleaved run by run so that drift hits all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in IMPORT_STATEMENTS}
    for _ in range(runs):
        for name, code in IMPORT_STATEMENTS.items():
            samples[name].append(measure(settings, code))
    baseline = statistics.median(samples["nothing"])
    return {name: statistics.median(values) - baseline for name, values in samples.items() if name != "nothing"}


def measure_import(settings: Settings, report: Report) -> None:
    """Figure 6: importing the generated package against `import httpx`, in fresh processes."""
    log_progress("6. import time")
    runs = settings.runs(IMPORT_RUNS)
    for code in IMPORT_STATEMENTS.values():  # warm-up: byte-compile anything not yet compiled
        import_seconds(settings, code)
    costs = median_import_costs(import_seconds, settings, runs)
    usable, package, httpx_alone = costs["usable"], costs["package"], costs["httpx"]
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
    walls = median_import_costs(process_seconds, settings, runs)
    report.add(
        "6b",
        "Import, wall clock of the process minus `python -c pass`: generated package / httpx",
        f"{format_seconds(walls['usable'])} / {format_seconds(walls['httpx'])} = {walls['usable'] / walls['httpx']:.2f}",
        runs,
        "-",
        "info",
    )


# --- table --------------------------------------------------------------------------------------


def escape_cell(text: str) -> str:
    """A table cell: pipes escaped."""
    return text.replace("|", "\\|")


def load_average() -> str:
    """The 1-minute load average, or `unknown`."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def render_markdown(
    report: Report, machine: str, revision: str, quick: bool, seconds: float, loads: tuple[str, str]
) -> str:
    """The results as a Markdown page: header, table, misses and errors."""
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    mode = " --quick (smoke run: one run each, N = 50 only)" if quick else ""
    lines = [
        "# Benchmark results",
        "",
        f"`python -m benchmarks.run{mode}` on {when}, commit {revision}, in {seconds:.0f} s.",
        "",
        f"Machine: {machine}.",
        "",
        f"Load average (1 min) at start / end: {loads[0]} / {loads[1]}; figures are comparable only when "
        "the machine is otherwise idle (load near 0).",
        "",
        "Each value is the median of the runs shown. How each figure is measured: "
        "[benchmarks/README.md](README.md).",
        "",
        "| # | Figure | Value | Runs | Target | Result |",
        "|---|---|---|---|---|---|",
    ]
    for row in report.rows:
        cells = (row.number, row.figure, row.value, row.runs, row.target, row.result)
        lines.append("| " + " | ".join(escape_cell(c) for c in cells) + " |")
    misses = [row for row in report.rows if row.result.startswith("MISS")]
    lines += ["", f"Targets missed: {len(misses)}."]
    lines += [f"- {row.figure}: {row.value} (target {row.target}); {row.result}" for row in misses]
    if report.errors:
        lines += ["", "Measurements that failed:", ""]
        lines += ["```", *(e.rstrip() for e in report.errors), "```"]
    return "\n".join(lines) + "\n"


# --- main ---------------------------------------------------------------------------------------


def run_section(name: str, section: Callable[[], None], report: Report) -> None:
    """Run one group of measurements; an exception is recorded, and the rest still run."""
    try:
        section()
    except Exception as exc:  # a broken measurement must not hide the others
        report.errors.append(f"{name}: {type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        report.add("!", name, f"error: {type(exc).__name__}", "-", "-", "error")


def measure_everything(settings: Settings) -> Report:
    """Every figure, in the order of the table."""
    report = Report()
    scale: dict[int, ScaleResult] = {}

    def scale_section() -> None:
        scale.update(measure_scale(settings, report))

    if not settings.quick:  # accuracy only; the smoke run saves the time
        run_section("Warm-up", lambda: warm_up(settings), report)
    run_section("Cold generation of `spec/`", lambda: measure_cold_spec(settings, report), report)
    run_section("No-op regeneration", lambda: measure_noop(settings, report), report)
    run_section("Scale", scale_section, report)
    run_section("openapi-python-client", lambda: measure_opc(settings, report, scale), report)
    run_section("Client overhead per call", lambda: measure_call_overhead(settings, report), report)
    run_section("Parse a 1,000-item RESULT", lambda: measure_parse(settings, report), report)
    run_section("Import time", lambda: measure_import(settings, report), report)
    return report


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description="Run the benchmarks.")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: N = 50 only, one run, no openapi-python-client"
    )
    parser.add_argument("--out", type=Path, help="where to write the Markdown (default: benchmarks/results.md)")
    parser.add_argument(
        "--run-timeout",
        type=float,
        default=RUN_TIMEOUT_S,
        help=f"kill a generator run after this many seconds (default {RUN_TIMEOUT_S:.0f}; keeps `make bench` short)",
    )
    parser.add_argument(
        "--work", type=Path, help="scratch folder (default: benchmarks/.work; a temp folder with --quick)"
    )
    return parser.parse_args(argv)


def results_path(args: argparse.Namespace) -> Path:
    """Where the table goes: --out, else results.md, else (--quick) a temporary file."""
    if args.out is not None:
        return Path(args.out)
    if not args.quick:
        return DEFAULT_RESULTS
    handle, name = tempfile.mkstemp(prefix="bench-quick-", suffix=".md")
    os.close(handle)
    return Path(name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; exit 1 when a measurement failed (not when a target is missed)."""
    args = parse_args(argv)
    out = results_path(args)
    temporary_work = args.work is None and args.quick
    work = Path(tempfile.mkdtemp(prefix="bench-work-")) if temporary_work else (args.work or DEFAULT_WORK_DIR)
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    sys.pycache_prefix = str(PYCACHE_DIR)  # the in-process client import, like the children
    started = time.perf_counter()
    load_at_start = load_average()
    try:
        report = measure_everything(Settings(quick=args.quick, work=work, run_timeout=args.run_timeout))
    finally:
        if temporary_work:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    loads = (load_at_start, load_average())
    page = render_markdown(report, machine_description(), git_revision(), args.quick, elapsed, loads)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(page)
    log_progress(f"wrote {out}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
