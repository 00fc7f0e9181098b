"""`python -m generator` as a maintainer runs it: exit codes, messages, --check, atomic writes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from generator.manifest import MANIFEST_NAME, file_digest
from tests.support import GENERATED_DIR, run_generator, tree_bytes


def copy_generated(tmp_path: Path) -> Path:
    out = tmp_path / "generated"
    shutil.copytree(GENERATED_DIR, out, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return out


def test_check_passes_on_the_committed_output() -> None:
    run = run_generator("--check")
    assert run.code == 0, run.stdout + run.stderr
    assert run.stdout == ""


def test_changed_description_makes_check_fail_with_a_diff_naming_the_files(spec_copy: Path, tmp_path: Path) -> None:
    out = copy_generated(tmp_path)
    method = spec_copy / "imconnector.delete.messages.yaml"
    text = method.read_text(encoding="utf-8")
    method.write_text(
        text.replace("Identifier of the open line.", "Identifier of the open line (edited)."), encoding="utf-8"
    )

    stale = run_generator("--spec", spec_copy, "--out", out, "--check")
    assert stale.code == 1
    assert "+++ " in stale.stdout and "(edited)" in stale.stdout
    assert "docs/imconnector.delete.messages.md" in stale.stderr
    assert "client/src/bitrix24_rest/methods/_imconnector_delete_messages.py" in stale.stderr
    assert tree_bytes(out) == tree_bytes(GENERATED_DIR), "--check must write nothing"

    assert run_generator("--spec", spec_copy, "--out", out).code == 0
    assert run_generator("--spec", spec_copy, "--out", out, "--check").code == 0


def test_two_runs_with_different_hash_seeds_give_identical_trees(tmp_path: Path) -> None:
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        assert run_generator("--out", tmp_path / seed, env=env).code == 0
    first, second = tree_bytes(tmp_path / "1"), tree_bytes(tmp_path / "12345")
    assert first == second
    assert len(first) > 10


def test_yaml_syntax_error_exits_2_with_one_line_and_leaves_output_alone(spec_copy: Path, tmp_path: Path) -> None:
    out = copy_generated(tmp_path)
    before = tree_bytes(out)
    broken = spec_copy / "imconnector.delete.messages.yaml"
    lines = broken.read_text(encoding="utf-8").splitlines()
    lines[9] = "    description: [unclosed"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    run = run_generator("--spec", spec_copy, "--out", out)
    assert run.code == 2
    assert run.stderr.count("\n") == 1, run.stderr
    assert "imconnector.delete.messages.yaml:1" in run.stderr and "YAML syntax error" in run.stderr
    assert "Traceback" not in run.stderr
    assert tree_bytes(out) == before


def test_unresolvable_ref_exits_2_naming_file_and_line_and_leaves_output_alone(spec_copy: Path, tmp_path: Path) -> None:
    out = copy_generated(tmp_path)
    before = tree_bytes(out)
    method = spec_copy / "imconnector.delete.messages.yaml"
    text = method.read_text(encoding="utf-8")
    method.write_text(
        text.replace("#/components/schemas/ExternalUser", "#/components/schemas/NoSuchUser"), encoding="utf-8"
    )
    line = 1 + next(i for i, s in enumerate(method.read_text().splitlines()) if "NoSuchUser" in s)

    run = run_generator("--spec", spec_copy, "--out", out)
    assert run.code == 2
    assert run.stderr.count("\n") == 1, run.stderr
    assert f"imconnector.delete.messages.yaml:{line}: " in run.stderr
    assert "NoSuchUser" in run.stderr and "(at /components/schemas/ExternalMessageRef/properties/user)" in run.stderr
    assert tree_bytes(out) == before


def test_files_no_longer_generated_are_removed_but_caches_and_other_files_are_kept(tmp_path: Path) -> None:
    out = copy_generated(tmp_path)
    index = (out / "docs" / "index.md").read_bytes()
    stale = out / "docs" / "renamed.method.md"  # a page an earlier run generated, for a method since renamed
    stale.write_bytes(index)
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"]["docs/renamed.method.md"] = file_digest(index)
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    (out / "docs" / "notes.md").write_text("a maintainer's own notes", encoding="utf-8")
    (out / "docs" / "index.orig.md").write_bytes(index)  # quotes the generated header, but is not in the manifest
    cache = out / "client" / "src" / "bitrix24_rest" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "x.pyc").write_bytes(b"cache")

    check = run_generator("--out", out, "--check")
    assert check.code == 1 and "renamed.method.md" in check.stderr
    assert run_generator("--out", out).code == 0
    assert not stale.exists()
    assert (out / "docs" / "notes.md").read_text(encoding="utf-8") == "a maintainer's own notes"
    assert (out / "docs" / "index.orig.md").read_bytes() == index
    assert (cache / "x.pyc").exists()


def test_regenerating_unchanged_output_rewrites_no_file(tmp_path: Path) -> None:
    out = copy_generated(tmp_path)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    run = run_generator("--out", out)
    assert run.code == 0
    assert " 0 added, 0 changed, 0 removed" in run.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == mtimes


def test_bad_usage_exits_2_with_one_line() -> None:
    run = run_generator("--no-such-flag")
    assert run.code == 2
    assert run.stderr.strip().count("\n") == 0 and "--no-such-flag" in run.stderr


def test_missing_spec_path_exits_2_with_one_line(tmp_path: Path) -> None:
    run = run_generator("--spec", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert run.code == 2
    assert run.stderr.strip().endswith("no such file or folder")
    assert not (tmp_path / "out").exists()
