"""Checked by mypy only (pytest does not collect it): the public API's types.

Each ``assert_type`` fails the type check when a public name's type drifts.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm
from typing_extensions import assert_type

from vial import Vial
from vial_sqlalchemy import get_recorded_queries
from vial_sqlalchemy import Pagination
from vial_sqlalchemy import Query
from vial_sqlalchemy import QueryInfo
from vial_sqlalchemy import Session
from vial_sqlalchemy import SQLAlchemy


def check_extension(app: Vial) -> None:
    db = SQLAlchemy(app, engine_options={"echo": True}, disable_autonaming=True)
    db.init_app(app)
    assert_type(db.session, sa_orm.scoped_session[Session])
    assert_type(db.session(), Session)
    assert_type(db.engine, sa.engine.Engine)
    assert_type(db.engines, t.Mapping[str | None, sa.engine.Engine])
    assert_type(db.metadata, sa.MetaData)
    assert_type(db.metadatas, dict[str | None, sa.MetaData])
    assert_type(db.Query, type[Query])
    db.create_all()
    db.create_all(bind_key=None)
    db.drop_all(bind_key=["a", None])
    db.reflect(bind_key="a")


def check_queries(db: SQLAlchemy, statement: sa.Select[t.Any]) -> None:
    assert_type(db.paginate(statement, page=2, per_page=10), Pagination)
    page = db.paginate(statement)
    assert_type(page.items, list[t.Any])
    assert_type(page.total, int | None)
    assert_type(page.next_num, int | None)
    assert_type(list(page.iter_pages(left_edge=1)), list[int | None])
    assert_type(page.next(), Pagination)
    assert_type(get_recorded_queries(), list[QueryInfo])
    assert_type(get_recorded_queries()[0].duration, float)
    db.get_or_404(object, 1, description="Not here.")
    db.first_or_404(statement, description="Not here.")
    db.one_or_404(statement)
    table: sa.Table = db.Table("t", db.Column("id", db.Integer), bind_key="x")
    assert_type(table.name, str)
