"""vial_sqlalchemy.testing: a schema of the run's own on a PostgreSQL server."""

from __future__ import annotations

import os
import socket

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from vial_sqlalchemy.testing import DatabaseUnreachable
from vial_sqlalchemy.testing import temporary_schema


def _schemas(url: sa.URL) -> set[str]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        return set(sa.inspect(engine).get_schema_names())
    finally:
        engine.dispose()


def test_tables_land_in_the_schema_which_is_dropped_afterwards(
    postgresql_url: sa.URL,
) -> None:
    name = f"vial_testing_helper_{os.getpid()}"
    with temporary_schema(postgresql_url, name) as url:
        engine = sa.create_engine(url, poolclass=NullPool)
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE probe (id integer)"))
            found = (
                connection.execute(
                    sa.text(
                        "SELECT table_schema FROM information_schema.tables"
                        " WHERE table_name = 'probe'"
                    )
                )
                .scalars()
                .all()
            )
        engine.dispose()
        assert found == [name]
        assert name in _schemas(postgresql_url)
    assert name not in _schemas(postgresql_url)


def test_a_schema_left_by_a_crashed_run_is_replaced(postgresql_url: sa.URL) -> None:
    name = f"vial_testing_left_{os.getpid()}"
    engine = sa.create_engine(postgresql_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        connection.execute(sa.text(f'CREATE TABLE "{name}".stale (id integer)'))
    engine.dispose()
    with temporary_schema(postgresql_url, name) as url:
        engine = sa.create_engine(url, poolclass=NullPool)
        assert sa.inspect(engine).get_table_names(schema=name) == []
        engine.dispose()


@pytest.mark.parametrize(
    "name", ["", "1abc", 'x"; DROP SCHEMA public; --', "a-b", "x" * 64]
)
def test_names_that_would_need_quoting_are_refused(name: str) -> None:
    schema = temporary_schema("postgresql+psycopg://u@127.0.0.1/db", name)
    with pytest.raises(ValueError, match="schema name"), schema:
        pass


def test_an_unreachable_server_is_named_without_its_password() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port once the socket is closed.
    url = f"postgresql+psycopg://someone:hunter2@127.0.0.1:{port}/nowhere"
    with pytest.raises(DatabaseUnreachable) as caught, temporary_schema(url, "x"):
        pass
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "hunter2" not in str(caught.value)
