"""The per-app state of vial-mail, and where it is kept.

``init_app`` reads the ``MAIL_*`` settings once into a :class:`MailState`
and stores it in ``app.extensions["mail"]`` through :data:`STATE`. The
state is Flask-Mail's ``_Mail`` object under another name: it has the
same attributes (``server``, ``default_sender``, ``suppress``, ...) and can
send, so code written for Flask-Mail that does
``current_app.extensions["mail"].send(message)`` works unchanged.
"""

from __future__ import annotations

import contextlib
import typing as t

from vial.ext import ExtensionKey

from .connection import Connection
from .connection import record_messages
from .console import ConsoleBackend
from .message import Message
from .outbox import OutboxBackend
from .smtp import SMTPBackend

if t.TYPE_CHECKING:
    from .addresses import AddressLike
    from .backend import Backend
    from .outbox import OutboxStore


class MailState:
    """The mail settings of one app, and what sends with them.

    Built by :meth:`Mail.init_app <vial_mail.Mail.init_app>` from the app's
    ``MAIL_*`` config; each parameter mirrors one key.
    """

    def __init__(
        self,
        *,
        backend: str = "smtp",
        server: str | None = None,
        port: int = 25,
        use_tls: bool = False,
        use_ssl: bool = False,
        ssl_cafile: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        local_hostname: str | None = None,
        default_sender: AddressLike | None = None,
        max_emails: int | None = None,
        suppress: bool = False,
        ascii_attachments: bool = False,
        debug: bool = False,
        outbox: OutboxStore | None = None,
    ) -> None:
        #: The backend's name: ``"smtp"``, ``"console"`` or ``"outbox"``.
        self.backend = backend
        self.server = server
        self.port = port
        self.use_tls = use_tls
        self.use_ssl = use_ssl
        self.ssl_cafile = ssl_cafile
        self.username = username
        self.password = password
        self.timeout = timeout
        self.local_hostname = local_hostname
        self.default_sender = default_sender
        self.max_emails = max_emails
        self.suppress = suppress
        self.ascii_attachments = ascii_attachments
        self.debug = debug
        #: The store of the outbox backend; ``None`` with the other backends.
        self.outbox = outbox

    def __repr__(self) -> str:
        where = f" {self.server}:{self.port}" if self.backend == "smtp" else ""
        suppressed = " (suppressed)" if self.suppress else ""
        return f"<{type(self).__name__} {self.backend}{where}{suppressed}>"

    def create_backend(self) -> Backend:
        """Return a new, unopened backend object for one connection."""
        if self.backend == "console":
            return ConsoleBackend()
        if self.backend == "outbox":
            assert self.outbox is not None, "init_app makes the outbox store"
            return OutboxBackend(self.outbox)
        return SMTPBackend(
            server=self.server,
            port=self.port,
            use_tls=self.use_tls,
            use_ssl=self.use_ssl,
            username=self.username,
            password=self.password,
            timeout=self.timeout,
            cafile=self.ssl_cafile,
            local_hostname=self.local_hostname,
            debug=self.debug,
        )

    def connect(self) -> Connection:
        """Return a connection for sending a batch (use it in a ``with`` block)."""
        return Connection(self)

    def send(self, message: Message) -> None:
        """Send one message over a connection of its own."""
        with self.connect() as connection:
            message.send(connection)

    def send_message(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Make a :class:`~vial_mail.Message` from the arguments and send it."""
        self.send(Message(*args, **kwargs))

    def record_messages(self) -> contextlib.AbstractContextManager[list[Message]]:
        """Collect the messages dispatched in a ``with`` block, for tests."""
        return record_messages()


#: Where each app keeps its :class:`MailState`. A second ``init_app`` on the
#: same app replaces it, as Flask-Mail does.
STATE: ExtensionKey[MailState] = ExtensionKey(
    "mail", setup="Mail(app) or mail.init_app(app)", replace=True
)
