"""The ``SQLALCHEMY_*`` configuration keys, their defaults and their documentation.

This module is the one place where vial-sqlalchemy sets its defaults. Each
:class:`Setting` carries the key, the default and the sentence that documents
it. :func:`set_defaults` applies them with ``app.config.setdefault`` during
``init_app``; :func:`config_table` renders them for the README (Markdown) and
the documentation (reST), and a test keeps both in sync with this module.
"""

from __future__ import annotations

import copy
import typing as t
from dataclasses import dataclass

if t.TYPE_CHECKING:
    from vial import Vial


@dataclass(frozen=True)
class Setting:
    """One configuration key with its default value and its documentation."""

    name: str
    default: t.Any
    doc: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SQLALCHEMY_DATABASE_URI",
        None,
        "The database URL of the default engine, for example "
        "``sqlite:///project.db`` or "
        "``postgresql+psycopg://user@host/dbname``. A relative SQLite path lives "
        "in the app's instance folder, which is created. Either this or "
        "``SQLALCHEMY_BINDS`` must be set before ``init_app``.",
    ),
    Setting(
        "SQLALCHEMY_ENGINE_OPTIONS",
        {},
        "Keyword arguments for ``sqlalchemy.create_engine()`` for the default "
        "engine. They override the ``engine_options`` given to the extension.",
    ),
    Setting(
        "SQLALCHEMY_BINDS",
        {},
        "Extra engines, as a dict from bind key to a URL or to a dict of engine "
        "options holding a ``url``. Models and tables choose one with "
        "``__bind_key__`` or ``bind_key``.",
    ),
    Setting(
        "SQLALCHEMY_ECHO",
        False,
        "Log every statement and pool event of every engine, through the "
        "``sqlalchemy.engine`` and ``sqlalchemy.pool`` loggers.",
    ),
    Setting(
        "SQLALCHEMY_RECORD_QUERIES",
        False,
        "Record each query run in an app context: statement, parameters, "
        "start and end time, duration and the app code location that ran it. "
        "``get_recorded_queries()`` returns them.",
    ),
    Setting(
        "SQLALCHEMY_TRACK_MODIFICATIONS",
        False,
        "Track the models each session inserts, updates and deletes, and send "
        "the ``before_models_committed`` and ``models_committed`` signals. Off "
        "by default because it costs time and memory on every flush.",
    ),
)


def set_defaults(app: Vial) -> None:
    """Set every ``SQLALCHEMY_*`` default the app's config does not already have."""
    for setting in SETTINGS:
        # Copy so an app mutating its config never alters the shared default.
        app.config.setdefault(setting.name, copy.deepcopy(setting.default))


def config_table(format: t.Literal["markdown", "rst"] = "markdown") -> str:
    """Render the configuration keys as a table for the README or the docs."""
    if format == "markdown":
        lines = ["| Key | Default | Meaning |", "| --- | --- | --- |"]
        for setting in SETTINGS:
            doc = setting.doc.replace("``", "`")
            lines.append(f"| `{setting.name}` | `{setting.default!r}` | {doc} |")
        return "\n".join(lines) + "\n"
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 30 10 60",
        "",
        "   * - Key",
        "     - Default",
        "     - Meaning",
    ]
    for setting in SETTINGS:
        lines += [
            f"   * - ``{setting.name}``",
            f"     - ``{setting.default!r}``",
            f"     - {setting.doc}",
        ]
    return "\n".join(lines) + "\n"
