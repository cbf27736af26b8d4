"""What a backend is: the part that delivers built messages somewhere.

``MAIL_BACKEND`` picks one of three: :class:`~vial_mail.smtp.SMTPBackend`
(an SMTP server), :class:`~vial_mail.console.ConsoleBackend` (standard
output) or :class:`~vial_mail.outbox.OutboxBackend` (a store the app and
the tests read). A :class:`~vial_mail.connection.Connection` makes one
backend object per connection, opens it once, hands it every message of
the batch and closes it, so a backend may hold a network connection
between :meth:`~Backend.open` and :meth:`~Backend.close`.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from .addresses import AddressLike
    from .message import Envelope
    from .message import Message


class Backend(t.Protocol):
    """Delivers messages; one object per connection."""

    def open(self) -> None:
        """Get ready to send, such as connecting to the server."""

    def send(self, message: Message, envelope: Envelope) -> None:
        """Deliver one message, built into ``envelope``."""

    def close(self) -> None:
        """Release what :meth:`open` took; never raises for a lost connection."""


class MailSettings(t.Protocol):
    """What a connection reads of the app's mail state.

    :class:`~vial_mail.state.MailState` has this shape.
    """

    default_sender: AddressLike | None
    max_emails: int | None
    suppress: bool
    ascii_attachments: bool

    def create_backend(self) -> Backend:
        """Return a new, unopened backend for one connection."""
