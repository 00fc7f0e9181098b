"""What an integration is built on, against the fake HTTPS portal: any method by name, batch,
list paging, token stores shared by processes, a moved portal, and the connector workflow.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from bitrix24_rest import (
    Client,
    Command,
    CommandNotRunError,
    FileTokenStore,
    InvalidArgumentError,
    PortalMovedError,
    TokenPair,
    errors,
)

from tests.e2e.fake_portal import DEFAULT_CONNECTOR, DEFAULT_LINE, FakePortal
from tests.e2e.portal_clients import CLIENT_ID, CLIENT_SECRET, async_client, client, options
from tests.support import SECRETS_SEEN

# -- any method by name ----------------------------------------------------------------------------


def test_call_reaches_a_method_the_spec_does_not_describe_with_the_client_s_auth(portal: FakePortal) -> None:
    with client(portal) as c:
        answer = c.call("user.current")

    assert answer.result == {"ID": "1", "NAME": "John", "LAST_NAME": "Doe", "ACTIVE": True}
    assert answer.time is not None and "duration" in answer.time
    assert [r.method for r in portal.requests] == ["user.current"]


def test_call_refreshes_an_expired_token_as_typed_methods_do(portal: FakePortal) -> None:
    portal.expire_access_token()
    with client(portal) as c:
        assert c.call("user.current").result["ID"] == "1"

    assert portal.refresh_count == 1


def test_call_maps_a_documented_code_of_a_known_method_to_its_class(portal: FakePortal) -> None:
    portal.close_line(DEFAULT_LINE, DEFAULT_CONNECTOR)
    arguments = {"CONNECTOR": DEFAULT_CONNECTOR, "LINE": DEFAULT_LINE, "MESSAGES": [{"message": {"id": "m"}}]}
    with client(portal) as c, pytest.raises(errors.NotActiveLineError):
        c.call("imconnector.delete.messages", arguments)


def test_call_of_an_unknown_method_raises_the_status_group(portal: FakePortal) -> None:
    with client(portal) as c, pytest.raises(errors.BadRequestError) as raised:
        c.call("no.such.method")

    assert raised.value.code == "ERROR_METHOD_NOT_FOUND" and raised.value.status == 404


def test_call_refuses_what_is_not_a_method_name_before_any_request(portal: FakePortal) -> None:
    with client(portal) as c, pytest.raises(InvalidArgumentError):
        c.call("../oauth/token")

    assert portal.requests == []


def test_async_call_is_the_same(portal: FakePortal) -> None:
    async def run() -> Any:
        async with async_client(portal) as c:
            return await c.call("user.current")

    assert asyncio.run(run()).result["NAME"] == "John"


# -- batch -----------------------------------------------------------------------------------------


def test_a_batch_of_120_commands_is_3_requests_and_one_failure_hides_no_other_result(portal: FakePortal) -> None:
    commands = {f"user{n}": Command.named("user.current") for n in range(120)}
    commands["user60"] = Command.named("no.such.method")
    with client(portal) as c:
        results = c.call_batch(commands)

    assert len(portal.calls_to("batch")) == 3 == results.requests
    assert len(results) == 120
    with pytest.raises(errors.ApiError) as raised:  # a command's error has no HTTP status of its own
        _ = results["user60"].result
    assert raised.value.code == "ERROR_METHOD_NOT_FOUND"
    others = [name for name in commands if name != "user60"]
    assert all(results[name].result.result["ID"] == "1" for name in others)
    assert [o.name for o in results.failed] == ["user60"]


def test_each_batch_request_counts_once_for_the_pacer(portal: FakePortal) -> None:
    from bitrix24_rest import RateLimit

    commands = [Command.named("user.current") for _ in range(100)]
    with client(portal, rate_limit=RateLimit(burst=50, drain_per_second=0.01)) as c:
        results = c.call_batch(commands)
        level = c._settings.pacer._level  # the client's bucket: one slot per request sent

    assert results.requests == 2 and 1.9 < level <= 2.0
    assert all(outcome.ok for outcome in results.values())


def test_typed_commands_give_typed_results_and_references_reach_earlier_results(portal: FakePortal) -> None:
    with client(portal) as c:
        results = c.call_batch(
            {
                "lines": c.imopenlines.config_list_get_command(),
                "status": c.imconnector.status_command(connector=DEFAULT_CONNECTOR, line=DEFAULT_LINE),
                "same_line": Command.named(
                    "imconnector.status", {"CONNECTOR": DEFAULT_CONNECTOR, "LINE": "$result[lines][0][ID]"}
                ),
            }
        )

    assert results["status"].result.result.status is True
    assert results["lines"].result.result[0].id == str(DEFAULT_LINE)  # the page types it string
    assert results["same_line"].result.result["LINE"] == DEFAULT_LINE


def test_a_typed_command_checks_its_arguments_when_made(portal: FakePortal) -> None:
    with client(portal) as c, pytest.raises(InvalidArgumentError):
        c.imconnector.delete_messages_command(connector="", line=DEFAULT_LINE, messages=[])


def test_with_halt_the_commands_after_a_failure_say_they_did_not_run(portal: FakePortal) -> None:
    commands = [Command.named("user.current"), Command.named("no.such.method"), Command.named("user.current")]
    with client(portal) as c:
        results = c.call_batch(commands, halt=True)

    assert results["0"].ok and not results["1"].ok
    with pytest.raises(CommandNotRunError):
        _ = results["2"].result


def test_a_method_the_vendor_forbids_in_batch_is_reported_for_that_command(portal: FakePortal) -> None:
    with client(portal) as c:
        results = c.call_batch({"nested": Command.named("batch", {"cmd": {}}), "me": Command.named("user.current")})

    assert type(results["nested"].error) is errors.BatchMethodNotAllowedError  # the documented code's class
    assert results["me"].ok


def test_a_reference_across_two_requests_is_refused_before_any_request(portal: FakePortal) -> None:
    commands = {f"c{n}": Command.named("user.current") for n in range(51)}
    commands["c50"] = Command.named("user.get", {"ID": "$result[c0][ID]"})
    with client(portal) as c, pytest.raises(InvalidArgumentError):
        c.call_batch(commands)

    assert portal.requests == []


# -- list methods ----------------------------------------------------------------------------------


def test_iterating_a_1000_item_list_follows_next_page_by_page(portal: FakePortal) -> None:
    portal.add_items(1000)
    with client(portal) as c:
        items = c.iter_list("crm.item.list", {"entityTypeId": 2}, items="items")
        ids = [item["id"] for item in items]

    assert ids == list(range(1, 1001))
    assert items.total == 1000 and items.pages == math.ceil(1000 / 50)
    assert len(portal.calls_to("crm.item.list")) == math.ceil(1000 / 50)


def test_list_all_fetches_the_other_pages_in_batches_and_gives_the_same_items(portal: FakePortal) -> None:
    portal.add_items(1000)
    with client(portal) as c:
        fast = c.list_all("crm.item.list", {"entityTypeId": 2}, items="items")
        round_trips = len(portal.requests)
        plain = c.list_all("crm.item.list", {"entityTypeId": 2}, items="items", fast=False)

    assert fast == plain and [item["id"] for item in fast] == list(range(1, 1001))
    assert round_trips == 2  # the first page, then one batch of the other 19
    assert round_trips < math.ceil(1000 / 50)


def test_async_iteration_gives_the_same_items(portal: FakePortal) -> None:
    portal.add_items(120)

    async def run() -> list[Any]:
        async with async_client(portal) as c:
            return [item["id"] async for item in c.iter_list("crm.item.list", items="items")]

    assert asyncio.run(run()) == list(range(1, 121))


# -- tokens ----------------------------------------------------------------------------------------


def test_an_async_token_callback_is_awaited(portal: FakePortal) -> None:
    seen: list[TokenPair] = []

    async def store(pair: TokenPair) -> None:
        await asyncio.sleep(0)
        seen.append(pair)

    async def run() -> None:
        async with async_client(portal, on_token_refresh=store) as c:
            await c.call("user.current")

    portal.expire_access_token()
    asyncio.run(run())
    assert [pair.access_token for pair in seen] == [portal.access_token]


def test_a_client_made_from_a_token_store_starts_with_the_stored_pair(portal: FakePortal, tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(TokenPair(portal.access_token, portal.refresh_token))
    settings = options(portal, token_store=store)
    del settings["access_token"], settings["refresh_token"]
    with Client(portal.url, **settings) as c:
        assert c.call("user.current").result["ID"] == "1"

    assert oct((tmp_path / "tokens.json").stat().st_mode & 0o777) == "0o600"


WORKER = textwrap.dedent(
    f"""
    import json, ssl, sys, time
    from bitrix24_rest import Client, FileTokenStore
    url, token_url, ca, store_path, rounds = sys.argv[1:6]
    context = ssl.create_default_context(cafile=ca)
    with Client(url, token_store=FileTokenStore(store_path), client_id={CLIENT_ID!r},
                client_secret={CLIENT_SECRET!r}, token_url=token_url, verify=context,
                rate_limit=None, max_retries=0) as client:
        for n in range(int(rounds)):
            client.call("user.current")
            time.sleep(0.02)
    print("ok")
    """
)


def test_two_processes_sharing_a_file_token_store_survive_5_expiries_without_invalid_grant(
    portal: FakePortal, tmp_path: Path
) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(TokenPair(portal.access_token, portal.refresh_token))
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    args = [portal.url, portal.token_url, str(portal.ca_pem_path), str(store.path), "60"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    workers = [
        subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(2)
    ]
    expiries = 0
    while expiries < 5 and any(w.poll() is None for w in workers):
        before = len(portal.calls_to("user.current"))
        while len(portal.calls_to("user.current")) < before + 10 and any(w.poll() is None for w in workers):
            time.sleep(0.005)
        portal.expire_access_token()
        expiries += 1
    outputs = [w.communicate(timeout=60) for w in workers]

    assert expiries == 5
    assert [w.returncode for w in workers] == [0, 0], [err.decode()[-2000:] for _, err in outputs]
    token_answers = [r.status for r in portal.calls_to("oauth/token")]
    assert token_answers and all(status == 200 for status in token_answers), token_answers
    assert portal.refresh_count == len(token_answers) == 5  # one refresh per expiry: the other worker read it
    assert json.loads(store.path.read_text())["access_token"] == portal.access_token
    SECRETS_SEEN.update((portal.access_token, portal.refresh_token))


# -- a moved portal --------------------------------------------------------------------------------


def test_a_portal_that_moved_raises_with_its_new_address_and_sends_nothing_there(portal: FakePortal) -> None:
    portal.move_to("new-name.bitrix24.com")
    with client(portal) as c, pytest.raises(PortalMovedError) as raised:
        c.call("user.current")

    assert raised.value.portal == "new-name.bitrix24.com"
    assert raised.value.location == "https://new-name.bitrix24.com/rest/user.current"
    assert len(portal.requests) == 1


# -- the connector workflow ------------------------------------------------------------------------

CONNECTOR = "workflow_connector"
ICON = {"DATA_IMAGE": "data:image/svg+xml,%3Csvg%20xmlns%3D%22http://www.w3.org/2000/svg%22/%3E"}


def message(n: int, text: str) -> dict[str, Any]:
    return {"user": {"id": "ext-user-7"}, "message": {"id": f"wf-{n}", "text": text}, "chat": {"id": "chat-1"}}


def test_the_connector_workflow_runs_end_to_end_through_the_sync_client(portal: FakePortal) -> None:
    portal.family.line_names[200] = "Workflow line"
    with client(portal) as c:
        lines = c.imopenlines.config_list_get().result
        line = int(next(item.id for item in lines if item.line_name == "Workflow line"))
        every_line = [item["ID"] for item in c.iter_list("imopenlines.config.list.get")]  # untyped, paged
        assert str(line) in every_line
        assert c.imconnector.register(
            id=CONNECTOR, name="Workflow", icon=ICON, placement_handler="https://example.com/h"
        ).result.result
        assert c.imconnector.activate(connector=CONNECTOR, line=line, active="1").result is True
        sent = c.imconnector.send_messages(
            connector=CONNECTOR, line=line, messages=[message(n, "hi") for n in range(60)]
        )
        assert sent.all_succeeded and len(sent.items) == 60
        updated = c.imconnector.update_messages(connector=CONNECTOR, line=line, messages=[message(0, "edited")])
        assert updated.all_succeeded
        status = c.call_batch({"status": c.imconnector.status_command(connector=CONNECTOR, line=line)})
        assert status["status"].result.result.status is True
        deleted = c.imconnector.delete_messages(
            connector=CONNECTOR, line=line, messages=[message(n, "") for n in range(60)]
        )
        assert deleted.all_succeeded and not portal.messages
        assert c.imconnector.unregister(id=CONNECTOR).result.result is True
        with pytest.raises(errors.ApplicationUnregistrationError):
            c.imconnector.unregister(id=CONNECTOR)


def test_the_connector_workflow_runs_end_to_end_through_the_async_client(portal: FakePortal) -> None:
    async def run() -> None:
        async with async_client(portal) as c:
            lines = (await c.imopenlines.config_list_get()).result
            line = int(lines[0].id)
            assert str(line) in [item["ID"] for item in await c.list_all("imopenlines.config.list.get")]
            await c.imconnector.register(
                id=CONNECTOR, name="Workflow", icon=ICON, placement_handler="https://example.com/h"
            )
            await c.imconnector.activate(connector=CONNECTOR, line=line, active="1")
            sent = await c.imconnector.send_messages(connector=CONNECTOR, line=line, messages=[message(1, "hi")])
            assert sent.all_succeeded
            results = await c.call_batch(
                [
                    c.imconnector.update_messages_command(connector=CONNECTOR, line=line, messages=[message(1, "e")]),
                    c.imconnector.status_command(connector=CONNECTOR, line=line),
                ]
            )
            assert results["0"].result.all_succeeded and results["1"].result.result.configured is True
            deleted = await c.imconnector.delete_messages(connector=CONNECTOR, line=line, messages=[message(1, "")])
            assert deleted.all_succeeded
            assert (await c.imconnector.unregister(id=CONNECTOR)).result.result is True

    asyncio.run(run())
    assert not portal.messages


# -- per-item truth -------------------------------------------------------------------------------
