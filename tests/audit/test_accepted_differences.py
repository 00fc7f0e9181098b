"""The accepted-differences file: accepted ones are not printed, stale ones are, a bad file is exit 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.audit.samples import Audit, Sample, make_sample, write

Run = Callable[..., Audit]


def sample_with_a_type_difference(tmp_path: Path) -> Sample:
    sample = make_sample(tmp_path)
    sample.edit_spec("ID: {type: integer}", "ID: {type: string}")
    return sample


def test_an_accepted_difference_is_not_printed_and_the_audit_passes(audit: Run, tmp_path: Path) -> None:
    sample = sample_with_a_type_difference(tmp_path)
    write(sample.spec / "audit-accepted.toml", '["test.thing"]\n"parameter-type ID" = "The portal sends text."\n')
    run = audit(sample.spec_file, sample.page)
    assert (run.code, run.lines) == (0, [])
    assert "0 differences, 1 accepted" in run.stderr


def test_show_accepted_prints_them_with_their_reason(audit: Run, tmp_path: Path) -> None:
    sample = sample_with_a_type_difference(tmp_path)
    write(sample.spec / "audit-accepted.toml", '["test.thing"]\n"parameter-type ID" = "The portal sends text."\n')
    run = audit("--show-accepted", sample.spec_file, sample.page)
    assert run.code == 0
    (line,) = run.lines
    assert ": test.thing: parameter-type ID: " in line and line.endswith("(accepted: The portal sends text.)")


def test_an_entry_for_every_method_accepts_the_difference_in_each(audit: Run, tmp_path: Path) -> None:
    sample = sample_with_a_type_difference(tmp_path)
    write(sample.spec / "audit-accepted.toml", '["*"]\n"parameter-type ID" = "Every method does this."\n')
    assert audit(sample.spec, sample.docs).code == 0


def test_an_acceptance_that_no_longer_occurs_is_reported_at_its_line(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    accepted = write(
        sample.spec / "audit-accepted.toml",
        """
        # deliberate differences
        ["test.thing"]
        "parameter-type ID" = "The portal sends text."

        ["test.gone"]
        "parameter-extra X" = "A method the spec no longer has."
        """,
    )
    single = audit(sample.spec_file, sample.page)
    assert single.lines == [
        f"{accepted}:3: test.thing: stale-acceptance: 'parameter-type ID' no longer occurs; remove it"
    ]
    assert single.code == 1
    whole = audit(sample.spec, sample.docs)
    assert whole.code == 1
    assert whole.lines == [
        f"{accepted}:3: test.thing: stale-acceptance: 'parameter-type ID' no longer occurs; remove it",
        f"{accepted}:6: test.gone: stale-acceptance: the spec has no such method; remove it",
    ]


def test_an_unusable_accepted_file_is_exit_2_at_its_line(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    accepted = write(sample.spec / "audit-accepted.toml", '["test.thing"]\n"parameter-type ID" = ""\n')
    empty_reason = audit(sample.spec_file, sample.page)
    assert (empty_reason.code, empty_reason.lines) == (
        2,
        [f"{accepted}:2: the reason for 'parameter-type ID' must be a non-empty string"],
    )
    accepted.write_text('["test.thing"\n', encoding="utf-8")
    not_toml = audit(sample.spec_file, sample.page)
    assert not_toml.code == 2 and not_toml.lines[0].startswith(f"{accepted}:1: not TOML: ")


def test_an_accepted_file_named_on_the_command_line_must_exist(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    run = audit("--accepted", tmp_path / "none.toml", sample.spec_file, sample.page)
    assert run.code == 2
    assert run.lines == [
        f"{tmp_path / 'none.toml'}:1: cannot read the accepted-differences file: No such file or directory"
    ]
