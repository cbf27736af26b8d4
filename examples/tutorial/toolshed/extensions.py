"""The extension objects of Toolshed, made once and set up by the app factory.

Each is created here without an app, so every module can import it, and
:func:`toolshed.app.create_app` calls its ``init_app``: one object serves
every app the factory makes (the tests make one per test).
"""

from __future__ import annotations

import typing as t

from sqlalchemy import MetaData
from sqlalchemy import TypeDecorator
from sqlalchemy.orm import DeclarativeBase
from vial_login import LoginManager
from vial_passwords import Passwords
from vial_roles import Roles
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.migrate import Migrate
from vial_tokens import TokenAuth
from vial_wtf import CSRFProtect


class Base(DeclarativeBase):
    """The base of the models, with names for every constraint.

    Migrations refer to constraints by name when they change or drop one;
    without a naming convention, SQLite leaves them unnamed.
    """

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def render_stored_type(kind: str, obj: t.Any, context: t.Any) -> str | t.Literal[False]:
    """Write a column of a custom type (vial-roles' ``PermissionSet``) into a
    revision as the type the database stores, so revisions import no app or
    library code, which changes after they were written."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False  # everything else as Alembic writes it


db = SQLAlchemy(model_class=Base)
# Options for Alembic's context.configure(), used by "vial db migrate".
migrate = Migrate(render_item=render_stored_type)
csrf = CSRFProtect()
passwords = Passwords()
login_manager = LoginManager()
# Where @login_required sends a visitor who is not logged in.
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to lend and borrow tools."
roles = Roles()
tokens = TokenAuth()
