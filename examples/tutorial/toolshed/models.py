"""The tables of Toolshed: members, the tools they lend, and roles.

The first migration (``migrations/versions/``) was written from these
classes by ``vial db migrate``; change a class, then run ``vial db migrate``
and ``vial db upgrade`` again.
"""

from __future__ import annotations

import typing as t
from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy import select
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from vial_login import UserMixin
from vial_roles import UserRolesMixin
from vial_roles.sqlalchemy import define_user_roles
from vial_roles.sqlalchemy import RoleModelMixin
from vial_tokens import new_alt_id

from toolshed.extensions import Base
from toolshed.extensions import db

# db.Model is made at run time, which type checkers cannot follow; they see
# the declarative base it derives from instead.
if t.TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


class Member(Model, UserMixin, UserRolesMixin):
    """A neighbour who lends and borrows tools."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: A random id that sessions and API tokens carry instead of ``id``.
    #: Give the member a new one and every session and token of theirs ends.
    alt_id: Mapped[str] = mapped_column(String(64), unique=True, default=new_alt_id)

    def get_id(self) -> str:
        """Return what vial-login keeps in the session: the alternative id."""
        return self.alt_id


def member_by_alt_id(alt_id: str) -> Member | None:
    """Return the member a session or a token names by ``alt_id``, or None
    once the member has a new one."""
    return db.session.scalar(select(Member).filter_by(alt_id=alt_id))


class Role(Model, RoleModelMixin):
    """A role such as ``steward``, with the permissions it grants."""


# The member_roles table, and Member.roles for vial-roles' datastore.
define_user_roles(Member, Role, table_name="member_roles")


class LendingError(Exception):
    """A lending rule refused a borrow or a return; the message says which."""


class Tool(Model):
    """A tool on the shelf, lent by its owner."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    notes: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    borrower_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    borrowed_on: Mapped[date | None]

    owner: Mapped[Member] = relationship(foreign_keys=[owner_id])
    borrower: Mapped[Member | None] = relationship(foreign_keys=[borrower_id])

    def lend_to(self, member: Member) -> None:
        """Record that ``member`` takes the tool home today."""
        if self.borrower is not None:
            raise LendingError(f"The {self.name} is already lent out.")
        if self.owner.id == member.id:
            raise LendingError(f"The {self.name} is yours; no need to borrow it.")
        self.borrower = member
        self.borrowed_on = date.today()

    def take_back(self, member: Member) -> None:
        """Record that the tool is back on the shelf; its borrower or its
        owner may say so."""
        if self.borrower is None:
            raise LendingError(f"The {self.name} is not lent out.")
        if member.id not in (self.borrower.id, self.owner.id):
            raise LendingError(
                f"Only the borrower or the owner can return the {self.name}."
            )
        self.borrower = None
        self.borrowed_on = None

    def can_be_removed_by(self, member: Member) -> bool:
        """Return whether ``member`` may take the tool off the shelf: its
        owner, or a member whose roles grant ``tools.remove``."""
        return member.id == self.owner.id or member.has_permission("tools.remove")


def lent_tools() -> t.Sequence[Tool]:
    """Return the tools that are lent out, longest-lent first."""
    lent = select(Tool).where(Tool.borrower_id.is_not(None))
    return db.session.scalars(lent.order_by(Tool.borrowed_on, Tool.name)).all()


def tool_or_404(tool_id: int) -> Tool:
    """Return the tool with this id, or end the request with a 404 error."""
    tool: Tool = db.get_or_404(Tool, tool_id, description="There is no such tool.")
    return tool
