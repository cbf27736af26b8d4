"""What a login and a logout do to the session.

A session may hold data from before the login: a cart, a half-filled form,
the CSRF secret of a form rendered in another tab, the page to return to.
It may also hold data an attacker planted, by handing the victim a session
cookie of their own before the login (session fixation). vial-login's
policy, applied the same way to :func:`~vial_login.login_user` and to a
login restored from the remember-me cookie:

- A session that held **another login** (a different id: another user, or
  the same user before a password change renewed the id) is emptied, but
  for ``LOGIN_PRESERVED_SESSION_KEYS`` and the permanent flag. Nothing of
  one user's session passes to the next.
- An **anonymous** session keeps its data (a cart, the page to return to),
  as Flask-Login and Django keep it. Only vial-login's own keys are
  replaced: a planted ``_fresh`` or ``_remember``
  never survives. Secrets an attacker could have planted to act as the user
  are renewed by the extensions that keep them, on
  :data:`vial.ext.identity_changed` (vial-wtf renews its CSRF secret).
- With ``LOGIN_ALWAYS_CLEAR_SESSION``, every login and logout empties the
  session (but for the preserved keys), the strictest choice. Without it, a
  logout removes only the login, as in Flask-Login.

The session is bound to the client it was made for (a digest of its
address and user agent), which session protection checks later.
"""

from __future__ import annotations

import hashlib
import typing as t

from vial.ext import get_request
from vial.ext import session

from .config import LOGIN_KEYS

if t.TYPE_CHECKING:
    from vial import Vial


def create_identifier() -> str:
    """Return a digest of the client's address and user agent for the session.

    The address is ``request.remote_addr``; behind a proxy, set it from the
    forwarding headers with werkzeug's ``ProxyFix`` (headers are not trusted
    here, since clients can send any).
    """
    request = get_request()
    user_agent = request.headers.get("User-Agent", "")
    base = f"{request.remote_addr}|{user_agent}"
    return hashlib.sha512(base.encode("utf-8")).hexdigest()


def clear_session(app: Vial) -> None:
    """Empty the session, but for ``LOGIN_PRESERVED_SESSION_KEYS`` and its
    permanent flag.

    With signed-cookie sessions the new cookie differs from any copy taken
    before, and nothing put in the session before survives.
    """
    keep = app.config["LOGIN_PRESERVED_SESSION_KEYS"]
    kept = {key: session[key] for key in keep if key in session}
    permanent = session.permanent
    session.clear()
    session.update(kept)
    if permanent:
        session.permanent = True


def start_login(
    app: Vial,
    user_id: t.Any,
    *,
    fresh: bool,
    identifier: str,
    login_id: str | None = None,
) -> None:
    """Store a login of ``user_id`` in the session, by the policy above.

    :param user_id: the id the user loader will receive back.
    :param fresh: whether the user just proved who they are (a password),
        rather than being restored from a cookie.
    :param identifier: the digest binding the session to this client.
    :param login_id: the login's id in the session registry, if there is one.
    """
    previous = session.get("_user_id")
    if app.config["LOGIN_ALWAYS_CLEAR_SESSION"] or (
        previous is not None and previous != user_id
    ):
        clear_session(app)
    else:
        for key in LOGIN_KEYS:
            session.pop(key, None)
    session["_user_id"] = user_id
    session["_fresh"] = fresh
    session["_id"] = identifier
    if login_id is not None:
        session["_login_id"] = login_id


def end_login(app: Vial) -> None:
    """Remove the login from the session, and the remember-me cookie with it."""
    if app.config["LOGIN_ALWAYS_CLEAR_SESSION"]:
        clear_session(app)
    else:
        for key in LOGIN_KEYS:
            session.pop(key, None)
    if app.config["REMEMBER_COOKIE_NAME"] in get_request().cookies:
        # The response deletes the cookie, or it would log the user back in.
        session["_remember"] = "clear"
