"""Accounts in a vial-sqlalchemy database: the user model's columns, the role
model, and :class:`SQLAlchemyUserDatastore`.

Install the extra to use this module: ``pip install "vial-accounts[sqlalchemy]"``.

.. code-block:: python

    from vial_accounts import Accounts
    from vial_accounts.sqlalchemy import RoleModelMixin
    from vial_accounts.sqlalchemy import SQLAlchemyUserDatastore
    from vial_accounts.sqlalchemy import UserModelMixin

    class Role(db.Model, RoleModelMixin):  # table "role"
        pass

    class User(db.Model, UserModelMixin):  # table "user"
        pass

    accounts = Accounts(app, SQLAlchemyUserDatastore(db, User, Role))

The datastore declares, on the models' metadata, vial-roles' ``user_roles``
association table (with ``User.roles``) when the user model has no
``roles`` yet, and the ``accounts_counter`` table of the lockout and
rate-limit counters; ``db.create_all()`` (or a migration) creates them with
the others.
"""

from __future__ import annotations

import typing as t
from datetime import datetime
from datetime import timezone

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
import sqlalchemy.orm as sa_orm
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from vial_roles.sqlalchemy import define_user_roles
from vial_roles.sqlalchemy import RoleModelMixin as RoleModelMixin
from vial_roles.sqlalchemy import SQLAlchemyDatastore

from .addresses import MAX_EMAIL_LENGTH
from .addresses import normalize_email
from .datastore import Count
from .datastore import DuplicateEmailError
from .datastore import UserDatastoreMixin
from .mixins import UserMixin

if t.TYPE_CHECKING:
    from vial_roles import RoleMixin
    from vial_sqlalchemy import SQLAlchemy

#: How many counter writes of one datastore pass between two purges of the
#: counters whose window is over.
PURGE_EVERY = 256


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A moment in time, stored in UTC and read back as an aware datetime.

    SQLite keeps no time zone, PostgreSQL does; both read back the same
    aware UTC value. A naive value given to it is taken as UTC.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: sa.Dialect
    ) -> datetime | None:
        """Return ``value`` in UTC, without a time zone."""
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(
        self, value: datetime | None, dialect: sa.Dialect
    ) -> datetime | None:
        """Return the stored value as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is not None:
            return value.astimezone(timezone.utc)
        return value.replace(tzinfo=timezone.utc)


class UserModelMixin(UserMixin):
    """The columns of a user model, for the app's ``db.Model``.

    ``id`` (the primary key), ``email`` (unique, stored normalised),
    ``password`` (the hash), ``active``, ``fs_uniquifier`` (unique),
    ``confirmed_at``, and the login tracking columns ``last_login_at``,
    ``current_login_at``, ``last_login_ip``, ``current_login_ip`` and
    ``login_count``. Add columns as needed:

    .. code-block:: python

        class User(db.Model, UserModelMixin):
            name: Mapped[str] = mapped_column(default="")

    Assigning ``email`` normalises it (lower case, no surrounding space),
    and raises :class:`~vial_accounts.addresses.InvalidEmailError` for text
    that is not an address.
    """

    id: sa_orm.Mapped[int] = sa_orm.mapped_column(primary_key=True)
    email: sa_orm.Mapped[str] = sa_orm.mapped_column(
        sa.String(MAX_EMAIL_LENGTH), unique=True
    )
    password: sa_orm.Mapped[str | None] = sa_orm.mapped_column(sa.String(255))
    active: sa_orm.Mapped[bool] = sa_orm.mapped_column(default=True)
    fs_uniquifier: sa_orm.Mapped[str] = sa_orm.mapped_column(sa.String(64), unique=True)
    confirmed_at: sa_orm.Mapped[datetime | None] = sa_orm.mapped_column(UTCDateTime())
    last_login_at: sa_orm.Mapped[datetime | None] = sa_orm.mapped_column(UTCDateTime())
    current_login_at: sa_orm.Mapped[datetime | None] = sa_orm.mapped_column(
        UTCDateTime()
    )
    # An IPv6 address in its longest text form is 45 characters.
    last_login_ip: sa_orm.Mapped[str | None] = sa_orm.mapped_column(sa.String(64))
    current_login_ip: sa_orm.Mapped[str | None] = sa_orm.mapped_column(sa.String(64))
    login_count: sa_orm.Mapped[int] = sa_orm.mapped_column(default=0)

    @sa_orm.validates("email")
    def _normalize_email(self, key: str, value: str) -> str:
        return normalize_email(value)


def declare_counter_table(
    metadata: sa.MetaData, name: str = "accounts_counter"
) -> sa.Table:
    """Return the counter table ``name`` of ``metadata``, declaring it if needed.

    One row per counter: its ``key``, the ``count`` in the current window,
    when the window started (``first_at``) and ends (``expires_at``) and the
    last event (``last_at``), in seconds since the epoch.
    """
    existing = metadata.tables.get(name)
    if existing is not None:
        return existing
    return sa.Table(
        name,
        metadata,
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("first_at", sa.Double, nullable=False),
        sa.Column("last_at", sa.Double, nullable=False),
        sa.Column("expires_at", sa.Double, nullable=False, index=True),
    )


class SQLAlchemyUserDatastore(UserDatastoreMixin, SQLAlchemyDatastore):
    """Users, roles and counters stored with the app's vial-sqlalchemy ``db``.

    Reads and staged writes go through the current app context's session
    (``db.session``). Counter operations use a connection of their own and
    commit at once, so a failed login stays counted whatever the request
    does afterwards. (With an in-memory SQLite database, which has one
    connection, they commit the session's flushed work too: use a file.)

    :param db: the app's :class:`vial_sqlalchemy.SQLAlchemy`.
    :param user_model: the user model (see :class:`UserModelMixin`).
    :param role_model: the role model (see :class:`RoleModelMixin`).
    :param counter_table: the name of the counter table.
    """

    def __init__(
        self,
        db: SQLAlchemy,
        user_model: type[t.Any],
        role_model: type[t.Any],
        *,
        counter_table: str = "accounts_counter",
    ) -> None:
        if "roles" not in sa.inspect(user_model).attrs:
            define_user_roles(user_model, role_model)
        super().__init__(db, user_model, role_model, identifier="email")
        metadata = sa.inspect(user_model).local_table.metadata
        self.counters = declare_counter_table(metadata, counter_table)
        self._writes = 0

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.user_model.__name__}"
            f" {self.role_model.__name__}>"
        )

    # Users

    def find_user(self, identifier: str | None = None, /, **attrs: t.Any) -> t.Any:
        """Return the user whose columns equal ``attrs``, or ``None``."""
        lookup = self.normalize_lookup(identifier, attrs)
        if lookup is None:
            return None
        conditions = []
        for name, value in lookup.items():
            column = getattr(self.user_model, name, None)
            if column is None:
                raise AttributeError(
                    f"The user model {self.user_model.__name__} has no"
                    f" {name!r} column to look users up by."
                )
            if name == "id" and not isinstance(value, int):
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    return None
            conditions.append(column == value)
        statement = sa.select(self.user_model).where(*conditions)
        return self._session.execute(statement).scalars().first()

    def list_users(self) -> list[t.Any]:
        """Return every user, ordered by e-mail address."""
        statement = sa.select(self.user_model).order_by(self.user_model.email)
        return list(self._session.execute(statement).scalars())

    def create_user(self, **fields: t.Any) -> t.Any:
        """Stage a new user and return it (flushed, so it has its ``id``).

        :raises DuplicateEmailError: the address has an account, or another
            request inserted it meanwhile; the session is rolled back then.
        """
        roles = [self.resolve_role(role) for role in fields.pop("roles", ())]
        fields = self.new_user_fields(fields)
        if self.find_user(email=fields["email"]) is not None:
            raise DuplicateEmailError(
                f"A user with the e-mail address {fields['email']!r} exists."
            )
        user = self.user_model(**fields)
        session = self._session
        session.add(user)
        try:
            session.flush()
        except sa_exc.IntegrityError as e:
            session.rollback()
            # The unique constraint decided a race with another request.
            if self.find_user(email=fields["email"]) is not None:
                raise DuplicateEmailError(
                    f"A user with the e-mail address {fields['email']!r} exists."
                ) from e
            raise
        for role in roles:
            self.add_role_to_user(user, role)
        return user

    def put(self, user: t.Any) -> t.Any:
        """Add ``user`` to the session (stored at :meth:`commit`); return it."""
        self._session.add(user)
        return user

    def delete_user(self, user: t.Any) -> None:
        """Stage the deletion of ``user``; their role grants go with them."""
        self._session.delete(user)

    def rollback(self) -> None:
        """Roll the current session back."""
        self._session.rollback()

    # Roles, by name or object

    def add_role_to_user(self, user: t.Any, role: str | RoleMixin) -> bool:
        """Give ``role`` (a name or a role) to ``user``; ``False`` if held."""
        return super().add_role_to_user(user, self.resolve_role(role))

    def remove_role_from_user(self, user: t.Any, role: str | RoleMixin) -> bool:
        """Take ``role`` from ``user``; ``False`` if they did not hold it."""
        return super().remove_role_from_user(user, self.resolve_role(role))

    # Counters

    def _engine(self) -> sa.engine.Engine:
        bind = self._session.get_bind(mapper=sa.inspect(self.user_model))
        return bind if isinstance(bind, sa.engine.Engine) else bind.engine

    def hit_counter(self, key: str, now: float, window: float) -> Count:
        """Count one event for ``key`` in one statement, and return the counter.

        SQLite and PostgreSQL do it with ``INSERT ... ON CONFLICT DO UPDATE
        ... RETURNING``, so concurrent requests never lose a count; other
        databases lock the row.
        """
        engine = self._engine()
        row: t.Sequence[t.Any]
        with engine.begin() as connection:
            if engine.dialect.name in ("sqlite", "postgresql"):
                row = connection.execute(self._upsert(engine, key, now, window)).one()
            else:
                row = self._locked_hit(connection, key, now, window)
            self._writes += 1
            if self._writes % PURGE_EVERY == 0:
                connection.execute(
                    sa.delete(self.counters).where(self.counters.c.expires_at < now)
                )
        return Count(int(row[0]), float(row[1]), float(row[2]))

    def _upsert(
        self, engine: sa.engine.Engine, key: str, now: float, window: float
    ) -> sa.Executable:
        table = self.counters
        dialect_insert = (
            postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        )
        statement = dialect_insert(table).values(
            key=key, count=1, first_at=now, last_at=now, expires_at=now + window
        )
        over = table.c.first_at <= now - window
        return statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": sa.case((over, 1), else_=table.c.count + 1),
                "first_at": sa.case((over, now), else_=table.c.first_at),
                "expires_at": sa.case((over, now + window), else_=table.c.expires_at),
                "last_at": now,
            },
        ).returning(table.c.count, table.c.first_at, table.c.last_at)

    def _locked_hit(
        self, connection: sa.Connection, key: str, now: float, window: float
    ) -> tuple[int, float, float]:
        table = self.counters
        found = connection.execute(
            sa.select(table.c.count, table.c.first_at)
            .where(table.c.key == key)
            .with_for_update()
        ).first()
        if found is None:
            connection.execute(
                sa.insert(table).values(
                    key=key, count=1, first_at=now, last_at=now, expires_at=now + window
                )
            )
            return 1, now, now
        count, first_at = int(found[0]), float(found[1])
        if first_at <= now - window:
            count, first_at = 1, now
        else:
            count += 1
        connection.execute(
            sa.update(table)
            .where(table.c.key == key)
            .values(
                count=count,
                first_at=first_at,
                last_at=now,
                expires_at=first_at + window,
            )
        )
        return count, first_at, now

    def peek_counter(self, key: str, now: float, window: float) -> Count | None:
        """Return the counter of ``key``, or ``None`` if its window is over."""
        table = self.counters
        with self._engine().connect() as connection:
            row = connection.execute(
                sa.select(table.c.count, table.c.first_at, table.c.last_at).where(
                    table.c.key == key
                )
            ).first()
        if row is None or float(row[1]) <= now - window:
            return None
        return Count(int(row[0]), float(row[1]), float(row[2]))

    def reset_counter(self, key: str) -> None:
        """Forget the counter of ``key``, at once."""
        with self._engine().begin() as connection:
            connection.execute(
                sa.delete(self.counters).where(self.counters.c.key == key)
            )
