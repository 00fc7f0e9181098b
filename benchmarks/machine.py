"""What the results were measured on: the machine, the commit, the load average."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

from benchmarks.settings import PROJECT_ROOT


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
    git = ["git", "--no-optional-locks"]  # read only: `status` must not refresh the index of a shared tree
    try:
        commit = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "generator", "templates", "spec"],
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


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages (`0.04 / 0.10 / 0.05`), or `unknown`."""
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"
