"""The ``console`` backend: messages printed for the developer, never sent.

It is what an app gets in development without configuring anything (see
``MAIL_BACKEND``). Each message is printed readably, with the headers and
the text decoded, so the links in it can be copied from the terminal; the
HTML body is printed only when there is no text body. Messages hold what
the app sends, password reset links included, so the console backend
belongs on a developer's machine, not where others read the logs.
"""

from __future__ import annotations

import sys
import threading
import typing as t

if t.TYPE_CHECKING:
    from email.message import EmailMessage

    from .message import Envelope
    from .message import Message

_RULE = "-" * 72
#: One message is written at a time, so messages from several threads of
#: the development server do not interleave.
_write_lock = threading.Lock()


class ConsoleBackend:
    """Prints each message to a stream.

    :param stream: where to print; standard output at the time of sending
        when left out, so test tools that capture it see the messages.
    """

    def __init__(self, stream: t.TextIO | None = None) -> None:
        self.stream = stream

    def open(self) -> None:
        """Nothing to open."""

    def send(self, message: Message, envelope: Envelope) -> None:
        """Print one message."""
        text = render_message(message, envelope.email)
        stream = self.stream if self.stream is not None else sys.stdout
        with _write_lock:
            stream.write(text)
            stream.flush()

    def close(self) -> None:
        """Nothing to close."""


def render_message(message: Message, email: EmailMessage) -> str:
    """Return a message as readable text: decoded headers, body, attachments."""
    lines = [f"{_RULE[:8]} e-mail (MAIL_BACKEND is 'console': printed, not sent)"]
    for name in ("From", "To", "Cc", "Reply-To", "Subject", "Date"):
        if name in email:
            lines.append(f"{name}: {email[name]}")
    if message.bcc:
        bcc = ", ".join(_shown(address) for address in message.bcc)
        lines.append(f"Bcc: {bcc}")
    lines.append("")
    body = email.get_body(("plain", "html"))
    if body is not None:
        content = body.get_content()
        if body.get_content_subtype() != "plain":
            lines.append(f"[{body.get_content_type()}]")
        lines.append(content.rstrip("\n"))
    for part in email.iter_attachments():
        name = part.get_filename() or "(no name)"
        size = len(part.get_payload(decode=True) or b"")
        lines.append(f"[attachment: {name}, {part.get_content_type()}, {size} bytes]")
    lines.append(_RULE)
    return "\n".join(lines) + "\n"


def _shown(address: str | tuple[str, str]) -> str:
    if isinstance(address, tuple):
        return f"{address[0]} <{address[1]}>"
    return address
