"""A method's first request example as code a user would write: a Python call, a curl command."""

from __future__ import annotations

import json

from generator.model.ir import Example, Field, JsonValue, Operation

EXAMPLE_PORTAL = "example.bitrix24.com"


def python_arguments(op: Operation, example: Example) -> list[str]:
    """The example's arguments as Python passes them (`line=107`), in the method's order."""
    sent = example.value if isinstance(example.value, dict) else {}
    return [f"{f.name}={_python_value(f, sent[f.wire_name])!r}" for f in op.params if f.wire_name in sent]


def call_expression(op: Operation, example: Example, function: str = "", indent: str = "    ") -> str:
    """`client.ns.fn(a=1, ...)` for the example, one argument per line when it has any."""
    path = op.call_path + function
    arguments = python_arguments(op, example)
    if not arguments:
        return f"{path}()"
    return "\n".join([f"{path}(", *(f"{indent}    {a}," for a in arguments), f"{indent})"])


def python_call(op: Operation, package: str, example: Example) -> str:
    """The example's call of the method, as a user writes it."""
    lines = [
        f"from {package} import Client",
        "",
        f'with Client("{EXAMPLE_PORTAL}", access_token="...") as client:',
        f"    result = {call_expression(op, example)}",
    ]
    if op.item_results:
        shown = op.item_results.errors_attribute or op.item_results.success_attribute
        lines += ["    for item in result.failed:", f'        print("not processed:", item.{shown})']
    return "\n".join(lines)


def _python_value(f: Field, value: JsonValue) -> JsonValue:
    """An argument's example value as Python code passes it: a "Y"/"N" boolean as `True`/`False`."""
    if f.type.yn and isinstance(value, str) and value.upper() in ("Y", "N"):
        return value.upper() == "Y"
    return value


def curl_call(op: Operation, example: Example) -> str:
    """The example's request with curl (the access token goes in the body's `auth`)."""
    return "\n".join(
        [
            'curl -X POST -H "Content-Type: application/json" \\',
            f"  https://{EXAMPLE_PORTAL}/rest/{op.method} \\",
            "  -d @- <<'JSON'",
            json.dumps(example.value, indent=2, ensure_ascii=False),
            "JSON",
        ]
    )
