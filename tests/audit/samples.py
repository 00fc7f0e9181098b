"""A small method page and spec to edit in each test, and where the vendor's real pages are."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from generator.config import PROJECT_ROOT

VENDOR_DIR = PROJECT_ROOT.parent / "shared" / "reference" / "vendor"
"""The vendor's pages, `../shared/reference/vendor` from the project root."""


@dataclass(frozen=True)
class Audit:
    """One run of the audit: exit code, the lines it printed, its summary."""

    code: int
    lines: list[str]
    stderr: str


def write(path: Path, text: str) -> Path:
    """Write dedented `text` to `path` (folders made); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


SYSTEM_ERRORS = """
    ### Statuses and System Error Codes

    #|
    || **Status** | **Code**
    **Error Message** | **Description** ||
    || `401` | `NO_AUTH_FOUND`
    Wrong authorization data | Invalid access token ||
    |#
    """

PAGE = """
    # Do a Thing test.thing

    ## Method Parameters

    {% include [Note on required parameters](../_includes/required.md) %}

    #|
    || **Name**
    `type` | **Description** ||
    || **ID***
    [`integer`](../data-types.md) | Identifier ||
    || **OPTIONS**
    [`object`](../data-types.md) | Options [(detailed description)](#options) ||
    |#

    ### OPTIONS Parameter {#options}

    #|
    || **Name**
    `type` | **Description** ||
    || **MODE**
    `string` | The mode ||
    |#

    ## Response Handling

    ### Returned Data

    #|
    || **Name**
    `type` | **Description** ||
    || **result**
    [`object`](../data-types.md) | The outcome [(detailed description)](#result) ||
    || **time**
    [`time`](../data-types.md#time) | Timing ||
    |#

    #### result Object {#result}

    #|
    || **Name**
    `type` | **Description** ||
    || **SUCCESS**
    [`boolean`](../data-types.md) | Whether it worked ||
    |#

    ## Error Handling

    ### Possible Error Codes

    #|
    || **Status** | **Code** | **Description** | **Value** ||
    || `400` | `ERROR_ARGUMENT` | Argument 'ID' is null or empty | `ID` not provided ||
    |#

    {% include [system errors](../_includes/system-errors.md) %}
    """
"""A page in the vendor's dialect that `SPEC` agrees with."""

SPEC = """
    openapi: 3.1.0
    info: {title: test.thing, version: "1"}
    paths:
      /test.thing:
        post:
          operationId: test.thing
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  required: [ID]
                  properties:
                    ID: {type: integer}
                    OPTIONS: {$ref: "common.yaml#/components/schemas/Options"}
          responses:
            "200":
              description: Done.
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: object
                        properties:
                          SUCCESS: {type: boolean}
                      time: {$ref: "common.yaml#/components/schemas/Time"}
            "400":
              description: Rejected.
              content:
                application/json:
                  examples:
                    ERROR_ARGUMENT_ID:
                      value: {error: ERROR_ARGUMENT, error_description: "Argument 'ID' is null or empty"}
            "401": {$ref: "common.yaml#/components/responses/Unauthorized"}
    """
"""A spec of `test.thing` that agrees with `PAGE`."""

COMMON = """
    openapi: 3.1.0
    info: {title: shared, version: "1"}
    components:
      schemas:
        Options:
          type: object
          properties:
            MODE: {type: string}
        Time:
          type: object
          properties:
            start: {type: number}
      responses:
        Unauthorized:
          description: System errors at 401.
          content:
            application/json:
              examples:
                NO_AUTH_FOUND: {$ref: "#/components/examples/NO_AUTH_FOUND"}
      examples:
        NO_AUTH_FOUND:
          value: {error: NO_AUTH_FOUND, error_description: Wrong authorization data}
    """


@dataclass(frozen=True)
class Sample:
    """A spec folder (`test.thing.yaml`, `common.yaml`) and a docs folder with the page and its include."""

    spec: Path
    page: Path

    @property
    def spec_file(self) -> Path:
        return self.spec / "test.thing.yaml"

    @property
    def docs(self) -> Path:
        return self.page.parent.parent

    def edit_page(self, old: str, new: str) -> None:
        """Replace `old` (dedented, it must occur) on the page with `new`."""
        _replace(self.page, old, new)

    def edit_spec(self, old: str, new: str, file: str = "test.thing.yaml") -> None:
        """Replace `old` (dedented, it must occur) in a spec file with `new`."""
        _replace(self.spec / file, old, new)

    def page_line(self, text: str) -> int:
        """The line of the page that starts with `text`."""
        return _line_of(self.page, text)

    def spec_line(self, text: str, file: str = "test.thing.yaml") -> int:
        """The line of a spec file that holds `text`."""
        return _line_of(self.spec / file, text)


def make_sample(tmp_path: Path, page: str = PAGE, spec: str = SPEC) -> Sample:
    """Write the sample page (with `_includes/system-errors.md`) and the sample spec under `tmp_path`."""
    write(tmp_path / "docs" / "_includes" / "system-errors.md", SYSTEM_ERRORS)
    page_path = write(tmp_path / "docs" / "api" / "test-thing.md", page)
    write(tmp_path / "spec" / "test.thing.yaml", spec)
    write(tmp_path / "spec" / "common.yaml", COMMON)
    return Sample(tmp_path / "spec", page_path)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    old, new = textwrap.dedent(old).strip("\n"), textwrap.dedent(new).strip("\n")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.lstrip().startswith(text) or text in line:
            return number
    raise AssertionError(f"{text!r} is not in {path}")
