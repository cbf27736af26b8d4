"""The ``SQLALCHEMY_*`` configuration keys, their defaults and their documentation.

This module is the one place where vial-sqlalchemy sets its defaults. Each
:class:`~vial.ext.ConfigOption` carries the key, the default and the
sentence that documents it. ``init_app`` applies them with
``OPTIONS.apply(app)`` (``app.config.setdefault``); the README's table and
the documentation's ``vial-config-table`` directive are rendered from
:data:`OPTIONS`, and tests keep them in sync with it.
"""

from __future__ import annotations

from vial.ext import ConfigOption
from vial.ext import ConfigOptions

OPTIONS = ConfigOptions(
    ConfigOption(
        "SQLALCHEMY_DATABASE_URI",
        None,
        "The database URL of the default engine, for example "
        "``sqlite:///project.db`` or "
        "``postgresql+psycopg://user@host/dbname``. A relative SQLite path lives "
        "in the app's instance folder, which is created. Either this or "
        "``SQLALCHEMY_BINDS`` must be set before ``init_app``.",
    ),
    ConfigOption(
        "SQLALCHEMY_ENGINE_OPTIONS",
        {},
        "Keyword arguments for ``sqlalchemy.create_engine()`` for the default "
        "engine. They override the ``engine_options`` given to the extension.",
    ),
    ConfigOption(
        "SQLALCHEMY_BINDS",
        {},
        "Extra engines, as a dict from bind key to a URL or to a dict of engine "
        "options holding a ``url``. Models and tables choose one with "
        "``__bind_key__`` or ``bind_key``.",
    ),
    ConfigOption(
        "SQLALCHEMY_ECHO",
        False,
        "Log every statement and pool event of every engine, through the "
        "``sqlalchemy.engine`` and ``sqlalchemy.pool`` loggers.",
    ),
    ConfigOption(
        "SQLALCHEMY_RECORD_QUERIES",
        False,
        "Record each query run in an app context: statement, parameters, "
        "start and end time, duration and the app code location that ran it. "
        "``get_recorded_queries()`` returns them.",
    ),
    ConfigOption(
        "SQLALCHEMY_TRACK_MODIFICATIONS",
        False,
        "Track the models each session inserts, updates and deletes, and send "
        "the ``before_models_committed`` and ``models_committed`` signals. Off "
        "by default because it costs time and memory on every flush.",
    ),
    ConfigOption(
        "SQLALCHEMY_OUTAGE_503",
        True,
        "Answer a request whose database cannot be reached, or drops the "
        "connection, with a 503 (HTML or JSON by content negotiation, with "
        "``Retry-After``) after rolling the session back, instead of a 500. "
        "The error is logged through ``app.logger`` and the "
        "``database_unavailable`` signal is sent. Set it to ``False`` to let "
        "those errors reach your own handlers as before.",
    ),
    ConfigOption(
        "SQLALCHEMY_OUTAGE_RETRY_AFTER",
        5,
        "Seconds in the ``Retry-After`` header of that 503.",
    ),
)
