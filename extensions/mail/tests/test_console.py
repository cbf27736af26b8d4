from __future__ import annotations

import io

import pytest

from vial import Vial
from vial_mail import Mail
from vial_mail import Message
from vial_mail.console import ConsoleBackend
from vial_mail.console import render_message


def test_console_prints_readable_messages(
    app: Vial, capsys: pytest.CaptureFixture[str]
) -> None:
    app.config.update(MAIL_BACKEND="console", MAIL_SUPPRESS_SEND=False)
    mail = Mail(app)
    message = Message(
        "Grüße",
        sender=("Jürgen", "j@example.com"),
        recipients=["Zoë <zoe@example.com>"],
        cc=["bob@example.com"],
        bcc=[("Eve", "eve@example.com")],
        body="Reset: https://example.com/reset?token=abc\nBye.",
        html="<p>ignored when there is text</p>",
    )
    message.attach("Bericht für März.pdf", data=b"%PDF")
    with app.app_context():
        mail.send(message)
    out = capsys.readouterr().out
    assert "MAIL_BACKEND is 'console': printed, not sent" in out
    assert "From: Jürgen <j@example.com>\n" in out
    assert "To: Zoë <zoe@example.com>\n" in out
    assert "Cc: bob@example.com\n" in out
    assert "Bcc: Eve <eve@example.com>\n" in out
    assert "Subject: Grüße\n" in out
    # Decoded, with the link whole, not quoted-printable.
    assert "\nReset: https://example.com/reset?token=abc\nBye.\n" in out
    assert "ignored when there is text" not in out
    assert "[attachment: Bericht für März.pdf, application/pdf, 4 bytes]" in out


def test_html_only_message_shows_the_html(app: Vial) -> None:
    message = Message("Hi", sender="a@example.com", recipients=["b@example.com"],
                      html="<p>Hello</p>")  # fmt: skip
    text = render_message(message, message.to_email())
    assert "[text/html]\n<p>Hello</p>" in text


def test_writes_to_the_given_stream() -> None:
    stream = io.StringIO()
    backend = ConsoleBackend(stream)
    message = Message("To a stream", sender="a@example.com", recipients=["b@x.org"])
    backend.open()
    backend.send(message, message.envelope())
    backend.close()
    assert "Subject: To a stream" in stream.getvalue()
