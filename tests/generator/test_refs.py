"""Following `$ref`s within and across spec files, and reporting the ones that cannot be followed."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.loader import SpecSet, load_spec
from generator.problems import Problem
from generator.refs import Location, RefError, RefResolver, check_refs
from tests.support import write_spec


def load(folder: Path, files: dict[str, str]) -> SpecSet:
    """Write `files` into `folder` and load them; the files themselves must parse cleanly."""
    spec, problems = load_spec(write_spec(folder, files))
    assert problems == []
    return spec


def ref_problems(tmp_path: Path, schemas: str) -> list[Problem]:
    """`check_refs` for one file whose `components.schemas` is `schemas` (YAML, 4-space indented)."""
    spec = load(tmp_path / "spec", {"api.yaml": "openapi: 3.1.0\ncomponents:\n  schemas:\n" + schemas})
    return check_refs(spec)


def test_a_local_ref_resolves_to_its_target(tmp_path: Path) -> None:
    spec = load(
        tmp_path,
        {"api.yaml": """
            openapi: 3.1.0
            components:
              schemas:
                Alias: {$ref: "#/components/schemas/Target"}
                Target: {type: string, description: the target}
            """},
    )
    api = (tmp_path / "api.yaml").resolve()
    location, value = RefResolver(spec).resolve(
        Location(api, "/components/schemas/Alias"), {"$ref": "#/components/schemas/Target"}
    )
    assert location == Location(api, "/components/schemas/Target")
    assert value == {"type": "string", "description": "the target"}
    assert check_refs(spec) == []


def test_a_cross_file_ref_resolves_relative_to_the_file_that_holds_it(tmp_path: Path) -> None:
    write_spec(tmp_path / "lib", {"common.yaml": "openapi: 3.1.0\nShared: {$ref: '#/Real'}\nReal: {type: integer}\n"})
    spec = load(tmp_path, {"api.yaml": "openapi: 3.1.0\nUses: {$ref: 'lib/common.yaml#/Shared'}\n"})
    resolver = RefResolver(spec)
    api = (tmp_path / "api.yaml").resolve()

    location, value = resolver.resolve(Location(api, "/Uses"), spec.documents[api].data["Uses"])

    # The second hop ('#/Real') is read in lib/common.yaml, where it is written, not in api.yaml.
    assert location == Location((tmp_path / "lib" / "common.yaml").resolve(), "/Real")
    assert value == {"type": "integer"}
    assert check_refs(spec) == []


def test_a_value_that_is_not_a_ref_resolves_to_itself(tmp_path: Path) -> None:
    spec = load(tmp_path, {"api.yaml": "openapi: 3.1.0\n"})
    here = Location((tmp_path / "api.yaml").resolve(), "/x")
    assert RefResolver(spec).resolve(here, {"type": "string"}) == (here, {"type": "string"})


def test_pointer_tokens_are_unescaped_and_percent_decoded(tmp_path: Path) -> None:
    problems = ref_problems(
        tmp_path,
        """\
    Slash: {$ref: "#/components/schemas/a~1b"}
    Tilde: {$ref: "#/components/schemas/c~0d"}
    Space: {$ref: "#/components/schemas/with%20space"}
    Index: {$ref: "#/components/schemas/List/1"}
    a/b: {type: integer}
    c~d: {type: integer}
    with space: {type: integer}
    List: [{type: string}, {type: integer}]
""",
    )
    assert problems == []


def test_a_ref_to_a_missing_file_is_reported_at_the_line_of_the_ref(tmp_path: Path) -> None:
    problems = ref_problems(
        tmp_path,
        """\
    Fine: {type: string}
    Lost: {$ref: "nowhere.yaml#/components/schemas/X"}
""",
    )
    assert len(problems) == 1
    problem = problems[0]
    assert problem.line == 5
    assert problem.pointer == "/components/schemas/Lost"
    assert "nowhere.yaml" in problem.message and "does not exist" in problem.message
    assert problem.file.endswith("api.yaml")


def test_a_pointer_to_a_missing_key_is_reported_naming_the_key(tmp_path: Path) -> None:
    problems = ref_problems(
        tmp_path,
        """\
    Thing:
      type: object
      properties:
        owner: {$ref: "#/components/schemas/Nobody"}
""",
    )
    assert len(problems) == 1
    assert problems[0].line == 7
    assert problems[0].pointer == "/components/schemas/Thing/properties/owner"
    assert "'Nobody'" in problems[0].message


def test_a_pointer_past_the_end_of_a_list_is_reported(tmp_path: Path) -> None:
    problems = ref_problems(tmp_path, '    List: [1, 2]\n    Bad: {$ref: "#/components/schemas/List/5"}\n')
    assert len(problems) == 1
    assert "'5'" in problems[0].message


def test_a_fragment_that_is_not_a_json_pointer_is_reported(tmp_path: Path) -> None:
    problems = ref_problems(tmp_path, '    Bad: {$ref: "#components/schemas/Bad"}\n')
    assert len(problems) == 1
    assert "not a JSON pointer" in problems[0].message


def test_a_circular_ref_chain_is_refused_with_the_chain_in_the_message(tmp_path: Path) -> None:
    problems = ref_problems(
        tmp_path,
        """\
    A: {$ref: "#/components/schemas/B"}
    B: {$ref: "#/components/schemas/A"}
    User:
      type: object
      properties:
        x: {$ref: "#/components/schemas/A"}
""",
    )
    by_pointer = {p.pointer: p for p in problems}
    assert set(by_pointer) == {
        "/components/schemas/A",
        "/components/schemas/B",
        "/components/schemas/User/properties/x",
    }
    assert by_pointer["/components/schemas/A"].line == 4
    assert by_pointer["/components/schemas/A"].message == (
        "circular $ref chain: #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A"
    )
    assert by_pointer["/components/schemas/User/properties/x"].message.startswith("circular $ref chain: ")


def test_resolving_a_circular_chain_raises_ref_error_instead_of_looping(tmp_path: Path) -> None:
    spec = load(tmp_path, {"api.yaml": "openapi: 3.1.0\nA: {$ref: '#/B'}\nB: {$ref: '#/A'}\n"})
    start = Location((tmp_path / "api.yaml").resolve(), "/start")
    with pytest.raises(RefError, match=r"circular \$ref chain: #/start -> #/A -> #/B -> #/A"):
        RefResolver(spec).resolve(start, {"$ref": "#/A"})


def test_a_ref_to_itself_is_refused(tmp_path: Path) -> None:
    problems = ref_problems(tmp_path, '    Me: {$ref: "#/components/schemas/Me"}\n')
    assert len(problems) == 1
    assert problems[0].message.startswith("circular $ref chain: ")


def test_a_circular_chain_across_files_is_refused(tmp_path: Path) -> None:
    spec = load(
        tmp_path,
        {
            "a.yaml": "openapi: 3.1.0\nA: {$ref: 'b.yaml#/B'}\n",
            "b.yaml": "openapi: 3.1.0\nB: {$ref: 'a.yaml#/A'}\n",
        },
    )
    problems = check_refs(spec)
    assert sorted(Path(p.file).name for p in problems) == ["a.yaml", "b.yaml"]
    # Within one file the chain shows bare pointers; a step into another file names that file.
    messages = sorted(p.message for p in problems)
    assert messages == [
        "circular $ref chain: #/A -> b.yaml#/B -> #/A",
        "circular $ref chain: #/B -> a.yaml#/A -> #/B",
    ]


@pytest.mark.parametrize(
    "ref",
    ["https://example.com/schemas.yaml#/Thing", "http://example.com/schemas.yaml", "file:///etc/schemas.yaml#/X"],
)
def test_a_remote_ref_is_refused(tmp_path: Path, ref: str) -> None:
    problems = ref_problems(tmp_path, f'    Remote: {{$ref: "{ref}"}}\n')
    assert len(problems) == 1
    assert problems[0].message == f"remote $ref '{ref}' is not supported; copy the schema into spec/"
    assert problems[0].line == 4


def test_recursive_schemas_are_not_an_error(tmp_path: Path) -> None:
    problems = ref_problems(
        tmp_path,
        """\
    Node:
      type: object
      properties:
        parent: {$ref: "#/components/schemas/Node"}
        children:
          type: array
          items: {$ref: "#/components/schemas/Node"}
""",
    )
    assert problems == []


def test_every_broken_ref_in_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    spec = load(
        tmp_path,
        {
            "a.yaml": "openapi: 3.1.0\nX: {$ref: '#/nope'}\nY: {$ref: 'gone.yaml'}\n",
            "b.yaml": "openapi: 3.1.0\nZ: {$ref: 'a.yaml#/missing'}\n",
        },
    )
    assert sorted((Path(p.file).name, p.line) for p in check_refs(spec)) == [
        ("a.yaml", 2),
        ("a.yaml", 3),
        ("b.yaml", 2),
    ]


def test_a_ref_inside_example_values_enums_and_consts_is_data_not_a_reference(tmp_path: Path) -> None:
    spec = load(
        tmp_path,
        {
            "api.yaml": """
            openapi: 3.1.0
            components:
              examples:
                Sample: {value: {$ref: "no-such-file.yaml#/x"}}
              schemas:
                Thing:
                  enum: [{$ref: "#/nowhere"}]
                  example: {$ref: "#/nowhere"}
            """,
        },
    )
    assert check_refs(spec) == []
