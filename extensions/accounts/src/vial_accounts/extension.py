"""The :class:`Accounts` extension: sets vial-accounts up on an app.

This module sits on top of the package: it imports the others, and none of
them imports it; they read the app's state through
:data:`vial_accounts.state.STATE`.

``init_app`` also sets up, on the same app, the extensions vial-accounts
builds on, when the app has not set them up itself: vial-login (a
``LoginManager``), vial-passwords, vial-mail, vial-tokens (a
``TokenAuth``) and vial-roles (on the same datastore). Set any of them up
before ``Accounts`` to configure it; vial-accounts then uses it, and gives
it what it needs: vial-login's user loader and login view, vial-tokens'
user loader.
"""

from __future__ import annotations

import typing as t

from vial.ext import require_secret_key
from vial_login import LoginManager
from vial_login.state import STATE as LOGIN_STATE
from vial_mail import Mail
from vial_mail.state import STATE as MAIL_STATE
from vial_passwords import Passwords
from vial_roles import Roles
from vial_roles.state import STATE as ROLES_STATE
from vial_tokens import HTTPBasicAuth
from vial_tokens import TokenAuth
from vial_tokens.state import STATE as TOKENS_STATE

from .auth import load_session_user
from .auth import load_token_user
from .auth import verify_basic_password
from .blueprint import make_blueprint
from .config import check_config
from .config import OPTIONS
from .counters import CounterStore
from .counters import DatastoreCounters
from .counters import RedisCounters
from .datastore import UserDatastore
from .mail import deliver_with_vial_mail
from .mail import send_after_response
from .memory import MemoryUserDatastore
from .state import AccountsState
from .state import SendMail
from .state import STATE

if t.TYPE_CHECKING:
    from vial import Vial

#: The realm of the HTTP basic authentication of ``auth_required("basic")``.
BASIC_REALM = "Log in with your e-mail address and password"


class Accounts:
    """Registration, confirmation, password recovery and change, login
    tracking and brute-force protection, for one or more apps.

    .. code-block:: python

        accounts = Accounts(app, SQLAlchemyUserDatastore(db, User, Role))
        # or, in an app factory:
        accounts = Accounts()
        accounts.init_app(app, SQLAlchemyUserDatastore(db, User, Role))

    :param app: the app to set up now; leave it out and call
        :meth:`init_app` later.
    :param datastore: where users, roles and counters are stored (a
        :class:`~vial_accounts.UserDatastore`), for every app this object
        sets up unless :meth:`init_app` is given another one.
    :param send_mail: delivers one account e-mail (a
        :class:`vial_mail.Message`); vial-mail's sending by default. Give a
        function that hands the message to a task queue, say.
    """

    def __init__(
        self,
        app: Vial | None = None,
        datastore: UserDatastore | None = None,
        *,
        send_mail: SendMail | None = None,
    ) -> None:
        #: The datastore :meth:`init_app` uses when it is given none.
        self.datastore = datastore
        #: The mail delivery :meth:`init_app` uses when it is given none.
        self.send_mail = send_mail
        if app is not None:
            self.init_app(app)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} datastore={self.datastore!r}>"

    def init_app(
        self,
        app: Vial,
        datastore: UserDatastore | None = None,
        *,
        send_mail: SendMail | None = None,
    ) -> None:
        """Set vial-accounts up on ``app``: its ``ACCOUNTS_*`` defaults, the
        extensions it builds on, the accounts blueprint and ``vial users``.

        :param datastore: this app's datastore, instead of the constructor's.
        :param send_mail: this app's mail delivery, instead of the
            constructor's.
        :raises RuntimeError: there is no datastore, vial-accounts is set up
            on the app already, the app has no ``SECRET_KEY``, or e-mailed
            links are on without ``ACCOUNTS_BASE_URL`` or ``SERVER_NAME``.
        :raises TypeError: the datastore is not a user datastore.
        :raises ValueError: an ``ACCOUNTS_*`` setting has an unusable value.
        """
        datastore = datastore if datastore is not None else self.datastore
        if datastore is None:
            raise RuntimeError(
                "vial-accounts needs a datastore to keep users in. Pass one:"
                " Accounts(app, SQLAlchemyUserDatastore(db, User, Role)), or"
                " MemoryUserDatastore() for tests."
            )
        if not isinstance(datastore, UserDatastore):
            raise TypeError(
                f"{datastore!r} is not a user datastore. Use a"
                " SQLAlchemyUserDatastore, a MemoryUserDatastore, or a class with"
                " every method of vial_accounts.UserDatastore."
            )
        if STATE.is_registered(app):
            STATE.register(app, STATE.get(app))  # raises: set up twice
        OPTIONS.apply(app)
        check_config(app)
        require_secret_key(app, "account links, sessions and API tokens")

        _set_up_login(app)
        if "passwords" not in app.extensions:
            Passwords(app)
        if not MAIL_STATE.is_registered(app):
            Mail(app)
        tokens_state = TOKENS_STATE.find(app)
        tokens = tokens_state.auth if tokens_state is not None else TokenAuth(app)
        if tokens.user_loader_callback is None:
            tokens.user_loader(load_token_user)
        if not ROLES_STATE.is_registered(app):
            Roles(app, datastore)
        basic = HTTPBasicAuth(realm=BASIC_REALM)
        basic.verify_password(verify_basic_password)

        STATE.register(
            app,
            AccountsState(
                datastore=datastore,
                counters=_counters(app, datastore),
                tokens=tokens,
                basic=basic,
                send_mail=send_mail or self.send_mail or deliver_with_vial_mail,
            ),
        )
        app.register_blueprint(make_blueprint(app))
        app.after_request(send_after_response)

        from .cli import make_cli

        app.cli.add_command(make_cli())


def _set_up_login(app: Vial) -> None:
    """Give the app's login manager (made if missing) the accounts' loader."""
    state = LOGIN_STATE.find(app)
    manager = state.manager if state is not None else None
    if manager is None:
        login_manager = LoginManager(app)
        login_manager.user_loader(load_session_user)
        login_manager.login_view = "accounts.login"
        return
    if not isinstance(manager, LoginManager):
        raise TypeError(
            f"The app's login manager {manager!r} is not a vial_login.LoginManager;"
            " set up vial-login's LoginManager, or let Accounts create one."
        )
    manager.user_loader(load_session_user)
    if manager.login_view is None and not manager.blueprint_login_views:
        manager.login_view = "accounts.login"


def _counters(app: Vial, datastore: UserDatastore) -> CounterStore:
    url = app.config["ACCOUNTS_LOCKOUT_REDIS_URL"]
    if url:
        return RedisCounters(url)
    return DatastoreCounters(datastore)


def in_memory_accounts(app: Vial | None = None) -> Accounts:
    """Return :class:`Accounts` with a new :class:`~vial_accounts.MemoryUserDatastore`.

    For tests and examples; it is the factory the extension contract test
    uses.
    """
    return Accounts(app, MemoryUserDatastore())
