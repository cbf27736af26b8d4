"""Alembic's :class:`~alembic.config.Config`, finding vial's templates.

This module imports Alembic: the others import it only when a command runs
(see :func:`vial_sqlalchemy.migrate.errors.require_alembic`).
"""

from __future__ import annotations

import os
import sys
import typing as t

from alembic.config import Config as AlembicConfig

#: The folder of the ``vial`` and ``vial-multidb`` templates.
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


class Config(AlembicConfig):
    """Alembic's configuration, whose templates are vial-sqlalchemy's.

    :param template_directory: Where ``init`` looks for templates instead,
        for a template of the project's own.

    Output goes to the ``sys.stdout`` of the moment the object is made, so
    a test's or a CLI runner's capture sees it (Alembic's default is the
    stream of the moment Alembic was imported).
    """

    def __init__(
        self, *args: t.Any, template_directory: str | None = None, **kwargs: t.Any
    ) -> None:
        self.template_directory = template_directory
        kwargs.setdefault("stdout", sys.stdout)
        super().__init__(*args, **kwargs)

    def get_template_directory(self) -> str:
        """Return the folder holding the templates ``init`` copies."""
        return self.template_directory or TEMPLATES
