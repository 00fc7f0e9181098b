"""The report: one line per change for the maintainer, and a Markdown changelog section for users."""

from __future__ import annotations

from collections.abc import Sequence

from generator.changes.rules import IMPACTS, RULES, Change, Impact

HEADINGS: dict[Impact, str] = {"breaking": "Breaking", "feature": "Features", "fix": "Fixes"}


def change_line(change: Change) -> str:
    """`file:line: impact: symbol: what (old -> new)`."""
    return f"{change.where}: {change.impact}: {change.symbol}: {_what(change)}"


def _what(change: Change) -> str:
    says = RULES[change.rule].says
    if change.old == change.new:
        return f"{says}: {change.old}" if change.old else says
    if change.old and change.new:
        return f"{says}: {change.old} -> {change.new}"
    if change.old:
        return f"{says}: {change.old}" if change.impact == "fix" else f"{says} (was {change.old})"
    return f"{says}: {change.new}" if change.new else says


def summary_line(changes: Sequence[Change]) -> str:
    """`2 breaking, 1 feature, 3 fixes` (or `no changes`)."""
    if not changes:
        return "no changes"
    plurals: dict[Impact, str] = {"breaking": "breaking", "feature": "features", "fix": "fixes"}
    counts = []
    for impact in IMPACTS:
        number = sum(1 for c in changes if c.impact == impact)
        if number:
            counts.append(f"{number} {impact if number == 1 else plurals[impact]}")
    return ", ".join(counts)


def changelog_section(version: str, changes: Sequence[Change], date: str | None = None) -> str:
    """`## 0.2.0` (with ` - DATE` when given), then a list per impact naming the symbols."""
    lines = [f"## {version}" + (f" - {date}" if date else ""), ""]
    for impact in IMPACTS:
        entries = [c for c in changes if c.impact == impact]
        if not entries:
            continue
        lines += [f"### {HEADINGS[impact]}", ""]
        lines += [f"- `{c.symbol}`: {_what(c)}" for c in entries if c.rule != "spec-changed"]
        files = sum(1 for c in entries if c.rule == "spec-changed")
        if files:  # of no interest to client code, one by one
            lines.append(f"- The spec changed in {files} file{'s' if files > 1 else ''}; the client's API did not.")
        lines.append("")
    if not changes:
        lines += ["No changes.", ""]
    return "\n".join(lines)
