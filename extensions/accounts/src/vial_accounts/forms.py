"""The forms of the account views, on vial-wtf.

Each is a :class:`vial_wtf.VialForm`: it reads an HTML form post or a JSON
body alike, and carries vial-wtf's CSRF field. Field names are the ones
JSON clients send: ``email``, ``password``, ``password_confirm``,
``remember``, ``new_password``, ``new_password_confirm``.

E-mail fields are normalised by their validator (:class:`ValidEmail`), so
``form.email.data`` is the stored form of the address once the form
validated. New passwords go through the app's password policy
(vial-passwords' ``validate_password``), which gets the form's ``user``
when there is one.
"""

from __future__ import annotations

import typing as t

from wtforms import BooleanField
from wtforms import Field
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import EqualTo
from wtforms.validators import InputRequired
from wtforms.validators import ValidationError

from vial_passwords import validate_password
from vial_wtf import VialForm

from .addresses import normalize_email


def text(field: Field) -> str:
    """Return a validated text field's data as a string (never ``None``)."""
    return str(field.data or "")


class ValidEmail:
    """Validate an e-mail field and replace its data by the normalised address."""

    def __call__(self, form: VialForm, field: Field) -> None:
        try:
            field.data = normalize_email(field.data or "")
        except ValueError as e:
            raise ValidationError(str(e)) from None


class PasswordPolicy:
    """Validate a new password against the app's password policy.

    The policy (vial-passwords' ``validate_password``: length, the app's
    ``PASSWORD_CHECK_COMPLEXITY`` hook such as a breached-password list)
    gets the form's ``user`` attribute, ``None`` on the registration form.
    """

    def __call__(self, form: VialForm, field: Field) -> None:
        problems = validate_password(field.data or "", getattr(form, "user", None))
        if problems:
            raise ValidationError(" ".join(problems))


_REQUIRED_EMAIL = "Enter your e-mail address."
_REQUIRED_PASSWORD = "Enter your password."
_REQUIRED_NEW_PASSWORD = "Choose a password."
_MISMATCH = "The two passwords differ."


def _email() -> StringField:
    return StringField(
        "E-mail address",
        validators=[InputRequired(_REQUIRED_EMAIL), ValidEmail()],
        render_kw={"autocomplete": "email", "inputmode": "email", "type": "email"},
    )


class LoginForm(VialForm):
    """Log in with an e-mail address and a password."""

    email = _email()
    password = PasswordField(
        "Password",
        validators=[InputRequired(_REQUIRED_PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class RegisterForm(VialForm):
    """Create an account."""

    email = _email()
    password = PasswordField(
        "Password",
        validators=[InputRequired(_REQUIRED_NEW_PASSWORD), PasswordPolicy()],
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        "Password again",
        validators=[
            InputRequired(_REQUIRED_NEW_PASSWORD),
            EqualTo("password", _MISMATCH),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    next = HiddenField()


class EmailForm(VialForm):
    """Ask for an e-mail: a password reset link, or the confirmation link again."""

    email = _email()


class ResetPasswordForm(VialForm):
    """Choose a new password, through a reset link."""

    #: The user whose password is reset, for the password policy.
    user: t.Any = None

    password = PasswordField(
        "New password",
        validators=[InputRequired(_REQUIRED_NEW_PASSWORD), PasswordPolicy()],
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        "New password again",
        validators=[
            InputRequired(_REQUIRED_NEW_PASSWORD),
            EqualTo("password", _MISMATCH),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(VialForm):
    """Change the password, giving the current one."""

    #: The logged-in user, for the password policy.
    user: t.Any = None

    password = PasswordField(
        "Current password",
        validators=[InputRequired(_REQUIRED_PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=[InputRequired(_REQUIRED_NEW_PASSWORD), PasswordPolicy()],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_confirm = PasswordField(
        "New password again",
        validators=[
            InputRequired(_REQUIRED_NEW_PASSWORD),
            EqualTo("new_password", _MISMATCH),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LogoutForm(VialForm):
    """Log out: a button, and the CSRF field that proves the page sent it."""
