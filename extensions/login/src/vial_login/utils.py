"""Logging users in and out, ``current_user`` and the view decorators.

The names and signatures are Flask-Login 0.6's, so apps port by changing
the import. What a login does to the session is vial-login's own policy
(see :mod:`vial_login.sessions`): an anonymous session keeps its data, a
session that held another login is emptied, and every login and logout
sends :data:`vial.ext.identity_changed` so that extensions renew the
secrets they keep in the session. A login without "remember me" removes a
remember-me cookie left from before.

A few private names are here because code written for Flask-Login imports
them from ``flask_login.utils``: ``_get_user``, ``_create_identifier``,
``_user_context_processor`` and ``_secret_key``, and so are Flask-Login's
:func:`encode_cookie` and :func:`decode_cookie`, which vial-login itself
does not use (its remember-me cookie is made by :mod:`vial_login.remember`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import typing as t
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from vial import has_request_context
from vial import url_for
from vial.ext import ContextProxy
from vial.ext import g
from vial.ext import get_app
from vial.ext import get_request
from vial.ext import identity_changed
from vial.ext import require_secret_key
from vial.ext import session

from .config import EXEMPT_METHODS
from .remember import default_seconds
from .remember import read_cookie
from .sessions import create_identifier
from .sessions import end_login
from .sessions import start_login
from .signals import user_logged_in
from .signals import user_logged_out
from .signals import user_login_confirmed
from .state import find_registry
from .state import get_manager

if t.TYPE_CHECKING:
    from vial import Blueprint

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def _get_user() -> t.Any:
    """Return the user of the current request, loading it on first use.

    The user is kept on ``g`` as ``_login_user`` for the rest of the request,
    where Flask-Login keeps it too. ``None`` outside a request.
    """
    if has_request_context():
        if "_login_user" not in g:
            get_manager()._load_user()
        return g._login_user
    return None


#: The logged-in user of the current request, or the anonymous user; ``None``
#: outside a request.
current_user: t.Any = ContextProxy(_get_user)

#: Flask-Login's name of :func:`vial_login.sessions.create_identifier`, the
#: default ``LoginManager._session_identifier_generator``.
_create_identifier = create_identifier


def _secret_key(key: str | bytes | None = None) -> bytes:
    """Return ``key``, or the app's ``SECRET_KEY``, as bytes.

    For code written for Flask-Login, which imports it from
    ``flask_login.utils`` to sign values the way Flask-Login did. Text keys
    are encoded as Latin-1 when they can be, as Flask-Login did, else as
    UTF-8. vial-login itself signs through :func:`vial.ext.get_serializer`.
    """
    if key is None:
        key = require_secret_key(get_app(), "remember-me cookies")
    return _key_bytes(key)


def _key_bytes(key: str | bytes) -> bytes:
    if isinstance(key, bytes):
        return key
    try:
        return key.encode("latin-1")
    except UnicodeEncodeError:
        return key.encode("utf-8")


def _cookie_digest(payload: bytes, key: bytes) -> bytes:
    """Return the hex HMAC-SHA512 of ``payload`` under ``key``."""
    return hmac.new(key, payload, hashlib.sha512).hexdigest().encode("ascii")


def encode_cookie(payload: str, key: str | bytes | None = None) -> str:
    """Return ``payload`` with an HMAC of it, as ``"<payload>|<hex digest>"``.

    Flask-Login's helper, kept for code that calls it: the digest is an
    HMAC-SHA512 of the payload keyed by ``key`` (the app's ``SECRET_KEY`` by
    default), so values made by Flask-Login read back here and the other way
    round. It has no expiry and no salt, so a value made for one purpose
    passes for any other made with the same helper and key: for new code,
    sign with :func:`vial.ext.get_serializer`. vial-login's remember-me
    cookie is not made with it (it is signed, salted and expiring).

    :param payload: The value to protect.
    :param key: The HMAC key; the app's ``SECRET_KEY`` by default.

    .. versionchanged:: 0.2
        Makes Flask-Login's value; it used to make vial-login's remember-me
        cookie.
    """
    digest = _cookie_digest(payload.encode("utf-8"), _secret_key(key))
    return f"{payload}|{digest.decode('ascii')}"


def decode_cookie(cookie: str, key: str | bytes | None = None) -> str | None:
    """Return the payload of a value :func:`encode_cookie` made, or ``None``.

    ``None`` when the value has no ``|`` or its digest does not match. The
    digest is compared in constant time. Without ``key``, the app's
    ``SECRET_KEY`` is tried, then each of ``SECRET_KEY_FALLBACKS``.

    :param cookie: The value to check.
    :param key: The HMAC key; the app's keys by default.

    .. versionchanged:: 0.2
        Reads Flask-Login's value; it used to read vial-login's remember-me
        cookie.
    """
    payload, separator, digest = cookie.rpartition("|")
    if not separator or not digest.isascii():
        return None
    try:
        payload_bytes = payload.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: nothing encode_cookie made
        return None
    if key is None:
        app = get_app()
        fallbacks = app.config.get("SECRET_KEY_FALLBACKS") or ()
        keys = [_secret_key(), *(_key_bytes(k) for k in fallbacks)]
    else:
        keys = [_key_bytes(key)]
    given = digest.encode("ascii")
    for candidate in keys:
        if hmac.compare_digest(given, _cookie_digest(payload_bytes, candidate)):
            return payload
    return None


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
    netloc = get_app().config.get("FORCE_HOST_FOR_REDIRECTS") or parts.netloc
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, doseq=True)))


def login_fresh() -> bool:
    """Return whether the user logged in during this session (not from a cookie)."""
    return bool(session.get("_fresh", False))


def login_remembered() -> bool:
    """Return whether the request carries a valid remember-me cookie."""
    cookie_name = get_app().config["REMEMBER_COOKIE_NAME"]
    cookies = get_request().cookies
    if cookie_name in cookies and session.get("_remember") != "clear":
        return read_cookie(cookies[cookie_name]) is not None
    return False


def login_user(
    user: t.Any,
    remember: bool = False,
    duration: t.Any = None,
    force: bool = False,
    fresh: bool = True,
) -> bool:
    """Log ``user`` in for this session; return whether it worked.

    An anonymous session keeps its data; a session that held another login
    is emptied but for ``LOGIN_PRESERVED_SESSION_KEYS`` (every session is,
    with ``LOGIN_ALWAYS_CLEAR_SESSION``). Sends
    :data:`vial.ext.identity_changed` (``reason="login"``), then
    :data:`~vial_login.signals.user_logged_in`.

    With a session registry, the login gets a new registry record (and a
    login this session held before is revoked); if the registry's store
    cannot be reached, nothing changes and
    :class:`~vial_login.SessionRegistryUnavailable` (503) is raised.

    :param user: The user object; its id comes from the manager's
        ``id_attribute`` (``get_id`` by default).
    :param remember: Also set the remember-me cookie.
    :param duration: A ``timedelta`` for the remember-me cookie's lifetime,
        instead of ``REMEMBER_COOKIE_DURATION``.
    :param force: Log the user in even when ``user.is_active`` is false.
    :param fresh: Mark the login fresh; ``False`` for logins that did not
        just check a password.
    :raises TypeError: ``duration`` is not a ``timedelta``.

    .. versionchanged:: 0.2
        An anonymous session keeps its data; only a session that held
        another login is emptied. Sends ``identity_changed``. Records the
        login in the session registry.
    """
    if not force and not user.is_active:
        return False
    if duration is not None and not hasattr(duration, "total_seconds"):
        raise TypeError(
            "The duration of login_user() must be a datetime.timedelta, not"
            f" {type(duration).__name__} ({duration!r}); pass"
            " duration=timedelta(days=...)."
        )
    app = get_app()
    manager = get_manager(app)
    user_id = getattr(user, manager.id_attribute)()
    login_id = None
    # The remember-me cookie's lifetime, or None for a login without one.
    seconds = None
    if remember:
        seconds = default_seconds(app) if duration is None else duration.total_seconds()
    registry = find_registry(app)
    if registry is not None:
        # The login this session held ends here; a copy of its cookies
        # must not outlive it.
        registry.revoke(session.get("_login_id"), reason="login")
        login_id = registry.open(user_id, remember_seconds=seconds)
    start_login(
        app,
        user_id,
        fresh=fresh,
        identifier=manager._session_identifier_generator(),
        login_id=login_id,
    )
    if seconds is not None:
        session["_remember"] = "set"
        # Also marks the login as one that chose "remember me", whose
        # cookie REMEMBER_COOKIE_REFRESH_EACH_REQUEST renews.
        session["_remember_seconds"] = seconds
    elif app.config["REMEMBER_COOKIE_NAME"] in get_request().cookies:
        # A remember-me cookie of an earlier login (maybe another user's)
        # would otherwise log that user back in once this session ends.
        session["_remember"] = "clear"
    manager._update_request_context_with_user(user)
    identity_changed.send(app, user=user, reason="login")
    user_logged_in.send(app, user=_get_user())
    return True


def logout_user() -> bool:
    """Log the current user out and drop the remember-me cookie; return True.

    Sends :data:`~vial_login.signals.user_logged_out` with the user who was
    logged in, then :data:`vial.ext.identity_changed` (``user=None``,
    ``reason="logout"``).

    With a session registry, the login is revoked first, so that copies of
    this session's cookies stop working everywhere; if the registry's store
    cannot be reached, nothing changes and
    :class:`~vial_login.SessionRegistryUnavailable` (503) is raised. Without
    one, copies of the session cookie taken before stay valid until they
    expire: only this browser's cookies are changed.
    """
    app = get_app()
    user = _get_user()
    registry = find_registry(app)
    if registry is not None:
        registry.revoke(session.get("_login_id"), reason="logout")
    end_login(app)
    user_logged_out.send(app, user=user)
    get_manager(app)._update_request_context_with_user()
    identity_changed.send(app, user=None, reason="logout")
    return True


def confirm_login() -> None:
    """Mark the current login fresh again, after the user re-entered a password."""
    session["_fresh"] = True
    session["_id"] = get_manager()._session_identifier_generator()
    user_login_confirmed.send(get_app())


def _exempt() -> bool:
    return get_request().method in EXEMPT_METHODS or bool(
        get_app().config.get("LOGIN_DISABLED")
    )


def login_required(func: F) -> F:
    """Decorate a view so that only logged-in users reach it.

    Others get :meth:`LoginManager.unauthorized`. ``OPTIONS`` requests and
    apps with ``LOGIN_DISABLED`` set go through.
    """

    @functools.wraps(func)
    def decorated_view(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if not _exempt() and not current_user.is_authenticated:
            return get_manager().unauthorized()
        return get_app().ensure_sync(func)(*args, **kwargs)

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
                return get_manager().unauthorized()
            if not login_fresh():
                return get_manager().needs_refresh()
        return get_app().ensure_sync(func)(*args, **kwargs)

    return t.cast(F, decorated_view)


def set_login_view(login_view: str, blueprint: Blueprint | None = None) -> None:
    """Set the login view of the current app's manager, app-wide or for a blueprint.

    Once a blueprint has its own login view, the app-wide one moves to the
    ``None`` key of ``blueprint_login_views``, as Flask-Login does.
    """
    manager = get_manager()
    views = manager.blueprint_login_views
    if blueprint is None and not views:
        manager.login_view = login_view
        return
    if manager.login_view is not None and None not in views:
        views[None] = manager.login_view
    manager.login_view = None
    views[None if blueprint is None else blueprint.name] = login_view
