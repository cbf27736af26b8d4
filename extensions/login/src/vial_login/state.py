"""Where each app keeps its login manager, and what the other modules use of it.

``init_app`` stores a :class:`LoginState` under ``app.extensions["login"]``
through :data:`STATE`. Every module below the manager (the login functions,
the view decorators, the test client) reads the current app's manager
through :func:`get_manager`, so none of them imports the
:class:`~vial_login.LoginManager` class and the package has no import
circle.

Calling ``LoginManager(app)`` (or ``init_app``) a second time on the same
app replaces the manager, as Flask-Login does: extensions such as
Flask-Security set up a manager of their own on an app that may already
have one.
"""

from __future__ import annotations

import typing as t

from vial.ext import ExtensionKey

from .registry import SessionRegistry

if t.TYPE_CHECKING:
    from vial import Vial


class ManagerLike(t.Protocol):
    """The parts of a :class:`~vial_login.LoginManager` that other modules use.

    Methods are called on the manager object, so a subclass that overrides
    one (``unauthorized``, ``_load_user``...) is honoured everywhere.
    """

    anonymous_user: t.Callable[[], t.Any]
    login_view: str | None
    blueprint_login_views: dict[str | None, str]
    id_attribute: str
    _session_identifier_generator: t.Callable[[], str]

    @property
    def user_callback(self) -> t.Callable[[str], t.Any] | None:
        """The function registered with ``user_loader``, if any."""

    def unauthorized(self) -> t.Any:
        """Answer a request that needs a logged-in user."""

    def needs_refresh(self) -> t.Any:
        """Answer a request that needs a fresh login."""

    def _load_user(self) -> None:
        """Find the request's user and make it the current user."""

    def _update_request_context_with_user(self, user: t.Any = None) -> None:
        """Make ``user`` (or the anonymous user) the request's current user."""

    def _update_remember_cookie(self, response: t.Any) -> t.Any:
        """Set, renew or delete the remember-me cookie on ``response``."""


class LoginState:
    """What vial-login keeps for one app: the manager that serves it, and the
    app's session registry.

    :param manager: the app's login manager; its settings (``login_view``,
        the loaders...) may be shared with other apps.
    :param context_processor: whether ``current_user`` was added to the
        app's templates.
    :param registry: the app's session registry, or None when
        ``LOGIN_SESSION_REGISTRY`` is off.
    """

    __slots__ = ("context_processor", "manager", "registry")

    def __init__(
        self,
        manager: ManagerLike,
        context_processor: bool,
        registry: SessionRegistry | None = None,
    ) -> None:
        self.manager = manager
        self.context_processor = context_processor
        self.registry = registry

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.manager!r}>"


#: The slot of vial-login's state in ``app.extensions``. A second
#: registration on the same app replaces the first, as a second
#: ``LoginManager(app)`` does in Flask-Login.
STATE: ExtensionKey[LoginState] = ExtensionKey(
    "login",
    setup="create LoginManager(app) or call login_manager.init_app(app)",
    replace=True,
)


def get_manager(app: Vial | None = None) -> ManagerLike:
    """Return the login manager of ``app``, or of the current app.

    :raises RuntimeError: vial-login is not set up on the app, or there is
        no application context; the message says how to fix it.
    """
    return STATE.get(app).manager


def find_registry(app: Vial | None = None) -> SessionRegistry | None:
    """Return the session registry of ``app`` (or the current app), None when off.

    :raises RuntimeError: vial-login is not set up on the app, or there is
        no application context.
    """
    return STATE.get(app).registry
