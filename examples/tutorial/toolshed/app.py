"""The application factory: every app of Toolshed is made here."""

from __future__ import annotations

import typing as t

from vial import Vial
from vial_roles.sqlalchemy import SQLAlchemyDatastore

from toolshed import api
from toolshed import auth
from toolshed import shelf
from toolshed.extensions import csrf
from toolshed.extensions import db
from toolshed.extensions import login_manager
from toolshed.extensions import migrate
from toolshed.extensions import passwords
from toolshed.extensions import roles
from toolshed.extensions import tokens
from toolshed.models import Member
from toolshed.models import Role


def create_app(test_config: t.Mapping[str, t.Any] | None = None) -> Vial:
    """Create and configure an app; ``test_config`` replaces the settings
    read from the instance folder and the environment."""
    app = Vial(__name__, instance_relative_config=True)
    app.config.from_mapping(
        # Only for trying it out: production sets its own long random value.
        SECRET_KEY="dev",
        # A relative SQLite path is a file in the instance folder.
        SQLALCHEMY_DATABASE_URI="sqlite:///toolshed.sqlite",
        # Tokens name a member by the column Member.alt_id.
        TOKENS_ALT_ID_ATTRIBUTE="alt_id",
    )
    if test_config is None:
        # instance/config.py, then VIAL_* variables: VIAL_SECRET_KEY=...
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    passwords.init_app(app)
    login_manager.init_app(app)
    roles.init_app(app, SQLAlchemyDatastore(db, Member, Role))
    tokens.init_app(app)

    app.register_blueprint(shelf.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(api.bp)
    return app
