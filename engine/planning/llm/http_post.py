"""One bounded HTTP POST, for talking to model servers a user points the app at.

A server can be slow, broken or hostile, so one attempt is bounded in every way that
matters: one deadline covers connecting, sending, the headers and the whole body (a
watchdog shuts the socket when it passes, so a server dripping a byte a second cannot hold
the caller); cancelling is seen within a tenth of a second, also in the middle of a read; the
body is read up to a size limit; redirects are never followed (the request and its API key
go to the address the user gave and nowhere else); and every way the exchange can fail,
down to a malformed status line or broken chunked encoding, ends in one `HTTPFailure`.
Standard library only; proxies from the environment (`https_proxy`, `no_proxy`) are used
as urllib would use them.
"""
from __future__ import annotations

import base64
import http.client
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from engine.errors import Cancelled
from engine.progress import CancelToken

READ_CHUNK = 64 * 1024
POLL_S = 0.05  # how often the watchdog looks at the clock and the cancel flag
REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    location: str = ""  # where a redirect pointed (never followed)


class HTTPFailure(Exception):
    """The exchange failed; `retryable` when trying again may help (timeouts, resets)."""

    def __init__(self, reason: str, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


def check_url(url: str) -> str | None:
    """Why `url` cannot be used as an http(s) endpoint (None when it can)."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "it holds a space or a control character"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https"):
        return "it is not an http(s) URL"
    if not parts.hostname:
        return "it names no host"
    if port == 0:
        return "port 0 is not a port a server listens on"
    return None


def post(url: str, body: bytes, headers: dict[str, str], timeout_s: float, max_bytes: int,
         cancel: CancelToken | None = None) -> Reply:
    """POST `body` to `url` once; the status and body of whatever the server answers
    (redirects included, unfollowed). Raises HTTPFailure, or Cancelled."""
    route = _route(urlsplit(url), timeout_s)
    connection = route.connection
    headers = {**headers, **route.headers, "Connection": "close"}
    with _Watchdog(connection, timeout_s, cancel) as watchdog:
        try:
            connection.request("POST", route.selector, body=body, headers=headers)
            response = connection.getresponse()
            status = response.status
            location = response.getheader("Location", "") if status in REDIRECTS else ""
            payload = b"" if location else _read_body(response, max_bytes)
        except _TooLarge:
            raise HTTPFailure(f"its answer is larger than {max_bytes // 2**20} MB", False) \
                from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            watchdog.stop()
            if watchdog.cancelled:
                raise Cancelled("cancelled") from None
            if watchdog.expired or isinstance(exc, TimeoutError):
                raise HTTPFailure(f"no answer within {timeout_s:g} s", True) from None
            if isinstance(exc, http.client.HTTPException):
                raise HTTPFailure(f"its answer is not valid HTTP ({_describe(exc)})", False) \
                    from None
            raise HTTPFailure(_connection_problem(exc), True) from None
        finally:
            connection.close()
        watchdog.stop()
        if watchdog.cancelled:
            raise Cancelled("cancelled")
        if watchdog.expired:  # the answer was cut off at the deadline
            raise HTTPFailure(f"no answer within {timeout_s:g} s", True)
    return Reply(status, payload, location)


class _TooLarge(Exception):
    pass


def _read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    declared = response.getheader("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise _TooLarge
    chunks, size = [], 0
    while True:
        chunk = response.read(min(READ_CHUNK, max_bytes + 1 - size))
        if not chunk:
            if response.length:  # http.client reads a cut-off body as a short one
                raise http.client.IncompleteRead(b"".join(chunks), response.length)
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise _TooLarge


@dataclass
class _Route:
    connection: http.client.HTTPConnection
    selector: str  # what goes on the request line
    headers: dict[str, str]  # for a plain proxy: its credentials


def _route(parts, timeout_s: float) -> _Route:
    """How to reach the server: directly, or through the environment's proxy for its
    scheme (a CONNECT tunnel for https, so the proxy sees neither request nor key)."""
    host, port = parts.hostname, parts.port
    secure = parts.scheme == "https"
    selector = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        kind = http.client.HTTPSConnection if secure else http.client.HTTPConnection
        return _Route(kind(host, port, timeout=timeout_s), selector, {})
    proxy_parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    credentials = {}
    if proxy_parts.username:
        user = f"{unquote(proxy_parts.username)}:{unquote(proxy_parts.password or '')}"
        credentials["Proxy-Authorization"] = "Basic " + base64.b64encode(user.encode()).decode()
    if secure:
        connection = http.client.HTTPSConnection(proxy_parts.hostname, proxy_parts.port,
                                                 timeout=timeout_s)
        connection.set_tunnel(host, port, headers=credentials)
        return _Route(connection, selector, {})
    connection = http.client.HTTPConnection(proxy_parts.hostname, proxy_parts.port,
                                            timeout=timeout_s)
    return _Route(connection, parts.geturl(), credentials)


class _Watchdog:
    """Shuts the connection's socket once the deadline passes or the user cancels; a read
    blocked on it then returns at once. Runs for one attempt (a `with` block)."""

    def __init__(self, connection: http.client.HTTPConnection, timeout_s: float,
                 cancel: CancelToken | None) -> None:
        self.connection = connection
        self.deadline = time.monotonic() + timeout_s
        self.cancel = cancel
        self.expired = False
        self.cancelled = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="http-deadline", daemon=True)
        self._shut: set[int] = set()

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(POLL_S):
            if self.cancel is not None and self.cancel.cancelled:
                self.cancelled = True
            elif time.monotonic() >= self.deadline:
                self.expired = True
            if self.cancelled or self.expired:
                self._shut_socket()  # again on every poll: a connect may finish later

    def _shut_socket(self) -> None:
        sock = self.connection.sock
        if sock is None or id(sock) in self._shut:
            return
        self._shut.add(id(sock))
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _connection_problem(exc: BaseException) -> str:
    if isinstance(exc, (ConnectionRefusedError, socket.gaierror)):
        return f"cannot reach it ({_describe(exc)})"
    return f"the connection failed ({_describe(exc)})"


def _describe(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    text = " ".join(str(text).split())
    return text[:120] + ("…" if len(text) > 120 else "")
