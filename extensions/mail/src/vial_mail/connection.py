"""Connections: sending a batch of messages through one backend connection.

``mail.send(message)`` opens a connection for one message. A loop that
sends many opens one connection for all of them, and reconnects every
``MAIL_MAX_EMAILS`` messages for servers that limit messages per
connection:

.. code-block:: python

    with mail.connect() as connection:
        for user in users:
            connection.send(Message("News", recipients=[user.email], body=...))

Each message is checked and built here, handed to the backend unless
``MAIL_SUPPRESS_SEND`` is on, and announced with
:data:`~vial_mail.signals.email_dispatched`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
import typing as t

from vial.ext import get_app

from .addresses import AddressLike
from .addresses import parse_address
from .message import Message
from .signals import email_dispatched

if t.TYPE_CHECKING:
    from types import TracebackType

    from vial import Vial

    from .backend import Backend
    from .backend import MailSettings


class Connection:
    """A batch of messages sent through one backend connection.

    Use it as a context manager, from :meth:`Mail.connect`; the backend is
    opened on entry (not when sending is suppressed) and closed on exit.

    :param mail: the app's state (``app.extensions["mail"]``).
    """

    def __init__(self, mail: MailSettings) -> None:
        self.mail = mail
        #: The open backend, between entering and leaving the ``with`` block.
        self.backend: Backend | None = None
        #: Messages sent since the backend was (re)opened.
        self.num_emails = 0
        self._entered = False

    def __enter__(self) -> Connection:
        if not self.mail.suppress:
            self.backend = self._open()
        self.num_emails = 0
        self._entered = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._entered = False
        self._close()

    def _open(self) -> Backend:
        backend = self.mail.create_backend()
        backend.open()
        return backend

    def _close(self) -> None:
        backend, self.backend = self.backend, None
        if backend is not None:
            backend.close()

    def send(self, message: Message, envelope_from: AddressLike | None = None) -> None:
        """Check, build and send one message.

        :param message: the message; its sender is ``MAIL_DEFAULT_SENDER``
            when it names none, and its date the current time.
        :param envelope_from: the address for the SMTP ``MAIL FROM`` (where
            bounces go) when it differs from the sender.
        :raises ValueError: the message has no sender or no recipient, or an
            address is not valid.
        :raises BadHeaderError: a header value holds a line break.
        :raises MailSendError: the SMTP server failed.
        """
        if not self._entered:
            raise RuntimeError(
                "The connection is not open. Send inside 'with mail.connect() as"
                " connection:', or use mail.send(message)."
            )
        app = get_app()
        if not message.sender:
            message.sender = self.mail.default_sender
        if not message.sender:
            raise ValueError(
                f"The message {message.subject!r} has no sender. Pass sender= to"
                " Message, or set MAIL_DEFAULT_SENDER."
            )
        if not message.send_to:
            raise ValueError(
                f"The message {message.subject!r} has no recipients. Pass"
                " recipients= (or cc=, bcc=) to Message, or call add_recipient()."
            )
        if message.date is None:
            message.date = time.time()
        envelope = message.envelope(ascii_attachments=self.mail.ascii_attachments)
        if envelope_from is not None:
            bounce = parse_address(envelope_from, "The envelope sender").addr_spec
            envelope = dataclasses.replace(envelope, sender=bounce)

        max_emails = self.mail.max_emails
        if max_emails and self.num_emails >= max_emails and self.backend is not None:
            self._close()
            self.backend = self._open()
            self.num_emails = 0
        if self.backend is not None:
            self.backend.send(message, envelope)
        self.num_emails += 1
        email_dispatched.send(message, app=app)

    def send_message(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Make a :class:`Message` from the arguments and send it."""
        self.send(Message(*args, **kwargs))


@contextlib.contextmanager
def record_messages() -> t.Iterator[list[Message]]:
    """Collect the messages dispatched inside the ``with`` block.

    .. code-block:: python

        with mail.record_messages() as outbox:
            client.post("/register", data=...)
        assert outbox[0].subject == "Welcome"

    Messages are recorded whether or not sending is suppressed, from every
    app, as in Flask-Mail.
    """
    outbox: list[Message] = []

    def record(message: Message, app: Vial) -> None:
        outbox.append(message)

    with email_dispatched.connected_to(record):
        yield outbox
