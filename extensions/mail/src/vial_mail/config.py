"""The ``MAIL_*`` configuration keys, their defaults and their documentation.

This module is the one place where vial-mail sets its defaults. The keys
Flask-Mail reads keep its names and defaults; the others choose and tune
the backends. ``init_app`` applies them with ``OPTIONS.apply(app)``, and
the README and docs tables are rendered from the same list.

Two defaults depend on the app, as in Flask-Mail, so they are documented
here as :data:`~vial.ext.UNSET`: ``init_app`` reads the app's own setting
or falls back to ``app.testing`` (``MAIL_SUPPRESS_SEND``) and ``app.debug``
(``MAIL_DEBUG``), and keeps the result in the app's state, not its config.
"""

from __future__ import annotations

from vial.ext import ConfigOption
from vial.ext import ConfigOptions
from vial.ext import UNSET

#: The names ``MAIL_BACKEND`` accepts.
BACKENDS = ("smtp", "console", "outbox")

#: ``MAIL_OUTBOX_URL`` value that keeps the outbox in the process's memory.
MEMORY_OUTBOX_URL = "memory://"

OPTIONS = ConfigOptions(
    ConfigOption(
        "MAIL_BACKEND",
        None,
        'Where messages go: ``"smtp"`` (sent to ``MAIL_SERVER``), ``"console"`` '
        '(printed to standard output, nothing sent) or ``"outbox"`` (kept, for '
        "tests and the development outbox page). ``None`` chooses when "
        '``init_app`` runs: ``"console"`` when the app is in debug mode or '
        '``MAIL_SERVER`` is not set, ``"smtp"`` otherwise.',
    ),
    ConfigOption(
        "MAIL_SERVER",
        None,
        "Host name or address of the SMTP server. Not set, it makes the "
        'automatic backend ``"console"``, and the ``"smtp"`` backend connects '
        "to ``localhost``.",
    ),
    ConfigOption("MAIL_PORT", 25, "Port of the SMTP server."),
    ConfigOption(
        "MAIL_USE_TLS",
        False,
        "Switch the connection to TLS with STARTTLS after connecting (the "
        "submission port, 587, usually wants this).",
    ),
    ConfigOption(
        "MAIL_USE_SSL",
        False,
        "Connect with TLS from the first byte (implicit TLS, usually port 465).",
    ),
    ConfigOption(
        "MAIL_SSL_CAFILE",
        None,
        "Path of a PEM file of certificate authorities to trust instead of "
        "the system's, for a server whose certificate a private authority "
        "signed. The server's certificate and name are always verified.",
    ),
    ConfigOption(
        "MAIL_USERNAME",
        None,
        "User name to log in with (SMTP AUTH); no login when ``None``.",
    ),
    ConfigOption("MAIL_PASSWORD", None, "Password to log in with."),
    ConfigOption(
        "MAIL_TIMEOUT",
        10.0,
        "Seconds to wait for the SMTP server to connect or answer, at each "
        "step, before giving up with a ``MailSendError``.",
    ),
    ConfigOption(
        "MAIL_LOCAL_HOSTNAME",
        None,
        "The name this machine gives in the SMTP greeting (EHLO); ``None`` "
        "uses its fully qualified domain name.",
    ),
    ConfigOption(
        "MAIL_DEFAULT_SENDER",
        None,
        'Sender of messages that name none: ``"ann@example.com"``, '
        '``"Ann <ann@example.com>"`` or ``("Ann", "ann@example.com")``.',
    ),
    ConfigOption(
        "MAIL_MAX_EMAILS",
        None,
        "Most messages sent over one SMTP connection; a batch reconnects "
        "after that many. ``None`` for no limit.",
    ),
    ConfigOption(
        "MAIL_SUPPRESS_SEND",
        UNSET,
        "When true, messages are not handed to the backend, but the "
        "``email_dispatched`` signal is still sent, so ``record_messages()`` "
        "sees them. Defaults to ``app.testing``, except with the "
        '``"outbox"`` backend, which sends nothing anywhere: ``False`` there.',
        shown_default="app.testing",
    ),
    ConfigOption(
        "MAIL_ASCII_ATTACHMENTS",
        False,
        "Reduce attachment file names to ASCII (accents dropped) instead of "
        "encoding them (RFC 2231), for mail programs that show encoded names "
        "badly.",
    ),
    ConfigOption(
        "MAIL_DEBUG",
        UNSET,
        "Print the SMTP conversation to standard error (smtplib's debug "
        "output). Defaults to ``app.debug``. The conversation includes the "
        "login, in base64, so keep it off where others read the output.",
        shown_default="app.debug",
    ),
    ConfigOption(
        "MAIL_OUTBOX_URL",
        None,
        'Where the ``"outbox"`` backend keeps messages: ``"memory://"`` for '
        "this process only (tests, a single-process server), or an "
        "SQLAlchemy database URL that every worker process reaches (needs "
        "the ``vial-mail[outbox]`` extra). ``None`` is the SQLite file "
        "``mail-outbox.sqlite3`` in the app's instance folder.",
    ),
    ConfigOption(
        "MAIL_OUTBOX_TABLE",
        "mail_outbox",
        "Name of the outbox's database table; it is created when missing.",
    ),
)
