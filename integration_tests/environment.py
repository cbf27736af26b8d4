"""The environment variables that choose the databases of a run."""

from __future__ import annotations

import os

#: The PostgreSQL server's URL; unset, the PostgreSQL runs are left out.
DATABASE_ENV = "VIAL_TEST_DATABASE_URL"
#: ``1`` in CI: then a missing or unreachable PostgreSQL fails the run.
CI_ENV = "VIAL_CI"
EXAMPLE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def in_ci() -> bool:
    """Return whether this run is CI's, which must test on PostgreSQL."""
    return os.environ.get(CI_ENV) == "1"


def postgresql_wanted() -> bool:
    """Return whether this run tests on PostgreSQL (a URL is set, or CI)."""
    return bool(os.environ.get(DATABASE_ENV)) or in_ci()
