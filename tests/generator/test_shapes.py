"""The vendor's data shapes: each written as spec/README.md says, each with its vendor example.

`tests/shapes/` holds one method file per group of shapes, their examples taken from the vendor's
pages (or, where the page is not in the reference, constructed after it and labelled so). The
folder is generated once into a package of its own name (`shapes_client`), which must be
lint-clean, `mypy --strict` clean and pass its own generated tests; the tests here then use it as
a downstream team would.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from generator.config import Config
from generator.pipeline import generate
from generator.write import update_folder
from tests.generator.test_model import SUCCESS, built, refused, spec_file
from tests.support import SPEC_DIR

SHAPES = Path(__file__).parent.parent / "shapes"
PACKAGE = "shapes_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, config: Config) -> Path:
    out = tmp_path_factory.mktemp("shapes") / "generated"
    renamed = dataclasses.replace(config, package=PACKAGE, distribution="shapes-client")
    update_folder(out, generate(SHAPES, renamed), force=True)
    return out


@pytest.fixture(scope="module")
def pkg(generated: Path) -> Iterator[ModuleType]:
    src = str(generated / "client" / "src")
    sys.path.insert(0, src)
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(src)
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def example(spec: str, name: str, *, request: bool = False) -> Any:
    """The named example of a shapes spec's request or 200 response, as the spec file has it."""
    document = yaml.safe_load((SHAPES / spec).read_text(encoding="utf-8"))
    (operation,) = (item["post"] for item in document["paths"].values())
    media = operation["requestBody" if request else "responses"]
    media = media["content"] if request else media["200"]["content"]
    return media["application/json"]["examples"][name]["value"]


class Portal:
    """A MockTransport portal answering one JSON body; keeps what it was sent."""

    def __init__(self, body: Any) -> None:
        self.body = body
        self.sent: list[dict[str, Any]] = []
        self.urls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(json.loads(request.content))
        self.urls.append(str(request.url))
        return httpx.Response(200, json=self.body)

    def client(self, pkg: ModuleType) -> Any:
        return pkg.Client(
            "example.bitrix24.com",
            access_token="token",
            transport=httpx.MockTransport(self),
            max_retries=0,
            rate_limit=None,
        )


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False, env=env)


# -- the package as a whole -------------------------------------------------------------------------


def test_the_shapes_package_is_lint_clean_type_checks_and_passes_its_own_generated_tests(
    generated: Path, tmp_path: Path
) -> None:
    client = generated / "client"
    linted = run(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=client)
    assert linted.returncode == 0, linted.stdout
    checked = run(sys.executable, "-m", "mypy", "--strict", "--cache-dir", "/dev/null", "src", cwd=client)
    assert checked.returncode == 0, checked.stdout[-3000:]
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    tests = generated / "tests"
    env = {**os.environ, "PYTHONPATH": str(client / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    tested = run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "pytest.ini",
        "--confcutdir", str(tests), str(tests), cwd=tmp_path, env=env,
    )  # fmt: skip
    assert tested.returncode == 0, tested.stdout[-3000:]
    assert " passed" in tested.stdout and "failed" not in tested.stdout


@pytest.mark.parametrize(
    ("spec", "response_model"),
    [
        ("imopenlines.config.list.get.yaml", "ImopenlinesConfigListGetResponse"),
        ("batch.yaml", "BatchResponse"),
        ("imconnector.unregister.yaml", "ImconnectorUnregisterResponse"),
        ("crm.item.get.yaml", "CrmItemGetResponse"),
        ("crm.item.add.yaml", "CrmItemAddResponse"),
    ],
)
def test_every_vendor_example_reads_and_gives_back_exactly_its_json(pkg: ModuleType, spec: str, response_model: str) -> None:
    document = yaml.safe_load((SHAPES / spec).read_text(encoding="utf-8"))
    (operation,) = (item["post"] for item in document["paths"].values())
    model = getattr(pkg.models, response_model)
    for name, item in operation["responses"]["200"]["content"]["application/json"]["examples"].items():
        if "error" in json.dumps(item["value"]) and name.isupper():
            continue  # an error inside HTTP 200 raises (shape 9), it is not read as a result
        assert model.from_dict(item["value"]).to_dict() == item["value"], name


# -- 1. nulls -------------------------------------------------------------------------------------


def test_a_null_the_portal_sends_is_kept_and_told_apart_from_an_absent_property(pkg: ModuleType) -> None:
    page = example("imopenlines.config.list.get.yaml", "page_example")
    lines = pkg.models.ImopenlinesConfigListGetResponse.from_dict(page).result
    anna = lines[0].queue_users_fields.pattern_fields["205"]

    assert anna.user_work_position is None and anna.has("user_work_position")
    assert anna.user_avatar_id is None and anna.has("user_avatar_id")
    assert anna.to_dict() == {"USER_NAME": "Anna Johnson", "USER_WORK_POSITION": None, "USER_AVATAR": "", "USER_AVATAR_ID": None}
    absent = pkg.models.QueueUser.from_dict({"USER_NAME": "Anna Johnson"})
    assert absent.user_work_position is None and not absent.has("user_work_position")
    assert "USER_WORK_POSITION" not in absent.to_dict()


# -- 2. Y/N booleans ------------------------------------------------------------------------------


def test_a_y_n_field_is_a_python_bool_read_from_y_and_written_back_as_y(pkg: ModuleType) -> None:
    page = example("imopenlines.config.list.get.yaml", "page_example")
    line = pkg.models.ImopenlinesConfigListGetResponse.from_dict(page).result[0]

    assert line.active is True
    assert pkg.models.OpenLine.from_dict({"ACTIVE": "N"}).active is False
    assert pkg.models.OpenLine(active=False).to_dict() == {"ACTIVE": "N"}
    assert pkg.models.OpenLine.from_dict({"ACTIVE": "N"}).to_dict() == {"ACTIVE": "N"}


def test_a_y_n_argument_given_as_bool_is_sent_as_y_or_n(pkg: ModuleType) -> None:
    portal = Portal(example("imopenlines.config.list.get.yaml", "page_example"))
    with portal.client(pkg) as client:
        client.imopenlines.config_list_get(options={"QUEUE": True, "CONFIG_QUEUE": False})
        client.imopenlines.config_list_get(options=pkg.models.ImopenlinesConfigListGetRequestOptions(queue=True))

    assert portal.sent[0]["OPTIONS"] == {"QUEUE": "Y", "CONFIG_QUEUE": "N"}
    assert portal.sent[1]["OPTIONS"] == {"QUEUE": "Y"}


@pytest.mark.parametrize("value", ["X", 5, [True]])
def test_a_y_n_argument_that_is_no_boolean_is_refused_before_any_request(pkg: ModuleType, value: Any) -> None:
    portal = Portal(example("imopenlines.config.list.get.yaml", "page_example"))
    with portal.client(pkg) as client, pytest.raises(pkg.InvalidArgumentError) as raised:
        client.imopenlines.config_list_get(options={"QUEUE": value})

    assert "OPTIONS.QUEUE" in str(raised.value)
    assert portal.sent == []


def test_a_plain_boolean_stays_a_json_boolean(pkg: ModuleType) -> None:
    answer = pkg.models.ImconnectorUnregisterResponse.from_dict(example("imconnector.unregister.yaml", "page_example"))

    assert answer.result.result is True
    assert pkg.models.ImconnectorUnregisterResponseResult(result=True).to_dict() == {"result": True}


# -- 3. numbers as digit strings -------------------------------------------------------------------


def test_an_integer_sent_as_a_digit_string_is_an_int_and_round_trips_as_it_came(pkg: ModuleType) -> None:
    page = example("imopenlines.config.list.get.yaml", "page_example")
    answer = pkg.models.ImopenlinesConfigListGetResponse.from_dict(page)

    assert [line.id for line in answer.result] == [15, 16]
    assert answer.result[0].config_queue[0].entity_id == 10
    assert answer.to_dict()["result"][0]["ID"] == "15"  # a decoded answer keeps the wire form
    assert pkg.models.OpenLine(id=15).to_dict() == {"ID": 15}  # a model made in Python sends a number


# -- 4. PHP's empty array --------------------------------------------------------------------------


def test_php_empty_array_reads_as_an_empty_map_or_record_and_round_trips(pkg: ModuleType) -> None:
    errors_only = example("batch.yaml", "halt_0_errors")
    batch = pkg.models.BatchResponse.from_dict(errors_only).result

    assert batch.result == {} and batch.result_total == {} and batch.result_next == {}
    assert sorted(batch.result_error) == ["get_department", "get_user"]
    assert batch.result_error["get_user"].error == "insufficient_scope"
    no_operators = pkg.models.OpenLine.from_dict({"ID": "17", "QUEUE_USERS_FIELDS": []})
    assert no_operators.queue_users_fields.pattern_fields == {}
    assert pkg.models.QueueUser.from_dict([]).user_name is None
    assert no_operators.to_dict() == {"ID": "17", "QUEUE_USERS_FIELDS": []}


# -- 5. unions -------------------------------------------------------------------------------------


def test_a_union_of_scalars_decodes_by_exact_json_type_first(pkg: ModuleType) -> None:
    request = pkg.models.BatchRequest

    assert request.from_dict({"cmd": [], "halt": 0}).halt == 0
    assert request.from_dict({"cmd": [], "halt": 0}).halt is not False
    assert request.from_dict({"cmd": [], "halt": True}).halt is True
    assert request.from_dict({"cmd": ["user.get?ID=1"]}).cmd == ["user.get?ID=1"]
    assert request.from_dict({"cmd": {"a": "user.get?ID=1"}}).cmd == {"a": "user.get?ID=1"}


def test_a_union_argument_is_checked_against_every_alternative_before_sending(pkg: ModuleType) -> None:
    portal = Portal(example("batch.yaml", "page_example"))
    with portal.client(pkg) as client:
        client.batch(cmd={"get_user": "user.get?ID=1"}, halt=1)
        with pytest.raises(pkg.InvalidArgumentError):
            client.batch(cmd={"get_user": "user.get?ID=1"}, halt=2)
        with pytest.raises(pkg.InvalidArgumentError):
            client.batch(cmd=[f"user.get?ID={n}" for n in range(51)])

    assert portal.sent == [{"auth": "token", "cmd": {"get_user": "user.get?ID=1"}, "halt": 1}]


def test_a_union_of_records_picks_the_record_its_discriminator_names(pkg: ModuleType) -> None:
    deal = pkg.models.CrmItemGetResponse.from_dict(example("crm.item.get.yaml", "page_example")).result.item
    contact = pkg.models.CrmItemGetResponse.from_dict(example("crm.item.get.yaml", "contact")).result.item

    assert type(deal) is pkg.models.CrmDeal and deal.title == "Supply agreement"
    assert type(contact) is pkg.models.CrmContact and contact.last_name == "Doe"


# -- 6. tuples and file arguments ------------------------------------------------------------------


def test_a_prefix_items_array_is_a_typed_tuple(pkg: ModuleType) -> None:
    deal = pkg.models.CrmItemGetResponse.from_dict(example("crm.item.get.yaml", "page_example")).result.item

    assert deal.uf_crm_fields["ufCrm5_1700000000"] == ("contract.pdf", "JVBERi0xLjQK")
    assert deal.uf_crm_fields["ufCrm5_1700000001"] is None


def test_file_argument_builds_the_name_and_base64_pair_from_bytes_or_a_path(pkg: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "contract.pdf").write_bytes(b"%PDF-1.4\n")

    assert pkg.file_argument(b"%PDF-1.4\n", name="contract.pdf") == ("contract.pdf", "JVBERi0xLjQK")
    assert pkg.file_argument(tmp_path / "contract.pdf") == ("contract.pdf", "JVBERi0xLjQK")
    with pytest.raises(pkg.InvalidArgumentError):
        pkg.file_argument(b"%PDF-1.4\n")
    with pytest.raises(pkg.InvalidArgumentError):
        pkg.file_argument(tmp_path / "missing.pdf")


def test_a_file_argument_is_sent_as_the_page_example_and_a_wrong_tuple_is_refused(pkg: ModuleType) -> None:
    page = example("crm.item.add.yaml", "page_example", request=True)
    portal = Portal({"result": {"item": {"id": 15}}})
    fields = pkg.models.CrmItemAddRequestFields(
        title="Supply agreement",
        uf_crm_fields={"ufCrm5_1700000000": pkg.file_argument(b"%PDF-1.4\n", name="contract.pdf")},
    )
    with portal.client(pkg) as client:
        assert client.crm.item_add(entity_type_id=2, fields=fields).result.item.id == 15
        with pytest.raises(pkg.InvalidArgumentError):
            client.crm.item_add(entity_type_id=2, fields={"ufCrm5_1": ["contract.pdf", "JVBERi0xLjQK", "extra"]})

    assert portal.sent == [{"auth": "token", **page}]


# -- 7. dynamically named fields --------------------------------------------------------------------


def test_pattern_properties_are_typed_by_pattern_and_kept_on_the_model(pkg: ModuleType) -> None:
    page = example("imopenlines.config.list.get.yaml", "page_example")
    users = pkg.models.ImopenlinesConfigListGetResponse.from_dict(page).result[0].queue_users_fields

    assert sorted(users.pattern_fields) == ["101", "205"]
    assert all(type(user) is pkg.models.QueueUser for user in users.pattern_fields.values())
    assert users.pattern_fields["101"].user_avatar_id == 312
    assert users.extra_fields == {}
    made = pkg.models.CrmItemAddRequestFields(uf_crm_fields={"ufCrm5_1": ("a.pdf", "")})
    assert made.to_dict() == {"ufCrm5_1": ["a.pdf", ""]}


# -- 8. methods without a dot ----------------------------------------------------------------------


def test_a_method_without_a_dot_is_called_on_the_client_itself(pkg: ModuleType) -> None:
    page = example("batch.yaml", "page_example")
    portal = Portal(page)
    with portal.client(pkg) as client:
        answer = client.batch(**example("batch.yaml", "page_example", request=True))

    assert portal.urls == ["https://example.bitrix24.com/rest/batch"]
    assert answer.result.result["get_department"] == [{"ID": "1", "NAME": "DEMO", "SORT": 500}]
    assert answer.result.result_total == {"get_department": 1}


# -- list methods ---------------------------------------------------------------------------------


class Pages:
    """A MockTransport portal answering `crm.item.list` with `size` items per page of `total`."""

    def __init__(self, total: int, size: int = 2) -> None:
        self.total, self.size = total, size
        self.starts: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        start = json.loads(request.content).get("start", 0)
        self.starts.append(start)
        items = [{"id": n, "title": f"Item {n}"} for n in range(start + 1, min(start + self.size, self.total) + 1)]
        body: dict[str, Any] = {"result": {"items": items}, "total": self.total}
        if start + self.size < self.total:
            body["next"] = start + self.size
        return httpx.Response(200, json=body)


def test_a_list_method_s_iter_twin_gives_every_typed_item_following_next(pkg: ModuleType) -> None:
    pages = Pages(5)
    client = pkg.Client("example.bitrix24.com", access_token="token", transport=httpx.MockTransport(pages), rate_limit=None)
    with client:
        items = client.crm.item_list_iter(entity_type_id=2, select=["id", "title"])
        assert items.total is None
        listed = list(items)

    assert [item.id for item in listed] == [1, 2, 3, 4, 5]
    assert all(type(item) is pkg.models.CrmListedItem for item in listed)
    assert items.total == 5 and items.pages == 3 and pages.starts == [0, 2, 4]


def test_the_async_iter_twin_gives_the_same_items(pkg: ModuleType) -> None:
    import asyncio

    async def run() -> list[int]:
        transport = httpx.MockTransport(Pages(3))
        async with pkg.AsyncClient("example.bitrix24.com", access_token="t", transport=transport, rate_limit=None) as c:
            return [item.id async for item in c.crm.item_list_iter(entity_type_id=2)]

    assert asyncio.run(run()) == [1, 2, 3]


def test_only_a_list_method_gets_an_iter_twin(pkg: ModuleType) -> None:
    assert hasattr(pkg.Client, "batch") and not hasattr(pkg.Client, "batch_iter")
    assert "item_get_iter" not in dir(pkg.methods.crm.CrmMethods)


# -- 9. errors inside HTTP 200 ---------------------------------------------------------------------


@pytest.mark.parametrize("code", ["APPLICATION_UNREGISTRATION_ERROR", "NO_APPLICATION_ID"])
def test_an_error_inside_http_200_raises_the_code_s_exception(pkg: ModuleType, code: str) -> None:
    body = example("imconnector.unregister.yaml", code)
    with Portal(body).client(pkg) as client, pytest.raises(pkg.errors.ApiError) as raised:
        client.imconnector.unregister(id="my_connector")

    assert raised.value.code == code
    assert raised.value.description == body["result"]["error_description"]
    assert type(raised.value) is pkg.errors.ERRORS_BY_CODE[code]


def test_the_success_answer_of_a_method_with_errors_inside_200_is_its_result(pkg: ModuleType) -> None:
    with Portal(example("imconnector.unregister.yaml", "page_example")).client(pkg) as client:
        assert client.imconnector.unregister(id="my_connector").result.result is True


# -- 10. error classes that do not move ------------------------------------------------------------


def test_documenting_known_codes_at_other_statuses_leaves_every_exception_s_bases_unchanged(
    tmp_path: Path, config: Config
) -> None:
    files = {p.name: p.read_text(encoding="utf-8") for p in SPEC_DIR.glob("*.yaml")}
    before = built(tmp_path / "before", config, files)
    system = {c.code for op in before.operations for c in op.errors if c.system}
    # System codes at 400 (ACCESS_DENIED is an AuthError by common.yaml), and a code only
    # methods document at a status of its own group (NOT_ACTIVE_LINE: 400).
    codes = sorted(system | {"NOT_ACTIVE_LINE"})
    files["imconnector.other.yaml"] = spec_file({"/imconnector.other": {"responses": {"200": SUCCESS, "400": _errors_at(codes)}}})
    after = {c.code: c.bases for c in built(tmp_path / "after", config, files).error_classes}

    assert {"ACCESS_DENIED", "INVALID_CREDENTIALS", "insufficient_scope"} <= system
    assert {c.code: after[c.code] for c in before.error_classes} == {c.code: c.bases for c in before.error_classes}
    assert after["ACCESS_DENIED"] == ("AuthError",)


def test_a_method_only_code_at_a_status_of_another_group_is_refused_with_what_to_do(
    tmp_path: Path, config: Config
) -> None:
    files = {p.name: p.read_text(encoding="utf-8") for p in SPEC_DIR.glob("*.yaml")}
    files["imconnector.other.yaml"] = spec_file(
        {"/imconnector.other": {"responses": {"200": SUCCESS, "400": _errors_at(["WRONG_AUTH_TYPE"])}}}
    )
    problems = refused(tmp_path, config, files)

    assert [p.file.rsplit("/", 1)[-1] for p in problems] == ["imconnector.other.yaml"]
    assert "'WRONG_AUTH_TYPE' is documented here at 400 (BadRequestError)" in problems[0].message
    assert "(AuthError)" in problems[0].message and "common.yaml#/components/examples" in problems[0].message


def _errors_at(codes: list[str]) -> dict[str, Any]:
    examples = {code: {"value": {"error": code, "error_description": "documented here"}} for code in codes}
    return {"description": "Rejected.", "content": {"application/json": {"examples": examples}}}


# -- 11. request rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"order": {"ID": "UP"}}, {"limit": 201}, {"offset": -1}, {"select": "ID"}],
    ids=["order-value", "limit-maximum", "offset-minimum", "select-type"],
)
def test_a_request_that_breaks_the_page_s_rules_is_refused_before_any_request(pkg: ModuleType, params: dict[str, Any]) -> None:
    portal = Portal(example("imopenlines.config.list.get.yaml", "page_example"))
    with portal.client(pkg) as client, pytest.raises(pkg.InvalidArgumentError):
        client.imopenlines.config_list_get(params=params)

    assert portal.sent == []


def test_the_page_s_own_request_passes_the_rules_and_is_sent_as_written(pkg: ModuleType) -> None:
    page = example("imopenlines.config.list.get.yaml", "page_example", request=True)
    portal = Portal(example("imopenlines.config.list.get.yaml", "page_example"))
    with portal.client(pkg) as client:
        client.imopenlines.config_list_get(params=page["PARAMS"], options={"QUEUE": True})

    assert portal.sent == [{"auth": "token", **page}]
