"""The registration and e-mail confirmation views.

``/register`` (``ACCOUNTS_REGISTERABLE``) creates the account. Without
confirmation the user is logged in; with ``ACCOUNTS_CONFIRMABLE`` the user
is sent a link and waits on the login page (unless
``ACCOUNTS_LOGIN_WITHOUT_CONFIRMATION``).

``/confirm`` sends the link again and ``/confirm/<token>`` confirms.

With ``ACCOUNTS_RETURN_GENERIC_RESPONSES`` (the default), these answers do
not tell who has an account: asking for a link answers the same for any
address; registering a taken address, when confirmation is required before
login, answers like a registration that worked (and tells the address's
owner by e-mail). Every form that sends e-mail is rate-limited per e-mail
address and per client address (429 with ``Retry-After``).
"""

from __future__ import annotations

import typing as t

from vial import url_for
from vial.ext import get_app
from vial.ext import get_request
from vial.ext import wants_json
from vial_login import current_user

from .authentication import login_account
from .datastore import DuplicateEmailError
from .forms import EmailForm
from .forms import RegisterForm
from .forms import text
from .links import LinkError
from .lockout import check_rate_limit
from .lockout import TooManyAttempts
from .registration import confirm_user
from .registration import register_user
from .registration import send_already_registered_notice
from .registration import send_confirmation_instructions
from .registration import user_for_confirmation_token
from .responses import answer
from .responses import done
from .responses import email_request
from .responses import make_form
from .responses import next_url
from .responses import too_many
from .responses import user_data
from .state import get_datastore

#: Said after a registration that waits for confirmation.
CHECK_YOUR_MAIL = (
    "Thank you for registering. We sent you an e-mail with a link to confirm"
    " your address; follow it, then log in."
)

#: Said to any request for the confirmation link, when answers are generic.
CONFIRMATION_SENT = (
    "If that address has an account waiting for confirmation, we sent it a new link."
)

TAKEN = "This e-mail address is already registered."


def register() -> t.Any:
    """Show the registration form, or register the user."""
    request = get_request()
    form = make_form(RegisterForm)
    if request.method == "GET":
        if current_user.is_authenticated and not wants_json():
            return done(None, next_url(None, "ACCOUNTS_POST_LOGIN_VIEW"))
        form.next.data = request.args.get("next", "")
        return answer("register.html", form=form)
    if not form.validate():
        return answer("register.html", form=form, status=400)
    email = text(form.email)
    try:
        check_rate_limit("register", email)
    except TooManyAttempts as e:
        return too_many("register.html", form, e)
    config = get_app().config
    waits_for_confirmation = (
        config["ACCOUNTS_CONFIRMABLE"]
        and not config["ACCOUNTS_LOGIN_WITHOUT_CONFIRMATION"]
    )
    try:
        user = register_user(email, text(form.password))
    except DuplicateEmailError:
        if not (waits_for_confirmation and config["ACCOUNTS_RETURN_GENERIC_RESPONSES"]):
            form.email.errors = [*form.email.errors, TAKEN]
            return answer("register.html", form=form, status=400)
        # Answer as if it worked, and tell the owner of the address.
        existing = get_datastore().find_user(email=email)
        if existing is not None:
            send_already_registered_notice(existing)
        return done(CHECK_YOUR_MAIL, url_for("accounts.login"))
    if waits_for_confirmation:
        return done(CHECK_YOUR_MAIL, url_for("accounts.login"))
    login_account(user)
    target = next_url(form.next.data, "ACCOUNTS_POST_LOGIN_VIEW")
    return done(None, target, data={"user": user_data(user)})


def _confirmation_problem(user: t.Any) -> str:
    if user is None:
        return "No account uses this e-mail address."
    if user.confirmed_at is not None:
        return "This e-mail address is confirmed already; log in."
    return "This account is disabled."


def send_confirmation() -> t.Any:
    """Show the form asking for the confirmation link again, or send it."""
    return email_request(
        "send_confirmation.html",
        "confirm",
        wanted=lambda user: bool(user.active and user.confirmed_at is None),
        send=send_confirmation_instructions,
        problem=_confirmation_problem,
        message=CONFIRMATION_SENT,
    )


def confirm_email(token: str) -> t.Any:
    """Confirm the address a confirmation link was sent to."""
    try:
        user = user_for_confirmation_token(token)
    except LinkError as e:
        message = f"{e} Ask for a new confirmation link below."
        form = make_form(EmailForm, formdata=None)
        return answer("send_confirmation.html", form=form, status=400, errors=[message])
    if confirm_user(user):
        message = "Thank you: your e-mail address is confirmed."
    else:
        message = "Your e-mail address is confirmed already."
    if current_user.is_authenticated:
        target = next_url(None, "ACCOUNTS_POST_LOGIN_VIEW")
    else:
        target = url_for("accounts.login")
    return done(message, target)
