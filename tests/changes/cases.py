"""The rules table of `python -m generator changes`, as pairs of small specs.

Each case edits the fixture method (tests/changes/fixture, the shape of
spec/imconnector.send.status.reading.yaml) by plain text replacements; `reverse` compares the
edited spec with the fixture instead of the other way round. `redocly` is the impact
`redocly diff` (2.77.0) gave the same pair when this table was written (None: it reports no
change); `differs` says why we judge otherwise, where we do.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Literal, NamedTuple

from generator.changes.rules import Impact, Rule

METHOD_FILE = "imconnector.send.status.reading.yaml"
CALL = "client.imconnector.send_status_reading"
RESULT = "ImconnectorSendStatusReadingResult"
RedoclyImpact = Literal["major", "minor", "patch"] | None
SECOND_METHOD = """
  /imconnector.send.status.seen:
    post:
      operationId: imconnector.send.status.seen
      summary: Update status to "Seen"
      security:
        - oauth: [imopenlines]
      x-bitrix24-contexts: [application]
      responses:
        "200":
          description: The statuses were accepted.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ImconnectorSendStatusReadingResponse"}

components:
"""


class Case(NamedTuple):
    name: str
    edits: tuple[tuple[str, str], ...]
    expected: tuple[tuple[Impact, Rule, str], ...]
    redocly: RedoclyImpact
    reverse: bool = False
    differs: str = ""

    @property
    def ours(self) -> Literal["major", "minor", "patch"] | None:
        """Our verdict in Redocly's words: breaking is major, feature minor, fix patch."""
        impacts = {impact for impact, _, _ in self.expected}
        for impact, word in (("breaking", "major"), ("feature", "minor"), ("fix", "patch")):
            if impact in impacts:
                return word  # type: ignore[return-value]
        return None


LINE_INT = ("        LINE:\n          type: integer\n", "        LINE:\n          type: [integer, string]\n")
MODE_ENUM = "          enum: [auto, manual]\n"
STATUS_ENUM = "          enum: [read, unread]\n"
TOTAL_INT = ("        TOTAL:\n          type: integer\n", "        TOTAL:\n          type: [integer, string]\n")
PROVIDER_400 = """                IMCONNECTOR_NO_CORRECT_PROVIDER:
                  summary: Failed to initialize provider for the connector
                  value: {error: IMCONNECTOR_NO_CORRECT_PROVIDER, error_description: Unable to find a provider}
"""
ACCESS_403 = '                ACCESS_DENIED: {$ref: "common.yaml#/components/examples/ACCESS_DENIED"}\n'

EXAMPLE = ("fix", "example-changed", CALL)
"""Cases that must edit the request example too (the generator checks it against the arguments) also change it."""
RESULT_FIELD_ADDED = ("        DATA:\n", "        COUNT:\n          type: integer\n        DATA:\n")
COMMENT_ADDED = ("        MESSAGES:\n", "        COMMENT:\n          type: string\n        MESSAGES:\n")
CODE_ADDED = (
    PROVIDER_400,
    PROVIDER_400
    + "                IMCONNECTOR_PROVIDER_BUSY:\n"
    + "                  summary: The provider is busy\n"
    + "                  value: {error: IMCONNECTOR_PROVIDER_BUSY, error_description: Busy}\n",
)
WEBHOOK = (
    "x-bitrix24-contexts: [application]\n      requestBody",
    "x-bitrix24-contexts: [application, webhook]\n      requestBody",
)
WRITERS = "client code passes it; a value it may now pass is new API (Redocly: loosening a request is patch)"

CASES: tuple[Case, ...] = (
    Case("nothing changed", (), (), None),
    Case(
        "method removed",
        (("\ncomponents:\n", SECOND_METHOD),),
        (("breaking", "method-removed", "client.imconnector.send_status_seen"),),
        "major",
        reverse=True,
    ),
    Case(
        "method added",
        (("\ncomponents:\n", SECOND_METHOD),),
        (("feature", "method-added", "client.imconnector.send_status_seen"),),
        "minor",
    ),
    Case(
        "method renamed (same operationId, another path)",
        (("  /imconnector.send.status.reading:\n", "  /imconnector.send.status.read:\n"),),
        (("breaking", "method-renamed", "client.imconnector.send_status_read"),),
        "major",
    ),
    Case(
        "argument removed",
        (
            (
                "        MODE:\n          type: string\n"
                + MODE_ENUM
                + "          description: How the status was set.\n",
                "",
            ),
        ),
        (("breaking", "argument-removed", f"{CALL}(mode=...)"),),
        "patch",
        differs="code passing mode=... gets a TypeError; a server ignores a property it no longer knows",
    ),
    Case(
        "argument renamed on the wire: a removal and an addition",
        (("        MODE:\n", "        SET_MODE:\n"),),
        (
            ("breaking", "argument-removed", f"{CALL}(mode=...)"),
            ("feature", "argument-added-optional", f"{CALL}(set_mode=...)"),
        ),
        "patch",
        differs="as for a removed argument: the Python keyword is gone",
    ),
    Case(
        "argument's wire name changes, its Python name stays",
        (
            ("        LINE:\n", "        line:\n"),
            ("[CONNECTOR, LINE]", "[CONNECTOR, line]"),
            ("LINE: 107", "line: 107"),
        ),
        (EXAMPLE, ("fix", "wire-name-changed", f"{CALL}(line=...)")),
        "major",
        differs="code calls line=... as before and the client sends the new wire name itself",
    ),
    Case(
        "optional argument added",
        (COMMENT_ADDED,),
        (("feature", "argument-added-optional", f"{CALL}(comment=...)"),),
        "minor",
    ),
    Case(
        "required argument added",
        (COMMENT_ADDED, ("[CONNECTOR, LINE]", "[CONNECTOR, LINE, COMMENT]"), ("LINE: 107", "LINE: 107, COMMENT: hi")),
        (("breaking", "argument-added-required", f"{CALL}(comment=...)"), EXAMPLE),
        "major",
    ),
    Case(
        "argument becomes required",
        (("[CONNECTOR, LINE]", "[CONNECTOR, LINE, MODE]"), ("LINE: 107", "LINE: 107, MODE: auto")),
        (("breaking", "argument-now-required", f"{CALL}(mode=...)"), EXAMPLE),
        "major",
    ),
    Case(
        "argument becomes optional",
        (("[CONNECTOR, LINE]", "[CONNECTOR]"),),
        (("feature", "argument-now-optional", f"{CALL}(line=...)"),),
        "patch",
        differs=WRITERS,
    ),
    Case(
        "argument type changed",
        (
            ("        LINE:\n          type: integer\n", "        LINE:\n          type: string\n"),
            ("LINE: 107", "LINE: '107'"),
        ),
        (("breaking", "argument-type-changed", f"{CALL}(line=...)"), EXAMPLE),
        "major",
    ),
    Case(
        "argument type widened (int -> int | str)",
        (LINE_INT,),
        (("feature", "argument-type-widened", f"{CALL}(line=...)"),),
        "patch",
        differs=WRITERS,
    ),
    Case(
        "argument type narrowed (int | str -> int)",
        (LINE_INT,),
        (("breaking", "argument-type-narrowed", f"{CALL}(line=...)"),),
        "major",
        reverse=True,
    ),
    Case(
        "enum value removed from a request",
        ((MODE_ENUM, "          enum: [auto]\n"),),
        (("breaking", "argument-enum-value-removed", f"{CALL}(mode=...)"),),
        "major",
    ),
    Case(
        "enum value added to a request",
        ((MODE_ENUM, "          enum: [auto, manual, later]\n"),),
        (("feature", "argument-enum-value-added", f"{CALL}(mode=...)"),),
        "patch",
        differs=WRITERS,
    ),
    Case(
        "argument check tightened",
        (("          minLength: 1\n", "          minLength: 1\n          maxLength: 50\n"),),
        (("breaking", "argument-constraint-tightened", f"{CALL}(connector=...)"),),
        "major",
    ),
    Case(
        "argument check loosened",
        (("          minLength: 1\n", "          minLength: 1\n          maxLength: 50\n"),),
        (("feature", "argument-constraint-loosened", f"{CALL}(connector=...)"),),
        "patch",
        reverse=True,
        differs=WRITERS,
    ),
    Case(
        "nested argument field type changed",
        (
            (
                "          type: integer\n          description: Identifier of the message",
                "          type: string\n          description: Identifier of the message",
            ),
            ("id: 85911", "id: '85911'"),
        ),
        (("breaking", "argument-type-changed", "ImconnectorSendStatusReadingItem.id"), EXAMPLE),
        "major",
    ),
    Case(
        "result field removed",
        (
            (
                "        DATA:\n          type: array\n          description: Empty array upon successful processing.\n          items: {}\n",
                "",
            ),
        ),
        (("breaking", "result-field-removed", f"{RESULT}.data"),),
        "major",
    ),
    Case("result field added", (RESULT_FIELD_ADDED,), (("feature", "result-field-added", f"{RESULT}.count"),), "minor"),
    Case(
        "result field may now be absent",
        (("required: [SUCCESS]", "required: []"),),
        (("breaking", "result-field-now-optional", f"{RESULT}.success"),),
        "major",
    ),
    Case(
        "result field now always present",
        (("required: [SUCCESS]", "required: [SUCCESS, TOTAL]"),),
        (("fix", "result-field-now-guaranteed", f"{RESULT}.total"),),
        "patch",
    ),
    Case(
        "result field type changed",
        (("        SUCCESS:\n          type: boolean\n", "        SUCCESS:\n          type: string\n"),),
        (("breaking", "result-type-changed", f"{RESULT}.success"),),
        "major",
    ),
    Case(
        "result field type widened (int -> int | str)",
        (TOTAL_INT,),
        (("breaking", "result-type-widened", f"{RESULT}.total"),),
        "major",
    ),
    Case(
        "result field type narrowed (int | str -> int)",
        (TOTAL_INT,),
        (("fix", "result-type-narrowed", f"{RESULT}.total"),),
        "patch",
        reverse=True,
    ),
    Case(
        "enum value added to a response",
        ((STATUS_ENUM, "          enum: [read, unread, pending]\n"),),
        (("breaking", "result-enum-value-added", f"{RESULT}.status"),),
        "major",
    ),
    Case(
        "enum value removed from a response",
        ((STATUS_ENUM, "          enum: [read]\n"),),
        (("fix", "result-enum-value-removed", f"{RESULT}.status"),),
        "patch",
    ),
    Case(
        "model class renamed (a component renamed)",
        (("ImconnectorSendStatusReadingResult", "ImconnectorSendStatusReadingOutcome"),),
        (("breaking", "record-renamed", "ImconnectorSendStatusReadingOutcome"),),
        "patch",
        differs="client code imports the class by name; the HTTP contract is the same",
    ),
    Case(
        "exception class removed",
        ((PROVIDER_400, ""),),
        (
            ("breaking", "exception-removed", "errors.ImconnectorNoCorrectProviderError"),
            ("fix", "method-error-removed", CALL),
        ),
        "patch",
        differs="code naming errors.ImconnectorNoCorrectProviderError fails; to Redocly an example was removed",
    ),
    Case(
        "exception class added (error code added)",
        (CODE_ADDED,),
        (("feature", "exception-added", "errors.ImconnectorProviderBusyError"), ("fix", "method-error-added", CALL)),
        "minor",
    ),
    Case(
        "exception class moved to another base (400 -> 403)",
        ((PROVIDER_400, ""), (ACCESS_403, ACCESS_403 + PROVIDER_400)),
        (
            ("breaking", "exception-base-changed", "errors.ImconnectorNoCorrectProviderError"),
            ("fix", "docs-changed", CALL),
        ),
        "minor",
        differs="`except BadRequestError` no longer catches it; to Redocly an example moved to another response",
    ),
    Case(
        "description edited",
        (("has been read.", "has been read by the client."),),
        (("fix", "docs-changed", CALL),),
        "patch",
    ),
    Case(
        "example edited",
        (("LINE: 107", "LINE: 108"),),
        (EXAMPLE,),
        None,
        differs="examples are in the generated docstrings and docs; Redocly does not compare examples",
    ),
    Case(
        "method deprecated",
        (
            (
                "      x-bitrix24-contexts: [application]\n      requestBody",
                "      deprecated: true\n      x-bitrix24-contexts: [application]\n      requestBody",
            ),
        ),
        (("fix", "deprecated", CALL),),
        "patch",
    ),
    Case(
        "callable through a webhook too",
        (WEBHOOK,),
        (("feature", "context-added", CALL),),
        None,
        differs="the client checks the auth context before calling; to Redocly an x- extension is not contract",
    ),
    Case(
        "no longer callable through a webhook",
        (WEBHOOK,),
        (("breaking", "context-removed", CALL),),
        None,
        reverse=True,
        differs="the client now refuses the call through a webhook; to Redocly an x- extension is not contract",
    ),
    Case(
        "spec changed outside the client's API (a server's description)",
        (("REST endpoint.", "REST endpoint (cloud)."),),
        (("fix", "spec-changed", METHOD_FILE),),
        "patch",
    ),
)


FIXTURE = Path(__file__).parent / "fixture"


def write_pair(case: Case, folder: Path) -> tuple[Path, Path]:
    """The case's old and new spec (the method file; common.yaml beside each), written under `folder`."""
    text = (FIXTURE / METHOD_FILE).read_text(encoding="utf-8")
    edited = text
    for old, new in case.edits:
        assert old in edited, f"{case.name}: the fixture has no {old!r}"
        edited = edited.replace(old, new)
    sides = (edited, text) if case.reverse else (text, edited)
    files = []
    for name, content in zip(("old", "new"), sides, strict=True):
        (folder / name).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURE / "common.yaml", folder / name / "common.yaml")
        (folder / name / METHOD_FILE).write_text(content, encoding="utf-8")
        files.append(folder / name / METHOD_FILE)
    return files[0], files[1]
