"""Whether this run reaches PostgreSQL, said once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from environment import DATABASE_ENV
from environment import EXAMPLE_URL
from environment import postgresql_wanted


def test_postgresql_is_configured(
    request: pytest.FixtureRequest, postgresql_left_out: int
) -> None:
    if not postgresql_wanted():
        pytest.skip(
            f"{DATABASE_ENV} is not set, so {postgresql_left_out} PostgreSQL runs"
            f" were left out; set it to a server, e.g. {EXAMPLE_URL}"
        )
    url = request.getfixturevalue("postgresql_url")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT 1")) == 1
    finally:
        engine.dispose()
