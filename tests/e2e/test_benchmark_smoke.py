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
    "| 2 | No-op regeneration of `spec/`: files rewritten",
    "| 3 | Ours, N = 50: wall time",
    "| 3 | Ours, N = 50: peak memory",
    "| 3 | Ours, N = 160:",
    "| 3 | Ours, N = 500:",
    "| 3 | Ours, N = 1,600:",
    "| 3 | Linearity: t(1,600) / t(160)",
    "| 4 | openapi-python-client",
    "| 4 | Ratio ours / theirs, N = 500",
    "| 5 | Client overhead: ours / bare per call",
    "| 5 | Parse a 1,000-item RESULT",
    "| 6 | Import: generated package",
)


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
