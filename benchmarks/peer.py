"""Figure 4, the peer: openapi-python-client (its pinned virtualenv, its runs) on the same
synthetic specs, beside our runs of figure 3, and how many times faster we are (theirs / ours)
by CPU time and by wall time."""

from __future__ import annotations

import functools
import os
import shutil
import statistics
import subprocess
from collections.abc import Mapping
from pathlib import Path

from benchmarks import synthetic
from benchmarks.generator_figures import ScaleResult
from benchmarks.measure import FIGURE_RUNS, ProcessRun, log_progress, median_times, repeat_runs, run_measured
from benchmarks.report import (
    Report,
    failure_text,
    format_bytes,
    format_count,
    format_wall_cpu,
    report_failure,
    report_not_run,
    verdict_at_least,
)
from benchmarks.settings import PYTHON, Settings, python_env

OPC_VERSION = "0.29.1"
"""openapi-python-client, pinned: `pip index versions openapi-python-client` at the time of writing."""
OPC_RUFF_VERSION = "0.17.6"
"""ruff for openapi-python-client's post-hooks (`ruff check --fix`, `ruff format`), in its venv."""

OPC_SIZES = (50, 500)
TARGET_SPEED_UP = 4.0
"""theirs / ours, at each of `OPC_SIZES`, by CPU time and by wall time: at least 4x faster."""


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


def opc_command(venv: Path, bundle: Path, out: Path) -> list[str | Path]:
    """`openapi-python-client generate` of `bundle` into `out`."""
    return [venv / "bin" / "openapi-python-client", "generate", "--path", bundle, "--output-path", out, "--overwrite"]


def run_opc(settings: Settings, venv: Path, bundle: Path, size: int, index: int) -> ProcessRun:
    """One `openapi-python-client generate` of `bundle` into a fresh folder, measured."""
    out = settings.work / f"opc-out-{size}"
    shutil.rmtree(out, ignore_errors=True)
    try:
        return run_measured(
            opc_command(venv, bundle, out),
            cwd=settings.work,
            log_file=settings.work / "logs" / f"opc-{size}-{index}.log",
            env=opc_env(settings, venv),
            timeout=settings.run_timeout * 2,
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)


def warm_up_opc(settings: Settings, venv: Path) -> None:
    """One unmeasured run (byte-compiles openapi-python-client), whose output must be formatted
    already: without ruff on PATH its post-hooks are skipped silently and it would be measured
    doing less work than it does for a user."""
    log_progress("4. warm-up: one unmeasured openapi-python-client run (byte-compiles it, checks its ruff hooks ran)")
    bundle = synthetic.write_bundle(settings.work / "bundle-warm-up.json", 2)
    out = settings.work / "opc-out-warm-up"
    shutil.rmtree(out, ignore_errors=True)
    try:
        run = run_measured(
            opc_command(venv, bundle, out),
            cwd=settings.work,
            log_file=settings.work / "logs" / "opc-warm-up.log",
            env=opc_env(settings, venv),
            timeout=settings.run_timeout * 2,
        )
        if not run.ok:
            raise RuntimeError(f"the openapi-python-client warm-up failed (exit {run.exit_code}):\n{run.output_tail}")
        check = subprocess.run(
            [str(venv / "bin" / "ruff"), "format", "--check", "--no-cache", "--quiet", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode != 0:
            raise RuntimeError(
                "openapi-python-client's output is not formatted: its ruff hooks did not run\n" + check.stdout[-1000:]
            )
    finally:
        shutil.rmtree(out, ignore_errors=True)
        bundle.unlink(missing_ok=True)


def peer_figure(size: int, what: str) -> str:
    """The table label of one figure-4 row at N = `size`."""
    return f"Peer, N = {format_count(size)}: {what}"


OPC_LABEL = f"openapi-python-client {OPC_VERSION} (with its ruff hooks)"
SPEED_UP_KINDS = ("CPU", "wall")
SPEED_UP_TARGET = f"≥ {TARGET_SPEED_UP:g}x"


def speed_up_figure(size: int, kind: str) -> str:
    """The label of the ratio row theirs / ours by `kind` (CPU or wall) time."""
    return peer_figure(size, f"theirs / ours by {kind} time (how many times faster we are)")


def report_ours(report: Report, ours: ScaleResult | None) -> None:
    """Our side of figure 4 at one N: figure 3's runs, repeated beside theirs."""
    if ours is None:
        return
    figure = peer_figure(ours.size, "ours (the runs of figure 3)")
    if ours.seconds is None or ours.cpu_seconds is None:
        report.add("4", figure, "failed (see figure 3)", ours.runs, "-", "n/a")
        return
    bound = "≥ " if ours.timed_out else ""
    memory = "" if ours.memory_bytes is None else f", peak {format_bytes(ours.memory_bytes)}"
    report.add(
        "4", figure, format_wall_cpu(ours.seconds, ours.cpu_seconds, bound=bound) + memory, ours.runs, "-", "info"
    )


def speed_up_text(ratio: float, upper_bound: bool) -> str:
    """`6.20 (we are 6.2x faster)`; `≤ ` first when our run was killed (ours is a lower bound)."""
    prefix = "≤ " if upper_bound else ""
    if ratio >= 1:
        return f"{prefix}{ratio:.2f} (we are {prefix}{ratio:.1f}x faster)"
    return f"{prefix}{ratio:.2f} (we are {'≥ ' if upper_bound else ''}{1 / ratio:.1f}x slower)"


def report_speed_ups(
    report: Report, size: int, ours: ScaleResult | None, theirs: tuple[float, float], runs: str
) -> None:
    """Figure 4: theirs / ours at one N, by CPU time and by wall time, each against the target."""
    for kind, their_seconds in zip(SPEED_UP_KINDS, theirs, strict=True):
        figure = speed_up_figure(size, kind)
        our_seconds = None if ours is None else ours.cpu_seconds if kind == "CPU" else ours.seconds
        if ours is None or our_seconds is None or our_seconds <= 0:
            report.add("4", figure, "unknown (our run failed)", "-", SPEED_UP_TARGET, "MISS")
            continue
        ratio = their_seconds / our_seconds
        # a killed run of ours took longer than measured: the ratio is at most this
        result = verdict_at_least(ratio, TARGET_SPEED_UP, upper_bound=ours.timed_out)
        report.add("4", figure, speed_up_text(ratio, ours.timed_out), runs, SPEED_UP_TARGET, result)


def report_peer_not_run(report: Report, ours: Mapping[int, ScaleResult], why: str) -> None:
    """Figure 4 when openapi-python-client is not run (--quick): our side, theirs marked."""
    for size in OPC_SIZES:
        report_ours(report, ours.get(size))
        report_not_run(report, "4", peer_figure(size, OPC_LABEL), "-", why)
        for kind in SPEED_UP_KINDS:
            report_not_run(report, "4", speed_up_figure(size, kind), SPEED_UP_TARGET, why)


def measure_opc(settings: Settings, report: Report, ours: Mapping[int, ScaleResult]) -> None:
    """Figure 4: openapi-python-client on the same synthetic specs, beside ours, and the ratios."""
    if settings.quick:
        report_peer_not_run(report, ours, "--quick")
        return
    venv = ensure_opc_venv(settings)
    warm_up_opc(settings, venv)
    for size in OPC_SIZES:
        log_progress(f"4. openapi-python-client, N = {size}")
        bundle = synthetic.write_bundle(settings.work / f"bundle-{size}.json", size)
        runs = repeat_runs(functools.partial(run_opc, settings, venv, bundle, size), FIGURE_RUNS)
        bundle.unlink(missing_ok=True)
        ours_here = ours.get(size)
        report_ours(report, ours_here)
        figure = peer_figure(size, OPC_LABEL)
        if not runs[-1].ok:
            report_failure(report, f"openapi-python-client on N = {size}", runs[-1])
            report.add("4", figure, failure_text(runs[-1]), len(runs), "-", "n/a")
            for kind in SPEED_UP_KINDS:
                report.add("4", speed_up_figure(size, kind), "unknown (their run failed)", "-", SPEED_UP_TARGET, "n/a")
            continue
        wall, cpu = median_times(runs)
        memory = format_bytes(statistics.median(r.peak_memory_bytes for r in runs))
        report.add("4", figure, f"{format_wall_cpu(wall, cpu)}, peak {memory}", len(runs), "-", "info")
        our_runs = "-" if ours_here is None else str(ours_here.runs)
        report_speed_ups(report, size, ours_here, (cpu, wall), f"{our_runs} / {len(runs)}")
