"""Who may do what: a user's roles and permissions, and the view decorators.

Every answer here comes from the app's datastore at the moment of asking.
Nothing is cached across requests and nothing is read from the session, so
a revoked role stops working on the next request in every worker, and a
client that edits its session cookie gains nothing (a cookie it cannot sign
is dropped; a signed one holds only vial-login's user id).

The user is the request's authenticated user: the one an API
authentication extension (vial-tokens) recorded with
:func:`vial.ext.set_request_user`, else vial-login's ``current_user``.
"""

from __future__ import annotations

import functools
import typing as t

from vial import flash
from vial import redirect
from vial import url_for
from vial.ext import get_app
from vial.ext import get_request_user
from vial.ext import negotiated_error
from vial.ext import wants_json
from vial_login import current_user

from .datastore import check_name
from .state import get_datastore

if t.TYPE_CHECKING:
    from vial import Vial
    from vial_login import LoginManager

    from .role import RoleMixin

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def get_user_roles(user: t.Any) -> list[RoleMixin]:
    """Return the roles ``user`` holds, as the current app's datastore says now."""
    return get_datastore().get_user_roles(user)


def user_has_role(user: t.Any, role: str | RoleMixin) -> bool:
    """Return whether ``user`` holds ``role`` (a role name or a role object)."""
    name = role if isinstance(role, str) else role.name
    return any(held.name == name for held in get_user_roles(user))


def user_has_permission(user: t.Any, permission: str) -> bool:
    """Return whether one of ``user``'s roles grants ``permission``."""
    return any(permission in role.permissions for role in get_user_roles(user))


def current_request_user() -> t.Any:
    """Return the authenticated user of the current request, or the anonymous one.

    The user recorded by :func:`vial.ext.set_request_user` (a token or HTTP
    basic authentication) comes first, then vial-login's ``current_user``.

    :raises RuntimeError: no user was recorded and vial-login is not set up
        on the app.
    """
    user = get_request_user()
    if user is not None:
        return user
    _login_manager(get_app())
    return current_user._get_current_object()


def _login_manager(app: Vial) -> LoginManager:
    # ``app.login_manager`` is where Flask-Login code finds the manager too.
    manager: LoginManager | None = getattr(app, "login_manager", None)
    if manager is None:
        raise RuntimeError(
            "vial-roles needs vial-login to know who the user is, but no"
            f" LoginManager is set up on the app {app.name!r}. Create"
            " LoginManager(app) and register its user_loader."
        )
    return manager


def _names(decorator: str, what: str, names: tuple[t.Any, ...]) -> frozenset[str]:
    if len(names) == 1 and callable(names[0]):
        raise TypeError(
            f"{decorator} takes {what} names, not a view. Write"
            f" @{decorator}('name'), with parentheses and at least one name."
        )
    if not names:
        raise TypeError(
            f"{decorator} needs at least one {what} name, such as @{decorator}('name')."
        )
    return frozenset(check_name(name, what) for name in names)


def _held_roles(user: t.Any) -> frozenset[str]:
    return frozenset(role.name for role in get_user_roles(user))


def _held_permissions(user: t.Any) -> frozenset[str]:
    held: set[str] = set()
    for role in get_user_roles(user):
        held.update(role.permissions)
    return frozenset(held)


def _guard(
    wanted: frozenset[str],
    held: t.Callable[[t.Any], frozenset[str]],
    need_all: bool,
) -> t.Callable[[F], F]:
    def decorator(view: F) -> F:
        @functools.wraps(view)
        def guarded_view(*args: t.Any, **kwargs: t.Any) -> t.Any:
            user = current_request_user()
            # No method or testing switch skips the check: a view that needs
            # a role needs a logged-in user, whatever LOGIN_DISABLED says.
            if user is None or not user.is_authenticated:
                return _login_manager(get_app()).unauthorized()
            granted = held(user)
            allowed = wanted <= granted if need_all else not wanted.isdisjoint(granted)
            if not allowed:
                return _forbidden()
            return get_app().ensure_sync(view)(*args, **kwargs)

        return t.cast(F, guarded_view)

    return decorator


def _forbidden() -> t.Any:
    """Answer a logged-in user who lacks a role: a redirect or a 403 error."""
    config = get_app().config
    message = config["ROLES_UNAUTHORIZED_MESSAGE"]
    view = config["ROLES_UNAUTHORIZED_VIEW"]
    if view and not wants_json():
        if message:
            flash(message, config["ROLES_UNAUTHORIZED_MESSAGE_CATEGORY"])
        if not view.startswith(("/", "http://", "https://")):
            view = url_for(view)
        return redirect(view)
    # An HTML page or a JSON body, by the client's Accept header; the
    # message never names the missing role.
    raise negotiated_error(403, message)


def roles_required(*roles: str) -> t.Callable[[F], F]:
    """Decorate a view so that only users holding *every* one of ``roles`` reach it.

    An anonymous user gets vial-login's login flow (a redirect to the login
    view, or a 401 for JSON clients); a logged-in user without the roles
    gets a 403 error, or the redirect to ``ROLES_UNAUTHORIZED_VIEW``.

    .. code-block:: python

        @app.post("/users/<int:user_id>/delete")
        @roles_required("admin", "auditor")
        def delete_user(user_id): ...

    :raises TypeError: no role names are given, or the decorator is used
        without parentheses.
    :raises ValueError: a role name is not valid.
    """
    return _guard(_names("roles_required", "role", roles), _held_roles, True)


def roles_accepted(*roles: str) -> t.Callable[[F], F]:
    """Decorate a view so that only users holding *one or more* of ``roles``
    reach it.

    Answers like :func:`roles_required` otherwise.
    """
    return _guard(_names("roles_accepted", "role", roles), _held_roles, False)


def permissions_required(*permissions: str) -> t.Callable[[F], F]:
    """Decorate a view so that only users granted *every* one of ``permissions``
    reach it.

    A user's permissions are those of all their roles. Answers like
    :func:`roles_required` otherwise.
    """
    wanted = _names("permissions_required", "permission", permissions)
    return _guard(wanted, _held_permissions, True)


def permissions_accepted(*permissions: str) -> t.Callable[[F], F]:
    """Decorate a view so that only users granted *one or more* of
    ``permissions`` reach it.

    Answers like :func:`roles_required` otherwise.
    """
    wanted = _names("permissions_accepted", "permission", permissions)
    return _guard(wanted, _held_permissions, False)
