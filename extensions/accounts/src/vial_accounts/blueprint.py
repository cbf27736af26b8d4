"""The accounts blueprint: the views the app's settings switch on.

Each app gets a blueprint of its own, named ``accounts``, made by
:func:`make_blueprint` when vial-accounts is set up on it, holding the
views its ``ACCOUNTS_*`` switches turn on (a view that is off has no URL at
all) under ``ACCOUNTS_URL_PREFIX``:

=========================  ==========================  =========================
URL                        endpoint                    switched on by
=========================  ==========================  =========================
``/login``                 ``accounts.login``          always
``/logout``                ``accounts.logout``         always
``/register``              ``accounts.register``       ``ACCOUNTS_REGISTERABLE``
``/confirm``               ``accounts.send_confirmation``  ``ACCOUNTS_CONFIRMABLE``
``/confirm/<token>``       ``accounts.confirm_email``  ``ACCOUNTS_CONFIRMABLE``
``/reset``                 ``accounts.forgot_password``  ``ACCOUNTS_RECOVERABLE``
``/reset/<token>``         ``accounts.reset_password``  ``ACCOUNTS_RECOVERABLE``
``/change``                ``accounts.change_password``  ``ACCOUNTS_CHANGEABLE``
=========================  ==========================  =========================

Templates are ``accounts/<view>.html`` in the blueprint's folder; an app
overrides any of them with a template of the same name in its own folder.
The stylesheet is ``url_for("accounts.static", filename="accounts.css")``.

The blueprint also answers vial-wtf's ``CSRFError`` for its views, when the
app runs ``CSRFProtect``, which checks the token before the view: the page
comes back with "the form has expired" and a fresh token, instead of a bare
error page.
"""

from __future__ import annotations

import typing as t

from vial import Blueprint
from vial.ext import get_app
from vial.ext import get_request
from vial_wtf import CSRFError

from .auth import auth_required
from .forms import ChangePasswordForm
from .forms import EmailForm
from .forms import LoginForm
from .forms import LogoutForm
from .forms import RegisterForm
from .forms import ResetPasswordForm
from .password_views import change_password
from .password_views import forgot_password
from .password_views import reset_password
from .registration_views import confirm_email
from .registration_views import register
from .registration_views import send_confirmation
from .responses import answer
from .responses import FORM_EXPIRED
from .session_views import login
from .session_views import logout

if t.TYPE_CHECKING:
    from vial import Vial
    from vial_wtf import VialForm

#: The blueprint's name, the first part of its endpoints.
NAME = "accounts"

#: The template and form of each view, to show the page again after an error
#: raised before the view ran.
PAGES: dict[str, tuple[str, type[VialForm]]] = {
    "login": ("login.html", LoginForm),
    "logout": ("logout.html", LogoutForm),
    "register": ("register.html", RegisterForm),
    "send_confirmation": ("send_confirmation.html", EmailForm),
    "forgot_password": ("forgot_password.html", EmailForm),
    "reset_password": ("reset_password.html", ResetPasswordForm),
    "change_password": ("change_password.html", ChangePasswordForm),
}

_FORM_METHODS = ["GET", "POST"]


def make_blueprint(app: Vial) -> Blueprint:
    """Return the accounts blueprint for ``app``, with the views it switches on."""
    config = app.config
    blueprint = Blueprint(
        NAME,
        __name__,
        url_prefix=config["ACCOUNTS_URL_PREFIX"] or None,
        template_folder="templates",
        static_folder="static",
        static_url_path="/accounts-static",
    )
    blueprint.add_url_rule("/login", view_func=login, methods=_FORM_METHODS)
    blueprint.add_url_rule("/logout", view_func=logout, methods=_FORM_METHODS)
    if config["ACCOUNTS_REGISTERABLE"]:
        blueprint.add_url_rule("/register", view_func=register, methods=_FORM_METHODS)
    if config["ACCOUNTS_CONFIRMABLE"]:
        blueprint.add_url_rule(
            "/confirm", view_func=send_confirmation, methods=_FORM_METHODS
        )
        blueprint.add_url_rule("/confirm/<token>", view_func=confirm_email)
    if config["ACCOUNTS_RECOVERABLE"]:
        blueprint.add_url_rule(
            "/reset", view_func=forgot_password, methods=_FORM_METHODS
        )
        blueprint.add_url_rule(
            "/reset/<token>", view_func=reset_password, methods=_FORM_METHODS
        )
    if config["ACCOUNTS_CHANGEABLE"]:
        blueprint.add_url_rule(
            "/change",
            endpoint="change_password",
            view_func=auth_required("session", "token")(change_password),
            methods=_FORM_METHODS,
        )
    blueprint.register_error_handler(CSRFError, _form_expired)
    blueprint.context_processor(_endpoints)
    blueprint.add_app_template_global(_logout_form, "accounts_logout_form")
    return blueprint


def _endpoints() -> dict[str, t.Any]:
    """Give the account templates the app's endpoints, to link only to views
    that are switched on."""
    return {"accounts_endpoints": get_app().view_functions}


def _logout_form() -> VialForm:
    """Return a logout form, for a logout button in any template.

    .. code-block:: jinja

        {% set logout = accounts_logout_form() %}
        <form method="post" action="{{ url_for('accounts.logout') }}">
          {{ logout.csrf_token }}<button>Log out</button>
        </form>
    """
    return LogoutForm(formdata=None)


def _form_expired(error: CSRFError) -> t.Any:
    """Show the page again with a fresh token after a CSRF check failed."""
    request = get_request()
    endpoint = (request.endpoint or "").rpartition(".")[2]
    template, form_class = PAGES.get(endpoint, PAGES["login"])
    # The form keeps what the user typed (but passwords) and gets a new token.
    form = form_class()
    return answer(
        template,
        form=form,
        status=400,
        errors=[FORM_EXPIRED],
        **(request.view_args or {}),
    )
