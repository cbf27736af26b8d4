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
) -> t.Any:
    """Return ``session.get(entity, ident)``, or abort with 404 Not Found.

    An ``ident`` the database cannot compare with the primary key (``"abc"``
    or ``2**64`` for an integer key, often straight from the URL) finds no
    row: it is a 404 too, never a server error.
    """
    try:
        value = session.get(entity, ident)
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


class Query(sa_orm.Query[t.Any]):
    """A :class:`sqlalchemy.orm.Query` with helpers for views."""

    def get_or_404(self, ident: t.Any, description: str | None = None) -> t.Any:
        """Return the row with primary key ``ident``, or abort with 404 Not Found.

        :param description: The message of the 404 error.
        """
        # Query.get() is a legacy method that warns; Session.get() is the same
        # lookup (identity map first) without the warning.
        entity: t.Any = self.column_descriptions[0]["entity"]
        return _get_or_404(self.session, entity, ident, description)

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
