from __future__ import annotations

import typing as t

import pytest

from vial import Vial
from vial_mail import Mail
from vial_mail import Message
from vial_mail.signals import email_dispatched


def test_email_dispatched_sender_is_the_message(app: Vial) -> None:
    mail = Mail(app)
    received: list[tuple[t.Any, dict[str, t.Any]]] = []

    def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        received.append((sender, kwargs))

    message = Message("Hi", recipients=["ann@example.com"])
    with email_dispatched.connected_to(receiver), app.app_context():
        mail.send(message)
    assert received == [(message, {"app": app})]


def test_not_sent_for_a_refused_message(app: Vial) -> None:
    mail = Mail(app)
    received: list[t.Any] = []
    with (
        email_dispatched.connected_to(lambda sender, **kw: received.append(sender)),
        app.app_context(),
        pytest.raises(ValueError, match="has no recipients"),
    ):
        mail.send(Message("No recipients"))
    assert received == []
