"""Give a test run a PostgreSQL schema of its own.

Tests that run against a shared database server (a developer's, or CI's)
must not see each other's tables. :func:`temporary_schema` creates a schema
for the run, hands back a URL whose connections put it first on the
``search_path``, and drops it with everything in it at the end::

    @pytest.fixture(scope="session")
    def database_url():
        with temporary_schema(os.environ["TEST_DATABASE_URL"], "myapp_test") as url:
            yield url.render_as_string(hide_password=False)

Only PostgreSQL has schemas on a ``search_path``; on SQLite, give each run
its own file instead.
"""

from __future__ import annotations

import contextlib
import re
import typing as t

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

#: What a schema name may be: it is written into SQL, so nothing that would
#: need quoting beyond the double quotes around it.
_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class DatabaseUnreachable(RuntimeError):
    """The database server named by a URL did not answer."""


@contextlib.contextmanager
def temporary_schema(url: str | sa.URL, name: str) -> t.Iterator[sa.URL]:
    """Create the schema ``name`` for the ``with`` block; drop it afterwards.

    A schema of that name left by an earlier run that crashed is dropped
    first. Put the process id or a random suffix in ``name`` when runs may
    overlap.

    :param url: a PostgreSQL URL.
    :param name: the schema's name: letters, digits and underscores, at most
        63 characters, not starting with a digit.
    :return: ``url`` with ``options=-csearch_path=<name>`` in its query, so
        that every connection made from it creates and finds tables there.
    :raises ValueError: ``name`` is not such a name.
    :raises DatabaseUnreachable: the server cannot be reached.
    """
    if not _SCHEMA_NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} is not usable as a schema name: use letters, digits and"
            " underscores (at most 63), not starting with a digit."
        )
    url = sa.make_url(url)
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
                connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        except sa.exc.OperationalError as e:
            raise DatabaseUnreachable(
                f"The database server of {url.render_as_string(hide_password=True)}"
                f" cannot be reached: {str(e.orig).strip()}"
            ) from e
        try:
            yield url.update_query_dict({"options": f"-csearch_path={name}"})
        finally:
            with engine.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    finally:
        engine.dispose()
