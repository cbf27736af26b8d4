"""The application factory: one call builds a configured app."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

from vial import Vial

from .auth import bp as auth_bp
from .extensions import csrf
from .extensions import db
from .extensions import login_manager
from .extensions import passwords
from .notes import bp as notes_bp


def create_app(config: Mapping[str, t.Any]) -> Vial:
    """Build the app with ``config`` (at least SECRET_KEY and the database URL)."""
    app = Vial(__name__.rpartition(".")[0])
    app.config.update(config)
    # The extensions' objects serve every app made here (tests make many);
    # each app keeps its own state in app.extensions.
    db.init_app(app)
    passwords.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(notes_bp)
    return app
