"""Calls by method name, batches and list methods: what the client offers besides typed methods.

`AsyncBaseClient` derives from `AsyncCalls`; everything here goes through its `_exchange`, so
auth, pacing (one batch request counts once), retries, redaction and exceptions are the typed
methods'. `_async/calls.py` is the source of `_sync/calls.py` (unasync), as for the client.
"""

from __future__ import annotations

import importlib
from collections import abc
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import httpx

from ..calls import CallResult, endpoint_for, read_call_result
from ..core import Endpoint, Exchange, RawResponse, check_context, decode
from ..errors import ApiError, Bitrix24Error
from ..paging import next_start, page_items, page_size

if TYPE_CHECKING:
    from .. import batch as _batch
    from ..settings import CallBudget, ClientSettings

__all__ = ["AsyncCalls", "AsyncListItems"]

T = TypeVar("T")
Timeout = httpx.Timeout | float | None
BATCH_METHOD = "batch"


class AsyncCalls:
    """`call`, `call_batch`, `iter_list` and `list_all`; mixed into the client."""

    _error_classes: ClassVar[Mapping[str, type[ApiError]]] = {}
    """The spec's error classes by lower-cased code; set by the generated subclass."""
    _endpoint_homes: ClassVar[Mapping[str, tuple[str, str]]] = {}
    """Where each method of the spec declares its endpoint: (module, constant), by method name."""
    _settings: ClientSettings

    async def _exchange(
        self, endpoint: Endpoint[Any], body: dict[str, Any], budget: CallBudget
    ) -> Exchange:
        raise NotImplementedError  # the client's own

    async def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: Timeout = None,
        deadline: float | None = None,
    ) -> CallResult:
        """Call any REST method by name, such as ``client.call("crm.deal.list", {"start": 50})``.

        `params` are sent as they are (wire names, JSON values). The answer is untyped: its
        `result`, and `time`, `total`, `next`. A method of the spec keeps its policy (auth
        contexts, whether it may be repeated) and its documented error classes.
        """
        budget = self._settings.budget(timeout, deadline)
        endpoint = endpoint_for(method, self._known_endpoint(method))
        check_context(endpoint, self._settings.connection)
        exchange = await self._exchange(endpoint, dict(params or {}), budget)
        return decode(endpoint, exchange.json, exchange.status_code, exchange.content)

    async def call_batch(
        self,
        commands: Mapping[str, _batch.Command[Any]] | Sequence[_batch.Command[Any]],
        *,
        halt: bool = False,
        timeout: Timeout = None,
        deadline: float | None = None,
    ) -> _batch.BatchResults:
        """Run many commands through `batch`, 50 per request; one outcome per command.

        Commands come from the methods' `*_command` twins (typed, checked when made) or from
        `Command.named("any.method", {...})`. A mapping names them (`$result[name]` refers to
        an earlier command of the same request); a sequence names them "0", "1", ...
        Each outcome's `.result` is the typed result or raises that command's own exception;
        one failed command hides no other. With `halt`, the portal stops at the first error and
        the commands after it say they did not run (later requests are not sent).
        """
        from .. import batch as _batch  # on first use: importing the client stays cheap

        budget = self._settings.budget(timeout, deadline)  # one deadline for all the requests
        named = _batch.named_commands(commands)
        for command in named.values():
            check_context(command.endpoint, self._settings.connection)
        outcomes: dict[str, _batch.CommandOutcome[Any]] = {}
        requests = _batch.plan(named)
        sent = 0
        stopped: Bitrix24Error | None = None
        for request in requests:
            if stopped is not None:
                outcomes.update(_batch.not_run(request))
                continue
            endpoint = Endpoint(
                method=BATCH_METHOD,
                decode=lambda payload: payload,
                request_schema={},
                contexts=("application", "webhook"),
                idempotent=all(c.endpoint.idempotent for c in request.values()),
            )
            sent += 1
            try:
                exchange = await self._exchange(endpoint, _batch.batch_body(request, halt), budget)
                found = _batch.read_outcomes(request, exchange.json, self._error_classes)
            except Bitrix24Error as exc:  # the whole request failed: each command says so
                found = _batch.not_sent(request, exc)
            outcomes.update(found)
            if halt and any(not o.ok for o in found.values()):
                stopped = next(o.error for o in found.values() if o.error is not None)
        return _batch.BatchResults(outcomes, sent)

    def iter_list(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        items: str | None = None,
        timeout: Timeout = None,
    ) -> AsyncListItems[Any]:
        """Every item of a list method, page after page, following `next`.

        ``async for deal in client.iter_list("crm.deal.list", {"select": ["ID"]})``; the
        iterator's `total` is known after the first page. `items` names the key of the list
        inside `result` where a method wraps it (`crm.item.list`: ``"items"``; found by itself
        when `result` has one list). Memory stays flat: one page at a time.
        """
        params = dict(params or {})

        async def fetch(start: Any) -> tuple[list[Any], int | None, int | None]:
            page = await self.call(method, {**params, "start": start}, timeout=timeout)
            return page_items(method, page.result, items), page.total, page.next

        return AsyncListItems(method, params.get("start", 0), fetch)

    def iter_endpoint(
        self,
        endpoint: Endpoint[Any],
        arguments: Mapping[str, Any],
        attributes: Sequence[str],
        *,
        timeout: Timeout = None,
    ) -> AsyncListItems[Any]:
        """Every item of a typed list method: the typed answer's `attributes` on each page.

        The methods' `*_iter` twins call this; `start` follows the answers' `next`.
        """
        arguments = dict(arguments)

        async def fetch(start: Any) -> tuple[list[Any], int | None, int | None]:
            raw = await self.call_endpoint_raw(
                endpoint, {**arguments, "start": start}, timeout=timeout
            )
            found: Any = raw.result
            for attribute in attributes:
                found = getattr(found, attribute, None)
            envelope = read_call_result(raw.json)
            return list(found or ()), envelope.total, envelope.next

        return AsyncListItems(endpoint.method, arguments.get("start", 0), fetch)

    async def call_endpoint_raw(
        self,
        endpoint: Endpoint[T],
        arguments: Mapping[str, Any] | None = None,
        *,
        timeout: Timeout = None,
        deadline: float | None = None,
    ) -> RawResponse[T]:
        raise NotImplementedError  # the client's own

    async def list_all(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        items: str | None = None,
        fast: bool = True,
        timeout: Timeout = None,
    ) -> list[Any]:
        """Every item of a list method, in order, in a list.

        With `fast`, the first page gives `total`, and the other pages are fetched 50 at a
        time in batch requests (`ceil(total / 50 / 50)` requests after the first instead of
        `ceil(total / 50) - 1`); without it, page after page as `iter_list`.
        """
        params = dict(params or {})
        if not fast:
            return [item async for item in self.iter_list(method, params, items=items)]
        first_start = params.get("start", 0)
        first = await self.call(method, {**params, "start": first_start}, timeout=timeout)
        collected = page_items(method, first.result, items)
        start = next_start(method, first_start, first.next)
        if start is None:
            return collected
        size = page_size(first_start, start, len(collected))
        total = first.total if first.total is not None else start
        starts = list(range(start, max(total, start), size))
        from ..batch import Command

        pages = {f"page{s}": Command.named(method, {**params, "start": s}) for s in starts}
        done = await self.call_batch(pages, timeout=timeout)
        last: CallResult | None = None
        for name in pages:
            last = done[name].result
            collected.extend(page_items(method, last.result, items))
        resume = next_start(method, starts[-1], last.next) if last is not None else None
        if resume is not None:  # the list grew meanwhile: the rest page by page
            rest = {**params, "start": resume}
            collected.extend([item async for item in self.iter_list(method, rest, items=items)])
        return collected

    def _known_endpoint(self, method: str) -> Endpoint[Any] | None:
        """The spec's endpoint of `method`, imported on first use; None for another method."""
        home = self._endpoint_homes.get(method)
        if home is None:
            return None
        package = type(self).__module__.rpartition(".")[0]
        found = getattr(importlib.import_module(f"{package}.{home[0]}"), home[1])
        return found if isinstance(found, Endpoint) else None


class AsyncListItems(Generic[T]):
    """The items of a list method, fetched a page at a time as they are iterated."""

    def __init__(self, method: str, start: Any, fetch: Callable[[Any], Any]) -> None:
        """`fetch(start)` gives one page: (its items, `total`, `next`); awaited here."""
        self._method = method
        self._start = start
        self._fetch = fetch
        self.total: int | None = None
        """The list's length as the first page gave it (None before, or if not given)."""
        self.pages = 0
        """How many pages were fetched so far."""

    def __aiter__(self) -> abc.AsyncIterator[T]:
        return self._walk()

    async def _walk(self) -> abc.AsyncIterator[T]:
        start: Any = self._start
        while start is not None:
            page: tuple[list[T], int | None, int | None] = await self._fetch(start)
            items, total, next_value = page
            self.pages += 1
            if self.total is None:
                self.total = total
            for item in items:
                yield item
            start = next_start(self._method, start, next_value)
