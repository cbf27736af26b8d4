"""The conftest guard that keeps every test off the network works."""

from __future__ import annotations

import socket

import pytest
from conftest import NetworkAccessError

from vial import Vial
from vial_mail import Mail
from vial_mail import Message


def test_connecting_elsewhere_is_refused(network_attempts: list[str]) -> None:
    with socket.socket() as sock, pytest.raises(NetworkAccessError):
        # 192.0.2.0/24 is reserved for documentation: nothing is there, and
        # the guard stops the attempt before any packet is sent.
        sock.connect(("192.0.2.1", 25))
    with pytest.raises(NetworkAccessError):
        socket.getaddrinfo("example.com", 25)
    with pytest.raises(NetworkAccessError):
        socket.getfqdn()
    assert len(network_attempts) == 3
    network_attempts.clear()


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
    assert socket.getaddrinfo("localhost", 25)


def test_a_mail_server_elsewhere_is_never_reached(
    app: Vial, network_attempts: list[str]
) -> None:
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="mail.example.com",
                      MAIL_SUPPRESS_SEND=False)  # fmt: skip
    mail = Mail(app)
    with app.app_context(), pytest.raises(NetworkAccessError):
        mail.send(Message("x", recipients=["ann@example.com"]))
    assert network_attempts == ["look up 'mail.example.com'"]
    network_attempts.clear()


def test_building_a_message_needs_no_name_lookup() -> None:
    # make_msgid() would look up this machine's name; the sender's domain
    # is used instead, so this passes under the guard.
    message = Message("x", sender="a@example.com", recipients=["b@example.com"])
    assert message.as_bytes()
