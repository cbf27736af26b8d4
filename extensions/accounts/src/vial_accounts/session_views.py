"""The login and logout views.

``GET /login`` shows the form; ``POST /login`` checks the credentials
(:func:`~vial_accounts.authentication.authenticate`, with the lockout) and
logs the user in, then sends the browser to a safe ``next`` or
``ACCOUNTS_POST_LOGIN_VIEW``. A JSON client gets the user, and with
``?include_auth_token`` (or ``"include_auth_token": true`` in its body) a
vial-tokens token for the API::

    POST /login?include_auth_token
    {"email": "ann@example.com", "password": "..."}

    200 {"meta": {"code": 200},
         "response": {"user": {"email": "ann@example.com", ...,
                               "authentication_token": "..."}}}

A lockout answers 429 with ``Retry-After``, on the page or in JSON.

``POST /logout`` logs out; ``GET /logout`` shows a button that posts, for
pages without one. Logging out is a POST with a CSRF token, so another
site cannot log a user out.
"""

from __future__ import annotations

import typing as t

from vial.ext import get_request
from vial.ext import wants_json
from vial_login import current_user
from vial_login import logout_user

from .authentication import authenticate
from .authentication import login_account
from .authentication import LoginRefused
from .forms import LoginForm
from .forms import LogoutForm
from .forms import text
from .lockout import TooManyAttempts
from .responses import answer
from .responses import done
from .responses import make_form
from .responses import next_url
from .responses import user_data
from .responses import view_url
from .state import get_state


def _wants_auth_token() -> bool:
    request = get_request()
    if "include_auth_token" in request.args:
        return True
    if request.is_json:
        body = request.get_json(silent=True)
        return isinstance(body, dict) and body.get("include_auth_token") is True
    return False


def login() -> t.Any:
    """Show the login form, or log the user in."""
    request = get_request()
    form = make_form(LoginForm)
    if request.method == "GET":
        if current_user.is_authenticated:
            if wants_json():
                return answer(
                    "login.html", form=form, data={"user": user_data(current_user)}
                )
            return done(
                None, next_url(request.args.get("next"), "ACCOUNTS_POST_LOGIN_VIEW")
            )
        form.next.data = request.args.get("next", "")
        return answer("login.html", form=form)
    if not form.validate():
        return answer("login.html", form=form, status=400)
    try:
        user = authenticate(text(form.email), text(form.password))
    except TooManyAttempts as e:
        return answer(
            "login.html",
            form=form,
            status=429,
            errors=[str(e.description)],
            headers={"Retry-After": str(e.retry_after)},
        )
    except LoginRefused as e:
        return answer(
            "login.html",
            form=form,
            status=400,
            errors=[e.message],
            unconfirmed=e.reason == "unconfirmed",
        )
    login_account(user, remember=bool(form.remember.data))
    data: dict[str, t.Any] = {"user": user_data(user)}
    if wants_json() and _wants_auth_token():
        data["user"]["authentication_token"] = get_state().tokens.issue_token(user)
    target = form.next.data or request.args.get("next")
    return done(None, next_url(target, "ACCOUNTS_POST_LOGIN_VIEW"), data=data)


def logout() -> t.Any:
    """Show the logout button, or log the user out."""
    form = make_form(LogoutForm)
    if get_request().method == "GET":
        return answer("logout.html", form=form)
    if not form.validate():
        return answer("logout.html", form=form, status=400)
    if current_user.is_authenticated:
        logout_user()
    return done(None, view_url("ACCOUNTS_POST_LOGOUT_VIEW"))
