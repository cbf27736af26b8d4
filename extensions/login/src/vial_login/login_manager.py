"""The :class:`LoginManager`: loads the user of each request and answers for
views the user may not see.

One manager may serve several apps; its attributes (``login_view``, the
loader callbacks...) are the manager's settings, shared by those apps, as in
Flask-Login. Each app keeps its manager in ``app.extensions["login"]``
(a :class:`~vial_login.state.LoginState`) and, under Flask-Login's name, in
``app.login_manager``, which code written for Flask-Login reads as
``current_app.login_manager``. Setting a manager up a second time on the
same app replaces the first, as in Flask-Login.
"""

from __future__ import annotations

import datetime as _dt
import typing as t

from vial import flash
from vial import redirect
from vial.ext import g
from vial.ext import get_app
from vial.ext import get_request
from vial.ext import get_request_user
from vial.ext import identity_changed
from vial.ext import negotiated_error
from vial.ext import NegotiatedHTTPException
from vial.ext import request_user_loaded
from vial.ext import session
from vial.ext import wants_json

from . import config as _config
from .mixins import AnonymousUserMixin
from .registry import registry_from_config
from .registry import SessionRegistryUnavailable
from .remember import clear_cookie
from .remember import default_seconds
from .remember import read_cookie
from .remember import set_cookie
from .sessions import create_identifier
from .sessions import end_login
from .sessions import start_login
from .signals import session_protected
from .signals import session_rejected
from .signals import user_accessed
from .signals import user_loaded_from_cookie
from .signals import user_loaded_from_request
from .signals import user_needs_refresh
from .signals import user_unauthorized
from .state import LoginState
from .state import STATE
from .utils import _get_user
from .utils import _user_context_processor
from .utils import expand_login_view
from .utils import login_url as make_login_url
from .utils import make_next_param

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from vial import Vial

C = t.TypeVar("C", bound=t.Callable[..., t.Any])
R = t.TypeVar("R", bound="Response")


class _UTCClock:
    """The clock dating the remember-me cookie's expiry.

    Flask-Login reads that time from ``flask_login.login_manager.datetime``
    with ``utcnow()``, and tests written for it move the clock by patching
    that name; it is this class, under that name, so such patches work.
    Its ``utcnow`` is its own, not the one Python 3.12 deprecated.
    """

    @staticmethod
    def utcnow() -> _dt.datetime:
        """Return the current UTC time as a naive datetime."""
        return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


# Flask-Login's name, which code written for it patches (see above).
datetime = _UTCClock


def _restore_remembered_login() -> None:
    """Before the view, log in from a remember-me cookie that will log in.

    Loading the user lazily, at the first read of ``current_user``, would
    restore such a login in the middle of the view, maybe after a template
    made a CSRF token: the restore sends ``identity_changed``, which renews
    the CSRF secret, and the page's form would fail as expired. So when the
    request carries the cookie and the session holds no login, the user is
    loaded here; other requests only pay for a cookie lookup.
    """
    app = get_app()
    if app.config["REMEMBER_COOKIE_NAME"] not in get_request().cookies:
        return
    state = STATE.find(app)
    if state is None or state.manager.user_callback is None:
        return
    if "_user_id" in session or session.get("_remember") == "clear":
        return
    _get_user()


def _update_remember_cookie(response: R) -> R:
    """After each request, let the app's current manager update the cookie."""
    state = STATE.find()
    if state is None:
        return response
    return t.cast(R, state.manager._update_remember_cookie(response))


def _use_request_user(sender: Vial, user: t.Any, **kwargs: t.Any) -> None:
    """Make a user authenticated by other means (a token) the current user.

    Connected to :data:`vial.ext.request_user_loaded`: the user holds for
    this request only; neither the session nor a cookie is written.
    """
    state = STATE.find(sender)
    if state is not None:
        state.manager._update_request_context_with_user(user)


class LoginManager:
    """Session authentication for one or more apps, with Flask-Login's API.

    The manager's attributes are its settings, shared by every app it serves.
    The methods whose names start with an underscore (``_load_user``,
    ``_load_user_from_remember_cookie``, ``_load_user_from_request``,
    ``_update_request_context_with_user``, ``_session_protection_failed``,
    ``_update_remember_cookie``, ``_set_cookie``, ``_clear_cookie``) are the
    hooks Flask-Login has under those names; code written for Flask-Login
    calls and overrides them, and vial-login calls them on the manager, so
    overrides in a subclass take effect.

    :param app: The app to set up now; leave it out and call :meth:`init_app`
        later in an app factory.
    :param add_context_processor: Make ``current_user`` available in templates.
    """

    def __init__(self, app: Vial | None = None, add_context_processor: bool = True):
        #: The class (or factory) of the user object for anonymous visitors.
        self.anonymous_user: t.Callable[[], t.Any] = AnonymousUserMixin
        #: Endpoint name or URL of the login view; ``None`` answers 401 (a
        #: page, or JSON for JSON clients).
        self.login_view: str | None = None
        #: Login views for single blueprints, by blueprint name.
        self.blueprint_login_views: dict[str | None, str] = {}
        #: Message flashed when redirecting to the login view; None for none.
        self.login_message: str | None = _config.LOGIN_MESSAGE
        #: Category of :attr:`login_message`.
        self.login_message_category = _config.LOGIN_MESSAGE_CATEGORY
        #: Endpoint name or URL of the view asking for the password again.
        self.refresh_view: str | None = None
        #: Message flashed when redirecting to the refresh view; None for none.
        self.needs_refresh_message: str | None = _config.REFRESH_MESSAGE
        #: Category of :attr:`needs_refresh_message`.
        self.needs_refresh_message_category = _config.REFRESH_MESSAGE_CATEGORY
        #: "basic" (a session used from another client is no longer fresh),
        #: "strong" (it is emptied) or None; ``SESSION_PROTECTION`` overrides.
        self.session_protection: str | None = "basic"
        #: Called with each flashed message before flashing, to translate it.
        self.localize_callback: t.Callable[[str], str] | None = None
        #: Set by :meth:`unauthorized_handler`.
        self.unauthorized_callback: t.Callable[[], t.Any] | None = None
        #: Set by :meth:`needs_refresh_handler`.
        self.needs_refresh_callback: t.Callable[[], t.Any] | None = None
        #: Name of the user method returning the id kept in the session.
        self.id_attribute = _config.ID_ATTRIBUTE
        self._user_callback: t.Callable[[str], t.Any] | None = None
        self._request_callback: t.Callable[[t.Any], t.Any] | None = None
        self._session_identifier_generator: t.Callable[[], str] = create_identifier
        if app is not None:
            self.init_app(app, add_context_processor)

    def init_app(self, app: Vial, add_context_processor: bool = True) -> None:
        """Set the manager up on ``app``.

        On an app that already has a manager, this one replaces it, as in
        Flask-Login; the app's hooks are not added twice. The session
        registry that ``LOGIN_SESSION_REGISTRY`` names is set up here.

        :raises RuntimeError: the registry's extra is not installed, or what
            it needs (vial-sqlalchemy, a URL) is not set up.
        :raises ValueError: a registry setting has a value it cannot have.
        """
        previous = STATE.find(app)
        context_processor = previous is not None and previous.context_processor
        _config.OPTIONS.apply(app)
        # The registry's store is imported and made here, so a setting that
        # cannot work fails now, not at the first request.
        registry = registry_from_config(app)
        # Hooks before the state: if the app refuses them (it has served
        # requests already), it must not look as if logins were set up.
        if previous is None:
            app.before_request(_restore_remembered_login)
            app.after_request(_update_remember_cookie)
        if add_context_processor and not context_processor:
            app.context_processor(_user_context_processor)
            context_processor = True
        STATE.register(app, LoginState(self, context_processor, registry))
        # Flask-Login's name: its users read ``current_app.login_manager``.
        setattr(app, "login_manager", self)  # noqa: B010
        request_user_loaded.connect(_use_request_user)

    def user_loader(self, callback: C) -> C:
        """Register the function loading a user from the id kept in the session.

        It receives the id as a string and returns the user, or ``None`` when
        the id is no longer valid.
        """
        self._user_callback = callback
        return callback

    @property
    def user_callback(self) -> t.Callable[[str], t.Any] | None:
        """The function registered with :meth:`user_loader`."""
        return self._user_callback

    def request_loader(self, callback: C) -> C:
        """Register a function loading a user from the request (API keys...).

        Used when neither the session nor a remember-me cookie gives a user;
        it receives the request and returns a user or ``None``.
        """
        self._request_callback = callback
        return callback

    @property
    def request_callback(self) -> t.Callable[[t.Any], t.Any] | None:
        """The function registered with :meth:`request_loader`."""
        return self._request_callback

    def unauthorized_handler(self, callback: C) -> C:
        """Register the function answering requests that need a logged-in user."""
        self.unauthorized_callback = callback
        return callback

    def needs_refresh_handler(self, callback: C) -> C:
        """Register the function answering requests that need a fresh login."""
        self.needs_refresh_callback = callback
        return callback

    def _localize(self, message: str) -> str:
        if self.localize_callback is not None:
            return self.localize_callback(message)
        return message

    def _flash(self, message: str | None, category: str) -> None:
        if message:
            flash(self._localize(message), category=category)

    def _redirect_to(self, view: str) -> Response:
        url = get_request().url
        if get_app().config.get("USE_SESSION_FOR_NEXT"):
            session["_id"] = self._session_identifier_generator()
            session["next"] = make_next_param(expand_login_view(view), url)
            return redirect(make_login_url(view))
        return redirect(make_login_url(view, next_url=url))

    def _error(self, message: str, view: str | None) -> NegotiatedHTTPException:
        """Return the 401 error: JSON with the login URL for JSON clients."""
        url = None
        if view is not None:
            url = make_login_url(view, next_url=get_request().url)
        return negotiated_error(
            401, self._localize(message), json_extra={"login_url": url}
        )

    def _login_view_for_request(self) -> str | None:
        views = self.blueprint_login_views
        for name in get_request().blueprints:
            if name in views:
                return views[name]
        return self.login_view or views.get(None)

    def unauthorized(self) -> t.Any:
        """Answer a request that needs a logged-in user.

        Sends :data:`~vial_login.signals.user_unauthorized`, then calls the
        :meth:`unauthorized_handler` if there is one. Otherwise a browser is
        redirected to the login view (for the request's blueprint, else the
        app's) with the login message flashed. A JSON client, and any
        client when there is no login view, gets a 401 error (raised, so
        ``errorhandler(401)`` can answer it): JSON
        ``{"code": 401, "name": ..., "error": <message>, "login_url": ...}``
        for JSON clients, an HTML page for the others.
        """
        user_unauthorized.send(get_app())
        if self.unauthorized_callback is not None:
            return self.unauthorized_callback()
        view = self._login_view_for_request()
        if view and not wants_json():
            self._flash(self.login_message, self.login_message_category)
            return self._redirect_to(view)
        raise self._error(self.login_message or _config.LOGIN_MESSAGE, view)

    def needs_refresh(self) -> t.Any:
        """Answer a request that needs a fresh login.

        Sends :data:`~vial_login.signals.user_needs_refresh`, then calls the
        :meth:`needs_refresh_handler` if there is one. Otherwise a browser is
        redirected to :attr:`refresh_view` with the refresh message flashed;
        a JSON client, and any client when there is no refresh view, gets a
        401 error as in :meth:`unauthorized`.
        """
        user_needs_refresh.send(get_app())
        if self.needs_refresh_callback is not None:
            return self.needs_refresh_callback()
        view = self.refresh_view
        if view and not wants_json():
            self._flash(self.needs_refresh_message, self.needs_refresh_message_category)
            return self._redirect_to(view)
        raise self._error(self.needs_refresh_message or _config.REFRESH_MESSAGE, view)

    def _update_request_context_with_user(self, user: t.Any = None) -> None:
        """Make ``user`` (or a new anonymous user) the request's current user."""
        g._login_user = self.anonymous_user() if user is None else user

    def _load_user(self) -> None:
        """Find the request's user and make it the current user.

        A user another extension authenticated for this request
        (:func:`vial.ext.set_request_user`) comes first; then the session,
        the remember-me cookie and the ``request_loader``. With a session
        registry, the session's login and the cookie's must be live in it;
        while its store cannot be reached, they are not used for this request
        (or a 503 error is raised, with ``LOGIN_SESSION_REGISTRY_ON_ERROR =
        "error"``), and nothing is ended.
        """
        request_user = get_request_user()
        if request_user is not None:
            self._update_request_context_with_user(request_user)
            return
        if self._user_callback is None and self._request_callback is None:
            raise RuntimeError(
                "No user_loader or request_loader is registered; decorate a"
                " function with @login_manager.user_loader that returns the user"
                " for the id stored in the session."
            )
        app = get_app()
        user_accessed.send(app)
        if self._session_protection_failed():
            self._update_request_context_with_user()
            return
        user = None
        request = get_request()
        try:
            user_id = session.get("_user_id")
            if user_id is not None and not self._session_registered(user_id):
                user_id = None
            if user_id is not None and self._user_callback is not None:
                user = self._user_callback(user_id)
            cookie = request.cookies.get(app.config["REMEMBER_COOKIE_NAME"])
            if (
                user is None
                and cookie is not None
                and session.get("_remember") != "clear"
            ):
                user = self._load_user_from_remember_cookie(cookie)
                if user is None:
                    # A forged, expired, stale or revoked cookie: have the
                    # browser drop it, and renew it no more.
                    session["_remember"] = "clear"
                    session.pop("_remember_seconds", None)
        except SessionRegistryUnavailable as error:
            self._registry_unavailable(error)
            user = None
        if user is None and self._request_callback is not None:
            user = self._load_user_from_request(request)
        self._update_request_context_with_user(user)

    def _session_registered(self, user_id: t.Any) -> bool:
        """Check the session's login against the session registry.

        Returns whether it may be used: always without a registry. A login
        the registry does not know is ended in this session (its keys
        removed, the remember-me cookie dropped), as a logout would.

        :raises SessionRegistryUnavailable: the store cannot be reached.
        """
        app = get_app()
        registry = STATE.get(app).registry
        login_id = session.get("_login_id")
        if registry is None or registry.check(login_id, user_id):
            return True
        end_login(app)
        identity_changed.send(app, user=None, reason="logout")
        session_rejected.send(
            app, session_id=login_id, user_id=user_id, source="session"
        )
        return False

    def _registry_unavailable(self, error: SessionRegistryUnavailable) -> None:
        """Serve the request as anonymous while the registry is down, or raise."""
        app = get_app()
        registry = STATE.get(app).registry
        if registry is not None and registry.on_error == "error":
            raise error
        app.logger.error(
            "The session registry's store cannot be reached, so this request is"
            " served as anonymous; sessions are not ended and work again once"
            " the store is back. Set LOGIN_SESSION_REGISTRY_ON_ERROR = 'error'"
            " to answer 503 instead.",
            exc_info=error,
        )

    def _session_protection_failed(self) -> bool:
        """Check the session was made for this client; act on it if not.

        Returns whether the login was removed from the session ("strong"
        mode); the session's other data stays.
        """
        app = get_app()
        mode = app.config.get("SESSION_PROTECTION", self.session_protection)
        if mode not in ("basic", "strong"):
            return False
        # Only a logged-in session is worth protecting; leaving anonymous
        # sessions alone also keeps them from being written to.
        if "_user_id" not in session:
            return False
        if session.get("_id") == self._session_identifier_generator():
            return False
        if mode == "basic" or session.permanent:
            if session.get("_fresh") is not False:
                session["_fresh"] = False
            session_protected.send(app)
            return False
        for key in _config.SESSION_KEYS:
            session.pop(key, None)
        session["_remember"] = "clear"
        session_protected.send(app)
        return True

    def _load_user_from_remember_cookie(self, cookie: str) -> t.Any:
        """Log in the user a valid remember-me cookie names; return it or None.

        The session is handled as at any login: emptied when it held another
        login, bound to this client, and not fresh. Sends
        :data:`vial.ext.identity_changed` (``reason="remember"``), so that
        nothing planted in the session before (a CSRF secret) acts as the
        user, then :data:`~vial_login.signals.user_loaded_from_cookie`.

        With a session registry, the cookie's login must be live in it; the
        session then continues that login (same registry id), so ending it
        ends the cookie and the session together.

        :raises SessionRegistryUnavailable: the registry's store cannot be
            reached.
        """
        loaded = read_cookie(cookie)
        if loaded is None or self._user_callback is None:
            return None
        app = get_app()
        registry = STATE.get(app).registry
        if registry is not None and not registry.check(loaded.login_id, loaded.user_id):
            session_rejected.send(
                app,
                session_id=loaded.login_id,
                user_id=loaded.user_id,
                source="remember",
            )
            return None
        user = self._user_callback(loaded.user_id)
        if user is None:
            return None
        start_login(
            app,
            loaded.user_id,
            fresh=False,
            identifier=self._session_identifier_generator(),
            login_id=None if registry is None else loaded.login_id,
        )
        # Renewals keep the lifetime chosen at login.
        session["_remember_seconds"] = loaded.seconds
        # Receivers may read current_user: it must not load the user again.
        self._update_request_context_with_user(user)
        identity_changed.send(app, user=user, reason="remember")
        user_loaded_from_cookie.send(app, user=user)
        return user

    def _load_user_from_request(self, request: t.Any) -> t.Any:
        """Return the user the ``request_loader`` finds for ``request``, or None."""
        assert self._request_callback is not None
        user = self._request_callback(request)
        if user is not None:
            user_loaded_from_request.send(get_app(), user=user)
        return user

    def _update_remember_cookie(self, response: R) -> R:
        """Set, renew or delete the remember-me cookie as the request decided."""
        config = get_app().config
        if (
            "_remember" not in session
            and config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"]
            and "_remember_seconds" in session
            and "_user_id" in session
        ):
            # Renew the cookie of a login that chose "remember me" (or came
            # from the cookie), whether or not this request carried it;
            # never add one to a login without it.
            session["_remember"] = "set"
        if "_remember" in session:
            operation = session.pop("_remember")
            if operation == "set" and "_user_id" in session:
                self._set_cookie(response)
            elif operation == "clear":
                self._clear_cookie(response)
        return response

    def _set_cookie(self, response: Response) -> None:
        """Set the remember-me cookie for the session's user on ``response``.

        Its lifetime is the one chosen at login, else
        ``REMEMBER_COOKIE_DURATION``.
        """
        seconds = session.get("_remember_seconds")
        if seconds is None:
            seconds = default_seconds(get_app())
        set_cookie(
            response,
            str(session["_user_id"]),
            seconds,
            expires=datetime.utcnow() + _dt.timedelta(seconds=seconds),
            login_id=session.get("_login_id"),
        )

    def _clear_cookie(self, response: Response) -> None:
        """Delete the remember-me cookie on ``response``."""
        clear_cookie(response)
