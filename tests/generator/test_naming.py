"""Names from the spec become safe Python identifiers; texts become safe docstrings and Markdown cells."""

from __future__ import annotations

import ast
import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.naming import attribute_name, class_name, pascal_case, snake_case
from generator.views.text import docstring_text, markdown_cell, one_line
from tests.support import RESERVED_CLASSES as RESERVED

# Any text a spec can carry, except lone surrogates (YAML cannot carry them into a file).
SPEC_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
TRICKY = ['"', '"""', "'''", "\\", "\\\n", "|", "\n", "\n\n", "\r\n", "\t", " ", "<b>", "&"]
SPEC_TEXT = st.lists(st.one_of(st.text(SPEC_CHARS, max_size=20), st.sampled_from(TRICKY)), max_size=15).map("".join)
PROPERTIES = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("userId", "user_id"),
        ("user_id", "user_id"),
        ("UserID", "user_id"),
        ("CONNECTOR", "connector"),
        ("delete.messages", "delete_messages"),
        ("imconnector.delete.messages", "imconnector_delete_messages"),
        ("HTTPServerError", "http_server_error"),
        ("getHTTPResponse", "get_http_response"),
        ("user-name", "user_name"),
        ("ERROR_ARGUMENT", "error_argument"),
        ("Café", "cafe"),
        ("", ""),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("delete.messages", "DeleteMessages"),
        ("imconnector.delete.messages", "ImconnectorDeleteMessages"),
        ("user_id", "UserId"),
        ("CONNECTOR", "Connector"),
        ("ExternalUser", "ExternalUser"),
        ("externalUser", "ExternalUser"),
        ("expired_token", "ExpiredToken"),
        ("HTTPServerError", "HttpServerError"),
    ],
)
def test_pascal_case(name: str, expected: str) -> None:
    assert pascal_case(name) == expected


@pytest.mark.parametrize(
    ("wire_name", "expected"),
    [
        ("class", "class_"),
        ("from", "from_"),
        ("self", "self_"),
        ("import", "import_"),
        ("match", "match_"),
        ("type", "type_"),
        ("str", "str_"),
        ("cls", "cls_"),
        ("id", "id"),
        ("ID", "id"),
        ("MESSAGES", "messages"),
        ("userId", "user_id"),
        ("2fa", "field_2_fa"),
        ("", "field"),
        ("!!!", "field"),
    ],
)
def test_attribute_name(wire_name: str, expected: str) -> None:
    assert attribute_name(wire_name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ExternalUser", "ExternalUser"),
        ("imconnector.delete.messages", "ImconnectorDeleteMessages"),
        ("Client", "ClientModel"),
        ("Endpoint", "EndpointModel"),
        ("self", "SelfModel"),
        ("None", "None_"),
        ("2fa", "Model_2Fa"),
        ("", "ModelModel"),  # the fallback is also the runtime's base class name
    ],
)
def test_class_name(name: str, expected: str) -> None:
    assert class_name(name, RESERVED) == expected


@PROPERTIES
@given(st.text())
def test_attribute_and_class_names_are_always_usable_identifiers(name: str) -> None:
    for identifier in (attribute_name(name), class_name(name)):
        assert identifier.isidentifier()
        assert not keyword.iskeyword(identifier)
    assert not keyword.issoftkeyword(attribute_name(name))


# -- docstrings ----------------------------------------------------------------------------------


def docstring_value(text: str) -> str:
    """What Python reads back from a function docstring made of `docstring_text(text)`."""
    source = 'def f():\n    """' + docstring_text(text).replace("\n", "\n    ") + '"""\n'
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef)
    value = ast.get_docstring(function, clean=False)
    assert value is not None
    return value


def test_docstring_text_escapes_backslashes() -> None:
    assert docstring_text(r"C:\temp\new") == r"C:\\temp\\new"
    assert docstring_value(r"C:\temp\new \N{x} \u12") == r"C:\temp\new \N{x} \u12"


def test_docstring_text_escapes_triple_quotes() -> None:
    assert '"""' not in docstring_text('say """hi""" twice')
    assert docstring_value('say """hi""" twice').split() == ["say", '"""hi"""', "twice"]


@pytest.mark.parametrize("text", ['ends in a quote"', 'ends in two ""', '""""', "ends in a backslash\\"])
def test_docstring_text_ending_in_a_quote_or_backslash_does_not_close_the_docstring_early(text: str) -> None:
    assert docstring_value(text).strip() == text


def test_docstring_text_folds_white_space_wraps_lines_and_keeps_paragraphs() -> None:
    text = "First   paragraph\nwith a\tbreak. " + "word " * 30 + "\n\n\n  Second paragraph.  "
    result = docstring_text(text)
    first, second = result.split("\n\n")
    assert all(len(line) <= 72 for line in result.splitlines())
    assert first.startswith("First paragraph with a break. word word")
    assert len(first.splitlines()) > 1
    assert second == "Second paragraph."


def test_docstring_text_of_nothing_is_empty() -> None:
    assert docstring_text("") == ""
    assert docstring_text(" \n\n \t") == ""


@PROPERTIES
@given(SPEC_TEXT)
def test_docstring_text_always_parses_and_round_trips_the_text(text: str) -> None:
    value = docstring_value(text)
    # Only white space may change: wrapping and folding are allowed, nothing else.
    assert "".join(value.split()) == "".join(text.split())


def test_docstring_text_with_a_nul_character_still_parses() -> None:
    value = docstring_value("before\x00after")  # YAML "\0" in a double-quoted description
    assert value.replace("\x00", "") == "beforeafter"


def test_docstring_text_never_breaks_a_long_url() -> None:
    url = "https://apidocs.bitrix24.com/api_reference/imopenlines/imconnector/methods/imconnector_delete_messages.html"
    assert url in docstring_value(f"See {url} for details.").split()


def test_docstring_text_never_splits_a_url_at_a_hyphen() -> None:
    url = "https://example.com/docs/delete-messages-in-open-lines"
    text = "The method is documented at " + url  # the URL straddles column 72
    assert url in docstring_value(text).split()


# -- Markdown table cells ------------------------------------------------------------------------


def unescape_backslashes(cell: str) -> str:
    out, chars = [], iter(cell)
    for char in chars:
        out.append(next(chars, "\\") if char == "\\" else char)
    return "".join(out)


def has_bare_pipe(cell: str) -> bool:
    escaped = False
    for char in cell:
        if char == "|" and not escaped:
            return True
        escaped = char == "\\" and not escaped
    return False


def test_markdown_cell_escapes_pipes_and_folds_newlines() -> None:
    assert markdown_cell("a | b\nc\r\n\n  d") == r"a \| b c d"


def test_markdown_cell_escapes_html_and_backslashes() -> None:
    assert markdown_cell(r"<b>bold</b> \| x") == r"&lt;b&gt;bold&lt;/b&gt; \\\| x"


@PROPERTIES
@given(SPEC_TEXT)
def test_markdown_cell_is_one_line_without_a_bare_pipe_and_keeps_the_text(text: str) -> None:
    cell = markdown_cell(text)
    assert len(cell.splitlines()) <= 1
    assert not has_bare_pipe(cell)
    html_safe = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert unescape_backslashes(cell) == html_safe
