"""The :class:`LoginManager`: loads the user of each request and answers for
views the user may not see.

One manager may serve several apps; its attributes (``login_view``, the
loader callbacks...) are the manager's settings, shared by those apps, as in
Flask-Login. Each app keeps the manager it uses in
``app.extensions["login"]`` (and, for code written for Flask-Login, in
``app.login_manager``).
"""

from __future__ import annotations

import typing as t

from vial import abort
from vial import current_app
from vial import flash
from vial import g
from vial import jsonify
from vial import redirect
from vial import request
from vial import session

from . import config as _config
from .mixins import AnonymousUserMixin
from .remember import _load_cookie
from .remember import clear_cookie
from .remember import set_cookie
from .signals import session_protected
from .signals import user_accessed
from .signals import user_loaded_from_cookie
from .signals import user_loaded_from_request
from .signals import user_needs_refresh
from .signals import user_unauthorized
from .utils import _create_identifier
from .utils import _user_context_processor
from .utils import expand_login_view
from .utils import EXTENSION_KEY
from .utils import login_url as make_login_url
from .utils import make_next_param

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response as BaseResponse

    from vial import Response
    from vial import Vial

C = t.TypeVar("C", bound=t.Callable[..., t.Any])


def _wants_json() -> bool:
    """Return whether the client sent JSON or prefers a JSON answer to HTML."""
    if request.is_json:
        return True
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/json"])
    return best == "application/json" and accept[best] > accept["text/html"]


class LoginManager:
    """Session authentication for one or more apps, with Flask-Login's API.

    :param app: The app to set up now; leave it out and call :meth:`init_app`
        later in an app factory.
    :param add_context_processor: Make ``current_user`` available in templates.
    """

    def __init__(self, app: Vial | None = None, add_context_processor: bool = True):
        #: The class (or factory) of the user object for anonymous visitors.
        self.anonymous_user: t.Callable[[], t.Any] = AnonymousUserMixin
        #: Endpoint name or URL of the login view; ``None`` answers 401.
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
        self._session_identifier_generator: t.Callable[[], str] = _create_identifier
        if app is not None:
            self.init_app(app, add_context_processor)

    def init_app(self, app: Vial, add_context_processor: bool = True) -> None:
        """Set the manager up on ``app``.

        :raises RuntimeError: A login manager is already set up on ``app``.
        """
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError(
                "vial-login is already set up on this app; call LoginManager(app)"
                " or login_manager.init_app(app) only once per app."
            )
        # Hooks first: if the app refuses them (it has served requests
        # already), it must not look as if logins were set up.
        app.after_request(self._update_remember_cookie)
        if add_context_processor:
            app.context_processor(_user_context_processor)
        _config.OPTIONS.apply(app)
        app.extensions[EXTENSION_KEY] = self
        # Flask-Login code reads the manager from ``current_app.login_manager``.
        setattr(app, "login_manager", self)  # noqa: B010

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

    def _flash(self, message: str | None, category: str) -> None:
        if message:
            if self.localize_callback is not None:
                message = self.localize_callback(message)
            flash(message, category=category)

    def _redirect_to(self, view: str) -> BaseResponse:
        if current_app.config.get("USE_SESSION_FOR_NEXT"):
            session["_id"] = self._session_identifier_generator()
            session["next"] = make_next_param(expand_login_view(view), request.url)
            return redirect(make_login_url(view))
        return redirect(make_login_url(view, next_url=request.url))

    def _json_error(self, message: str, view: str | None) -> Response:
        url = None if view is None else make_login_url(view, next_url=request.url)
        response = jsonify(error=message, login_url=url)
        response.status_code = 401
        return response

    def _login_view_for_request(self) -> str | None:
        views = self.blueprint_login_views
        for name in request.blueprints:
            if name in views:
                return views[name]
        return self.login_view or views.get(None)

    def unauthorized(self) -> t.Any:
        """Answer a request that needs a logged-in user.

        Sends :data:`~vial_login.signals.user_unauthorized`, then calls the
        :meth:`unauthorized_handler` if there is one. Otherwise a JSON client
        gets a 401 JSON body ``{"error": ..., "login_url": ...}``; a browser
        is redirected to the login view (for the request's blueprint, else
        the app's) with the login message flashed, or gets a 401 when there
        is no login view.
        """
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        user_unauthorized.send(app)
        if self.unauthorized_callback is not None:
            return self.unauthorized_callback()
        view = self._login_view_for_request()
        if _wants_json():
            return self._json_error(self.login_message or _config.LOGIN_MESSAGE, view)
        if not view:
            abort(401)
        self._flash(self.login_message, self.login_message_category)
        return self._redirect_to(view)

    def needs_refresh(self) -> t.Any:
        """Answer a request that needs a fresh login.

        Sends :data:`~vial_login.signals.user_needs_refresh`, then calls the
        :meth:`needs_refresh_handler` if there is one. Otherwise a JSON client
        gets a 401 JSON body; a browser is redirected to :attr:`refresh_view`
        with the refresh message flashed, or gets a 401 when it is unset.
        """
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        user_needs_refresh.send(app)
        if self.needs_refresh_callback is not None:
            return self.needs_refresh_callback()
        view = self.refresh_view
        if _wants_json():
            message = self.needs_refresh_message or _config.REFRESH_MESSAGE
            return self._json_error(message, view)
        if not view:
            abort(401)
        self._flash(self.needs_refresh_message, self.needs_refresh_message_category)
        return self._redirect_to(view)

    def _update_request_context_with_user(self, user: t.Any = None) -> None:
        """Make ``user`` (or a new anonymous user) the request's current user."""
        g._login_user = self.anonymous_user() if user is None else user

    def _load_user(self) -> None:
        """Find the request's user in the session, the cookie or the request."""
        if self._user_callback is None and self._request_callback is None:
            raise RuntimeError(
                "No user_loader or request_loader is registered; decorate a"
                " function with @login_manager.user_loader that returns the user"
                " for the id stored in the session."
            )
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        user_accessed.send(app)
        if self._session_protection_failed():
            self._update_request_context_with_user()
            return
        user = None
        user_id = session.get("_user_id")
        if user_id is not None and self._user_callback is not None:
            user = self._user_callback(user_id)
        if user is None:
            cookie_name = app.config["REMEMBER_COOKIE_NAME"]
            cookie = request.cookies.get(cookie_name)
            if cookie is not None and session.get("_remember") != "clear":
                user = self._load_user_from_remember_cookie(cookie)
                if user is None:
                    # A forged, expired or stale cookie: have the browser drop it.
                    session["_remember"] = "clear"
            if user is None and self._request_callback is not None:
                user = self._load_user_from_request(request)
        self._update_request_context_with_user(user)

    def _session_protection_failed(self) -> bool:
        """Check the session was made for this client; act on it if not.

        Returns whether the session was emptied ("strong" mode).
        """
        app = current_app._get_current_object()  # type: ignore[attr-defined]
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
        loaded = _load_cookie(cookie, None)
        if loaded is None or self._user_callback is None:
            return None
        user_id, seconds = loaded
        user = self._user_callback(user_id)
        if user is None:
            return None
        session["_user_id"] = user_id
        session["_fresh"] = False
        # Renewals keep the lifetime chosen at login.
        session["_remember_seconds"] = seconds
        # Bind the restored session to this client, as a login would.
        session["_id"] = self._session_identifier_generator()
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        user_loaded_from_cookie.send(app, user=user)
        return user

    def _load_user_from_request(self, request: t.Any) -> t.Any:
        assert self._request_callback is not None
        user = self._request_callback(request)
        if user is not None:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            user_loaded_from_request.send(app, user=user)
        return user

    def _update_remember_cookie(self, response: Response) -> Response:
        """Set, renew or delete the remember-me cookie as the request decided."""
        config = current_app.config
        if (
            "_remember" not in session
            and config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"]
            and config["REMEMBER_COOKIE_NAME"] in request.cookies
            and "_user_id" in session
        ):
            # Renew only cookies the user chose at login; never add one.
            session["_remember"] = "set"
        if "_remember" in session:
            operation = session.pop("_remember")
            if operation == "set" and "_user_id" in session:
                set_cookie(
                    response,
                    str(session["_user_id"]),
                    session.get("_remember_seconds"),
                )
            elif operation == "clear":
                clear_cookie(response)
        return response
