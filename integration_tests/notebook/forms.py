"""The forms of the app; each carries a CSRF token."""

from __future__ import annotations

from wtforms import BooleanField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import Regexp

from vial_wtf import VialForm


class RegistrationForm(VialForm):
    """A new account: a name and a password typed twice."""

    name = StringField(
        "Name",
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[a-z0-9_]+$", message="Use lowercase letters, digits and _."),
        ],
    )
    password = PasswordField("Password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", "The passwords differ.")],
    )


class LoginForm(VialForm):
    """A name, a password, and whether to stay logged in."""

    name = StringField("Name", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Remember me")


class NoteForm(VialForm):
    """One note, from the account page's form or a JSON body."""

    text = StringField("Note", validators=[DataRequired(), Length(max=200)])


class LogoutForm(VialForm):
    """No fields but the CSRF token: logging out is a POST that needs one."""
