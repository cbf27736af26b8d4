"""Real SMTP servers on loopback for the tests, and a throwaway certificate.

:class:`ServerFactory` starts aiosmtpd servers in threads, with STARTTLS,
implicit TLS, AUTH and SMTPUTF8 as a test asks, and servers that fail on
purpose: one that accepts connections and never answers, one that drops
the connection in the middle of a message, one that answers too late.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import ssl
import subprocess
import typing as t
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from aiosmtpd.smtp import Envelope
from aiosmtpd.smtp import LoginPassword
from aiosmtpd.smtp import Session
from aiosmtpd.smtp import SMTP

HOST = "127.0.0.1"
USERNAME = "mailer"
#: smtplib alone cannot log in with this password: it is not ASCII.
PASSWORD = "s3cret-pässword"
ASCII_PASSWORD = "s3cret-password"


@dataclasses.dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost, in PEM files."""

    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        """Return a TLS context for a server presenting this certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_certificate(folder: Path) -> Certificate:
    """Make a key and a self-signed certificate valid for a day, with openssl.

    The ``openssl`` command comes with every system that has certificate
    authorities installed (Debian's ca-certificates depends on it). The
    cryptography package would do as well, but installed next to the other
    packages' test dependencies it changes what mypy finds in the core.
    """
    cert_file = folder / "cert.pem"
    key_file = folder / "key.pem"
    command = [
        "openssl", "req", "-x509", "-nodes", "-days", "1",
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-subj", "/CN=vial-mail test",
        "-addext", f"subjectAltName=DNS:localhost,IP:{HOST}",
        "-keyout", str(key_file), "-out", str(cert_file),
    ]  # fmt: skip
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=60)
    except FileNotFoundError:
        raise RuntimeError(
            "The TLS tests make a certificate with the openssl command, which"
            " is not installed; install it (apt-get install openssl)."
        ) from None
    return Certificate(cert_file, key_file)


def free_port() -> int:
    """Return a loopback port nothing listens on (for now)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
    return port


@dataclasses.dataclass
class Received:
    """A message as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    mail_options: list[str]
    #: The name the client gave in EHLO.
    ehlo_name: str
    #: The AUTH mechanism the client logged in with, if it logged in.
    auth_mechanism: str | None
    #: The connection (aiosmtpd session) it came over.
    session: Session


class Handler:
    """Keeps what the server receives; can misbehave when ``fail`` says so.

    Recipients whose address starts with ``unknown`` are refused.

    :param fail: ``"drop"`` closes the connection when the message data
        arrives; ``"slow"`` waits 30 seconds before answering it.
    """

    def __init__(self, fail: str | None = None) -> None:
        self.fail = fail
        self.received: list[Received] = []
        self.auth: dict[int, str] = {}

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.startswith("unknown"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.fail == "drop":
            assert server.transport is not None
            server.transport.close()
            return "250 never seen"
        if self.fail == "slow":
            await asyncio.sleep(30)
        assert envelope.mail_from is not None
        content = envelope.original_content or b""
        self.received.append(
            Received(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                content=content,
                mail_options=list(envelope.mail_options),
                ehlo_name=session.host_name or "",
                auth_mechanism=self.auth.get(id(session)),
                session=session,
            )
        )
        return "250 OK"

    def authenticate(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: t.Any,
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == USERNAME.encode()
            and auth_data.password in (PASSWORD.encode(), ASCII_PASSWORD.encode())
        )
        if ok:
            self.auth[id(session)] = mechanism
        # handled=False: the server answers the failure (535) itself.
        return AuthResult(success=ok, handled=False)

    @property
    def connections(self) -> int:
        """How many connections delivered messages."""
        return len({id(message.session) for message in self.received})


@dataclasses.dataclass
class Server:
    """A running test server."""

    port: int
    handler: Handler
    controller: Controller | None = None
    listener: socket.socket | None = None

    @property
    def received(self) -> list[Received]:
        """The messages received so far."""
        return self.handler.received

    def stop(self) -> None:
        """Stop serving."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        if self.listener is not None:
            self.listener.close()
            self.listener = None


class ServerFactory:
    """Starts test servers; :meth:`stop_all` stops every one."""

    def __init__(self, certificate: Certificate) -> None:
        self.certificate = certificate
        self.servers: list[Server] = []

    def start(
        self,
        *,
        starttls: bool = False,
        implicit_tls: bool = False,
        auth: bool = False,
        auth_exclude: t.Sequence[str] = (),
        smtputf8: bool = False,
        fail: str | None = None,
    ) -> Server:
        """Start an aiosmtpd server on a free loopback port.

        :param starttls: offer STARTTLS, and require it before mail.
        :param implicit_tls: speak TLS from the first byte.
        :param auth: offer AUTH (only over TLS) and require it.
        :param auth_exclude: AUTH mechanisms not to offer.
        :param smtputf8: offer SMTPUTF8.
        :param fail: how the handler misbehaves (see :class:`Handler`).
        """
        handler = Handler(fail)
        kwargs: dict[str, t.Any] = {
            "enable_SMTPUTF8": smtputf8,
            "server_hostname": "mail.test",
        }
        if starttls:
            kwargs["tls_context"] = self.certificate.server_context()
            kwargs["require_starttls"] = True
        if implicit_tls:
            kwargs["ssl_context"] = self.certificate.server_context()
        if auth:
            kwargs["authenticator"] = handler.authenticate
            kwargs["auth_required"] = True
            kwargs["auth_exclude_mechanism"] = list(auth_exclude)
        controller = Controller(handler, hostname=HOST, port=free_port(), **kwargs)
        controller.start()
        server = Server(port=controller.port, handler=handler, controller=controller)
        self.servers.append(server)
        return server

    def start_silent(self) -> Server:
        """Listen but never answer: connecting works, no greeting ever comes."""
        listener = socket.socket()
        listener.bind((HOST, 0))
        listener.listen(4)
        server = Server(
            port=listener.getsockname()[1], handler=Handler(), listener=listener
        )
        self.servers.append(server)
        return server

    def stop_all(self) -> None:
        """Stop every server started."""
        for server in self.servers:
            server.stop()
