"""The Python load generator against a local server (loopback only, bounded)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest
from harness.loadgen import run_load


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"ok" if self.path == "/" else b"missing"
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Length", str(len(body)))
        if self.path == "/close":
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_keep_alive_load_counts_requests_and_latencies(port: int) -> None:
    result = run_load(port, "/", connections=2, seconds=5.0, limit=200)
    assert result.requests == 200
    assert result.errors == 0
    assert result.non_2xx == 0
    assert len(result.latencies_ns) == 200
    assert 0 < result.percentile_ms(0.5) <= result.percentile_ms(0.99)


def test_closed_connections_are_reopened_and_non_2xx_counted(port: int) -> None:
    result = run_load(port, "/close", connections=2, seconds=5.0, limit=50)
    assert result.requests == 50
    assert result.non_2xx == 50


def test_only_loopback_is_a_target() -> None:
    with pytest.raises(ValueError, match="loopback"):
        run_load(80, "/", connections=1, seconds=0.1, host="192.0.2.1")
