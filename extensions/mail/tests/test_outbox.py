from __future__ import annotations

import threading
from datetime import datetime
from datetime import timezone

import pytest

from vial import Vial
from vial_mail import Mail
from vial_mail import Message
from vial_mail import StoredMessage
from vial_mail.outbox import MemoryOutbox
from vial_mail.outbox import OutboxBackend


def _draft(subject: str = "Hello", body: str | None = "Body") -> StoredMessage:
    message = Message(subject, sender="App <app@example.com>",
                      recipients=["ann@example.com"], body=body)  # fmt: skip
    return StoredMessage.draft(message, message.envelope())


def _outbox_app(app: Vial) -> Mail:
    app.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX_URL="memory://")
    return Mail(app)


def test_draft_records_the_message() -> None:
    message = Message(
        "Grüße",
        sender=("Jürgen", "j@example.com"),
        recipients=["ann@example.com"],
        cc=["Bob <bob@example.com>"],
        bcc=["eve@example.com"],
        body="See https://example.com/a.",
        html='<a href="https://example.com/b">b</a>',
    )
    before = datetime.now(timezone.utc)
    draft = StoredMessage.draft(message, message.envelope())
    assert draft.id == 0
    assert before <= draft.sent_at <= datetime.now(timezone.utc)
    assert draft.sender == "Jürgen <j@example.com>"
    assert draft.subject == "Grüße"
    assert draft.recipients == ["ann@example.com", "bob@example.com", "eve@example.com"]
    assert draft.body == "See https://example.com/a."
    assert draft.html == '<a href="https://example.com/b">b</a>'
    assert draft.links == ["https://example.com/a", "https://example.com/b"]
    parsed = draft.email()
    assert parsed["Subject"] == "Grüße"
    assert parsed.get_content_type() == "multipart/alternative"
    assert draft.to_dict() == {
        "id": 0,
        "sent_at": draft.sent_at.isoformat(),
        "sender": "Jürgen <j@example.com>",
        "recipients": ["ann@example.com", "bob@example.com", "eve@example.com"],
        "subject": "Grüße",
        "body": "See https://example.com/a.",
        "html": '<a href="https://example.com/b">b</a>',
        "links": ["https://example.com/a", "https://example.com/b"],
    }


def test_memory_outbox_numbers_and_finds_messages() -> None:
    outbox = MemoryOutbox()
    assert outbox.latest() is None
    assert len(outbox) == 0
    first = outbox.add(_draft("First"))
    second = outbox.add(_draft("Second"))
    assert (first.id, second.id) == (1, 2)
    assert outbox.messages() == [first, second]
    assert outbox.get(2) == second
    assert outbox.get(3) is None
    assert outbox.latest() == second
    assert outbox.count() == len(outbox) == 2
    assert repr(outbox) == "<MemoryOutbox 2 messages>"
    outbox.clear()
    assert outbox.messages() == []
    # Numbers are not reused, so an old link to the page never shows
    # another message.
    assert outbox.add(_draft("Third")).id == 3
    outbox.close()


def test_memory_outbox_from_many_threads() -> None:
    outbox = MemoryOutbox()

    def add_some() -> None:
        for _ in range(50):
            outbox.add(_draft())

    threads = [threading.Thread(target=add_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m.id for m in outbox.messages()) == list(range(1, 201))


def test_outbox_backend_keeps_what_the_app_sends(app: Vial) -> None:
    mail = _outbox_app(app)
    with app.app_context():
        # The outbox sends nothing anywhere, so testing mode does not
        # suppress it.
        assert mail.suppress is False
        mail.send_message("Welcome", recipients=["ann@example.com"], body="Hi")
        stored = mail.outbox.latest()
        assert isinstance(mail.outbox, MemoryOutbox)
    assert stored is not None
    assert stored.subject == "Welcome"
    assert stored.sender == "App <app@example.com>"
    assert stored.recipients == ["ann@example.com"]


def test_each_app_has_its_own_outbox(app: Vial) -> None:
    mail = _outbox_app(app)
    other = Vial("other")
    other.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX_URL="memory://")
    mail.init_app(other)
    with app.app_context():
        mail.send_message("To app", sender="a@example.com", recipients=["b@x.org"])
    with other.app_context():
        assert mail.outbox.messages() == []
    with app.app_context():
        assert len(mail.outbox) == 1


def test_backend_interface() -> None:
    outbox = MemoryOutbox()
    backend = OutboxBackend(outbox)
    message = Message("Direct", sender="a@example.com", recipients=["b@example.com"])
    backend.open()
    backend.send(message, message.envelope())
    backend.close()
    assert [m.subject for m in outbox.messages()] == ["Direct"]


def test_outbox_of_another_backend_is_an_error(app: Vial) -> None:
    app.config["MAIL_BACKEND"] = "console"
    mail = Mail(app)
    with app.app_context(), pytest.raises(RuntimeError) as info:
        mail.outbox  # noqa: B018
    assert str(info.value) == (
        "The app's mail backend is 'console', which keeps no outbox. Set"
        " MAIL_BACKEND = 'outbox' to keep sent messages, or use"
        " mail.record_messages() in tests."
    )
