"""Figure 4, the peer: openapi-python-client (its pinned virtualenv, its runs) on the same
synthetic specs, and the ratio of our time to its time."""

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
)
from benchmarks.settings import PYTHON, Settings, python_env

OPC_VERSION = "0.29.1"
"""openapi-python-client, pinned: `pip index versions openapi-python-client` at the time of writing."""
OPC_RUFF_VERSION = "0.17.6"
"""ruff for openapi-python-client's post-hooks (`ruff check --fix`, `ruff format`), in its venv."""

OPC_SIZES = (50, 500)
RATIO_SIZE = 500
OPC_RUNS = {50: 3, 500: 1}
TARGET_OURS_OVER_THEIRS = 0.25


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
