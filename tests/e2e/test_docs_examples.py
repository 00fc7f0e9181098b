"""Every Python example in the generated docs runs as written, against the fake HTTPS portal.

The examples name `example.bitrix24.com` and placeholder tokens; here `Client` and `AsyncClient`
are bound to the fake portal (its address, CA and tokens), and everything else runs unchanged.
The blocks of one page run in order in one namespace, as a reader would paste them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bitrix24_rest
import pytest
from bitrix24_rest import AsyncClient, Client

from tests.e2e.fake_portal import DEFAULT_CONNECTOR, DEFAULT_LINE, FakePortal
from tests.support import GENERATED_DIR, SECRETS_SEEN

CLIENT_ID, CLIENT_SECRET = "app.docs", "docs-example-secret"
SECRETS_SEEN.add(CLIENT_SECRET)
PAGES = [*sorted((GENERATED_DIR / "docs").glob("*.md")), GENERATED_DIR / "client" / "README.md"]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.fixture
def portal() -> Iterator[FakePortal]:
    with FakePortal(burst=None) as started:
        started.add_line(DEFAULT_LINE, DEFAULT_CONNECTOR)
        started.family.connectors[DEFAULT_CONNECTOR] = "My connector"
        started.add_items(120)
        SECRETS_SEEN.update(started.issue_tokens(CLIENT_ID, CLIENT_SECRET))
        yield started
        SECRETS_SEEN.update((started.access_token, started.refresh_token))
        assert not started.internal_errors


def bound(portal: FakePortal, cls: type[Any]) -> Any:
    """`cls` made for the fake portal whatever address and tokens the example gives."""

    def make(portal_name: str | None = None, **options: Any) -> Any:
        options.update(verify=portal.ssl_context(), token_url=portal.token_url)
        options.pop("token_store", None)
        if options.pop("webhook_url", None) is not None:
            return cls(webhook_url=f"{portal.url}/rest/1/docs-webhook-code/", verify=options["verify"])
        options.update(
            access_token=portal.access_token,
            refresh_token=portal.refresh_token,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
        )
        return cls(portal.url, **options)

    return make


def test_the_docs_have_python_examples_on_every_page() -> None:
    assert all(python_blocks(page) for page in PAGES), [p.name for p in PAGES if not python_blocks(p)]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_python_example_of_a_page_runs_as_written(
    page: Path, portal: FakePortal, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bitrix24_rest, "Client", bound(portal, Client))
    monkeypatch.setattr(bitrix24_rest, "AsyncClient", bound(portal, AsyncClient))
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    for number, block in enumerate(python_blocks(page), start=1):
        code = compile(block, f"{page.name} (python block {number})", "exec")
        exec(code, namespace)  # the examples are this project's own generated docs
    requests = [r.method for r in portal.requests]
    assert requests, "the examples made no request"
    assert all(r.status < 500 for r in portal.requests), [(r.method, r.status) for r in portal.requests]
    assert "failed:" not in capsys.readouterr().out
