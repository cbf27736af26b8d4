from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from vial import Vial
from vial_sqlalchemy import Pagination
from vial_sqlalchemy import Query
from vial_sqlalchemy import SQLAlchemy


@pytest.fixture
def post(app: Vial, db: SQLAlchemy) -> type:
    class Post(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        title = db.Column(db.String(20))

    with app.app_context():
        db.create_all()
        db.session.add_all([Post(title=f"post {n}") for n in range(1, 26)])
        db.session.add(Post(title="post 1"))
        db.session.commit()
    return Post


def test_query_class(app: Vial, post: type) -> None:
    with app.app_context():
        assert isinstance(post.query, Query)  # type: ignore[attr-defined]
        assert post.query.count() == 26  # type: ignore[attr-defined]


def test_get_or_404(app: Vial, post: type) -> None:
    with app.app_context():
        query = post.query  # type: ignore[attr-defined]
        assert query.get_or_404(3).title == "post 3"
        with pytest.raises(NotFound) as info:
            query.get_or_404(99, description="No post 99.")
        assert info.value.description == "No post 99."


@pytest.mark.parametrize("ident", ["abc", str(2**64), 2**64], ids=repr)
def test_get_or_404_with_an_ident_the_database_refuses(
    app: Vial, post: type, ident: object
) -> None:
    with app.app_context():
        query = post.query  # type: ignore[attr-defined]
        with pytest.raises(NotFound):
            query.get_or_404(ident)
        # The session is still usable afterwards.
        assert post.query.count() == 26  # type: ignore[attr-defined]


def test_first_or_404(app: Vial, post: type) -> None:
    with app.app_context():
        query = post.query  # type: ignore[attr-defined]
        assert query.filter_by(title="post 2").first_or_404().id == 2
        with pytest.raises(NotFound) as info:
            query.filter_by(title="none").first_or_404(description="Nothing.")
        assert info.value.description == "Nothing."


def test_one_or_404(app: Vial, post: type) -> None:
    with app.app_context():
        query = post.query  # type: ignore[attr-defined]
        assert query.filter_by(title="post 2").one_or_404().id == 2
        with pytest.raises(NotFound):
            query.filter_by(title="none").one_or_404()
        with pytest.raises(NotFound) as info:
            query.filter_by(title="post 1").one_or_404(description="Two of them.")
        assert info.value.description == "Two of them."


def test_paginate(app: Vial, post: type) -> None:
    with app.test_request_context("/?page=2&per_page=10"):
        query = post.query.order_by(post.id)  # type: ignore[attr-defined]
        page = query.paginate()
        assert isinstance(page, Pagination)
        assert (page.page, page.per_page, page.total, page.pages) == (2, 10, 26, 3)
        assert [p.id for p in page.items] == list(range(11, 21))
        last = query.paginate(page=3, per_page=10, count=False)
        assert last.total is None
        assert [p.id for p in last] == list(range(21, 27))
        with pytest.raises(NotFound):
            query.paginate(page=4, per_page=10)
        capped = query.paginate(page=1, per_page=50, max_per_page=5)
        assert capped.per_page == 5
        assert len(capped.items) == 5
        assert capped.next().items[0].id == 6
