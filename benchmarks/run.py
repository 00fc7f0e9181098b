"""The benchmark harness: `python -m benchmarks.run [--quick] [--out FILE] [--work DIR]`.

Measures, each as the median of (up to) 3 runs within a time budget (see benchmarks/README.md
for the method); every whole-process figure shows wall time and CPU time (user + system of the
process tree):

1. cold generation of `spec/` (a whole `python -m generator` process, empty cache and output);
2. a no-op regeneration of `spec/`: it must rewrite no file;
3. synthetic specs of N = 50, 165, 500 and 1,646 operations (1,646: the vendor's whole API):
   time, peak memory of the process tree, linearity t(1,646) / t(165);
4. the N = 50 and N = 500 specs through openapi-python-client, beside ours, and how many times
   faster we are (theirs / ours) by CPU time and by wall time;
5. client overhead per call against bare httpx, and parsing a 1,000-item RESULT;
6. import time of the generated package against `import httpx`.

It prints a Markdown table and writes it to `benchmarks/results.md` (or `--out`). `--quick` is the
smoke version run by the tests: N = 50 only, one run of everything, no openapi-python-client, and
the table goes to a temporary file unless `--out` is given. Exit status 1 means a measurement
could not be made (an error, not a missed target).

This module is the command line and the order of the figures; the figures themselves are in
`generator_figures` (1 to 3), `peer` (4, openapi-python-client) and `client_figures` (5, 6).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.client_figures import measure_call_overhead, measure_import, measure_parse
from benchmarks.generator_figures import (
    BIG_RUN_MIN_TIMEOUT_S,
    BIG_SIZE,
    ScaleResult,
    measure_cold_spec,
    measure_noop,
    measure_scale,
    warm_up,
)
from benchmarks.list_figures import measure_list_memory
from benchmarks.machine import git_revision, load_average, machine_description
from benchmarks.measure import RUN_TIMEOUT_S, log_progress
from benchmarks.peer import measure_opc
from benchmarks.report import Report, render_markdown
from benchmarks.settings import DEFAULT_RESULTS, DEFAULT_WORK_DIR, PYCACHE_DIR, Settings
from benchmarks.soak_figures import measure_soak


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
    run_section("List iteration memory", lambda: measure_list_memory(settings.quick, report), report)
    run_section("Soak", lambda: measure_soak(settings.quick, report), report)
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
        help=(
            f"kill a generator run after this many seconds (default {RUN_TIMEOUT_S:.0f}, keeps `make bench` short; "
            f"never less than {BIG_RUN_MIN_TIMEOUT_S:.0f} for N = {BIG_SIZE:,}; openapi-python-client gets twice it)"
        ),
    )
    parser.add_argument(
        "--work", type=Path, help="scratch folder (default: benchmarks/.work; a temp folder with --quick)"
    )
    args = parser.parse_args(argv)
    if args.run_timeout <= 0:
        parser.error("--run-timeout must be positive")
    return args


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
