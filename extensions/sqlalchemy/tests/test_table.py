from __future__ import annotations

import typing as t

import pytest
import sqlalchemy as sa

from vial import Vial
from vial_sqlalchemy import SQLAlchemy

MakeDB = t.Callable[..., SQLAlchemy]


def test_table_goes_into_the_default_metadata(app: Vial, db: SQLAlchemy) -> None:
    table = db.Table(
        "user_roles",
        db.Column("user_id", db.Integer, primary_key=True),
        db.Column("role", db.String(20), primary_key=True),
    )
    assert isinstance(table, sa.Table)
    assert isinstance(table, db.Table)
    assert table.metadata is db.metadata
    assert db.metadata.tables["user_roles"] is table

    with app.app_context():
        db.create_all()
        db.session.execute(table.insert().values(user_id=1, role="admin"))
        db.session.commit()
        rows = db.session.execute(sa.select(table)).all()
        assert [tuple(row) for row in rows] == [(1, "admin")]


def test_table_with_bind_key(db: SQLAlchemy) -> None:
    table = db.Table("audit_log", db.Column("id", db.Integer), bind_key="audit")
    assert table.metadata is db.metadatas["audit"]
    assert db.metadatas["audit"].info["bind_key"] == "audit"
    assert "audit_log" not in db.metadata.tables


def test_table_with_explicit_metadata(db: SQLAlchemy) -> None:
    metadata = sa.MetaData()
    table = db.Table("outside", metadata, db.Column("id", db.Integer))
    assert table.metadata is metadata
    assert "outside" not in db.metadata.tables


def test_table_keyword_arguments_pass_through(db: SQLAlchemy) -> None:
    table = db.Table("commented", db.Column("id", db.Integer), comment="Notes.")
    assert table.comment == "Notes."
    again = db.Table("commented", db.Column("x", db.Integer), extend_existing=True)
    assert again is table
    assert set(table.c.keys()) == {"id", "x"}
    with pytest.raises(sa.exc.InvalidRequestError, match="already defined"):
        db.Table("commented", db.Column("y", db.Integer))


def test_table_errors_match_sqlalchemy(db: SQLAlchemy) -> None:
    with pytest.raises(TypeError):
        db.Table()  # type: ignore[call-arg]


def test_association_table_in_relationship(app: Vial, db: SQLAlchemy) -> None:
    post_tags = db.Table(
        "post_tags",
        db.Column("post_id", db.ForeignKey("post.id"), primary_key=True),
        db.Column("tag_id", db.ForeignKey("tag.id"), primary_key=True),
    )

    class Post(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        tags = db.relationship("Tag", secondary=post_tags, backref="posts")

    class Tag(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(20))

    with app.app_context():
        db.create_all()
        post = Post(tags=[Tag(name="a"), Tag(name="b")])
        db.session.add(post)
        db.session.commit()
        count = db.session.execute(sa.select(sa.func.count()).select_from(post_tags))
        assert count.scalar() == 2


def test_each_extension_has_its_own_table_class(make_db: MakeDB, app: Vial) -> None:
    first = make_db()
    second = SQLAlchemy()
    table = second.Table("elsewhere", sa.Column("id", sa.Integer))
    assert first.Table is not second.Table
    assert table.metadata is second.metadata
    assert "elsewhere" not in first.metadata.tables
