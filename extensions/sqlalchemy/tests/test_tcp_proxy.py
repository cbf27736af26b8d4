"""vial_sqlalchemy.tcp_proxy: bytes pass through, cut drops and refuses, restore."""

from __future__ import annotations

import socket
import threading
import typing as t

import pytest

from vial_sqlalchemy.tcp_proxy import TCPProxy


@pytest.fixture
def echo_port() -> t.Iterator[int]:
    """A loopback server that sends back what it reads, one thread per client."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    stop = threading.Event()

    def echo(client: socket.socket) -> None:
        with client:
            while data := client.recv(65536):
                client.sendall(data)

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=echo, args=(client,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    server.close()


def _connect(proxy: TCPProxy) -> socket.socket:
    return socket.create_connection(("127.0.0.1", proxy.port), timeout=5)


def _round_trip(sock: socket.socket, data: bytes) -> bytes:
    sock.sendall(data)
    received = b""
    while len(received) < len(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def _is_dropped(sock: socket.socket) -> bool:
    """Return whether the peer closed ``sock`` (a read gives EOF or a reset)."""
    try:
        sock.sendall(b"ping")
        return sock.recv(16) == b""
    except OSError:
        return True


def test_bytes_pass_both_ways(echo_port: int) -> None:
    with TCPProxy("127.0.0.1", echo_port) as proxy, _connect(proxy) as sock:
        assert proxy.port != echo_port
        big = bytes(range(256)) * 1024  # more than one read
        assert _round_trip(sock, big) == big


def test_cut_drops_open_connections_and_refuses_new_ones(echo_port: int) -> None:
    with TCPProxy("127.0.0.1", echo_port) as proxy:
        with _connect(proxy) as before:
            assert _round_trip(before, b"hello") == b"hello"
            proxy.cut()
            assert _is_dropped(before)
        with _connect(proxy) as during:  # accepted, then closed at once
            assert _is_dropped(during)
        proxy.restore()
        with _connect(proxy) as after:
            assert _round_trip(after, b"back") == b"back"


def test_an_unreachable_server_closes_the_client() -> None:
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        closed_port = spare.getsockname()[1]
    with TCPProxy("127.0.0.1", closed_port) as proxy, _connect(proxy) as sock:
        assert _is_dropped(sock)


def test_close_frees_the_port(echo_port: int) -> None:
    proxy = TCPProxy("127.0.0.1", echo_port)
    port = proxy.port
    proxy.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
