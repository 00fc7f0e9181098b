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


def verdict_at_least(value: float, limit: float, *, upper_bound: bool = False) -> str:
    """PASS when `value` >= `limit`, MISS otherwise; either way, how `value` compares with it.
    With `upper_bound` (the true value is at most `value`), a value that reaches `limit` is
    `unknown` and a miss is a bound."""
    share = value / limit
    if value >= limit:
        return "unknown" if upper_bound else f"PASS ({share:.2f}x the target)"
    if value <= 0:
        return "MISS"
    at_most, at_least = ("≤ ", "≥ ") if upper_bound else ("", "")
    return f"MISS ({at_most}{share:.2f}x the target, {at_least}{limit / value:.1f}x short)"


def format_seconds(seconds: float) -> str:
    """A duration with a unit that keeps it readable: 830 µs, 12.3 ms, 4.56 s."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def format_wall_cpu(wall: float, cpu: float, *, bound: str = "") -> str:
    """Wall time and CPU time side by side: `5.92 s wall, 6.10 s CPU` (`bound` prefixes both,
    e.g. `≥ ` for a run that was killed)."""
    return f"{bound}{format_seconds(wall)} wall, {bound}{format_seconds(cpu)} CPU"


def format_bytes(size: float) -> str:
    """A memory size in MiB."""
    return f"{size / 1024**2:.0f} MiB"


def format_count(n: int) -> str:
    """An operation count with a thousands separator: 1,600."""
    return f"{n:,}"


def failure_text(run: ProcessRun) -> str:
    """How a failed run is shown in the table (a killed run: the wall and CPU time it had used)."""
    if run.timed_out:
        return f"> {format_seconds(run.seconds)} wall (timed out), ≥ {format_seconds(run.cpu_seconds)} CPU"
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
    mode = " --quick (smoke run: one run each, N = 50 only, no openapi-python-client)" if quick else ""
    lines = [
        "# Benchmark results",
        "",
        f"`python -m benchmarks.run{mode}` on {when}, commit {revision}, in {seconds:.0f} s.",
        "",
        f"Machine: {machine}.",
        "",
        f"Load average (1 / 5 / 15 min) at the start: {loads[0]}; at the end: {loads[1]} (the end includes "
        "the benchmark's own processes). Wall times are comparable only between runs that started on an "
        "otherwise idle machine (1-minute load near 0); CPU times depend less on other load.",
        "",
        "Each value is the median of the runs shown. Wall: elapsed time of the whole process, start-up "
        "included; CPU: user + system time of the process and every descendant it waited for (`os.wait4`). "
        "How each figure is measured: [benchmarks/README.md](README.md).",
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
