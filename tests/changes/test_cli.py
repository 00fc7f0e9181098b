"""`python -m generator changes` end to end: real spec copies, a real git repository, --bump."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.changes import run_changes
from generator.changes.report import changelog_section
from generator.changes.rules import Change
from generator.changes.semver import bumped, suggest_bump
from generator.config import PROJECT_ROOT
from tests.changes.cases import FIXTURE, METHOD_FILE
from tests.support import run_generator

READING = "imconnector.send.status.reading.yaml"


def _without_property(text: str, name: str, indent: int = 8) -> str:
    """`text` without the first property `name:` at `indent`, and the lines below it."""
    lines = text.splitlines(keepends=True)
    start = lines.index(" " * indent + f"{name}:\n")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    return "".join(lines[:start] + lines[end:])


def test_a_description_edit_of_the_real_spec_is_a_fix_and_exits_0(spec_copy: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(spec_copy, new)
    page = new / READING
    operation_description = "\n      description: >-\n"  # the method's, folded, its lines indented by 8
    page.write_text(
        page.read_text(encoding="utf-8").replace(operation_description, operation_description + "        Edited.\n", 1)
    )
    done = run_generator("changes", spec_copy, new)
    assert done.code == 0, done.stderr
    assert re.search(rf"new/{re.escape(READING)}:\d+: fix: client\.imconnector\.send_status_reading: ", done.stdout)
    assert ": 1 fix; suggested bump: patch (0.1.0 -> 0.1.1)" in done.stdout
    assert "### Fixes" in done.stdout and "### Breaking" not in done.stdout


def test_a_result_field_removed_from_the_real_spec_is_breaking_and_exits_1(
    spec_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new"
    shutil.copytree(spec_copy, new)
    page = new / READING
    old_line = page.read_text(encoding="utf-8").splitlines().index("        DATA:") + 1
    page.write_text(_without_property(page.read_text(encoding="utf-8"), "DATA"))
    assert run_changes([str(spec_copy), str(new)]) == 1
    out = capsys.readouterr().out
    expected = f"{READING}:{old_line}: breaking: ImconnectorSendStatusReadingResult.data: result field removed"
    assert expected in out
    assert "suggested bump: minor (0.1.0 -> 0.2.0)" in out


def _repository(tmp_path: Path) -> Path:
    """A git repository with the fixture spec committed under spec/."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo / "spec")
    for args in (
        ["init", "-q"],
        ["add", "spec"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "spec"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    return repo


def test_since_head_on_an_unchanged_tree_says_no_changes_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repository(tmp_path)
    assert run_changes(["--since", "HEAD", "--spec", str(repo / "spec")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("HEAD:spec -> ") and out.endswith(": no changes; version stays 0.1.0\n")


def test_since_a_revision_names_the_old_files_by_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _repository(tmp_path)
    page = repo / "spec" / METHOD_FILE
    line = page.read_text(encoding="utf-8").splitlines().index("        DATA:") + 1
    page.write_text(_without_property(page.read_text(encoding="utf-8"), "DATA"))
    assert run_changes(["--since", "HEAD", "--spec", str(repo / "spec")]) == 1
    assert f"HEAD:spec/{METHOD_FILE}:{line}: breaking: " in capsys.readouterr().out


def test_an_unknown_revision_a_broken_side_and_bad_usage_exit_2_in_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repository(tmp_path)
    assert run_changes(["--since", "no-such-rev", "--spec", str(repo / "spec")]) == 2
    assert capsys.readouterr().err.startswith("generator changes: git archive: ")
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURE, broken)
    (broken / METHOD_FILE).write_text("openapi: 3.1.0\npaths: [\n", encoding="utf-8")
    assert run_changes([str(FIXTURE), str(broken)]) == 2
    err = capsys.readouterr().err
    assert re.match(rf"^\S*broken/{re.escape(METHOD_FILE)}:\d+: ", err) and "Traceback" not in err
    assert run_changes([str(FIXTURE)]) == 2
    assert "give OLD and NEW, or --since REV" in capsys.readouterr().err


def _project(tmp_path: Path) -> Path:
    """A copy of pyproject.toml whose folders point back into the project."""
    text = (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r'(runtime|templates) = "(templates/[^"]*)"', lambda m: f'{m[1]} = "{PROJECT_ROOT / m[2]}"', text)
    pyproject = tmp_path / "project" / "pyproject.toml"
    pyproject.parent.mkdir()
    pyproject.write_text(text, encoding="utf-8")
    return pyproject


def test_bump_edits_only_the_version_line_and_prepends_the_changelog_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = _project(tmp_path)
    before = pyproject.read_bytes()
    new = tmp_path / "new"
    shutil.copytree(FIXTURE, new)
    page = new / METHOD_FILE
    page.write_text(_without_property(page.read_text(encoding="utf-8"), "DATA"))
    args = ["--config", str(pyproject), "--bump", "--date", "2026-05-01", str(FIXTURE), str(new)]
    assert run_changes(args) == 1
    after = pyproject.read_bytes()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [(b'version = "0.1.0"', b'version = "0.2.0"')]
    changelog = (pyproject.parent / "client-changelog.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    assert "## 0.2.0 - 2026-05-01\n\n### Breaking\n\n- `ImconnectorSendStatusReadingResult.data`: " in changelog
    assert "### Fixes" not in changelog and "\n## 0.2.0" not in capsys.readouterr().out
    assert run_changes(["--config", str(pyproject), "--bump", str(new), str(FIXTURE)]) == 0
    changelog = (pyproject.parent / "client-changelog.md").read_text(encoding="utf-8")
    assert changelog.index("## 0.2.1\n") < changelog.index("## 0.2.0 - 2026-05-01")
    assert b'version = "0.2.1"' in pyproject.read_bytes()


@pytest.mark.parametrize(
    ("version", "impact", "bump", "next_version"),
    [
        ("0.1.0", "breaking", "minor", "0.2.0"),
        ("0.1.3", "feature", "patch", "0.1.4"),
        ("0.1.3", "fix", "patch", "0.1.4"),
        ("1.2.3", "breaking", "major", "2.0.0"),
        ("1.2.3", "feature", "minor", "1.3.0"),
        ("1.2.3", "fix", "patch", "1.2.4"),
        ("1.2.3", None, "none", "1.2.3"),
    ],
)
def test_the_bump_follows_semver_and_the_0_x_convention(
    version: str, impact: str | None, bump: str, next_version: str
) -> None:
    rule = {"breaking": "method-removed", "feature": "method-added", "fix": "docs-changed"}
    changes = [Change(rule[impact], "client.x", "spec/x.yaml:1")] if impact else []  # type: ignore[index]
    assert suggest_bump(changes, version) == bump
    assert bumped(version, suggest_bump(changes, version)) == next_version


def test_the_changelog_section_is_deterministic_and_lists_impacts_worst_first() -> None:
    changes = [
        Change("method-added", "client.a.b", "x:1", "", "()"),
        Change("argument-removed", "client.a.c(d=...)", "x:2", "int"),
    ]
    section = changelog_section("0.2.0", sorted(changes, key=Change.sort_key))
    assert section == (
        "## 0.2.0\n\n### Breaking\n\n- `client.a.c(d=...)`: argument removed (was int)\n\n"
        "### Features\n\n- `client.a.b`: method added: ()\n"
    )
