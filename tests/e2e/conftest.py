"""The `portal` fixture: a running fake HTTPS portal (a test module may define its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.fake_portal import FakePortal
from tests.e2e.portal_clients import started_portal


@pytest.fixture
def portal() -> Iterator[FakePortal]:
    with started_portal() as started:
        yield started
