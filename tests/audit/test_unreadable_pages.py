"""A page the audit cannot read is one `file:line` problem and exit code 2, never a traceback.

Exit 2, not 1: the audit could not compare the method, so "they differ" would be a guess. The
other methods of a folder are still compared and their differences printed.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from generator.config import PROJECT_ROOT
from tests.audit.samples import Audit, make_sample

Run = Callable[..., Audit]


def test_a_page_without_a_parameter_table_is_reported_at_its_section(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    text = sample.page.read_text(encoding="utf-8")
    start, end = text.index("## Method Parameters"), text.index("## Response Handling")
    sample.page.write_text(text[:start] + "## Method Parameters\n\nSee elsewhere.\n\n" + text[end:], encoding="utf-8")
    run = audit(sample.spec_file, sample.page)
    assert run.code == 2
    assert run.lines == [
        f"{sample.page}:{sample.page_line('## Method Parameters')}: "
        "no parameter table (and the section does not say 'No parameters')"
    ]


def test_a_page_saying_no_parameters_has_none(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    text = sample.page.read_text(encoding="utf-8")
    start, end = text.index("## Method Parameters"), text.index("## Response Handling")
    sample.page.write_text(text[:start] + "## Method Parameters\n\nNo parameters.\n\n" + text[end:], encoding="utf-8")
    run = audit(sample.spec_file, sample.page)
    assert run.code == 1
    assert [line.split(": ", 3)[2] for line in run.lines] == ["parameter-extra ID", "parameter-extra OPTIONS"]


def test_a_missing_system_error_include_is_reported_at_the_include(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    (sample.docs / "_includes" / "system-errors.md").unlink()
    run = audit(sample.spec_file, sample.page)
    assert run.code == 2
    assert run.lines == [
        f"{sample.page}:{sample.page_line('{% include [system errors]')}: the system-error table is included from "
        f"{sample.docs / '_includes' / 'system-errors.md'}, which does not exist"
    ]


def test_a_missing_include_that_holds_no_table_is_ignored(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    assert not (sample.docs / "_includes" / "required.md").exists()
    assert audit(sample.spec_file, sample.page).code == 0


def test_a_nested_table_that_describes_no_row_is_reported(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page("Options [(detailed description)](#options)", "Options")
    sample.edit_page("### OPTIONS Parameter {#options}", "### Other Settings {#settings}")
    run = audit(sample.spec_file, sample.page)
    assert run.code == 2
    assert run.lines == [
        f"{sample.page}:{sample.page_line('### Other Settings') + 2}: "
        "the table under 'Other Settings' describes no row of the tables above it"
    ]


def test_a_row_whose_name_cannot_be_read_is_reported(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page("|| **ID***\n[`integer`](../data-types.md) | Identifier ||", "|| ID | Identifier ||")
    run = audit(sample.spec_file, sample.page)
    assert run.code == 2
    assert run.lines == [
        f"{sample.page}:{sample.page_line('|| ID |')}: "
        "cannot read the row: expected '|| **NAME**`type` | description ||'"
    ]


def test_a_page_for_another_method_is_bad_usage(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page("# Do a Thing test.thing", "# Do Another Thing test.other")
    run = audit(sample.spec_file, sample.page)
    assert (run.code, run.lines) == (2, [f"{sample.page}:1: the page is for test.other, not for test.thing"])


def test_a_broken_page_in_a_folder_does_not_stop_the_other_methods(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    second = sample.spec / "test.other.yaml"
    second.write_text(sample.spec_file.read_text(encoding="utf-8").replace("test.thing", "test.other"), "utf-8")
    other_page = sample.page.with_name("test-other.md")
    other_page.write_text(sample.page.read_text(encoding="utf-8").replace("test.thing", "test.other"), "utf-8")
    sample.edit_spec("ID: {type: integer}", "ID: {type: string}", "test.other.yaml")
    sample.edit_page(
        "|| **ID***\n[`integer`](../data-types.md) | Identifier ||", "|| **ID***\n[`integer`] | never closed"
    )
    run = audit(sample.spec, sample.docs)
    assert run.code == 2
    assert [line.split(": ")[1] for line in run.lines] == ["broken table", "test.other"]


def test_the_command_line_reports_an_unreadable_page_without_a_traceback(tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.page.write_bytes(b"# Do a Thing test.thing\n\xff\xfe\n")
    bad_usage = subprocess.run(
        [sys.executable, "-m", "generator", "audit", str(sample.spec_file)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    unreadable = subprocess.run(
        [sys.executable, "-m", "generator", "audit", str(sample.spec_file), str(sample.page)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad_usage.returncode == 2 and "Traceback" not in bad_usage.stderr
    assert unreadable.returncode == 2, unreadable.stderr
    assert unreadable.stdout == f"{sample.page}:2: not UTF-8: byte 0xff cannot be decoded\n"
    assert "Traceback" not in unreadable.stderr
