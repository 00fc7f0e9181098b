"""Loading spec files: YAML into data with a line for every JSON pointer, and problems, not exceptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.loader import Document, load_spec, parse_document
from generator.problems import Problem
from tests.support import write_spec


def parse(tmp_path: Path, text: str, name: str = "api.yaml") -> tuple[Document | None, list[Problem]]:
    """Write `text` (dedented) to a file and parse it."""
    path = write_spec(tmp_path, {name: text}) / name
    return parse_document(path, name)


def parsed(tmp_path: Path, text: str) -> Document:
    """The document for `text`, which must parse without problems."""
    doc, problems = parse(tmp_path, text)
    assert problems == []
    assert doc is not None
    return doc


# -- line numbers ------------------------------------------------------------------------------


def test_line_of_gives_the_line_of_every_key_by_json_pointer(tmp_path: Path) -> None:
    doc = parsed(
        tmp_path,
        """
        openapi: 3.1.0
        info:
          title: Test
          version: "1"
        paths:
          /crm.item.get:
            post:
              summary: Get an item
              tags: [crm, items]
        """,
    )
    assert doc.line_of("") == 1
    assert doc.line_of("/openapi") == 1
    assert doc.line_of("/info") == 2
    assert doc.line_of("/info/version") == 4
    assert doc.line_of("/paths/~1crm.item.get") == 6
    assert doc.line_of("/paths/~1crm.item.get/post/summary") == 8
    assert doc.line_of("/paths/~1crm.item.get/post/tags/1") == 9


def test_line_of_a_pointer_with_no_node_is_the_line_of_its_closest_parent(tmp_path: Path) -> None:
    doc = parsed(
        tmp_path,
        """
        openapi: 3.1.0
        info:
          title: Test
          version: "1"
        """,
    )
    assert doc.line_of("/info/contact/email") == 2
    assert doc.line_of("/info/title/deeper") == 3
    assert doc.line_of("/nowhere") == 1


def test_line_of_a_sequence_item_in_block_style_is_the_line_of_the_item(tmp_path: Path) -> None:
    doc = parsed(
        tmp_path,
        """
        openapi: 3.1.0
        servers:
          - url: https://a.example
          - url: https://b.example
            description: second
        """,
    )
    assert doc.line_of("/servers/0") == 3
    assert doc.line_of("/servers/1") == 4
    assert doc.line_of("/servers/1/description") == 5


def test_keys_containing_slash_and_tilde_are_escaped_in_pointers(tmp_path: Path) -> None:
    doc = parsed(
        tmp_path,
        """
        openapi: 3.1.0
        paths:
          /a.b:
            post: {}
        x-odd~key: 1
        """,
    )
    assert doc.data["paths"]["/a.b"] == {"post": {}}
    assert doc.line_of("/paths/~1a.b/post") == 4
    assert doc.line_of("/x-odd~0key") == 5


# -- problems ----------------------------------------------------------------------------------


def test_duplicate_key_is_reported_with_both_lines(tmp_path: Path) -> None:
    doc, problems = parse(
        tmp_path,
        """
        openapi: 3.1.0
        info:
          title: First
          version: "1"
          title: Second
        """,
    )
    assert len(problems) == 1
    problem = problems[0]
    assert problem.line == 5
    assert "duplicate key 'title'" in problem.message
    assert "first at line 3" in problem.message
    assert problem.pointer == "/info/title"
    assert doc is not None and doc.data["info"]["title"] == "First"


def test_every_repetition_of_a_key_is_reported(tmp_path: Path) -> None:
    _, problems = parse(tmp_path, "openapi: 3.1.0\nopenapi: 3.0.0\nopenapi: 3.1.1\n")
    assert [p.line for p in problems] == [2, 3]
    assert all("first at line 1" in p.message for p in problems)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("openapi: 3.1.0\ninfo:\n  title: a: b\n  version: '1'\n", 3, id="mapping-value-in-plain-scalar"),
        pytest.param("openapi: 3.1.0\ninfo:\n\ttitle: x\n", 3, id="tab-indentation"),
        pytest.param("openapi: 3.1.0\ninfo:\n  title: x\n version: '1'\n", 4, id="bad-indentation"),
        pytest.param("openapi: 3.1.0\ninfo:\n  title: *nowhere\n", 3, id="undefined-alias"),
    ],
)
def test_yaml_syntax_error_is_one_problem_at_the_offending_line(tmp_path: Path, text: str, line: int) -> None:
    doc, problems = parse(tmp_path, text)
    assert doc is None
    assert len(problems) == 1
    assert problems[0].line == line
    assert problems[0].message.startswith("YAML syntax error: ")
    assert problems[0].file.endswith("api.yaml")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("- openapi\n- 3.1.0\n", "list", id="list"),
        pytest.param("just some text\n", "str", id="string"),
        pytest.param("42\n", "int", id="number"),
    ],
)
def test_a_top_level_list_or_scalar_is_refused(tmp_path: Path, text: str, kind: str) -> None:
    doc, problems = parse(tmp_path, text)
    assert doc is None
    assert len(problems) == 1
    assert problems[0].message == f"expected a mapping at the top level, got {kind}"
    assert problems[0].line == 1


@pytest.mark.parametrize("text", ["", "# nothing but a comment\n", "\n\n"], ids=["empty", "comment", "blank"])
def test_an_empty_file_is_one_problem(tmp_path: Path, text: str) -> None:
    doc, problems = parse(tmp_path, text)
    assert doc is None
    assert len(problems) == 1
    assert "empty" in problems[0].message
    assert problems[0].line == 1


def test_a_non_utf8_file_is_one_problem_at_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("openapi: 3.1.0\ninfo: {title: Café}\n".encode("latin-1"))
    doc, problems = parse_document(path, "latin1.yaml")
    assert doc is None
    assert len(problems) == 1
    assert problems[0].file.endswith("latin1.yaml")
    assert problems[0].line == 2
    assert problems[0].message == "not UTF-8: byte 0xe9 cannot be decoded"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfopenapi: 3.1.0\ninfo:\n  title: T\n")
    doc, problems = parse_document(path, "bom.yaml")
    assert problems == []
    assert doc is not None and doc.data == {"openapi": "3.1.0", "info": {"title": "T"}}
    assert doc.line_of("/info/title") == 3


def test_yaml_merge_keys_are_refused(tmp_path: Path) -> None:
    _, problems = parse(tmp_path, "base: &base\n  a: 1\nderived:\n  <<: *base\n  b: 2\n")
    assert len(problems) == 1
    assert "merge keys" in problems[0].message and problems[0].line == 4


def test_a_yaml_alias_that_contains_itself_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    _, problems = parse(tmp_path, "openapi: 3.1.0\nloop: &loop [*loop]\n")
    assert [p.message for p in problems] == ["recursive YAML alias"]


def test_values_without_a_json_form_keep_the_text_the_author_wrote(tmp_path: Path) -> None:
    doc = parsed(tmp_path, "openapi: 3.1.0\ndate: 2024-01-31\n")
    assert doc.data["date"] == "2024-01-31"


# -- folders and cross-file references -----------------------------------------------------------


def test_a_folder_is_loaded_in_sorted_order_skipping_hidden_and_non_yaml_files(tmp_path: Path) -> None:
    root = tmp_path / "spec"
    for name in ("m.yaml", "b.yaml", "z.yml", "a.yaml", "sub/c.yaml", ".hidden.yaml", ".git/x.yaml", "notes.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("openapi: 3.1.0\n", encoding="utf-8")

    spec, problems = load_spec(root)

    assert problems == []
    assert [p.relative_to(root.resolve()).as_posix() for p in spec.entries] == [
        "a.yaml",
        "b.yaml",
        "m.yaml",
        "sub/c.yaml",
        "z.yml",
    ]
    assert list(spec.documents) == list(spec.entries)
    assert [d.name for d in spec.documents.values()] == [
        "spec/a.yaml",
        "spec/b.yaml",
        "spec/m.yaml",
        "spec/sub/c.yaml",
        "spec/z.yml",
    ]


def test_a_folder_without_yaml_files_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "README.md").write_text("no spec here", encoding="utf-8")
    spec, problems = load_spec(tmp_path / "spec")
    assert spec.documents == {}
    assert [p.message for p in problems] == ["no .yaml or .yml files found"]


def test_a_single_file_spec_also_loads_the_files_its_cross_file_refs_name(tmp_path: Path) -> None:
    write_spec(
        tmp_path,
        {
            "main.yaml": """
            openapi: 3.1.0
            components:
              schemas:
                Shared: {$ref: "lib/common.yaml#/components/schemas/Shared"}
            """,
            "unrelated.yaml": "openapi: 3.1.0\n",
        },
    )
    write_spec(
        tmp_path / "lib",
        {
            "common.yaml": """
            openapi: 3.1.0
            components:
              schemas:
                Shared: {$ref: "more.yaml#/Thing"}
            """,
            "more.yaml": "openapi: 3.1.0\nThing: {type: string}\n",
        },
    )

    spec, problems = load_spec(tmp_path / "main.yaml")

    assert problems == []
    main = (tmp_path / "main.yaml").resolve()
    assert spec.entries == (main,)
    assert set(spec.documents) == {
        main,
        (tmp_path / "lib/common.yaml").resolve(),
        (tmp_path / "lib/more.yaml").resolve(),
    }
    assert spec.documents[(tmp_path / "lib/more.yaml").resolve()].data["Thing"] == {"type": "string"}
    assert spec.documents[main].name == "main.yaml"
    assert spec.documents[(tmp_path / "lib/common.yaml").resolve()].name == "lib/common.yaml"


def test_a_file_outside_the_folder_reached_by_a_ref_is_a_library_not_an_entry(tmp_path: Path) -> None:
    write_spec(tmp_path / "spec", {"api.yaml": "openapi: 3.1.0\nx: {$ref: '../shared/lib.yaml#/y'}\n"})
    write_spec(tmp_path / "shared", {"lib.yaml": "openapi: 3.1.0\ny: {type: string}\n"})

    spec, problems = load_spec(tmp_path / "spec")

    assert problems == []
    assert [p.name for p in spec.entries] == ["api.yaml"]
    assert sorted(p.name for p in spec.documents) == ["api.yaml", "lib.yaml"]


def test_refs_to_missing_files_and_remote_urls_are_not_loaded_and_not_load_problems(tmp_path: Path) -> None:
    write_spec(
        tmp_path,
        {"api.yaml": """
            openapi: 3.1.0
            a: {$ref: "missing.yaml#/x"}
            b: {$ref: "https://example.com/remote.yaml#/x"}
            """},
    )
    spec, problems = load_spec(tmp_path / "api.yaml")
    assert problems == []  # check_refs reports these, with their lines
    assert list(spec.documents) == [(tmp_path / "api.yaml").resolve()]


def test_problems_of_every_file_are_reported_in_one_run(tmp_path: Path) -> None:
    write_spec(
        tmp_path / "spec",
        {
            "a.yaml": "openapi: 3.1.0\ninfo:\n  title: a: b\n",
            "b.yaml": "openapi: 3.1.0\nopenapi: 3.1.0\n",
            "c.yaml": "openapi: 3.1.0\n",
        },
    )
    spec, problems = load_spec(tmp_path / "spec")
    assert sorted((Path(p.file).name, p.line) for p in problems) == [("a.yaml", 3), ("b.yaml", 2)]
    assert sorted(p.name for p in spec.entries) == ["b.yaml", "c.yaml"]
