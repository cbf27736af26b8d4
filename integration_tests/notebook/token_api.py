"""The token API: HTTP basic buys a token, the token and roles open the rest.

It sits next to the session pages and shares their users: ``POST
/api/tokens`` takes a name and password (HTTP basic) and answers a signed
token; ``GET /api/me`` and ``GET /api/users`` take that token. Listing the
users needs the ``users.read`` permission, granted by a role.
No view here touches the session: a token request is logged in for that
request only.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

from vial import Blueprint
from vial_login import current_user
from vial_passwords import verify_password
from vial_roles import permissions_required

from .extensions import basic_auth
from .extensions import csrf
from .extensions import db
from .extensions import tokens
from .models import User

bp = Blueprint("token_api", __name__, url_prefix="/api")

#: The permission that lists every user.
READ_USERS = "users.read"


@basic_auth.verify_password
def check_password(name: str, password: str) -> User | None:
    """Return the user whose name and password these are, or None."""
    user = db.session.scalar(sa.select(User).where(User.name == name))
    # Checked against None for an unknown name: same time, same answer.
    if verify_password(password, user.password_hash if user else None):
        return user
    return None


@tokens.user_loader
def load_token_user(alt_id: str) -> User | None:
    """Return the user a token was issued to, while their session token holds."""
    return db.session.scalar(sa.select(User).where(User.session_token == alt_id))


# Exempt from CSRF by hand: vial-wtf skips the check for tokens on its own,
# but not for basic credentials, which a browser resends unasked. A forged
# post here is harmless: the page that forged it cannot read the answer.
@bp.post("/tokens")
@csrf.exempt
@basic_auth.login_required
def issue_token() -> tuple[dict[str, str], int]:
    """Answer a new token for the user of the basic credentials."""
    return {"token": tokens.issue_token(basic_auth.current_user())}, 201


@bp.get("/me")
@tokens.login_required
def me() -> dict[str, t.Any]:
    """Return who the token acts for, read through vial-login's current_user."""
    return {"user": current_user.name, "roles": [r.name for r in current_user.roles]}


@bp.get("/users")
@tokens.login_required
@permissions_required(READ_USERS)
def list_users() -> dict[str, list[str]]:
    """Return every user's name (``users.read`` only)."""
    return {"users": list(db.session.scalars(sa.select(User.name).order_by(User.name)))}
