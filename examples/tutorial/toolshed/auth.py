"""Members: joining, logging in and out, and ``vial members add``."""

from __future__ import annotations

import click
from sqlalchemy import select
from vial import Blueprint
from vial import flash
from vial import redirect
from vial import render_template
from vial import url_for
from vial_login import get_next_url
from vial_login import login_user
from vial_login import logout_user
from vial_passwords import hash_password
from vial_passwords import validate_password
from vial_passwords import verify_and_update
from werkzeug.wrappers import Response as BaseResponse

from toolshed.extensions import db
from toolshed.extensions import login_manager
from toolshed.forms import LoginForm
from toolshed.forms import RegisterForm
from toolshed.models import Member
from toolshed.models import member_by_alt_id

# The commands of this blueprint join "vial" as "vial members ...".
bp = Blueprint("auth", __name__, url_prefix="/auth", cli_group="members")


# The session holds the member's get_id(), the alt_id; this finds them again.
login_manager.user_loader(member_by_alt_id)


def authenticate(email: str, password: str) -> Member | None:
    """Return the member with this e-mail address and password, or None.

    An unknown address costs as much time as a wrong password, so timing
    does not tell which addresses have an account. A hash made with older
    settings is replaced on the way.
    """
    member = db.session.scalar(select(Member).filter_by(email=email))
    stored_hash = member.password_hash if member is not None else None
    ok, new_hash = verify_and_update(password, stored_hash)
    if not ok or member is None:
        return None
    if new_hash is not None:
        member.password_hash = new_hash
        db.session.commit()
    return member


def joining_problems(email: str, password: str) -> list[str]:
    """Return why a new member cannot join with these, or an empty list."""
    problems = validate_password(password)
    if db.session.scalar(select(Member.id).filter_by(email=email)) is not None:
        problems.append(f"{email} has an account already; log in instead.")
    return problems


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | BaseResponse:
    """Show the form to join, and create the member it was filled for."""
    form = RegisterForm()
    if form.validate_on_submit():
        email, password = form.email.data or "", form.password.data or ""
        form.form_errors += joining_problems(email, password)
        if not form.form_errors:
            member = Member(
                email=email, name=form.name.data, password_hash=hash_password(password)
            )
            db.session.add(member)
            db.session.commit()
            login_user(member)
            flash(f"Welcome, {member.name}!")
            return redirect(url_for("shelf.index"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse:
    """Show the login form, and log the member in."""
    form = LoginForm()
    if form.validate_on_submit():
        member = authenticate(form.email.data or "", form.password.data or "")
        if member is not None:
            login_user(member, remember=form.remember.data)
            # "next" is the page @login_required sent the visitor away from;
            # get_next_url() ignores it when it points to another site.
            return redirect(get_next_url() or url_for("shelf.index"))
        flash("Wrong e-mail address or password.", "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> BaseResponse:
    """Log out; a POST, so another site cannot log a member out."""
    logout_user()
    return redirect(url_for("shelf.index"))


@bp.cli.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The name shown to other members.")
@click.password_option(help="Asked for when not given.")
def add_member(email: str, name: str, password: str) -> None:
    """Add a member, for example the first steward."""
    email = email.strip().lower()
    problems = joining_problems(email, password)
    if problems:
        raise click.ClickException(" ".join(problems))
    db.session.add(
        Member(email=email, name=name, password_hash=hash_password(password))
    )
    db.session.commit()
    click.echo(f"Added {name} <{email}>.")
