from __future__ import annotations

import email
import typing as t
from datetime import datetime
from datetime import timezone
from email import policy
from email.message import EmailMessage

import pytest

from vial import Vial
from vial_mail import Attachment
from vial_mail import BadHeaderError
from vial_mail import Message

SENDER = "App <app@example.com>"


def _parsed(message: Message) -> EmailMessage:
    """Read a message back as a mail program does, with its own line ends."""
    raw = message.as_bytes().replace(b"\r\n", b"\n")
    return email.message_from_bytes(raw, policy=policy.default)


def _message(**kwargs: t.Any) -> Message:
    kwargs.setdefault("sender", SENDER)
    kwargs.setdefault("recipients", ["ann@example.com"])
    return Message(**kwargs)


def test_arguments_and_attributes_follow_flask_mail() -> None:
    message = Message(
        "Subject",
        ["ann@example.com"],
        "Body",
        "<p>Body</p>",
        None,
        "app@example.com",
        ["cc@example.com"],
        ["bcc@example.com"],
        [Attachment("a.txt", "text/plain", "A")],
        "reply@example.com",
        1700000000.0,
        "utf-8",
        {"X-Tag": "1"},
        ["BODY=8BITMIME"],
        ["NOTIFY=NEVER"],
    )
    assert message.subject == "Subject"
    assert message.recipients == ["ann@example.com"]
    assert message.body == "Body"
    assert message.html == "<p>Body</p>"
    assert message.alts == {"html": "<p>Body</p>"}
    assert message.sender == "app@example.com"
    assert message.cc == ["cc@example.com"]
    assert message.bcc == ["bcc@example.com"]
    assert message.attachments[0].filename == "a.txt"
    assert message.reply_to == "reply@example.com"
    assert message.date == 1700000000.0
    assert message.charset == "utf-8"
    assert message.extra_headers == {"X-Tag": "1"}
    assert message.mail_options == ["BODY=8BITMIME"]
    assert message.rcpt_options == ["NOTIFY=NEVER"]
    assert message.send_to == {"ann@example.com", "cc@example.com", "bcc@example.com"}
    assert repr(message) == "<Message 'Subject' to ['ann@example.com']>"


def test_default_sender_comes_from_the_current_app(app: Vial) -> None:
    assert Message("Outside").sender is None
    with app.app_context():
        assert Message("Inside").sender == "App <app@example.com>"
        assert Message("Own", sender="me@example.com").sender == "me@example.com"


def test_html_property_and_alts() -> None:
    message = _message(body="text")
    assert message.html is None
    message.html = "<b>x</b>"
    assert message.alts == {"html": "<b>x</b>"}
    message.html = None
    assert message.alts == {}
    assert Message(alts={"html": "<i>y</i>"}).html == "<i>y</i>"


def test_add_recipient_and_attach() -> None:
    message = _message(recipients=None)
    message.add_recipient(("Bob", "bob@example.com"))
    message.attach("data.json", data=b"{}", headers={"X-Part": "1"})
    assert message.recipients == [("Bob", "bob@example.com")]
    (attachment,) = message.attachments
    assert attachment.content_type == "application/json"
    assert attachment.disposition == "attachment"


def test_attachment_defaults() -> None:
    assert Attachment().content_type == "application/octet-stream"
    assert Attachment("photo.png").content_type == "image/png"
    assert Attachment("x.unknownext").content_type == "application/octet-stream"
    assert Attachment("x", disposition="inline").disposition == "inline"


def test_text_only_is_a_single_part() -> None:
    parsed = _parsed(_message(subject="Hi", body="Just text."))
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content() == "Just text.\n"
    assert parsed["MIME-Version"] == "1.0"


def test_no_body_at_all_is_an_empty_text() -> None:
    parsed = _parsed(_message(subject="Empty"))
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content() == "\n"


def test_html_only() -> None:
    parsed = _parsed(_message(html="<p>Only HTML</p>"))
    assert parsed.get_content_type() == "text/html"


def test_text_and_html_are_alternatives() -> None:
    parsed = _parsed(_message(body="Text", html="<p>HTML</p>"))
    assert parsed.get_content_type() == "multipart/alternative"
    plain, html = parsed.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    # Only the top of the message says MIME-Version.
    assert "MIME-Version" not in plain
    assert "MIME-Version" not in html


def test_attachments_make_a_mixed_message() -> None:
    message = _message(body="Text", html="<p>HTML</p>")
    message.attach("report.pdf", "application/pdf", b"%PDF-1.4")
    message.attach("logo.png", data=b"\x89PNG", disposition="inline",
                   headers=[("Content-ID", "<logo>")])  # fmt: skip
    parsed = _parsed(message)
    assert parsed.get_content_type() == "multipart/mixed"
    body, report, logo = parsed.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    assert report.get_filename() == "report.pdf"
    assert report.get_content_disposition() == "attachment"
    assert report.get_content() == b"%PDF-1.4"
    assert logo.get_content_disposition() == "inline"
    assert logo["Content-ID"] == "<logo>"
    assert logo.get_content_type() == "image/png"


def test_text_attachment_uses_the_message_charset() -> None:
    message = _message(body="x", charset="iso-8859-1")
    message.attach("notes.txt", data="Grüße")
    (_, notes) = _parsed(message).iter_parts()
    assert notes.get_content_charset() == "iso-8859-1"
    assert notes.get_payload(decode=True) == "Grüße".encode("iso-8859-1")
    assert notes.get_content() == "Grüße"


def test_non_ascii_headers_and_body_are_encoded() -> None:
    message = _message(
        subject="Grüße aus München, ein Betreff, lang genug, um gefaltet zu werden",
        sender=("Jürgen Müller", "j@example.com"),
        recipients=["Zoë <zoe@example.com>"],
        body="Schöne Grüße\n",
        html="<p>Schöne Grüße</p>",
    )
    raw = message.as_bytes()
    assert raw.isascii()
    assert b"Subject: =?utf-8?" in raw
    assert b"From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <j@example.com>" in raw
    parsed = _parsed(message)
    assert parsed["Subject"] == message.subject
    assert parsed["From"] == "Jürgen Müller <j@example.com>"
    assert parsed["To"] == "Zoë <zoe@example.com>"
    plain, html = parsed.iter_parts()
    # Encoded text keeps the CRLF line ends of its canonical form.
    assert plain.get_content().splitlines() == ["Schöne Grüße"]
    assert plain["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    assert html.get_content().splitlines() == ["<p>Schöne Grüße</p>"]


def test_non_ascii_domain_is_written_in_ascii() -> None:
    message = _message(recipients=["Zoë <zoe@münchen.de>"])
    assert b"<zoe@xn--mnchen-3ya.de>" in message.as_bytes()
    envelope = message.envelope()
    assert envelope.recipients == ["zoe@xn--mnchen-3ya.de"]
    assert not envelope.smtputf8


def test_non_ascii_local_part_writes_utf8_headers() -> None:
    message = _message(recipients=["Jörg <jörg@example.com>"], subject="Grüße")
    envelope = message.envelope()
    assert envelope.smtputf8
    raw = message.as_bytes()
    assert "To: Jörg <jörg@example.com>".encode() in raw
    # Encoded words are not needed in an SMTPUTF8 message.
    assert "Subject: Grüße".encode() in raw


@pytest.mark.parametrize("ascii_names", [False, True])
def test_non_ascii_attachment_names(ascii_names: bool) -> None:
    message = _message(body="x")
    message.attach("Bericht für März.txt", data="data")
    part = next(
        iter(message.to_email(ascii_attachments=ascii_names).iter_attachments())
    )
    raw = part.as_bytes()
    assert raw.isascii()
    if ascii_names:
        assert part.get_filename() == "Bericht fur Marz.txt"
    else:
        assert b"filename*=utf-8''Bericht%20f%C3%BCr%20M%C3%A4rz.txt" in raw
        reparsed = _parsed(message)
        assert next(iter(reparsed.iter_attachments())).get_filename() == (
            "Bericht für März.txt"
        )


def test_ascii_attachments_setting_of_the_app(app: Vial) -> None:
    app.config["MAIL_ASCII_ATTACHMENTS"] = True
    message = _message(body="x")
    message.attach("Straße.txt", data="x")
    with app.app_context():
        (part,) = message.to_email().iter_attachments()
    assert part.get_filename() == "Strae.txt"


def test_envelope_lists_everyone_once_and_hides_bcc() -> None:
    message = _message(
        recipients=["ann@example.com", "Ann <ann@example.com>"],
        cc=["bob@example.com"],
        bcc=["eve@example.com", "bob@example.com"],
        reply_to="Help <help@example.com>",
    )
    envelope = message.envelope()
    assert envelope.sender == "app@example.com"
    assert envelope.recipients == [
        "ann@example.com",
        "bob@example.com",
        "eve@example.com",
    ]
    parsed = _parsed(message)
    assert "Bcc" not in parsed
    assert parsed["Reply-To"] == "Help <help@example.com>"
    assert b"eve@example.com" not in message.as_bytes()


def test_date_and_message_id() -> None:
    timestamp = datetime(2024, 5, 17, 12, 30, tzinfo=timezone.utc)
    parsed = _parsed(_message(date=timestamp.timestamp()))
    assert parsed["Date"].datetime == timestamp
    parsed = _parsed(_message(date=timestamp))
    assert parsed["Date"].datetime == timestamp
    naive = _parsed(_message(date=datetime(2024, 5, 17, 12, 30)))
    assert naive["Date"].datetime.tzinfo is not None
    message = _message(sender="Ann <ann@münchen.de>")
    assert message.msgId.endswith("@xn--mnchen-3ya.de>")
    assert _parsed(message)["Message-ID"] == message.msgId
    assert Message("No sender").msgId.endswith("@localhost>")


def test_extra_headers_replace_the_message_own() -> None:
    message = _message(
        extra_headers={"Message-ID": "<fixed@example.com>", "X-Campaign": "Grüße"}
    )
    parsed = _parsed(message)
    assert parsed.get_all("Message-ID") == ["<fixed@example.com>"]
    assert parsed["X-Campaign"] == "Grüße"
    assert message.as_bytes().isascii()


def test_extra_headers_cannot_change_the_mime_structure() -> None:
    message = _message(extra_headers={"Content-Type": "text/html"})
    with pytest.raises(ValueError, match="sets Content-Type, which the message sets"):
        message.as_string()


def test_as_string_and_bytes_agree() -> None:
    message = _message(body="Grüße", date=1700000000.0)
    assert str(message) == message.as_string()
    assert bytes(message) == message.as_bytes()
    assert message.as_bytes() == message.as_string().encode("ascii")


def test_invalid_address_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="The cc address 'bob' is not a valid"):
        _message(cc=["bob"]).as_string()


INJECTIONS: list[tuple[str, dict[str, t.Any]]] = [
    ("The subject", {"subject": "Hi\r\nBcc: eve@example.com"}),
    ("The subject", {"subject": "Hi\u2028Bcc: eve@example.com"}),
    ("The sender", {"sender": "app@example.com\nBcc: eve@example.com"}),
    ("The sender", {"sender": ("App\r\nBcc: eve@example.com", "app@example.com")}),
    ("A recipient", {"recipients": ["ann@example.com\rBcc: eve@example.com"]}),
    ("A cc address", {"cc": ["bob@example.com\nX: y"]}),
    ("A bcc address", {"bcc": ["bob@example.com\nX: y"]}),
    ("The reply-to", {"reply_to": "r@example.com\nX: y"}),
    ("The header X-Tag", {"extra_headers": {"X-Tag": "a\r\nBcc: eve@example.com"}}),
    ("An extra header", {"extra_headers": {"X-Tag\r\nBcc": "eve@example.com"}}),
    ("An extra header", {"extra_headers": {"Bad Name": "x"}}),
    ("An extra header", {"extra_headers": {"Bad:Name": "x"}}),
]


@pytest.mark.parametrize(("what", "kwargs"), INJECTIONS)
def test_header_injection_is_refused(what: str, kwargs: dict[str, t.Any]) -> None:
    message = _message(**kwargs)
    assert message.has_bad_headers()
    with pytest.raises(BadHeaderError) as info:
        message.as_bytes()
    assert str(info.value).startswith(what)


@pytest.mark.parametrize(
    ("what", "attachment"),
    [
        ("An attachment's file name", Attachment("a.txt\r\nX-Evil: 1", data=b"")),
        ("An attachment's content type", Attachment("a", "text/plain\nX: 1")),
        ("An attachment's disposition", Attachment("a", disposition="inline\nX: 1")),
        ("The header X-Part", Attachment("a", headers={"X-Part": "1\n2"})),
    ],
)
def test_header_injection_through_attachments(
    what: str, attachment: Attachment
) -> None:
    message = _message(attachments=[attachment])
    assert message.has_bad_headers()
    with pytest.raises(BadHeaderError, match=f"^{what}"):
        message.to_email()


def test_a_clean_message_has_no_bad_headers() -> None:
    message = _message(subject="Grüße\tund mehr", extra_headers={"X-A": "b"})
    assert not message.has_bad_headers()
