"""The account e-mails: written from templates, sent after the response, and
never slowing it down, so the time an answer takes tells nothing.

The timing tests serve the app with a real HTTP server and send through a
real SMTP server, both on loopback; the SMTP server takes half a second to
accept each message, as a slow or distant one does.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import socket
import statistics
import threading
import time
import typing as t
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from aiosmtpd.smtp import Session
from aiosmtpd.smtp import SMTP
from support import add_user
from support import JSONClient
from support import make_app
from support import outbox
from werkzeug.serving import make_server

from vial import Vial
from vial_accounts import Accounts
from vial_accounts import MemoryUserDatastore
from vial_accounts.mail import queued_mails
from vial_mail import Message

#: How long the slow SMTP server takes to accept a message, in seconds.
SMTP_DELAY = 0.5


class SlowHandler:
    """An SMTP handler that keeps each message after a delay."""

    def __init__(self) -> None:
        self.messages: list[Envelope] = []
        self.lock = threading.Lock()

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        await asyncio.sleep(SMTP_DELAY)
        with self.lock:
            self.messages.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> t.Iterator[tuple[int, SlowHandler]]:
    """A slow SMTP server on loopback: its port and its handler."""
    handler = SlowHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


@pytest.fixture
def served(
    tmp_path: Path, smtp: tuple[int, SlowHandler]
) -> t.Iterator[tuple[Vial, int]]:
    """The app, sending through the slow SMTP server, served over HTTP."""
    port, _ = smtp
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_SUPPRESS_SEND=False,
        MAIL_TIMEOUT=5.0,
        MAIL_LOCAL_HOSTNAME="accounts.test",
        # The test asks many times about the same address.
        ACCOUNTS_RATE_LIMIT_PER_EMAIL=100,
        ACCOUNTS_RATE_LIMIT_PER_ADDRESS=100,
    )
    add_user(app, "ann@example.com", confirmed=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, server.server_port
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def _post(port: int, path: str, data: dict[str, str]) -> tuple[float, int, bytes]:
    """POST JSON over HTTP; return the seconds until the whole answer arrived."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = json.dumps(data).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    start = time.perf_counter()
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed, response.status, content


@pytest.mark.parametrize("path", ["/reset", "/confirm"])
def test_a_slow_smtp_server_does_not_tell_who_has_an_account(
    served: tuple[Vial, int], smtp: tuple[int, SlowHandler], path: str
) -> None:
    _, port = served
    _, handler = smtp
    before = len(handler.messages)
    known: list[float] = []
    unknown: list[float] = []
    answers = set()
    for round_ in range(6):
        elapsed, status, content = _post(port, path, {"email": "ann@example.com"})
        known.append(elapsed)
        answers.add((status, content))
        time.sleep(0.7)
        elapsed, status, content = _post(
            port, path, {"email": f"no{round_}@example.com"}
        )
        unknown.append(elapsed)
        answers.add((status, content))
    print(
        f"{path}: median {statistics.median(known) * 1000:.1f} ms for a registered"
        f" address, {statistics.median(unknown) * 1000:.1f} ms for an unknown one"
    )
    # The same answer, byte for byte...
    assert len(answers) == 1, answers
    # ...in the same time: the half second of SMTP is not in it.
    assert statistics.median(known) < SMTP_DELAY / 2, known
    assert abs(statistics.median(known) - statistics.median(unknown)) < 0.1, (
        known,
        unknown,
    )
    # The e-mails did go, after the answers.
    deadline = time.monotonic() + 10
    while len(handler.messages) < before + 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(handler.messages) == before + 6
    assert {tuple(m.rcpt_tos) for m in handler.messages} == {("ann@example.com",)}


def test_e_mails_leave_when_the_response_is_closed(app: Vial) -> None:
    add_user(app)
    client = app.test_client()
    before = len(outbox(app))
    response = client.post(
        "/reset",
        json={"email": "ann@example.com"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert len(outbox(app)) == before  # decided, not sent yet
    response.close()
    assert len(outbox(app)) == before + 1
    assert outbox(app)[-1].subject == "Reset your password"


def test_outside_a_request_e_mails_leave_at_once(app: Vial) -> None:
    before = len(outbox(app))
    add_user(app, "new@example.com", confirmed=False)
    assert len(outbox(app)) == before + 1


def test_a_request_queues_the_job_and_renders_nothing(app: Vial) -> None:
    from vial_accounts import send_reset_password_instructions

    add_user(app)
    with app.test_request_context("/reset", method="POST"):
        from vial_accounts import get_datastore

        user = get_datastore().find_user(email="ann@example.com")
        send_reset_password_instructions(user)
        [job] = queued_mails()
        assert job.email == "ann@example.com"
        assert job.name == "reset"
        assert job.context["reset_link"].startswith("http://accounts.test/reset/")
    assert queued_mails() == []


def test_a_failed_delivery_is_logged_and_the_answer_stands(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    closed_port = _free_port()
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=closed_port,
        MAIL_SUPPRESS_SEND=False,
        MAIL_TIMEOUT=2.0,
    )
    with app.app_context():
        from vial_accounts import get_datastore

        datastore = get_datastore()
        datastore.create_user(email="ann@example.com", password="x")
        datastore.commit()
    with caplog.at_level(logging.ERROR):
        response = JSONClient(app).post("/reset", json={"email": "ann@example.com"})
    assert response.status_code == 200
    [record] = [r for r in caplog.records if "could not send" in r.getMessage()]
    assert "'Reset your password' to ann@example.com" in record.getMessage()
    assert record.exc_info is not None


def test_the_app_may_deliver_e_mails_itself(tmp_path: Path) -> None:
    delivered: list[Message] = []
    app = Vial("own_delivery", instance_path=str(tmp_path))
    app.config.update(
        TESTING=True,
        SECRET_KEY="key",
        SERVER_NAME="accounts.test",
        MAIL_DEFAULT_SENDER="noreply@accounts.test",
        ACCOUNTS_RECOVERABLE=True,
    )
    datastore = MemoryUserDatastore()
    Accounts(app, datastore, send_mail=delivered.append)
    with app.app_context():
        datastore.create_user(email="ann@example.com", password="x")
    JSONClient(app).post("/reset", json={"email": "ann@example.com"})
    [message] = delivered
    assert message.recipients == ["ann@example.com"]
    assert message.sender == "noreply@accounts.test"
    assert "http://accounts.test/reset/" in (message.body or "")


def test_apps_override_the_e_mail_templates(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "accounts" / "email"
    templates.mkdir(parents=True)
    (templates / "reset.txt").write_text("Your own words: {{ reset_link }}")
    (templates / "reset.html").write_text("<p>Yours: {{ reset_link }}</p>")
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        ACCOUNTS_EMAIL_SUBJECT_RESET="A new password for Example",
        ACCOUNTS_EMAIL_SENDER="accounts@example.com",
    )
    app.template_folder = str(tmp_path / "templates")
    add_user(app)
    JSONClient(app).post("/reset", json={"email": "ann@example.com"})
    message = outbox(app)[-1]
    assert message.subject == "A new password for Example"
    assert message.sender == "accounts@example.com"
    assert (message.body or "").startswith(
        "Your own words: http://accounts.test/reset/"
    )
    assert (message.html or "").startswith("<p>Yours: http://accounts.test/reset/")
