"""The golden record: a spec made to take every branch of the templates, its output pinned.

`tests/golden/spec/` has a plain method and one with every extension, a method without a
request body, a deprecated one, records shared by two methods, maps of nullable values, arrays of
nullable items, an error enum, named error examples and system errors by `$ref`, in two
namespaces. Its output in `tests/golden/generated/` is compared byte for byte, like `generated/`,
and must pass ruff, `mypy --strict` and its own generated tests. `UPDATE_SNAPSHOTS=1` rewrites it
after a deliberate change.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

from generator.config import Config
from generator.pipeline import generate
from generator.write import read_tree, update_folder

GOLDEN = Path(__file__).parent.parent / "golden"


def test_the_golden_spec_generates_exactly_the_pinned_output(config: Config) -> None:
    files = generate(GOLDEN / "spec", config)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        update_folder(GOLDEN / "generated", files, force=True)
    fresh = {f.path: f.content.encode("utf-8") for f in files}
    pinned = read_tree(GOLDEN / "generated")
    problems = [
        "".join(
            difflib.unified_diff(
                pinned.get(path, b"").decode().splitlines(keepends=True),
                fresh.get(path, b"").decode().splitlines(keepends=True),
                fromfile=f"golden/generated/{path} (pinned)",
                tofile=f"golden/generated/{path} (fresh)",
            )
        )
        or f"{path}: missing on one side"
        for path in sorted(set(fresh) | set(pinned))
        if fresh.get(path) != pinned.get(path)
    ]
    assert not problems, "tests/golden/generated is stale; rerun with UPDATE_SNAPSHOTS=1:\n" + "\n".join(problems)


def test_the_golden_package_is_lint_clean_type_checks_and_passes_its_own_tests(tmp_path: Path) -> None:
    client = GOLDEN / "generated" / "client"
    linted = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=client,
        capture_output=True,
        text=True,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", "/dev/null", "src"],
        cwd=client,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout[-3000:]
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # not the project's settings
    tests = GOLDEN / "generated" / "tests"
    tested = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            "pytest.ini",
            "--confcutdir",
            str(tests),
            str(tests),
        ],
        env={**os.environ, "PYTHONPATH": str(client / "src"), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert tested.returncode == 0, tested.stdout[-3000:]
    assert " passed" in tested.stdout and "skipped" not in tested.stdout
