"""The application factory: one call builds a configured app."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

from vial import Vial
from vial_roles.sqlalchemy import SQLAlchemyDatastore

from .auth import bp as auth_bp
from .extensions import csrf
from .extensions import db
from .extensions import login_manager
from .extensions import passwords
from .extensions import roles
from .extensions import tokens
from .models import Role
from .models import User
from .notes import bp as notes_bp
from .token_api import bp as token_api_bp


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
    # A user's session token doubles as the alternative id of their API
    # tokens, so "log out" ends the tokens too.
    app.config.setdefault("TOKENS_ALT_ID_ATTRIBUTE", "session_token")
    tokens.init_app(app)
    roles.init_app(app, SQLAlchemyDatastore(db, User, Role, identifier="name"))
    app.register_blueprint(auth_bp)
    app.register_blueprint(notes_bp)
    app.register_blueprint(token_api_bp)
    return app
