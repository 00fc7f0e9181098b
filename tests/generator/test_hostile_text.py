"""Hostile text in a spec comes out as valid, black-formatted Python, intact Markdown and working tests.

Descriptions, summaries, examples, enum values and error texts may hold `\"\"\"`, `'''`, backslashes,
Jinja markup (`{{ }}`, `{% %}`, `#}`), newlines, tabs, CR/LF, NUL and other control characters,
`</script>`, Markdown table pipes, code fences, emoji and right-to-left text. Two kinds of test:

- one hand-made spec with hostile text everywhere text can go, generated into a temp folder: every
  Python file parses (also with warnings as errors) and black leaves it unchanged, every Markdown
  table row has as many cells as its header, spec prose neither opens code fences nor injects raw
  HTML, the package imports with the texts intact in its docstrings, and the generated tests pass;
- random valid specs (hypothesis) within the supported subset: every Python file parses and is
  black-stable, the package and every module import, every model reachable from a random JSON
  value of its schema reads back what it writes (`from_dict(to_dict(x)) == x`), and a call through
  the generated client sends the arguments and decodes the answer.

The default example count is small for CI; `HYPOTHESIS_PROFILE=long` runs 300 random specs.
The bugs these tests found are kept at the end, each as its minimal input (`BUGS_FOUND`); a bug
listed in `OPEN_BUGS` marks its tests `xfail(strict=True, reason="BUG: ...")` until it is fixed.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import black
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator.format
from generator import naming
from generator.config import PROJECT_ROOT, load_config
from generator.pipeline import generate
from generator.problems import SpecError
from generator.render import RenderedFile
from generator.runtime_facts import runtime_facts
from generator.views.text import markdown_code_cell
from tests.support import RESERVED_CLASSES

CONFIG = load_config(PROJECT_ROOT / "pyproject.toml")
FACTS = runtime_facts(CONFIG.runtime)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the generator reads specs with libyaml too

settings.register_profile("long", max_examples=300, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE") == "long":
    settings.load_profile("long")
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
RANDOM_SPECS = settings(
    max_examples=300 if LONG else 15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


# -- checks shared by both kinds of test ----------------------------------------------------------


def black_mode() -> black.Mode:
    """The generator's pinned black configuration."""
    mode = getattr(generator.format, "BLACK_MODE", None)
    return mode if mode is not None else generator.format.black_mode()


def python_files(files: list[RenderedFile]) -> list[RenderedFile]:
    return [f for f in files if f.path.endswith(".py")]


def parse_problems(files: list[RenderedFile], *, warnings_as_errors: bool) -> list[str]:
    """Files that do not parse; with `warnings_as_errors` also invalid escape sequences and the like
    (a DeprecationWarning in Python 3.11, a SyntaxWarning from 3.12, meant to become an error)."""
    problems = []
    for f in python_files(files):
        with warnings.catch_warnings():
            warnings.simplefilter("error" if warnings_as_errors else "ignore")
            try:
                ast.parse(f.content, filename=f.path)
            except SyntaxError as exc:
                problems.append(f"{f.path}:{exc.lineno}: {exc.msg}: {exc.text!r}")
    return problems


def unformatted(files: list[RenderedFile]) -> list[str]:
    """Python files black would change."""
    mode = black_mode()
    return [f.path for f in python_files(files) if black.format_str(f.content, mode=mode) != f.content]


def write_files(out: Path, files: list[RenderedFile]) -> None:
    for f in files:
        target = out / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f.content, encoding="utf-8")


def unescaped_pipes(row: str) -> int:
    """How many `|` in a Markdown table row separate cells (a backslash escapes the next character)."""
    count, escaped = 0, False
    for char in row:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            count += 1
    return count


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def outside_fences(markdown: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for every line that is not inside a fenced code block (CommonMark rules)."""
    fence: str | None = None
    for number, line in enumerate(markdown.split("\n"), 1):
        match = FENCE.match(line)
        if fence is None:
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                fence = match.group(1)
                continue
            yield number, line
        elif (
            match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not match.group(2).strip()
        ):
            fence = None


def swallowed_headings(markdown: str) -> list[str]:
    """The page's own `## ` headings that a code fence left open has turned into code."""
    prose = {line for _, line in outside_fences(markdown)}
    return [line for line in markdown.split("\n") if line.startswith("## ") and line not in prose]


def table_problems(name: str, markdown: str) -> list[str]:
    """Rows of Markdown tables with another number of cells than their header, or spilled lines.

    Code blocks are not skipped: none of the templates' holds a table-like line, and a code fence
    that spec text opened by mistake must not hide the tables after it."""
    problems = []
    lines = list(enumerate(markdown.split("\n"), 1))
    index = 0
    while index < len(lines) - 1:
        number, header = lines[index]
        _, delimiter = lines[index + 1]
        if not (header.startswith("|") and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+\s*", delimiter)):
            index += 1
            continue
        cells = unescaped_pipes(header)
        if unescaped_pipes(delimiter) != cells:
            problems.append(f"{name}:{number}: delimiter row does not match the header")
        index += 2
        while index < len(lines) and lines[index][1].strip():
            row_number, row = lines[index]
            if not row.startswith("|") or unescaped_pipes(row) != cells or not row.rstrip().endswith("|"):
                problems.append(f"{name}:{row_number}: {unescaped_pipes(row)} pipes, header has {cells}: {row[:160]!r}")
            index += 1
    return problems


def run_python(args: list[str], src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env={**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"},
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


# -- one hand-made spec with hostile text everywhere ---------------------------------------------

FENCE_PARAGRAPH = "\n\n```hostile-fence opened by the spec\n\n"
HOSTILE = (
    "Quotes \"\"\" and ''' and \"'\"'; backslashes \\ \\\\ \\n \\x00 \\u202e C:\\path\\; "
    "Jinja {{ api.package }} {% if true %}x{% endif %} {# note #} #} {%- raw %}; "
    "HTML </script><script>alert(1)</script> <b>bold</b> &amp; &lt;; "
    "pipes a | b || c \\| d; `code` and ``` inline;\ttab;\r\nCRLF;\rCR;\x00NUL;\x07bell;\x1bescape;\x7fdel;\n"
    "non-ASCII ürün café Straße; RTL שלום עולם مرحبا \u202eoverride\u202c; emoji 🎉👍🏽; "
    "BOM\ufeff zero-width\u200b line-separator\u2028end" + FENCE_PARAGRAPH + 'last paragraph ends with a quote"'
)
"""Every kind of hostile text in one string (with a paragraph that would open a Markdown code fence)."""
ENUM_VALUES = [
    "a|b",
    'x"""y',
    "q'''r",
    "back\\slash",
    "ends\\",
    "{{ jinja }}",
    "{% tag %}",
    "#}",
    "tab\there",
    "new\nline",
    "crlf\r\nline",
    "</script>",
    "ürün🎉",
    "שלום",
    "nul\x00",
    "",
]
PATTERN = r"^(Y|N)\d*$"


def hostile_spec() -> dict[str, Any]:
    """The hand-made spec of `crm.hostile.get`: `HOSTILE` in every text, `ENUM_VALUES` as enums."""
    text, enum = HOSTILE, ENUM_VALUES

    def t(where: str, end: str = "") -> str:
        return f"{where}: {text}{end}"

    code = {"type": "string", "pattern": PATTERN, "description": t("code property", "\\")}
    request = {"TITLE": text, "MODE": enum[0], "NESTED": {"inner": [enum[1], enum[3]], "ürün": 1.5}}
    response = {"result": {"NAME": text, "KIND": enum[2], "LIST": [{"VALUE": text}]}, "x-extra|": text}
    return {
        "openapi": "3.0.3",
        "info": {"title": t("title"), "version": "1", "description": t("info")},
        "servers": [{"url": "https://example.bitrix24.com/rest", "description": t("server")}],
        "tags": [{"name": "crm", "description": t("tag")}],
        "externalDocs": {"url": "https://example.com/docs", "description": t("external docs")},
        "paths": {
            "/crm.hostile.get": {
                "post": {
                    "operationId": "crm.hostile.get",
                    "summary": t("summary"),
                    "description": t("description", "\\"),
                    "security": [{"oauth": ["crm"]}],
                    "tags": ["crm"],
                    "requestBody": {
                        "required": True,
                        "description": t("request body"),
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "title": t("request schema title"),
                                    "description": t("request schema"),
                                    "required": ["TITLE", "MODE"],
                                    "properties": {
                                        "TITLE": {"type": "string", "minLength": 1, "description": t("title", '"')},
                                        "MODE": {"type": "string", "enum": enum, "description": t("mode")},
                                        "CODE": code,
                                        "NESTED": {
                                            "type": "object",
                                            "nullable": True,
                                            "description": t("nested object"),
                                            "properties": {
                                                "inner": {
                                                    "type": "array",
                                                    "description": t("inner array"),
                                                    "items": {"type": "string", "enum": enum},
                                                },
                                                "ürün": {"type": "number", "description": t("non-ASCII name")},
                                            },
                                        },
                                    },
                                },
                                "examples": {
                                    "hostile": {
                                        "summary": t("request example summary"),
                                        "description": t("request example description"),
                                        "value": request,
                                    }
                                },
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": t("response"),
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "description": t("response schema"),
                                        "required": ["result"],
                                        "properties": {
                                            "result": {
                                                "type": "object",
                                                "description": t("result object"),
                                                "properties": {
                                                    "NAME": {"type": "string", "description": t("name")},
                                                    "KIND": {"type": "string", "enum": enum, "description": t("kind")},
                                                    "LIST": {
                                                        "type": "array",
                                                        "description": t("list"),
                                                        "items": {
                                                            "type": "object",
                                                            "description": t("list item"),
                                                            "properties": {
                                                                "VALUE": {"type": "string", "description": t("value")}
                                                            },
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                    "examples": {
                                        "hostile": {
                                            "summary": t("response example summary"),
                                            "description": t("response example description"),
                                            "value": response,
                                        }
                                    },
                                }
                            },
                        },
                        "400": {
                            "description": t("bad request"),
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "error": {"type": "string"},
                                            "error_description": {"type": "string"},
                                        },
                                    },
                                    "examples": {
                                        "hostile": {
                                            "summary": t("error summary"),
                                            "value": {"error": "ERROR_HOSTILE", "error_description": t("error text")},
                                        },
                                        "ends_badly": {
                                            "summary": t("other error summary", "\\"),
                                            "description": t("other error description"),
                                            "value": {"error": "hostile_code", "error_description": t("other", '"')},
                                        },
                                    },
                                }
                            },
                        },
                        "500": {
                            "description": t("server error"),
                            "content": {
                                "application/json": {
                                    "example": {"error": "ERROR_CORE", "error_description": t("core error", "\\")}
                                }
                            },
                        },
                    },
                }
            }
        },
        "components": {
            "securitySchemes": {
                "oauth": {
                    "type": "oauth2",
                    "description": t("security"),
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": "https://example.bitrix24.com/oauth/authorize/",
                            "tokenUrl": "https://oauth.bitrix.info/oauth/token/",
                            "scopes": {"crm": t("scope")},
                        }
                    },
                }
            }
        },
    }


@dataclass(frozen=True)
class Generated:
    spec: dict[str, Any]
    yaml_text: str
    files: list[RenderedFile]
    root: Path

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def src(self) -> Path:
        return self.out / "client" / "src"

    def markdown(self) -> dict[str, str]:
        return {f.path: f.content for f in self.files if f.path.endswith(".md")}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    spec = hostile_spec()
    root = tmp_path_factory.mktemp("hostile")
    text = "# Hand-made spec with hostile text everywhere text can go.\n" + yaml.safe_dump(
        spec, allow_unicode=True, sort_keys=False, width=100
    )
    (root / "spec").mkdir()
    (root / "spec" / "crm.hostile.get.yaml").write_text(text, encoding="utf-8")
    files = generate(root / "spec", CONFIG)
    generated = Generated(spec, text, files, root)
    write_files(generated.out, files)
    return generated


def test_the_yaml_carries_every_hostile_character(hostile: Generated) -> None:
    assert yaml.load(hostile.yaml_text, Loader=YAML_LOADER) == hostile.spec
    assert "\\0NUL" in hostile.yaml_text  # NUL as the YAML escape "\0" in a double-quoted string
    assert "\\t" in hostile.yaml_text and "\\r\\n" in hostile.yaml_text


def test_every_generated_python_file_parses(hostile: Generated) -> None:
    assert python_files(hostile.files)
    assert parse_problems(hostile.files, warnings_as_errors=False) == []


def test_generated_python_has_no_invalid_escape_sequences(hostile: Generated) -> None:
    assert parse_problems(hostile.files, warnings_as_errors=True) == []


def test_black_leaves_every_generated_python_file_unchanged(hostile: Generated) -> None:
    assert unformatted(hostile.files) == []


def test_every_markdown_table_row_has_as_many_cells_as_its_header(hostile: Generated) -> None:
    docs = hostile.markdown()
    assert any(name.startswith("docs/") for name in docs)
    problems = [p for name, text in docs.items() for p in table_problems(name, text)]
    assert problems == []


def test_spec_prose_neither_opens_code_fences_nor_injects_raw_html(hostile: Generated) -> None:
    problems = []
    for name, text in hostile.markdown().items():
        prose = dict(outside_fences(text))
        for number, line in prose.items():
            if re.search(r"</?script", line, re.IGNORECASE):
                problems.append(f"{name}:{number}: raw HTML: {line[:120]!r}")
        for heading in swallowed_headings(text):
            problems.append(f"{name}: {heading!r} ended up inside a code block")
    assert problems == []


def test_jinja_markup_in_the_spec_is_text_not_template(hostile: Generated) -> None:
    by_path = {f.path: f.content for f in hostile.files}
    assert "{{ api.package }}" in by_path["docs/crm.hostile.get.md"]
    assert "{% if true %}x{% endif %}" in by_path["docs/crm.hostile.get.md"]
    models = next(content for path, content in by_path.items() if path.endswith("models/crm_hostile_get.py"))
    words = " ".join(models.split())  # docstrings are wrapped
    assert "{{ api.package }}" in words and "{# note #} #} {%- raw %}" in words


IMPORT_HOSTILE = r"""
import importlib, json, pkgutil, sys, unicodedata

import bitrix24_rest
from bitrix24_rest import Client, errors, models

given = json.loads(open(sys.argv[1], encoding="utf-8").read())
assert bitrix24_rest.__file__.startswith(given["src"]), bitrix24_rest.__file__
for info in pkgutil.walk_packages(bitrix24_rest.__path__, "bitrix24_rest."):
    importlib.import_module(info.name)


def norm(text):
    # The texts as words: white space folded, control characters (which one-line texts drop) gone.
    return " ".join("".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc").split())


client = Client("example.bitrix24.com", access_token="t")
missing = []
for where, expected in given["docstrings"]:
    doc = eval(where).__doc__ or ""
    if norm(expected) not in norm(doc):
        missing.append((where, expected[:60], doc[:300]))
assert not missing, missing
request = models.CrmHostileGetRequest.from_dict(given["request"])
assert models.CrmHostileGetRequest.from_dict(request.to_dict()) == request
response = models.CrmHostileGetResponse.from_dict(given["response"])
assert response.to_dict() == given["response"]
assert response.extra_fields == {"x-extra|": given["response"]["x-extra|"]}
print("ok")
"""


def test_the_package_imports_with_every_text_intact_in_its_docstrings(hostile: Generated) -> None:
    operation = hostile.spec["paths"]["/crm.hostile.get"]["post"]
    body = operation["requestBody"]["content"]["application/json"]
    request_schema = body["schema"]
    result_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["result"]
    errors_400 = operation["responses"]["400"]["content"]["application/json"]["examples"]
    docstrings = [
        ("models.CrmHostileGetRequest", request_schema["description"]),
        ("models.CrmHostileGetRequestNested", request_schema["properties"]["NESTED"]["description"]),
        ("models.CrmHostileGetResponseResult", result_schema["description"]),
        ("models.CrmHostileGetResponseResultListItem", result_schema["properties"]["LIST"]["items"]["description"]),
        ("type(client.crm).hostile_get", operation["summary"]),
        ("type(client.crm).hostile_get", operation["description"]),
        ("errors.HostileError", errors_400["hostile"]["summary"]),
        ("errors.HostileError", errors_400["hostile"]["value"]["error_description"]),
        ("errors.HostileCodeError", errors_400["ends_badly"]["value"]["error_description"]),
        (
            "errors.CoreError",
            operation["responses"]["500"]["content"]["application/json"]["example"]["error_description"],
        ),
    ]
    given_file = hostile.root / "import.json"
    given_file.write_text(
        json.dumps(
            {
                "src": str(hostile.src),
                "docstrings": docstrings,
                "request": body["examples"]["hostile"]["value"],
                "response": operation["responses"]["200"]["content"]["application/json"]["examples"]["hostile"][
                    "value"
                ],
            }
        ),
        encoding="utf-8",
    )
    done = run_python(["-c", IMPORT_HOSTILE, str(given_file)], hostile.src, hostile.root)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"


def test_the_generated_tests_pass(hostile: Generated) -> None:
    tested = run_python(
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", str(hostile.out / "tests")], hostile.src, hostile.root
    )
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-2000:]
    assert " passed" in tested.stdout and " failed" not in tested.stdout


# -- random valid specs within the supported subset ------------------------------------------------

# Any text a spec can carry. Not lone surrogates (YAML cannot hold them) nor NEL (U+0085), which
# PyYAML's emitter writes unescaped in a plain scalar and its reader then folds into a space.
TEXT_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x85")
HOSTILE_PIECES = [
    '"""',
    "'''",
    '"',
    "'",
    "\\",
    "\\n",
    "\\x00",
    "{{ api.package }}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{% if x %}",
    "{#",
    "#}",
    "\n",
    "\n\n",
    "\t",
    "\r\n",
    "\r",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\u2028",
    "\ufeff",
    "\u200b",
    "\u202e",
    "</script>",
    "<b>",
    "&amp;",
    "|",
    "||",
    "\\|",
    "`",
    " ",
    "ürün",
    "שלום",
    "مرحبا",
    "名前",
    "🎉",
    "👍🏽",
]
HOSTILE_TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(TEXT_CHARS, max_size=6)), max_size=8).map(
    "".join
)
SHORT_TEXT = st.text(TEXT_CHARS, max_size=6)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | SHORT_TEXT,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(SHORT_TEXT, inner, max_size=2),
    max_leaves=4,
)

PROPERTY_NAMES = st.one_of(
    st.sampled_from(
        [
            *("ID", "TITLE", "STAGE_ID", "UF_CRM_1", "userId", "dealTitle", "HTTPCode", "user_id", "first_name"),
            *("class", "from", "self", "cls", "id", "type", "list", "dict", "str", "int", "object", "import", "def"),
            *("None", "True", "async", "await", "match", "case", "_", "print", "Any", "ClassVar", "items", "result"),
            *("extra_fields", "from_dict", "to_dict", "toDict", "_FIELDS", "_WIRE_NAMES"),
            *(
                "ürün",
                "café",
                "naïve",
                "Straße",
                "名前",
                "שם",
                "2fa",
                "3dSecure",
                "123",
                "user-id",
                "a.b",
                "with space",
            ),
        ]
    ),
    st.from_regex(r"[a-z]{1,6}(?:[A-Z][a-z]{1,5}){1,2}", fullmatch=True),  # camelCase
    st.from_regex(r"[A-Z]{2,6}(?:_[A-Z0-9]{1,4}){0,2}", fullmatch=True),  # UPPER_CASE
    st.from_regex(r"[a-z]{1,6}(?:_[a-z0-9]{1,4}){0,2}", fullmatch=True),  # snake_case
    st.from_regex(r"[0-9][a-zA-Z0-9]{0,5}", fullmatch=True),  # digits first
    st.text("üöäßçéñøåıİğşжфыйשלוםمرحبا名前", min_size=1, max_size=6),  # non-ASCII
)
METHOD_WORDS = st.one_of(
    st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    st.sampled_from(
        [
            *("class", "import", "list", "type", "self", "none", "def", "async", "get", "raw", "items", "models"),
            *("errors", "client", "call", "call_endpoint", "call_batch", "close", "aclose", "tokens"),  # Client's own
        ]
    ),
)
COMPONENT_NAMES = st.one_of(
    st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,12}", fullmatch=True),
    st.sampled_from(
        [
            *("Endpoint", "ItemResultsSpec", "Model", "Any", "Mapping", "Sequence", "ClassVar", "Self", "Client"),
            *("RawResponse", "DecodeError", "TokenPair", "None", "True", "class", "list", "str", "Result", "Item"),
        ]
    ),
)
"""Schema names: OpenAPI allows letters, digits, `.`, `-` and `_` in component keys."""
MAX_DEPTH = 3


def attribute(wire_name: str) -> str:
    """The attribute a property becomes (as the generator names it)."""
    name = naming.attribute_name(wire_name)
    return name + "_" if name in FACTS.model_members else name


def type_of(schema: dict[str, Any]) -> tuple[str | None, bool]:
    """(the one non-null type, whether null is allowed) of a schema this module drew."""
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:  # a $ref that may also be null
            return None, any(member.get("type") == "null" for member in schema[keyword])
    types = schema.get("type")
    if isinstance(types, list):
        return next((t for t in types if t != "null"), None), "null" in types
    return types, schema.get("nullable") is True


def with_null(schema: dict[str, Any], oas31: bool) -> dict[str, Any]:
    """`schema` also allowing null, as OpenAPI 3.0 or 3.1 says it."""
    schema = dict(schema)
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    if oas31:
        schema["type"] = [schema["type"], "null"]
    else:
        schema["nullable"] = True
    return schema


@st.composite
def schemas(draw: st.DrawFn, depth: int, oas31: bool) -> dict[str, Any]:
    """A schema in the supported subset: a primitive, string enum, array, object, map or any value."""
    kinds = ["string", "integer", "number", "boolean", "enum"]
    if depth < MAX_DEPTH:
        kinds += ["array", "object", "object", "map", "any"]
    kind = draw(st.sampled_from(kinds))
    schema: dict[str, Any]
    if kind == "enum":
        schema = {"type": "string", "enum": draw(st.lists(HOSTILE_TEXT, min_size=1, max_size=4, unique=True))}
    elif kind == "array":
        schema = {"type": "array", "items": draw(maybe_null(schemas(depth + 1, oas31), oas31))}
    elif kind == "object":
        schema = draw(objects(depth + 1, oas31))
    elif kind == "map":
        schema = {"type": "object", "additionalProperties": draw(maybe_null(schemas(depth + 1, oas31), oas31))}
    elif kind == "any":
        schema = {}
    else:
        schema = {"type": kind}
    if draw(st.booleans()):
        schema["description"] = draw(HOSTILE_TEXT)
    return schema


@st.composite
def maybe_null(draw: st.DrawFn, inner: st.SearchStrategy[dict[str, Any]], oas31: bool) -> dict[str, Any]:
    """A schema from `inner`, one time in four also allowing null."""
    schema = draw(inner)
    return with_null(schema, oas31) if "type" in schema and draw(st.integers(0, 3)) == 0 else schema


@st.composite
def objects(draw: st.DrawFn, depth: int, oas31: bool, top_of_request: bool = False) -> dict[str, Any]:
    """An object schema with properties whose names stay distinct as attributes."""
    names = draw(
        st.lists(
            PROPERTY_NAMES.filter(lambda n: not (top_of_request and attribute(n) in FACTS.call_options)),
            min_size=1,
            max_size=4,
            unique_by=attribute,
        )
    )
    properties = {name: draw(maybe_null(schemas(depth, oas31), oas31)) for name in names}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [name for name in names if draw(st.booleans())]
    if top_of_request:
        # A required argument may not be null: the client takes None as "not given" (spec/README).
        required = [name for name in required if not type_of(properties[name])[1]]
    if required:
        schema["required"] = required
    return schema


@st.composite
def values(draw: st.DrawFn, schema: dict[str, Any], in_request: bool, present: bool = False) -> Any:
    """A JSON value that `schema` describes. `present`: a required property (never null in a request,
    whose client treats null as absent)."""
    kind, nullable = type_of(schema)
    if nullable and not (in_request and present) and draw(st.integers(0, 3)) == 0:
        return None
    if "enum" in schema:
        return draw(st.sampled_from([v for v in schema["enum"] if v is not None]))
    if kind == "string":
        return draw(HOSTILE_TEXT)
    if kind == "integer":
        return draw(st.integers())
    if kind == "number":
        return draw(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "array":
        return draw(st.lists(values(schema["items"], in_request), max_size=3))
    if kind == "object" and "properties" in schema:
        value = {}
        required = schema.get("required", [])
        for name, sub in schema["properties"].items():
            if name in required or draw(st.booleans()):
                value[name] = draw(values(sub, in_request, present=name in required))
        if not in_request:  # properties the spec does not describe, kept in extra_fields
            value.update(draw(st.dictionaries(SHORT_TEXT.map(lambda k: f"x-extra {k}"), JSON_VALUES, max_size=2)))
        return value
    if kind == "object":
        return draw(st.dictionaries(SHORT_TEXT, values(schema["additionalProperties"], in_request), max_size=2))
    if present:
        return draw(JSON_VALUES.filter(lambda v: v is not None))
    return draw(JSON_VALUES)


@dataclass(frozen=True)
class SpecCase:
    """A spec of one method with a request body and an answer that fit it."""

    method: str
    spec: dict[str, Any]
    request: dict[str, Any] | None
    response: dict[str, Any]


@st.composite
def spec_cases(draw: st.DrawFn) -> SpecCase:
    """A random valid spec of one method within the supported subset, with a request body and an
    answer drawn from its schemas."""
    oas31 = draw(st.booleans())
    method = ".".join(draw(st.lists(METHOD_WORDS, min_size=2, max_size=3)))
    operation: dict[str, Any] = {}
    for key in ("summary", "description"):
        if draw(st.booleans()):
            operation[key] = draw(HOSTILE_TEXT)
    request = None
    if draw(st.integers(0, 4)):
        request_schema = draw(objects(1, oas31, top_of_request=True))
        if draw(st.booleans()):
            request_schema["description"] = draw(HOSTILE_TEXT)
        # The client leaves out arguments given as None, so the body holds no top-level null.
        request = {k: v for k, v in draw(values(request_schema, in_request=True)).items() if v is not None}
        media: dict[str, Any] = {"schema": request_schema}
        if draw(st.booleans()):
            media["examples"] = {"drawn": {"summary": draw(HOSTILE_TEXT), "value": request}}
        operation["requestBody"] = {"required": True, "content": {"application/json": media}}
    result = draw(objects(1, oas31))
    if draw(st.booleans()):
        result["description"] = draw(HOSTILE_TEXT)
    response_schema = {"type": "object", "required": ["result"], "properties": {"result": result}}
    response = {"result": draw(values(result, in_request=False, present=True))}
    ok: dict[str, Any] = {"schema": response_schema}
    if draw(st.booleans()):
        ok["examples"] = {
            "drawn": {"summary": draw(HOSTILE_TEXT), "description": draw(HOSTILE_TEXT), "value": response}
        }
    responses: dict[str, Any] = {"200": {"description": draw(HOSTILE_TEXT), "content": {"application/json": ok}}}
    codes = draw(
        st.lists(
            st.sampled_from(["ERROR_ARGUMENT", "ERROR_NOT_FOUND", "NOT_FOUND", "ACCESS_DENIED", "invalid_token"]),
            max_size=3,
            unique_by=str.lower,
        )
    )
    if codes:
        examples = {
            f"case_{i}": {
                "summary": draw(HOSTILE_TEXT),
                "value": {"error": code, "error_description": draw(HOSTILE_TEXT)},
            }
            for i, code in enumerate(codes)
        }
        responses["400"] = {"description": draw(HOSTILE_TEXT), "content": {"application/json": {"examples": examples}}}
    operation["responses"] = responses
    spec: dict[str, Any] = {
        "openapi": "3.1.0" if oas31 else "3.0.3",
        "info": {"title": draw(HOSTILE_TEXT), "version": "1", "description": draw(HOSTILE_TEXT)},
        "servers": [{"url": "https://example.bitrix24.com/rest"}],
        "paths": {f"/{method}": {"post": operation}},
    }
    roots = [response_schema, *([operation["requestBody"]["content"]["application/json"]["schema"]] if request else [])]
    request_schema_drawn = operation["requestBody"]["content"]["application/json"]["schema"] if request else {}
    required_arguments = {id(request_schema_drawn.get("properties")): set(request_schema_drawn.get("required", []))}
    components = draw(named_components(roots, oas31, required_arguments))
    if components:
        spec["components"] = {"schemas": components}
    return SpecCase(method, spec, request, response)


def nested_objects(schema: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """(container, key) of every object schema with properties below `schema`, outer ones first."""
    slots = [(schema["properties"], name) for name in schema.get("properties", {})]
    slots += [(schema, key) for key in ("items", "additionalProperties") if isinstance(schema.get(key), dict)]
    for container, key in slots:
        if "properties" in container[key]:
            yield container, key
        yield from nested_objects(container[key])


@st.composite
def named_components(
    draw: st.DrawFn, roots: list[dict[str, Any]], oas31: bool, required: dict[int, set[str]]
) -> dict[str, Any]:
    """Move some nested object schemas to `components/schemas`, referred to by `$ref` (alone, or as
    the one schema of `allOf`, or of `anyOf` with null); returns the components.

    `required` names, by the id of a properties mapping, the properties that may not become
    nullable (required arguments: the client takes None as "not given")."""
    components: dict[str, Any] = {}
    classes: set[str] = set()
    for root in roots:
        for container, key in list(nested_objects(root)):
            if not draw(st.booleans()):
                continue
            name = draw(COMPONENT_NAMES.filter(lambda n: naming.class_name(n, RESERVED_CLASSES) not in classes))
            classes.add(naming.class_name(name, RESERVED_CLASSES))
            components[name] = container[key]
            ref = {"$ref": f"#/components/schemas/{name}"}
            nullable_allowed = oas31 and key not in required.get(id(container), set())
            wrapper = draw(st.sampled_from(["ref", "allOf", "anyOf"] if nullable_allowed else ["ref", "allOf"]))
            if wrapper == "ref":
                container[key] = ref
            elif wrapper == "allOf":
                container[key] = {"allOf": [ref], "description": draw(HOSTILE_TEXT)}
            else:
                container[key] = {"anyOf": [ref, {"type": "null"}]}
    return components


CALL_AND_ROUND_TRIP = r"""
import dataclasses, importlib, json, pkgutil, sys

import httpx
import bitrix24_rest
from bitrix24_rest import Client, models

case = json.loads(open(sys.argv[1], encoding="utf-8").read())
assert bitrix24_rest.__file__.startswith(case["src"]), bitrix24_rest.__file__
for info in pkgutil.walk_packages(bitrix24_rest.__path__, "bitrix24_rest."):
    importlib.import_module(info.name)


def models_in(value):
    # Every model instance in a value, the value itself first.
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for field in dataclasses.fields(value):
            if field.name != "extra_fields":
                yield from models_in(getattr(value, field.name))
    elif isinstance(value, list):
        for item in value:
            yield from models_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from models_in(item)


checked = set()
for class_name, data in case["samples"]:
    top = getattr(models, class_name).from_dict(data)
    for model in models_in(top):
        again = type(model).from_dict(model.to_dict())
        assert again == model, (type(model).__name__, model.to_dict(), again.to_dict())
        checked.add(type(model).__name__)

sent = []


def portal(request):
    sent.append(json.loads(request.content))
    return httpx.Response(200, json=case["response"])


with Client(
    "example.bitrix24.com", access_token="t", transport=httpx.MockTransport(portal), max_retries=0, rate_limit=None
) as client:
    # The one namespace: `client.<first segment>`, or another name where that one is the client's own.
    properties = {n: m for klass in reversed(type(client).__mro__) for n, m in vars(klass).items()}
    namespaces = [
        name
        for name, member in properties.items()
        if isinstance(member, property) and type(getattr(client, name)).__name__.endswith("Methods")
    ]
    assert len(namespaces) == 1, namespaces
    if case["namespace"] not in ("call", "call_endpoint", "call_batch", "close", "aclose", "tokens"):
        assert namespaces == [case["namespace"]], namespaces
    result = getattr(getattr(client, namespaces[0]), case["function"])(**case["arguments"])
    # The client's own API is still there, whatever the namespaces are called.
    assert callable(client.call) and callable(client.call_endpoint) and callable(client.close)
    assert type(client.tokens).__name__ == "TokenPair", type(client.tokens)
assert result == getattr(models, case["response_model"]).from_dict(case["response"]), result
body = sent[0]
assert body.pop("auth") == "t"
assert body == (case["request"] or {}), (body, case["request"])
print(json.dumps(sorted(checked)))
"""


def check_case(case: SpecCase, folder: Path) -> None:
    """Generate `case` in-process into `folder`; check the Python, then import, round-trip and call."""
    text = yaml.safe_dump(case.spec, allow_unicode=True, sort_keys=False)
    assert yaml.load(text, Loader=YAML_LOADER) == case.spec, "the YAML does not say what was drawn"
    (folder / "spec").mkdir(parents=True)
    (folder / "spec" / f"{case.method}.yaml").write_text(text, encoding="utf-8")
    files = generate(folder / "spec", CONFIG)
    assert parse_problems(files, warnings_as_errors=True) == []
    assert unformatted(files) == []
    out = folder / "out"
    write_files(out, files)
    segments = case.method.split(".")
    stem = naming.pascal_case(case.method)
    samples = [[naming.class_name(f"{stem}Response", RESERVED_CLASSES), case.response]]
    if case.request is not None:
        samples.append([naming.class_name(f"{stem}Request", RESERVED_CLASSES), case.request])
    given_file = folder / "case.json"
    given_file.write_text(
        json.dumps(
            {
                "src": str(out / "client" / "src"),
                "samples": samples,
                "namespace": naming.attribute_name(segments[0]),
                "function": naming.attribute_name(".".join(segments[1:])),
                "arguments": {attribute(k): v for k, v in (case.request or {}).items()},
                "request": case.request,
                "response": case.response,
                "response_model": samples[0][0],
            }
        ),
        encoding="utf-8",
    )
    done = run_python(["-c", CALL_AND_ROUND_TRIP, str(given_file)], out / "client" / "src", folder)
    assert done.returncode == 0, done.stderr[-4000:]
    assert samples[0][0] in json.loads(done.stdout)


@RANDOM_SPECS
@given(case=spec_cases())
def test_random_valid_specs_give_valid_black_stable_code_that_imports_calls_and_round_trips(case: SpecCase) -> None:
    with tempfile.TemporaryDirectory(prefix="hostile-text-") as folder:
        check_case(case, Path(folder))


# -- the bugs these tests found, each as its minimal input ---------------------------------------------

BUGS_FOUND = {
    "pattern-backslash": (
        "a `pattern` went into the method docstring unescaped (`Constraints: matches `^\\d$``): an invalid "
        "escape sequence (DeprecationWarning in 3.11, SyntaxWarning from 3.12), and `\\b`, `\\t`... changed the text"
    ),
    "pipe-in-table": "enum values and patterns went into Markdown table cells with `|` unescaped: extra cells",
    "raw-html": "the summary (page heading) and enum values (type column) went into the docs with raw `<`/`>`",
    "fence": "a description paragraph starting with ``` opened a code fence that swallowed the page after it",
    "null-array-item": "array items that may be null failed to decode: DecodeError 'result.x[0]: expected ..., got None'",
    "namespace-shadows-client": (
        "a namespace named like a Client member (`/close.a`) became a property replacing it: leaving "
        "`with Client(...)` raised TypeError: 'CloseMethods' object is not callable"
    ),
    "raw-twin": "`/crm.get` and `/crm.get.raw` both became `client.crm.get_raw`; one silently replaced the other",
}
OPEN_BUGS: set[str] = set()
"""Keys of `BUGS_FOUND` not fixed yet: their tests are marked xfail(strict=True)."""


def bug_mark(bug: str | None) -> pytest.MarkDecorator:
    """xfail(strict=True) while `bug` is open, inert once it is fixed."""
    return pytest.mark.xfail(bug in OPEN_BUGS, strict=True, reason=f"BUG: {BUGS_FOUND.get(bug or '', '')}")


def minimal_case(method: str, result: dict[str, Any], response: dict[str, Any], oas31: bool = True) -> SpecCase:
    """A spec of `method` taking one string argument `a` and answering `{result: <result>}`."""
    request_schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    answer = {"type": "object", "required": ["result"], "properties": {"result": result}}
    operation = {
        "requestBody": {"content": {"application/json": {"schema": request_schema}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": answer}}}},
    }
    spec = {
        "openapi": "3.1.0" if oas31 else "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {f"/{method}": {"post": operation}},
    }
    return SpecCase(method, spec, {"a": "x"}, response)


X_STRING = {"type": "object", "properties": {"x": {"type": "string"}}}
MINIMAL_SPECS = [
    # (test id, case, bug)
    (
        "null-array-item-3.1",
        minimal_case(
            "a.a",
            {"type": "object", "properties": {"x": {"type": "array", "items": {"type": ["string", "null"]}}}},
            {"result": {"x": [None]}},
        ),
        "null-array-item",
    ),
    (
        "null-array-item-3.0",
        minimal_case(
            "a.a",
            {"type": "object", "properties": {"x": {"type": "array", "items": {"type": "integer", "nullable": True}}}},
            {"result": {"x": [None]}},
            oas31=False,
        ),
        "null-array-item",
    ),
    *(
        (f"namespace-{word}", minimal_case(f"{word}.a", X_STRING, {"result": {}}), "namespace-shadows-client")
        for word in ("close", "call", "tokens")
    ),
]


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=name, marks=bug_mark(bug)) for name, case, bug in MINIMAL_SPECS]
)
def test_minimal_spec(case: SpecCase, tmp_path: Path) -> None:
    check_case(case, tmp_path)


MINIMAL_HOSTILE_TEXTS = [
    # (test id, where the text goes: the method or its one string argument `a`, key, text, check, bug)
    ("pattern-backslash", "argument", "pattern", PATTERN, "escapes", "pattern-backslash"),
    ("pattern-pipe", "argument", "pattern", "^(Y|N)$", "tables", "pipe-in-table"),
    ("enum-pipe", "argument", "enum", ["a|b"], "tables", "pipe-in-table"),
    ("enum-html", "argument", "enum", ["</script>"], "html", "raw-html"),
    ("summary-html", "operation", "summary", "</script>", "html", "raw-html"),
    ("description-fence", "operation", "description", "a\n\n```", "fences", "fence"),
    ("control-description", "argument", "description", 'a | b </script> \\d """\n\n```', "all", None),
    ("control-summary", "operation", "summary", 'a | b \\d """ ```', "all", None),
]


@pytest.mark.parametrize(
    ("where", "key", "text", "check"),
    [
        pytest.param(where, key, text, check, id=name, marks=bug_mark(bug))
        for name, where, key, text, check, bug in MINIMAL_HOSTILE_TEXTS
    ],
)
def test_minimal_hostile_text(where: str, key: str, text: Any, check: str, tmp_path: Path) -> None:
    """`/a.a` with one piece of hostile text; the `control-*` cases put it where it was always escaped."""
    case = minimal_case("a.a", X_STRING, {"result": {}})
    operation = case.spec["paths"]["/a.a"]["post"]
    argument = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]["a"]
    (operation if where == "operation" else argument)[key] = text
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "a.a.yaml").write_text(yaml.safe_dump(case.spec, allow_unicode=True), encoding="utf-8")
    files = generate(tmp_path / "spec", CONFIG)
    page = next(f.content for f in files if f.path == "docs/a.a.md")
    if check in ("escapes", "all"):
        assert parse_problems(files, warnings_as_errors=True) == []
    if check in ("tables", "all"):
        assert table_problems("docs/a.a.md", page) == []
    if check in ("html", "all"):
        assert [line for _, line in outside_fences(page) if "</script" in line] == []
    if check in ("fences", "all"):
        assert swallowed_headings(page) == []


@bug_mark("raw-twin")
def test_a_method_named_like_the_raw_twin_of_another_is_refused(tmp_path: Path) -> None:
    one = minimal_case("crm.get", X_STRING, {"result": {}})
    spec = {
        **one.spec,
        "paths": {"/crm.get": one.spec["paths"]["/crm.get"], "/crm.get.raw": one.spec["paths"]["/crm.get"]},
    }
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "crm.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(SpecError, match="get_raw"):
        generate(tmp_path / "spec", CONFIG)


@pytest.mark.parametrize(
    ("pattern", "cell"),
    [
        (r"^[^\x5B&<>]*$", r"`^[^\x5B&<>]*$`"),
        ("a|b", r"`a\|b`"),
        ("`x`", "`` `x` ``"),
    ],
)
def test_a_pattern_in_a_docs_table_is_a_code_span_shown_exactly_as_written(pattern: str, cell: str) -> None:
    assert markdown_code_cell(pattern) == cell
