"""A corpus of broken specs (tests/bad_specs/): each gives exit code 2, the exact one-line
problems snapshotted in `<case>.expected`, no traceback, and an untouched output folder.

Set UPDATE_SNAPSHOTS=1 to rewrite the expected files after a deliberate change of wording.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator.__main__ import main
from generator.config import PROJECT_ROOT
from tests.support import GENERATED_DIR

CORPUS = Path(__file__).parent.parent / "bad_specs"
CASES = sorted(p for p in CORPUS.iterdir() if p.suffix == ".yaml" or p.is_dir())


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def output_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of generated/ that every case runs against; it must never change."""
    out = tmp_path_factory.mktemp("bad-spec-output") / "generated"
    shutil.copytree(GENERATED_DIR, out, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return out


def test_the_corpus_has_at_least_25_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_spec_exits_2_with_the_expected_lines_and_writes_nothing(
    case: Path, output_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECT_ROOT)  # messages name files relative to the working directory
    before = tree_digest(output_folder)

    code = main(["--spec", str(case.relative_to(PROJECT_ROOT)), "--out", str(output_folder)])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    lines = captured.err.splitlines()
    assert lines, "a bad spec must say what is wrong"
    for line in lines:
        assert line.startswith(f"{case.relative_to(PROJECT_ROOT).as_posix()}"), line
        location, _, message = line.partition(": ")
        assert location.rsplit(":", 1)[1].isdigit() and message, line
    expected_file = case.with_suffix(".expected") if case.is_file() else case.parent / f"{case.name}.expected"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        expected_file.write_text(captured.err, encoding="utf-8")
    assert captured.err == expected_file.read_text(encoding="utf-8")
    assert tree_digest(output_folder) == before
