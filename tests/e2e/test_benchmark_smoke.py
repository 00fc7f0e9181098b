"""The benchmark harness still runs: `python -m benchmarks.run --quick` (N = 50, one run of each).

No timing is asserted; a change that breaks the benchmark code (or makes the synthetic spec
fail to generate) fails here instead of in the next `make bench`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from benchmarks import synthetic
from generator.config import PROJECT_ROOT

SMOKE_TIMEOUT_S = 300
FIGURE_ROWS = (
    "| 1 | Cold generation of `spec/`",
    "| 1b | Generation of `spec/` into an empty folder, cache already filled",
    "| 2 | No-op regeneration of `spec/`: files rewritten",
    "| 2b | No-op regeneration of `spec/`: wall and CPU time",
    "| 3 | Ours, N = 50: wall and CPU time",
    "| 3 | Ours, N = 50: peak memory of the process tree",
    "| 3 | Ours, N = 165:",
    "| 3 | Ours, N = 500:",
    "| 3 | Ours, N = 1,646:",
    "| 3 | Linearity: t(1,646) / t(165) by wall time",
    "| 3 | Linearity: t(1,646) / t(165) by CPU time",
    "| 4 | Peer, N = 50: ours (the runs of figure 3)",
    "| 4 | Peer, N = 50: openapi-python-client",
    "| 4 | Peer, N = 50: theirs / ours by CPU time",
    "| 4 | Peer, N = 50: theirs / ours by wall time",
    "| 4 | Peer, N = 500: openapi-python-client",
    "| 4 | Peer, N = 500: theirs / ours by CPU time",
    "| 4 | Peer, N = 500: theirs / ours by wall time",
    "| 5 | Client overhead: ours / bare per call",
    "| 5 | Parse a 1,000-item RESULT",
    "| 6 | Import: generated package",
    "| 6b | Import, whole process minus `python -c pass`",
    "| 7 | Iterate 1,000 list items (`iter_list`): peak traced memory",
    "| 7 | Iterate 5,000 list items (`iter_list`): peak traced memory",
    "| 7 | Memory growth, 5,000 / 1,000 items",
    "| 8 | Soak, 2,000 calls through one client: resident memory",
    "| 8 | Soak, 2,000 calls through one client: open file descriptors",
    "| 8 | Soak, 2,000 calls through one client: per call",
)
PROCESS_ROWS = (
    "| 1 | Cold generation of `spec/`",
    "| 1b | Generation of `spec/`",
    "| 2b | No-op regeneration of `spec/`: wall and CPU time",
    "| 3 | Ours, N = 50: wall and CPU time",
    "| 4 | Peer, N = 50: ours",
)
"""Rows of whole-process figures measured even with --quick: each shows wall and CPU time."""


def test_quick_benchmark_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out), "--work", str(tmp_path / "work")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    table = out.read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    missing = [figure for figure in FIGURE_ROWS if not any(row.startswith(figure) for row in rows)]
    assert not missing, f"rows missing from {out}:\n{table}"
    without_cpu = [row for row in rows if row.startswith(PROCESS_ROWS) and not re.search(r" wall, .* CPU", row)]
    assert not without_cpu, f"process figures without wall and CPU time:\n{without_cpu}"
    assert "Machine: " in table
    assert "| error |" not in table


def test_synthetic_copies_are_renamed_consistently(tmp_path: Path) -> None:
    written = synthetic.write_spec_folder(tmp_path / "spec", 2)
    assert sorted(p.name for p in (tmp_path / "spec").iterdir()) == [
        "bench.op0001.delete.yaml",
        "bench.op0002.delete.yaml",
        "common.yaml",
    ]
    second = yaml.safe_load(written[1].read_text(encoding="utf-8"))
    assert list(second["paths"]) == ["/bench.op0002.delete"]
    assert second["paths"]["/bench.op0002.delete"]["post"]["operationId"] == "bench.op0002.delete"
    assert all(name.endswith("Op0002") for name in second["components"]["schemas"])
    bundle = synthetic.bundle_document(2)
    assert list(bundle["paths"]) == ["/bench.op0001.delete", "/bench.op0002.delete"]
    text = str(bundle)
    assert "common.yaml" not in text and "#/components/responses" not in text
    schemas = bundle["components"]["schemas"]
    assert "ErrorResponse" in schemas
    refs = set(re.findall(r"'\$ref': '#/components/schemas/([^']+)'", text))
    assert refs and refs <= set(schemas), refs - set(schemas)
