"""The :class:`Mail` extension: reads the settings and sends for the current app.

``Mail(app)`` (or ``Mail()`` then ``init_app(app)``) applies the ``MAIL_*``
defaults, chooses the backend, checks the settings and stores a
:class:`~vial_mail.state.MailState` in ``app.extensions["mail"]``. The
object keeps nothing per app, so one ``mail`` serves every app of a
process; each call works with the current app's state.

The backend, when ``MAIL_BACKEND`` is not set, is chosen by one rule,
decided when ``init_app`` runs: **console** when the app is in debug mode
or has no ``MAIL_SERVER``, **smtp** otherwise. A development machine
prints messages instead of needing a mail server, and production, which
sets ``MAIL_SERVER``, sends them.
"""

from __future__ import annotations

import contextlib
import numbers
import os
import typing as t

from .config import BACKENDS
from .config import MEMORY_OUTBOX_URL
from .config import OPTIONS
from .connection import record_messages
from .message import Message
from .outbox import MemoryOutbox
from .state import MailState
from .state import STATE

if t.TYPE_CHECKING:
    from vial import Vial

    from .connection import Connection
    from .outbox import OutboxStore

#: The attributes of the app's state that ``mail.<name>`` reads, as
#: Flask-Mail's ``Mail`` does.
_STATE_ATTRIBUTES = frozenset(
    (
        "backend",
        "server",
        "port",
        "use_tls",
        "use_ssl",
        "ssl_cafile",
        "username",
        "password",
        "timeout",
        "local_hostname",
        "default_sender",
        "max_emails",
        "suppress",
        "ascii_attachments",
        "debug",
    )
)

#: The file of the default outbox database, in the app's instance folder.
OUTBOX_FILENAME = "mail-outbox.sqlite3"


class Mail:
    """Sends e-mail for one or more apps, with Flask-Mail's API.

    :param app: the app to set up now; leave it out and call
        :meth:`init_app` later in an app factory.
    """

    def __init__(self, app: Vial | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Vial) -> MailState:
        """Read the app's ``MAIL_*`` config, choose the backend and register the state.

        Calling it again for the same app replaces the state, as in
        Flask-Mail.

        :raises ValueError: a setting has a value it cannot have.
        :raises RuntimeError: the outbox needs a package that is missing.
        """
        OPTIONS.apply(app)
        config = app.config
        backend = _choose_backend(app)
        # Computed defaults stay out of the config, as Flask-Mail leaves
        # them: the state holds what this app uses.
        suppress = config.get("MAIL_SUPPRESS_SEND", app.testing and backend != "outbox")
        debug = config.get("MAIL_DEBUG", app.debug)
        if config["MAIL_USE_TLS"] and config["MAIL_USE_SSL"]:
            raise ValueError(
                "MAIL_USE_TLS and MAIL_USE_SSL are both on. Use MAIL_USE_SSL for"
                " a server that speaks TLS from the start (usually port 465), or"
                " MAIL_USE_TLS for STARTTLS (usually port 587), not both."
            )
        state = MailState(
            backend=backend,
            server=config["MAIL_SERVER"] or None,
            port=_whole_number(config, "MAIL_PORT"),
            use_tls=bool(config["MAIL_USE_TLS"]),
            use_ssl=bool(config["MAIL_USE_SSL"]),
            ssl_cafile=config["MAIL_SSL_CAFILE"],
            username=config["MAIL_USERNAME"],
            password=config["MAIL_PASSWORD"],
            timeout=_timeout(config["MAIL_TIMEOUT"]),
            local_hostname=config["MAIL_LOCAL_HOSTNAME"],
            default_sender=config["MAIL_DEFAULT_SENDER"],
            max_emails=(
                None
                if config["MAIL_MAX_EMAILS"] is None
                else _whole_number(config, "MAIL_MAX_EMAILS")
            ),
            suppress=bool(suppress),
            ascii_attachments=bool(config["MAIL_ASCII_ATTACHMENTS"]),
            debug=bool(debug),
            outbox=_make_outbox(app) if backend == "outbox" else None,
        )
        if (
            backend == "console"
            and config["MAIL_BACKEND"] is None
            and not (app.debug or app.testing)
        ):
            app.logger.warning(
                "vial-mail prints e-mail to standard output instead of sending"
                " it, because MAIL_SERVER is not set. Set MAIL_SERVER to send"
                " e-mail, or set MAIL_BACKEND = 'console' to keep printing"
                " without this warning."
            )
        previous = STATE.find(app)
        STATE.register(app, state)
        if previous is not None and previous.outbox is not None:
            # The replaced state's database connections are no one's now.
            previous.outbox.close()
        return state

    @property
    def state(self) -> MailState:
        """The current app's state (``app.extensions["mail"]``)."""
        return STATE.get()

    def __getattr__(self, name: str) -> t.Any:
        # Flask-Mail's Mail answers for its state's settings: mail.server,
        # mail.default_sender... Here they are the current app's.
        if name in _STATE_ATTRIBUTES:
            return getattr(STATE.get(), name)
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

    @property
    def outbox(self) -> OutboxStore:
        """The current app's outbox, where the outbox backend keeps messages.

        :raises RuntimeError: the app's backend is not ``"outbox"``.
        """
        state = STATE.get()
        if state.outbox is None:
            raise RuntimeError(
                f"The app's mail backend is {state.backend!r}, which keeps no"
                " outbox. Set MAIL_BACKEND = 'outbox' to keep sent messages, or"
                " use mail.record_messages() in tests."
            )
        return state.outbox

    def connect(self) -> Connection:
        """Return a connection for sending a batch (use it in a ``with`` block)."""
        return STATE.get().connect()

    def send(self, message: Message) -> None:
        """Send one message over a connection of its own.

        :raises ValueError: the message has no sender or no recipient, or an
            address is not valid.
        :raises BadHeaderError: a header value holds a line break.
        :raises MailSendError: the SMTP server could not be reached or
            refused the message.
        """
        STATE.get().send(message)

    def send_message(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Make a :class:`~vial_mail.Message` from the arguments and send it."""
        self.send(Message(*args, **kwargs))

    def record_messages(self) -> contextlib.AbstractContextManager[list[Message]]:
        """Collect the messages dispatched in a ``with`` block, for tests.

        .. code-block:: python

            with mail.record_messages() as outbox:
                client.post("/register", data=...)
            assert outbox[0].subject == "Welcome"

        Messages are recorded even when sending is suppressed.
        """
        return record_messages()


def _choose_backend(app: Vial) -> str:
    name = app.config["MAIL_BACKEND"]
    if name is None:
        return "console" if app.debug or not app.config["MAIL_SERVER"] else "smtp"
    if name not in BACKENDS:
        choices = ", ".join(repr(b) for b in BACKENDS)
        raise ValueError(
            f"MAIL_BACKEND is {name!r}, which is not a mail backend. Use one of"
            f" {choices}, or None to choose by the app's settings."
        )
    return t.cast(str, name)


def _make_outbox(app: Vial) -> OutboxStore:
    url = app.config["MAIL_OUTBOX_URL"]
    if url == MEMORY_OUTBOX_URL:
        return MemoryOutbox()
    if url is None:
        url = "sqlite:///" + os.path.join(app.instance_path, OUTBOX_FILENAME)
    try:
        from .outbox_sql import SQLOutbox
    except ModuleNotFoundError as e:
        if e.name != "sqlalchemy":
            raise
        raise RuntimeError(
            "The mail outbox keeps messages in a database (MAIL_OUTBOX_URL),"
            " which needs SQLAlchemy. Install it with"
            " 'pip install vial-mail[outbox]', or set MAIL_OUTBOX_URL ="
            f" {MEMORY_OUTBOX_URL!r} to keep messages in this process only."
        ) from None
    try:
        return SQLOutbox(url, app.config["MAIL_OUTBOX_TABLE"])
    except ModuleNotFoundError as e:
        raise RuntimeError(
            "The database driver that MAIL_OUTBOX_URL names is not installed"
            f" (the module {e.name!r} is missing). Install it, or name an"
            " installed driver in the URL, such as postgresql+psycopg://..."
            " for PostgreSQL with psycopg 3."
        ) from None


def _whole_number(config: t.Mapping[str, t.Any], key: str) -> int:
    value = config[key]
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{key} must be a whole number, 0 or more; it is {value!r}.")
    return int(value)


def _timeout(value: t.Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value <= 0:
        raise ValueError(
            f"MAIL_TIMEOUT must be a number of seconds above 0; it is {value!r}."
            " Without a time limit, an unanswering server would hang requests."
        )
    return float(value)
