"""Where each app keeps what vial-accounts needs for it.

``init_app`` stores an :class:`AccountsState` under
``app.extensions["accounts"]`` through :data:`STATE`. Every module below
the extension (the views, the flows, the lockout, the CLI) reads the
current app's state through :func:`get_state`, so none imports the
:class:`~vial_accounts.Accounts` class and the package has no import
circle.
"""

from __future__ import annotations

import typing as t

from vial.ext import ExtensionKey

if t.TYPE_CHECKING:
    from vial import Vial
    from vial_mail import Message
    from vial_tokens import HTTPBasicAuth
    from vial_tokens import TokenAuth

    from .counters import CounterStore
    from .datastore import UserDatastore

#: What delivers one account e-mail: vial-mail's sending by default, or a
#: function the app gives (a task queue).
SendMail = t.Callable[["Message"], None]


class AccountsState:
    """What vial-accounts keeps for one app.

    :param datastore: where the app's users, roles and counters live.
    :param counters: the store of the lockout and rate-limit counters.
    :param tokens: the vial-tokens ``TokenAuth`` that issues and checks the
        app's API tokens.
    :param basic: the HTTP basic authentication ``auth_required("basic")``
        uses, checking passwords through the lockout.
    :param send_mail: delivers one message, after the response is sent.
    """

    __slots__ = ("basic", "counters", "datastore", "send_mail", "tokens")

    def __init__(
        self,
        *,
        datastore: UserDatastore,
        counters: CounterStore,
        tokens: TokenAuth,
        basic: HTTPBasicAuth,
        send_mail: SendMail,
    ) -> None:
        #: Where the app's users, roles and counters live.
        self.datastore = datastore
        #: The store of the lockout and rate-limit counters.
        self.counters = counters
        #: The ``TokenAuth`` of the app's API tokens.
        self.tokens = tokens
        #: The HTTP basic authentication of ``auth_required("basic")``.
        self.basic = basic
        #: Delivers one account e-mail.
        self.send_mail = send_mail

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} datastore={self.datastore!r}"
            f" counters={self.counters!r}>"
        )


#: The slot of vial-accounts' state in ``app.extensions``.
STATE: ExtensionKey[AccountsState] = ExtensionKey(
    "accounts",
    setup="Accounts(app, datastore) or accounts.init_app(app, datastore)",
)


def get_state(app: Vial | None = None) -> AccountsState:
    """Return the vial-accounts state of ``app``, or of the current app.

    :raises RuntimeError: vial-accounts is not set up on the app, or there is
        no application context; the message says how to fix it.
    """
    return STATE.get(app)


def get_datastore(app: Vial | None = None) -> UserDatastore:
    """Return the user datastore of ``app``, or of the current app."""
    return STATE.get(app).datastore
