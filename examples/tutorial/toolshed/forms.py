"""The forms of Toolshed. Each carries a CSRF token (``form.hidden_tag()``)
that vial-wtf checks on every POST."""

from __future__ import annotations

from vial_wtf import VialForm
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length


def _clean_email(value: str | None) -> str | None:
    """Compare addresses without case or surrounding spaces."""
    return value.strip().lower() if value else value


class RegisterForm(VialForm):
    """Join the shelf: an e-mail address, a name and a password."""

    email = EmailField(
        "E-mail address",
        filters=[_clean_email],
        validators=[DataRequired(), Length(max=254)],
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat the password",
        validators=[EqualTo("password", message="The passwords differ.")],
    )


class LoginForm(VialForm):
    """Log in with an e-mail address and a password."""

    email = EmailField("E-mail address", filters=[_clean_email])
    password = PasswordField("Password")
    remember = BooleanField("Remember me on this computer")


class ToolForm(VialForm):
    """Put a tool on the shelf."""

    name = StringField("Tool", validators=[DataRequired(), Length(max=80)])
    notes = TextAreaField("Notes for borrowers", validators=[Length(max=2000)])
