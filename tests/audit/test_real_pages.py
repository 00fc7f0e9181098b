"""spec/ against the vendor's real pages (`../shared/reference/vendor`): clean, and edits are found."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from generator.audit.accepted import load_acceptances
from tests.audit.samples import VENDOR_DIR, Audit
from tests.support import SPEC_DIR

Run = Callable[..., Audit]
READING = "api-reference/imopenlines/imconnector/imconnector-send-status-reading.md"


def test_every_method_of_the_spec_audits_clean_against_its_vendor_page(audit: Run) -> None:
    run = audit(SPEC_DIR, VENDOR_DIR)
    assert run.lines == []
    assert run.code == 0
    methods = len([p for p in SPEC_DIR.glob("*.yaml") if p.name != "common.yaml"])
    assert f"audit: {methods} methods, 0 differences" in run.stderr


def test_every_accepted_difference_names_a_method_spec_readme_explains() -> None:
    acceptances, problems = load_acceptances(SPEC_DIR / "audit-accepted.toml")
    assert problems == []
    readme = (SPEC_DIR / "README.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^### (\S+)", readme, flags=re.MULTILINE))
    unexplained = {a.method for a in acceptances if a.method != "*"} - sections
    assert unexplained == set(), "each accepted method needs its section in spec/README.md"


def test_a_page_edited_to_add_a_parameter_and_an_error_code_is_reported_with_both_at_their_lines(
    audit: Run, tmp_path: Path
) -> None:
    page = tmp_path / READING
    page.parent.mkdir(parents=True)
    shutil.copy(VENDOR_DIR / READING, page)
    shutil.copytree(VENDOR_DIR / "_includes", tmp_path / "_includes")
    lines = page.read_text(encoding="utf-8").splitlines()
    parameters_end = lines.index("|#")  # the first table closes: the parameter table
    lines[parameters_end:parameters_end] = ["|| **PRIORITY***", "[`integer`](../../data-types.md) | Priority ||"]
    errors_end = next(i for i, line in enumerate(lines) if "IMCONNECTOR_NO_CORRECT_PROVIDER" in line) + 1
    lines[errors_end:errors_end] = ["|| `400` | `PRIORITY_INVALID` | Priority is wrong | `PRIORITY` out of range ||"]
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (parameters_end + 1, errors_end + 1) == (50, 380)

    run = audit(SPEC_DIR / "imconnector.send.status.reading.yaml", page)

    assert run.lines == [
        f"{page}:50: imconnector.send.status.reading: parameter-missing PRIORITY: "
        "the page lists argument `PRIORITY`; the spec does not have it",
        f"{page}:380: imconnector.send.status.reading: error-missing 400 PRIORITY_INVALID: "
        "the page lists PRIORITY_INVALID at status 400; the spec does not",
    ]
    assert run.code == 1
