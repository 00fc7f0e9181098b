"""Specs of other vendor methods, written from the vendor's pages by a reviewer outside the team.

`tests/vendor_specs/whole_folder/` holds methods whose pages are not in the reference (user.get,
crm.deal.get with its empty error codes, crm.item.add with `ufCrm*` fields, disk uploads as
`[name, base64]`, `batch`, `profile`, `scope`, ...), written faithfully and not adapted to the
generator; `root_only/` is a spec whose only method has no dot. Each folder, with `spec/common.yaml`
beside it, must generate a package that is ruff- and `mypy --strict`-clean and passes its own tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import SPEC_DIR, run_generator

FOLDERS = Path(__file__).parent.parent / "vendor_specs"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False, env=env)


@pytest.mark.parametrize("folder", sorted(p.name for p in FOLDERS.iterdir() if p.is_dir()))
def test_a_vendor_spec_folder_generates_a_clean_package_whose_tests_pass(folder: str, tmp_path: Path) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(FOLDERS / folder, spec)
    shutil.copyfile(SPEC_DIR / "common.yaml", spec / "common.yaml")
    out = tmp_path / "out"

    generated = run_generator("--spec", spec, "--out", out, "--no-cache")
    assert generated.code == 0, generated.stderr

    client = out / "client"
    linted = run(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=client)
    assert linted.returncode == 0, linted.stdout
    checked = run(sys.executable, "-m", "mypy", "--strict", "--cache-dir", "/dev/null", "src", cwd=client)
    assert checked.returncode == 0, checked.stdout[-3000:]
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(client / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    tests = out / "tests"
    tested = run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "pytest.ini",
        "--confcutdir", str(tests), str(tests), cwd=tmp_path, env=env,
    )  # fmt: skip
    assert tested.returncode == 0, tested.stdout[-3000:]
    assert " passed" in tested.stdout
