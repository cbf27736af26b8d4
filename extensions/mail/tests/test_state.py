from __future__ import annotations

import pytest

from vial import Vial
from vial_mail import Mail
from vial_mail.console import ConsoleBackend
from vial_mail.outbox import MemoryOutbox
from vial_mail.outbox import OutboxBackend
from vial_mail.smtp import SMTPBackend
from vial_mail.state import MailState
from vial_mail.state import STATE


def test_the_key() -> None:
    assert STATE.name == "mail"
    assert STATE.replace is True
    assert "Mail(app) or mail.init_app(app)" in STATE.setup


def test_registered_by_init_app(app: Vial) -> None:
    assert not STATE.is_registered(app)
    assert STATE.find(app) is None
    Mail(app)
    assert STATE.get(app) is app.extensions["mail"]
    with app.app_context():
        assert STATE.get() is app.extensions["mail"]


def test_each_connection_gets_a_new_backend() -> None:
    state = MailState(server="smtp.example.com", port=587, use_tls=True,
                      username="u", password="p", timeout=2, ssl_cafile="/ca.pem",
                      local_hostname="me.example.com", debug=True)  # fmt: skip
    first, second = state.create_backend(), state.create_backend()
    assert first is not second
    assert isinstance(first, SMTPBackend)
    assert (first.server, first.port, first.use_tls, first.use_ssl) == (
        "smtp.example.com", 587, True, False
    )  # fmt: skip
    assert (first.username, first.password, first.timeout) == ("u", "p", 2)
    assert (first.cafile, first.local_hostname, first.debug) == (
        "/ca.pem", "me.example.com", True
    )  # fmt: skip
    assert isinstance(MailState(backend="console").create_backend(), ConsoleBackend)
    outbox = MemoryOutbox()
    backend = MailState(backend="outbox", outbox=outbox).create_backend()
    assert isinstance(backend, OutboxBackend)
    assert backend.store is outbox


def test_repr() -> None:
    assert repr(MailState(backend="console", suppress=True)) == (
        "<MailState console (suppressed)>"
    )


def test_sending_needs_an_app_context() -> None:
    state = MailState(backend="console")
    with pytest.raises(RuntimeError, match="application context"):
        state.send_message("x", sender="a@example.com", recipients=["b@example.com"])
