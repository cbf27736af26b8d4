from __future__ import annotations

import time
import typing as t

import pytest
from smtp_server import free_port
from smtp_server import HOST
from smtp_server import ServerFactory

from vial import Vial
from vial_mail import BadHeaderError
from vial_mail import Mail
from vial_mail import Message
from vial_mail.connection import Connection
from vial_mail.connection import record_messages


def _smtp_mail(app: Vial, port: int, **config: t.Any) -> Mail:
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER=HOST, MAIL_PORT=port)
    app.config.update(config)
    return Mail(app)


def test_one_connection_for_a_batch(app: Vial, smtp_servers: ServerFactory) -> None:
    server = smtp_servers.start()
    mail = _smtp_mail(app, server.port, MAIL_SUPPRESS_SEND=False)
    with app.app_context(), mail.connect() as connection:
        assert isinstance(connection, Connection)
        for n in range(5):
            connection.send(Message(f"News {n}", recipients=["ann@example.com"]))
        assert connection.num_emails == 5
    assert len(server.received) == 5
    assert server.handler.connections == 1
    assert connection.backend is None


@pytest.mark.parametrize(("max_emails", "connections"), [(2, 3), (5, 1), (1, 5)])
def test_max_emails_reconnects(
    app: Vial, smtp_servers: ServerFactory, max_emails: int, connections: int
) -> None:
    server = smtp_servers.start()
    mail = _smtp_mail(
        app, server.port, MAIL_SUPPRESS_SEND=False, MAIL_MAX_EMAILS=max_emails
    )
    with app.app_context(), mail.connect() as connection:
        for n in range(5):
            connection.send_message(f"News {n}", recipients=["ann@example.com"])
    assert [m.rcpt_tos for m in server.received] == [["ann@example.com"]] * 5
    assert server.handler.connections == connections


def test_suppressed_sending_never_connects(app: Vial) -> None:
    # Nothing listens on the port: connecting would fail.
    mail = _smtp_mail(app, free_port())
    assert app.extensions["mail"].suppress is True
    with app.app_context(), mail.record_messages() as outbox:
        mail.send(Message("Quiet", recipients=["ann@example.com"]))
        with mail.connect() as connection:
            assert connection.backend is None
            connection.send_message("Quiet too", recipients=["bob@example.com"])
    assert [m.subject for m in outbox] == ["Quiet", "Quiet too"]


def test_sender_and_date_are_filled_in(app: Vial) -> None:
    mail = _smtp_mail(app, free_port())
    message = Message("Hi", recipients=["ann@example.com"])
    assert (message.sender, message.date) == (None, None)
    before = time.time()
    with app.app_context():
        mail.send(message)
    assert message.sender == "App <app@example.com>"
    assert isinstance(message.date, float)
    assert before <= message.date <= time.time()


def test_a_message_without_sender_is_refused(app: Vial) -> None:
    app.config["MAIL_DEFAULT_SENDER"] = None
    mail = _smtp_mail(app, free_port())
    with app.app_context(), pytest.raises(ValueError) as info:
        mail.send(Message("Hi", recipients=["ann@example.com"]))
    assert str(info.value) == (
        "The message 'Hi' has no sender. Pass sender= to Message, or set"
        " MAIL_DEFAULT_SENDER."
    )


def test_a_message_without_recipients_is_refused(app: Vial) -> None:
    mail = _smtp_mail(app, free_port())
    with app.app_context(), pytest.raises(ValueError, match="has no recipients"):
        mail.send(Message("Hi"))
    with app.app_context(), record_messages() as outbox:
        mail.send(Message("Only bcc", bcc=["eve@example.com"]))
    assert len(outbox) == 1


def test_bad_headers_never_reach_the_server(
    app: Vial, smtp_servers: ServerFactory
) -> None:
    server = smtp_servers.start()
    mail = _smtp_mail(app, server.port, MAIL_SUPPRESS_SEND=False)
    message = Message("Hi\nBcc: eve@example.com", recipients=["ann@example.com"])
    with (
        app.app_context(),
        record_messages() as outbox,
        pytest.raises(BadHeaderError),
    ):
        mail.send(message)
    assert server.received == []
    assert outbox == []


def test_envelope_from(app: Vial, smtp_servers: ServerFactory) -> None:
    server = smtp_servers.start()
    mail = _smtp_mail(app, server.port, MAIL_SUPPRESS_SEND=False)
    with app.app_context(), mail.connect() as connection:
        connection.send(
            Message("Hi", recipients=["ann@example.com"]),
            envelope_from=("Bounces", "bounces@example.com"),
        )
    assert server.received[0].mail_from == "bounces@example.com"


def test_sending_outside_the_with_block_is_an_error(app: Vial) -> None:
    mail = _smtp_mail(app, free_port())
    with app.app_context():
        connection = mail.connect()
        with pytest.raises(RuntimeError, match=r"with mail\.connect"):
            connection.send(Message("Hi", recipients=["ann@example.com"]))


def test_message_send_uses_the_connection(app: Vial) -> None:
    mail = _smtp_mail(app, free_port())
    message = Message("Hi", recipients=["ann@example.com"])
    with app.app_context(), record_messages() as outbox, mail.connect() as connection:
        message.send(connection)
    assert outbox == [message]


def test_record_messages_stops_at_the_end_of_the_block(app: Vial) -> None:
    mail = _smtp_mail(app, free_port())
    with app.app_context():
        with record_messages() as outbox:
            mail.send_message("Inside", recipients=["ann@example.com"])
        mail.send_message("After", recipients=["ann@example.com"])
    assert [m.subject for m in outbox] == ["Inside"]


def test_a_failed_send_closes_the_connection(
    app: Vial, smtp_servers: ServerFactory
) -> None:
    server = smtp_servers.start()
    mail = _smtp_mail(app, server.port, MAIL_SUPPRESS_SEND=False)
    with app.app_context():
        connection = mail.connect()
        with pytest.raises(ValueError), connection:
            connection.send(Message("Hi", recipients=["not an address"]))
    assert connection.backend is None
