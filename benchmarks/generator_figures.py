"""Figures 1 to 3, our generator as whole processes: cold generation of `spec/` (and with a warm
cache), no-op regeneration, synthetic specs of growing size, and the linearity ratio."""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from benchmarks import synthetic
from benchmarks.measure import FIGURE_RUNS, ProcessRun, log_progress, median_times, repeat_runs, run_measured
from benchmarks.report import (
    Report,
    failure_text,
    format_bytes,
    format_count,
    format_wall_cpu,
    report_failure,
    report_not_run,
    verdict_at_most,
    verdict_below,
)
from benchmarks.settings import PROJECT_ROOT, PYTHON, SPEC_DIR, Settings, python_env

SCALE_SIZES = (50, 165, 500, 1646)
"""The synthetic spec sizes; 1,646 is the number of operations of the vendor's REST API."""
BIG_SIZE = max(SCALE_SIZES)
LINEARITY_PAIR = (165, BIG_SIZE)
"""t(1,646) / t(165): ten times the operations."""
BIG_RUN_MIN_TIMEOUT_S = 120.0
"""The N = 1,646 run is killed no sooner than this, whatever `--run-timeout` says, so that it
gets at least one full run when it is within 4x of its target."""

TARGET_COLD_SPEC_S = 0.5
TARGET_BIG_TIME_S = 30.0
TARGET_BIG_MEMORY_BYTES = 1024**3
TARGET_LINEARITY = 11.0


def fresh_folder(path: Path) -> Path:
    """`path`, emptied (or made)."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def generator_env(settings: Settings, cache_dir: Path) -> dict[str, str]:
    """The environment of a generator run, with its cache in `cache_dir` (never the project's)."""
    env = python_env()
    env["GENERATOR_CACHE_DIR"] = str(cache_dir)
    env.pop("GENERATOR_CACHE", None)
    env.pop("GENERATOR_DEBUG", None)
    return env


def run_generator(
    settings: Settings, spec: Path, out: Path, cache_dir: Path, log_name: str, timeout: float | None = None
) -> ProcessRun:
    """One whole `python -m generator --spec SPEC --out OUT` process, measured (killed after
    `timeout`, by default the run timeout); its output goes to `logs/LOG_NAME.log` in the work
    folder."""
    return run_measured(
        [PYTHON, "-m", "generator", "--spec", spec, "--out", out],
        cwd=PROJECT_ROOT,
        log_file=settings.work / "logs" / f"{log_name}.log",
        env=generator_env(settings, cache_dir),
        timeout=settings.run_timeout if timeout is None else timeout,
    )


def run_generator_cold(
    settings: Settings, spec: Path, label: str, index: int, timeout: float | None = None
) -> ProcessRun:
    """A generator run with an empty cache and no output folder; both removed afterwards."""
    out = settings.work / f"out-{label}"
    cache = fresh_folder(settings.work / f"cache-{label}")
    if out.exists():
        shutil.rmtree(out)
    try:
        return run_generator(settings, spec, out, cache, f"{label}-{index}", timeout)
    finally:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


def warm_up(settings: Settings) -> None:
    """One unmeasured generation of `spec/`: byte-compiles the generator and its libraries into
    the work folder's pycache, so that figure 1 measures generation, not compilation."""
    log_progress("warm-up: one unmeasured generation of spec/")
    run = run_generator_cold(settings, SPEC_DIR, "warm-up", 0)
    if not run.ok:
        raise RuntimeError(f"the warm-up generation of spec/ failed (exit {run.exit_code}):\n{run.output_tail}")


COLD_SPEC_FIGURE = "Cold generation of `spec/` (whole process, empty cache)"


def measure_cold_spec(settings: Settings, report: Report) -> None:
    """Figure 1: cold generation of `spec/`, and the same with a warm cache for reference."""
    log_progress("1. cold generation of spec/")
    runs = repeat_runs(lambda i: run_generator_cold(settings, SPEC_DIR, "spec-cold", i), settings.runs(FIGURE_RUNS))
    last = runs[-1]
    if not last.ok:
        report_failure(report, "cold generation of spec/", last)
        report.add("1", COLD_SPEC_FIGURE, failure_text(last), len(runs), "< 0.5 s (wall)", "MISS")
        return
    wall, cpu = median_times(runs)
    report.add(
        "1",
        COLD_SPEC_FIGURE,
        format_wall_cpu(wall, cpu),
        len(runs),
        "< 0.5 s (wall)",
        verdict_below(wall, TARGET_COLD_SPEC_S),
    )
    cache = fresh_folder(settings.work / "cache-spec-warm")
    run_generator(settings, SPEC_DIR, settings.work / "out-spec-warm-fill", cache, "spec-warm-fill")

    def warm(index: int) -> ProcessRun:
        out = settings.work / "out-spec-warm"
        shutil.rmtree(out, ignore_errors=True)
        return run_generator(settings, SPEC_DIR, out, cache, f"spec-warm-{index}")

    warm_runs = repeat_runs(warm, settings.runs(FIGURE_RUNS))
    for folder in ("out-spec-warm", "out-spec-warm-fill", "cache-spec-warm"):
        shutil.rmtree(settings.work / folder, ignore_errors=True)
    if warm_runs[-1].ok:
        value = format_wall_cpu(*median_times(warm_runs))
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

    runs = repeat_runs(noop, settings.runs(FIGURE_RUNS))
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
    report.add(
        "2b",
        "No-op regeneration of `spec/`: wall and CPU time",
        format_wall_cpu(*median_times(runs)),
        len(runs),
        "-",
        "info",
    )


@dataclass(frozen=True)
class ScaleResult:
    """Our generator on one synthetic spec: median wall and CPU time and peak memory (None: not
    measured, the run failed). When `timed_out`, the times are what the killed run had used."""

    size: int
    seconds: float | None
    cpu_seconds: float | None
    memory_bytes: float | None
    timed_out: bool
    runs: int


def synthetic_spec(settings: Settings, size: int) -> Path:
    """The synthetic spec folder of `size` operations, written afresh."""
    folder = settings.work / f"spec-{size}"
    synthetic.write_spec_folder(folder, size)
    return folder


def time_figure(size: int) -> str:
    """The table label of our generator's time at N = `size`."""
    return f"Ours, N = {format_count(size)}: wall and CPU time"


def memory_figure(size: int) -> str:
    """The table label of our generator's peak memory at N = `size`."""
    return f"Ours, N = {format_count(size)}: peak memory of the process tree"


def scale_timeout(settings: Settings, size: int) -> float:
    """The run timeout at N = `size`: at least `BIG_RUN_MIN_TIMEOUT_S` for the biggest spec."""
    return max(settings.run_timeout, BIG_RUN_MIN_TIMEOUT_S) if size == BIG_SIZE else settings.run_timeout


def report_scale_failure(report: Report, size: int, runs: list[ProcessRun]) -> ScaleResult:
    """Figure 3 rows for an N whose last run failed or was killed."""
    last = runs[-1]
    big = size == BIG_SIZE
    report_failure(report, f"generation of the N = {size} spec", last)
    time_result = "MISS"
    if big and last.timed_out:
        time_result = f"MISS (> {last.seconds / TARGET_BIG_TIME_S:.1f}x the limit)"
    time_target = "< 30 s (wall)" if big else "-"
    report.add("3", time_figure(size), failure_text(last), len(runs), time_target, time_result)
    if last.timed_out:
        memory_text = f"≥ {format_bytes(last.peak_memory_bytes)} (when killed)"
        share = last.peak_memory_bytes / TARGET_BIG_MEMORY_BYTES
        memory_result = (f"MISS (≥ {share:.2f}x the limit)" if share >= 1 else "unknown") if big else "info"
    else:
        memory_text, memory_result = "-", "MISS" if big else "n/a"
    report.add("3", memory_figure(size), memory_text, len(runs), "< 1 GiB" if big else "-", memory_result)
    if last.timed_out:
        return ScaleResult(size, last.seconds, last.cpu_seconds, None, True, len(runs))
    return ScaleResult(size, None, None, None, False, len(runs))


def measure_scale_size(settings: Settings, report: Report, size: int) -> ScaleResult:
    """Figure 3 for one N: cold generation of the synthetic spec, wall and CPU time, peak memory."""
    timeout = scale_timeout(settings, size)
    log_progress(f"3. our generator, N = {size} (run timeout {timeout:.0f} s)")
    spec = synthetic_spec(settings, size)
    runs = repeat_runs(
        lambda i: run_generator_cold(settings, spec, f"scale-{size}", i, timeout), settings.runs(FIGURE_RUNS)
    )
    shutil.rmtree(spec, ignore_errors=True)
    if not runs[-1].ok:
        return report_scale_failure(report, size, runs)
    big = size == BIG_SIZE
    wall, cpu = median_times(runs)
    memory = statistics.median(r.peak_memory_bytes for r in runs)
    report.add(
        "3",
        time_figure(size),
        format_wall_cpu(wall, cpu),
        len(runs),
        "< 30 s (wall)" if big else "-",
        verdict_below(wall, TARGET_BIG_TIME_S) if big else "info",
    )
    report.add(
        "3",
        memory_figure(size),
        format_bytes(memory),
        len(runs),
        "< 1 GiB" if big else "-",
        verdict_below(memory, TARGET_BIG_MEMORY_BYTES) if big else "info",
    )
    return ScaleResult(size, wall, cpu, memory, False, len(runs))


def report_linearity(report: Report, results: Mapping[int, ScaleResult], quick: bool) -> None:
    """Figure 3: t(1,646) / t(165) by wall time (the target) and by CPU time (information)."""
    small, big = LINEARITY_PAIR
    ratio_text = f"t({format_count(big)}) / t({format_count(small)})"
    low, high = results.get(small), results.get(big)
    for kind, target in (("wall", "≤ 11"), ("CPU", "-")):
        figure = f"Linearity: {ratio_text} by {kind} time"
        has_target = kind == "wall"
        if quick:
            report_not_run(report, "3", figure, target, "--quick")
            continue
        low_s = None if low is None else low.seconds if has_target else low.cpu_seconds
        high_s = None if high is None else high.seconds if has_target else high.cpu_seconds
        if low is None or high is None or low_s is None or high_s is None or low.timed_out or low_s <= 0:
            report.add("3", figure, "unknown (a run failed)", "-", target, "MISS" if has_target else "n/a")
            continue
        ratio = high_s / low_s
        if high.timed_out:
            result = ("MISS" if ratio > TARGET_LINEARITY else "unknown") if has_target else "info"
            report.add("3", figure, f"≥ {ratio:.1f} (N = {format_count(big)} timed out)", "-", target, result)
            continue
        result = verdict_at_most(ratio, TARGET_LINEARITY) if has_target else "info"
        report.add("3", figure, f"{ratio:.1f}", "-", target, result)


def measure_scale(settings: Settings, report: Report) -> dict[int, ScaleResult]:
    """Figure 3: every N (only the first with --quick), then the linearity ratios."""
    results: dict[int, ScaleResult] = {}
    for size in SCALE_SIZES:
        if settings.quick and size != SCALE_SIZES[0]:
            target = "< 30 s (wall), < 1 GiB" if size == BIG_SIZE else "-"
            figure = f"Ours, N = {format_count(size)}: wall and CPU time, peak memory"
            report_not_run(report, "3", figure, target, "--quick")
            continue
        results[size] = measure_scale_size(settings, report, size)
    report_linearity(report, results, settings.quick)
    return results
