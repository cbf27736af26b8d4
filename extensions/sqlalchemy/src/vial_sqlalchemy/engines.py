"""Engine options for each bind of an app, and the engines built from them.

Precedence, lowest first: the ``engine_options`` given to the extension,
then ``SQLALCHEMY_ENGINE_OPTIONS`` (default engine only) or the bind's own
dict in ``SQLALCHEMY_BINDS``, then the URL itself. ``SQLALCHEMY_ECHO`` fills
``echo`` and ``echo_pool`` where no option set them. Driver defaults come
last and only fill what is missing, except where correctness needs them
(an in-memory SQLite database must use one shared connection).
"""

from __future__ import annotations

import os
import typing as t

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.engine import URL
from sqlalchemy.pool import StaticPool

if t.TYPE_CHECKING:
    from vial import Vial

#: Per-bind engine options, keyed by bind key (``None`` is the default engine).
EngineOptions = dict[str | None, dict[str, t.Any]]

_SQLITE_DRIVERS = frozenset({"sqlite", "sqlite+pysqlite"})


def engine_options_for_app(app: Vial, base_options: dict[str, t.Any]) -> EngineOptions:
    """Collect the engine options of every bind the app's config defines.

    :param base_options: The ``engine_options`` given to the extension.
    :raises RuntimeError: Neither ``SQLALCHEMY_DATABASE_URI`` nor
        ``SQLALCHEMY_BINDS`` is set, or a bind has no URL.
    """
    config = app.config
    options: EngineOptions = {}

    binds = config["SQLALCHEMY_BINDS"] or {}
    if not isinstance(binds, dict):
        raise TypeError(
            "SQLALCHEMY_BINDS must be a dict from bind key to a database URL or"
            f" to a dict of engine options, not {type(binds).__name__}."
        )
    for key, value in binds.items():
        bind_options = dict(base_options)
        if isinstance(value, (str, URL)):
            bind_options["url"] = value
        elif isinstance(value, dict):
            bind_options.update(value)
        else:
            raise TypeError(
                f"SQLALCHEMY_BINDS[{key!r}] must be a database URL or a dict of"
                f" engine options with a 'url' key, not {type(value).__name__}."
            )
        if "url" not in bind_options:
            raise RuntimeError(
                f"SQLALCHEMY_BINDS[{key!r}] has no 'url'; give the bind a database"
                " URL, or a dict of engine options that holds one under 'url'."
            )
        options[key] = bind_options

    default_options = dict(base_options)
    default_options.update(config["SQLALCHEMY_ENGINE_OPTIONS"] or {})
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri is not None:
        default_options["url"] = uri
    if "url" in default_options:
        options[None] = default_options

    if not options:
        raise RuntimeError(
            "No database is configured for vial-sqlalchemy. Set"
            " app.config['SQLALCHEMY_DATABASE_URI'] (for example"
            " 'sqlite:///project.db') or app.config['SQLALCHEMY_BINDS'] before"
            " calling SQLAlchemy(app) or db.init_app(app)."
        )

    echo = bool(config["SQLALCHEMY_ECHO"])
    for bind_options in options.values():
        bind_options.setdefault("echo", echo)
        bind_options.setdefault("echo_pool", echo)
        apply_driver_defaults(bind_options, app)
    return options


def apply_driver_defaults(options: dict[str, t.Any], app: Vial) -> None:
    """Adjust ``options`` in place for the database the URL points to.

    SQLite: a relative file path is made relative to the app's instance
    folder (created if needed); an in-memory database gets a
    :class:`~sqlalchemy.pool.StaticPool` and ``check_same_thread=False``, so
    every thread and session of the app sees the same database. Server
    databases get ``pool_pre_ping`` so connections the server closed while
    idle are replaced instead of failing the next request; MySQL and MariaDB
    also get ``pool_recycle=7200`` and the ``utf8mb4`` character set unless
    the URL names one.
    """
    url = make_url(options["url"])
    if url.drivername in _SQLITE_DRIVERS:
        _apply_sqlite_defaults(options, url, app)
    elif url.get_backend_name() in {"postgresql", "mysql", "mariadb"}:
        options.setdefault("pool_pre_ping", True)
        if url.get_backend_name() != "postgresql":
            # MySQL closes connections idle for 8 hours by default.
            options.setdefault("pool_recycle", 7200)
            if "charset" not in url.query:
                # MySQL's "utf8" holds 3 bytes per character at most, so
                # emoji and other characters beyond it would be refused.
                url = url.update_query_dict({"charset": "utf8mb4"})
        options["url"] = url
    else:
        options["url"] = url


def _is_memory_sqlite(url: URL) -> bool:
    database = url.database or ""
    if database in {"", ":memory:"}:
        return True
    is_uri = _is_sqlite_uri(url)
    return is_uri and (
        database.startswith("file::memory:") or url.query.get("mode") == "memory"
    )


def _is_sqlite_uri(url: URL) -> bool:
    return str(url.query.get("uri", "")).lower() in {"true", "1"}


def _apply_sqlite_defaults(options: dict[str, t.Any], url: URL, app: Vial) -> None:
    if _is_memory_sqlite(url):
        # Each new connection to ":memory:" is a new, empty database: share one.
        options["poolclass"] = StaticPool
        connect_args = dict(options.get("connect_args") or {})
        connect_args["check_same_thread"] = False
        options["connect_args"] = connect_args
        options["url"] = url
        return

    database = t.cast(str, url.database)
    is_uri = _is_sqlite_uri(url)
    path = (
        database[len("file:") :]
        if is_uri and database.startswith("file:")
        else database
    )
    if not os.path.isabs(path):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, path)
        url = url.set(database=f"file:{path}" if is_uri else path)
    options["url"] = url


def create_engine(options: dict[str, t.Any]) -> sa.engine.Engine:
    """Create one engine from its options (``url`` plus ``create_engine`` arguments).

    :raises RuntimeError: The URL's database driver is not installed.
    """
    options = dict(options)
    url = make_url(options.pop("url"))
    try:
        return sa.create_engine(url, **options)
    except ModuleNotFoundError as e:
        raise RuntimeError(
            f"The driver of the database URL {url.drivername!r} is not installed"
            f" ({e}). Install it; for PostgreSQL, install"
            " 'vial-sqlalchemy[postgresql]' and write the URL as"
            " 'postgresql+psycopg://user:password@host/dbname'."
        ) from e
