"""The password views: forgotten password, reset link, change.

``/reset`` (``ACCOUNTS_RECOVERABLE``) e-mails a reset link, answering the
same whether or not the address has an account (unless
``ACCOUNTS_RETURN_GENERIC_RESPONSES`` is off), rate-limited like every form
that sends e-mail. ``/reset/<token>`` shows the form for the new password
(opening it changes nothing) and sets it; the link then stops working.

``/change`` (``ACCOUNTS_CHANGEABLE``) needs a logged-in user (a session or
an API token) and the current password, checked through the lockout like a
login. It ends every other session, remember-me cookie and API token of
the user; the session that made the change goes on, and a JSON client that
authenticated with a token gets a new one (``authentication_token``).
"""

from __future__ import annotations

import typing as t

from vial import url_for
from vial.ext import get_request
from vial.ext import get_request_user
from vial.ext import wants_json
from vial_login import current_user
from vial_passwords import verify_and_update
from vial_passwords import verify_password

from .forms import ChangePasswordForm
from .forms import EmailForm
from .forms import ResetPasswordForm
from .forms import text
from .links import LinkError
from .lockout import check_login_allowed
from .lockout import clear_login_failures
from .lockout import record_login_failure
from .lockout import TooManyAttempts
from .passwords import change_password as change_user_password
from .recovery import reset_password as reset_user_password
from .recovery import send_reset_password_instructions
from .recovery import user_for_reset_token
from .responses import answer
from .responses import done
from .responses import email_request
from .responses import make_form
from .responses import too_many
from .state import get_state

#: Said to any request for a reset link, when answers are generic.
RESET_SENT = (
    "If that address has an account, we sent it a link to choose a new"
    " password. The link works once, for a limited time."
)


def _reset_problem(user: t.Any) -> str:
    if user is None:
        return "No account uses this e-mail address."
    return "This account is disabled."


def forgot_password() -> t.Any:
    """Show the forgotten-password form, or e-mail a reset link."""
    return email_request(
        "forgot_password.html",
        "reset",
        wanted=lambda user: bool(user.active),
        send=send_reset_password_instructions,
        problem=_reset_problem,
        message=RESET_SENT,
    )


def reset_password(token: str) -> t.Any:
    """Show the form for a new password through a reset link, or set it."""
    try:
        user = user_for_reset_token(token)
    except LinkError as e:
        message = f"{e} Ask for a new link below."
        return answer(
            "forgot_password.html",
            form=make_form(EmailForm, formdata=None),
            status=400,
            errors=[message],
        )
    form = make_form(ResetPasswordForm)
    form.user = user
    if get_request().method == "GET":
        return answer("reset_password.html", form=form, token=token)
    if not form.validate():
        return answer("reset_password.html", form=form, status=400, token=token)
    reset_user_password(user, text(form.password))
    return done(
        "Your password has been changed; log in with the new one.",
        url_for("accounts.login"),
    )


def change_password() -> t.Any:
    """Show the change-password form, or change the password."""
    user = current_user._get_current_object()
    form = make_form(ChangePasswordForm)
    form.user = user
    if get_request().method == "GET":
        return answer("change_password.html", form=form)
    if not form.validate():
        return answer("change_password.html", form=form, status=400)
    try:
        check_login_allowed(user.email)
    except TooManyAttempts as e:
        return too_many("change_password.html", form, e)
    ok, _ = verify_and_update(text(form.password), user.password)
    if not ok:
        # A stolen session must not become a way to guess the password.
        record_login_failure(user.email, user, "change")
        form.password.errors = [*form.password.errors, "The current password is wrong."]
        return answer("change_password.html", form=form, status=400)
    clear_login_failures(user.email)
    if verify_password(text(form.new_password), user.password):
        form.new_password.errors = [
            *form.new_password.errors,
            "Choose a password different from the current one.",
        ]
        return answer("change_password.html", form=form, status=400)
    by_token = get_request_user() is not None
    change_user_password(user, text(form.new_password))
    data: dict[str, t.Any] = {}
    if by_token and wants_json():
        # The token this request came with carried the old uniquifier.
        data["authentication_token"] = get_state().tokens.issue_token(user)
    return done(
        "Your password has been changed. Every other device was logged out.",
        url_for("accounts.change_password"),
        data=data,
    )
