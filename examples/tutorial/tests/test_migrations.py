"""The committed migrations folder builds the schema the models describe,
on SQLite and on PostgreSQL (with ``VIAL_TEST_DATABASE_URL``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from vial_sqlalchemy.migrate import check
from vial_sqlalchemy.migrate import downgrade
from vial_sqlalchemy.migrate import upgrade

from toolshed import create_app
from toolshed.extensions import db

from support import MIGRATIONS

DATABASE_URL = "VIAL_TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh SQLite file, or the PostgreSQL database of VIAL_TEST_DATABASE_URL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    url = os.environ.get(DATABASE_URL)
    if not url:
        if os.environ.get("VIAL_CI") == "1":
            pytest.fail(
                f"{DATABASE_URL} is not set; CI must name a PostgreSQL database."
            )
        pytest.skip(f"{DATABASE_URL} is not set: the PostgreSQL run is skipped.")
    return url


def test_upgrade_builds_the_models_schema(database_url: str) -> None:
    app = create_app({"SECRET_KEY": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        # A database left by an interrupted run starts from nothing too.
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))

        upgrade(directory=str(MIGRATIONS))
        tables = set(sa.inspect(db.engine).get_table_names())
        assert tables == {*db.metadata.tables, "alembic_version"}
        # Raises MigrationError, listing the differences, if the models have
        # changed since the last revision: run "vial db migrate" then.
        check(directory=str(MIGRATIONS))

        downgrade(directory=str(MIGRATIONS), revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) == {"alembic_version"}
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE alembic_version"))
        db.engine.dispose()
