"""The index page's code examples, made from the spec's first methods so that each runs as written.

Every block uses a real method with its page's example arguments (the tests run them all
against the fake portal); each is a whole fenced block, safe for Markdown whatever the spec says.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.ir import Api, Operation
from generator.views.calls import EXAMPLE_PORTAL, call_expression
from generator.views.safe import MdBlock


@dataclass(frozen=True)
class IndexExamples:
    """The index's code blocks (None where the spec has no method to show it with)."""

    clients: MdBlock
    pacing: MdBlock
    many_items: MdBlock | None
    raw: MdBlock
    by_name: MdBlock
    batch: MdBlock
    lists: MdBlock
    errors: MdBlock


def index_examples(api: Api, package: str, defaults: dict[str, str]) -> IndexExamples:
    """The index's examples for `api`; `defaults` are the runtime's, as comments show them."""
    first = api.operations[0]
    many = next((op for op in api.operations if op.item_results), None)
    return IndexExamples(
        clients=_block(_clients(package)),
        pacing=_block(_pacing(package, first, defaults)),
        many_items=_block(_many_items(package, many)) if many else None,
        raw=_block(_raw(first)),
        by_name=_block(_by_name()),
        batch=_block(_batch(package, first)),
        lists=_block(_lists()),
        errors=_block(_errors(package, first)),
    )


def _block(code: str) -> MdBlock:
    return MdBlock.fenced(code, "python")


def _call(op: Operation, function: str = "", indent: str = "") -> str:
    return call_expression(op, op.request_examples[0], function, indent)


def _clients(package: str) -> str:
    return f"""from {package} import AsyncClient, Client, FileTokenStore, TokenPair

# Application (OAuth) context: the access token is sent as the `auth` parameter of the JSON
# body, as Bitrix24 expects (not as an Authorization header).
def store(pair: TokenPair) -> None:
    print("save the new pair somewhere safe")


client = Client(
    "{EXAMPLE_PORTAL}",
    access_token="...",
    refresh_token="...",
    client_id="app.xxxxxxxx",
    client_secret="...",
    on_token_refresh=store,  # or an `async def` one with AsyncClient: it is awaited
)

# Several processes sharing one pair that survives restarts: a token store.
shared = Client(
    "{EXAMPLE_PORTAL}",
    token_store=FileTokenStore("tokens.json"),  # or your own object with load() and save(pair)
    client_id="app.xxxxxxxx",
    client_secret="...",
)

# Incoming webhook: only for methods that allow it (see each method's page).
hook = Client(webhook_url="https://{EXAMPLE_PORTAL}/rest/1/<code>/")

async_client = AsyncClient("{EXAMPLE_PORTAL}", access_token="...")  # same options, with await"""


def _pacing(package: str, op: Operation, d: dict[str, str]) -> str:
    return f"""from {package} import ENTERPRISE_PLAN, Client, RetryPolicy

client = Client(
    "{EXAMPLE_PORTAL}",
    access_token="...",
    rate_limit=ENTERPRISE_PLAN,  # default STANDARD_PLAN: burst {d["burst"]}, drain {d["drain"]}/s; None = off
    max_retries=5,  # default {d["max_retries"]}; 0 raises every error at once
    retry_policy=RetryPolicy(backoff_base={d["backoff_base"]}, backoff_max={d["backoff_max"]}, max_rate_limit_wait={d["wait"]}),
    timeout=30.0,  # default: {d["connect"]} s to connect, {d["read"]} s to read
)
result = {_with_timeout(op)}"""


def _with_timeout(op: Operation) -> str:
    call = _call(op)
    if call.endswith("()"):
        return call[:-1] + "timeout=120.0)  # per call"
    return call[:-1] + "    timeout=120.0,  # per call\n)"


def _many_items(package: str, op: Operation) -> str:
    outcomes = op.item_results
    assert outcomes is not None
    shown = outcomes.errors_attribute or outcomes.success_attribute
    return f"""from {package} import errors

result = {_call(op)}
print(len(result.items), "outcomes: one per item given, in input order")
for outcome in result.failed:
    print("not processed:", outcome.{shown})
try:
    result.raise_for_failures()  # the same, as an exception
except errors.ItemsFailedError as exc:
    print(len(exc.failed), "items not processed")"""


def _raw(op: Operation) -> str:
    return f"""raw = {_call(op, "_raw")}
raw.result  # the typed result
raw.status_code, raw.headers, raw.json  # of the last answer
raw.exchanges  # every answer (several when the call was split into chunks)"""


def _by_name() -> str:
    return """answer = client.call("user.current")  # any REST method, also one the spec does not have
print(answer.result, answer.time)  # untyped result; list methods also give .total and .next"""


def _batch(package: str, op: Operation) -> str:
    return f"""from {package} import Command

results = client.call_batch(
    {{
        "typed": {_call(op, "_command", "        ")},  # checked when made
        "me": Command.named("user.current"),
        "by_reference": Command.named("user.get", {{"ID": "$result[me][ID]"}}),
    }},
)
for name, outcome in results.items():
    if outcome.ok:
        print(name, outcome.result)  # typed for typed commands
    else:
        print(name, "failed:", outcome.error)  # reading outcome.result would raise it"""


def _lists() -> str:
    return """items = client.iter_list("crm.item.list", {"entityTypeId": 2}, items="items")
for item in items:  # page after page, one page in memory at a time
    print(item["id"], "of", items.total)

everything = client.list_all("crm.item.list", {"entityTypeId": 2}, items="items")  # in batches"""


def _errors(package: str, op: Operation) -> str:
    return f"""from {package} import errors

try:
    {_call(op, "", "    ")}
except errors.RateLimitError as exc:  # QUERY_LIMIT_EXCEEDED after retries, OPERATION_TIME_LIMIT, ...
    print(exc.code, exc.status, exc.reset_at)
except errors.AuthError as exc:  # expired, wrong or insufficient credentials
    print(exc.code, exc.description)
except errors.PortalMovedError as exc:  # the portal's address changed
    print("make the client again with", exc.portal)
except errors.Bitrix24Error as exc:  # anything else this package raises
    print(exc)"""
