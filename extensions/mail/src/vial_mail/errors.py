"""The errors vial-mail raises.

:class:`BadHeaderError` keeps Flask-Mail's name, so code that catches it
ports unchanged. :class:`MailSendError` replaces the bare socket, TLS and
smtplib errors Flask-Mail lets through with one exception whose message
names the server and the setting to check. It is an
:class:`smtplib.SMTPException`, itself an :class:`OSError`, so code that
caught those around ``mail.send`` still catches it; the original error is
its ``__cause__``.
"""

from __future__ import annotations

import smtplib


class BadHeaderError(ValueError):
    """A header value holds a line break, which could inject other headers.

    Raised before anything is sent, for the subject, any address, an extra
    header or an attachment's file name or headers.
    """


class MailSendError(smtplib.SMTPException):
    """The mail server could not be reached or refused the message.

    :param message: what failed, and what to check.
    :param server: the server as ``host:port``.
    """

    def __init__(self, message: str, *, server: str) -> None:
        super().__init__(message)
        #: The server as ``host:port``.
        self.server = server
