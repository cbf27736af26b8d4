"""Roles in a vial-sqlalchemy database: a role model mixin, the user-role
table and the datastore.

Install the extra to use this module: ``pip install "vial-roles[sqlalchemy]"``.
The package does not import it on its own, so apps with other storage need
no SQLAlchemy.

.. code-block:: python

    from sqlalchemy.orm import Mapped, mapped_column
    from vial_login import UserMixin
    from vial_roles import Roles, UserRolesMixin
    from vial_roles.sqlalchemy import (
        RoleModelMixin, SQLAlchemyDatastore, define_user_roles,
    )

    class Role(db.Model, RoleModelMixin):  # table "role"
        pass

    class User(db.Model, UserMixin, UserRolesMixin):
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(unique=True)

    define_user_roles(User, Role)  # table "user_roles", and User.roles
    roles = Roles(app, SQLAlchemyDatastore(db, User, Role))

The models live on the app's own ``db``; ``db.create_all()`` (or a
migration) creates the ``role`` and ``user_roles`` tables with the others.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm

from .datastore import check_permissions
from .datastore import MAX_NAME_LENGTH
from .role import RoleMixin

if t.TYPE_CHECKING:
    from vial_sqlalchemy import SQLAlchemy


class PermissionSet(sa.types.TypeDecorator[frozenset[str]]):
    """A set of permission names, stored as sorted comma-separated text.

    Permission names hold no commas or whitespace (see
    :func:`vial_roles.datastore.check_name`), so the text reads back to the
    same set on every database.
    """

    impl = sa.Text
    cache_ok = True

    def process_bind_param(
        self, value: t.AbstractSet[str] | None, dialect: sa.Dialect
    ) -> str:
        """Return the text stored for ``value``."""
        return ",".join(sorted(check_permissions(value or ())))

    def process_result_value(
        self, value: str | None, dialect: sa.Dialect
    ) -> frozenset[str]:
        """Return the set of names read from the stored text."""
        return frozenset(item for item in (value or "").split(",") if item)


class RoleModelMixin(RoleMixin):
    """The columns of a role model: ``id``, ``name``, ``description`` and
    ``permissions``.

    Subclass it with the app's ``db.Model`` and add columns as needed:

    .. code-block:: python

        class Role(db.Model, RoleModelMixin):
            created: Mapped[datetime] = mapped_column(default=datetime.now)

    ``permissions`` is a ``frozenset`` of names; assign a new set to change
    it, so SQLAlchemy sees the change.
    """

    id: sa_orm.Mapped[int] = sa_orm.mapped_column(primary_key=True)
    name: sa_orm.Mapped[str] = sa_orm.mapped_column(
        sa.String(MAX_NAME_LENGTH), unique=True
    )
    description: sa_orm.Mapped[str] = sa_orm.mapped_column(sa.Text, default="")
    permissions: sa_orm.Mapped[frozenset[str]] = sa_orm.mapped_column(
        PermissionSet(), default=frozenset()
    )


def _primary_key(model: type[t.Any], what: str) -> sa.Column[t.Any]:
    columns: list[sa.Column[t.Any]] = list(sa.inspect(model).primary_key)
    if len(columns) != 1:
        raise TypeError(
            f"The {what} model {model.__name__} has {len(columns)} primary key"
            " columns. define_user_roles links models with one primary key"
            " column; declare the association table and the 'roles'"
            " relationship yourself for other models."
        )
    return columns[0]


def define_user_roles(
    user_model: type[t.Any],
    role_model: type[t.Any],
    *,
    table_name: str = "user_roles",
) -> sa.Table:
    """Declare the user-role association table and ``user_model.roles``.

    The table has two columns, ``user_id`` and ``role_id``, both foreign
    keys (rows go when their user or role is deleted) and together the
    primary key. It joins the user model's metadata, so ``db.create_all()``
    creates it with the user table. ``user_model.roles`` becomes a
    many-to-many relationship to ``role_model``.

    :param table_name: the name of the association table.
    :raises TypeError: a model has no single-column primary key, or the
        user model has a ``roles`` attribute already.
    """
    if hasattr(user_model, "roles"):
        raise TypeError(
            f"The user model {user_model.__name__} already has a 'roles'"
            " attribute. Call define_user_roles once per user model, or rename"
            " the attribute."
        )
    user_key = _primary_key(user_model, "user")
    role_key = _primary_key(role_model, "role")
    table = sa.Table(
        table_name,
        user_key.table.metadata,
        sa.Column(
            "user_id", sa.ForeignKey(user_key, ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "role_id", sa.ForeignKey(role_key, ondelete="CASCADE"), primary_key=True
        ),
    )
    relationship = sa_orm.relationship(
        role_model, secondary=table, order_by=role_model.name
    )
    sa.inspect(user_model).add_property("roles", relationship)
    return table


class SQLAlchemyDatastore:
    """Roles stored with the app's vial-sqlalchemy ``db``.

    Every read is a query in the current app context's session, so a change
    committed by another worker process is seen on the next request.

    :param db: the app's :class:`vial_sqlalchemy.SQLAlchemy`.
    :param user_model: the user model; it needs a ``roles`` many-to-many
        relationship to ``role_model`` (see :func:`define_user_roles`).
    :param role_model: the role model (see :class:`RoleModelMixin`).
    :param identifier: the user column :meth:`find_user` looks users up by,
        and the ``USER`` argument of ``vial roles add``.
    :raises AttributeError: the user model has no ``identifier`` attribute.
    """

    def __init__(
        self,
        db: SQLAlchemy,
        user_model: type[t.Any],
        role_model: type[t.Any],
        *,
        identifier: str = "email",
    ) -> None:
        if not hasattr(user_model, identifier):
            raise AttributeError(
                f"The user model {user_model.__name__} has no {identifier!r}"
                " attribute to find users by. Pass the name of a unique column"
                " as identifier, such as identifier='username'."
            )
        self.db = db
        self.user_model = user_model
        self.role_model = role_model
        #: The user column users are found by.
        self.identifier = identifier

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.user_model.__name__}"
            f" {self.role_model.__name__} by {self.identifier!r}>"
        )

    @property
    def _session(self) -> sa_orm.Session:
        return self.db.session()

    def find_user(self, identifier: str) -> t.Any | None:
        """Return the user whose identifier column equals ``identifier``."""
        column = getattr(self.user_model, self.identifier)
        try:
            value = column.type.python_type(identifier)
        except NotImplementedError:
            value = identifier
        except (TypeError, ValueError):
            # Not a value of the column's type ("x" for an integer column):
            # no user can have it.
            return None
        statement = sa.select(self.user_model).where(column == value)
        return self._session.execute(statement).scalar_one_or_none()

    def find_role(self, name: str) -> RoleMixin | None:
        """Return the role named ``name``, or ``None``."""
        statement = sa.select(self.role_model).where(self.role_model.name == name)
        role: RoleMixin | None = self._session.execute(statement).scalar_one_or_none()
        return role

    def list_roles(self) -> list[RoleMixin]:
        """Return every role, sorted by name."""
        statement = sa.select(self.role_model).order_by(self.role_model.name)
        return list(self._session.execute(statement).scalars())

    def create_role(
        self, name: str, description: str = "", permissions: t.Iterable[str] = ()
    ) -> RoleMixin:
        """Add a role to the session (stored at :meth:`commit`) and return it."""
        role: RoleMixin = self.role_model(
            name=name,
            description=description,
            permissions=check_permissions(permissions),
        )
        self._session.add(role)
        return role

    def _identity(self, obj: t.Any) -> tuple[t.Any, ...] | None:
        state = sa.inspect(obj)
        if state.identity is None and state.pending:
            self._session.flush()
        identity: tuple[t.Any, ...] | None = state.identity
        return identity

    def get_user_roles(self, user: t.Any) -> list[RoleMixin]:
        """Return the roles ``user`` holds, queried now, sorted by name."""
        identity = self._identity(user)
        if identity is None:
            return []
        keys = sa.inspect(self.user_model).primary_key
        statement = (
            sa.select(self.role_model)
            .select_from(self.user_model)
            .join(self.user_model.roles)
            .where(
                *(column == value for column, value in zip(keys, identity, strict=True))
            )
            .order_by(self.role_model.name)
        )
        return list(self._session.execute(statement).scalars())

    def _in_session(self, obj: t.Any) -> t.Any:
        """Return the session's copy of ``obj``, loaded if needed."""
        session = self._session
        if obj in session:
            return obj
        identity = self._identity(obj)
        found = None if identity is None else session.get(type(obj), identity)
        if found is None:
            raise ValueError(
                f"{obj!r} is not stored in the database. Add and commit it"
                " before changing its roles."
            )
        return found

    def _current_roles(self, user: t.Any) -> list[t.Any]:
        """Return the session's ``user.roles``, reloaded from the database."""
        session = self._session
        session.flush()
        session.expire(user, ["roles"])
        roles: list[t.Any] = user.roles
        return roles

    def add_role_to_user(self, user: t.Any, role: RoleMixin) -> bool:
        """Give ``role`` to ``user``; return ``False`` if they held it already."""
        user = self._in_session(user)
        role = self._in_session(role)
        roles = self._current_roles(user)
        if role in roles:
            return False
        roles.append(role)
        return True

    def remove_role_from_user(self, user: t.Any, role: RoleMixin) -> bool:
        """Take ``role`` from ``user``; return ``False`` if they did not hold it."""
        user = self._in_session(user)
        role = self._in_session(role)
        roles = self._current_roles(user)
        if role not in roles:
            return False
        roles.remove(role)
        return True

    def commit(self) -> None:
        """Commit the current session."""
        self._session.commit()
