"""The client for one portal: auth, pacing, retries, chunking of many-item calls and logging.

`_async/client.py` is the source; `_sync/client.py` is derived from it by unasync (its waits
removed, its names turned into their synchronous twins): edit the first. The generated `client`
module subclasses both to add one namespace per method group and the spec's error classes.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from .. import PACKAGE, chunks
from .. import model as _rt
from .. import retry as _retry
from ..attempts import (
    MAX_ANSWER_BYTES,
    NOT_SENT,
    AnswerTooLargeError,
    BrokenTransportError,
    UndecodableBodyError,
    certificate_failed,
    check_time_left,
    has_time_for,
    log_attempt,
    log_retry,
    moved_error,
    tell_partial,
    timeout_arguments,
    transport_reason,
)
from ..auth import (
    DEFAULT_TOKEN_URL,
    TOKEN_TIMEOUT,
    TokenCallback,
    TokenPair,
    TokenState,
    read_refresh_answer,
    refresh_query,
)
from ..concurrency import (
    Lock,
    in_thread,
    resolve,
    running_loop,
    sleep,
)
from ..core import (
    DEFAULT_TIMEOUT,
    NOT_JSON,
    Endpoint,
    Exchange,
    RawResponse,
    check_context,
    decode,
    error_body,
    error_code,
    excerpt,
    failure,
    is_success,
    parse_json,
    prepare_body,
    reset_at,
)
from ..errors import (
    Bitrix24Error,
    ConfigurationError,
    DeadlineExceededError,
    InvalidArgumentError,
    TransportError,
    UnexpectedResponseError,
)
from ..items import ItemOutcomes, mark_uncertain
from ..pacer import STANDARD_PLAN, RateLimit
from ..retry import RetryPolicy
from ..secrets import redact
from ..settings import DEFAULT_MAX_CONNECTIONS, CallBudget, ClientSettings
from .calls import Calls

if TYPE_CHECKING:
    from ..tokens import TokenStore

__all__ = ["BaseClient"]

T = TypeVar("T")
log = logging.getLogger(PACKAGE)
EXPIRED_TOKEN = "expired_token"
QUERY_LIMIT_EXCEEDED = "query_limit_exceeded"
Timeout = httpx.Timeout | float | None
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class BaseClient(Calls):
    """A client for one Bitrix24 portal.

    Application (OAuth) context, refreshing the tokens when they expire::

        client = Client(
            "example.bitrix24.com",
            access_token="...",
            refresh_token="...",
            client_id="app.xxxx",
            client_secret="...",
            on_token_refresh=store_tokens,  # receives the new TokenPair (may be async def)
        )

    Several processes sharing one pair, which survives restarts::

        client = Client(
            "example.bitrix24.com",
            token_store=FileTokenStore("/var/lib/app/tokens.json"),
            client_id="app.xxxx",
            client_secret="...",
        )

    Incoming webhook (only for methods that allow it)::

        client = Client(webhook_url="https://example.bitrix24.com/rest/1/<code>/")

    Options: `rate_limit` (default the standard plan's bucket, burst 50 draining 2/s; pass
    `ENTERPRISE_PLAN` or a `RateLimit`, or None to turn pacing off; every client of one portal
    in a process shares one bucket unless `share_rate_limit=False`), `max_retries` (default 3),
    `retry_policy`, `timeout` (default 5 s to connect, 60 s to read), `max_items_per_call`
    (chunk size for many-item methods), `transport` and `verify` (passed to httpx),
    `allow_insecure_http` (plain http:// for local test servers only), `max_answer_bytes` (the
    largest answer read, before and after decoding; default 64 MiB), `deadline` (seconds for a
    whole call, retries and waits included; each call may pass its own), `max_connections`
    (connections kept open to the portal, all reused between calls; default 50, the standard
    plan's burst).
    Use it as a context manager to release its connections when done.
    """

    def __init__(
        self,
        portal: str | None = None,
        *,
        access_token: str | None = None,
        refresh_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str = DEFAULT_TOKEN_URL,
        on_token_refresh: TokenCallback | None = None,
        token_store: TokenStore | None = None,
        webhook_url: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        rate_limit: RateLimit | None = STANDARD_PLAN,
        share_rate_limit: bool = True,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        deadline: float | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        max_items_per_call: int | None = None,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
        allow_insecure_http: bool = False,
    ) -> None:
        self._settings = ClientSettings(
            portal,
            access_token,
            refresh_token,
            client_id,
            client_secret,
            token_url,
            webhook_url,
            rate_limit,
            max_retries,
            retry_policy,
            max_items_per_call,
            allow_insecure_http,
            has_store=token_store is not None,
            share_rate_limit=share_rate_limit,
            timeout=timeout,
            deadline=deadline,
            max_connections=max_connections,
        )
        self._on_token_refresh = on_token_refresh
        self._token_store = token_store
        if isinstance(max_answer_bytes, bool) or not isinstance(max_answer_bytes, int):
            raise ConfigurationError("max_answer_bytes must be int")
        if max_answer_bytes < 1:
            raise ConfigurationError("max_answer_bytes must be at least 1")
        self._max_answer_bytes = max_answer_bytes
        limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        self._http = httpx.Client(
            timeout=timeout, transport=transport, verify=verify, limits=limits
        )
        self._http_loop: object | None = None
        self._http_options: dict[str, Any] = {
            "timeout": timeout,
            "transport": transport,
            "verify": verify,
            "limits": limits,
        }
        self._refresh_lock = Lock()
        self._refresh_failure: Bitrix24Error | None = None
        self._refresh_failures = 0

    @property
    def tokens(self) -> TokenPair | None:
        """The current token pair (None for a webhook client)."""
        return self._settings.tokens.pair

    def call_endpoint(
        self,
        endpoint: Endpoint[T],
        arguments: Mapping[str, Any] | None = None,
        *,
        timeout: Timeout = None,
        deadline: float | None = None,
    ) -> T:
        """Call `endpoint` with wire-named `arguments`; the typed methods call this for you."""
        raw = self.call_endpoint_raw(endpoint, arguments, timeout=timeout, deadline=deadline)
        return raw.result

    def call_endpoint_raw(
        self,
        endpoint: Endpoint[T],
        arguments: Mapping[str, Any] | None = None,
        *,
        timeout: Timeout = None,
        deadline: float | None = None,
    ) -> RawResponse[T]:
        """Like `call_endpoint`, but also return the HTTP answers (status, headers, JSON)."""
        arguments = {} if arguments is None else arguments
        budget = self._settings.budget(timeout, deadline)
        check_context(endpoint, self._settings.connection)
        body = prepare_body(endpoint, arguments)
        spec = endpoint.item_results
        if spec is None:
            exchange = self._exchange(endpoint, body, budget)
            return RawResponse(
                decode(endpoint, exchange.json, exchange.status_code, exchange.content), (exchange,)
            )
        exchanges: list[Exchange] = []
        items: list[Any] = []
        repeated: list[range] = []  # the positions of items whose request was sent again
        answered_as_sent = True
        pieces = list(chunks.split(body, spec, self._settings.chunk_size(endpoint)))
        for index, chunk in enumerate(pieces):
            try:
                exchange = self._exchange(endpoint, chunk, budget)
            except Bitrix24Error as exc:
                if len(pieces) > 1:  # a split call: the error says what was done, and what was not
                    tell_partial(exc, endpoint, spec, exchanges, items, pieces[index:])
                raise
            exchanges.append(exchange)
            if exchange.repeated:
                sent_count = len(chunk.get(spec.request) or [])
                repeated.append(range(len(items), len(items) + sent_count))
            try:
                aligned = chunks.align(exchange.json, chunk.get(spec.request) or [], spec)
                answered_as_sent = answered_as_sent and aligned is chunks.answered_items(
                    exchange.json, spec
                )
            except _rt.DecodeError as exc:
                raise UnexpectedResponseError(
                    endpoint.method,
                    exchange.status_code,
                    f"does not match the spec at {exc}",
                    excerpt(exchange.content),
                ) from None
            items.extend(aligned)
        last = exchanges[-1]
        if len(exchanges) == 1 and answered_as_sent:
            merged = last.json  # one answer with one outcome per item, in order: nothing to merge
        else:
            merged = chunks.merge([e.json for e in exchanges], items, spec)
        decoded = decode(endpoint, merged, last.status_code, last.content)
        if isinstance(decoded, ItemOutcomes):
            if repeated:
                mark_uncertain(decoded, repeated)
            failed, unknown = len(decoded.failed), len(decoded.uncertain)
            if failed or unknown:  # partial failure is never silent
                log.warning(
                    "%s: %d of %d items not processed%s",
                    endpoint.method,
                    failed,
                    len(decoded.items),
                    f", {unknown} unknown (a lost answer was repeated)" if unknown else "",
                )
        return RawResponse(decoded, tuple(exchanges))

    def _exchange(
        self, endpoint: Endpoint[Any], body: dict[str, Any], budget: CallBudget
    ) -> Exchange:
        """Send one request until it succeeds, the retry policy gives up or the deadline passes."""
        settings = self._settings
        url = settings.connection.url_for(endpoint)
        retry = 0
        refreshed = False
        maybe_ran = False  # an earlier attempt may have taken effect
        while True:
            attempt = retry + 1
            if settings.pacer is not None:
                delay = settings.pacer.reserve()
                if delay > 0:
                    check_time_left(endpoint, budget, delay, "waiting for the rate limit")
                    sleep(delay)
            if settings.tokens.pair is None and self._token_store is not None:
                self._load_stored_pair()
            generation, sent = settings.authorize(body)
            failures_before = self._refresh_failures  # a refresh failing from now on is this call's
            started = time.monotonic()
            try:
                response, content = self._post(url, sent, budget)
            except BrokenTransportError as exc:
                failed = exc.error
                reason = f"the transport failed: {type(failed).__name__}: {redact(str(failed))}"
                log_attempt(endpoint, attempt, reason, started)
                raise TransportError(endpoint.method, reason) from failed
            except AnswerTooLargeError as exc:
                log_attempt(endpoint, attempt, f"HTTP {exc.status} (answer too large)", started)
                raise UnexpectedResponseError(
                    endpoint.method,
                    exc.status,
                    f"the answer is larger than {exc.cap} bytes (max_answer_bytes)",
                    "",
                ) from None
            except UndecodableBodyError as exc:
                log_attempt(endpoint, attempt, f"HTTP {exc.status} (undecodable body)", started)
                raise UnexpectedResponseError(
                    endpoint.method,
                    exc.status,
                    "the body cannot be decoded as its Content-Encoding says",
                    excerpt(exc.raw),
                ) from None
            except httpx.HTTPError as exc:
                reason = transport_reason(exc)
                log_attempt(endpoint, attempt, reason, started)
                retry += 1
                verdict = _retry.after_error(
                    settings.retry, retry, idempotent=endpoint.idempotent, status=None, code=None
                )
                if certificate_failed(exc):  # a bad certificate stays bad: never retried
                    verdict = _retry.NO_RETRY
                maybe_ran = maybe_ran or not isinstance(exc, NOT_SENT)
                if budget.remaining() == 0:  # the timeout was the deadline's
                    raise DeadlineExceededError(
                        endpoint.method, budget.deadline or 0, f"waiting for the answer ({reason})"
                    ) from exc
                if not verdict.retry:
                    raise TransportError(endpoint.method, reason) from exc
                check_time_left(endpoint, budget, verdict.delay, f"before a retry ({reason})")
                log_retry(endpoint, verdict, retry, settings.retry)
                sleep(verdict.delay)
                continue
            log_attempt(endpoint, attempt, f"HTTP {response.status_code}", started)
            if response.status_code in REDIRECTS and response.headers.get("location"):
                raise moved_error(endpoint, response)
            payload = parse_json(content)
            answer = error_body(endpoint, payload)  # the payload, or the error it carries inside
            if is_success(response.status_code, answer):
                return Exchange(
                    response.status_code,
                    response.headers,
                    payload,
                    time.monotonic() - started,
                    attempt,
                    content,
                    maybe_ran,
                )
            code = error_code(answer)
            if (code or "").lower() == QUERY_LIMIT_EXCEEDED and settings.pacer is not None:
                settings.pacer.saturate()  # the portal's bucket is full, whoever filled it
            if (code or "").lower() == EXPIRED_TOKEN and settings.can_refresh() and not refreshed:
                self._refresh(generation, failures_before, budget)
                refreshed = True
                continue
            retry += 1
            until = reset_at(payload)
            verdict = _retry.after_error(
                settings.retry,
                retry,
                idempotent=endpoint.idempotent,
                status=response.status_code,
                code=code if payload is not NOT_JSON else None,
                reset_in=None if until is None else until - time.time(),
            )
            if response.status_code >= 500 and (code or "").lower() not in _retry.REFUSED_CODES:
                maybe_ran = True  # the portal failed while running it, perhaps after the work
            if not verdict.retry or not has_time_for(budget, verdict.delay):
                # No retry is possible (or none fits in the deadline): the portal's own error.
                raise failure(endpoint, response.status_code, answer, content, self._error_classes)
            log_retry(endpoint, verdict, retry, settings.retry)
            sleep(verdict.delay)

    def _post(
        self, url: str, body: dict[str, Any], budget: CallBudget
    ) -> tuple[httpx.Response, bytes]:
        """POST `body` as JSON; the answer and its whole body.

        The body is read here, to tell a body that cannot be decoded from a connection that failed.
        """
        if self._http.is_closed:
            raise ConfigurationError("the client is closed: make a new one (or use it in `with`)")
        loop = running_loop()
        if loop is not self._http_loop:
            if self._http_loop is not None:
                # The pool's connections belong to an event loop that has ended (a second
                # asyncio.run): they cannot be used or even closed from this one. A new pool.
                self._http = httpx.Client(**self._http_options)
            self._http_loop = loop
        timeout = budget.request_timeout(self._http.timeout)
        try:
            request = self._http.build_request("POST", url, json=body, **timeout_arguments(timeout))
        except (ValueError, TypeError, RecursionError) as exc:  # NaN, a set, a cycle: not JSON
            problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            raise InvalidArgumentError("request", [f"the body is not JSON: {problem}"]) from None
        try:
            return self._read(request, budget)
        except (httpx.HTTPError, AnswerTooLargeError, UndecodableBodyError, Bitrix24Error):
            raise
        except Exception as exc:  # the transport's own failure, not one httpx names
            raise BrokenTransportError(exc) from exc

    def _read(self, request: httpx.Request, budget: CallBudget) -> tuple[httpx.Response, bytes]:
        """Send `request`; the answer and its body, read within the cap and the deadline."""
        response = self._http.send(request, stream=True)
        cap = self._max_answer_bytes
        try:
            # Read the body as sent (at most `cap` bytes), then decode it (at most `cap` bytes
            # again, a gzip bomb included), so that a body that is not what its Content-Encoding
            # says can be reported with its first bytes.
            raw = bytearray()
            try:
                for chunk in response.iter_raw():
                    raw += chunk
                    if len(raw) > cap:
                        raise AnswerTooLargeError(response.status_code, cap)
                    if budget.remaining() == 0:  # a body trickling in: each read is in time
                        raise httpx.ReadTimeout("the body was still arriving", request=request)
            except httpx.StreamConsumed:  # a transport that handed over the body already read
                if len(response.content) > cap:
                    raise AnswerTooLargeError(response.status_code, cap) from None
                return response, response.content
            if response.headers.get("content-encoding", "identity").strip().lower() == "identity":
                return response, bytes(raw)
            decoded = bytearray()
            try:
                replay = httpx.Response(
                    response.status_code, headers=response.headers, content=bytes(raw)
                )
                for piece in replay.iter_bytes():
                    decoded += piece
                    if len(decoded) > cap:
                        raise AnswerTooLargeError(response.status_code, cap)
            except httpx.DecodingError:
                raise UndecodableBodyError(response.status_code, bytes(raw)) from None
            return response, bytes(decoded)
        finally:
            response.close()
            self._drop_misframed_connection(response)

    def _drop_misframed_connection(self, response: httpx.Response) -> None:
        """Close the connection `response` came on if bytes beyond its body wait there.

        A server that sends more than its Content-Length (or a second answer unasked) leaves
        those bytes in the connection's buffer, and the next call on it would read them as its
        own answer. httpx keeps such a connection; it is closed here, so the next call opens a
        new one. (This looks into httpcore's pool: with another transport nothing is done.)
        """
        stream = response.extensions.get("network_stream")
        pool = getattr(getattr(self._http, "_transport", None), "_pool", None)
        if stream is None or pool is None:
            return
        for connection in list(getattr(pool, "connections", ())):
            inner = getattr(connection, "_connection", None)
            state = getattr(inner, "_h11_state", None)
            if inner is None or getattr(inner, "_network_stream", None) is not stream:
                continue
            trailing = getattr(state, "trailing_data", (b"", False))[0]
            if trailing:
                log.warning(
                    "%d bytes arrived beyond an answer's body: its connection is closed",
                    len(trailing),
                )
                inner.close()

    def _refresh(self, seen_generation: int, failures_before: int, budget: CallBudget) -> None:
        """Renew the token pair once, however many calls found it expired at the same time.

        With a token store, under its lock: a newer pair in the store (another process
        refreshed) is taken as it is; otherwise the new pair is saved before the lock is let go.
        """
        with self._refresh_lock:
            tokens = self._settings.tokens
            if tokens.generation != seen_generation:
                return  # another call refreshed while this one waited: use its pair
            failed = self._refresh_failure
            if self._refresh_failures > failures_before and failed is not None:
                raise failed  # a refresh failed after this call sent its request: share its error
            try:
                self._refresh_once(tokens, budget)
            except Bitrix24Error as exc:
                self._refresh_failure = exc
                self._refresh_failures += 1
                raise

    def _refresh_once(self, tokens: TokenState, budget: CallBudget) -> None:
        """One refresh, with the token store's lock when there is a store."""
        store = self._token_store
        if store is None:
            new_pair = self._new_pair(budget)
        else:
            lock = getattr(store, "lock", None)
            held = lock() if callable(lock) else None
            if held is not None:
                in_thread(held.__enter__)
            try:
                stored = resolve(in_thread(store.load))
                current = tokens.pair
                if stored is not None and (
                    current is None or stored.access_token != current.access_token
                ):
                    log.info("access token expired; using the newer pair in the token store")
                    tokens.replace(stored)
                    return
                new_pair = self._new_pair(budget)
                resolve(in_thread(store.save, new_pair))
            finally:
                if held is not None:
                    in_thread(held.__exit__, None, None, None)
        if self._on_token_refresh is not None:
            try:
                resolve(self._on_token_refresh(new_pair))
            except Bitrix24Error:
                raise
            except (
                Exception
            ) as exc:  # the pair is current already; the caller learns it was not stored
                raise ConfigurationError(
                    f"on_token_refresh raised {type(exc).__name__}: {redact(str(exc))}; the new pair "
                    "is in client.tokens"
                ) from exc

    def _new_pair(self, budget: CallBudget) -> TokenPair:
        """A new pair from the token endpoint, made current."""
        app, pair = self._settings.app, self._settings.tokens.pair
        assert app is not None and pair is not None
        log.info("access token expired; refreshing it")
        failed: str | None = None
        left = budget.remaining()
        try:
            response = self._http.get(
                app.token_url,
                params=refresh_query(app, pair),
                timeout=TOKEN_TIMEOUT if left is None else min(TOKEN_TIMEOUT, left),
            )
        except httpx.HTTPError as exc:
            failed = type(exc).__name__
        if failed is not None:  # raised out here: no __context__ holding the refresh URL
            raise TransportError("oauth/token", failed)
        new_pair = read_refresh_answer(response.status_code, response.content)
        self._settings.tokens.replace(new_pair)
        return new_pair

    def _load_stored_pair(self) -> None:
        """The token store's pair, for a client made without access_token=."""
        with self._refresh_lock:
            if self._settings.tokens.pair is not None or self._token_store is None:
                return
            stored = resolve(in_thread(self._token_store.load))
            if stored is None:
                raise ConfigurationError("the token store holds no token pair yet")
            self._settings.tokens.replace(stored)

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return self._settings.describe(type(self).__name__)


_C = TypeVar("_C", bound=BaseClient)
