"""`tokens`: a file token store, and the primitives that await (or refuse) async callbacks."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from client_runtime.auth import TokenPair
from client_runtime.concurrency import async_resolve, resolve
from client_runtime.errors import ConfigurationError
from client_runtime.tokens import FileTokenStore, TokenStore


def test_a_saved_pair_loads_back_whole_and_only_its_owner_may_read_it(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "state" / "tokens.json")
    pair = TokenPair("access-token-1", "refresh-token-1", 1700000000.0, {"member_id": "m"})

    store.save(pair)

    assert store.load() == pair
    assert (store.path.stat().st_mode & 0o777) == 0o600
    assert isinstance(store, TokenStore)


@pytest.mark.parametrize("content", ["", "{", "[]", '{"access_token": ""}', '{"refresh_token": "r"}'])
def test_a_missing_or_damaged_file_holds_no_pair(tmp_path: Path, content: str) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    assert store.load() is None
    store.path.write_text(content, encoding="utf-8")
    assert store.load() is None


def test_saving_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    for n in range(3):
        store.save(TokenPair(f"access-{n}-xyz", f"refresh-{n}-xyz"))

    assert sorted(os.listdir(tmp_path)) == ["tokens.json"]


def test_the_lock_can_be_taken_again_after_it_is_let_go(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    with store.lock():
        pass
    with store.lock():
        store.save(TokenPair("access-token-2", "refresh-token-2"))
    assert store.load() is not None


def test_an_async_callback_is_awaited_by_the_async_client_and_refused_by_the_sync_one() -> None:
    seen: list[str] = []

    async def callback() -> str:
        seen.append("ran")
        return "done"

    assert asyncio.run(async_resolve(callback())) == "done" and seen == ["ran"]
    assert asyncio.run(async_resolve("plain")) == "plain"
    with pytest.raises(ConfigurationError, match="AsyncClient"):
        resolve(callback())
    assert seen == ["ran"]
