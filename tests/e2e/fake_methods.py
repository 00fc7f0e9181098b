"""The fake portal's methods besides imconnector.delete.messages, from the vendor's pages.

The open-line connector workflow (`imopenlines.config.list.get`, `imconnector.register`,
`.activate`, `.status`, `.send.messages`, `.update.messages`, `.unregister`), `batch`
(`settings/how-to-call-rest-api/batch.md`: up to 50 commands, `halt`, `$result[name]`
references, per-command `result_error`), a list method paging by `start`/`next`/`total`
(`crm.item.list`, `list-methods-pecularities.md`), and `user.current`, a method no spec in
spec/ describes. Each handler runs with the portal's lock held and answers as the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from tests.e2e.fake_portal import FakePortal, _Answer

PAGE_SIZE = 50
MAX_BATCH = 50
REFERENCE = re.compile(r"\$result\[([^\]]+)\]((?:\[[^\]]*\])*)")
NOT_IN_BATCH = frozenset({"batch"})


@dataclass
class FamilyState:
    """What the connector family's methods remember, beside the portal's lines and messages."""

    connectors: dict[str, str] = field(default_factory=dict)
    """Registered connectors: ID -> NAME."""
    line_names: dict[int, str] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    """The CRM items `crm.item.list` pages through."""


Handler = Callable[["FakePortal", dict[str, Any], float], "_Answer"]


def handler_for(method: str) -> Handler | None:
    """The handler of a REST method, None for a method the fake portal does not know."""
    return HANDLERS.get(method)


def _answers() -> Any:
    from tests.e2e import fake_portal

    return fake_portal


def ok(portal: FakePortal, result: Any, arrived: float, **envelope: Any) -> _Answer:
    """HTTP 200 with `result` and the time block (and `total`/`next` when given)."""
    fp = _answers()
    return fp._json_answer(200, {"result": result, **envelope, "time": portal._time_block(arrived)})


def _error(status: int, code: str, description: str | None = None) -> _Answer:
    return _answers()._error_answer(status, code, description)


def _line(params: dict[str, Any]) -> int | None:
    return _answers()._as_line_id(params.get("LINE"))


def config_list_get(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    lines = sorted({line for _, line in portal._open_lines} | set(portal.family.line_names))
    result = [
        {
            "ID": str(line),
            "LINE_NAME": portal.family.line_names.get(line, f"Line {line}"),
            "ACTIVE": "Y" if any(line == open_line for _, open_line in portal._open_lines) else "N",
        }
        for line in lines
    ]
    return ok(portal, result, arrived)


def register(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    connector, name = params.get("ID"), params.get("NAME")
    if not connector or not isinstance(connector, str):
        return ok(portal, {"result": False, "error": "CONNECTOR_ID_REQUIRED", "error_description": "Connector ID is not specified"}, arrived)
    if "." in connector:
        return ok(portal, {"result": False, "error": "APPLICATION_REGISTRATION_ERROR_POINT", "error_description": "Application registration error. Using a dot in the connector identifier is not allowed"}, arrived)
    portal.family.connectors[connector.lower()] = str(name or connector)
    return ok(portal, {"result": True}, arrived)


def unregister(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    connector = str(params.get("ID") or "").lower()
    if portal.family.connectors.pop(connector, None) is None:
        return ok(portal, {"result": False, "error": "APPLICATION_UNREGISTRATION_ERROR", "error_description": "Error unregistering the application"}, arrived)
    return ok(portal, {"result": True}, arrived)


def activate(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    connector, line = str(params.get("CONNECTOR") or ""), _line(params)
    if not connector or line is None:
        return _error(400, "ERROR_ARGUMENT", "Argument 'CONNECTOR' is null or empty")
    if connector not in portal.family.connectors:
        return _error(400, "IMCONNECTOR_NO_CORRECT_PROVIDER")
    active = str(params.get("ACTIVE") or "") not in ("", "0")
    if active:
        portal._open_lines.add((connector, line))
    else:
        portal._open_lines.discard((connector, line))
    return ok(portal, True, arrived)


def status(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    connector, line = str(params.get("CONNECTOR") or ""), _line(params) or 0
    active = (connector, line) in portal._open_lines
    result = {"LINE": line, "CONNECTOR": connector, "ERROR": False, "CONFIGURED": active, "STATUS": active}
    return ok(portal, result, arrived)


def send_messages(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    return _messages(portal, params, arrived, create=True)


def update_messages(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    return _messages(portal, params, arrived, create=False)


def _messages(portal: FakePortal, params: dict[str, Any], arrived: float, *, create: bool) -> _Answer:
    fp = _answers()
    connector, line, messages = str(params.get("CONNECTOR") or ""), _line(params), params.get("MESSAGES")
    if fp._is_null_or_empty(messages):
        return _error(400, "ERROR_ARGUMENT", "Argument 'MESSAGES' is null or empty")
    if line is None or (connector, line) not in portal._open_lines:
        return _error(400, "NOT_ACTIVE_LINE")
    results = []
    for item in fp._as_items(messages):
        user, chat, message = fp._block_id(item, "user"), fp._block_id(item, "chat"), fp._block_id(item, "message")
        entry: dict[str, Any] = {
            "user": portal._internal_user_id_locked(connector, user or "0"),
            "message": _message_echo(fp._block_echo(item, "message")),
            "chat": fp._block_echo(item, "chat"),
        }
        key = fp.MessageKey(connector, line, chat or "", message or "")
        if chat is None or message is None or (not create and key not in portal._messages):
            entry.update(SUCCESS=False, ERRORS=[fp.MESSAGE_NOT_FOUND if not create else "Message could not be processed"])
        else:
            portal._messages[key] = user or "0"
            entry["SUCCESS"] = True
        results.append(entry)
    return ok(portal, {"SUCCESS": True, "DATA": {"RESULT": results}}, arrived)


def connector_list(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    return ok(portal, dict(portal.family.connectors) or [], arrived)


def connector_data_set(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    connector, line = str(params.get("CONNECTOR") or ""), _line(params)
    if not connector or line is None:
        return _error(400, "ERROR_ARGUMENT", "Argument 'CONNECTOR' is null or empty")
    return ok(portal, True, arrived)


def chat_name_set(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    if not params.get("CHAT_ID") or not params.get("NAME"):
        return _error(400, "ERROR_ARGUMENT", "Argument 'CHAT_ID' is null or empty")
    return ok(portal, {"SUCCESS": True, "DATA": {"RESULT": {}}}, arrived)


def send_status(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    if _answers()._is_null_or_empty(params.get("MESSAGES")):
        return _error(400, "ERROR_ARGUMENT", "Argument 'MESSAGES' is null or empty")
    return ok(portal, {"SUCCESS": True, "DATA": []}, arrived)


def config_get(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    line = _answers()._as_line_id(params.get("CONFIG_ID"))
    if line is None:
        return _error(400, "CONFIG_ID_EMPTY", "Open line ID is not specified")
    active = any(line == open_line for _, open_line in portal._open_lines)
    name = portal.family.line_names.get(line, f"Line {line}")
    return ok(portal, {"ID": str(line), "ACTIVE": "Y" if active else "N", "LINE_NAME": name}, arrived)


def _message_echo(message: dict[str, Any]) -> dict[str, Any]:
    """The message as the answer echoes it: its `date` comes back as an (empty) object, as the pages show."""
    return {**message, "date": {}} if "date" in message else message


def item_list(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    """`crm.item.list`: 50 items from `start`; `start = -1` skips counting `total` (huge-data.md)."""
    start_value = params.get("START", 0)
    try:
        start = int(start_value)
    except (TypeError, ValueError):
        start = 0
    items = portal.family.items
    if start < 0:
        return ok(portal, {"items": items[:PAGE_SIZE]}, arrived)
    page = items[start : start + PAGE_SIZE]
    envelope: dict[str, Any] = {"total": len(items)}
    if start + PAGE_SIZE < len(items):
        envelope["next"] = start + PAGE_SIZE
    return ok(portal, {"items": page}, arrived, **envelope)


USERS = ({"ID": "1", "NAME": "John", "LAST_NAME": "Doe", "ACTIVE": True},)


def user_current(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    return ok(portal, USERS[0], arrived)


def user_get(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    wanted = str(params.get("ID") or "")
    found = [user for user in USERS if not wanted or user["ID"] == wanted]
    return ok(portal, found, arrived, total=len(found))


def batch(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    """`batch`: each command answered as its own call would be, errors collected by name."""
    import json

    fp = _answers()
    commands = params.get("CMD")
    if isinstance(commands, list):
        commands = {str(i): c for i, c in enumerate(commands)}
    if not isinstance(commands, dict) or not commands:
        return _error(400, "ERROR_ARGUMENT", "Argument 'cmd' is null or empty")
    if len(commands) > MAX_BATCH:
        return _error(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")
    halt = str(params.get("HALT", 0)).lower() in ("1", "true", "y")
    results: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    totals: dict[str, Any] = {}
    nexts: dict[str, Any] = {}
    times: dict[str, Any] = {}
    for name, command in commands.items():
        method, _, query = str(command).partition("?")
        method = method.strip().lower()
        sub = fp._parse_php_style_pairs(parse_qsl(_substitute(query, results), keep_blank_values=True))
        sub = {str(k).upper(): v for k, v in sub.items()}
        if method in NOT_IN_BATCH:
            errors[name] = {"error": "ERROR_BATCH_METHOD_NOT_ALLOWED", "error_description": "Method is not allowed for batch usage"}
        elif (handler := handler_for(method)) is None:
            errors[name] = {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}
        else:
            answer = json.loads(handler(portal, sub, arrived).body)
            if "error" in answer:
                errors[name] = {"error": answer["error"], "error_description": answer.get("error_description", "")}
            else:
                results[name] = answer.get("result")
                times[name] = answer.get("time")
                if "total" in answer:
                    totals[name] = answer["total"]
                if "next" in answer:
                    nexts[name] = answer["next"]
        if halt and errors:
            break
    result = {
        "result": results or [],
        "result_error": errors or [],
        "result_total": totals or [],
        "result_next": nexts or [],
        "result_time": times or [],
    }
    return ok(portal, result, arrived)


def _substitute(query: str, results: dict[str, Any]) -> str:
    """`$result[name][key]...` in a command replaced by that earlier result's value."""

    def value(match: re.Match[str]) -> str:
        node: Any = results.get(match.group(1))
        for key in re.findall(r"\[([^\]]*)\]", match.group(2)):
            if isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            elif isinstance(node, dict):
                node = node.get(key)
            else:
                node = None
        return "" if node is None or isinstance(node, (dict, list)) else str(node)

    return REFERENCE.sub(value, query)


def delete_messages(portal: FakePortal, params: dict[str, Any], arrived: float) -> _Answer:
    return portal._delete_messages_locked(params, arrived)


HANDLERS: dict[str, Handler] = {
    "imconnector.delete.messages": delete_messages,
    "imopenlines.config.list.get": config_list_get,
    "imconnector.register": register,
    "imconnector.unregister": unregister,
    "imconnector.activate": activate,
    "imconnector.status": status,
    "imconnector.send.messages": send_messages,
    "imconnector.update.messages": update_messages,
    "imconnector.list": connector_list,
    "imconnector.connector.data.set": connector_data_set,
    "imconnector.chat.name.set": chat_name_set,
    "imconnector.send.status.delivery": send_status,
    "imconnector.send.status.reading": send_status,
    "imopenlines.config.get": config_get,
    "crm.item.list": item_list,
    "user.current": user_current,
    "user.get": user_get,
    "batch": batch,
}
