"""Signals sent by vial-mail, on a blinker namespace of their own.

``email_dispatched``
    Sent once for each message a connection has handed to the backend, or
    would have handed when ``MAIL_SUPPRESS_SEND`` is on (which is why
    :meth:`~vial_mail.Mail.record_messages` sees messages in tests). As in
    Flask-Mail, and unlike vial's other signals, the **sender is the**
    :class:`~vial_mail.Message`; the keyword argument ``app`` is the
    application that sent it, so receivers for one app filter on it:

    .. code-block:: python

        @email_dispatched.connect
        def log_message(message, app):
            app.logger.info("mail to %s: %s", message.recipients, message.subject)
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

email_dispatched = _signals.signal("email-dispatched")
