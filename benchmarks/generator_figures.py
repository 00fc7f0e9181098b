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
from benchmarks.measure import ProcessRun, log_progress, repeat_runs, run_measured
from benchmarks.report import (
    Report,
    failure_text,
    format_bytes,
    format_count,
    format_seconds,
    report_failure,
    report_not_run,
    verdict_at_most,
    verdict_below,
)
from benchmarks.settings import PROJECT_ROOT, PYTHON, SPEC_DIR, Settings, python_env

SCALE_SIZES = (50, 160, 500, 1600)
LINEARITY_PAIR = (160, 1600)

COLD_SPEC_RUNS = 5
NOOP_RUNS = 3
SCALE_RUNS = 3

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
