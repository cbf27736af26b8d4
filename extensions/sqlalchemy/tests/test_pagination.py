from __future__ import annotations

import typing as t

import pytest
from werkzeug.exceptions import NotFound

from vial import request
from vial import Vial
from vial_sqlalchemy import Pagination
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.pagination import REQUEST_PER_PAGE_LIMIT


class _ListPagination(Pagination):
    """A pagination over a list, to test the arithmetic without a database."""

    def _query_items(self) -> list[t.Any]:
        data: list[int] = self._query_args["data"]
        return data[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["data"])


def _page(total: int, page: int, per_page: int = 10, **kwargs: t.Any) -> Pagination:
    return _ListPagination(
        page=page, per_page=per_page, data=list(range(1, total + 1)), **kwargs
    )


def test_properties() -> None:
    page = _page(95, 3)
    assert page.items == list(range(21, 31))
    assert list(page) == page.items
    assert page.total == 95
    assert page.pages == 10
    assert (page.first, page.last) == (21, 30)
    assert page.has_prev
    assert page.has_next
    assert (page.prev_num, page.next_num) == (2, 4)

    first = _page(95, 1)
    assert not first.has_prev
    assert first.prev_num is None

    last = _page(95, 10)
    assert last.items == [91, 92, 93, 94, 95]
    assert (last.first, last.last) == (91, 95)
    assert not last.has_next
    assert last.next_num is None


def test_empty() -> None:
    page = _page(0, 1)
    assert page.items == []
    assert page.total == 0
    assert page.pages == 0
    assert (page.first, page.last) == (0, 0)
    assert not page.has_next
    assert list(page.iter_pages()) == []


def test_prev_and_next_pages() -> None:
    page = _page(25, 2)
    following = page.next()
    assert following.page == 3
    assert following.items == [21, 22, 23, 24, 25]
    assert following.total == 25
    before = page.prev()
    assert before.items == list(range(1, 11))
    # Past the end: empty, unless error_out asks for a 404.
    assert following.next().items == []
    with pytest.raises(NotFound):
        following.next(error_out=True)


def test_without_count() -> None:
    page = _page(25, 1, count=False)
    assert page.total is None
    assert page.pages == 0
    assert not page.has_next


def test_page_past_the_end() -> None:
    with pytest.raises(NotFound):
        _page(25, 4)
    assert _page(25, 4, error_out=False).items == []
    assert _page(0, 1).items == []


@pytest.mark.parametrize(
    ("page", "pages", "expected"),
    [
        (10, 20, [1, 2, None, 8, 9, 10, 11, 12, 13, 14, None, 19, 20]),
        (1, 20, [1, 2, 3, 4, 5, None, 19, 20]),
        (20, 20, [1, 2, None, 18, 19, 20]),
        (4, 20, [1, 2, 3, 4, 5, 6, 7, 8, None, 19, 20]),
        (5, 20, [1, 2, 3, 4, 5, 6, 7, 8, 9, None, 19, 20]),
        (6, 20, [1, 2, None, 4, 5, 6, 7, 8, 9, 10, None, 19, 20]),
        (14, 20, [1, 2, None, 12, 13, 14, 15, 16, 17, 18, 19, 20]),
        (3, 5, [1, 2, 3, 4, 5]),
        (1, 1, [1]),
        # A page past the end (error_out=False) shows the left edge only.
        (50, 20, [1, 2, None]),
    ],
)
def test_iter_pages(page: int, pages: int, expected: list[int | None]) -> None:
    pagination = _page(pages, page, per_page=1, error_out=False)
    assert list(pagination.iter_pages()) == expected


def test_iter_pages_arguments() -> None:
    page = _page(20, 10, per_page=1)
    pages = page.iter_pages(left_edge=1, left_current=1, right_current=1, right_edge=1)
    assert list(pages) == [1, None, 9, 10, 11, None, 20]
    pages = page.iter_pages(left_edge=0, left_current=0, right_current=0, right_edge=0)
    assert list(pages) == [None, 10, None]


def test_page_arguments_from_the_request(app: Vial) -> None:
    with app.test_request_context("/?page=2&per_page=5"):
        page = _ListPagination(data=list(range(1, 21)))
        assert (page.page, page.per_page) == (2, 5)
        assert page.items == [6, 7, 8, 9, 10]
        explicit = _ListPagination(page=1, per_page=3, data=list(range(1, 21)))
        assert explicit.items == [1, 2, 3]
    with app.test_request_context("/"):
        page = _ListPagination(data=list(range(1, 50)))
        assert (page.page, page.per_page) == (1, 20)
    page = _ListPagination(data=list(range(1, 50)))
    assert (page.page, page.per_page) == (1, 20)


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=-1",
        "per_page=0",
        "per_page=x",
        "page=1.5",
        f"page={2**63}",
        "page=" + "9" * 5000,
    ],
)
def test_bad_request_values(app: Vial, query: str) -> None:
    with app.test_request_context(f"/?{query}"):
        with pytest.raises(NotFound):
            _ListPagination(data=[1, 2, 3], max_per_page=None)
        page = _ListPagination(data=[1, 2, 3], max_per_page=None, error_out=False)
        assert (page.page, page.per_page) == (1, 20)
        assert page.items == [1, 2, 3]


def test_per_page_beyond_sql_integers_is_not_found(app: Vial) -> None:
    with app.test_request_context(f"/?per_page={2**64}"), pytest.raises(NotFound):
        _ListPagination(data=[1, 2, 3], max_per_page=2**70)


def test_max_per_page(app: Vial) -> None:
    with app.test_request_context("/?per_page=1000"):
        page = _ListPagination(data=list(range(2000)), max_per_page=30)
        assert page.per_page == 30
        allowed = _ListPagination(data=list(range(2000)), max_per_page=5000)
        assert allowed.per_page == 1000


def test_client_chosen_page_size_is_limited_by_default(app: Vial) -> None:
    # Without max_per_page, ?per_page= from the client stays within a safe
    # limit; the app's own per_page is not limited.
    with app.test_request_context("/?per_page=1000000000"):
        page = _ListPagination(data=list(range(500)), max_per_page=None)
        assert page.per_page == REQUEST_PER_PAGE_LIMIT
        assert len(page.items) == REQUEST_PER_PAGE_LIMIT
        chosen = _ListPagination(data=list(range(500)), per_page=300, max_per_page=None)
        assert chosen.per_page == 300


def test_db_paginate(app: Vial, db: SQLAlchemy) -> None:
    class Entry(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        tags = db.relationship("Tag", lazy="joined")

    class Tag(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        entry_id = db.Column(db.ForeignKey(Entry.id))

    @app.route("/entries")
    def entries() -> dict[str, t.Any]:
        page = db.paginate(db.select(Entry).order_by(Entry.id.desc()), max_per_page=10)
        return {
            "ids": [entry.id for entry in page],
            "total": page.total,
            "pages": list(page.iter_pages()),
            "next": page.next_num,
            "args": dict(request.args),
        }

    with app.app_context():
        db.create_all()
        for _ in range(23):
            db.session.add(Entry(tags=[Tag(), Tag()]))
        db.session.commit()

        page = db.paginate(db.select(Entry).order_by(Entry.id), page=3, per_page=10)
        # Joined eager loading must not multiply the rows or the count.
        assert [entry.id for entry in page.items] == [21, 22, 23]
        assert page.total == 23
        assert page.pages == 3
        assert db.paginate(db.select(Entry), page=1, count=False).total is None

    client = app.test_client()
    data = client.get("/entries?page=2&per_page=5").get_json()
    assert data["ids"] == [18, 17, 16, 15, 14]
    assert data["total"] == 23
    assert data["pages"] == [1, 2, 3, 4, 5]
    assert data["next"] == 3
    assert client.get("/entries?per_page=500").get_json()["ids"] == list(
        range(23, 13, -1)
    )
    # A huge per_page is capped by max_per_page, so it is not an error here.
    assert len(client.get(f"/entries?per_page={10**30}").get_json()["ids"]) == 10
    for bad in ("page=x", "page=0", "page=99", f"page={10**30}", "per_page=-3"):
        assert client.get(f"/entries?{bad}").status_code == 404, bad


def test_db_paginate_huge_page_without_error_out(app: Vial, db: SQLAlchemy) -> None:
    class Entry(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        db.create_all()
        db.session.add(Entry())
        db.session.commit()
        # The offset would overflow a 64-bit integer: no query, no rows.
        page = db.paginate(
            db.select(Entry), page=2**62, per_page=2**40, error_out=False
        )
        assert page.items == []
        assert page.total == 1
