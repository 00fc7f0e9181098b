"""A plain OpenAPI spec of an RPC-style POST method, with no x- extensions, still gives a working
client, docs and passing tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import run_generator, write_spec

PLAIN_SPEC = """
openapi: 3.0.3
info: {title: crm.deal.get, version: "1"}
servers: [{url: "https://example.bitrix24.com/rest"}]
paths:
  /crm.deal.get:
    post:
      operationId: getDeal
      summary: Get a deal
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [id]
              properties:
                id: {type: integer, minimum: 1, description: Deal ID.}
      responses:
        "200":
          description: The deal.
          content:
            application/json:
              schema:
                type: object
                required: [result]
                properties:
                  result:
                    type: object
                    properties:
                      ID: {type: string}
                      TITLE: {type: string, nullable: true}
        "400":
          description: Rejected.
          content:
            application/json:
              schema:
                type: object
                properties:
                  error: {type: string, enum: [ERROR_NOT_FOUND, ACCESS_DENIED]}
                  error_description: {type: string}
"""

SECOND_METHOD = """
openapi: 3.1.0
info: {title: crm.deal.delete, version: "1"}
paths:
  /crm.deal.delete:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [id], properties: {id: {type: integer}}}
      responses:
        "200":
          description: Deleted.
          content:
            application/json:
              schema: {type: object, properties: {result: {type: boolean}}}
"""

CALL_IT = """
import httpx
from bitrix24_rest import Client, errors

def answer(request):
    if request.url.path.endswith("/crm.deal.delete"):
        return httpx.Response(200, json={"result": True})
    if b'"id":404' in request.content.replace(b" ", b""):
        return httpx.Response(400, json={"error": "ERROR_NOT_FOUND", "error_description": "Not found"})
    return httpx.Response(200, json={"result": {"ID": "7", "TITLE": None, "STAGE_ID": "NEW"}})

client = Client("example.bitrix24.com", access_token="t", transport=httpx.MockTransport(answer))
deal = client.crm.deal_get(id=7)
assert deal.result.id == "7" and deal.result.title is None
assert deal.result.extra_fields == {"STAGE_ID": "NEW"}
try:
    client.crm.deal_get(id=404)
except errors.NotFoundError as exc:
    assert exc.code == "ERROR_NOT_FOUND" and isinstance(exc, errors.BadRequestError)
else:
    raise AssertionError("no exception")
assert client.crm.deal_delete(id=7).result is True
hook = Client(webhook_url="https://example.bitrix24.com/rest/1/code/", transport=httpx.MockTransport(answer))
assert hook.crm.deal_get(id=7).result.id == "7"
print("ok")
"""


def test_plain_specs_without_extensions_generate_a_working_client(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "spec", {"crm.deal.get.yaml": PLAIN_SPEC, "crm.deal.delete.yaml": SECOND_METHOD})
    out = tmp_path / "out"
    run = run_generator("--spec", spec, "--out", out)
    assert run.code == 0, run.stderr

    env = {**os.environ, "PYTHONPATH": str(out / "client" / "src")}
    called = subprocess.run([sys.executable, "-c", CALL_IT], env=env, capture_output=True, text=True, check=False)
    assert called.returncode == 0, called.stderr
    assert called.stdout.strip() == "ok"

    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(out / "tests")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert tested.returncode == 0, tested.stdout[-3000:]
    assert " passed" in tested.stdout and " failed" not in tested.stdout
    assert (out / "docs" / "crm.deal.get.md").read_text(encoding="utf-8").count("ERROR_NOT_FOUND") >= 1
