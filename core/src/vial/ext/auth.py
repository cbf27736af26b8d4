"""What authentication extensions tell the others, without importing them.

Three facts cross extension boundaries. When a session login or logout
changes who the user is, every extension that keeps something bound to the
session (a CSRF secret, a cart) must renew it: :data:`identity_changed`
says so. When a request is authenticated by something other than the
session (an API token, HTTP basic auth), the user holds for that request
only: :func:`set_request_user` records it and :data:`request_user_loaded`
lets a session extension show it as its current user without writing the
session. And such a request carries credentials that a browser cannot have
sent on its own, so cookie-bound protections such as CSRF do not apply to
it: :func:`has_api_credentials` tells, from checks that the token
extensions register with :func:`add_credentials_check`.
"""

from __future__ import annotations

import typing as t

from blinker import Namespace

from .context import current_request_context
from .context import get_app

if t.TYPE_CHECKING:
    from vial.app import Vial
    from vial.wrappers import Request

_signals = Namespace()

#: Sent by an authentication extension after a login or logout changed who
#: the session belongs to (a remember-me login restoring a user counts).
#: Extensions that keep secrets in the session renew them on it, so nothing
#: planted in the session before the login can act as the user after it.
#:
#: Sender: the app. Keyword arguments: ``user``, the user now logged in, or
#: ``None`` after a logout; ``reason``, one of ``"login"``, ``"remember"``
#: (restored from a remember-me cookie) and ``"logout"``.
identity_changed = _signals.signal("identity-changed")

#: Sent by :func:`set_request_user` when a request was authenticated by
#: credentials other than the session. A session extension makes ``user``
#: its current user for the rest of the request, without writing the
#: session or any cookie.
#:
#: Sender: the app. Keyword argument: ``user``.
request_user_loaded = _signals.signal("request-user-loaded")

_CHECKS_KEY = "vial.ext.credentials_checks"
_USER_KEY = "vial.ext.request_user"


def set_request_user(user: t.Any) -> None:
    """Make ``user`` the authenticated user of the current request only.

    For extensions that authenticate a request by itself (an API token,
    HTTP basic auth): nothing is stored in the session or in a cookie, so
    the next request must authenticate again. Sends
    :data:`request_user_loaded`.

    :raises RuntimeError: no request context is active.
    """
    ctx = current_request_context()
    if ctx is None:
        raise RuntimeError(
            "set_request_user() needs a request; call it while handling one,"
            " after the request's credentials were verified."
        )
    ctx.request.environ[_USER_KEY] = user
    request_user_loaded.send(ctx.app, user=user)


def get_request_user() -> t.Any:
    """Return the user :func:`set_request_user` recorded for this request.

    ``None`` when there is none, or outside a request.
    """
    ctx = current_request_context()
    if ctx is None:
        return None
    return ctx.request.environ.get(_USER_KEY)


CredentialsCheck = t.Callable[["Request"], bool]


def add_credentials_check(app: Vial, check: CredentialsCheck) -> None:
    """Register a test for credentials that browsers do not send on their own.

    ``check`` receives the request and returns whether it carries such
    credentials for the registering extension (an ``Authorization`` header
    with its scheme, say). It must only look: the extension verifies the
    credentials itself, and an invalid one is refused there.
    """
    checks: list[CredentialsCheck] = app.extensions.setdefault(_CHECKS_KEY, [])
    if check not in checks:
        checks.append(check)


def has_api_credentials(request: Request | None = None) -> bool:
    """Return whether the request carries credentials that are not cookies.

    ``True`` when a check registered with :func:`add_credentials_check` on
    the request's app says so. ``False`` outside a request.
    """
    if request is None:
        ctx = current_request_context()
        if ctx is None:
            return False
        request = ctx.request
        app = ctx.app
    else:
        app = get_app()
    checks: list[CredentialsCheck] = app.extensions.get(_CHECKS_KEY, ())
    return any(check(request) for check in checks)
