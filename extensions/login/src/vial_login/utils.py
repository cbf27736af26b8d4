"""Logging users in and out, ``current_user`` and the view decorators.

The names and signatures are Flask-Login 0.6's, so apps port by changing
the import. Two things go further: :func:`login_user` starts a fresh
session (no session fixation), and a login without "remember me" removes a
remember-me cookie left from before.
"""

from __future__ import annotations

import functools
import hashlib
import typing as t
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from vial import current_app
from vial import g
from vial import has_request_context
from vial import request
from vial import session
from vial import url_for
from vial.globals import ContextProxy

from .config import EXEMPT_METHODS
from .remember import decode_cookie as decode_cookie
from .remember import encode_cookie as encode_cookie
from .signals import user_logged_in
from .signals import user_logged_out
from .signals import user_login_confirmed

if t.TYPE_CHECKING:
    from vial import Blueprint

    from .login_manager import LoginManager

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

#: The key of the app's :class:`~vial_login.LoginManager` in ``app.extensions``.
EXTENSION_KEY = "login"


def _get_manager() -> LoginManager:
    try:
        return t.cast("LoginManager", current_app.extensions[EXTENSION_KEY])
    except KeyError:
        raise RuntimeError(
            "vial-login is not set up on the current app; create"
            " LoginManager(app) or call login_manager.init_app(app) first."
        ) from None


def _get_user() -> t.Any:
    """Return the user of the current request, loading it on first use.

    The user is kept on ``g`` as ``_login_user`` for the rest of the request.
    ``None`` outside a request.
    """
    if has_request_context():
        if "_login_user" not in g:
            _get_manager()._load_user()
        return g._login_user
    return None


#: The logged-in user of the current request, or the anonymous user; ``None``
#: outside a request.
current_user: t.Any = ContextProxy(_get_user)


def _create_identifier() -> str:
    """Return a digest of the client's address and user agent for the session.

    The address is ``request.remote_addr``; behind a proxy, set it from the
    forwarding headers with werkzeug's ``ProxyFix`` (headers are not trusted
    here, since clients can send any).
    """
    user_agent = request.headers.get("User-Agent", "")
    base = f"{request.remote_addr}|{user_agent}"
    return hashlib.sha512(base.encode("utf-8")).hexdigest()


def _user_context_processor() -> dict[str, t.Any]:
    return {"current_user": _get_user()}


def expand_login_view(login_view: str) -> str:
    """Return the URL of ``login_view``: a URL as is, an endpoint through url_for."""
    if login_view.startswith(("https://", "http://", "/")):
        return login_view
    return url_for(login_view)


def make_next_param(login_url: str, current_url: str) -> str:
    """Reduce ``current_url`` to a path when it is on the login page's host."""
    login = urlsplit(login_url)
    current = urlsplit(current_url)
    if (not login.scheme or login.scheme == current.scheme) and (
        not login.netloc or login.netloc == current.netloc
    ):
        return urlunsplit(("", "", current.path, current.query, ""))
    return current_url


def login_url(
    login_view: str, next_url: str | None = None, next_field: str = "next"
) -> str:
    """Return the URL of the login view, with ``next_url`` as its next parameter.

    :param login_view: An endpoint name or a URL.
    :param next_url: The page to return to after login.
    :param next_field: The name of the query argument carrying ``next_url``.
    """
    base = expand_login_view(login_view)
    if next_url is None:
        return base
    parts = urlsplit(base)
    query = parse_qs(parts.query, keep_blank_values=True)
    query[next_field] = [make_next_param(base, next_url)]
    netloc = current_app.config.get("FORCE_HOST_FOR_REDIRECTS") or parts.netloc
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, doseq=True)))


def login_fresh() -> bool:
    """Return whether the user logged in during this session (not from a cookie)."""
    return bool(session.get("_fresh", False))


def login_remembered() -> bool:
    """Return whether the request carries a valid remember-me cookie."""
    cookie_name = current_app.config["REMEMBER_COOKIE_NAME"]
    if cookie_name in request.cookies and session.get("_remember") != "clear":
        return decode_cookie(request.cookies[cookie_name]) is not None
    return False


def _rotate_session() -> None:
    """Empty the session except deliberately kept keys, before logging in.

    With signed-cookie sessions the new cookie differs from any copy an
    attacker held or planted, and nothing the attacker put in the session
    survives the login.
    """
    keep = current_app.config["LOGIN_PRESERVED_SESSION_KEYS"]
    kept = {key: session[key] for key in keep if key in session}
    permanent = session.permanent
    session.clear()
    session.update(kept)
    if permanent:
        session.permanent = True


def login_user(
    user: t.Any,
    remember: bool = False,
    duration: t.Any = None,
    force: bool = False,
    fresh: bool = True,
) -> bool:
    """Log ``user`` in for this session; return whether it worked.

    :param user: The user object; its id comes from the manager's
        ``id_attribute`` (``get_id`` by default).
    :param remember: Also set the remember-me cookie.
    :param duration: A ``timedelta`` for the remember-me cookie's lifetime,
        instead of ``REMEMBER_COOKIE_DURATION``.
    :param force: Log the user in even when ``user.is_active`` is false.
    :param fresh: Mark the login fresh; ``False`` for logins that did not
        just check a password.
    :raises TypeError: ``duration`` is not a ``timedelta``.
    """
    if not force and not user.is_active:
        return False
    if duration is not None and not hasattr(duration, "total_seconds"):
        raise TypeError(
            f"duration must be a datetime.timedelta, instead got: {duration!r}"
        )
    manager = _get_manager()
    user_id = getattr(user, manager.id_attribute)()
    _rotate_session()
    session["_user_id"] = user_id
    session["_fresh"] = fresh
    session["_id"] = manager._session_identifier_generator()
    if remember:
        session["_remember"] = "set"
        if duration is not None:
            session["_remember_seconds"] = duration.total_seconds()
    elif current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies:
        # A remember-me cookie of an earlier login (maybe another user's)
        # would otherwise log that user back in once this session ends.
        session["_remember"] = "clear"
    manager._update_request_context_with_user(user)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    user_logged_in.send(app, user=_get_user())
    return True


def logout_user() -> bool:
    """Log the current user out and drop the remember-me cookie; return True."""
    user = _get_user()
    for key in ("_user_id", "_fresh", "_id", "_remember_seconds"):
        session.pop(key, None)
    if current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies:
        session["_remember"] = "clear"
    else:
        session.pop("_remember", None)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    user_logged_out.send(app, user=user)
    _get_manager()._update_request_context_with_user()
    return True


def confirm_login() -> None:
    """Mark the current login fresh again, after the user re-entered a password."""
    session["_fresh"] = True
    session["_id"] = _get_manager()._session_identifier_generator()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    user_login_confirmed.send(app)


def _exempt() -> bool:
    return request.method in EXEMPT_METHODS or bool(
        current_app.config.get("LOGIN_DISABLED")
    )


def login_required(func: F) -> F:
    """Decorate a view so that only logged-in users reach it.

    Others get :meth:`LoginManager.unauthorized`. ``OPTIONS`` requests and
    apps with ``LOGIN_DISABLED`` set go through.
    """

    @functools.wraps(func)
    def decorated_view(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if not _exempt() and not current_user.is_authenticated:
            return _get_manager().unauthorized()
        return current_app.ensure_sync(func)(*args, **kwargs)

    return t.cast(F, decorated_view)


def fresh_login_required(func: F) -> F:
    """Decorate a view so that only users with a fresh login reach it.

    Anonymous users get :meth:`LoginManager.unauthorized`; users logged in
    from a remember-me cookie (or whose session protection tripped) get
    :meth:`LoginManager.needs_refresh`. ``OPTIONS`` requests and apps with
    ``LOGIN_DISABLED`` set go through.
    """

    @functools.wraps(func)
    def decorated_view(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if not _exempt():
            if not current_user.is_authenticated:
                return _get_manager().unauthorized()
            if not login_fresh():
                return _get_manager().needs_refresh()
        return current_app.ensure_sync(func)(*args, **kwargs)

    return t.cast(F, decorated_view)


def set_login_view(login_view: str, blueprint: Blueprint | None = None) -> None:
    """Set the login view of the current app's manager, app-wide or for a blueprint.

    Once a blueprint has its own login view, the app-wide one moves to the
    ``None`` key of ``blueprint_login_views``, as Flask-Login does.
    """
    manager = _get_manager()
    views = manager.blueprint_login_views
    if blueprint is None and not views:
        manager.login_view = login_view
        return
    if manager.login_view is not None and None not in views:
        views[None] = manager.login_view
    manager.login_view = None
    views[None if blueprint is None else blueprint.name] = login_view
