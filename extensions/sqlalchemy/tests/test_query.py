from __future__ import annotations

import typing as t

import pytest
import sqlalchemy as sa
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


_BAD_IDENTS = ["abc", str(2**64), 2**64, True, [3], {"id": 3}, None, (3, 4)]


@pytest.mark.parametrize("ident", _BAD_IDENTS, ids=repr)
def test_get_or_404_with_a_bad_ident(app: Vial, post: type, ident: object) -> None:
    # Values the database refuses, and shapes that do not fit the key.
    with app.app_context():
        query = post.query  # type: ignore[attr-defined]
        with pytest.raises(NotFound):
            query.get_or_404(ident)
        with pytest.raises(NotFound):
            query.filter_by(title="post 3").get_or_404(ident)
        # The session is still usable afterwards.
        assert post.query.count() == 26  # type: ignore[attr-defined]
        assert query.get_or_404((3,)).title == "post 3"


def test_get_or_404_on_a_plain_query_uses_the_identity_map(
    app: Vial, db: SQLAlchemy, post: type
) -> None:
    with app.app_context():
        loaded = db.session.get(post, 3)
        statements: list[str] = []

        def count(*args: t.Any) -> None:
            statements.append(args[2])

        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            assert post.query.get_or_404(3) is loaded  # type: ignore[attr-defined]
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        assert statements == []


@pytest.fixture
def owned(app: Vial, db: SQLAlchemy) -> tuple[type, type, type]:
    """Users with dynamic relationships to their notes and their tags."""
    user_tag = db.Table(
        "user_tag",
        db.Column("user_id", db.ForeignKey("owner.id"), primary_key=True),
        db.Column("tag_kind", db.String(10), primary_key=True),
        db.Column("tag_id", db.Integer, primary_key=True),
        db.ForeignKeyConstraint(["tag_kind", "tag_id"], ["tag.kind", "tag.id"]),
    )

    class Owner(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        notes = db.relationship("Note", lazy="dynamic")
        tags = db.relationship("Tag", secondary=user_tag, lazy="dynamic")

    class Note(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        owner_id = db.Column(db.ForeignKey(Owner.id))

    class Tag(db.Model):  # type: ignore[name-defined, misc]
        kind = db.Column(db.String(10), primary_key=True)
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        db.create_all()
        alice, bob = Owner(id=1), Owner(id=2)
        db.session.add_all(
            [alice, bob, Note(id=10, owner_id=1), Note(id=20, owner_id=2)]
        )
        alice.tags.append(Tag(kind="a", id=1))
        bob.tags.append(Tag(kind="b", id=2))
        db.session.commit()
    return Owner, Note, Tag


def test_get_or_404_stays_within_a_dynamic_relationship(
    app: Vial, db: SQLAlchemy, owned: tuple[type, type, type]
) -> None:
    owner, _, _ = owned
    with app.app_context():
        alice: t.Any = db.session.get(owner, 1)
        assert alice.notes.get_or_404(10).id == 10
        # Bob's note exists, but not among Alice's: Session.get() would find it.
        with pytest.raises(NotFound):
            alice.notes.get_or_404(20)
        assert alice.tags.get_or_404(("a", 1)).kind == "a"
        assert alice.tags.get_or_404({"kind": "a", "id": 1}).kind == "a"
        with pytest.raises(NotFound):
            alice.tags.get_or_404(("b", 2))
        # A key of the wrong shape finds nothing.
        with pytest.raises(NotFound):
            alice.tags.get_or_404(1)


def test_get_or_404_stays_within_a_filtered_query(
    app: Vial, db: SQLAlchemy, owned: tuple[type, type, type]
) -> None:
    _, note, _ = owned
    with app.app_context():
        mine = note.query.filter_by(owner_id=1)  # type: ignore[attr-defined]
        assert mine.get_or_404(10).owner_id == 1
        with pytest.raises(NotFound) as info:
            mine.get_or_404(20, description="Not your note.")
        assert info.value.description == "Not your note."
        # Bad ids from the URL are 404s on this path too.
        for ident in ("abc", 2**64):
            with pytest.raises(NotFound):
                mine.get_or_404(ident)
        assert mine.count() == 1


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
