"""The rules table (tests/changes/cases.py): each pair of specs is classified as the table says,
names the Python symbol, and agrees with Redocly's `diff` except where the table says why not."""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generator.changes.compare import compare_sides
from generator.changes.rules import RULES
from generator.changes.sides import load_side
from generator.config import PROJECT_ROOT, Config
from tests.changes.cases import CASES, METHOD_FILE, Case, write_pair

REDOCLY = PROJECT_ROOT / "node_modules" / ".bin" / "redocly"
ISSUE_RULES = {
    "method-removed", "method-renamed", "argument-removed", "argument-now-required", "argument-added-required",
    "argument-type-narrowed", "argument-type-changed", "result-type-changed", "result-type-widened",
    "argument-enum-value-removed", "result-enum-value-added", "result-field-removed", "result-field-now-optional",
    "exception-removed", "exception-base-changed", "method-added", "argument-added-optional", "result-field-added",
    "exception-added", "argument-type-widened", "argument-enum-value-added", "docs-changed", "example-changed",
}  # fmt: skip
"""The rules issue 14 names (breaking, feature, fix, and the subtleties it asks for)."""
LOCATED_IN_OLD = {"method-removed", "argument-removed", "result-field-removed", "exception-removed"}
"""Removals point into the old spec; everything else into the new one."""


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_pair_of_specs_is_classified_as_the_table_says_naming_the_symbol(
    case: Case, tmp_path: Path, config: Config
) -> None:
    old, new = write_pair(case, tmp_path)
    changes = compare_sides(load_side(old, config), load_side(new, config))
    assert tuple((c.impact, c.rule, c.symbol) for c in changes) == case.expected
    for change in changes:
        side = "old" if change.rule in LOCATED_IN_OLD else "new"
        assert f"{side}/{METHOD_FILE}:" in change.where or f"{side}/common.yaml:" in change.where, change


def test_the_table_covers_every_rule_the_issue_names() -> None:
    covered = {rule for case in CASES for _, rule, _ in case.expected}
    assert covered >= ISSUE_RULES, ISSUE_RULES - covered
    assert covered <= set(RULES)


def test_our_verdict_agrees_with_redocly_or_the_table_says_why_not() -> None:
    unexplained = [c.name for c in CASES if c.ours != c.redocly and not c.differs]
    assert not unexplained
    needless = [c.name for c in CASES if c.ours == c.redocly and c.differs]
    assert not needless


def _redocly_bump(pair: tuple[Path, Path], cwd: Path) -> str | None:
    # Run outside the project: its redocly.yaml (lint rules) switches diff's rules off.
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_NOTIFICATIONS": "true"}
    done = subprocess.run(
        [str(REDOCLY), "diff", str(pair[0]), str(pair[1]), "--format=json"],
        capture_output=True, text=True, env=env, cwd=cwd, check=False, timeout=120,
    )  # fmt: skip
    bump: str | None = json.loads(done.stdout).get("bump")
    return bump


@pytest.mark.skipif(not REDOCLY.exists(), reason="redocly is not installed (make setup)")
def test_redocly_still_rates_the_pairs_as_the_table_records(tmp_path: Path) -> None:
    # One redocly process per case costs about 0.7 s: a sample of the cases where we differ and of the rest
    # (every case was run once when the table was written).
    chosen = [c for c in CASES if c.differs][::4] + [c for c in CASES if not c.differs][1::8]
    pairs = [write_pair(case, tmp_path / str(i)) for i, case in enumerate(chosen)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        bumps = list(pool.map(lambda pair: _redocly_bump(pair, tmp_path), pairs))
    assert {c.name: b for c, b in zip(chosen, bumps, strict=True)} == {c.name: c.redocly for c in chosen}
