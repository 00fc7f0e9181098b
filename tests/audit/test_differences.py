"""Each kind of difference between a page and a spec, reported once at the line to look at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.audit.samples import Audit, Sample, make_sample

Run = Callable[..., Audit]


def differences(audit: Run, sample: Sample) -> list[str]:
    run = audit(sample.spec_file, sample.page)
    assert run.code == (1 if run.lines else 0), run.lines
    return run.lines


def test_the_sample_page_and_spec_agree(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    run = audit(sample.spec_file, sample.page)
    assert (run.code, run.lines) == (0, [])
    assert "1 method, 0 differences" in run.stderr


def test_a_parameter_missing_from_the_spec_is_reported_at_its_page_line(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_spec("ID: {type: integer}", "")
    sample.edit_spec("required: [ID]", "required: []")
    line = sample.page_line("|| **ID***")
    assert differences(audit, sample) == [
        f"{sample.page}:{line}: test.thing: parameter-missing ID: "
        "the page lists argument `ID`; the spec does not have it"
    ]


def test_a_parameter_only_the_spec_has_is_reported_at_its_spec_line(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_spec("ID: {type: integer}", "ID: {type: integer}\n                EXTRA: {type: string}")
    line = sample.spec_line("EXTRA:")
    assert differences(audit, sample) == [
        f"{sample.spec_file}:{line}: test.thing: parameter-extra EXTRA: the spec has argument `EXTRA`; "
        "the page does not list it"
    ]


def test_a_type_that_differs_is_reported_in_the_spec_naming_the_page_line(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_spec("ID: {type: integer}", "ID: {type: string}")
    page_line, spec_line = sample.page_line("|| **ID***"), sample.spec_line("ID: {type: string}")
    assert differences(audit, sample) == [
        f"{sample.spec_file}:{spec_line}: test.thing: parameter-type ID: the page ({sample.page}:{page_line}) "
        "types `ID` as integer; the spec as string"
    ]


def test_a_yn_string_satisfies_a_boolean_and_null_is_not_a_type_difference(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_spec("SUCCESS: {type: boolean}", "SUCCESS: {type: [string, 'null'], enum: [Y, N], x-bitrix24-yn: true}")
    assert differences(audit, sample) == []


def test_required_ness_that_differs_is_reported_both_ways(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_spec("required: [ID]", "required: [OPTIONS]")
    lines = differences(audit, sample)
    assert [line.split(": ", 3)[2] for line in lines] == ["parameter-required ID", "parameter-required OPTIONS"]
    assert "the page (" in lines[0] and "requires `ID`; the spec does not" in lines[0]
    assert "does not require `OPTIONS`; the spec does" in lines[1]


def test_a_nested_field_is_compared_through_a_ref_into_common_yaml(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_spec("MODE: {type: string}", "MODE: {type: integer}\n        LEVEL: {type: integer}", "common.yaml")
    common = sample.spec / "common.yaml"
    assert differences(audit, sample) == [
        f"{common}:{sample.spec_line('MODE:', 'common.yaml')}: test.thing: parameter-type OPTIONS.MODE: the page "
        f"({sample.page}:{sample.page_line('|| **MODE**')}) types `OPTIONS.MODE` as string; the spec as integer",
        f"{common}:{sample.spec_line('LEVEL:', 'common.yaml')}: test.thing: parameter-extra OPTIONS.LEVEL: "
        "the spec has argument `OPTIONS.LEVEL`; the page does not list it",
    ]


def test_a_nested_table_found_by_its_heading_name_when_no_row_links_to_it(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page("Options [(detailed description)](#options)", "Options")
    sample.edit_page("|| **MODE**\n`string`", "|| **MODE**\n`integer`")
    (line,) = differences(audit, sample)
    assert ": test.thing: parameter-type OPTIONS.MODE: " in line


def test_result_fields_missing_extra_or_of_another_type_are_reported(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page(
        "|| **SUCCESS**\n[`boolean`](../data-types.md) | Whether it worked ||",
        "|| **SUCCESS**\n[`integer`](../data-types.md) | Whether it worked ||\n|| **DATA**\n`array` | Data ||",
    )
    sample.edit_spec("SUCCESS: {type: boolean}", "SUCCESS: {type: boolean}\n                      NOTE: {type: string}")
    lines = differences(audit, sample)
    assert [line.split(": ", 3)[1:3] for line in lines] == [
        ["test.thing", "field-missing result.DATA"],
        ["test.thing", "field-type result.SUCCESS"],
        ["test.thing", "field-extra result.NOTE"],
    ]
    assert lines[0].startswith(f"{sample.page}:{sample.page_line('|| **DATA**')}: ")


def test_result_fields_listed_without_a_result_row_are_the_fields_of_result(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page(
        "|| **result**\n[`object`](../data-types.md) | The outcome [(detailed description)](#result) ||",
        "|| **SUCCESS**\n[`boolean`](../data-types.md) | Whether it worked ||",
    )
    sample.edit_page("#### result Object {#result}", "")
    sample.edit_page(
        "#|\n|| **Name**\n`type` | **Description** ||\n"
        "|| **SUCCESS**\n[`boolean`](../data-types.md) | Whether it worked ||\n|#",
        "",
    )
    assert differences(audit, sample) == []


def test_error_codes_missing_or_extra_are_reported_with_their_statuses(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page(
        "|| `400` | `ERROR_ARGUMENT` |",
        "|| `403` | `WRONG_AUTH_TYPE` | Denied | No OAuth ||\n|| `400` | `ERROR_ARGUMENT` |",
    )
    sample.edit_spec(
        "ERROR_ARGUMENT_ID:",
        "NOT_FOUND:\n                  value: {error: NOT_FOUND}\n                ERROR_ARGUMENT_ID:",
    )
    lines = differences(audit, sample)
    assert lines == [
        f"{sample.page}:{sample.page_line('|| `403`')}: test.thing: error-missing 403 WRONG_AUTH_TYPE: "
        "the page lists WRONG_AUTH_TYPE at status 403; the spec does not",
        f"{sample.spec_file}:{sample.spec_line('NOT_FOUND:')}: test.thing: error-extra 400 NOT_FOUND: "
        "the spec answers NOT_FOUND at status 400; the page does not list it",
    ]


def test_an_error_at_another_status_names_the_status_the_other_side_has(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page("|| `400` | `ERROR_ARGUMENT` |", "|| `403` | `ERROR_ARGUMENT` |")
    lines = differences(audit, sample)
    assert [line.split(": ", 2)[2] for line in lines] == [
        "error-missing 403 ERROR_ARGUMENT: the page lists ERROR_ARGUMENT at status 403; the spec does not "
        "(it has it at 400)",
        "error-extra 400 ERROR_ARGUMENT: the spec answers ERROR_ARGUMENT at status 400; the page does not list it "
        "(it has it at 403)",
    ]


def test_a_system_error_missing_from_the_spec_is_reported_in_the_included_file(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_spec('"401": {$ref: "common.yaml#/components/responses/Unauthorized"}', "")
    (line,) = differences(audit, sample)
    include = sample.docs / "_includes" / "system-errors.md"
    assert line.startswith(f"{include}:6: test.thing: error-missing 401 NO_AUTH_FOUND: ")


def test_errors_inside_a_200_answer_are_read_at_the_extension_pointer(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page(
        "|| `400` | `ERROR_ARGUMENT` |", "|| `200` | `NO_ID` | No id | x ||\n|| `400` | `ERROR_ARGUMENT` |"
    )
    sample.edit_spec("operationId: test.thing", "operationId: test.thing\n      x-bitrix24-errors-at: /result")
    sample.edit_spec(
        "schema:\n                type: object\n                properties:\n                  result:",
        "examples:\n                NO_ID:\n                  value: {result: {result: false, error: NO_ID}}\n"
        "              schema:\n                type: object\n                properties:\n                  result:",
    )
    assert differences(audit, sample) == []


def test_a_type_not_in_data_types_md_is_reported_at_the_page_line(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page("`string` | The mode", "`widget` | The mode")
    assert differences(audit, sample) == [
        f"{sample.page}:{sample.page_line('`widget`') - 1}: test.thing: unknown-type OPTIONS.MODE: "
        "the page types `OPTIONS.MODE` as widget, not a type of data-types.md"
    ]


def test_a_method_without_a_page_is_reported_at_its_path(audit: Run, tmp_path: Path) -> None:
    sample = make_sample(tmp_path)
    sample.edit_page("# Do a Thing test.thing", "# Do Another Thing test.other")
    run = audit(sample.spec, sample.docs)
    assert run.code == 1
    assert run.lines == [
        f"{sample.spec_file}:{sample.spec_line('/test.thing:')}: test.thing: no-page: "
        "no vendor page documents this method"
    ]
