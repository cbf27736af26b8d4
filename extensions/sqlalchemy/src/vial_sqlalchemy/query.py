"""The legacy :class:`Query` behind ``Model.query`` and dynamic relationships.

New code should prefer ``db.session.execute(db.select(...))`` and the
extension's :meth:`~vial_sqlalchemy.SQLAlchemy.get_or_404`,
:meth:`~vial_sqlalchemy.SQLAlchemy.first_or_404`,
:meth:`~vial_sqlalchemy.SQLAlchemy.one_or_404` and
:meth:`~vial_sqlalchemy.SQLAlchemy.paginate`; this class offers the same
helpers on the query API for code that uses it.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
import sqlalchemy.orm as sa_orm

from vial import abort

from .pagination import Pagination
from .pagination import QueryPagination


def _get_or_404(
    session: sa_orm.Session | sa_orm.scoped_session[t.Any],
    entity: t.Any,
    ident: t.Any,
    description: str | None,
    options: dict[str, t.Any] | None = None,
) -> t.Any:
    """Return ``session.get(entity, ident, **options)``, or abort with 404 Not Found.

    An ``ident`` whose shape does not fit the primary key (see
    :func:`_primary_key_values`), or that the database cannot compare with it
    (``"abc"`` or ``2**64`` for an integer key, often straight from the
    URL), finds no row: it is a 404 too, never a server error.
    """
    values = _primary_key_values(entity, ident)
    if values is None:
        abort(404, description=description)
    return _load_or_404(
        session, lambda: session.get(entity, values, **(options or {})), description
    )


def _load_or_404(
    session: sa_orm.Session | sa_orm.scoped_session[t.Any],
    load: t.Callable[[], t.Any],
    description: str | None,
) -> t.Any:
    """Return what ``load()`` finds, or abort with 404 when it finds nothing
    or the database refuses the key it was given."""
    try:
        value = load()
    except OverflowError:
        # sqlite3 refuses integers beyond 64 bits before running the query.
        value = None
    except sa_exc.DataError:
        # The server refused the value for the key's type, which aborts the
        # transaction (PostgreSQL); roll back so error handlers can query.
        session.rollback()
        value = None
    if value is None:
        abort(404, description=description)
    return value


def _primary_key_values(entity: t.Any, ident: t.Any) -> tuple[t.Any, ...] | None:
    """Return the primary key values ``ident`` gives, in column order, or
    ``None`` when its shape does not fit the key of ``entity``.

    A single-column key takes one value (or, as :meth:`Session.get` allows,
    a tuple holding one); a composite key takes a tuple or list with one
    value per column, or a dict naming each key attribute exactly. A value
    is never a list, tuple, dict or set, nor a bool unless the column is
    boolean, nor ``None``: a JSON ``true`` or ``{"id": 1}`` must not load
    row 1, and ``[1]`` must not be a server error.
    """
    mapper = sa.inspect(entity)
    columns = list(mapper.primary_key)
    if isinstance(ident, dict):
        if len(columns) == 1:
            return None
        keys = [mapper.get_property_by_column(column).key for column in columns]
        if set(ident) != set(keys):
            return None
        values: tuple[t.Any, ...] = tuple(ident[key] for key in keys)
    elif isinstance(ident, tuple) or (isinstance(ident, list) and len(columns) > 1):
        values = tuple(ident)
    else:
        values = (ident,)
    if len(values) != len(columns):
        return None
    for column, value in zip(columns, values, strict=True):
        if not _fits_column(column, value):
            return None
    return values


def _fits_column(column: sa.Column[t.Any], value: t.Any) -> bool:
    """Whether ``value`` is a single value a key column could hold."""
    if value is None or isinstance(value, (list, tuple, dict, set, frozenset)):
        return False
    if isinstance(value, bool):
        # bool is an int: True would find the row with key 1.
        return isinstance(column.type, sa.Boolean)
    return True


def _primary_key_criteria(entity: t.Any, values: tuple[t.Any, ...]) -> list[t.Any]:
    """Return ``column == value`` for each primary key column and its value."""
    columns = list(sa.inspect(entity).primary_key)
    # Bind each value with its column's type, as Session.get() does, so that
    # "abc" for an integer key is refused by the database, not compared as text.
    return [
        column == sa.bindparam(None, value, type_=column.type, unique=True)
        for column, value in zip(columns, values, strict=True)
    ]


class Query(sa_orm.Query[t.Any]):
    """A :class:`sqlalchemy.orm.Query` with helpers for views."""

    def get_or_404(self, ident: t.Any, description: str | None = None) -> t.Any:
        """Return the row with primary key ``ident``, or abort with 404 Not Found.

        On a filtered query or a dynamic relationship, only a row the query
        itself returns is found: ``user.posts.get_or_404(id)`` is a 404 for
        another user's post.

        :param description: The message of the 404 error.
        """
        entity: t.Any = self.column_descriptions[0]["entity"]
        values = _primary_key_values(entity, ident)
        if values is None:
            abort(404, description=description)
        if self.statement.compare(self.session.query(entity).statement):
            # A plain Model.query: Session.get() looks in the identity map
            # first (Query.get() does the same, but is legacy and warns).
            return _load_or_404(
                self.session, lambda: self.session.get(entity, values), description
            )
        # A filtered query or a dynamic relationship (user.posts): Session.get()
        # would ignore its criteria and return rows outside it, such as
        # another user's post, so look the key up within the query.
        criteria = _primary_key_criteria(entity, values)
        return _load_or_404(
            self.session, lambda: self.filter(*criteria).one_or_none(), description
        )

    def first_or_404(self, description: str | None = None) -> t.Any:
        """Return the first result, or abort with 404 Not Found if there is none.

        :param description: The message of the 404 error.
        """
        rv = self.first()
        if rv is None:
            abort(404, description=description)
        return rv

    def one_or_404(self, description: str | None = None) -> t.Any:
        """Return the only result, or abort with 404 Not Found if there is not
        exactly one.

        :param description: The message of the 404 error.
        """
        try:
            return self.one()
        except (sa_exc.NoResultFound, sa_exc.MultipleResultsFound):
            abort(404, description=description)

    def paginate(
        self,
        *,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
    ) -> Pagination:
        """Return one page of results as a :class:`~vial_sqlalchemy.Pagination`.

        The parameters are those of :meth:`vial_sqlalchemy.SQLAlchemy.paginate`.
        """
        return QueryPagination(
            query=self,
            page=page,
            per_page=per_page,
            max_per_page=max_per_page,
            error_out=error_out,
            count=count,
        )
