"""A loopback TCP server that answers HTTP requests with exactly the bytes a test scripts,
when it scripts them: malformed status lines, endless headers, broken chunked encoding, a
byte a second. What an ordinary HTTP server library would refuse to send."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable

# what to send: chunks of bytes, or a number of seconds to wait before the next chunk
Script = Callable[[bytes], Iterable[bytes | float]]


class RawServer:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[bytes] = []  # each request as received (head and body)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return self._listener.getsockname()[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            request = _read_request(connection)
            self.requests.append(request)
            try:
                for step in self.script(request):
                    if self._stop.is_set():
                        return
                    if isinstance(step, (int, float)):
                        _sleep(step, self._stop)
                    else:
                        connection.sendall(step)
            except OSError:  # the client hung up: what the test wanted, usually
                return


def _read_request(connection: socket.socket) -> bytes:
    connection.settimeout(5)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                break
            body += chunk
        return head + b"\r\n\r\n" + body
    except OSError:
        return data


def _sleep(seconds: float, stop: threading.Event) -> None:
    deadline = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline:
        time.sleep(min(0.02, max(deadline - time.monotonic(), 0)))


def response(body: bytes, status: str = "200 OK", headers: dict[str, str] | None = None) -> bytes:
    """A well-formed HTTP/1.1 response."""
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}",
             "Content-Type: application/json", "Connection: close",
             *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
