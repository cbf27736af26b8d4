"""One page of results: :class:`Pagination` and the two ways to fill it.

``db.paginate(select)`` makes a :class:`SelectPagination`,
``Model.query.paginate()`` a :class:`QueryPagination`. Both read ``page`` and
``per_page`` from the request's query string when they are not given.
"""

from __future__ import annotations

import math
import typing as t

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm

from vial import abort
from vial import has_request_context
from vial import request

#: The largest value a LIMIT or OFFSET may hold in the databases supported
#: (a signed 64-bit integer). Larger page numbers can hold no rows.
_MAX_SQL_INT = 2**63 - 1

_DEFAULT_PER_PAGE = 20


class Pagination:
    """One page of results, with what a template needs to link to the others.

    Don't create it directly: use :meth:`vial_sqlalchemy.SQLAlchemy.paginate`
    or :meth:`vial_sqlalchemy.Query.paginate`. Iterating over it yields the
    items of the page.

    :param page: The page number, from 1. Read from the ``page`` query
        argument when ``None`` (1 if absent).
    :param per_page: The most items on a page. Read from the ``per_page``
        query argument when ``None`` (20 if absent).
    :param max_per_page: The upper limit of ``per_page``, if any.
    :param error_out: Abort with 404 Not Found when the page or per_page
        values are not positive integers, or a page past the first is empty.
        When false, bad values fall back to the defaults instead.
    :param count: Count the total number of items (a second query). When
        false, :attr:`total` is ``None``.
    :param kwargs: What the subclass needs to run its queries.
    """

    def __init__(
        self,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = 100,
        error_out: bool = True,
        count: bool = True,
        **kwargs: t.Any,
    ) -> None:
        self._query_args = kwargs
        page, per_page = _page_args(page, per_page, max_per_page, error_out)

        #: The current page number, from 1.
        self.page: int = page
        #: The most items on a page.
        self.per_page: int = per_page
        #: The upper limit of :attr:`per_page`, if any.
        self.max_per_page: int | None = max_per_page

        items = self._query_items() if self._query_offset <= _MAX_SQL_INT else []
        if not items and page != 1 and error_out:
            abort(404)
        #: The items on the current page.
        self.items: list[t.Any] = items
        #: The number of items on all pages, or ``None`` when not counted.
        self.total: int | None = self._query_count() if count else None

    @property
    def _query_offset(self) -> int:
        return (self.page - 1) * self.per_page

    def _query_items(self) -> list[t.Any]:
        """Return the items of the current page."""
        raise NotImplementedError

    def _query_count(self) -> int:
        """Return the number of items on all pages."""
        raise NotImplementedError

    @property
    def first(self) -> int:
        """The number of the first item on the page, from 1; 0 if it is empty."""
        if not self.items:
            return 0
        return self._query_offset + 1

    @property
    def last(self) -> int:
        """The number of the last item on the page; 0 if it is empty."""
        first = self.first
        return max(first, first + len(self.items) - 1)

    @property
    def pages(self) -> int:
        """The number of pages; 0 when nothing was found or not counted."""
        if not self.total:
            return 0
        return math.ceil(self.total / self.per_page)

    @property
    def has_prev(self) -> bool:
        """Whether a page comes before this one."""
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        """The number of the previous page, or ``None`` on the first page."""
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one (needs the total count)."""
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        """The number of the next page, or ``None`` on the last page."""
        return self.page + 1 if self.has_next else None

    def prev(self, *, error_out: bool = False) -> Pagination:
        """Query and return the previous page, with the same settings."""
        return self._sibling(self.page - 1, error_out)

    def next(self, *, error_out: bool = False) -> Pagination:
        """Query and return the next page, with the same settings."""
        return self._sibling(self.page + 1, error_out)

    def _sibling(self, page: int, error_out: bool) -> Pagination:
        sibling = type(self)(
            page=page,
            per_page=self.per_page,
            max_per_page=self.max_per_page,
            error_out=error_out,
            count=False,
            **self._query_args,
        )
        # The total does not depend on the page: reuse it instead of counting.
        sibling.total = self.total
        return sibling

    def iter_pages(
        self,
        *,
        left_edge: int = 2,
        left_current: int = 2,
        right_current: int = 4,
        right_edge: int = 2,
    ) -> t.Iterator[int | None]:
        """Yield the page numbers to link to, with ``None`` where numbers are
        skipped.

        The first ``left_edge`` and last ``right_edge`` pages are always
        shown, and ``left_current`` pages before and ``right_current`` pages
        after the current one. Template code shows ``None`` as an ellipsis.
        With 20 pages, on page 10, the defaults yield
        ``1, 2, None, 8, 9, 10, 11, 12, 13, 14, None, 19, 20``.
        """
        # Three runs of page numbers: the left edge, the pages around the
        # current one, the right edge. Each run starts no earlier than the
        # previous one ended; a gap between runs yields None. Once a run
        # reaches the last page, nothing more is shown.
        last = self.pages
        if last == 0:
            return
        left_stop = min(left_edge, last)
        yield from range(1, left_stop + 1)
        if left_stop == last:
            return

        middle_start = max(left_stop + 1, self.page - left_current)
        middle_stop = min(self.page + right_current, last)
        if middle_start > left_stop + 1:
            yield None
        yield from range(middle_start, middle_stop + 1)
        if middle_stop == last:
            return

        right_start = max(middle_stop + 1, last - right_edge + 1)
        if right_start > middle_stop + 1:
            yield None
        yield from range(right_start, last + 1)

    def __iter__(self) -> t.Iterator[t.Any]:
        return iter(self.items)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} page={self.page} per_page={self.per_page}"
            f" total={self.total}>"
        )


class SelectPagination(Pagination):
    """A page of the rows a :func:`sqlalchemy.select` statement returns.

    Made by :meth:`vial_sqlalchemy.SQLAlchemy.paginate`; the ``select`` and
    ``session`` keyword arguments are required.
    """

    def _query_items(self) -> list[t.Any]:
        select: sa.Select[t.Any] = self._query_args["select"]
        session: sa_orm.Session = self._query_args["session"]
        statement = select.limit(self.per_page).offset(self._query_offset)
        return list(session.execute(statement).unique().scalars())

    def _query_count(self) -> int:
        select: sa.Select[t.Any] = self._query_args["select"]
        session: sa_orm.Session = self._query_args["session"]
        # Eager loads would only add joins to the count; ordering is moot.
        counted = select.options(sa_orm.lazyload("*")).order_by(None).subquery()
        total = session.execute(
            sa.select(sa.func.count()).select_from(counted)
        ).scalar()
        return int(total or 0)


class QueryPagination(Pagination):
    """A page of the results of a legacy :class:`~vial_sqlalchemy.Query`.

    Made by :meth:`vial_sqlalchemy.Query.paginate`; the ``query`` keyword
    argument is required.
    """

    def _query_items(self) -> list[t.Any]:
        query: sa_orm.Query[t.Any] = self._query_args["query"]
        return query.limit(self.per_page).offset(self._query_offset).all()

    def _query_count(self) -> int:
        query: sa_orm.Query[t.Any] = self._query_args["query"]
        return query.order_by(None).count()


#: The largest page a client can ask for with ``?per_page=`` when the app
#: passes no ``max_per_page``. Flask-SQLAlchemy has no such limit; pass
#: ``max_per_page`` to allow more.
REQUEST_PER_PAGE_LIMIT = 100


def _page_args(
    page: int | None, per_page: int | None, max_per_page: int | None, error_out: bool
) -> tuple[int, int]:
    """Resolve the page number and size from the arguments and the request."""
    if page is None:
        page = _request_arg("page", 1, error_out)
    if per_page is None:
        per_page = _request_arg("per_page", _DEFAULT_PER_PAGE, error_out)
        if max_per_page is None:
            # The client chose the size: without a limit from the app,
            # ?per_page=1000000000 would load a whole table.
            max_per_page = REQUEST_PER_PAGE_LIMIT
    if max_per_page is not None:
        per_page = min(per_page, max_per_page)
    if not 1 <= page <= _MAX_SQL_INT:
        if error_out:
            abort(404)
        page = 1
    if not 1 <= per_page <= _MAX_SQL_INT:
        if error_out:
            abort(404)
        per_page = _DEFAULT_PER_PAGE
    return page, per_page


def _request_arg(name: str, default: int, error_out: bool) -> int:
    """Read an integer query argument of the current request, if any."""
    if not has_request_context():
        return default
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        if error_out:
            abort(404)
        return default
