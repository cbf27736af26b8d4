"""Registration, login and logout pages."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.wrappers import Response

from vial import Blueprint
from vial import flash
from vial import redirect
from vial import render_template
from vial import url_for
from vial_login import current_user
from vial_login import get_next_url
from vial_login import login_required
from vial_login import login_user
from vial_login import logout_user
from vial_passwords import hash_password
from vial_passwords import validate_password
from vial_passwords import verify_and_update

from .extensions import db
from .extensions import login_manager
from .forms import LoginForm
from .forms import LogoutForm
from .forms import RegistrationForm
from .models import new_session_token
from .models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the user of a session or remember-me id, or None when stale."""
    id, _, token = user_id.partition(":")
    user = db.session.get(User, int(id)) if id.isdigit() else None
    if user is None or user.session_token != token:
        return None
    return user


def _user_named(name: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.name == name))


def _credentials(form: RegistrationForm | LoginForm) -> tuple[str, str]:
    """Return the name and password of a validated form (both required)."""
    return form.name.data or "", form.password.data or ""


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response | tuple[str, int]:
    """Create an account, then send the new user to the login page."""
    form = RegistrationForm()
    if form.validate_on_submit():
        name, password = _credentials(form)
        taken = _user_named(name)
        if taken is not None:
            form.name.errors = ["That name is taken."]
        problems = validate_password(password)
        if problems:
            form.password.errors = problems
        if taken is None and not problems:
            user = User(name=name)
            user.password_hash = hash_password(password)
            db.session.add(user)
            db.session.commit()
            flash("Your account is ready; log in.")
            return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Log a user in by name and password; go back where they came from."""
    form = LoginForm()
    if form.validate_on_submit():
        name, password = _credentials(form)
        user = _user_named(name)
        # With no such user, the check still runs (against None), so the
        # answer takes as long and says the same as for a wrong password.
        ok, new_hash = verify_and_update(password, user.password_hash if user else None)
        if user is not None and ok:
            if new_hash is not None:
                user.password_hash = new_hash
                db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(get_next_url(url_for("notes.account")) or "/")
        form.form_errors.append("Wrong name or password.")
        return render_template("login.html", form=form), 401
    status = 400 if form.is_submitted() else 200
    return render_template("login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Log out everywhere: a new session token makes old cookies useless."""
    form = LogoutForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        assert user is not None
        user.session_token = new_session_token()
        db.session.commit()
        logout_user()
        flash("You are logged out.")
    return redirect(url_for("auth.login"))
