"""A method's first request example as code a user would write: a Python call, a curl command."""

from __future__ import annotations

import json

from generator.model.ir import Example, Field, JsonValue, Operation

EXAMPLE_PORTAL = "example.bitrix24.com"


def python_call(op: Operation, package: str, example: Example) -> str:
    """The example's call of the method, as a user writes it."""
    sent = example.value if isinstance(example.value, dict) else {}
    lines = [
        f"from {package} import Client",
        "",
        f'with Client("{EXAMPLE_PORTAL}", access_token="...") as client:',
        f"    result = {op.call_path}(",
        *(f"        {f.name}={_python_value(f, sent[f.wire_name])!r}," for f in op.params if f.wire_name in sent),
        "    )",
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
