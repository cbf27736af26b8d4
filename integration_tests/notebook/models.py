"""The database tables: users, their notes, and the roles they hold."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from vial_login import UserMixin
from vial_roles import UserRolesMixin
from vial_roles.sqlalchemy import define_user_roles
from vial_roles.sqlalchemy import RoleModelMixin

from .extensions import db


def new_session_token() -> str:
    """Return a fresh random token; replacing a user's ends their logins."""
    return secrets.token_urlsafe(16)


class User(UserMixin, UserRolesMixin, db.Model):  # type: ignore[name-defined,misc]
    """An account: a unique name and a password hash, never the password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Part of get_id(), so the session and the remember-me cookie hold it,
    # and the alternative id API tokens carry (TOKENS_ALT_ID_ATTRIBUTE): a
    # new one (logout, password change) makes every copy of them stale.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    notes: Mapped[list[Note]] = relationship(
        back_populates="author", order_by="Note.id", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        """Return the id the session and remember-me cookie keep."""
        return f"{self.id}:{self.session_token}"


class Note(db.Model):  # type: ignore[name-defined,misc]
    """A short text written by one user."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.String(200))
    author: Mapped[User] = relationship(back_populates="notes")

    def as_json(self) -> dict[str, int | str]:
        """Return the note as the JSON API shows it."""
        return {"id": self.id, "text": self.text}


class Role(db.Model, RoleModelMixin):  # type: ignore[name-defined,misc]
    """A named set of permissions that users are granted (table ``role``)."""


# The ``user_roles`` table and ``User.roles``.
define_user_roles(User, Role)
