"""Who the request's user is: sessions, API tokens and HTTP basic auth.

- **Sessions** are vial-login's. The session and the remember-me cookie
  hold the user's ``fs_uniquifier`` (its ``get_id()``), and
  :func:`load_session_user` finds the user by it, refusing deactivated
  users: renewing the uniquifier or deactivating the user ends the login.
- **API tokens** are vial-tokens' signed tokens, which carry the same
  uniquifier; :func:`load_token_user` finds their user. The JSON login
  hands one out (``include_auth_token``).
- **HTTP basic auth** checks the e-mail address and password through
  :func:`~vial_accounts.authentication.authenticate`, so the lockout
  counts and refuses basic-auth guesses like form logins.

:func:`auth_required` protects a view with any of the three.
"""

from __future__ import annotations

import functools
import typing as t

from vial.ext import get_app
from vial.ext import get_request
from vial.ext import negotiated_error
from vial.ext import wants_json
from vial_login import current_user
from vial_login.state import STATE as LOGIN_STATE
from vial_roles import roles_accepted as roles_accepted
from vial_roles import roles_required as roles_required

from .authentication import authenticate
from .authentication import LoginRefused
from .state import get_state
from .state import STATE

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

#: The mechanisms :func:`auth_required` knows.
MECHANISMS = ("session", "token", "basic")

#: What a request that no listed mechanism authenticated is told.
UNAUTHORIZED = "Log in to see this page."


def load_session_user(user_id: str) -> t.Any:
    """Return the active user whose ``fs_uniquifier`` is ``user_id``.

    vial-login's user loader for every app vial-accounts is set up on.
    """
    state = STATE.find()
    if state is None:
        return None
    user = state.datastore.find_user(fs_uniquifier=user_id)
    if user is None or not user.active:
        return None
    return user


def load_token_user(alt_id: str) -> t.Any:
    """Return the user whose ``fs_uniquifier`` a token carries (vial-tokens'
    user loader); vial-tokens refuses inactive users itself."""
    return get_state().datastore.find_user(fs_uniquifier=alt_id)


def verify_basic_password(email: str, password: str) -> t.Any:
    """Check HTTP basic credentials through the lockout; return the user or None.

    :raises TooManyAttempts: the lockout refuses the attempt.
    """
    if not email and not password:
        return None  # no credentials: nothing to count
    try:
        return authenticate(email, password, mechanism="basic")
    except LoginRefused:
        return None


def _session_user() -> t.Any:
    if LOGIN_STATE.find() is None:
        return None
    user = current_user._get_current_object()
    return user if user is not None and user.is_authenticated else None


def _authenticated_by(mechanism: str) -> t.Any:
    """Return the user ``mechanism`` authenticates for this request, or None."""
    if mechanism == "session":
        return _session_user()
    state = get_state()
    auth = state.tokens if mechanism == "token" else state.basic
    if not auth.carries_credentials(get_request()):
        return None
    # optional=True: a refusal leaves the user None instead of answering,
    # so the next mechanism may still authenticate the request.
    auth.check_request(None, True)
    return auth.current_user()


def auth_required(*mechanisms: str) -> t.Callable[[F], F]:
    """Decorate a view so that a request authenticated by any of ``mechanisms``
    reaches it.

    ``"session"`` (vial-login's session or remember-me cookie), ``"token"``
    (a vial-tokens token in the ``Authorization`` header) and ``"basic"``
    (HTTP basic auth with the e-mail address and password, counted by the
    lockout); ``("session", "token")`` when none is given. They are tried in
    the order given. A request none authenticates gets vial-login's answer
    when sessions are accepted and the client is a browser (a redirect to
    the login page), else a 401 error with a ``WWW-Authenticate`` header.

    .. code-block:: python

        @app.get("/api/notes")
        @auth_required("token", "session")
        def notes(): ...

    :raises ValueError: a mechanism is not one of the three.
    """
    if len(mechanisms) == 1 and callable(mechanisms[0]):
        raise TypeError(
            "auth_required takes mechanism names, not a view. Write"
            " @auth_required() or @auth_required('session', 'token'), with"
            " parentheses."
        )
    wanted = mechanisms or ("session", "token")
    unknown = [m for m in wanted if m not in MECHANISMS]
    if unknown:
        raise ValueError(
            f"auth_required does not know {unknown!r}; use some of"
            f" {', '.join(repr(m) for m in MECHANISMS)}."
        )

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def protected(*args: t.Any, **kwargs: t.Any) -> t.Any:
            if get_request().method != "OPTIONS":
                for mechanism in wanted:
                    if _authenticated_by(mechanism) is not None:
                        break
                else:
                    return _refuse(wanted)
            return get_app().ensure_sync(view)(*args, **kwargs)

        return t.cast(F, protected)

    return decorator


def _refuse(mechanisms: t.Sequence[str]) -> t.Any:
    login = LOGIN_STATE.find()
    if "session" in mechanisms and login is not None and not wants_json():
        return login.manager.unauthorized()
    state = get_state()
    challenges = []
    if "token" in mechanisms:
        challenges.append(state.tokens.authenticate_header())
    if "basic" in mechanisms:
        challenges.append(state.basic.authenticate_header())
    headers = {"WWW-Authenticate": ", ".join(challenges)} if challenges else None
    raise negotiated_error(401, UNAUTHORIZED, headers=headers)
