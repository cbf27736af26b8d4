"""The ``outbox`` backend: messages kept for tests and the development page.

Nothing leaves the machine. Each message becomes a :class:`StoredMessage`
in the app's :class:`OutboxStore`, which ``MAIL_OUTBOX_URL`` chooses:

- ``memory://``: a list in this process (:class:`MemoryOutbox`), for tests
  and a server that runs one process;
- a database URL (the default is an SQLite file in the instance folder):
  a table every worker process of the app reads and writes
  (:class:`~vial_mail.outbox_sql.SQLOutbox`), so a message sent by one
  gunicorn worker shows on the outbox page served by another.

Tests read it through ``mail.outbox``:

.. code-block:: python

    client.post("/reset", data={"email": "ann@example.com"})
    with app.app_context():
        message = mail.outbox.latest()
    assert message.recipients == ["ann@example.com"]
    client.get(message.links[0])
"""

from __future__ import annotations

import abc
import dataclasses
import threading
import typing as t
from datetime import datetime
from datetime import timezone
from email import message_from_bytes
from email import policy

from .links import message_links

if t.TYPE_CHECKING:
    from email.message import EmailMessage

    from .message import Envelope
    from .message import Message


@dataclasses.dataclass(frozen=True)
class StoredMessage:
    """A message the outbox backend kept."""

    #: Its number in the store; the first message is 1.
    id: int
    #: When it was kept, in UTC.
    sent_at: datetime
    #: The ``From`` header, decoded: ``"Ann <ann@example.com>"``.
    sender: str
    #: Every address it went to (to, cc and bcc).
    recipients: list[str]
    #: The subject, decoded.
    subject: str
    #: The text body, if it had one.
    body: str | None
    #: The HTML body, if it had one.
    html: str | None
    #: The whole message as it would have been sent.
    raw: bytes

    @classmethod
    def draft(cls, message: Message, envelope: Envelope) -> StoredMessage:
        """Make the record of a message, to be numbered by a store."""
        email = envelope.email
        return cls(
            id=0,
            sent_at=datetime.now(timezone.utc),
            sender=str(email["From"] or ""),
            recipients=list(envelope.recipients),
            subject=str(email["Subject"] or ""),
            body=message.body,
            html=message.html,
            raw=email.as_bytes(),
        )

    @property
    def links(self) -> list[str]:
        """The http(s) links of the text and HTML bodies, each once, in order."""
        return message_links(self.body, self.html)

    def email(self) -> EmailMessage:
        """Return the message parsed back, to read its headers and parts."""
        return message_from_bytes(self.raw, policy=policy.default)

    def to_dict(self) -> dict[str, t.Any]:
        """Return the message as JSON-ready data, without its raw source."""
        return {
            "id": self.id,
            "sent_at": self.sent_at.isoformat(),
            "sender": self.sender,
            "recipients": self.recipients,
            "subject": self.subject,
            "body": self.body,
            "html": self.html,
            "links": self.links,
        }


class OutboxStore(abc.ABC):
    """Where the outbox backend keeps messages; one store per app."""

    @abc.abstractmethod
    def add(self, draft: StoredMessage) -> StoredMessage:
        """Keep a message; return it with its number."""

    @abc.abstractmethod
    def messages(self) -> list[StoredMessage]:
        """Return every kept message, oldest first."""

    @abc.abstractmethod
    def get(self, message_id: int) -> StoredMessage | None:
        """Return the message with this number, or ``None``."""

    @abc.abstractmethod
    def latest(self) -> StoredMessage | None:
        """Return the message kept last, or ``None`` when there is none."""

    @abc.abstractmethod
    def count(self) -> int:
        """Return how many messages are kept."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Forget every message."""

    def close(self) -> None:  # noqa: B027 (a store without connections has none to close)
        """Release connections; the store opens them again when used."""

    def __len__(self) -> int:
        return self.count()


class MemoryOutbox(OutboxStore):
    """Keeps messages in a list of this process (``MAIL_OUTBOX_URL = "memory://"``)."""

    def __init__(self) -> None:
        self._messages: list[StoredMessage] = []
        self._last_id = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {len(self._messages)} messages>"

    def add(self, draft: StoredMessage) -> StoredMessage:
        """Keep a message; return it with its number."""
        with self._lock:
            self._last_id += 1
            stored = dataclasses.replace(draft, id=self._last_id)
            self._messages.append(stored)
        return stored

    def messages(self) -> list[StoredMessage]:
        """Return every kept message, oldest first."""
        with self._lock:
            return list(self._messages)

    def get(self, message_id: int) -> StoredMessage | None:
        """Return the message with this number, or ``None``."""
        with self._lock:
            for message in self._messages:
                if message.id == message_id:
                    return message
        return None

    def latest(self) -> StoredMessage | None:
        """Return the message kept last, or ``None`` when there is none."""
        with self._lock:
            return self._messages[-1] if self._messages else None

    def count(self) -> int:
        """Return how many messages are kept."""
        return len(self._messages)

    def clear(self) -> None:
        """Forget every message; numbering goes on where it was."""
        with self._lock:
            self._messages.clear()


class OutboxBackend:
    """Keeps each message in a store instead of sending it.

    :param store: the app's outbox.
    """

    def __init__(self, store: OutboxStore) -> None:
        self.store = store

    def open(self) -> None:
        """Nothing to open: the store connects when used."""

    def send(self, message: Message, envelope: Envelope) -> None:
        """Keep one message in the store."""
        self.store.add(StoredMessage.draft(message, envelope))

    def close(self) -> None:
        """Nothing to close."""
