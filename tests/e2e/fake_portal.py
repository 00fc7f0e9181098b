"""A fake Bitrix24 portal for tests: a real HTTPS server on 127.0.0.1 in a background thread.

It speaks just enough of Bitrix24 REST (v2) to exercise a client of `imconnector.delete.messages`
the way the real portal would answer it (see /work/shared/reference/): application (OAuth) calls with
`auth` in the JSON body or the query string, the refresh-token endpoint, the webhook form that this
method refuses, the per-item results inside an HTTP 200, and the system errors a client must survive
(leaky-bucket 503, operation-time 429, 500 / HTML 502, overload 503, expired token 401).

Real sockets, real TLS: the certificate is issued for 127.0.0.1 and localhost by a test CA made with
`trustme` once per process; `FakePortal.ssl_context()` trusts that CA and nothing else, so it can be
given to httpx as `verify=`. Plain HTTP is not served: a connection that does not start a TLS
handshake is closed.

Order in which a REST call is judged (the first rule that fires answers it):

1. injected faults (`fail_next`, `fail_next_with_html`): infrastructure in front of the portal;
2. `overload()`: 503 OVERLOAD_LIMIT;
3. the leaky bucket: 503 QUERY_LIMIT_EXCEEDED (a rejected call does not fill the bucket);
4. the webhook form: 403 WRONG_AUTH_TYPE for imconnector.* (any user id / code is taken as valid);
5. the access token: 401 NO_AUTH_FOUND (missing or unknown) or 401 expired_token;
6. the method name: 404 ERROR_METHOD_NOT_FOUND;
7. `block_operations()`: 429 OPERATION_TIME_LIMIT;
8. the method itself.

A request body that is not a JSON object (or a form) counts as no parameters at all.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import math
import re
import secrets
import shutil
import socket
import socketserver
import ssl
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Final, NamedTuple, Self
from urllib.parse import parse_qsl, urlsplit

import pytest
import trustme

from tests.e2e import fake_methods

DEFAULT_CLIENT_ID: Final = "app.test"
DEFAULT_CLIENT_SECRET: Final = "app-secret"
DEFAULT_CONNECTOR: Final = "myconnector"
DEFAULT_LINE: Final = 107
DEFAULT_EXTERNAL_USER_ID: Final = "ext-user"

DEFAULT_BUCKET_BURST: Final = 50
DEFAULT_BUCKET_DRAIN_PER_SECOND: Final = 2.0

ACCESS_TOKEN_LIFETIME_SECONDS: Final = 3600
OPERATING_WINDOW_SECONDS: Final = 600
TOKEN_SCOPE: Final = "imopenlines"
MESSAGE_NOT_FOUND: Final = "Message not found"

DELETE_MESSAGES_METHOD: Final = "imconnector.delete.messages"
TOKEN_ENDPOINT_NAME: Final = "oauth/token"

_FIRST_INTERNAL_USER_ID: Final = 585
_MAX_BODY_BYTES: Final = 16 * 1024 * 1024
_LISTEN_BACKLOG: Final = 1024
_SERVE_POLL_SECONDS: Final = 0.01
_STOP_JOIN_SECONDS: Final = 3.0

ERROR_DESCRIPTIONS: Final[dict[str, str]] = {
    "ACCESS_DENIED": "REST API is available only on commercial plans",
    "ERROR_ARGUMENT": "Argument is null or empty",
    "ERROR_METHOD_NOT_FOUND": "Method not found!",
    "ERROR_UNEXPECTED_ANSWER": "Server returned an unexpected response",
    "IMCONNECTOR_NO_CORRECT_PROVIDER": "Could not find a suitable provider for the connector",
    "INTERNAL_SERVER_ERROR": "Internal server error",
    "INVALID_CREDENTIALS": "Invalid request credentials",
    "INVALID_REQUEST": "Https required",
    "NO_AUTH_FOUND": "Wrong authorization data",
    "NOT_ACTIVE_LINE": "Line with such ID is inactive or does not exist",
    "OPERATION_TIME_LIMIT": "Method is blocked due to operation time limit",
    "OVERLOAD_LIMIT": "REST API is blocked due to overload",
    "PORTAL_DELETED": "Portal was deleted",
    "QUERY_LIMIT_EXCEEDED": "Too many requests",
    "WRONG_AUTH_TYPE": "Current authorization type is denied for this method Application context required",
    "expired_token": "The access token provided has expired",
    "insufficient_scope": "The request requires higher privileges than provided by the webhook token",
    "user_access_error": "The user does not have access to the application",
}

_HTML_ERROR_PAGE: Final = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


class MessageKey(NamedTuple):
    """Identity of a message an external system sent: equal (and hashing equal) to a plain 4-tuple."""

    connector: str
    line: int
    chat_id: str
    message_id: str


@dataclass(frozen=True)
class RequestRecord:
    """One request the portal answered.

    `method` is the REST method name (lower case, without `.json`), "oauth/token" for the token
    endpoint, or the raw path for anything else; `at` is the arrival time (`time.time()`).
    """

    method: str
    status: int
    via_webhook: bool
    at: float
    path: str


# --------------------------------------------------------------------------------------------------
# TLS material: one test CA and one server certificate per process.


@dataclass(frozen=True)
class TlsMaterial:
    """The per-process test CA, the server certificate it issued and the CA's PEM file."""

    ca: trustme.CA
    server_certificate: trustme.LeafCert
    ca_pem_path: Path


_TLS_MATERIAL_LOCK = threading.Lock()


@functools.cache
def _create_tls_material() -> TlsMaterial:
    ca = trustme.CA()
    server_certificate = ca.issue_cert("127.0.0.1", "localhost")
    folder = Path(tempfile.mkdtemp(prefix="fake-portal-ca-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    ca_pem_path = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem_path))
    return TlsMaterial(ca=ca, server_certificate=server_certificate, ca_pem_path=ca_pem_path)


def shared_tls_material() -> TlsMaterial:
    """The process-wide test CA and server certificate (created on first use, then cached)."""
    with _TLS_MATERIAL_LOCK:
        return _create_tls_material()


def client_ssl_context() -> ssl.SSLContext:
    """A new client SSLContext that trusts only the test CA (hostname checking on)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    shared_tls_material().ca.configure_trust(context)
    return context


def _server_ssl_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    shared_tls_material().server_certificate.configure_cert(context)
    return context


# --------------------------------------------------------------------------------------------------
# Answers and small parsing helpers.


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


def _json_answer(status: int, payload: Any) -> _Answer:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return _Answer(status=status, body=body, content_type="application/json; charset=utf-8")


def _error_answer(status: int, code: str, description: str | None = None, **extra: Any) -> _Answer:
    text = description if description is not None else ERROR_DESCRIPTIONS.get(code, code)
    return _json_answer(status, {"error": code, "error_description": text, **extra})


def _html_answer(status: int) -> _Answer:
    body = _HTML_ERROR_PAGE.format(status=status).encode("utf-8")
    return _Answer(status=status, body=body, content_type="text/html")


_BRACKET_PART = re.compile(r"\[([^\[\]]*)\]")


def _parse_php_style_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Turn `MESSAGES[0][user][id]=x` pairs into nested dicts and lists, as PHP would."""
    root: dict[str, Any] = {}
    for raw_key, value in pairs:
        name, bracket, rest = raw_key.partition("[")
        parts = [name, *_BRACKET_PART.findall(bracket + rest)] if bracket else [name]
        node = root
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        last = parts[-1] if parts[-1] != "" else str(len(node))
        node[last] = value
    return {key: _lists_from_numeric_dicts(child) for key, child in root.items()}


def _lists_from_numeric_dicts(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    converted = {key: _lists_from_numeric_dicts(child) for key, child in value.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def _parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The parameters of a request body: a JSON object or a form; anything else counts as none."""
    if not body:
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    if "application/x-www-form-urlencoded" in content_type.lower():
        return _parse_php_style_pairs(parse_qsl(text, keep_blank_values=True))
    try:
        decoded = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(decoded, dict):
        return {}
    return {str(key): value for key, value in decoded.items()}


def _is_null_or_empty(value: Any) -> bool:
    """PHP's `empty()` as Bitrix uses it for required arguments."""
    if value is None or value is False:
        return True
    if isinstance(value, str | list | dict):
        return len(value) == 0 or value == "0"
    return isinstance(value, int | float) and value == 0


def _as_line_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _as_items(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [value]


def _block_id(item: Any, block: str) -> str | None:
    """`item[block]["id"]` as a string, or None when it is missing or empty."""
    if not isinstance(item, dict):
        return None
    block_value = item.get(block)
    if not isinstance(block_value, dict):
        return None
    identifier = block_value.get("id")
    if identifier is None or isinstance(identifier, dict | list) or identifier == "":
        return None
    return str(identifier)


def _block_echo(item: Any, block: str) -> dict[str, Any]:
    block_value = item.get(block) if isinstance(item, dict) else None
    return dict(block_value) if isinstance(block_value, dict) else {}


def _iso_local(moment: float) -> str:
    return datetime.fromtimestamp(moment).astimezone().isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------------
# Portal state that is not public API.


@dataclass
class _AccessGrant:
    client_id: str
    expires_at: float
    expired_by_test: bool = False


@dataclass(frozen=True)
class _InjectedFault:
    status: int
    code: str
    description: str | None
    html: bool


@dataclass
class _DropPlan:
    items: int
    answers_left: int
    processed: bool


@dataclass(frozen=True)
class _DeliveryFault:
    """How the next answer travels once decided: held back, trickled, or followed by stray bytes."""

    hold: float = 0.0
    trickle: float = 0.0
    overrun: str = ""


class _RestCall(NamedTuple):
    method: str
    via_webhook: bool


# --------------------------------------------------------------------------------------------------
# The HTTP(S) server.


class _PortalRequestHandler(BaseHTTPRequestHandler):
    """Reads one HTTP/1.1 request at a time from a TLS connection and lets the portal answer it."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeBitrix24"
    sys_version = ""
    disable_nagle_algorithm = True  # headers and body go in separate writes
    server: _TlsThreadingServer

    def do_GET(self) -> None:
        """Answer a GET request."""
        self._serve()

    def do_POST(self) -> None:
        """Answer a POST request."""
        self._serve()

    def do_PUT(self) -> None:
        """Answer a PUT request (REST refuses it)."""
        self._serve()

    def do_DELETE(self) -> None:
        """Answer a DELETE request (REST refuses it)."""
        self._serve()

    def do_PATCH(self) -> None:
        """Answer a PATCH request (REST refuses it)."""
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the portal keeps its own request log."""

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        content_type = self.headers.get("Content-Type", "")
        portal = self.server.portal
        answer = portal._answer(self.command, self.path, body, content_type)
        self._send(answer, portal._take_delivery_fault(self.path))

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked_body()
        length_header = self.headers.get("Content-Length", "0") or "0"
        if not length_header.isdigit():
            self._send(_error_answer(400, "INVALID_REQUEST", "Bad Content-Length"))
            self.close_connection = True
            return None
        length = int(length_header)
        if length > _MAX_BODY_BYTES:
            self._send(_error_answer(413, "INVALID_REQUEST", "Request body too large"))
            self.close_connection = True
            return None
        return self.rfile.read(length)

    def _read_chunked_body(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                size = -1
            if size < 0 or total + size > _MAX_BODY_BYTES:
                self._send(_error_answer(400, "INVALID_REQUEST", "Bad chunked body"))
                self.close_connection = True
                return None
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)
            total += size

    def _send(self, answer: _Answer, fault: _DeliveryFault | None = None) -> None:
        stopping = self.server.portal._stopping
        if fault is not None and fault.hold and stopping.wait(fault.hold):
            return  # the work is done; the answer comes too late to be read (or never: stopping)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if fault is not None and fault.trickle:
            for byte in answer.body:
                self.wfile.write(bytes([byte]))
                if stopping.wait(fault.trickle / max(1, len(answer.body))):
                    return
            return
        extra = b""
        if fault is not None and fault.overrun == "extra_bytes":
            extra = b'{"result":"STRAY"}'
        elif fault is not None and fault.overrun == "second_response":
            stray = json.dumps({"result": "STRAY", "time": {}}).encode()
            extra = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
                len(stray),
                stray,
            )
        self.wfile.write(answer.body + extra)  # one write: the stray bytes arrive with the body


class _TlsThreadingServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that does the TLS handshake in the per-connection thread.

    Handshakes happen off the accept loop, so a slow or plain-HTTP client cannot stall other
    connections. Every live connection and its thread are tracked so `close()` ends them all.
    """

    daemon_threads = True
    block_on_close = False
    request_queue_size = _LISTEN_BACKLOG
    allow_reuse_address = False

    def __init__(self, portal: FakePortal, connection_timeout: float) -> None:
        self.portal = portal
        self.connection_timeout = connection_timeout
        self.tls_context = _server_ssl_context()
        self._closing = False
        self._live_sockets: dict[int, socket.socket] = {}
        self._connection_threads: set[threading.Thread] = set()
        self.peak_connections = 0
        self.connections_opened = 0
        super().__init__(("127.0.0.1", 0), _PortalRequestHandler)

    def server_bind(self) -> None:
        """Bind without the reverse DNS lookup HTTPServer does (it can be slow)."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection in a new daemon thread (refused once closing)."""
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="fake-portal-connection",
            daemon=True,
        )
        with self.portal._lock:
            if self._closing:
                refused = True
            else:
                refused = False
                self._connection_threads.add(thread)
        if refused:
            self.shutdown_request(request)
            return
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Serve one connection, then forget its thread."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.portal._lock:
                self._connection_threads.discard(threading.current_thread())

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Do the TLS handshake, then run the HTTP handler on the TLS socket."""
        connection_id = id(request)
        request.settimeout(self.connection_timeout)
        self._track(connection_id, request)
        try:
            try:
                tls_socket = self.tls_context.wrap_socket(request, server_side=True)
            except OSError:
                return  # plain HTTP, a failed handshake, or closing: TLS only
            self._track(connection_id, tls_socket)
            try:
                _PortalRequestHandler(tls_socket, client_address, self)
            finally:
                _shutdown_quietly(tls_socket)
                tls_socket.close()
        finally:
            with self.portal._lock:
                self._live_sockets.pop(connection_id, None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Connection errors are the client's business; anything else is a bug of the fake."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError) or error is None:
            return
        self.portal._record_internal_error(error)

    def close(self) -> None:
        """Stop accepting, end every live connection and wait (bounded) for the threads to go."""
        self.shutdown()
        self.server_close()
        with self.portal._lock:
            self._closing = True
            sockets = list(self._live_sockets.values())
            threads = list(self._connection_threads)
        for live_socket in sockets:
            _shutdown_quietly(live_socket)
        deadline = time.monotonic() + _STOP_JOIN_SECONDS
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def _track(self, connection_id: int, live_socket: socket.socket) -> None:
        with self.portal._lock:
            if self._closing:
                _shutdown_quietly(live_socket)
            if connection_id not in self._live_sockets:
                self.connections_opened += 1
            self._live_sockets[connection_id] = live_socket
            self.peak_connections = max(self.peak_connections, len(self._live_sockets))


def _shutdown_quietly(live_socket: socket.socket) -> None:
    """Shut the descriptor down under any thread blocked on it (bypasses SSLSocket.shutdown)."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(live_socket, socket.SHUT_RDWR)


# --------------------------------------------------------------------------------------------------
# The portal.


class FakePortal:
    """A fake Bitrix24 portal serving HTTPS on 127.0.0.1 in a background thread.

    Use it as a context manager (`with FakePortal() as portal:`) or call `start()` / `stop()`.
    All state is guarded by one lock; the properties return copies.
    """

    def __init__(
        self,
        *,
        burst: int | None = DEFAULT_BUCKET_BURST,
        drain_per_second: float = DEFAULT_BUCKET_DRAIN_PER_SECOND,
        latency: float = 0.0,
        connection_timeout: float = 10.0,
    ) -> None:
        """Configure the portal; `burst=None` turns the leaky bucket off. Nothing listens until `start()`."""
        self._lock = threading.Lock()
        self._connection_timeout = connection_timeout
        self._server: _TlsThreadingServer | None = None
        self._serve_thread: threading.Thread | None = None
        self._latency = latency
        # Open lines and messages.
        self._open_lines: set[tuple[str, int]] = set()
        self._messages: dict[MessageKey, str] = {}
        self._internal_user_ids: dict[tuple[str, str], str] = {}
        self._next_internal_user_id = _FIRST_INTERNAL_USER_ID
        self._deletions: Counter[MessageKey] = Counter()
        self._delete_attempts: Counter[MessageKey] = Counter()
        self._drop_plan: _DropPlan | None = None
        # OAuth.
        self._applications: dict[str, str] = {}
        self._access_grants: dict[str, _AccessGrant] = {}
        self._refresh_tokens: dict[str, str] = {}
        self._current_tokens: tuple[str, str] | None = None
        self._refresh_count = 0
        # Limits and injected trouble.
        self._bucket_burst = burst
        self._bucket_drain_per_second = drain_per_second
        self._bucket_level = 0.0
        self._bucket_updated_at = time.monotonic()
        self._operations_blocked_until = 0.0
        self._overloaded = False
        self._faults: deque[_InjectedFault] = deque()
        self._deliveries: deque[_DeliveryFault] = deque()
        self._clock_offset = 0.0
        self._echo_ids_upper = False
        self._token_hold = 0.0
        self._stopping = threading.Event()
        # The other methods (tests/e2e/fake_methods.py) and a domain change.
        self.family = fake_methods.FamilyState()
        self._moved_to: str | None = None
        self._fail_at: dict[int, tuple[int, str]] = {}
        self._rest_calls = 0
        # Observations.
        self._requests: list[RequestRecord] = []
        self._internal_errors: list[BaseException] = []

    # ---- life cycle -------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1 on an ephemeral port and serve in a daemon thread; returns self."""
        if self._server is not None:
            raise RuntimeError("the fake portal is already running")
        self._stopping.clear()
        server = _TlsThreadingServer(self, self._connection_timeout)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _SERVE_POLL_SECONDS},
            name="fake-portal-accept",
            daemon=True,
        )
        thread.start()
        self._server, self._serve_thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving, close every connection and join the threads (bounded). Idempotent."""
        server, thread = self._server, self._serve_thread
        if server is None or thread is None:
            return
        self._stopping.set()  # held and trickled answers give up at once
        server.close()
        thread.join(timeout=_STOP_JOIN_SECONDS)
        self._server, self._serve_thread = None, None

    def __enter__(self) -> Self:
        """Start the portal."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the portal."""
        self.stop()

    # ---- addresses and TLS ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The ephemeral TCP port the portal listens on."""
        if self._server is None:
            raise RuntimeError("the fake portal is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. "https://127.0.0.1:43121" (no trailing slash)."""
        return f"https://127.0.0.1:{self.port}"

    @property
    def rest_url(self) -> str:
        """The application REST endpoint, e.g. "https://127.0.0.1:43121/rest/"."""
        return f"{self.url}/rest/"

    @property
    def token_url(self) -> str:
        """The OAuth token endpoint on this server: "https://127.0.0.1:PORT/oauth/token/"."""
        return f"{self.url}/oauth/token/"

    @property
    def ca_pem_path(self) -> Path:
        """PEM file of the test CA (for tools that want a path rather than an SSLContext)."""
        return shared_tls_material().ca_pem_path

    def ssl_context(self) -> ssl.SSLContext:
        """A new client SSLContext trusting only the test CA: pass it to httpx as `verify=`."""
        return client_ssl_context()

    @property
    def peak_connections(self) -> int:
        """The largest number of connections that were open at the same time."""
        with self._lock:
            return self._server.peak_connections if self._server is not None else 0

    @property
    def connections_opened(self) -> int:
        """How many connections clients have opened so far."""
        with self._lock:
            return self._server.connections_opened if self._server is not None else 0

    def hold_next_answers(self, count: int, seconds: float) -> None:
        """Do the next `count` REST calls' work, then wait `seconds` before answering (a lost answer)."""
        with self._lock:
            self._deliveries.extend(_DeliveryFault(hold=seconds) for _ in range(count))

    def trickle_next_answer(self, seconds: float) -> None:
        """Send the next answer's body one byte at a time over `seconds`."""
        with self._lock:
            self._deliveries.append(_DeliveryFault(trickle=seconds))

    def overrun_next_answer(self, kind: str) -> None:
        """Send stray bytes after the next answer's body: "extra_bytes" or a "second_response"."""
        with self._lock:
            self._deliveries.append(_DeliveryFault(overrun=kind))

    def hold_token_answers(self, seconds: float) -> None:
        """Answer the token endpoint only after `seconds` (a hanging OAuth server); 0 ends it."""
        with self._lock:
            self._token_hold = seconds

    def _take_delivery_fault(self, target: str) -> _DeliveryFault | None:
        with self._lock:
            if self._token_hold and urlsplit(target).path.rstrip("/").endswith("oauth/token"):
                return _DeliveryFault(hold=self._token_hold)
            return self._deliveries.popleft() if self._deliveries else None

    # ---- the other methods and a domain change -----------------------------------------------------

    def add_items(self, count: int) -> None:
        """Give `crm.item.list` `count` more items (ids go on from the last)."""
        with self._lock:
            first = len(self.family.items) + 1
            self.family.items.extend({"id": n, "title": f"Item {n}"} for n in range(first, first + count))

    def fail_call(self, number: int, status: int, code: str) -> None:
        """Answer the `number`-th REST call from now (1 = the next) with an error."""
        with self._lock:
            self._fail_at[self._rest_calls + number] = (status, code)

    def move_to(self, host: str | None) -> None:
        """Answer every REST call with a redirect to `host` (None: serve again)."""
        with self._lock:
            self._moved_to = host

    # ---- open lines and messages ------------------------------------------------------------------

    def add_line(self, line_id: int, connector: str) -> None:
        """Open line `line_id` for `connector` (a line may serve several connectors)."""
        with self._lock:
            self._open_lines.add((connector, line_id))

    def close_line(self, line_id: int, connector: str) -> None:
        """Deactivate the line for the connector: calls on it answer NOT_ACTIVE_LINE."""
        with self._lock:
            self._open_lines.discard((connector, line_id))

    def add_message(
        self,
        connector: str,
        line: int,
        chat_id: str,
        message_id: str,
        user_id: str = DEFAULT_EXTERNAL_USER_ID,
    ) -> MessageKey:
        """Record a message the external system sent (as imconnector.send.messages would); returns its key."""
        key = MessageKey(connector, line, str(chat_id), str(message_id))
        with self._lock:
            self._messages[key] = str(user_id)
            self._internal_user_id_locked(connector, str(user_id))
        return key

    def has_message(self, connector: str, line: int, chat_id: str, message_id: str) -> bool:
        """Whether the message exists (was added and not deleted since)."""
        with self._lock:
            return MessageKey(connector, line, str(chat_id), str(message_id)) in self._messages

    @property
    def messages(self) -> frozenset[MessageKey]:
        """The messages that exist now."""
        with self._lock:
            return frozenset(self._messages)

    @property
    def deletions(self) -> Counter[tuple[str, int, str, str]]:
        """How many times each message was actually deleted (a copy; keys are `MessageKey`s)."""
        with self._lock:
            return Counter[tuple[str, int, str, str]](self._deletions)

    @property
    def delete_attempts(self) -> Counter[tuple[str, int, str, str]]:
        """How many times deletion of each message was asked for, successful or not (a copy)."""
        with self._lock:
            return Counter[tuple[str, int, str, str]](self._delete_attempts)

    def internal_user_id(self, connector: str, external_user_id: str) -> str:
        """The portal's internal user id (a digit string) for an external user of a connector."""
        with self._lock:
            return self._internal_user_id_locked(connector, external_user_id)

    def drop_last_result_items(self, count: int, *, answers: int = 1, processed: bool = True) -> None:
        """Make the next `answers` successful delete answers omit their last `count` RESULT items.

        With `processed=True` the omitted items are still deleted (the server did the work but did
        not say so); with `processed=False` they are left alone. `count=0` cancels the plan.
        """
        with self._lock:
            self._drop_plan = _DropPlan(count, answers, processed) if count > 0 and answers > 0 else None

    # ---- OAuth ------------------------------------------------------------------------------------

    def issue_tokens(self, client_id: str, client_secret: str) -> tuple[str, str]:
        """Register the application (client id and secret) and issue it a new (access, refresh) pair."""
        with self._lock:
            self._applications[client_id] = client_secret
            return self._issue_tokens_locked(client_id)

    @property
    def access_token(self) -> str:
        """The most recently issued access token (by `issue_tokens` or a refresh)."""
        return self._current_token_pair()[0]

    @property
    def refresh_token(self) -> str:
        """The most recently issued refresh token (by `issue_tokens` or a refresh)."""
        return self._current_token_pair()[1]

    def expire_access_token(self, token: str | None = None) -> None:
        """Make an access token (default: the current one) answer 401 expired_token from now on."""
        with self._lock:
            if token is None:
                if self._current_tokens is None:
                    raise RuntimeError("no tokens were issued")
                token = self._current_tokens[0]
            self._access_grants[token].expired_by_test = True

    @property
    def refresh_count(self) -> int:
        """How many refreshes the token endpoint granted."""
        with self._lock:
            return self._refresh_count

    # ---- limits and injected trouble --------------------------------------------------------------

    def set_bucket(self, burst: int | None, drain_per_second: float = DEFAULT_BUCKET_DRAIN_PER_SECOND) -> None:
        """Reconfigure (and empty) the leaky bucket; `burst=None` turns rate limiting off."""
        with self._lock:
            self._bucket_burst = burst
            self._bucket_drain_per_second = drain_per_second
            self._bucket_level = 0.0
            self._bucket_updated_at = time.monotonic()

    def disable_rate_limit(self) -> None:
        """Turn the leaky bucket off."""
        self.set_bucket(None)

    def block_operations(self, seconds: float) -> int:
        """Answer 429 OPERATION_TIME_LIMIT for `seconds`; returns the `operating_reset_at` it reports."""
        with self._lock:
            self._operations_blocked_until = time.time() + seconds
            return math.ceil(self._operations_blocked_until)

    def echo_ids_in_another_form(self, enabled: bool = True) -> None:
        """Echo message and chat ids of `imconnector.delete.messages` upper-cased and padded."""
        with self._lock:
            self._echo_ids_upper = enabled

    def set_clock_offset(self, seconds: float) -> None:
        """Make the portal's clock differ from the client's by `seconds` (negative: behind) in the
        times it reports, such as `operating_reset_at`."""
        with self._lock:
            self._clock_offset = seconds

    def unblock_operations(self) -> None:
        """Lift `block_operations` early."""
        with self._lock:
            self._operations_blocked_until = 0.0

    def fail_next(
        self,
        count: int,
        status: int = 500,
        code: str = "INTERNAL_SERVER_ERROR",
        description: str | None = None,
    ) -> None:
        """Answer the next `count` REST calls with a JSON error (description from the docs by default)."""
        with self._lock:
            self._faults.extend(_InjectedFault(status, code, description, html=False) for _ in range(count))

    def fail_next_with_html(self, count: int, status: int = 502) -> None:
        """Answer the next `count` REST calls with a non-JSON HTML error page (a proxy's 502)."""
        with self._lock:
            self._faults.extend(_InjectedFault(status, "", None, html=True) for _ in range(count))

    def overload(self, enabled: bool = True) -> None:
        """Block REST by hand: every call answers 503 OVERLOAD_LIMIT until `overload(False)`."""
        with self._lock:
            self._overloaded = enabled

    @property
    def latency(self) -> float:
        """Seconds every request waits before it is judged (0 for none)."""
        with self._lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        with self._lock:
            self._latency = seconds

    # ---- observations -----------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request answered so far, in the order the answers were decided (a copy)."""
        with self._lock:
            return list(self._requests)

    def calls_to(self, method: str) -> list[RequestRecord]:
        """The requests made to one REST method (name compared case-insensitively, `.json` ignored)."""
        wanted = method.lower().removesuffix(".json")
        return [record for record in self.requests if record.method == wanted]

    @property
    def internal_errors(self) -> list[BaseException]:
        """Exceptions the fake raised while answering (bugs of the fake; each answered 500)."""
        with self._lock:
            return list(self._internal_errors)

    # ---- request handling (called from connection threads) ----------------------------------------

    def _answer(self, http_method: str, target: str, body: bytes, content_type: str) -> _Answer:
        arrived = time.time()
        latency = self.latency
        if latency > 0:
            time.sleep(latency)
        split = urlsplit(target)
        path, query = split.path, split.query
        name, via_webhook = path, False
        try:
            if path.rstrip("/") == "/oauth/token":
                name = TOKEN_ENDPOINT_NAME
                answer = self._answer_token_request(query, body, content_type)
            elif (rest_call := _parse_rest_path(path)) is not None:
                name, via_webhook = rest_call
                answer = self._answer_rest_call(http_method, rest_call, query, body, content_type, arrived)
            else:
                answer = _error_answer(404, "NOT_FOUND", "Not found")
        except Exception as error:
            self._record_internal_error(error)
            answer = _error_answer(500, "INTERNAL_SERVER_ERROR", f"Fake portal bug: {error!r}")
        with self._lock:
            self._requests.append(RequestRecord(name, answer.status, via_webhook, arrived, path))
        return answer

    def _answer_rest_call(
        self,
        http_method: str,
        rest_call: _RestCall,
        query: str,
        body: bytes,
        content_type: str,
        arrived: float,
    ) -> _Answer:
        query_params = _parse_php_style_pairs(parse_qsl(query, keep_blank_values=True))
        params = {**query_params, **_parse_body(body, content_type)}
        auth = params.pop("auth", None) or query_params.get("auth")
        params = {str(key).upper(): value for key, value in params.items()}
        with self._lock:
            self._rest_calls += 1
            if self._rest_calls in self._fail_at:
                status, code = self._fail_at.pop(self._rest_calls)
                return _error_answer(status, code)
            if self._moved_to is not None:  # change-domen.md: a redirect to the new address
                location = f"https://{self._moved_to}/rest/{rest_call.method}"
                return _Answer(302, b"", "text/html", (("Location", location),))
            if self._faults:
                fault = self._faults.popleft()
                if fault.html:
                    return _html_answer(fault.status)
                return _error_answer(fault.status, fault.code, fault.description)
            if self._overloaded:
                return _error_answer(503, "OVERLOAD_LIMIT")
            if not self._bucket_admits_locked():
                return _error_answer(503, "QUERY_LIMIT_EXCEEDED")
            if http_method not in ("GET", "POST"):
                return _error_answer(405, "ERROR_METHOD_NOT_ALLOWED", "Method not allowed")
            if rest_call.via_webhook:
                if rest_call.method.startswith("imconnector."):
                    return _error_answer(403, "WRONG_AUTH_TYPE")
                return _error_answer(404, "ERROR_METHOD_NOT_FOUND")
            refusal = self._check_access_token_locked(auth)
            if refusal is not None:
                return refusal
            handler = fake_methods.handler_for(rest_call.method)
            if handler is None:
                return _error_answer(404, "ERROR_METHOD_NOT_FOUND")
            if time.time() < self._operations_blocked_until:
                reset_at = math.ceil(self._operations_blocked_until + self._clock_offset)
                return _error_answer(429, "OPERATION_TIME_LIMIT", time={"operating_reset_at": reset_at})
            return handler(self, params, arrived)

    def _delete_messages_locked(self, params: dict[str, Any], arrived: float) -> _Answer:
        connector, line, messages = params.get("CONNECTOR"), params.get("LINE"), params.get("MESSAGES")
        for argument, value in (("CONNECTOR", connector), ("LINE", line), ("MESSAGES", messages)):
            if _is_null_or_empty(value):
                return _error_answer(400, "ERROR_ARGUMENT", f"Argument '{argument}' is null or empty")
        connector_code = str(connector)
        line_id = _as_line_id(line)
        if line_id is None or (connector_code, line_id) not in self._open_lines:
            return _error_answer(400, "NOT_ACTIVE_LINE")
        items = _as_items(messages)
        plan = self._drop_plan
        reported_count = len(items)
        processed_count = len(items)
        if plan is not None:
            reported_count = max(0, len(items) - plan.items)
            processed_count = len(items) if plan.processed else reported_count
            plan.answers_left -= 1
            if plan.answers_left <= 0:
                self._drop_plan = None
        results = [self._delete_one_locked(connector_code, line_id, item) for item in items[:processed_count]]
        payload = {
            "result": {"SUCCESS": True, "DATA": {"RESULT": results[:reported_count]}},
            "time": self._time_block(arrived),
        }
        return _json_answer(200, payload)

    def _delete_one_locked(self, connector: str, line: int, item: Any) -> dict[str, Any]:
        external_user_id = _block_id(item, "user")
        chat_id, message_id = _block_id(item, "chat"), _block_id(item, "message")
        internal_user = self._internal_user_id_locked(connector, external_user_id) if external_user_id else "0"
        entry: dict[str, Any] = {
            "user": internal_user,
            "message": _block_echo(item, "message"),
            "chat": _block_echo(item, "chat"),
        }
        if self._echo_ids_upper:  # the portal normalises ids on the way back
            for block in (entry["message"], entry["chat"]):
                if isinstance(block.get("id"), str):
                    block["id"] = f" {block['id'].upper()} "
        if chat_id is not None and message_id is not None:
            key = MessageKey(connector, line, chat_id, message_id)
            self._delete_attempts[key] += 1
            if self._messages.pop(key, None) is not None:
                self._deletions[key] += 1
                entry["SUCCESS"] = True
                return entry
        entry["SUCCESS"] = False
        entry["ERRORS"] = [MESSAGE_NOT_FOUND]
        return entry

    def _time_block(self, arrived: float) -> dict[str, Any]:
        finished = time.time()
        return {
            "start": arrived,
            "finish": finished,
            "duration": finished - arrived,
            "processing": finished - arrived,
            "date_start": _iso_local(arrived),
            "date_finish": _iso_local(finished),
            "operating_reset_at": int(arrived) + OPERATING_WINDOW_SECONDS,
            "operating": finished - arrived,
        }

    def _answer_token_request(self, query: str, body: bytes, content_type: str) -> _Answer:
        params = {
            **_parse_body(body, content_type),
            **_parse_php_style_pairs(parse_qsl(query, keep_blank_values=True)),
        }
        grant_type, client_id = params.get("grant_type"), params.get("client_id")
        client_secret, refresh_token = params.get("client_secret"), params.get("refresh_token")
        if not grant_type or not client_id or not client_secret:
            return _error_answer(400, "invalid_request", "grant_type, client_id and client_secret are required")
        if grant_type != "refresh_token":
            return _error_answer(400, "unsupported_grant_type", "Only grant_type=refresh_token is supported")
        with self._lock:
            if self._applications.get(str(client_id)) != client_secret:
                return _error_answer(401, "invalid_client", "Invalid client credentials")
            if not refresh_token or self._refresh_tokens.get(str(refresh_token)) != str(client_id):
                return _error_answer(400, "invalid_grant", "Invalid grant")
            del self._refresh_tokens[str(refresh_token)]
            access, refresh = self._issue_tokens_locked(str(client_id))
            self._refresh_count += 1
            expires = int(self._access_grants[access].expires_at)
        port = self.port
        payload = {
            "access_token": access,
            "expires": expires,
            "expires_in": ACCESS_TOKEN_LIFETIME_SECONDS,
            "scope": TOKEN_SCOPE,
            "domain": f"127.0.0.1:{port}",
            "server_endpoint": f"https://127.0.0.1:{port}/rest/",
            "status": "L",
            "client_endpoint": f"https://127.0.0.1:{port}/rest/",
            "member_id": "fake0portal0member0id00000000000",
            "user_id": 1,
            "refresh_token": refresh,
        }
        return _json_answer(200, payload)

    # ---- helpers that expect the lock to be held --------------------------------------------------

    def _issue_tokens_locked(self, client_id: str) -> tuple[str, str]:
        access, refresh = secrets.token_hex(32), secrets.token_hex(32)
        expires_at = time.time() + ACCESS_TOKEN_LIFETIME_SECONDS
        self._access_grants[access] = _AccessGrant(client_id=client_id, expires_at=expires_at)
        self._refresh_tokens[refresh] = client_id
        self._current_tokens = (access, refresh)
        return access, refresh

    def _check_access_token_locked(self, auth: Any) -> _Answer | None:
        grant = self._access_grants.get(auth) if isinstance(auth, str) else None
        if grant is None:
            return _error_answer(401, "NO_AUTH_FOUND")
        if grant.expired_by_test or time.time() >= grant.expires_at:
            return _error_answer(401, "expired_token")
        return None

    def _bucket_admits_locked(self) -> bool:
        if self._bucket_burst is None:
            return True
        now = time.monotonic()
        drained = (now - self._bucket_updated_at) * self._bucket_drain_per_second
        self._bucket_level = max(0.0, self._bucket_level - drained)
        self._bucket_updated_at = now
        if self._bucket_level + 1 > self._bucket_burst:
            return False
        self._bucket_level += 1
        return True

    def _internal_user_id_locked(self, connector: str, external_user_id: str) -> str:
        key = (connector, external_user_id)
        if key not in self._internal_user_ids:
            self._internal_user_ids[key] = str(self._next_internal_user_id)
            self._next_internal_user_id += 1
        return self._internal_user_ids[key]

    def _current_token_pair(self) -> tuple[str, str]:
        with self._lock:
            if self._current_tokens is None:
                raise RuntimeError("no tokens were issued: call issue_tokens() first")
            return self._current_tokens

    def _record_internal_error(self, error: BaseException) -> None:
        with self._lock:
            self._internal_errors.append(error)


def _parse_rest_path(path: str) -> _RestCall | None:
    """`/rest/METHOD[.json]` (application) or `/rest/USER_ID/CODE/METHOD[.json]` (webhook)."""
    if not path.startswith("/rest/"):
        return None
    segments = path.removeprefix("/rest/").split("/")
    if len(segments) not in (1, 3) or not segments[-1]:
        return None
    method = segments[-1].lower().removesuffix(".json")
    return _RestCall(method=method, via_webhook=len(segments) == 3)


@pytest.fixture
def fake_portal() -> Iterator[FakePortal]:
    """A started FakePortal with line 107 open for "myconnector" and tokens issued for "app.test".

    The tokens are `portal.access_token` / `portal.refresh_token` (the client secret is
    "app-secret"). The test fails at teardown if the fake itself raised while answering.
    """
    with FakePortal() as portal:
        portal.add_line(DEFAULT_LINE, DEFAULT_CONNECTOR)
        portal.issue_tokens(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        yield portal
        errors = portal.internal_errors
    if errors:
        pytest.fail(f"the fake portal raised while answering: {errors!r}")
