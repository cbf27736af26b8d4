"""Fixtures: an ``app``, SMTP servers on loopback, and a guard against the network.

Every test runs with :func:`network_attempts`: a connection or a name lookup
for anything but this machine fails the test, so no test reaches the
network, even through a library that swallows the error.

PostgreSQL tests read ``VIAL_TEST_DATABASE_URL``; without it they skip,
with one reason naming the variable, unless ``VIAL_CI=1`` is set, when a
missing or unreachable database fails them.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import typing as t
from pathlib import Path

import pytest
from smtp_server import Certificate
from smtp_server import make_certificate
from smtp_server import ServerFactory

from vial import Vial

DATABASE_URL_VARIABLE = "VIAL_TEST_DATABASE_URL"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkAccessError(AssertionError):
    """A test tried to reach another machine.

    An AssertionError rather than an OSError, so code under test that turns
    socket errors into its own errors does not hide it.
    """


def _is_local(host: t.Any) -> bool:
    if host is None or host in _LOCAL_NAMES:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[list[str]]:
    """Refuse connections and name lookups that leave this machine."""
    attempts: list[str] = []

    def refuse(what: str) -> t.NoReturn:
        attempts.append(what)
        raise NetworkAccessError(f"A test tried to reach the network: {what}.")

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check_address(sock: socket.socket, address: t.Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(
            address[0]
        ):
            refuse(f"connect to {address!r}")

    def connect(sock: socket.socket, address: t.Any) -> None:
        check_address(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: t.Any) -> int:
        check_address(sock, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if not _is_local(host):
            refuse(f"look up {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def lookup(name: str) -> t.Callable[..., t.Any]:
        real = getattr(socket, name)

        def guarded(host: t.Any, *args: t.Any) -> t.Any:
            if not _is_local(host):
                refuse(f"{name}({host!r})")
            return real(host, *args)

        return guarded

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for name in ("gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, lookup(name))
    # The machine's own name is looked up through DNS; nothing may need it.
    monkeypatch.setattr(socket, "getfqdn", lambda name="": refuse("getfqdn()"))
    yield attempts
    if attempts:
        pytest.fail(f"The test tried to reach the network: {attempts}", pytrace=False)


@pytest.fixture
def app(tmp_path: Path) -> Vial:
    """An app in testing mode; tests set the MAIL_* config, then set up Mail."""
    app = Vial("vial_mail_test", instance_path=str(tmp_path / "instance"))
    app.config.update(
        TESTING=True,
        SECRET_KEY="test key",
        MAIL_DEFAULT_SENDER="App <app@example.com>",
        # The EHLO name; the default would look up this machine's name.
        MAIL_LOCAL_HOSTNAME="client.test",
    )
    return app


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A throwaway certificate for 127.0.0.1 and localhost, and its key."""
    return make_certificate(tmp_path_factory.mktemp("certificate"))


@pytest.fixture
def smtp_servers(certificate: Certificate) -> t.Iterator[ServerFactory]:
    """Start SMTP servers on loopback; they stop after the test."""
    factory = ServerFactory(certificate)
    yield factory
    factory.stop_all()


#: The databases the outbox tests run on: PostgreSQL only when it is given
#: (``test_outbox_sql.test_postgresql_is_tested`` reports it once otherwise).
OUTBOX_DATABASES = ["sqlite"]
if os.environ.get(DATABASE_URL_VARIABLE):
    OUTBOX_DATABASES.append("postgresql")
