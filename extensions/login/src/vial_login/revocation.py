"""Ending logins from the server: the public API of the session registry.

With ``LOGIN_SESSION_REGISTRY`` set, these functions list a user's logins
and end them, in every worker process at once:

- :func:`active_sessions` lists a user's logins (device, address, created,
  last seen), for an "active sessions" page or an admin;
- :func:`revoke_session` ends one of them (a button next to each);
- :func:`logout_everywhere` ends all of a user's logins, this one too or
  all but this one.

Each ended login's session cookie and remember-me cookie are refused at
their next request, wherever they are, including copies taken before.
"""

from __future__ import annotations

import typing as t

from vial.ext import session

from .registry import SessionRegistry
from .session_store import SessionRecord
from .state import find_registry
from .state import get_manager
from .utils import _get_user
from .utils import logout_user

if t.TYPE_CHECKING:
    from vial import Vial


def get_session_registry(app: Vial | None = None) -> SessionRegistry:
    """Return the session registry of ``app``, or of the current app.

    :raises RuntimeError: the app has no registry (``LOGIN_SESSION_REGISTRY``
        is not set), or vial-login is not set up on it.

    .. versionadded:: 0.2
    """
    registry = find_registry(app)
    if registry is None:
        raise RuntimeError(
            "The app has no session registry; set LOGIN_SESSION_REGISTRY to"
            ' "sqlalchemy", "redis" or a store object before LoginManager(app) to'
            " list and revoke sessions."
        )
    return registry


def current_session_id() -> str | None:
    """Return the registry id of this request's login, or None.

    Compare it with :attr:`SessionRecord.id
    <vial_login.session_store.SessionRecord.id>` to mark "this device" in a
    list of sessions.

    .. versionadded:: 0.2
    """
    login_id = session.get("_login_id")
    return login_id if isinstance(login_id, str) else None


def _user_id(user: t.Any) -> str | None:
    """Return the registry's id of ``user`` (the current user by default).

    None for the anonymous user. A user who may not log in any more
    (``is_active`` false) still has logins to end.
    """
    if user is None:
        user = _get_user()
    if user is None or user.is_anonymous:
        return None
    return str(getattr(user, get_manager().id_attribute)())


def _is_current_user(user_id: str) -> bool:
    current = session.get("_user_id")
    return current is not None and str(current) == user_id


def active_sessions(user: t.Any = None) -> list[SessionRecord]:
    """Return the live logins of ``user`` (the current user by default).

    The most recently seen first; an empty list for the anonymous user.

    :raises SessionRegistryUnavailable: the registry's store cannot be reached.

    .. versionadded:: 0.2
    """
    registry = get_session_registry()
    user_id = _user_id(user)
    return [] if user_id is None else registry.sessions_of(user_id)


def revoke_session(session_id: str, user: t.Any = None) -> bool:
    """End the login ``session_id``; return whether there was one to end.

    For an admin, ``revoke_session(session_id)`` ends any login. For a
    user's own "end this session" button, pass ``user=current_user``: a
    login of another user is then left alone (and False returned), whatever
    id the form sent. Ending the current request's own login also logs this
    session out.

    :raises SessionRegistryUnavailable: the registry's store cannot be reached.

    .. versionadded:: 0.2
    """
    registry = get_session_registry()
    if user is not None:
        record = registry.get(session_id)
        if record is None or record.user_id != _user_id(user):
            return False
    record = registry.revoke(session_id, reason="revoked")
    if session_id == current_session_id():
        logout_user()
    return record is not None


def logout_everywhere(user: t.Any = None, *, keep_current: bool = False) -> int:
    """End every login of ``user`` (the current user by default); return how many.

    Their sessions and remember-me cookies are refused from their next
    request on, on every device; a new login works as usual. If this
    request's session is one of them it is logged out too, unless
    ``keep_current`` is true: then every login but this one ends ("log out
    my other sessions"). Nothing happens for the anonymous user.

    :raises SessionRegistryUnavailable: the registry's store cannot be reached.

    .. versionadded:: 0.2
    """
    registry = get_session_registry()
    user_id = _user_id(user)
    if user_id is None:
        return 0
    is_current = _is_current_user(user_id)
    keep = current_session_id() if keep_current and is_current else None
    records = registry.revoke_user(user_id, "logout_everywhere", keep=keep)
    if is_current and not keep_current:
        logout_user()
    return len(records)
