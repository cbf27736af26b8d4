"""Compat-facing: what code written for Flask-SQLAlchemy 3.1 uses beyond vial's API.

Test suites and extensions written for Flask-SQLAlchemy reach for a few
names that are private or deprecated there, and fail without them: they
patch ``SQLAlchemy._make_engine`` to see the options of each engine, and
subclasses override it to build engines their own way; Flask-Migrate's
migration templates call the deprecated ``db.get_engine()``. They live
here, in :class:`FlaskSQLAlchemyNames`, a base of
:class:`~vial_sqlalchemy.SQLAlchemy`, so the extension's own code stays
free of them. New code should use ``db.engine`` and ``db.engines[key]``.

The other names of this kind sit with what they describe:
:mod:`vial_sqlalchemy.model` (``DefaultMeta`` and the other metaclasses and
mixins) and :func:`vial_sqlalchemy.cli.add_models_to_shell`.
"""

from __future__ import annotations

import typing as t
import warnings

import sqlalchemy as sa

from .engines import create_engine

if t.TYPE_CHECKING:
    from vial import Vial


class FlaskSQLAlchemyNames:
    """The engine hook and the deprecated engine lookup of Flask-SQLAlchemy 3.1."""

    if t.TYPE_CHECKING:

        @property
        def engines(self) -> t.Mapping[str | None, sa.engine.Engine]:
            """The current app's engines by bind key."""

    def _make_engine(
        self, bind_key: str | None, options: dict[str, t.Any], app: Vial
    ) -> sa.engine.Engine:
        """Create the engine of one bind of ``app``; ``init_app`` calls it per bind.

        Override it in a subclass to build engines differently; ``options``
        holds the ``url`` (a :class:`~sqlalchemy.engine.URL`) and the other
        arguments of :func:`~sqlalchemy.create_engine`, driver defaults
        applied.

        :param bind_key: The bind key, ``None`` for the default engine.
        """
        return create_engine(options)

    def get_engine(
        self, bind_key: str | None = None, **kwargs: t.Any
    ) -> sa.engine.Engine:
        """Return the current app's engine for ``bind_key`` (deprecated).

        Kept for code written for Flask-SQLAlchemy, such as Flask-Migrate's
        ``env.py``; it warns, as Flask-SQLAlchemy 3 does. Use ``db.engine``
        or ``db.engines[bind_key]`` instead. The older keyword ``bind`` is
        accepted for ``bind_key``.
        """
        warnings.warn(
            "db.get_engine() is deprecated; use db.engine for the default"
            " database or db.engines[bind_key] for a bind. In Flask-Migrate's"
            " env.py, return the extension's 'engine' attribute instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        if "bind" in kwargs:
            bind_key = kwargs.pop("bind")
        if kwargs:
            raise TypeError(
                f"get_engine() got unexpected keyword arguments {sorted(kwargs)};"
                " it takes only bind_key."
            )
        return self.engines[bind_key]
