"""The results table: rows, verdicts against targets, how values are written, the Markdown page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.measure import ProcessRun


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


def failure_text(run: ProcessRun) -> str:
    """How a failed run is shown in the table."""
    if run.timed_out:
        return f"> {format_seconds(run.seconds)} (timed out)"
    return f"failed (exit {run.exit_code})"


def report_failure(report: Report, what: str, run: ProcessRun) -> None:
    """Record a run that failed (not one that timed out: that is a measured miss)."""
    if not run.timed_out:
        report.errors.append(f"{what}: exit {run.exit_code}\n{run.output_tail}")


def report_not_run(report: Report, number: str, figure: str, target: str, why: str) -> None:
    """A row for a figure this invocation does not measure."""
    report.add(number, figure, f"not run ({why})", "-", target, "n/a")


def escape_cell(text: str) -> str:
    """A table cell: pipes escaped."""
    return text.replace("|", "\\|")


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
