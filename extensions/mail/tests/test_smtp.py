"""The smtp backend against real SMTP servers on loopback."""

from __future__ import annotations

import email
import smtplib
import ssl
import time
import typing as t
from email import policy

import pytest
from smtp_server import ASCII_PASSWORD
from smtp_server import free_port
from smtp_server import HOST
from smtp_server import PASSWORD
from smtp_server import Server
from smtp_server import ServerFactory
from smtp_server import USERNAME

from vial import Vial
from vial_mail import Mail
from vial_mail import MailSendError
from vial_mail import Message
from vial_mail.smtp import SMTPBackend

#: Every failure must be reported within this many seconds.
QUICK = 5.0


def _mail(app: Vial, server: Server | int, **config: t.Any) -> Mail:
    port = server if isinstance(server, int) else server.port
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER=HOST,
        MAIL_PORT=port,
        MAIL_SUPPRESS_SEND=False,
        MAIL_TIMEOUT=1,
    )
    app.config.update(config)
    return Mail(app)


def _login_mail(
    app: Vial, smtp_servers: ServerFactory, server: Server, password: str
) -> Mail:
    """Mail through a STARTTLS server trusted by the test, logging in."""
    return _mail(
        app,
        server,
        MAIL_USE_TLS=True,
        MAIL_SSL_CAFILE=str(smtp_servers.certificate.cert_file),
        MAIL_USERNAME=USERNAME,
        MAIL_PASSWORD=password,
    )


def _message(**kwargs: t.Any) -> Message:
    kwargs.setdefault("recipients", ["ann@example.com"])
    return Message("Hello", body="A body.", **kwargs)


def _send_error(app: Vial, mail: Mail, message: Message | None = None) -> str:
    start = time.monotonic()
    with app.app_context(), pytest.raises(MailSendError) as info:
        mail.send(message or _message())
    assert time.monotonic() - start < QUICK
    return str(info.value)


def test_sends_over_plain_smtp(app: Vial, smtp_servers: ServerFactory) -> None:
    server = smtp_servers.start()
    mail = _mail(app, server)
    with app.app_context():
        mail.send(_message(cc=["Bob <bob@example.com>"], bcc=["eve@example.com"]))
    (received,) = server.received
    assert received.mail_from == "app@example.com"
    assert received.rcpt_tos == [
        "ann@example.com",
        "bob@example.com",
        "eve@example.com",
    ]
    assert received.ehlo_name == "client.test"
    parsed = email.message_from_bytes(received.content, policy=policy.default)
    assert parsed["Subject"] == "Hello"
    assert parsed["To"] == "ann@example.com"
    assert parsed["Cc"] == "Bob <bob@example.com>"
    assert "Bcc" not in parsed
    assert "eve@example.com" not in received.content.decode()


def test_envelope_from_is_the_bounce_address(
    app: Vial, smtp_servers: ServerFactory
) -> None:
    server = smtp_servers.start()
    mail = _mail(app, server)
    with app.app_context(), mail.connect() as connection:
        connection.send(_message(), envelope_from="bounces@example.com")
    (received,) = server.received
    assert received.mail_from == "bounces@example.com"
    assert b"From: App <app@example.com>" in received.content


@pytest.mark.parametrize(
    ("server_kwargs", "switch"),
    [({"starttls": True}, "MAIL_USE_TLS"), ({"implicit_tls": True}, "MAIL_USE_SSL")],
)
def test_tls_with_the_test_certificate(
    app: Vial, smtp_servers: ServerFactory, server_kwargs: dict[str, t.Any], switch: str
) -> None:
    # Both servers take mail only over TLS: reaching them proves it is used.
    server = smtp_servers.start(**server_kwargs)
    cafile = str(smtp_servers.certificate.cert_file)
    config: dict[str, t.Any] = {switch: True, "MAIL_SSL_CAFILE": cafile}
    mail = _mail(app, server, **config)
    with app.app_context():
        mail.send(_message())
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("offered", "excluded"), [("PLAIN", "LOGIN"), ("LOGIN", "PLAIN")]
)
@pytest.mark.parametrize("password", [ASCII_PASSWORD, PASSWORD])
def test_auth_mechanisms(
    app: Vial, smtp_servers: ServerFactory, offered: str, excluded: str, password: str
) -> None:
    server = smtp_servers.start(starttls=True, auth=True, auth_exclude=[excluded])
    mail = _login_mail(app, smtp_servers, server, password)
    with app.app_context():
        mail.send(_message())
    (received,) = server.received
    assert received.auth_mechanism == offered


@pytest.mark.parametrize("wrong", ["wrong password", "wrong pässword"])
def test_wrong_password_names_the_user_not_the_password(
    app: Vial, smtp_servers: ServerFactory, wrong: str
) -> None:
    server = smtp_servers.start(starttls=True, auth=True)
    mail = _login_mail(app, smtp_servers, server, wrong)
    error = _send_error(app, mail)
    assert f"refused the login of {USERNAME!r}" in error
    assert "MAIL_USERNAME and MAIL_PASSWORD" in error
    assert wrong not in error
    assert server.received == []


#: Settings that do not fit the server: how the server runs, the settings,
#: and what the error must say.
MISMATCHES: list[tuple[dict[str, t.Any], dict[str, t.Any], list[str]]] = [
    # aiosmtpd offers AUTH only over TLS, as servers should.
    (
        {},
        {"MAIL_USERNAME": USERNAME, "MAIL_PASSWORD": PASSWORD},
        ["offers no login (AUTH)", "MAIL_USE_TLS"],
    ),
    ({}, {"MAIL_USE_TLS": True}, ["does not support what starting TLS", "STARTTLS"]),
    ({}, {"MAIL_USE_SSL": True}, ["TLS with the SMTP server", "MAIL_USE_SSL"]),
    # The server waits for a TLS hello, the client for a greeting.
    (
        {"implicit_tls": True},
        {},
        ["did not answer within 1 second while connecting", "MAIL_USE_SSL"],
    ),
    # The certificate is not signed by an authority the system trusts.
    (
        {"starttls": True},
        {"MAIL_USE_TLS": True},
        ["The certificate of the SMTP server at", "MAIL_SSL_CAFILE"],
    ),
]


@pytest.mark.parametrize(("server_kwargs", "config", "says"), MISMATCHES)
def test_settings_that_do_not_fit_the_server(
    app: Vial,
    smtp_servers: ServerFactory,
    server_kwargs: dict[str, t.Any],
    config: dict[str, t.Any],
    says: list[str],
) -> None:
    server = smtp_servers.start(**server_kwargs)
    mail = _mail(app, server, **config)
    error = _send_error(app, mail)
    assert error.startswith(("Could not", "The", "TLS"))
    assert f"{HOST}:{server.port}" in error
    for text in says:
        assert text in error
    assert server.received == []


def test_untrusted_certificate_is_a_verification_error(
    app: Vial, smtp_servers: ServerFactory
) -> None:
    server = smtp_servers.start(implicit_tls=True)
    mail = _mail(app, server, MAIL_USE_SSL=True)
    assert isinstance(_cause(app, mail), ssl.SSLCertVerificationError)


def test_refused_connection(app: Vial) -> None:
    port = free_port()
    mail = _mail(app, port)
    error = _send_error(app, mail)
    assert error == (
        f"Could not connect to the SMTP server at {HOST}:{port}: the connection"
        " was refused. Check MAIL_SERVER and MAIL_PORT, and that the server is"
        " running."
    )
    assert isinstance(_cause(app, mail), ConnectionRefusedError)


def test_server_that_never_answers(app: Vial, smtp_servers: ServerFactory) -> None:
    server = smtp_servers.start_silent()
    mail = _mail(app, server, MAIL_TIMEOUT=0.5)
    error = _send_error(app, mail)
    assert error.startswith(
        f"The SMTP server at {HOST}:{server.port} did not answer within 0.5"
        " seconds while connecting."
    )
    assert "raise MAIL_TIMEOUT" in error


def test_server_that_answers_too_late(app: Vial, smtp_servers: ServerFactory) -> None:
    server = smtp_servers.start(fail="slow")
    mail = _mail(app, server, MAIL_TIMEOUT=0.5)
    error = _send_error(app, mail)
    assert "did not answer within 0.5 seconds while sending the message" in error


def test_connection_dropped_mid_message(app: Vial, smtp_servers: ServerFactory) -> None:
    server = smtp_servers.start(fail="drop")
    mail = _mail(app, server)
    error = _send_error(app, mail)
    assert error.startswith(
        f"The SMTP server at {HOST}:{server.port} closed the connection while"
        " sending the message."
    )
    assert isinstance(_cause(app, mail), smtplib.SMTPServerDisconnected)


def test_send_error_is_an_smtp_exception(app: Vial) -> None:
    # Code written for Flask-Mail catches smtplib's and socket errors.
    mail = _mail(app, free_port())
    with app.app_context(), pytest.raises(smtplib.SMTPException):
        mail.send(_message())
    with app.app_context(), pytest.raises(OSError) as info:
        mail.send(_message())
    assert isinstance(info.value, MailSendError)
    assert info.value.server == f"{HOST}:{app.config['MAIL_PORT']}"


def test_smtputf8_address(app: Vial, smtp_servers: ServerFactory) -> None:
    server = smtp_servers.start(smtputf8=True)
    mail = _mail(app, server)
    with app.app_context():
        mail.send(_message(recipients=["Jörg <jörg@example.com>"]))
    (received,) = server.received
    assert received.rcpt_tos == ["jörg@example.com"]
    assert "SMTPUTF8" in received.mail_options
    assert "To: Jörg <jörg@example.com>".encode() in received.content


def test_smtputf8_address_without_server_support(
    app: Vial, smtp_servers: ServerFactory
) -> None:
    server = smtp_servers.start(smtputf8=False)
    mail = _mail(app, server)
    error = _send_error(app, mail, _message(recipients=["jörg@example.com"]))
    assert "does not support SMTPUTF8" in error
    assert "jörg@example.com" in error
    assert server.received == []


def test_non_ascii_domain_needs_no_smtputf8(
    app: Vial, smtp_servers: ServerFactory
) -> None:
    server = smtp_servers.start(smtputf8=False)
    mail = _mail(app, server)
    with app.app_context():
        mail.send(_message(recipients=["Zoë <zoe@münchen.de>"]))
    (received,) = server.received
    assert received.rcpt_tos == ["zoe@xn--mnchen-3ya.de"]
    assert "SMTPUTF8" not in received.mail_options
    assert received.content.isascii()


def test_some_recipients_refused_is_logged(
    app: Vial, smtp_servers: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    server = smtp_servers.start()
    mail = _mail(app, server)
    message = _message(recipients=["ann@example.com", "unknown@example.com"])
    with app.app_context(), caplog.at_level("WARNING", logger="vial_mail"):
        mail.send(message)
    assert server.received[0].rcpt_tos == ["ann@example.com"]
    assert "refused some recipients of 'Hello': unknown@example.com (550" in caplog.text


def test_every_recipient_refused(app: Vial, smtp_servers: ServerFactory) -> None:
    server = smtp_servers.start()
    mail = _mail(app, server)
    message = _message(recipients=["unknown@example.com"])
    error = _send_error(app, mail, message)
    assert error == (
        f"The SMTP server at {HOST}:{server.port} refused every recipient:"
        " unknown@example.com (550 5.1.1 No such user here)."
    )


def test_debug_prints_the_conversation(
    app: Vial, smtp_servers: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    server = smtp_servers.start()
    mail = _mail(app, server, MAIL_DEBUG=True)
    with app.app_context():
        mail.send(_message())
    assert "send: 'mail FROM:<app@example.com>" in capsys.readouterr().err


def test_default_ehlo_name_is_the_machine_name(
    app: Vial, smtp_servers: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = smtp_servers.start()
    monkeypatch.setattr("socket.getfqdn", lambda name="": "box.example.org")
    del app.config["MAIL_LOCAL_HOSTNAME"]
    mail = _mail(app, server)
    with app.app_context():
        mail.send(_message())
    assert server.received[0].ehlo_name == "box.example.org"


def test_unconfigured_server_means_localhost() -> None:
    backend = SMTPBackend(server=None, port=25)
    assert backend.address == "localhost:25"


def test_send_before_open_is_an_error() -> None:
    backend = SMTPBackend(server=HOST, port=25)
    message = _message(sender="a@example.com")
    with pytest.raises(RuntimeError, match=r"mail\.connect"):
        backend.send(message, message.envelope())


def test_close_after_a_lost_connection_does_not_raise(
    app: Vial, smtp_servers: ServerFactory
) -> None:
    server = smtp_servers.start()
    backend = SMTPBackend(server=HOST, port=server.port, timeout=1, local_hostname="c")
    backend.open()
    server.stop()
    backend.close()
    assert backend.host is None
    backend.close()


def _cause(app: Vial, mail: Mail) -> BaseException | None:
    with app.app_context():
        try:
            mail.send(_message())
        except MailSendError as e:
            return e.__cause__
    raise AssertionError("mail.send() did not fail")
