from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import typing as t
from pathlib import Path

import pytest

from vial import current_app
from vial import Vial
from vial.compat import extension_aliases
from vial_mail import Mail
from vial_mail import MailState
from vial_mail import Message
from vial_mail.connection import record_messages
from vial_mail.outbox import MemoryOutbox


def _app(tmp_path: Path, name: str = "app", **config: t.Any) -> Vial:
    app = Vial(name, instance_path=str(tmp_path / name))
    app.config.update(config)
    return app


def test_both_ways_of_setting_up(app: Vial) -> None:
    mail = Mail(app)
    state = app.extensions["mail"]
    assert isinstance(state, MailState)
    other = Vial("other")
    later = Mail()
    returned = later.init_app(other)
    assert returned is other.extensions["mail"]
    assert not hasattr(later, "app")
    with app.app_context():
        assert mail.state is state


def test_one_object_serves_many_apps(tmp_path: Path) -> None:
    mail = Mail()
    first = _app(tmp_path, "first", MAIL_SERVER="smtp.one.example", MAIL_PORT=587)
    second = _app(tmp_path, "second", MAIL_DEFAULT_SENDER="two@example.com")
    mail.init_app(first)
    mail.init_app(second)
    with first.app_context():
        assert (mail.server, mail.port, mail.backend) == (
            "smtp.one.example",
            587,
            "smtp",
        )
    with second.app_context():
        assert (mail.server, mail.port, mail.backend) == (None, 25, "console")
        assert mail.default_sender == "two@example.com"


def test_second_init_app_replaces_the_state_as_flask_mail_does(app: Vial) -> None:
    mail = Mail(app)
    first = app.extensions["mail"]
    app.config["MAIL_DEFAULT_SENDER"] = "new@example.com"
    mail.init_app(app)
    assert app.extensions["mail"] is not first
    assert app.extensions["mail"].default_sender == "new@example.com"


def test_replacing_closes_the_old_outbox(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX_URL="memory://")
    mail = Mail(app)
    old = app.extensions["mail"].outbox
    closed: list[object] = []
    monkeypatch.setattr(old, "close", lambda: closed.append(old))
    mail.init_app(app)
    assert closed == [old]
    assert app.extensions["mail"].outbox is not old


def test_settings_read_through_the_object(app: Vial) -> None:
    app.config.update(
        MAIL_SERVER="smtp.example.com",
        MAIL_PORT=465,
        MAIL_USE_SSL=True,
        MAIL_USERNAME="user",
        MAIL_PASSWORD="pw",
        MAIL_MAX_EMAILS=10,
        MAIL_ASCII_ATTACHMENTS=True,
        MAIL_TIMEOUT=3,
    )
    mail = Mail(app)
    with app.app_context():
        assert mail.server == "smtp.example.com"
        assert mail.port == 465
        assert mail.use_ssl is True
        assert mail.use_tls is False
        assert (mail.username, mail.password) == ("user", "pw")
        assert mail.max_emails == 10
        assert mail.ascii_attachments is True
        assert mail.timeout == 3.0
        assert mail.suppress is True
        assert mail.debug is False
        with pytest.raises(AttributeError, match="no attribute 'sever'"):
            mail.sever  # noqa: B018
    assert (
        repr(app.extensions["mail"])
        == "<MailState smtp smtp.example.com:465 (suppressed)>"
    )


def test_use_without_init_app_names_it(tmp_path: Path) -> None:
    mail = Mail()
    app = _app(tmp_path)
    with app.app_context(), pytest.raises(RuntimeError) as info:
        mail.send(Message("x", sender="a@example.com", recipients=["b@example.com"]))
    assert "Mail(app) or mail.init_app(app)" in str(info.value)
    with pytest.raises(RuntimeError, match="outside of an application context"):
        mail.server  # noqa: B018


@pytest.mark.parametrize(
    ("config", "debug", "backend"),
    [
        ({}, False, "console"),
        ({"MAIL_SERVER": "smtp.example.com"}, False, "smtp"),
        ({"MAIL_SERVER": "smtp.example.com"}, True, "console"),
        ({}, True, "console"),
        ({"MAIL_BACKEND": "smtp"}, True, "smtp"),
        ({"MAIL_BACKEND": "console", "MAIL_SERVER": "smtp.example.org"}, False,
         "console"),
        ({"MAIL_BACKEND": "outbox", "MAIL_OUTBOX_URL": "memory://"}, False, "outbox"),
    ],
)  # fmt: skip
def test_backend_choice(
    tmp_path: Path, config: dict[str, t.Any], debug: bool, backend: str
) -> None:
    app = _app(tmp_path, **config)
    app.debug = debug
    Mail(app)
    assert app.extensions["mail"].backend == backend
    assert app.config.get("MAIL_BACKEND") == config.get("MAIL_BACKEND")


def test_automatic_console_in_production_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING"):
        Mail(_app(tmp_path, "quiet", MAIL_BACKEND="console"))
        assert caplog.text == ""
        Mail(_app(tmp_path, "loud"))
    assert "because MAIL_SERVER is not set" in caplog.text


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"MAIL_BACKEND": "sendmail"},
         "MAIL_BACKEND is 'sendmail', which is not a mail backend"),
        ({"MAIL_USE_TLS": True, "MAIL_USE_SSL": True},
         "MAIL_USE_TLS and MAIL_USE_SSL are both on"),
        ({"MAIL_PORT": "587"},
         "MAIL_PORT must be a whole number, 0 or more; it is '587'."),
        ({"MAIL_MAX_EMAILS": -1}, "MAIL_MAX_EMAILS must be a whole number"),
        ({"MAIL_TIMEOUT": None}, "MAIL_TIMEOUT must be a number of seconds above 0"),
        ({"MAIL_TIMEOUT": 0}, "Without a time limit, an unanswering server"),
    ],
)  # fmt: skip
def test_bad_settings_fail_at_init_app(
    tmp_path: Path, config: dict[str, t.Any], message: str
) -> None:
    app = _app(tmp_path, **config)
    with pytest.raises(ValueError, match=re.escape(message)):
        Mail(app)
    assert "mail" not in app.extensions


@pytest.mark.parametrize(
    ("testing", "backend", "suppress"),
    [(True, "smtp", True), (False, "smtp", False), (True, "outbox", False)],
)
def test_suppress_send_defaults(
    tmp_path: Path, testing: bool, backend: str, suppress: bool
) -> None:
    app = _app(tmp_path, MAIL_BACKEND=backend, MAIL_OUTBOX_URL="memory://")
    app.testing = testing
    Mail(app)
    assert app.extensions["mail"].suppress is suppress


def test_the_app_setting_wins(tmp_path: Path) -> None:
    app = _app(tmp_path, MAIL_SUPPRESS_SEND=False, MAIL_DEBUG=True, TESTING=True)
    Mail(app)
    assert app.extensions["mail"].suppress is False
    assert app.extensions["mail"].debug is True


def test_debug_defaults_to_the_app_debug(tmp_path: Path) -> None:
    app = _app(tmp_path)
    app.debug = True
    Mail(app)
    assert app.extensions["mail"].debug is True


def test_outbox_state(app: Vial) -> None:
    app.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX_URL="memory://")
    mail = Mail(app)
    with app.app_context():
        assert isinstance(mail.outbox, MemoryOutbox)


def test_send_and_record(app: Vial) -> None:
    mail = Mail(app)
    with app.app_context(), mail.record_messages() as outbox:
        mail.send(Message("One", recipients=["ann@example.com"]))
        mail.send_message("Two", recipients=["bob@example.com"], body="Hi")
    assert [(m.subject, m.recipients) for m in outbox] == [
        ("One", ["ann@example.com"]),
        ("Two", ["bob@example.com"]),
    ]


def test_flask_mail_code_that_sends_through_the_state(app: Vial) -> None:
    # Flask-Security 3 and others do current_app.extensions["mail"].send(msg).
    Mail(app)
    with app.app_context(), record_messages() as outbox:
        state = current_app.extensions["mail"]
        state.send(Message("Via state", recipients=["ann@example.com"]))
        state.send_message("Again", recipients=["ann@example.com"])
        with state.record_messages() as inner, state.connect() as connection:
            connection.send_message("Batch", recipients=["ann@example.com"])
    assert [m.subject for m in outbox] == ["Via state", "Again", "Batch"]
    assert [m.subject for m in inner] == ["Batch"]


def test_flask_mail_alias_is_declared() -> None:
    assert extension_aliases()["flask_mail"] == "vial_mail"


def test_flask_mail_app_runs_unmodified() -> None:
    code = textwrap.dedent(
        """
        import vial.compat
        vial.compat.alias_flask()

        from flask import Flask
        from flask_mail import Mail, Message
        import flask_mail, vial_mail

        assert flask_mail is vial_mail
        app = Flask(__name__)
        app.config.update(TESTING=True, MAIL_DEFAULT_SENDER="app@example.com")
        mail = Mail(app)
        with app.app_context(), mail.record_messages() as outbox:
            mail.send(Message("Hello", recipients=["ann@example.com"], body="Hi"))
        assert outbox[0].subject == "Hello"
        assert outbox[0].sender == "app@example.com"
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "ok\n", done.stderr


def test_sqlalchemy_is_imported_only_for_a_database_outbox(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        from vial import Vial
        from vial_mail import Mail

        def state(**config):
            app = Vial("x", instance_path={str(tmp_path)!r})
            app.config.update(config)
            Mail(app)
            return "sqlalchemy" in sys.modules

        assert not state()
        assert not state(MAIL_BACKEND="outbox", MAIL_OUTBOX_URL="memory://")
        assert state(MAIL_BACKEND="outbox")
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "ok\n", done.stderr
